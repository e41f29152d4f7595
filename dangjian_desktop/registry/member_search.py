"""The member search of a large database from the searched columns held in memory.

`members.member_query` matches a search text with `LIKE` (a name part, the start of an ID number, an
ID number, the start of the pinyin initials or of the pinyin): SQLite can use no index for a name
part, so every keystroke reads the whole member table (about 150 ms for 300,000 members). Here the
four columns are copied once into four strings of fixed-width records and searched with `str.find`
(a few milliseconds); the ids are then read for the matching rowids only. The matches are exactly
those of member_query's LIKEs: ASCII letters compared without case, everything else as it is.

The copy follows the member table: TEMP triggers (nothing in the database file changes) count the
member rows this connection writes and note their rowids, so that after a save only those rows
are read again and put in place; after writes by another connection (`PRAGMA data_version`), many
rows written, or a copy made inside a unit of work that may have been rolled back, it is made anew.
"""

from __future__ import annotations

import sqlite3
import string
from bisect import bisect_left, bisect_right
from itertools import compress
from operator import itemgetter
import weakref

from ..db import Database
from . import idcard
from .status import active_sql

#: Databases with fewer members (by the largest rowid) are searched by SQL: a town (about 1,200
#: members) is scanned in a few milliseconds.
INDEX_FROM = 20_000
#: More matching rows than this share of the members: the SQL scan is cheaper than reading each.
MAX_SHARE = 0.2
#: More member rows written since the copy was made: it is made anew.
PATCH_AT_MOST = 2000

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
        self.text = "".join([self.record(v) for v in values])

    def record(self, value: str | None) -> str:
        """A value's record; None: a removed row's, which nothing matches."""
        if value is None:
            return _PAD * self.width
        return _SEP + value.translate(_FOLD).ljust(self.width - 1, _PAD)

    def fits(self, value: str) -> bool:
        return len(value) < self.width

    def patch(self, changes: dict[int, str | None]) -> None:
        """Put these rows' values (None: removed) in place; rows past the end are appended."""
        pieces, at, w = [], 0, self.width
        end = len(self.text) // w
        for row in sorted(changes):
            if row < end:
                pieces += [self.text[at * w:row * w], self.record(changes[row])]
                at = row + 1
        pieces.append(self.text[at * w:])
        pieces += [self.record(changes[row]) for row in sorted(changes) if row >= end]
        self.text = "".join(pieces)

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


class _Order:
    """Members in the table's default order: `ids` in that order, `rows` their rows in the copy.
    Picking the matching ones costs what the matches cost: a few are sorted by their places
    (`rank`), many are picked by a mask read in the order at C speed (`gather`)."""

    def __init__(self, rows: list[int], ids: list[str], size: int):
        self.rows, self.ids, self.size = rows, ids, size
        self._rank: dict[int, int] | None = None
        self._gather = None

    def pick(self, keep: set[int]) -> list[str]:
        ids = self.ids
        if len(keep) * 8 < len(ids):  # few: sort them by their places in the order
            if self._rank is None:
                self._rank = {r: n for n, r in enumerate(self.rows)}
            rank = self._rank
            return [ids[n] for n in sorted(rank[r] for r in keep if r in rank)]
        mask = bytearray(self.size)
        for r in keep:
            mask[r] = 1
        if len(self.rows) < 2:
            return [i for r, i in zip(self.rows, ids) if mask[r]]
        if self._gather is None:
            self._gather = itemgetter(*self.rows)  # the mask's bytes in the order, in one C call
        return list(compress(ids, self._gather(mask)))


