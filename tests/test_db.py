"""The data layer: pragmas, unit of work, change log, revisions, refusals."""

from __future__ import annotations

import json
import sqlite3

import pytest

from dangjian_desktop.db import Database, latest_version
from dangjian_desktop.errors import LockedError, UserError


def office_row(db):
    return db.one("SELECT * FROM office")


def test_pragmas_are_set(db):
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.scalar("PRAGMA synchronous") == 2  # FULL


def test_new_database_is_at_latest_schema(db):
    assert db.schema_version == latest_version()


def test_create_refuses_existing_file(db_path):
    db_path.write_bytes(b"anything")  # (an empty file holds nothing to keep: see the test below)
    with pytest.raises(UserError, match="已存在"):
        Database.create(db_path)


def test_open_missing_file_says_so_in_chinese(tmp_path):
    with pytest.raises(UserError, match="找不到数据库文件"):
        Database.open(tmp_path / "nope.sqlite")


def test_open_refuses_a_non_sqlite_file(tmp_path):
    p = tmp_path / "x.sqlite"
    p.write_text("hello, this is not a database at all")
    with pytest.raises(UserError, match="不是党建台账的数据库"):
        Database.open(p)


def test_open_refuses_a_foreign_sqlite_file(tmp_path):
    p = tmp_path / "other.sqlite"
    c = sqlite3.connect(p)
    c.execute("CREATE TABLE t (x)")
    c.close()
    with pytest.raises(UserError, match="不是党建台账的数据库"):
        Database.open(p)


def test_newer_schema_is_refused_with_a_clear_message(db, db_path):
    db.conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    db.close()
    with pytest.raises(UserError, match="更新版本"):
        Database.open(db_path)


def test_every_change_is_logged_with_old_and_new_values(db):
    with db.transaction("新增", actor="测试员") as tx:
        oid = tx.insert("setting", {"id": "phone", "value": "0898-1234567"})
    with db.transaction("修改", actor="测试员") as tx:
        tx.update("setting", oid, {"value": "0898-7654321"})
    with db.transaction("删除", actor="测试员") as tx:
        tx.delete("setting", oid)
    rows = db.query("""SELECT c.op, c.old, c.new, c.digest, t.actor, t.reason FROM change_log c
                       JOIN tx_log t ON t.id = c.tx_id WHERE c.tbl = 'setting' ORDER BY c.seq""")
    assert [r["op"] for r in rows] == ["insert", "update", "delete"]
    # Compact: an insert keeps no second copy of the row, its sealed digest stands for it.
    assert rows[0]["new"] is None and rows[0]["digest"] is not None
    assert set(json.loads(rows[1]["new"])) == {"value"}  # an update keeps only what changed
    assert json.loads(rows[1]["old"])["value"] == "0898-1234567"
    assert json.loads(rows[1]["new"])["value"] == "0898-7654321"
    assert rows[2]["new"] is None and json.loads(rows[2]["old"])["rev"] == 2
    assert {r["actor"] for r in rows} == {"测试员"}
    assert [r["reason"] for r in rows] == ["新增", "修改", "删除"]


def test_failed_unit_of_work_leaves_no_row_and_no_log(db):
    before = db.scalar("SELECT count(*) FROM change_log"), db.scalar("SELECT count(*) FROM tx_log")
    with pytest.raises(RuntimeError):
        with db.transaction("会失败") as tx:
            tx.insert("setting", {"id": "k", "value": "v"})
            raise RuntimeError("boom")
    assert db.get("setting", "k") is None
    assert (db.scalar("SELECT count(*) FROM change_log"), db.scalar("SELECT count(*) FROM tx_log")) == before


def test_rows_carry_identity_owner_revision_and_time(db):
    with db.transaction("t") as tx:
        rid = tx.insert("setting", {"id": "k", "value": "1"})
    row = db.get("setting", rid)
    assert row["owner"] == db.local_office_id
    assert row["rev"] == 1 and row["updated_at"]
    with db.transaction("t") as tx:
        tx.update("setting", rid, {"value": "2"})
    assert db.get("setting", rid)["rev"] == 2


def test_update_without_revision_bump_is_refused(db):
    with db.transaction("t") as tx:
        tx.insert("setting", {"id": "k", "value": "1"})
    with pytest.raises(sqlite3.IntegrityError, match="revision"):
        with db.transaction("t") as tx:
            tx.execute("UPDATE setting SET value = '2' WHERE id = 'k'")


def test_stale_revision_is_refused(db):
    with db.transaction("t") as tx:
        tx.insert("setting", {"id": "k", "value": "1"})
    with pytest.raises(UserError, match="已被修改"):
        with db.transaction("t") as tx:
            tx.update("setting", "k", {"value": "2"}, expected_rev=5)


def test_nested_transactions_join_the_outer_one(db):
    with pytest.raises(RuntimeError):
        with db.transaction("outer") as tx:
            tx.insert("setting", {"id": "a", "value": "1"})
            with db.transaction("inner") as tx2:
                assert tx2 is tx
                tx2.insert("setting", {"id": "b", "value": "2"})
            raise RuntimeError
    assert db.get("setting", "a") is None and db.get("setting", "b") is None


