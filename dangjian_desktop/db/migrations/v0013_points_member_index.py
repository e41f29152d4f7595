"""The points ledger's entries indexed by member instead of by year, so that deleting a member
(or any foreign-key check on member) no longer reads every entry.

points_entry.member_id references member(id) ON DELETE CASCADE, but the only index holding
member_id, points_entry_totals (year, member_id, item_id, points), starts with the year: SQLite's
check of a member's entries and the cascade that deletes them each read every entry (a
member's deletion took 0.13 s at a county of 25 towns, seconds at a prefecture). The index was
built for the yearly totals, which since v11 read points_entry_sum instead, and it was 4 % of the
demo town's file. points_entry_member (member_id, year), half its size, takes its place: a
member's entries, or his entries of one year (the ledger's list for one member, his breakdown by
item, the check of per-month and per-year items). A year's entries of an organisation are read
through its members (member_org); the latest year with entries and the members with entries in a
year are read from points_entry_sum. tests/test_migration_v13.py checks that the queries use them.

No table is rebuilt and no row or change-log entry is touched: digests and seals stay valid.
"""

VERSION = 13

SQL = """
DROP INDEX points_entry_totals;
CREATE INDEX points_entry_member ON points_entry(member_id, year)
"""


def up(conn):
    for stmt in SQL.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)
