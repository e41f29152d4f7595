"""Local row ids: each database numbers the rows it makes (schema version 15 on,
migrations/v0015_local_ids.py), and keeps a travelling row's global id in its `gid` column.

A local id is the row's number in base32hex (db/ids.py's alphabet, no padding): "1" … "v", "10"
… — at most 7 characters for 3 × 10¹⁰ rows, so never as long as a global id (16 or 36
characters): `is_local` tells them apart by length. Numbers come from one counter per database
(`local_id_counter`), never reused within it: a row deleted and made again by undo keeps its id,
and the change log's entries of two rows never share a row id. A database restored from an older
backup hands out again the numbers made after that backup; those rows are gone with it, and their
global ids (random, db/ids.py) were never reused, so the county still tells old from new.

A row's global id is `coalesce(gid, id)`: rows made before version 15, and offices (their id is
used outside the database), carry a global id as their id and no gid.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Callable

from .ids import ALPHABET, LENGTH, new_id

LOCAL_FROM = 15
GLOBAL_ONLY = frozenset({"office"})  # ids used outside the database: always global

_gid_tables: dict[int, tuple[tuple[int, int], frozenset[str]]] = {}


def text(n: int) -> str:
    """n as base32hex text: 1 -> "1", 32 -> "10"."""
    out = ""
    while True:
        n, d = divmod(n, 32)
        out = ALPHABET[d] + out
        if not n:
            return out


def is_local(row_id: Any) -> bool:
    return isinstance(row_id, str) and len(row_id) < LENGTH


def gid_tables(conn: sqlite3.Connection) -> frozenset[str]:
    """Tables with a gid column (empty before version 15); cached per connection and schema."""
    key = (conn.execute("PRAGMA schema_version").fetchone()[0], conn.execute("PRAGMA user_version").fetchone()[0])
    hit = _gid_tables.get(id(conn))
    if hit is None or hit[0] != key:
        names = frozenset(r[0] for r in conn.execute(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' "
            "AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'gid')"))
        hit = _gid_tables[id(conn)] = (key, names)
    return hit[1]


def numbered(conn: sqlite3.Connection) -> bool:
    """Whether this database makes local ids (schema version 15 on)."""
    return conn.execute("PRAGMA user_version").fetchone()[0] >= LOCAL_FROM


class Allocator:
    """Ids for the rows of one unit of work, taken from the counter a block at a time; `close()`
    gives back what was not used (the counter then says exactly how many were made)."""

    BLOCK = 256

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.local = numbered(conn)
        self._next = self._end = 0
        self._preset: dict[str, str] = {}  # local id -> the global id `seeded` drew for it

    def seeded(self, draw: Callable[[], str]) -> str:
        """An id for generated data whose global id is `draw()` (repeatable for a seeded draw, and
        drawn now, so that a generator's random sequence is the same whatever ids are stored):
        that global id itself before version 15, else a local id that gets it as its gid."""
        gid = draw()
        if not self.local:
            return gid
        rid = self()
        self._preset[rid] = gid
        return rid

    def gid_for(self, row_id: str) -> str:
        """The global id of a new row with a local id: the one `seeded` drew, or a fresh one."""
        return self._preset.pop(row_id, None) or new_id()

    def __call__(self, table: str | None = None) -> str:
        if not self.local or table in GLOBAL_ONLY:
            return new_id()
        if self._next >= self._end:
            last = self.conn.execute("UPDATE local_id_counter SET next = next + ? RETURNING next",
                                     (self.BLOCK,)).fetchone()[0]
            self._next, self._end = last - self.BLOCK, last
        self._next += 1
        return text(self._next - 1)

    def close(self) -> None:
        """Give the unused part of the block back (the counter is only ever this unit's)."""
        if self._end > self._next:
            self.conn.execute("UPDATE local_id_counter SET next = ? WHERE next = ?", (self._next, self._end))
        self._next = self._end = 0


def complete(conn: sqlite3.Connection, table: str, row: dict[str, Any], ids: Allocator) -> None:
    """Give a row about to be inserted its id (a local one when the database makes them) and, in a
    table with gid, a fresh global id when its id is local and it has none."""
    if "id" not in row:
        row["id"] = ids(table)
    if "gid" not in row and table in gid_tables(conn) and is_local(row["id"]):
        row["gid"] = ids.gid_for(row["id"])


def global_of(conn: sqlite3.Connection, table: str, row_id: str) -> str | None:
    """The global id of a row (None when there is no such row)."""
    if table not in gid_tables(conn) or not is_local(row_id):
        return row_id if conn.execute(f'SELECT 1 FROM "{table}" WHERE id = ?', (row_id,)).fetchone() else None
    r = conn.execute(f'SELECT coalesce(gid, id) FROM "{table}" WHERE id = ?', (row_id,)).fetchone()
    return r[0] if r else None


def local_of(conn: sqlite3.Connection, table: str, gid: str) -> str | None:
    """The local id of the row whose global id is `gid` (None when this database has none)."""
    if table in gid_tables(conn):
        r = conn.execute(f'SELECT id FROM "{table}" WHERE gid = ?', (gid,)).fetchone()
        if r:
            return r[0]
    r = conn.execute(f'SELECT id FROM "{table}" WHERE id = ?', (gid,)).fetchone()
    return r[0] if r else None
