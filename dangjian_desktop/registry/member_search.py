"""The member search of a large database from the searched columns held in memory.

`members.member_query` matches a search text with `LIKE` (a name part, the start of an ID number, an
ID number, the start of the pinyin initials or of the pinyin): SQLite can use no index for a name
part, so every keystroke reads the whole member table (about 150 ms for 300,000 members). Here the
four columns are copied once into four strings of fixed-width records and searched with `str.find`
(a few milliseconds); the ids are then read for the matching rowids only. The matches are exactly
those of member_query's LIKEs: ASCII letters compared without case, everything else as it is.

The copy is made again when the member table has changed: writes through this connection are
counted by TEMP triggers (nothing in the database file changes), writes by other connections
change `PRAGMA data_version`.
"""

from __future__ import annotations

import string
import weakref

from ..db import Database
from . import idcard

#: Databases with fewer members (by the largest rowid) are searched by SQL: a town (about 1,200
#: members) is scanned in a few milliseconds.
INDEX_FROM = 20_000
#: More matching rows than this share of the members: the SQL scan is cheaper than reading each.
MAX_SHARE = 0.2

_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # what LIKE folds, no more
_SEP, _PAD = "\x01", "\x00"  # start of a record, filling to its width (never searched for)
_indexes: "weakref.WeakKeyDictionary[Database, _Index]" = weakref.WeakKeyDictionary()


def search_terms(text: str | None) -> tuple[str, str, str, str] | None:
    """(text, low, idn, exact_id) of a search text as member_query matches them; None when empty:
    `text` is a name part, `low` the start of the initials or the pinyin, `idn` the start of an ID
    number, `exact_id` a whole ID number (an old 15-digit one in its 18-digit form)."""
    t = (text or "").strip()
    if not t:
        return None
    idn = idcard.normalise(t)
    return t, t.lower().replace(" ", ""), idn, idcard.upgrade(idn) or idn


class _Column:
    """One column as fixed-width records: _SEP, the value (ASCII letters folded), _PAD to the width."""

    def __init__(self, values: list[str]):
        self.width = max(map(len, values), default=0) + 1
        w = self.width - 1
        self.text = "".join([_SEP + v.translate(_FOLD).ljust(w, _PAD) for v in values])

    def needle(self, value: str, *, prefix: bool) -> str:
        return (_SEP if prefix else "") + value.translate(_FOLD)

    def count(self, needle: str) -> int:
        return self.text.count(needle)

    def rows(self, needle: str, out: set[int]) -> None:
        find, width = self.text.find, self.width
        pos = find(needle)
        while pos >= 0:
            row = pos // width
            out.add(row)
            pos = find(needle, (row + 1) * width)


class _Index:
    def __init__(self, db: Database, key: tuple[int, int]):
        cur = db.conn.cursor()
        cur.row_factory = None
        try:
            rows = cur.execute("SELECT rowid, name, id_number, name_initials, name_pinyin FROM member").fetchall()
        finally:
            cur.close()
        self.key = key
        self.rowids = [r[0] for r in rows]
        self.id_numbers = [r[2] or "" for r in rows]
        self.name = _Column([r[1] or "" for r in rows])
        self.id_number = _Column(self.id_numbers)
        self.initials = _Column([r[3] or "" for r in rows])
        self.pinyin = _Column([(r[4] or "").replace(" ", "") for r in rows])

    def match(self, terms: tuple[str, str, str, str]) -> list[int] | None:
        """Rowids matching, in no order; None when too many match (or a term cannot be searched here)."""
        t, low, idn, exact = terms
        wanted = [(self.name, self.name.needle(t, prefix=False)),
                  (self.id_number, self.id_number.needle(idn, prefix=True)),
                  (self.initials, self.initials.needle(low, prefix=True)),
                  (self.pinyin, self.pinyin.needle(low, prefix=True))]
        # member_query passes the name part to LIKE unescaped: its %, _ and \\ are left to SQL.
        if any(_PAD in n or _SEP in n[1:] for _, n in wanted) or _SEP in t or any(c in t for c in "%_\\"):
            return None
        limit = MAX_SHARE * len(self.rowids)
        if sum(col.count(n) for col, n in wanted) > limit:
            return None
        rows: set[int] = set()
        for col, n in wanted:
            col.rows(n, rows)
        if exact and _SEP not in exact and _PAD not in exact:  # `id_number = ?`: exact, with case
            found: set[int] = set()
            self.id_number.rows(self.id_number.needle(exact, prefix=True), found)
            rows.update(r for r in found if self.id_numbers[r] == exact)
        return [self.rowids[r] for r in rows]


def _writes_counted(db: Database) -> int:
    """How many member rows this connection has written since the counting began (TEMP triggers)."""
    conn = db.conn
    if db.readonly:
        return 0
    try:
        return conn.execute("SELECT n FROM temp.dj_member_writes").fetchone()[0]
    except Exception:  # noqa: BLE001 - not there yet: made below
        pass
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS dj_member_writes(n INTEGER NOT NULL)")
    conn.execute("INSERT INTO temp.dj_member_writes SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.dj_member_writes)")
    for event in ("INSERT", "UPDATE", "DELETE"):
        conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS dj_member_writes_{event.lower()} AFTER {event} "
                     f"ON main.member BEGIN UPDATE dj_member_writes SET n = n + 1; END")
    return conn.execute("SELECT n FROM temp.dj_member_writes").fetchone()[0]


def matching_rowids(db: Database, text: str | None) -> list[int] | None:
    """Rowids of the members (any status, anywhere) whose columns match `text` as member_query's
    LIKEs do, or None when SQL should search (an empty text, a small database, too many matches)."""
    terms = search_terms(text)
    if terms is None:
        return None
    if (db.scalar("SELECT max(rowid) FROM member") or 0) < INDEX_FROM:
        return None
    key = (db.scalar("PRAGMA data_version"), _writes_counted(db))
    index = _indexes.get(db)
    if index is None or index.key != key:
        index = _indexes[db] = _Index(db, key)
    return index.match(terms)
