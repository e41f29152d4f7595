"""The ledgers behind the checklists (台账): party dues, the development pipeline, training,
rewards and punishments, visits to hardship and old members, 谈心谈话 with photos, party-work
funds, reserve cadres and plaques.

Every table carries the row identity (id, owner, rev, updated_at): the rows are logged and
sealed like the registry's and travel with the town's other rows. Money is kept in fen
(integer 分), months as 1-12 within a year. A row about a member goes with the member
(ON DELETE CASCADE, like the points tables); a row about a branch goes with the branch.
"""

VERSION = 9

ROW_IDENTITY = """
    owner TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL
"""

SQL = f"""
CREATE TABLE dues_base (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    from_month INTEGER NOT NULL DEFAULT 1 CHECK (from_month BETWEEN 1 AND 12),
    rate_class TEXT NOT NULL,
    base_fen INTEGER CHECK (base_fen IS NULL OR base_fen >= 0),
    monthly_fen INTEGER NOT NULL CHECK (monthly_fen >= 0),
    fixed_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE UNIQUE INDEX dues_base_month ON dues_base(member_id, year, from_month);
CREATE INDEX dues_base_year ON dues_base(year);

CREATE TABLE dues_payment (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    from_month INTEGER NOT NULL CHECK (from_month BETWEEN 1 AND 12),
    to_month INTEGER NOT NULL CHECK (to_month BETWEEN from_month AND 12),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_on TEXT NOT NULL,
    receiver TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX dues_payment_member ON dues_payment(member_id, year);
CREATE INDEX dues_payment_year ON dues_payment(year);

CREATE TABLE dues_exemption (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    from_month INTEGER NOT NULL CHECK (from_month BETWEEN 1 AND 12),
    to_month INTEGER NOT NULL CHECK (to_month BETWEEN from_month AND 12),
    monthly_fen INTEGER NOT NULL DEFAULT 0 CHECK (monthly_fen >= 0),
    reason TEXT NOT NULL,
    approved_by TEXT NOT NULL DEFAULT '',
    approved_on TEXT,
    {ROW_IDENTITY}
);
CREATE INDEX dues_exemption_member ON dues_exemption(member_id, year);

CREATE TABLE dev_person (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    sex TEXT CHECK (sex IS NULL OR sex IN ('男', '女')),
    ethnicity TEXT,
    birth_date TEXT,
    id_number TEXT,
    education TEXT,
    job TEXT,
    workplace TEXT,
    introducer1_id TEXT REFERENCES member(id) ON DELETE SET NULL,
    introducer1_name TEXT NOT NULL DEFAULT '',
    introducer2_id TEXT REFERENCES member(id) ON DELETE SET NULL,
    introducer2_name TEXT NOT NULL DEFAULT '',
    member_id TEXT REFERENCES member(id) ON DELETE SET NULL,
    closed TEXT,
    closed_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX dev_person_org ON dev_person(org_id);
CREATE INDEX dev_person_member ON dev_person(member_id);

CREATE TABLE dev_step (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES dev_person(id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    date TEXT NOT NULL,
    decision TEXT NOT NULL DEFAULT '',
    doc_no TEXT NOT NULL DEFAULT '',
    hours REAL CHECK (hours IS NULL OR hours >= 0),
    months INTEGER CHECK (months IS NULL OR months >= 0),
    result TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX dev_step_person ON dev_step(person_id, date);

CREATE TABLE dev_plan (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    planned INTEGER NOT NULL CHECK (planned >= 0),
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE UNIQUE INDEX dev_plan_org_year ON dev_plan(org_id, year);

CREATE TABLE training_record (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    content TEXT NOT NULL,
    hours REAL NOT NULL CHECK (hours >= 0),
    organiser TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX training_record_member ON training_record(member_id, date);
CREATE INDEX training_record_date ON training_record(date);

CREATE TABLE reward_record (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('奖励', '处分')),
    title TEXT NOT NULL,
    decision TEXT NOT NULL DEFAULT '',
    issuer TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX reward_record_member ON reward_record(member_id, date);
CREATE INDEX reward_record_date ON reward_record(date);

CREATE TABLE care_visit (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    visitor TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    amount_fen INTEGER NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX care_visit_member ON care_visit(member_id, date);
CREATE INDEX care_visit_date ON care_visit(date);

CREATE TABLE talk_record (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    talker TEXT NOT NULL,
    participants TEXT NOT NULL,
    topic TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX talk_record_org ON talk_record(org_id, date);

CREATE TABLE ledger_photo (
    id TEXT PRIMARY KEY,
    talk_id TEXT REFERENCES talk_record(id) ON DELETE CASCADE,
    visit_id TEXT REFERENCES care_visit(id) ON DELETE CASCADE,
    attachment_id TEXT NOT NULL REFERENCES attachment(id),
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY},
    CHECK ((talk_id IS NULL) + (visit_id IS NULL) = 1)
);
CREATE INDEX ledger_photo_talk ON ledger_photo(talk_id);
CREATE INDEX ledger_photo_visit ON ledger_photo(visit_id);
CREATE INDEX ledger_photo_attachment ON ledger_photo(attachment_id);

CREATE TABLE fund_entry (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    date TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('收入', '支出')),
    purpose TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    account TEXT NOT NULL DEFAULT '',
    voucher TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX fund_entry_org ON fund_entry(org_id, year);

CREATE TABLE reserve_cadre (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    member_id TEXT REFERENCES member(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    sex TEXT CHECK (sex IS NULL OR sex IN ('男', '女')),
    birth_date TEXT,
    education TEXT,
    since TEXT NOT NULL,
    until TEXT,
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX reserve_cadre_org ON reserve_cadre(org_id);

CREATE TABLE plaque (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    family TEXT NOT NULL,
    round_id TEXT REFERENCES assessment_round(id) ON DELETE SET NULL,
    year INTEGER,
    hung_on TEXT NOT NULL,
    removed_on TEXT,
    removed_reason TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    {ROW_IDENTITY}
);
CREATE INDEX plaque_org ON plaque(org_id, hung_on)
"""


def up(conn):
    for stmt in SQL.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)
