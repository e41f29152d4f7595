"""Tables kept from others in the same unit of work, not logged themselves, checked against
what they are kept from.

`points_entry_sum` (each member's points per item and year, schema version 11) is written by
triggers on `points_entry` and read by the totals, the star ratings and the publicity sheets.
It has no change log of its own: an edit of it behind the program's back changed members' stars
while the log of every logged row stayed sound. `verify` recomputes it from the entries."""

from __future__ import annotations

import sqlite3

# Per year, member and item, the entries' count and sum (read straight through the table: a walk
# of an index looks every entry up) against the kept row: those missing, those that differ, those
# found; a kept row no group found is one too many.
_POINTS_SUMS = """
WITH e AS (SELECT year, member_id, item_id, count(*) AS n, sum(points) AS p FROM points_entry NOT INDEXED
           GROUP BY year, member_id, item_id)
SELECT count(*) - count(s.entries),
       sum(s.entries IS NOT NULL AND (s.entries != e.n OR abs(s.points - e.p) > 1e-6)),
       count(s.entries), (SELECT count(*) FROM points_entry_sum)
FROM e LEFT JOIN points_entry_sum s USING (year, member_id, item_id)"""


def derived_problems(conn: sqlite3.Connection) -> list[str]:
    """What the kept tables say otherwise than the rows they are kept from (Chinese, one line each)."""
    has = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND name IN ('points_entry', 'points_entry_sum')")}
    if len(has) < 2:
        return []
    missing, differ, found, kept = conn.execute(_POINTS_SUMS).fetchone()
    wrong = missing + (differ or 0) + kept - found
    if not wrong:
        return []
    return [f"积分小计与积分记录有 {wrong} 处不一致：积分小计在本程序之外被改动过"
            "（党员的年度积分、星级和公示表都据此计算）"]