class _Index:
    _SQL = "SELECT rowid, name, id_number, name_initials, replace(name_pinyin, ' ', '') FROM member"

    def __init__(self, db: Database, key: tuple[int, int]):
        rows = db.tuples(self._SQL)
        self.key = key
        self.tentative = db.conn.in_transaction  # may hold writes that are rolled back yet
        self.rowids: list[int | None] = [r[0] for r in rows]
        self.row_of = {rowid: n for n, rowid in enumerate(self.rowids)}
        self.id_numbers = [r[2] or "" for r in rows]
        self.columns = [_Column([r[k] or "" for r in rows]) for k in (1, 2, 3, 4)]
        self.name, self.id_number, self.initials, self.pinyin = self.columns
        self._ordered: dict[bool, _Order] = {}
        self._id_sorted: tuple[list[str], list[int]] | None = None

    def update(self, db: Database, key: tuple[int, int], rowids: list[int]) -> bool:
        """Take in the rows written since (False: a value is wider than its column: make it anew)."""
        self.tentative = self.tentative or db.conn.in_transaction
        self._ordered.clear()
        self._id_sorted = None
        if not rowids:
            self.key = key
            return True
        found = {r[0]: r for r in db.tuples(self._SQL + f" WHERE rowid IN ({','.join(map(str, rowids))})")}
        if any(not col.fits(r[k] or "") for r in found.values() for k, col in zip((1, 2, 3, 4), self.columns)):
            return False
        changes: dict[int, tuple | None] = {}
        for rowid in rowids:
            row = self.row_of.get(rowid)
            if row is None:
                if rowid not in found:
                    continue  # written and removed again
                row = self.row_of[rowid] = len(self.rowids)
                self.rowids.append(rowid)
                self.id_numbers.append("")
            r = found.get(rowid)
            changes[row] = r
            self.id_numbers[row] = (r[2] or "") if r else ""
            self.rowids[row] = rowid if r else None  # a rowid may come back after its row was removed
        for k, col in zip((1, 2, 3, 4), self.columns):
            col.patch({row: (r[k] or "") if r else None for row, r in changes.items()})
        self.key = key
        return True

    def match(self, terms: tuple[str, str, str, str], *, any_share: bool = False) -> list[int] | None:
        """Rowids matching, in no order; None when too many match (unless any_share) or a term cannot
        be searched here."""
        rows = self.match_rows(terms, any_share=any_share)
        if rows is None:
            return None
        return [rowid for rowid in (self.rowids[r] for r in rows) if rowid is not None]

    def match_rows(self, terms: tuple[str, str, str, str], *, any_share: bool = False) -> set[int] | None:
        """The copy's rows (positions) matching, as `match`."""
        t, low, idn, exact = terms
        wanted = [(self.name, self.name.needle(t, prefix=False)),
                  (self.id_number, self.id_number.needle(idn, prefix=True)),
                  (self.initials, self.initials.needle(low, prefix=True)),
                  (self.pinyin, self.pinyin.needle(low, prefix=True))]
        # A %, _ or \\ typed (matched as itself by member_query's escaped LIKEs) is left to SQL: rare.
        if any(_PAD in n or _SEP in n[1:] for _, n in wanted) or _SEP in t or any(c in t for c in "%_\\"):
            return None
        limit = MAX_SHARE * len(self.row_of)
        if not any_share and sum(col.count(n) for col, n in wanted) > limit:
            return None
        rows: set[int] = set()
        for col, n in wanted:
            if col is self.id_number and len(n) > 1:
                rows.update(self._id_range(n[1:]))  # the start of an ID number: a range of the sorted numbers
            else:
                col.rows(n, rows)
        if exact and _SEP not in exact and _PAD not in exact:  # `id_number = ?`: exact, with case
            rows.update(r for r in self._id_range(exact.translate(_FOLD), whole=True) if self.id_numbers[r] == exact)
        return rows

    def ordered(self, db: Database, include_inactive: bool) -> "_Order":
        """The members (active ones only, unless include_inactive) in the member table's default
        order — pinyin, then id — read once per state of the table."""
        hit = self._ordered.get(include_inactive)
        if hit is None:
            where = "" if include_inactive else f" WHERE {active_sql('m')}"
            rows = db.tuples(f"SELECT m.rowid, m.id FROM member m{where} ORDER BY +m.name_pinyin, m.id")
            row_of = self.row_of
            hit = self._ordered[include_inactive] = _Order([row_of[r[0]] for r in rows], [r[1] for r in rows],
                                                            len(self.rowids))
        return hit

    def _id_range(self, key: str, *, whole: bool = False) -> list[int]:
        """The rows whose ID number (ASCII letters folded) starts with `key` (whole: is `key`): a
        range of the numbers sorted once per state of the copy (a prefix most members share costs
        no scan)."""
        if self._id_sorted is None:
            keyed = sorted((v.translate(_FOLD), n) for n, v in enumerate(self.id_numbers)
                           if v and self.rowids[n] is not None)
            self._id_sorted = ([k for k, _ in keyed], [n for _, n in keyed])
        keys, rows = self._id_sorted
        end = bisect_right(keys, key) if whole else bisect_left(keys, key + "\U0010ffff")
        return rows[bisect_left(keys, key):end]


