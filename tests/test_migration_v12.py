"""Schema v12 (partial indexes for the registry's warnings about members): a version-11 demo town
upgrades with every row and the same warnings, verifies, has exactly a new database's schema, and
the three member warnings read their index instead of scanning every member."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.db import Database, latest_version, seal
from dangjian_desktop.registry.warnings import compute_warnings

from migration_util import demo_town_at
from sql_trace import plan, spied_queries

TODAY = dt.date(2026, 11, 22)
INDEXES = ("member_probation", "member_lost", "member_incomplete")


@pytest.fixture(scope="module")
def v11_town(tmp_path_factory):
    def plant(db):  # a few members for each warning: incomplete, lost contact, 预备 over a year
        ids = [r[0] for r in db.query("SELECT id FROM member WHERE status = '正常' ORDER BY rowid LIMIT 6")]
        with db.transaction("test: warnings") as tx:
            tx.update("member", ids[0], {"education": ""})
            tx.update("member", ids[1], {"job": "未填"})
            tx.update("member", ids[2], {"status": "失联"})
            tx.update("member", ids[3], {"category": "预备党员", "join_date": "2020-01-01"})
        return [w.to_dict() for w in compute_warnings(db, today=TODAY)]

    return demo_town_at(tmp_path_factory.mktemp("v11-town"), 11, seed=5, then=plant)


def _warnings(path):
    with Database.open(path, mode="read") as db:
        return [w.to_dict() for w in compute_warnings(db, today=TODAY)]


def test_a_v11_town_upgrades_with_the_same_warnings(v11_town, tmp_path):
    src, before = v11_town
    path = tmp_path / "town.sqlite"
    path.write_bytes(src.read_bytes())
    with Database.open(path) as db:
        assert db.schema_version == latest_version() >= 12
        assert db.verify() == []
        names = {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert set(INDEXES) <= names
    after = _warnings(path)
    assert after == before
    codes = {w["code"] for w in after}
    assert {"incomplete", "lost_contact", "probation_overdue"} <= codes


def test_the_upgraded_schema_is_exactly_the_one_a_new_database_gets(v11_town, tmp_path):
    src, _ = v11_town
    path = tmp_path / "town.sqlite"
    path.write_bytes(src.read_bytes())
    with Database.open(path) as migrated, Database.create(tmp_path / "fresh.sqlite") as fresh:
        assert seal.schema_objects(migrated.conn) == seal.schema_objects(fresh.conn)


def test_the_member_warnings_read_their_indexes(v11_town, tmp_path, monkeypatch):
    src, _ = v11_town
    path = tmp_path / "town.sqlite"
    path.write_bytes(src.read_bytes())
    with Database.open(path) as db:
        seen = spied_queries(db, monkeypatch)
        compute_warnings(db, today=TODAY)
        plans = [plan(db, sql, params) for sql, params in seen if "FROM member m" in sql]
    assert len(plans) == 3
    for steps in plans:
        assert any(f"INDEX {name}" in steps for name in INDEXES), steps
