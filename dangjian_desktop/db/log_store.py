"""Where the change log is written, and in which form.

From schema version 14 the entries are stored in `log_entry`, the table an entry concerns and the
operation as small numbers (`log_table` names the tables; 0, 1, 2 are insert, update, delete),
and `change_log` is a view that reads them back as before: the same columns, the table's name and
the operation as text. Every reader keeps reading `change_log` (a look-up by table and row
goes through log_table's name index to log_entry's (table number, row) index, the newest seq
is one look-up at the end of log_entry, like the table before); only the writers, the
triggers of db/audit.py, db/bulk_log.py and the seal's digests, write `log_entry`. Before
version 14 (databases being upgraded step by step, and the schema built for an older version)
they write the `change_log` table as it was.

What an entry says, and so every seal and digest written before, is unchanged: the seal's
lines are read from the view, which gives exactly the values the table held.

Why: an insert entry was 70 bytes, 18 of them the table's name and the word "insert", and its
row index entry another 45 (the name again). A town's log was 29 % of its file, a county's 30 %.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

NUMBERED_FROM = 14
OP_NO = {"insert": 0, "update": 1, "delete": 2}


@dataclass(frozen=True)
class LogStore:
    """How to write entries into a database's change log (`of(conn)`)."""

    numbered: bool  # from v14: entries in log_entry, table and operation as numbers

    @property
    def table(self) -> str:
        """The table entries are inserted into and digests updated in."""
        return "log_entry" if self.numbered else "change_log"

    @property
    def columns(self) -> str:
        """The columns of an INSERT, in the order tx, table, row, operation, old, new, digest."""
        return ("tx_id, tbl_no, row_id, op_no, old, new, digest" if self.numbered
                else "tx_id, tbl, row_id, op, old, new, digest")

    def tbl(self, name_sql: str) -> str:
        """SQL for the table column's value, given SQL giving the table's name (a literal or `?`)."""
        return f"(SELECT no FROM log_table WHERE name = {name_sql})" if self.numbered else name_sql

    def op(self, op: str) -> str:
        """SQL literal for the operation column's value."""
        return str(OP_NO[op]) if self.numbered else f"'{op}'"


def of(conn: sqlite3.Connection) -> LogStore:
    return LogStore(conn.execute("PRAGMA user_version").fetchone()[0] >= NUMBERED_FROM)


def name_tables(conn: sqlite3.Connection, names) -> None:
    """Give every table in `names` a number in log_table (those it has keep theirs)."""
    conn.executemany("INSERT OR IGNORE INTO log_table(name) VALUES (?)", [(n,) for n in sorted(names)])