def _writes_counted(db: Database) -> int:
    """How many member rows this connection has written since the counting began (TEMP triggers,
    which also note each written rowid with the count it brought)."""
    conn = db.conn
    if db.readonly:
        return 0
    try:
        return conn.execute("SELECT n FROM temp.dj_member_writes").fetchone()[0]
    except sqlite3.OperationalError:  # no such table yet: made below
        pass
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS dj_member_writes(n INTEGER NOT NULL)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS dj_member_written(rid INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    conn.execute("INSERT INTO temp.dj_member_writes SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.dj_member_writes)")
    for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        notes = " ".join(f"INSERT OR REPLACE INTO dj_member_written VALUES ({r}.rowid, "
                         f"(SELECT n FROM dj_member_writes));" for r in rows)
        conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS dj_member_writes_{event.lower()} AFTER {event} "
                     f"ON main.member BEGIN UPDATE dj_member_writes SET n = n + 1; {notes} END")
    return conn.execute("SELECT n FROM temp.dj_member_writes").fetchone()[0]


def matching_rowids(db: Database, text: str | None) -> list[int] | None:
    """Rowids of the members (any status, anywhere) whose columns match `text` as member_query's
    LIKEs do, or None when SQL should search (an empty text, a small database, too many matches)."""
    terms = search_terms(text)
    if terms is None:
        return None
    index = _current_index(db)
    return None if index is None else index.match(terms)


def ordered_ids(db: Database, text: str | None, *, include_inactive: bool = False) -> list[str] | None:
    """Ids of the members matching `text` (every member for an empty one; active ones only unless
    include_inactive) in the member table's default order, from memory: a text most members
    match (the start of an ID number they share) costs no sort of them all. None: SQL searches
    (a small database, or a text the copy cannot search)."""
    index = _current_index(db)
    if index is None:
        return None
    terms = search_terms(text)
    keep = None if terms is None else index.match_rows(terms, any_share=True)
    if terms is not None and keep is None:
        return None
    order = index.ordered(db, include_inactive)
    return list(order.ids) if keep is None else order.pick(keep)


def _current_index(db: Database) -> "_Index | None":
    """The in-memory copy brought up to date (None: the database is small, SQL searches it)."""
    if (db.scalar("SELECT max(rowid) FROM member") or 0) < INDEX_FROM:
        return None
    key = (db.scalar("PRAGMA data_version"), _writes_counted(db))
    index = _indexes.get(db)
    if index is not None and index.tentative and not db.conn.in_transaction:
        index = None  # made inside a unit of work that may have been rolled back since
    if index is not None and index.key != key:
        # Only this connection wrote, and few rows: take them in (a save), else make the copy anew.
        if key[0] != index.key[0] or key[1] < index.key[1]:
            index = None
        else:
            written = [r[0] for r in db.tuples(f"SELECT rid FROM temp.dj_member_written WHERE n > {int(index.key[1])} "
                                               f"LIMIT {PATCH_AT_MOST + 1}")]
            if len(written) > PATCH_AT_MOST or not index.update(db, key, written):
                index = None
    if index is None:
        index = _indexes[db] = _Index(db, key)
    return index
