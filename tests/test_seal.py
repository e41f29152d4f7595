"""The sealed change log: every edit made outside the app, with any SQLite tool, is found by
verify, which names the table, the row and the transaction; the app's own writes verify clean."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import subprocess
import sys

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.db import seal
from dangjian_desktop.registry import add_member, add_org, init_office, start_term
from dangjian_desktop.registry.idcard import make


@pytest.fixture
def town(tmp_path):
    """A closed town database with a branch, two members and a setting; returns its path and ids."""
    path = tmp_path / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="签章镇", level="town")
    root = db.scalar("SELECT id FROM org")
    branch = add_org(db, parent_id=root, name="东村党支部", org_type="党支部", kind="村")
    start_term(db, branch, start_date="2024-03-01", years=3)
    ids = []
    for i, name in enumerate(("王芳", "李强")):
        ids.append(add_member(db, {"name": name, "ethnicity": "汉族",
                                   "id_number": make("140826", dt.date(1985, 2, 3 + i), 1 + 2 * i, False),
                                   "join_date": "2010-07-01", "full_date": "2011-07-01", "category": "正式党员"},
                              org_id=branch, event_date="2010-07-01"))
    with db.transaction("设置", actor="张书记") as tx:
        tx.insert("setting", {"id": "publicity_contact_phone", "value": "0898-1234567"})
    assert db.verify() == []
    db.close()
    return path, ids


def outside(path, *statements, params=()):
    """Edit the file as another SQLite tool would (no app code, no app functions)."""
    conn = sqlite3.connect(path)
    try:
        for sql in statements:
            conn.execute(sql, params if "?" in sql else ())
        conn.commit()
    finally:
        conn.close()


def problems_of(path) -> list[str]:
    with Database.open(path, mode="read") as db:
        return db.verify()


def test_app_writes_verify_clean(town):
    path, _ = town
    assert problems_of(path) == []


def test_outside_update_with_revision_bump_is_found(town):
    path, (mid, _) = town
    outside(path, "UPDATE member SET name = '篡改者', rev = rev + 1 WHERE id = ?", params=(mid,))
    found = problems_of(path)
    assert any("签章链" in p and "事务 #" in p for p in found)
    assert any("member" in p and "篡改者" in p for p in found)


def test_outside_insert_is_found(town):
    path, (mid, _) = town
    cols = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(member)")]
    sel = ", ".join("'x-new'" if c == "id" else "'110101199003077774'" if c == "id_number" else "NULL" if c == "gid"
                    else c for c in cols)
    outside(path, f"INSERT INTO member ({', '.join(cols)}) SELECT {sel} FROM member WHERE id = ?", params=(mid,))
    found = problems_of(path)
    assert found and any("签章链" in p for p in found)


def test_outside_delete_with_cascade_is_found(town):
    path, (mid, _) = town
    outside(path, "PRAGMA foreign_keys = ON", "DELETE FROM member_event WHERE member_id = ?",
            params=(mid,))
    outside(path, "DELETE FROM member WHERE id = ?", params=(mid,))
    assert any("签章链" in p for p in problems_of(path))


def test_rewriting_a_row_together_with_its_log_rows_is_found(town):
    """The forger rewrites the row with the triggers off and forges its entry's digest too."""
    path, (mid, _) = town
    conn = sqlite3.connect(path)
    conn.execute('DROP TRIGGER "audit_member_upd"')
    conn.execute("UPDATE member SET name = '伪造', rev = rev + 1 WHERE id = ?", (mid,))
    cols = [r[1] for r in conn.execute("PRAGMA table_info(member)")]
    row = conn.execute(f"SELECT {', '.join(cols)} FROM member WHERE id = ?", (mid,)).fetchone()
    forged = seal.row_digest(row)  # the digest is a public function: only the seal needs the key
    conn.execute("UPDATE log_entry SET digest = ? WHERE seq = (SELECT max(seq) FROM change_log "
                 "WHERE tbl = 'member' AND row_id = ?)", (forged, mid))
    # and restores the trigger exactly as it was, so the schema looks untouched
    ref = seal.reference(conn.execute("PRAGMA user_version").fetchone()[0]).objects["audit_member_upd"][1]
    conn.execute(ref)
    conn.commit()
    conn.close()
    found = problems_of(path)
    assert any("签章链" in p for p in found)
    assert not any("数据库结构" in p for p in found)


