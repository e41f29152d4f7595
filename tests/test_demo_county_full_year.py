"""A county demo gives every town a full year (meetings, attendance, points, ledgers), written with
its change-log entries in bulk: every town has them, and the log verifies."""

from __future__ import annotations

import datetime as dt

from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.registry import init_office

TODAY = dt.date(2026, 11, 22)


def test_every_town_of_a_county_demo_has_a_full_year(tmp_path):
    db = Database.create(tmp_path / "county.sqlite")
    try:
        init_office(db, name="测试县", level="county")
        generate(db, towns=3, seed=4, today=TODAY)
        per_town = db.query("""SELECT f.name,
                 (SELECT count(*) FROM meeting mt JOIN org o ON o.id = mt.org_id WHERE o.office_id = f.id) AS meetings,
                 (SELECT count(*) FROM points_entry e JOIN member m ON m.id = e.member_id
                  JOIN org o ON o.id = m.org_id WHERE o.office_id = f.id) AS entries,
                 (SELECT count(*) FROM dues_payment p JOIN member m ON m.id = p.member_id
                  JOIN org o ON o.id = m.org_id WHERE o.office_id = f.id) AS dues
               FROM office f WHERE f.level = 'town' ORDER BY f.name""")
        assert len(per_town) == 3
        for town in per_town:
            assert town["meetings"] > 100 and town["entries"] > 1000 and town["dues"] > 100, dict(town)
        sums = db.conn.execute("SELECT count(*), round(sum(points), 3) FROM points_entry_sum").fetchone()
        entries = db.conn.execute("SELECT count(DISTINCT year || member_id || item_id), round(sum(points), 3) "
                                  "FROM points_entry").fetchone()
        assert tuple(sums) == tuple(entries)
        assert db.verify() == []
    finally:
        db.close()
