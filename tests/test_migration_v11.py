"""Schema v11 (each member's yearly sum per points item, kept by triggers): a version-10 demo town
upgrades keeping every row and every change-log entry, gets the sums of its entries, verifies,
and has exactly the schema a new database gets; afterwards every way an entry changes (a batch,
an edit, a deletion, an undo, a member deleted with his entries) keeps the sums equal to the
entries'."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from dangjian_desktop.db import Database, latest_version, seal
from dangjian_desktop.registry.members import remove_member

from migration_util import copy_with_rows, demo_town_at, table_rows, upgraded_copy
from sql_trace import traced

TODAY = dt.date(2026, 11, 22)

SUMS = "SELECT year, member_id, item_id, entries, round(points, 6) FROM points_entry_sum ORDER BY 1, 2, 3"
FROM_ENTRIES = ("SELECT year, member_id, item_id, count(*), round(sum(points), 6) FROM points_entry "
                "GROUP BY year, member_id, item_id ORDER BY 1, 2, 3")


@pytest.fixture(scope="module")
def v10_town(tmp_path_factory):
    """A demo town written by the schema-10 code path (closed file; each test copies it)."""
    return demo_town_at(tmp_path_factory.mktemp("v10-town"), 10)[0]


@pytest.fixture
def town(v10_town, tmp_path):
    with upgraded_copy(v10_town, tmp_path) as db:
        yield db


def _sums_match(db: Database) -> bool:
    sums = [tuple(r) for r in db.conn.execute(SUMS)]
    assert sums, "no sums"
    return sums == [tuple(r) for r in db.conn.execute(FROM_ENTRIES)]


def test_v11_is_the_latest_version():
    assert latest_version() >= 11


def test_a_v10_town_upgrades_keeping_every_row_and_gets_the_sums(v10_town, tmp_path):
    path, before = copy_with_rows(v10_town, tmp_path, 10)
    assert "points_entry_sum" not in before and len(before["points_entry"]) > 10_000
    with Database.open(path) as db:
        assert db.schema_version == latest_version()
        for t, rows in before.items():
            assert [tuple(r) for r in table_rows(db.conn, t)] == rows, t
        assert _sums_match(db)
        assert db.verify() == []


def test_the_upgraded_schema_is_exactly_the_one_a_new_database_gets(v10_town, tmp_path):
    path = shutil.copyfile(v10_town, tmp_path / "town.sqlite")
    with Database.open(path) as migrated:
        upgraded = seal.schema_objects(migrated.conn)
    with Database.create(tmp_path / "fresh.sqlite") as fresh:
        created = seal.schema_objects(fresh.conn)
    assert upgraded == created == seal.reference(latest_version()).objects
    assert {"points_entry_sum_ins", "points_entry_sum_del", "points_entry_sum_upd"} <= set(upgraded)


def test_the_sums_follow_every_change_of_the_entries(town):
    db = town
    e = db.one("SELECT * FROM points_entry ORDER BY rowid LIMIT 1")
    other_item = db.scalar("SELECT id FROM points_item WHERE year = ? AND id != ? LIMIT 1", (e["year"], e["item_id"]))
    other_member = db.scalar("SELECT id FROM member WHERE id != ? LIMIT 1", (e["member_id"],))
    with db.transaction("改分值") as tx:
        tx.update("points_entry", e["id"], {"points": e["points"] + 3.5})
    assert _sums_match(db)
    with db.transaction("改项目、党员和年度") as tx:
        tx.update("points_entry", e["id"], {"item_id": other_item, "member_id": other_member})
        tx.update("points_entry", e["id"], {"year": e["year"] - 1})
    assert _sums_match(db)
    with db.transaction("只改备注") as tx:
        tx.update("points_entry", e["id"], {"note": "备注"})
    assert _sums_match(db)
    lone = db.one("SELECT e.id, e.year, e.member_id, e.item_id FROM points_entry e JOIN points_entry_sum s "
                  "USING (year, member_id, item_id) WHERE s.entries = 1 LIMIT 1")
    with db.transaction("删除") as tx:
        tx.delete("points_entry", lone["id"])
    assert _sums_match(db)  # the row of its last entry is gone, not left at 0
    assert db.scalar("SELECT count(*) FROM points_entry_sum WHERE year = ? AND member_id = ? AND item_id = ?",
                     (lone["year"], lone["member_id"], lone["item_id"])) == 0
    with db.transaction("再录入") as tx:
        tx.insert("points_entry", {k: e[k] for k in ("member_id", "item_id", "year", "date", "points",
                                                    "entered_by", "owner")})
    assert _sums_match(db)
    # A member deleted: his entries go with him (ON DELETE CASCADE), and so do his sums.
    member = db.scalar("""SELECT e.member_id FROM points_entry e WHERE NOT EXISTS (
                              SELECT 1 FROM committee_member c WHERE c.member_id = e.member_id)
                          AND NOT EXISTS (SELECT 1 FROM meeting g WHERE g.host_member_id = e.member_id)
                          GROUP BY e.member_id ORDER BY count(*) DESC LIMIT 1""")
    remove_member(db, member, reason="录入错误")
    assert db.scalar("SELECT count(*) FROM points_entry WHERE member_id = ?", (member,)) == 0
    assert db.scalar("SELECT count(*) FROM points_entry_sum WHERE member_id = ?", (member,)) == 0
    assert _sums_match(db)


def test_a_meeting_and_its_undo_keep_the_sums(town):
    from dangjian_desktop.meetings.ledger import record_meeting
    from dangjian_desktop.points.batch import undo_last_batch

    db = town
    branch = db.scalar("SELECT org_id FROM member WHERE status = '正常' GROUP BY org_id ORDER BY count(*) DESC LIMIT 1")
    ids = [r[0] for r in db.query("SELECT id FROM member WHERE org_id = ? AND status = '正常'", (branch,))]
    before = [tuple(r) for r in db.conn.execute(SUMS)]
    res = record_meeting(db, org_id=branch, meeting_type="支部党员大会", date="2026-11-20", place="村委会议室",
                         host_name="书记", topic="学习", content="", attendance={m: "出席" for m in ids})
    assert res.entries > 0 and _sums_match(db)
    assert [tuple(r) for r in db.conn.execute(SUMS)] != before
    undo_last_batch(db, db.local_office_id)
    assert _sums_match(db)
    assert [tuple(r) for r in db.conn.execute(SUMS)] == before


def test_the_yearly_totals_read_the_sums_not_the_entries(town):
    from dangjian_desktop.points.totals import totals

    db = town
    year = db.scalar("SELECT max(year) FROM points_entry")
    with traced(db.conn) as seen:
        rows = totals(db, year, office_id=db.local_office_id)
    assert rows
    query = [s for s in seen if "WITH mm" in s]
    assert len(query) == 1
    plan = " ".join(r[3] for r in db.query("EXPLAIN QUERY PLAN " + query[0]))
    assert "SEARCH e USING PRIMARY KEY (year=? AND member_id=?)" in plan, plan
    assert "points_entry" not in query[0].replace("points_entry_sum", ""), query[0]
