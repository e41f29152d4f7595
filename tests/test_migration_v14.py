"""Schema v14 (the change log stored with numbers for its table and operation, db/log_store.py):
a version-13 demo town upgrades with every entry reading as before through the change_log
view, verifies, keeps its sequence numbers' high-water mark, has exactly a new database's
schema and a log that takes less room; the view's look-ups use log_entry's keys; the schema
of every released version (which old transactions' seals name) is unchanged."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest

from dangjian_desktop.db import Database, latest_version, log_store, seal
from dangjian_desktop.db.history import row_history
from dangjian_desktop.db.migrations import v0014_log_numbers

from migration_util import copy_with_rows, sent_since, table_rows, town_with_a_deletion, upgraded_copy
from sql_trace import plan

TODAY = dt.date(2026, 11, 22)
# The schema fingerprints of the released versions, as the seals of transactions written by
# them record them: building an older version's schema must give exactly these forever.
RELEASED = {
    1: "b5477b5d56b0cf9087f4d903949ae370", 2: "9cf8d84b71bd086b6d49a3611b36b564",
    3: "5bdb455beccdd0e5ed7262b84406f813", 4: "aa2acaad21a93f13208cd37bf67fac12",
    5: "e97a54d85a4adba7deeda0b7deba204c", 6: "3a7514f01cc399372c2370e5c95ded0d",
    7: "000db5617d97c72a8554fff1a5778c0f", 8: "d5740170e611a9cc5280ba5808c13c9f",
    9: "2d2ebbe7df1cd5ec09321d7c4943982f", 10: "ce609acb29a68c268d93b4eb1bedbc28",
    11: "02688d1777903803cdf51098a9d6a1f7", 12: "f6ade02ecb8a05c5e3456c931056ec87",
    13: "938f61db1bfd8c3dcbd40ba22213641a",
}


def _log_bytes(conn: sqlite3.Connection, names: tuple[str, ...]) -> int:
    marks = ",".join("?" * len(names))
    return conn.execute(f"SELECT sum(pgsize) FROM dbstat WHERE name IN ({marks})", names).fetchone()[0]


@pytest.fixture(scope="module")
def v13(tmp_path_factory):
    """A v13 demo town with a deletion after its year, and what a package would carry of it."""
    return town_with_a_deletion(tmp_path_factory.mktemp("v13-town"), 13)


@pytest.fixture(scope="module")
def v13_town(v13):
    return v13[0]


@pytest.fixture
def upgraded(v13_town, tmp_path):
    with upgraded_copy(v13_town, tmp_path) as db:
        yield db


def test_v14_is_the_latest_version():
    assert latest_version() >= 14


def test_the_released_schemas_are_unchanged():
    assert {v: seal.reference(v).fingerprint.hex() for v in RELEASED} == RELEASED


def test_a_v13_town_upgrades_with_every_entry_as_it_was(v13_town, tmp_path):
    path, before = copy_with_rows(v13_town, tmp_path, 13)
    conn = sqlite3.connect(path)
    try:
        # The sequence had gone further than the entries left (an entry written and rolled back
        # leaves no row but moves it): a number once given is never given again.
        high = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'").fetchone()[0]
        conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'change_log'", (high + 1000,))
        conn.commit()
    finally:
        conn.close()
    assert len(before["change_log"]) > 50_000
    with Database.open(path) as db:
        assert db.schema_version == latest_version()
        kinds = dict(db.conn.execute("SELECT name, type FROM sqlite_master WHERE name IN ('change_log', 'log_entry')"))
        assert kinds == {"change_log": "view", "log_entry": "table"}
        for t, rows in before.items():
            assert table_rows(db.conn, t) == rows, t
        assert db.verify() == []
        member = db.scalar("SELECT id FROM member WHERE status = '正常' LIMIT 1")
        with db.transaction("升级后修改") as tx:
            tx.update("member", member, {"phone": "13800000000"})
        seq, tbl, op = db.one("SELECT seq, tbl, op FROM change_log ORDER BY seq DESC LIMIT 1")
        assert (seq, tbl, op) == (high + 1001, "member", "update")
        assert [e.op for e in row_history(db.conn, "member", member)][-2:] == ["insert", "update"]
        assert db.verify() == []


def test_a_file_whose_log_index_was_dropped_upgrades_all_the_same(v13_town, tmp_path):
    path = shutil.copyfile(v13_town, tmp_path / "town.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX change_log_row")
    conn.commit()
    conn.close()
    with Database.open(path) as db:
        assert db.schema_version == latest_version()
        assert "log_entry_row" in {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_the_upgrade_moves_a_progress_bar(v13_town, tmp_path, monkeypatch):
    monkeypatch.setattr(v0014_log_numbers, "_SLICE", 10_000)  # several slices of the demo's log
    reports = []
    path = shutil.copyfile(v13_town, tmp_path / "town.sqlite")
    Database.open(path, progress=lambda done, total, text: reports.append((done, total, text))).close()
    bar = [(done, total) for done, total, text in reports if text == f"正在把数据库升级到第 {latest_version()} 版" and total]
    assert len(bar) > 5 and len({total for _, total in bar}) == 1
    assert [done for done, _ in bar] == sorted(done for done, _ in bar) and bar[-1][0] == bar[-1][1]


def test_the_upgraded_schema_is_exactly_the_one_a_new_database_gets(upgraded, tmp_path):
    with Database.create(tmp_path / "fresh.sqlite") as fresh:
        created = seal.schema_objects(fresh.conn)
    assert seal.schema_objects(upgraded.conn) == created == seal.reference(latest_version()).objects


def test_the_log_takes_much_less_room(v13_town, tmp_path):
    """The same entries, written afresh either way: at least a quarter less for the entries and
    their row index together."""
    old = sqlite3.connect(v13_town)
    try:
        before = _log_bytes(old, ("change_log", "change_log_row"))
        entries = old.execute("SELECT count(*) FROM change_log").fetchone()[0]
    finally:
        old.close()
    path = shutil.copyfile(v13_town, tmp_path / "town.sqlite")
    with Database.open(path) as db:
        db.conn.execute("VACUUM")  # both written in order, as a new database's entries are
        after = _log_bytes(db.conn, ("log_entry", "log_entry_row", "log_table"))
        assert db.scalar("SELECT count(*) FROM change_log") == entries
    assert after < 0.75 * before, (after, before)


def test_a_package_carries_what_it_did_before_the_upgrade(v13, upgraded):
    gone, before = v13[1]
    base = upgraded.scalar("SELECT max(id) FROM tx_log") - 2  # the demo's year and the deletion
    after = sent_since(upgraded, base)
    assert after == before
    rows, deleted = after
    assert deleted == {"meeting_attendance": [gone]} and sum(len(t.rows) for t in rows.values()) > 50_000


def test_every_entry_names_a_numbered_table_and_operation(upgraded):
    db = upgraded
    with db.transaction("设置") as tx:
        tx.insert("setting", {"id": "v14_probe", "value": "1"})
        tx.update("setting", "v14_probe", {"value": "2"})
        tx.delete("setting", "v14_probe")
    ops = db.query("SELECT e.op_no, c.op FROM log_entry e JOIN change_log c ON c.seq = e.seq "
                   "WHERE c.row_id = 'v14_probe' ORDER BY e.seq")
    assert [tuple(r) for r in ops] == [(0, "insert"), (1, "update"), (2, "delete")]
    named = {r[0] for r in db.query("SELECT name FROM log_table")}
    assert set(seal.reference(latest_version()).columns) <= named
    # An entry whose table has no number cannot be written (the trigger's look-up gives NULL).
    with pytest.raises(sqlite3.IntegrityError):
        db.conn.execute("INSERT INTO log_entry(tx_id, tbl_no, row_id, op_no) VALUES "
                        "((SELECT max(id) FROM tx_log), (SELECT no FROM log_table WHERE name = 'nothing'), 'x', 0)")


def test_the_views_look_ups_use_the_keys(upgraded):
    db = upgraded
    row = "0000000000000000"
    assert plan(db, "SELECT max(seq) FROM change_log").startswith("SEARCH e")
    by_row = plan(db, "SELECT tx_id FROM change_log WHERE tbl = ? AND row_id = ? ORDER BY seq DESC LIMIT 1",
                  ("member", row))
    assert "USING INDEX log_entry_row (tbl_no=? AND row_id=?)" in by_row, by_row
    newest = plan(db, "SELECT row_id, max(seq) FROM change_log WHERE tbl = ? GROUP BY row_id", ("member",))
    assert "log_entry_row (tbl_no=?)" in newest and "SCAN" not in newest, newest
    since = plan(db, "SELECT tbl, row_id FROM change_log WHERE seq > ? AND tx_id = ? ORDER BY seq", (1, 1))
    assert "SEARCH e USING INTEGER PRIMARY KEY (rowid>?)" in since, since


def test_writers_follow_the_version():
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("PRAGMA user_version = 13")
        assert log_store.of(conn).table == "change_log"
        conn.execute("PRAGMA user_version = 14")
        store = log_store.of(conn)
        assert (store.table, store.op("delete"), store.tbl("?")) == (
            "log_entry", "2", "(SELECT no FROM log_table WHERE name = ?)")
    finally:
        conn.close()


def test_versions_stamped_as_older_change_nothing_a_package_carries():
    """A package written at v14 says v13, so that a county still at v13 imports it: true only while
    every travelling table, its columns and its definition are the same at both versions."""
    from dangjian_desktop.exchange import ownership, payload

    assert payload.rows_version(14) == 13 and payload.rows_version(13) == 13
    for newer, older in payload.SAME_ROWS_AS.items():
        new, old = seal.reference(newer), seal.reference(older)
        conn = sqlite3.connect(":memory:")
        try:
            for sql in (sql for typ, sql in new.objects.values() if typ == "table"):
                conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {newer}")
            travelling = ownership.travelling_tables(conn)
        finally:
            conn.close()
        assert len(travelling) > 20
        for t in travelling:
            # v15's gid column stays in the database: a package carries ids translated (exchange/idmap.py)
            cols = [c for c in new.columns[t] if c != "gid"]
            typ, sql = new.objects[t]
            assert cols == old.columns[t] and (typ, sql.replace(", gid TEXT", "", 1)) == old.objects[t], t
