"""Forward-only migrations: a database made at every earlier schema version opens, upgrades and
keeps its data and its change log."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from dangjian_desktop.db import Database, latest_version
from dangjian_desktop.db.migrations import all_migrations
from dangjian_desktop.db.seal import SEAL_FROM_VERSION
from dangjian_desktop.registry import add_member, add_org, init_office, start_term
from dangjian_desktop.registry.idcard import make

EARLIER = [m.version for m in all_migrations() if m.version < latest_version()]


def test_versions_are_contiguous_from_one():
    versions = [m.version for m in all_migrations()]
    assert versions == list(range(1, len(versions) + 1))


@pytest.mark.parametrize("version", EARLIER)
def test_database_from_an_earlier_version_upgrades_with_its_data(tmp_path, version):
    path = tmp_path / f"v{version}.sqlite"
    db = Database.create(path, schema_version=version)
    assert db.schema_version == version
    init_office(db, name="旧版镇", level="town")
    root = db.scalar("SELECT id FROM org")
    branch = add_org(db, parent_id=root, name="东村党支部", org_type="党支部", kind="村")
    start_term(db, branch, start_date="2024-03-01", years=3)
    mid = add_member(db, {"name": "王芳", "ethnicity": "汉族", "id_number": make("140826", dt.date(1985, 2, 3), 1, False),
                          "join_date": "2010-07-01", "full_date": "2011-07-01", "category": "正式党员"},
                     org_id=branch, event_date="2010-07-01")
    before_log = db.scalar("SELECT count(*) FROM change_log")
    db.close()

    db = Database.open(path)
    try:
        assert db.schema_version == latest_version()
        assert db.get("member", mid)["name"] == "王芳"
        if version < SEAL_FROM_VERSION:
            # The earlier history is kept, compacted and sealed by the upgrade's own unit of work.
            upgrade = db.scalar("SELECT max(id) FROM tx_log")
            assert "签章" in db.scalar("SELECT reason FROM tx_log WHERE id = ?", (upgrade,))
            assert db.scalar("SELECT count(*) FROM change_log WHERE tx_id < ?", (upgrade,)) == before_log
        else:
            assert db.scalar("SELECT count(*) FROM change_log") == before_log
        assert db.verify() == []
        # Writes still work and are still logged after the upgrade.
        with db.transaction("升级后修改") as tx:
            tx.update("member", mid, {"phone": "13800000000"})
        assert db.scalar("SELECT op FROM change_log ORDER BY seq DESC LIMIT 1") == "update"
    finally:
        db.close()


def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    from dangjian_desktop.db import database as database_mod
    from dangjian_desktop.db.migrations import Migration

    path = tmp_path / "f.sqlite"
    Database.create(path, schema_version=1).close()

    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk full")

    steps = [m for m in all_migrations() if m.version == 1] + [Migration(2, "v0002_broken", broken)]
    monkeypatch.setattr(database_mod, "all_migrations", lambda: steps)
    monkeypatch.setattr(database_mod, "latest_version", lambda: 2)
    with pytest.raises(RuntimeError):
        Database.open(path)
    monkeypatch.undo()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    finally:
        conn.close()
