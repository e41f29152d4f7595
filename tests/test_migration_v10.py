"""Schema v10 (indexes for the registry's counts, one redundant index fewer): a version-9 demo
town upgrades keeping every row and every change-log entry, verifies, and has exactly the schema
a database created at v10 has."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest

from dangjian_desktop.db import Database, latest_version, seal
from dangjian_desktop.registry.tree import org_tree

from migration_util import demo_town_at, table_rows
from sql_trace import traced

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def v9_town(tmp_path_factory):
    """A demo town written by the schema-9 code path (closed file; each test copies it)."""
    return demo_town_at(tmp_path_factory.mktemp("v9-town"), 9)[0]


def _all_rows(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                    "AND sql NOT LIKE '%WITHOUT ROWID%' ORDER BY name")]  # v11's sums
    return {t: table_rows(conn, t) for t in names}


def _index_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_v10_is_the_latest_version():
    assert latest_version() >= 10


def test_a_v9_demo_town_upgrades_keeping_every_row_and_verifies(v9_town, tmp_path):
    path = shutil.copyfile(v9_town, tmp_path / "town.sqlite")
    conn = sqlite3.connect(path)  # the app opens an older schema only to upgrade it
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 9
        before = _all_rows(conn)
        assert "member_active" not in _index_names(conn)
    finally:
        conn.close()
    assert len(before["points_entry"]) > 10_000 and len(before["meeting_attendance"]) > 10_000

    db = Database.open(path)
    try:
        assert db.schema_version == latest_version()  # later steps run too
        after = {t: table_rows(db.conn, t) for t in before}
        # Every row of every table, the change log and the sealed transactions included, is
        # still there with the same content and the same rowid.
        assert after.keys() == before.keys()
        for table in before:
            assert after[table] == before[table], table
        assert db.verify() == []
        assert "member_active" in _index_names(db.conn) and "org_office" not in _index_names(db.conn)
        # Writing after the upgrade is sealed against the v10 schema and still verifies.
        mid = db.scalar("SELECT id FROM member WHERE status = '正常' LIMIT 1")
        with db.transaction("升级后修改") as tx:
            tx.update("member", mid, {"phone": "13800000000"})
        assert db.verify() == []
    finally:
        db.close()


def test_the_upgraded_schema_is_exactly_the_one_a_new_database_gets(v9_town, tmp_path):
    path = shutil.copyfile(v9_town, tmp_path / "town.sqlite")
    with Database.open(path) as migrated:
        upgraded = seal.schema_objects(migrated.conn)
    with Database.create(tmp_path / "fresh.sqlite") as fresh:
        created = seal.schema_objects(fresh.conn)
    assert upgraded == created
    assert upgraded == seal.reference(latest_version()).objects


def test_the_organisation_tree_counts_members_from_the_partial_index(v9_town, tmp_path):
    path = shutil.copyfile(v9_town, tmp_path / "town.sqlite")
    with Database.open(path) as db:
        with traced(db.conn) as seen:
            tree = org_tree(db)
        counting = [s for s in seen if "GROUP BY org_id, group_id, category" in s]
        assert len(counting) == 1
        plan = " ".join(r[3] for r in db.query("EXPLAIN QUERY PLAN " + counting[0]))
        assert "COVERING INDEX member_active" in plan or "USING INDEX member_active" in plan, plan
        assert "TEMP B-TREE" not in plan  # the index is already in group order
        # The counts are those of the member rows themselves.
        active = db.scalar("SELECT count(*) FROM member WHERE status IN ('正常', '失联')")
        root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
        assert tree.counts[root].total == active


def test_looking_up_organisations_by_office_still_uses_an_index(v9_town, tmp_path):
    path = shutil.copyfile(v9_town, tmp_path / "town.sqlite")
    with Database.open(path) as db:
        for sql in ("SELECT * FROM org WHERE office_id = ?", "SELECT count(*) FROM org WHERE office_id = ?"):
            plan = " ".join(r[3] for r in db.query("EXPLAIN QUERY PLAN " + sql, ("x",)))
            assert plan.startswith("SEARCH") and "org_unique_name" in plan, plan