def test_deleting_a_member_and_all_their_log_rows_is_found(town):
    path, (mid, _) = town
    conn = sqlite3.connect(path)
    for t in ("member", "member_event"):
        for op in ("ins", "upd", "del"):
            conn.execute(f'DROP TRIGGER IF EXISTS "audit_{t}_{op}"')
    conn.execute("DELETE FROM member_event WHERE member_id = ?", (mid,))
    conn.execute("DELETE FROM member WHERE id = ?", (mid,))
    conn.execute("DELETE FROM log_entry WHERE row_id = ? OR row_id IN "
                 "(SELECT row_id FROM change_log WHERE tbl = 'member_event' AND old LIKE ?)", (mid, f"%{mid}%"))
    conn.commit()
    conn.close()
    found = problems_of(path)
    assert any("签章链" in p for p in found)


def test_rewriting_tx_log_actors_is_found(town):
    path, _ = town
    outside(path, "UPDATE tx_log SET actor = '别人' WHERE actor = '张书记'")
    found = problems_of(path)
    assert any("签章链" in p and "别人" in p for p in found)


def test_dropping_the_triggers_is_found(town):
    path, _ = town
    outside(path, 'DROP TRIGGER "audit_member_upd"', 'DROP TRIGGER "audit_member_del"')
    found = problems_of(path)
    assert any("触发器 audit_member_upd 被删除" in p for p in found)


def test_editing_with_triggers_dropped_names_the_row(town):
    path, (_, mid2) = town
    outside(path, 'DROP TRIGGER "audit_member_upd"',
            "UPDATE member SET phone = '13800000000', rev = rev + 1 WHERE id = ?", params=(mid2,))
    found = problems_of(path)
    assert any("member" in p and "李强" in p and "事务 #" in p for p in found)


def test_outside_edit_of_meta_and_settings_is_found(town):
    path, _ = town
    outside(path, "UPDATE meta SET value = 'someone-else' WHERE key = 'local_office_id'")
    assert problems_of(path)


def test_removing_a_middle_transaction_is_found(town):
    path, _ = town
    conn = sqlite3.connect(path)
    tx = conn.execute("SELECT id FROM tx_log ORDER BY id LIMIT 1 OFFSET 2").fetchone()[0]
    conn.execute("DELETE FROM log_entry WHERE tx_id = ?", (tx,))
    conn.execute("DELETE FROM tx_log WHERE id = ?", (tx,))
    conn.commit()
    conn.close()
    assert any("签章链" in p for p in problems_of(path))


def test_a_forged_unsealed_transaction_is_found(town):
    path, _ = town
    outside(path, "INSERT INTO tx_log(at, actor, host, reason, app_version) "
                  "VALUES ('2026-01-01T00:00:00', '某人', 'pc', '补录', '0.1.0')")
    assert any("没有签章" in p for p in problems_of(path))


def test_rewriting_an_update_entry_is_found(town):
    path, _ = town
    outside(path, "UPDATE log_entry SET new = '{\"name\": \"别名\"}' "
                  "WHERE seq = (SELECT min(seq) FROM change_log WHERE tbl = 'member')")
    assert any("签章链" in p for p in problems_of(path))


def test_renaming_a_table_in_the_log_numbers_is_found(town):
    """Entries name their table by number (log_table): renaming a number rewrites all its entries."""
    path, _ = town
    outside(path, "UPDATE log_table SET name = 'org' || name WHERE name = 'member'")
    assert any("签章链" in p for p in problems_of(path))


def test_changing_an_entrys_operation_number_is_found(town):
    path, _ = town
    outside(path, "UPDATE log_entry SET op_no = 2 WHERE seq = (SELECT min(seq) FROM log_entry WHERE op_no = 0)")
    assert any("签章链" in p for p in problems_of(path))


def test_a_copy_on_a_computer_without_the_key_says_so(town, monkeypatch, tmp_path):
    path, _ = town
    monkeypatch.setenv("DANGJIAN_KEYS_DIR", str(tmp_path / "another-laptop" / "keys"))
    found = problems_of(path)
    assert any("本机没有签章密钥" in p for p in found)


def test_a_wrong_key_cannot_seal_the_chain(town):
    """Sealing needs the office key: a chain forged with another key does not verify."""
    path, (mid, _) = town
    conn = sqlite3.connect(path)
    conn.execute("UPDATE member SET name = '换钥匙', rev = rev + 1 WHERE id = ?", (mid,))
    last = conn.execute("SELECT max(id) FROM tx_log").fetchone()[0]
    conn.execute("UPDATE tx_log SET seal = ? WHERE id = ?", (hashlib.sha256(b"guess").digest(), last))
    conn.commit()
    conn.close()
    assert any("签章链" in p for p in problems_of(path))


