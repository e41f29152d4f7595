"""The ways verify reads the file: SQLite's own checks on a second connection (or on the
database's own when that cannot be had), the seal chain in one pass over the change log, and
rows whose table has columns their digest does not cover."""

from __future__ import annotations

import hmac
import sqlite3

from dangjian_desktop.db import Database, database, seal, sqlite_checks
from test_seal import outside, problems_of, town  # noqa: F401  (fixture)


def _orphan_parent(path):
    # A foreign key to nothing, made with foreign keys off as any SQLite tool has them.
    outside(path, "UPDATE org SET parent_id = 'nowhere', rev = rev + 1 WHERE parent_id IS NOT NULL")


def _record_checks(monkeypatch) -> list:
    seen = []
    real = sqlite_checks.sqlite_checks

    def checks(conn):
        seen.append(conn)
        return real(conn)

    monkeypatch.setattr(sqlite_checks, "sqlite_checks", checks)
    return seen


def test_sqlite_checks_run_on_a_second_connection_and_come_first(town, monkeypatch):
    path, _ = town
    _orphan_parent(path)
    seen = _record_checks(monkeypatch)
    with Database.open(path, mode="read") as db:
        problems = db.verify()
        assert len(seen) == 1 and seen[0] is not db.conn
    assert "外键" in problems[0]
    assert len(problems) > 1  # the change log finds the edit as well


def test_sqlite_checks_fall_back_to_the_own_connection(town, monkeypatch):
    path, _ = town
    _orphan_parent(path)
    monkeypatch.setattr(sqlite_checks.SqliteChecks, "__init__", _init_with_bad_uri)
    seen = _record_checks(monkeypatch)
    with Database.open(path, mode="read") as db:
        problems = db.verify()
        assert seen[-1] is db.conn
    assert "外键" in problems[0]


_REAL_INIT = sqlite_checks.SqliteChecks.__init__


def _init_with_bad_uri(self, file, uri=None):
    _REAL_INIT(self, file, "file:/nonexistent/dir/x.sqlite?mode=ro")


def test_inside_a_transaction_the_checks_run_on_the_own_connection(town, monkeypatch):
    path, _ = town
    seen = _record_checks(monkeypatch)
    with Database.open(path) as db:
        with db.transaction("设置", actor="张书记") as tx:
            tx.insert("setting", {"id": "verify_inside", "value": "1"})
            db.verify()  # the unit of work is not sealed yet: only where the checks ran matters
        assert seen == [db.conn]


def test_one_pass_feeds_interleaved_transactions_like_compute_seal():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE change_log (seq INTEGER PRIMARY KEY, tx_id INTEGER, tbl TEXT, row_id TEXT, "
                 "op TEXT, old TEXT, new TEXT, digest BLOB)")
    rows = [(1, 1, "member", "a", "insert", None, None, b"\x01\xab" * 8),
            (2, 2, "org", "b", "update", '{"name":"旧"}', '{"name":"新"}', None),
            (3, 1, "member", "a", "update", "{}", '{"x":"\\n"}', b"\xff" * 16),
            (4, 3, "org", "c", "delete", None, None, None),  # a transaction not being checked
            (5, 2, "org", "b", "update", None, None, "not-a-blob")]
    conn.executemany("INSERT INTO change_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    key, header = b"k" * 32, ["h", 1]
    macs = {1: seal._seal_mac(key, b"", header), 2: seal._seal_mac(key, b"\x07" * 32, header)}
    seal._feed_entries(conn, macs)
    for tx, prev in ((1, b""), (2, b"\x07" * 32)):
        want = seal.compute_seal(key, prev, header, [r[:1] + r[2:] for r in rows if r[1] == tx])
        assert hmac.compare_digest(macs[tx].digest(), want)


def test_rows_of_a_table_with_an_extra_column_are_still_checked(town):
    path, _ = town
    outside(path, "ALTER TABLE setting ADD COLUMN extra TEXT")
    problems = problems_of(path)
    # The schema change is reported; the rows match on the columns they were sealed with.
    assert problems and not any(p.startswith("表 setting（") for p in problems)
    outside(path, 'DROP TRIGGER "audit_setting_upd"',  # no new entry: the sealed digest must catch it
            "UPDATE setting SET value = 'x', rev = rev + 1 WHERE id = 'publicity_contact_phone'")
    assert any(p.startswith("表 setting（") and "被修改" in p for p in problems_of(path))


def _side_threads() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "verify-sqlite-checks" and t.is_alive()]


def test_a_cancelled_verify_stops_at_the_next_report(town):
    import pytest

    path, _ = town
    told = []
    with Database.open(path, mode="read") as db:
        with pytest.raises(sqlite_checks.VerifyCancelled) as err:
            db.verify(lambda *a: told.append(a), lambda: len(told) >= 1)
        assert "已取消" in err.value.message
        assert len(told) == 1  # the first report was told, the second asked to stop
        assert _side_threads() == []
        assert db.verify(cancelled=lambda: False) == []  # not cancelled: the same check as before


def test_a_cancel_while_sqlite_checks_run_interrupts_them(town, monkeypatch):
    import threading

    import pytest

    path, _ = town
    started = threading.Event()

    def endless(conn):  # SQLite's checks of a very large file: they end only when interrupted
        started.set()
        conn.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
        return []

    monkeypatch.setattr(sqlite_checks, "sqlite_checks", endless)
    ended: list = []

    def run():
        with Database.open(path, mode="read") as db:
            try:
                db.verify(cancelled=lambda: started.is_set())
            except sqlite_checks.VerifyCancelled as e:
                ended.append(e)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive() and len(ended) == 1
    assert _side_threads() == []
