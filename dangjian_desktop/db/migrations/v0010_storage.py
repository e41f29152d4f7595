"""Indexes for a county's and a prefecture's roll: one that the registry's counts read instead of
the member table, one fewer that another index already holds.

- member_active: the active members (党籍 正常 or 失联, the condition of registry/status.py)
  by branch, party group and category. The organisation tree counts its members with one
  GROUP BY over exactly these columns and this condition: with the partial index the count
  reads only the index (a few bytes per active member, already in group order) instead of
  every member row and a temporary B-tree.
- org_office is dropped: org_unique_name (office_id, parent, name) starts with the same column
  and serves every look-up by office (and the foreign-key check of office deletes) as well.

Nothing else changes: no table is rebuilt, no row and no change-log entry is touched, so every
digest and seal written before stays valid. Where the bytes of a database go, and why the
row tables are kept as they are (WITHOUT ROWID makes every secondary index carry the 36-byte
id and grows the file; the app orders by rowid in several places), is measured by
benchmarks/storage.py.
"""

VERSION = 10

SQL = """
CREATE INDEX member_active ON member(org_id, group_id, category) WHERE status IN ('正常', '失联');
DROP INDEX org_office
"""


def up(conn):
    for stmt in SQL.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)