def test_the_cli_names_table_row_and_transaction_and_fails(town):
    path, (mid, _) = town
    outside(path, 'DROP TRIGGER "audit_member_upd"',
            "UPDATE member SET name = '改名', rev = rev + 1 WHERE id = ?", params=(mid,))
    r = subprocess.run([sys.executable, "-m", "dangjian_desktop.cli", "--db", str(path), "verify"],
                       capture_output=True, text=True)
    assert r.returncode != 0
    assert "member" in r.stdout and "改名" in r.stdout and "事务 #" in r.stdout


def test_log_is_compact(town):
    path, (mid, _) = town
    with Database.open(path) as db:
        with db.transaction("改电话") as tx:
            tx.update("member", mid, {"phone": "13912345678"})
        inserts = db.query("SELECT new FROM change_log WHERE op = 'insert'")
        assert inserts and all(r["new"] is None for r in inserts)
        upd = db.one("SELECT old, new FROM change_log WHERE op = 'update' ORDER BY seq DESC LIMIT 1")
        assert json.loads(upd["new"]) == {"phone": "13912345678"}
        assert set(json.loads(upd["old"])) == {"phone"}
        assert db.verify() == []


def test_many_transactions_verify_clean_and_stay_sealed(town):
    path, (mid, mid2) = town
    with Database.open(path) as db:
        for i in range(20):
            with db.transaction(f"第{i}次修改") as tx:
                tx.update("member", mid if i % 2 else mid2, {"note": f"备注{i}"})
        with db.transaction("删除设置") as tx:
            tx.delete("setting", "publicity_contact_phone")
        assert db.scalar("SELECT count(*) FROM tx_log WHERE seal IS NULL") == 0
        assert db.verify() == []


def _verified_with_progress(path) -> tuple[list[str], list[tuple[int, int, str]]]:
    seen: list[tuple[int, int, str]] = []
    with Database.open(path, mode="read") as db:
        return db.verify(lambda done, total, text: seen.append((done, total, text))), seen


# verify's last step, whichever check ends last: the bar at its end
END_STEPS = {"等待数据库完整性检查完成", "变更日志核对完成"}


def test_verify_reports_its_progress_up_to_every_row_read(town):
    path, _ = town
    problems, seen = _verified_with_progress(path)
    assert problems == []
    with Database.open(path, mode="read") as db:
        tables = [t for t in seal.reference(db.schema_version).columns
                  if db.scalar("SELECT count(*) FROM sqlite_master WHERE name = ?", (t,))]
        rows = db.scalar("SELECT count(*) FROM change_log") + sum(
            db.scalar(f'SELECT count(*) FROM "{t}"') for t in tables)
    steps = [s for s in seen if s[2] not in END_STEPS]
    assert seen[-1][:2] == (1, 1) and seen[-1][2] in END_STEPS  # the bar ends full
    assert {total for _, total, _ in steps} == {rows}  # nothing deleted: the estimate is exact
    assert [done for done, _, _ in steps] == sorted(done for done, _, _ in steps)
    assert steps[-1][0] == rows
    texts = [text for _, _, text in steps]
    assert texts[0] == "核对变更日志的签章"
    assert any(t.startswith("逐行核对数据（第 1/") for t in texts)
    assert texts[-1].endswith(f"/{len(tables)} 张表）")


def test_verify_with_progress_finds_the_same_outside_edit(town):
    path, (wang, _) = town
    outside(path, "UPDATE member SET phone = '13900000000', rev = rev + 1 WHERE id = ?", params=(wang,))
    problems, seen = _verified_with_progress(path)
    assert problems == problems_of(path) and any("王芳" in p for p in problems)
    assert seen[-1][0] == seen[-1][1]


def test_verify_progress_counts_the_log_without_the_key(town, monkeypatch, tmp_path):
    path, _ = town
    monkeypatch.setenv("DANGJIAN_KEYS_DIR", str(tmp_path / "another-laptop" / "keys"))
    problems, seen = _verified_with_progress(path)
    assert any("没有签章密钥" in p for p in problems)
    steps = [s for s in seen if s[2] not in END_STEPS]
    assert steps[-1][0] == steps[-1][1] > 0
