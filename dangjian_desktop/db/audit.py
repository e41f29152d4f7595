"""Change-log triggers: every insert, update and delete on an audited table writes a
change-log entry in the same transaction, whoever writes (into log_entry from schema version
14, read back through the change_log view; into the change_log table before: db/log_store.py).

A table is audited when it has the row-identity columns `id`, `owner`, `rev`, `updated_at`;
`meta` is audited too (its rows are keyed by `key`). The triggers are generated from the
table's columns and rebuilt after every migration. The log is compact: an insert records
only which row (the app seals a digest of its content at commit, see seal.py), an update
records the changed columns old and new, a delete the whole old row. BLOB columns are left
out of the JSON (their digest covers them; attachments also carry their SHA-256).
"""

from __future__ import annotations

import sqlite3

from . import log_store

IDENTITY = {"id", "owner", "rev", "updated_at"}
META_LOGGED_FROM = 6  # schema version from which meta is logged and the log is compact
# Columns an update entry leaves out: the row id is the entry's row_id, rev and updated_at
# follow from the entry's transaction.
_NOT_IN_UPDATES = {"id", "rev", "updated_at"}


def identity_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables whose rows carry identity, owner and revision (the rows that travel)."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return [n for n in names if IDENTITY <= set(logged_columns(conn, n, include_blobs=True))]


def audited_tables(conn: sqlite3.Connection) -> list[str]:
    """Every table whose changes the log records: the identity tables and, from v6 on, meta."""
    tables = identity_tables(conn)
    if conn.execute("PRAGMA user_version").fetchone()[0] >= META_LOGGED_FROM and conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone():
        tables = sorted([*tables, "meta"])
    return tables


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


def _changed_columns_expr(conn: sqlite3.Connection, table: str, side: str) -> str:
    """JSON of the columns an update changed, with their values on `side` (OLD or NEW)."""
    cols = [c for c in logged_columns(conn, table) if c not in _NOT_IN_UPDATES]
    full = "json_object(" + ", ".join(f"'{c}', {side}.\"{c}\"" for c in cols) + ")"
    drops = ", ".join(f"CASE WHEN NEW.\"{c}\" IS OLD.\"{c}\" THEN '$.\"{c}\"' ELSE '$.\"~\"' END" for c in cols)
    return f"json_remove({full}, {drops})" if drops else full


def _guards(conn: sqlite3.Connection, t: str) -> None:
    # Every update must raise the revision by exactly one: merging packages from
    # other offices relies on it.
    conn.execute(f"""CREATE TRIGGER "audit_{t}_rev" BEFORE UPDATE ON "{t}"
            WHEN NEW.rev IS NOT OLD.rev + 1 BEGIN
            SELECT RAISE(ABORT, 'revision of {t} must increase by one on update'); END""")
    if "gid" in logged_columns(conn, t):  # from v15 (db/local_ids.py): the global id is as fixed as the id
        conn.execute(f"""CREATE TRIGGER "audit_{t}_id" BEFORE UPDATE OF id, gid ON "{t}"
            WHEN NEW.id IS NOT OLD.id OR NEW.gid IS NOT OLD.gid BEGIN
            SELECT RAISE(ABORT, 'row id of {t} is immutable'); END""")
        return
    conn.execute(f"""CREATE TRIGGER "audit_{t}_id" BEFORE UPDATE OF id ON "{t}"
            WHEN NEW.id IS NOT OLD.id BEGIN
            SELECT RAISE(ABORT, 'row id of {t} is immutable'); END""")


