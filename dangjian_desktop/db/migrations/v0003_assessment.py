"""Assessment rounds (考核): rounds with a frozen scheme, one checklist sheet per branch, item
scores at three stages, vetoes, self-evaluation reports, evidence, workflow history, appeals,
adjustments after the lock, lots, holidays and the rectification ledger (整改台账)."""

VERSION = 3

ROW_IDENTITY = """
    owner TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL
"""

STATES = "('自评', '初审', '审核', '公示', '申诉', '确定')"

SQL = f"""
CREATE TABLE assessment_round (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES office(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 1990 AND 2200),
    title TEXT NOT NULL,
    scheme_id TEXT NOT NULL,
    scheme_name TEXT NOT NULL,
    scheme_json TEXT NOT NULL,
    scope_json TEXT NOT NULL DEFAULT '{{}}',
    self_due TEXT,
    initial_due TEXT,
    review_due TEXT,
    publicity_start TEXT,
    appeal_days INTEGER NOT NULL DEFAULT 15 CHECK (appeal_days BETWEEN 1 AND 60),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE UNIQUE INDEX assessment_round_unique ON assessment_round(office_id, year, scheme_id);

CREATE TABLE round_branch (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES assessment_round(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES org(id),
    office_id TEXT NOT NULL REFERENCES office(id),
    org_name TEXT NOT NULL,
    kind TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT '自评' CHECK (state IN {STATES}),
    state_since TEXT NOT NULL,
    publicity_start TEXT,
    classification TEXT,
    {ROW_IDENTITY}
);
CREATE UNIQUE INDEX round_branch_unique ON round_branch(round_id, org_id);
CREATE INDEX round_branch_org ON round_branch(org_id);

CREATE TABLE round_score (
    id TEXT PRIMARY KEY,
    round_branch_id TEXT NOT NULL REFERENCES round_branch(id) ON DELETE CASCADE,
    item_code TEXT NOT NULL,
    self_score REAL CHECK (self_score IS NULL OR self_score >= 0),
    initial_score REAL CHECK (initial_score IS NULL OR initial_score >= 0),
    final_score REAL CHECK (final_score IS NULL OR final_score >= 0),
    reason TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE UNIQUE INDEX round_score_unique ON round_score(round_branch_id, item_code);

CREATE TABLE round_veto (
    id TEXT PRIMARY KEY,
    round_branch_id TEXT NOT NULL REFERENCES round_branch(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    fact TEXT NOT NULL,
    found_on TEXT,
    {ROW_IDENTITY}
);
CREATE UNIQUE INDEX round_veto_unique ON round_veto(round_branch_id, code);

CREATE TABLE round_self_report (
    id TEXT PRIMARY KEY,
    round_branch_id TEXT NOT NULL UNIQUE REFERENCES round_branch(id) ON DELETE CASCADE,
    situation TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    measures TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);

CREATE TABLE round_history (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES assessment_round(id) ON DELETE CASCADE,
    round_branch_id TEXT REFERENCES round_branch(id) ON DELETE CASCADE,
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    on_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX round_history_branch ON round_history(round_branch_id, at);
CREATE INDEX round_history_round ON round_history(round_id, at);

CREATE TABLE round_appeal (
    id TEXT PRIMARY KEY,
    round_branch_id TEXT NOT NULL REFERENCES round_branch(id) ON DELETE CASCADE,
    lodged_on TEXT NOT NULL,
    lodged_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    material TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    decision TEXT,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('维持', '调整')),
    decided_on TEXT,
    decided_by TEXT,
    {ROW_IDENTITY}
);
CREATE INDEX round_appeal_branch ON round_appeal(round_branch_id, lodged_on);

CREATE TABLE round_adjustment (
    id TEXT PRIMARY KEY,
    round_branch_id TEXT NOT NULL REFERENCES round_branch(id) ON DELETE CASCADE,
    target TEXT NOT NULL CHECK (target IN ('score', 'veto')),
    code TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    {ROW_IDENTITY}
);
CREATE INDEX round_adjustment_branch ON round_adjustment(round_branch_id, at);

CREATE TABLE round_lot (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES assessment_round(id) ON DELETE CASCADE,
    seed TEXT NOT NULL,
    result_json TEXT NOT NULL,
    drawn_at TEXT NOT NULL,
    drawn_by TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX round_lot_round ON round_lot(round_id, drawn_at);

CREATE TABLE holiday (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('休', '班')),
    name TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);

CREATE TABLE holiday_year (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL UNIQUE,
    {ROW_IDENTITY}
);

CREATE TABLE rectification (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    round_id TEXT REFERENCES assessment_round(id) ON DELETE SET NULL,
    problem TEXT NOT NULL CHECK (length(trim(problem)) > 0),
    measure TEXT NOT NULL DEFAULT '',
    responsible TEXT NOT NULL DEFAULT '',
    deadline TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '未整改' CHECK (status IN ('未整改', '整改中', '已销号')),
    closed_on TEXT,
    close_note TEXT NOT NULL DEFAULT '',
    created_on TEXT NOT NULL,
    {ROW_IDENTITY}
);
CREATE INDEX rectification_org ON rectification(org_id, deadline);
CREATE INDEX rectification_round ON rectification(round_id);

CREATE TABLE round_evidence (
    id TEXT PRIMARY KEY,
    attachment_id TEXT NOT NULL REFERENCES attachment(id),
    round_branch_id TEXT REFERENCES round_branch(id) ON DELETE CASCADE,
    item_code TEXT,
    appeal_id TEXT REFERENCES round_appeal(id) ON DELETE CASCADE,
    rectification_id TEXT REFERENCES rectification(id) ON DELETE CASCADE,
    note TEXT NOT NULL DEFAULT '',
    added_on TEXT NOT NULL,
    {ROW_IDENTITY},
    CHECK (round_branch_id IS NOT NULL OR rectification_id IS NOT NULL)
);
CREATE INDEX round_evidence_branch ON round_evidence(round_branch_id, item_code);
CREATE INDEX round_evidence_rect ON round_evidence(rectification_id);
CREATE INDEX round_evidence_attachment ON round_evidence(attachment_id);
"""


def up(conn):
    for stmt in SQL.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)
