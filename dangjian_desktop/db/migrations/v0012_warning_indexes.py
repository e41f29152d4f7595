"""Partial indexes for the registry's warnings about members, so that a save does not make the
warnings read every member row three times.

After each saved change the 组织台账 page re-reads its warnings; three of them concern members
(registry/warnings.py): 预备党员 whose year is up, members who lost contact (失联), and members
whose record lacks an expected field. Each was a scan of the whole member table (about 140 ms
at a prefecture's 296,000 members). These indexes hold only the few members each warning is
about, under exactly the query's condition (registry/status.py's active members,
registry/completeness.py's expected fields), so each query reads only them.
tests/test_migration_v12.py checks that the queries use them.

No table is rebuilt and no row or change-log entry is touched: digests and seals stay valid.
"""

VERSION = 12

_ACTIVE = "status IN ('正常', '失联')"
_INCOMPLETE = " OR ".join(f"ifnull(trim({c}), '') IN ('', '未填')" for c in ("ethnicity", "education", "person_class", "job"))

SQL = f"""
CREATE INDEX member_probation ON member(join_date) WHERE category = '预备党员' AND {_ACTIVE};
CREATE INDEX member_lost ON member(org_id) WHERE status = '失联';
CREATE INDEX member_incomplete ON member(org_id) WHERE {_ACTIVE} AND ({_INCOMPLETE})
"""


def up(conn):
    for stmt in SQL.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)
