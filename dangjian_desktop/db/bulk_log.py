"""Inserting many rows with their change-log entries written in bulk (the exchange import, the
roster import and the demo's generated year).

Normally the `audit_<table>_ins` trigger writes an entry per inserted row (row id only), and at
commit `seal.seal_transaction` looks every such row up again by its key to store the digest of
its content on the entry. For a package of a hundred thousand rows that is a trigger program
per row, a keyed look-up per row and an update of every entry.

`BulkInserts` writes the same entries directly: inside one unit of work it drops the insert
triggers of the tables it is given, and after each batch of inserts reads the new rows back in
rowid order (every row that appeared in the table since the batch began, so none escapes the
log), computes their digests exactly as the seal does (seal.row_digest), and appends one entry per
row with its digest already set, in one INSERT … SELECT. On leaving, the triggers are created again from their own stored SQL, so
the schema the transaction is sealed with (and that `verify` compares) is the one it found.
The seal leaves entries that already carry a digest as they are; a later change of such a row
in the same unit of work writes a newer entry (by the update or delete trigger, which stay in
place) and that one is digested at commit as usual.

All of it happens inside the unit of work: a failure rolls back the rows, the entries and the
dropped triggers together.
"""

from __future__ import annotations

import sqlite3
from typing import Iterable

from . import log_store, seal

_DIGEST_FN = "bulk_log_row_digest"

#: Insert triggers that keep derived data rather than the log, with the statement doing their
#: work for every row inserted after a rowid in one go: each member's yearly sum per points item
#: (migration v11), one upsert per member, year and item instead of one per entry. Dropped and
#: created again with the table's audit trigger.
DERIVED = {
    "points_entry": ("points_entry_sum_ins",
                     "INSERT INTO points_entry_sum(year, member_id, item_id, entries, points) "
                     "SELECT year, member_id, item_id, count(*), sum(points) FROM points_entry WHERE rowid > ? "
                     "GROUP BY year, member_id, item_id ON CONFLICT(year, member_id, item_id) "
                     "DO UPDATE SET entries = entries + excluded.entries, points = points + excluded.points"),
}
_MAX_ARGS = 100  # SQLite's limit on a function's arguments is 127 by default


class BulkInserts:
    """Context manager: within it, rows inserted into `tables` are logged by `logged()`."""

    def __init__(self, conn: sqlite3.Connection, tx_id: int, tables: Iterable[str]):
        self.conn = conn
        self.tx_id = tx_id
        self.tables = sorted(set(tables))
        self._saved: dict[str, str] = {}  # trigger name -> its CREATE statement

    def __enter__(self) -> "BulkInserts":
        if not self.conn.in_transaction:
            raise RuntimeError("bulk inserts need a unit of work")
        for t in self.tables:
            if not self._bulk_capable(t):
                continue
            name = f"audit_{t}_ins"
            row = self.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                    (name,)).fetchone()
            if row is None or not row[0]:
                continue  # not audited here: nothing to stand in for
            self.conn.execute(f'DROP TRIGGER "{name}"')
            self._saved[name] = row[0]
            derived = DERIVED.get(t)
            if derived is not None:
                row = self.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                        (derived[0],)).fetchone()
                if row is not None and row[0]:
                    self.conn.execute(f'DROP TRIGGER "{derived[0]}"')
                    self._saved[derived[0]] = row[0]
        return self

    def __exit__(self, *exc) -> None:
        self.restore()

    def restore(self) -> None:
        """Create the dropped triggers again, each from its own stored text (idempotent)."""
        saved, self._saved = self._saved, {}
        if not self.conn.in_transaction:
            return  # rolled back already (disk full, I/O error): the triggers came back with it
        for name, sql in saved.items():
            if self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                 (name,)).fetchone() is None:
                self.conn.execute(sql)

    def _bulk_capable(self, table: str) -> bool:
        # A rowid table whose key is not the rowid: new rows then get rowids above every existing one.
        sql = self.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (table,)).fetchone()
        if sql is None or "WITHOUT ROWID" in (sql[0] or "").upper():
            return False
        ident = [r for r in self.conn.execute(f'PRAGMA table_info("{table}")') if r[1] == "id"]
        return bool(ident) and (ident[0][2] or "").upper() != "INTEGER"

    def active(self, table: str) -> bool:
        return f"audit_{table}_ins" in self._saved

    def mark(self, table: str) -> int:
        """The table's highest rowid before a batch (pass it to `logged`)."""
        return self.conn.execute(f'SELECT ifnull(max(rowid), 0) FROM "{table}"').fetchone()[0]

    def logged(self, table: str, since: int, expected: int) -> None:
        """Append the entries of every row inserted into `table` since `mark` returned `since`.

        `expected` is how many rows the batch inserted; a different count of new rows means a
        row came in some other way, and the unit of work is not finished (RuntimeError)."""
        if not self.active(table):
            return
        columns = seal._live_columns(self.conn, table)
        cols = ", ".join(f't."{c}"' for c in columns)
        sha, digest_json, n = seal._sha256, seal._digest_json, seal._DIGEST_LEN

        def digest(*values) -> bytes:  # seal.row_digest of the values a SELECT of the row returns
            return sha(digest_json(values).encode("utf-8")).digest()[:n]

        store = log_store.of(self.conn)
        select = f'FROM "{table}" t WHERE t.rowid > ? ORDER BY t.rowid'
        if len(columns) <= _MAX_ARGS:
            # One statement: SQLite hands each new row's values to the digest function and
            # appends the entry; no row travels through a Python list.
            self.conn.create_function(_DIGEST_FN, -1, digest, deterministic=True)
            try:
                written = self.conn.execute(
                    f"INSERT INTO {store.table}({store.columns}) SELECT ?, {store.tbl('?')}, t.id, "
                    f"{store.op('insert')}, NULL, NULL, {_DIGEST_FN}({cols}) {select}",
                    (self.tx_id, table, since)).rowcount
            finally:
                self.conn.create_function(_DIGEST_FN, -1, None)
        else:  # more columns than an SQL function takes
            cur = self.conn.cursor()
            cur.row_factory = None
            entries = [(self.tx_id, table, r[0], digest(*r[1:])) for r in cur.execute(f"SELECT t.id, {cols} {select}",
                                                                                     (since,))]
            self.conn.executemany(f"INSERT INTO {store.table}({store.columns}) "
                                  f"VALUES (?, {store.tbl('?')}, ?, {store.op('insert')}, NULL, NULL, ?)", entries)
            written = len(entries)
        if written != expected:
            raise RuntimeError(f"{table}: {written} new rows, {expected} inserted")
        derived = DERIVED.get(table)
        if derived is not None and derived[0] in self._saved:
            self.conn.execute(derived[1], (since,))


