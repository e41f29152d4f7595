"""Schema v13 (points entries indexed by member, not by year): a version-12 demo town upgrades
keeping every row, verifies, has exactly a new database's schema, a member's entries are found
through points_entry_member (the foreign-key check and cascade of a member's deletion, the
per-member reads), and the queries that read the year's entries return what they did before."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
import sqlite3

import pytest
from openpyxl import load_workbook

from dangjian_desktop.db import Database, latest_version, seal
from dangjian_desktop.errors import UserError
from dangjian_desktop.points.batch import EntryDraft, prepare_entries
from dangjian_desktop.points.ledger import export_ledger_xlsx, has_entries, list_entries
from dangjian_desktop.points.totals import member_breakdown
from dangjian_desktop.registry.members import remove_member
from dangjian_desktop.statistics.views import latest_year

from migration_util import demo_town_at, table_rows, upgraded_copy
from sql_trace import plan, spied_queries, traced

TODAY = dt.date(2026, 11, 22)
INDEX = "points_entry_member"
# What the v12 code asked, on the index v13 drops.
OLD_YEARS = "SELECT max(year) FROM points_entry"
OLD_IDS = "SELECT id, id_number FROM member WHERE id IN (SELECT member_id FROM points_entry WHERE year = ?)"


def _picks(db: Database) -> dict:
    """A year, a member with entries of several items in it, his branch and his office."""
    year, member = db.one("SELECT year, member_id FROM points_entry_sum s WHERE NOT EXISTS (SELECT 1 FROM "
                          "committee_member c WHERE c.member_id = s.member_id) GROUP BY year, member_id "
                          "ORDER BY count(*) DESC, member_id LIMIT 1")
    m = db.get("member", member)
    office = db.scalar("SELECT office_id FROM org WHERE id = ?", (m["org_id"],))
    town = db.scalar("SELECT id FROM org WHERE office_id = ? AND parent_id IS NULL", (office,))
    return {"year": year, "member": member, "branch": m["org_id"], "town": town, "office": office}


def _export(db: Database, path, p: dict) -> list[tuple]:
    """The exported ledger's rows, the header first (ties of its order may fall either way)."""
    export_ledger_xlsx(db, p["year"], path, org_id=p["town"])
    header, *rows = (tuple(r) for r in load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    return [header, *sorted(rows, key=repr)]


def _ids(entries) -> list[str]:
    return sorted(e.id for e in entries)


def _reads(db: Database, p: dict, folder) -> dict:
    y = p["year"]
    return {
        "by_member": _ids(list_entries(db, y, member_id=p["member"])),
        "by_branch": _ids(list_entries(db, y, org_id=p["branch"])),
        "by_town": _ids(list_entries(db, y, org_id=p["town"])),
        "breakdown": member_breakdown(db, p["member"], y),
        "has": (has_entries(db, p["office"], y), has_entries(db, p["office"], y + 1)),
        "export": _export(db, folder / "ledger.xlsx", p),
    }


@pytest.fixture(scope="module")
def v12_town(tmp_path_factory):
    folder = tmp_path_factory.mktemp("v12-town")

    def before(db):
        p = _picks(db)
        meeting_year = db.scalar("SELECT max(substr(date, 1, 4)) FROM meeting")
        old = {"latest_year": max(int(y) for y in (db.scalar(OLD_YEARS), meeting_year) if y),
               "ids": sorted(tuple(r) for r in db.query(OLD_IDS, (p["year"],)))}
        return p, old, _reads(db, p, folder)

    return demo_town_at(folder, 12, seed=7, then=before)


@pytest.fixture
def town(v12_town, tmp_path):
    with upgraded_copy(v12_town[0], tmp_path) as db:
        yield db


def _all_rows(conn, table: str) -> list[tuple]:
    if table == "points_entry_sum":  # no rowid: in its key's order
        return [tuple(r) for r in conn.execute(f'SELECT * FROM "{table}"')]
    return table_rows(conn, table)


def test_v13_is_the_latest_version():
    assert latest_version() >= 13


def test_a_v12_town_upgrades_keeping_every_row_and_verifies(v12_town, tmp_path):
    path = shutil.copyfile(v12_town[0], tmp_path / "town.sqlite")
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 12
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")]
        rows = {t: _all_rows(conn, t) for t in names}
    finally:
        conn.close()
    assert len(rows["points_entry"]) > 10_000
    with Database.open(path) as db:
        assert db.schema_version == latest_version()
        for t, before in rows.items():
            assert _all_rows(db.conn, t) == before, t
        assert db.verify() == []
        indexes = {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert INDEX in indexes and "points_entry_totals" not in indexes


def test_the_upgraded_schema_is_exactly_the_one_a_new_database_gets(v12_town, tmp_path):
    path = shutil.copyfile(v12_town[0], tmp_path / "town.sqlite")
    with Database.open(path) as migrated:
        upgraded = seal.schema_objects(migrated.conn)
    with Database.create(tmp_path / "fresh.sqlite") as fresh:
        created = seal.schema_objects(fresh.conn)
    assert upgraded == created == seal.reference(latest_version()).objects


def test_deleting_a_member_finds_his_entries_through_the_index(town, v12_town):
    db = town
    member = v12_town[1][0]["member"]
    # The foreign-key check on member's deletion, and the cascade that deletes his entries.
    assert f"SEARCH points_entry USING COVERING INDEX {INDEX} (member_id=?)" in plan(
        db, "DELETE FROM member WHERE id = ?", (member,))
    assert f"INDEX {INDEX} (member_id=?)" in plan(db, "DELETE FROM points_entry WHERE member_id = ?", (member,))
    assert db.scalar("SELECT count(*) FROM points_entry WHERE member_id = ?", (member,)) > 1
    remove_member(db, member, reason="录入错误")
    assert db.scalar("SELECT count(*) FROM points_entry WHERE member_id = ?", (member,)) == 0
    assert db.scalar("SELECT count(*) FROM points_entry_sum WHERE member_id = ?", (member,)) == 0
    assert db.verify() == []


def test_a_members_reads_use_the_index(town, v12_town, monkeypatch):
    db = town
    p = v12_town[1][0]
    item = db.scalar("SELECT id FROM points_item WHERE year = ? AND unit IN ('月', '年') AND active = 1 "
                     "ORDER BY unit = '月' DESC, code LIMIT 1", (p["year"],))
    seen = spied_queries(db, monkeypatch)
    list_entries(db, p["year"], member_id=p["member"])
    list_entries(db, p["year"], org_id=p["branch"])
    member_breakdown(db, p["member"], p["year"])
    with contextlib.suppress(UserError):  # it reads his entries of the item before it finds any problem
        prepare_entries(db, [EntryDraft(p["member"], item, f"{p['year']}-03-05")], today=TODAY)
    plans = [plan(db, sql, params) for sql, params in seen if "FROM points_entry e" in sql
             or "FROM points_entry WHERE" in sql]
    assert len(plans) == 4
    for steps in plans:
        assert f"INDEX {INDEX} (member_id=? AND year=?)" in steps, steps


def test_the_years_reads_return_what_they_did_before(town, v12_town, tmp_path):
    db = town
    p, old, before = v12_town[1]
    assert latest_year(db) == old["latest_year"]
    assert sorted(tuple(r) for r in db.query(OLD_IDS, (p["year"],))) == old["ids"]
    after = _reads(db, p, tmp_path)
    assert after == before
    assert after["by_member"] and after["by_branch"] and after["has"] == (True, False)
    ids = dict(old["ids"])
    members = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM member")}
    exported = {(row[0], row[2]) for row in after["export"][1:]}
    assert exported == {(members[m], ids[m]) for m in {e.member_id for e in
                                                       list_entries(db, p["year"], org_id=p["town"])}}


def test_the_years_reads_do_not_scan_the_entries(town, v12_town, tmp_path):
    """The latest year and the exported ledger's ID numbers read points_entry_sum: with the
    year-first index gone, asking points_entry would read every entry."""
    db = town
    p = v12_town[1][0]
    with traced(db.conn) as statements:
        latest_year(db)
        _export(db, tmp_path / "ledger.xlsx", p)
    plans = [plan(db, sql) for sql in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    reads = [line for steps in plans for line in steps.split(" | ") if re.search(r"\bpoints_entry\b(?!_)", line)]
    assert all("=" in line for line in reads), reads
    assert any("points_entry_sum" in steps for steps in plans)