def rebuild_triggers(conn: sqlite3.Connection) -> None:
    for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND name LIKE 'audit\\_%' ESCAPE '\\'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    store = log_store.of(conn)
    if not store.numbered:
        _legacy_triggers(conn)
        return
    # From v14 the entries go to log_entry with the table's number (looked up by name, so the
    # triggers' text does not depend on the numbers a database gave) and the operation's.
    log_store.name_tables(conn, audited_tables(conn))
    tx = "(SELECT max(id) FROM tx_log)"

    def entry(t: str, row: str, op: str, old: str, new: str) -> str:  # the digest is set at commit (seal.py)
        table = store.tbl(f"'{t}'")
        return (f"INSERT INTO {store.table}({store.columns}) "
                f"VALUES ({tx}, {table}, {row}, {store.op(op)}, {old}, {new}, NULL)")

    for t in identity_tables(conn):
        upd_old, upd_new = _changed_columns_expr(conn, t, "OLD"), _changed_columns_expr(conn, t, "NEW")
        conn.execute(f"""CREATE TRIGGER "audit_{t}_ins" AFTER INSERT ON "{t}" BEGIN
            {entry(t, "NEW.id", "insert", "NULL", "NULL")}; END""")
        conn.execute(f"""CREATE TRIGGER "audit_{t}_upd" AFTER UPDATE ON "{t}" BEGIN
            {entry(t, "NEW.id", "update", upd_old, upd_new)}; END""")
        conn.execute(f"""CREATE TRIGGER "audit_{t}_del" AFTER DELETE ON "{t}" BEGIN
            {entry(t, "OLD.id", "delete", json_row_expr(conn, t, "OLD."), "NULL")}; END""")
        _guards(conn, t)
    conn.execute(f"""CREATE TRIGGER "audit_meta_ins" AFTER INSERT ON meta BEGIN
        {entry("meta", "NEW.key", "insert", "NULL", "NULL")}; END""")
    meta_old, meta_new = "json_object('value', OLD.value)", "json_object('value', NEW.value)"
    conn.execute(f"""CREATE TRIGGER "audit_meta_upd" AFTER UPDATE ON meta BEGIN
        {entry("meta", "NEW.key", "update", meta_old, meta_new)}; END""")
    conn.execute(f"""CREATE TRIGGER "audit_meta_del" AFTER DELETE ON meta BEGIN
        {entry("meta", "OLD.key", "delete", meta_old, "NULL")}; END""")


def _legacy_triggers(conn: sqlite3.Connection) -> None:
    """The triggers before v14, writing the change_log table (their text is part of the schema
    fingerprint of those versions, so it stays exactly as it was)."""
    tx = "(SELECT max(id) FROM tx_log)"
    compact = conn.execute("PRAGMA user_version").fetchone()[0] >= META_LOGGED_FROM
    for t in identity_tables(conn):
        if compact:
            ins_new = "NULL"
            upd_old, upd_new = _changed_columns_expr(conn, t, "OLD"), _changed_columns_expr(conn, t, "NEW")
        else:
            ins_new = json_row_expr(conn, t, "NEW.")
            upd_old, upd_new = json_row_expr(conn, t, "OLD."), json_row_expr(conn, t, "NEW.")
        old = json_row_expr(conn, t, "OLD.")
        conn.execute(f"""CREATE TRIGGER "audit_{t}_ins" AFTER INSERT ON "{t}" BEGIN
            INSERT INTO change_log(tx_id, tbl, row_id, op, old, new)
            VALUES ({tx}, '{t}', NEW.id, 'insert', NULL, {ins_new}); END""")
        conn.execute(f"""CREATE TRIGGER "audit_{t}_upd" AFTER UPDATE ON "{t}" BEGIN
            INSERT INTO change_log(tx_id, tbl, row_id, op, old, new)
            VALUES ({tx}, '{t}', NEW.id, 'update', {upd_old}, {upd_new}); END""")
        conn.execute(f"""CREATE TRIGGER "audit_{t}_del" AFTER DELETE ON "{t}" BEGIN
            INSERT INTO change_log(tx_id, tbl, row_id, op, old, new)
            VALUES ({tx}, '{t}', OLD.id, 'delete', {old}, NULL); END""")
        _guards(conn, t)
    if compact:
        conn.execute(f"""CREATE TRIGGER "audit_meta_ins" AFTER INSERT ON meta BEGIN
            INSERT INTO change_log(tx_id, tbl, row_id, op) VALUES ({tx}, 'meta', NEW.key, 'insert'); END""")
        conn.execute(f"""CREATE TRIGGER "audit_meta_upd" AFTER UPDATE ON meta BEGIN
            INSERT INTO change_log(tx_id, tbl, row_id, op, old, new) VALUES ({tx}, 'meta', NEW.key, 'update',
            json_object('value', OLD.value), json_object('value', NEW.value)); END""")
        conn.execute(f"""CREATE TRIGGER "audit_meta_del" AFTER DELETE ON meta BEGIN
            INSERT INTO change_log(tx_id, tbl, row_id, op, old) VALUES ({tx}, 'meta', OLD.key, 'delete',
            json_object('value', OLD.value)); END""")


def verify_log(conn: sqlite3.Connection) -> list[str]:
    """Problems found comparing each audited row with the last change-log entry for it."""
    problems: list[str] = []
    orphan = conn.execute(
        "SELECT count(*) FROM change_log c LEFT JOIN tx_log t ON t.id = c.tx_id WHERE t.id IS NULL").fetchone()[0]
    if orphan:
        problems.append(f"变更日志中有 {orphan} 条记录没有对应的事务记录")
    for t in identity_tables(conn):
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


def log_entries(conn: sqlite3.Connection) -> int:
    """How many entries the change log holds (`dangjian verify` says how many it checked)."""
    return conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