def test_commit_listeners_hear_the_tables_changed(db):
    heard = []
    db.on_commit(heard.append)
    with db.transaction("t") as tx:
        tx.insert("setting", {"id": "a", "value": "1"})
    assert heard == [{"setting"}]


def test_verify_is_clean_on_a_sound_database(db):
    assert db.verify() == []


def test_verify_finds_a_change_that_bypassed_the_log(db):
    with db.transaction("t") as tx:
        tx.insert("setting", {"id": "a", "value": "1"})
    db.conn.execute('DROP TRIGGER "audit_setting_upd"')
    db.conn.execute("UPDATE setting SET value = 'tampered', rev = rev + 1 WHERE id = 'a'")
    problems = db.verify()
    assert any("setting" in p and "未记录" in p for p in problems)


def test_verify_finds_an_unlogged_delete(db):
    with db.transaction("t") as tx:
        tx.insert("setting", {"id": "a", "value": "1"})
    db.conn.execute('DROP TRIGGER "audit_setting_del"')
    db.conn.execute("DELETE FROM setting WHERE id = 'a'")
    assert any("删除" in p for p in db.verify())


def test_read_only_database_refuses_writes(db, db_path):
    db.close()
    ro = Database.open(db_path, mode="read")
    try:
        with pytest.raises(LockedError, match="只读"):
            with ro.transaction("t") as tx:
                tx.insert("setting", {"id": "a", "value": "1"})
    finally:
        ro.close()


def test_opening_an_older_schema_keeps_a_backup(tmp_path):
    from dangjian_desktop.db.backup import list_backups

    path = tmp_path / "old.sqlite"
    Database.create(path, schema_version=1).close()
    Database.open(path).close()
    [backup] = list_backups(path)  # in the backup folder, checked (tests/test_backup.py)
    assert backup.reason == f"upgrade-v{latest_version()}" and backup.schema_version == 1


def test_a_unit_of_work_from_another_thread_waits_instead_of_joining(db):
    import threading

    started, release = threading.Event(), threading.Event()
    seen = {}

    def other():
        started.wait()
        with db.transaction("other thread") as tx2:
            seen["tx"] = tx2.id
            tx2.insert("setting", {"id": "b", "value": "2"})

    t = threading.Thread(target=other)
    t.start()
    with pytest.raises(RuntimeError):
        with db.transaction("main thread") as tx:
            tx.insert("setting", {"id": "a", "value": "1"})
            started.set()
            t.join(timeout=0.3)  # the other thread must be blocked, not inside our transaction
            assert t.is_alive()
            raise RuntimeError("cancel")
    t.join(timeout=10)
    assert db.get("setting", "a") is None  # ours rolled back
    assert db.get("setting", "b")["value"] == "2"  # theirs committed on its own
    assert db.scalar("SELECT reason FROM tx_log WHERE id = ?", (seen["tx"],)) == "other thread"


def test_insert_many_fills_ids_owners_and_a_missing_column_with_null(db):
    office = office_row(db)
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    rows = [{"office_id": office["id"], "parent_id": root, "name": "一支部", "org_type": "党支部", "phone": "1"},
            {"id": "given-id", "office_id": office["id"], "parent_id": root, "name": "二支部", "org_type": "党支部",
             "phone": "2", "owner": "another-owner"},
            {"office_id": office["id"], "parent_id": root, "name": "三支部", "org_type": "党支部"}]  # no phone
    with db.transaction("插入多行") as tx:
        ids = tx.insert_many("org", rows)
    got = {r["name"]: r for r in db.query("SELECT * FROM org WHERE parent_id = ?", (root,))}
    assert ids[1] == "given-id" and len(set(ids)) == 3
    assert [got[n]["id"] for n in ("一支部", "二支部", "三支部")] == ids
    assert [got[n]["phone"] for n in ("一支部", "二支部", "三支部")] == ["1", "2", None]
    assert got["二支部"]["owner"] == "another-owner" and got["一支部"]["owner"] == got["三支部"]["owner"] != "another-owner"
    assert {got[n]["rev"] for n in got} == {1}


def test_an_empty_file_is_not_taken_for_a_database_and_can_become_one(tmp_path):
    from dangjian_desktop.errors import UserError

    path = tmp_path / "空.sqlite"
    path.touch()  # what a failed copy or `touch` leaves
    for mode in ("write", "auto", "read"):
        with pytest.raises(UserError, match="空文件，不是党建台账的数据库"):
            Database.open(path, mode=mode)
    assert path.stat().st_size == 0  # nothing written into it (a write used to make it a database of no office)
    db = Database.create(path)  # 新建数据库 there: nothing in it to keep
    try:
        assert db.schema_version > 0
    finally:
        db.close()
    with pytest.raises(UserError, match="文件已存在"):
        Database.create(path)
