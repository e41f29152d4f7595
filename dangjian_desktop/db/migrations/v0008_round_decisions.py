"""The reviewers' decisions in an assessment round that the results depend on.

- round_quota_decision: who holds a title or level a scheme limits (六有党支部 1–2 per town,
  五化 五星 ≤ 15 %), named by a reviewer with a reason when more qualify than the limit allows:
  one row per holder, or one row without a branch when nobody in the scope holds it; each row
  keeps the qualifiers the reviewer had before them (`considered`, a JSON list of sheet ids),
  so a branch that qualifies later reopens the decision.
- round_veto_review: a veto the registry's data proves (secretary vacant, term overdue, the
  funding item scored 0), proposed to the reviewer and confirmed or dismissed with a reason.

Both carry the row identity columns, so the change log records who changed them and when.
"""

VERSION = 8

ROW_IDENTITY = """
    owner TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL
"""

SQL = f"""
CREATE TABLE round_quota_decision (
    id TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES assessment_round(id) ON DELETE CASCADE,
    quota_code TEXT NOT NULL,
    title TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    round_branch_id TEXT REFERENCES round_branch(id) ON DELETE CASCADE,
    considered TEXT NOT NULL DEFAULT '[]',
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    {ROW_IDENTITY}
);
CREATE UNIQUE INDEX round_quota_decision_unique ON round_quota_decision(round_branch_id, quota_code);
CREATE UNIQUE INDEX round_quota_decision_nobody ON round_quota_decision(round_id, quota_code, scope)
    WHERE round_branch_id IS NULL;
CREATE INDEX round_quota_decision_round ON round_quota_decision(round_id, quota_code);

CREATE TABLE round_veto_review (
    id TEXT PRIMARY KEY,
    round_branch_id TEXT NOT NULL REFERENCES round_branch(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    fact TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('确认', '驳回')),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    {ROW_IDENTITY}
);
CREATE UNIQUE INDEX round_veto_review_unique ON round_veto_review(round_branch_id, code)
"""


def up(conn):
    for stmt in SQL.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)
