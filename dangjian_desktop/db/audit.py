"""Change-log triggers: every insert, update and delete on an audited table writes a
change_log row (old and new values as JSON) in the same transaction, whoever writes.

A table is audited when it has the row-identity columns `id`, `owner`, `rev`, `updated_at`.
The triggers are generated from the table's columns and rebuilt after every migration.
BLOB columns are left out of the JSON (attachments carry their SHA-256 instead).
"""

from __future__ import annotations

import sqlite3

IDENTITY = {"id", "owner", "rev", "updated_at"}


def audited_tables(conn: sqlite3.Connection) -> list[str]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return [n for n in names if IDENTITY <= set(logged_columns(conn, n, include_blobs=True))]


def logged_columns(conn: sqlite3.Connection, table: str, *, include_blobs: bool = False) -> list[str]:
    cols = []
    for _cid, name, ctype, *_ in conn.execute(f'PRAGMA table_info("{table}")'):
        if not include_blobs and (ctype or "").upper() == "BLOB":
            continue
        cols.append(name)
    return cols


def json_row_expr(conn: sqlite3.Connection, table: str, prefix: str) -> str:
    """SQL `json_object(...)` of a row's logged columns; prefix is NEW., OLD. or an alias."""
    cols = logged_columns(conn, table)
    return "json_object(" + ", ".join(f"'{c}', {prefix}\"{c}\"" for c in cols) + ")"


def rebuild_triggers(conn: sqlite3.Connection) -> None:
    for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND name LIKE 'audit\\_%' ESCAPE '\\'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    tx = "(SELECT max(id) FROM tx_log)"
    for t in audited_tables(conn):
        new, old = json_row_expr(conn, t, "NEW."), json_row_expr(conn, t, "OLD.")
        conn.execute(f"""CREATE TRIGGER "audit_{t}_ins" AFTER INSERT ON "{t}" BEGIN
            INSERT INTO change_log(tx_id, tbl, row_id, op, old, new)
            VALUES ({tx}, '{t}', NEW.id, 'insert', NULL, {new}); END""")
        conn.execute(f"""CREATE TRIGGER "audit_{t}_upd" AFTER UPDATE ON "{t}" BEGIN
            INSERT INTO change_log(tx_id, tbl, row_id, op, old, new)
            VALUES ({tx}, '{t}', NEW.id, 'update', {old}, {new}); END""")
        conn.execute(f"""CREATE TRIGGER "audit_{t}_del" AFTER DELETE ON "{t}" BEGIN
            INSERT INTO change_log(tx_id, tbl, row_id, op, old, new)
            VALUES ({tx}, '{t}', OLD.id, 'delete', {old}, NULL); END""")
        # Every update must raise the revision by exactly one: merging packages from
        # other offices relies on it.
        conn.execute(f"""CREATE TRIGGER "audit_{t}_rev" BEFORE UPDATE ON "{t}"
            WHEN NEW.rev IS NOT OLD.rev + 1 BEGIN
            SELECT RAISE(ABORT, 'revision of {t} must increase by one on update'); END""")
        conn.execute(f"""CREATE TRIGGER "audit_{t}_id" BEFORE UPDATE OF id ON "{t}"
            WHEN NEW.id IS NOT OLD.id BEGIN
            SELECT RAISE(ABORT, 'row id of {t} is immutable'); END""")


def verify_log(conn: sqlite3.Connection) -> list[str]:
    """Problems found comparing each audited row with the last change-log entry for it."""
    problems: list[str] = []
    orphan = conn.execute(
        "SELECT count(*) FROM change_log c LEFT JOIN tx_log t ON t.id = c.tx_id WHERE t.id IS NULL").fetchone()[0]
    if orphan:
        problems.append(f"变更日志中有 {orphan} 条记录没有对应的事务记录")
    for t in audited_tables(conn):
        last = f"""SELECT c.row_id, c.op, c.new FROM change_log c
                   WHERE c.tbl = '{t}' AND c.seq = (SELECT max(seq) FROM change_log
                   WHERE tbl = '{t}' AND row_id = c.row_id)"""
        # A row matches its last log entry when every logged column has the row's value. Columns
        # added by a later migration are not in older entries and are not compared; the text
        # comparison is the fast path, the per-key one only runs for rows that differ as text.
        current = json_row_expr(conn, t, "r.")
        rows = conn.execute(f"""SELECT count(*) FROM "{t}" r LEFT JOIN ({last}) l ON l.row_id = r.id
            WHERE l.row_id IS NULL OR l.op = 'delete' OR (l.new IS NOT {current} AND EXISTS (
                SELECT 1 FROM json_each(l.new) j
                WHERE j.value IS NOT json_extract({current}, '$."' || j.key || '"')))""").fetchone()[0]
        if rows:
            problems.append(f"表 {t} 中有 {rows} 行与变更日志不一致（有未记录的修改）")
        gone = conn.execute(f"""SELECT count(*) FROM ({last}) l LEFT JOIN "{t}" r ON r.id = l.row_id
            WHERE r.id IS NULL AND l.op != 'delete'""").fetchone()[0]
        if gone:
            problems.append(f"表 {t} 中有 {gone} 行被删除却没有记录在变更日志中")
    return problems