class DeferredIndexes:
    """The plain secondary indexes of some tables dropped while a unit of work inserts many rows
    into them, and made again, each from its own stored SQL, before it goes on (`restore`).

    An index kept up row by row takes every new row at a random place of its B-tree (a name's
    pinyin, a branch, a date); made afresh it is one sort. Fifty thousand members into an empty
    table took 1.1-1.4 s with every index, 0.6 s without them and then made. Worth it only when
    the rows inserted are many against the rows the table holds (the indexes are made over all
    of them): the caller decides. UNIQUE indexes stay (they are constraints, checked as rows
    come), and so do the keys of the tables. Only inside a unit of work: a failure rolls the
    dropped indexes back with the rows; on success the schema the unit of work is sealed with
    (and that `verify` compares) is the one it found. The tables must not be read by a dropped
    index's columns meanwhile (it would be a scan), so the caller restores before reading them.
    """

    def __init__(self, conn: sqlite3.Connection, tables: Iterable[str]):
        if not conn.in_transaction:
            raise RuntimeError("deferred indexes need a unit of work")
        self.conn = conn
        marks = ",".join("?" * len(tables := sorted(set(tables))))
        # SQLite's own word on each index: made by CREATE INDEX (origin 'c'), and not UNIQUE
        self._saved = conn.execute(
            f"SELECT m.name, m.sql FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) i ON i.name = m.name "
            f"WHERE m.type = 'index' AND m.tbl_name IN ({marks}) AND i.origin = 'c' AND NOT i.\"unique\" "
            "ORDER BY m.name", tables).fetchall()
        for name, _sql in self._saved:
            conn.execute(f'DROP INDEX "{name}"')

    @property
    def dropped(self) -> list[str]:
        return [name for name, _sql in self._saved]

    def restore(self) -> None:
        """Make the dropped indexes again (idempotent; nothing when the unit of work is gone)."""
        saved, self._saved = self._saved, []
        if not self.conn.in_transaction:
            return  # rolled back: the indexes came back with it
        for name, sql in saved:
            if self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                                 (name,)).fetchone() is None:
                self.conn.execute(sql)


def insert_logged(tx, bulk: BulkInserts, table: str, rows: list[dict]) -> list[str]:
    """`tx.insert_many` with the rows' change-log entries written by `bulk` (generated data)."""
    since = bulk.mark(table)
    ids = tx.insert_many(table, rows)
    bulk.logged(table, since, len(ids))
    return ids
