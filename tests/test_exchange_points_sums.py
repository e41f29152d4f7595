"""The exchange import writes points entries in bulk (db.bulk_log) and keeps each member's yearly
sums per item (migration v11) in one statement per package instead of one trigger per entry:
the sums at the county equal the entries' own, after the first package and after a later one."""

from __future__ import annotations

from dangjian_desktop.db import Database
from dangjian_desktop.db.bulk_log import DERIVED
from dangjian_desktop.meetings.ledger import record_meeting

from exchange_util import county_with_towns, dj

SUMS = "SELECT year, member_id, item_id, entries, round(points, 6) FROM points_entry_sum ORDER BY 1, 2, 3"
FROM_ENTRIES = ("SELECT year, member_id, item_id, count(*), round(sum(points), 6) FROM points_entry "
                "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")


def _sums_match(path) -> int:
    with Database.open(path, mode="read") as db:
        sums = [tuple(r) for r in db.conn.execute(SUMS)]
        assert sums == [tuple(r) for r in db.conn.execute(FROM_ENTRIES)]
        trigger = db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                            (DERIVED["points_entry"][0],))
        assert trigger == 1  # created again after the import
        assert db.verify() == []
        return len(sums)


def test_the_countys_points_sums_follow_the_imported_entries(tmp_path):
    county, towns = county_with_towns(tmp_path, ["甲镇"])
    town = towns["甲镇"]
    dj("--db", town, "exchange", "export", "--out", tmp_path / "p1")
    dj("--db", county, "exchange", "import", tmp_path / "p1")
    first = _sums_match(county)
    assert first > 0
    with Database.open(town) as db:  # a second meeting: entries for the same members and items
        org, members = db.one("SELECT org_id, group_concat(id) FROM member GROUP BY org_id LIMIT 1")
        record_meeting(db, org_id=org, meeting_type="支部党员大会", date="2026-05-10", topic="第二次",
                       attendance={m: "出席" for m in members.split(",")})
    dj("--db", town, "exchange", "export", "--out", tmp_path / "p2")
    dj("--db", county, "exchange", "import", tmp_path / "p2")
    assert _sums_match(county) >= first
