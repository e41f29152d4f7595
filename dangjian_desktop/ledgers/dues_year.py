"""One year of party dues for every member of a scope at once (ledgers.dues re-exports it): each
member's months, arrears and state, and the totals per branch.

The rules are those of ledgers/dues.py's docstring. `status` reads the year's dues_base,
dues_payment and dues_exemption rows with one query each for the whole scope (joined to the
member and the organisation with the scope's filter, not lists of ids), computes each member's
twelve months once with plain lists and fills the month lists a MemberDues would otherwise
compute on first use; a member without any dues row that year (most of a large county's before
the year's 核定) takes a pattern computed once per set of member months. The branch totals are
counted in the same pass.

`refreshed` brings a status up to date after saves: the change log names the members whose rows
changed since it was read, only they are read again and put in their places (the 党费 sub-page
after a save: one member, not the county's 300,000).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from bisect import bisect_left, bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, Iterator

from .. import dates
from ..db import Database
from ..db.history import entries_since
from .common import ACTIVE_STATUSES, check_year, ended_months, member_scope, month_end, yuan

LEFT_STATUSES = ("已转出", "已出党", "已去世", "停止党籍")


# ---- one member's year -------------------------------------------------------------------------
@dataclass(slots=True)
class MemberDues:
    """One member's dues of a year. `status` fills the month lists and figures below as it reads
    the year; a MemberDues made otherwise derives each of them on first use (__getattr__). Its
    lists are read, never changed: `status` gives members without dues rows the same list
    objects. Slots, not a __dict__: a prefecture's year is 294,000 of them (1.4 KB each with a
    __dict__)."""

    member_id: str
    name: str
    org_id: str
    org_name: str
    category: str
    status: str
    year: int
    ended: int  # months of the year ended by as_of
    due: list[int | None]  # per month (index 0 = January): fen due, None when not due (not a member / no base)
    paid: list[int]
    member_month: list[bool]  # was a member in that month
    exempt: list[bool]
    last_paid_on: list[str | None]
    bases: list[tuple[int, str, int | None, int]] = field(default_factory=list)  # (from, class, base, monthly)
    # Derived from the above (see _DERIVED): set by status(), else on first use.
    months_paid: list[int] = field(init=False, repr=False, compare=False)
    months_owed: list[int] = field(init=False, repr=False, compare=False)
    months_exempt: list[int] = field(init=False, repr=False, compare=False)
    months_unbased: list[int] = field(init=False, repr=False, compare=False)  # member months without a base
    late_months: list[int] = field(init=False, repr=False, compare=False)
    arrears_fen: int = field(init=False, repr=False, compare=False)
    base_missing: bool = field(init=False, repr=False, compare=False)
    on_time: bool = field(init=False, repr=False, compare=False)  # 按时足额

    def __getattr__(self, name: str) -> Any:  # only for a derived field not set yet
        derive = _DERIVED.get(name)
        if derive is None:
            raise AttributeError(name)
        value = derive(self)
        object.__setattr__(self, name, value)
        return value

    @property
    def rate_class(self) -> str | None:
        return self.bases[-1][1] if self.bases else None

    @property
    def base_fen(self) -> int | None:
        return self.bases[-1][2] if self.bases else None

    @property
    def monthly_fen(self) -> int | None:
        return self.bases[-1][3] if self.bases else None

    @property
    def due_to_date_fen(self) -> int:
        return sum(d for d in self.due[:self.ended] if d)

    @property
    def year_due_fen(self) -> int:
        return sum(d for d in self.due if d)

    @property
    def paid_fen(self) -> int:
        return sum(self.paid)

    @property
    def advance_fen(self) -> int:
        return sum(self.paid[self.ended:])

    def to_dict(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "name": self.name, "branch": self.org_name, "category": self.category,
                "status": self.status, "rate_class": self.rate_class, "base": yuan(self.base_fen),
                "monthly_due": yuan(self.monthly_fen), "months_paid": self.months_paid,
                "months_owed": self.months_owed, "months_exempt": self.months_exempt,
                "months_unbased": self.months_unbased, "late_months": self.late_months,
                "due": yuan(self.due_to_date_fen), "year_due": yuan(self.year_due_fen), "paid": yuan(self.paid_fen),
                "arrears": yuan(self.arrears_fen), "advance": yuan(self.advance_fen),
                "base_missing": self.base_missing, "on_time": self.on_time}


def _months(pred) -> list[int]:
    return [m + 1 for m in range(12) if pred(m)]


def _late(md: MemberDues) -> list[int]:
    def late(m):
        last = md.last_paid_on[m]
        return (m < md.ended and md.due[m] and md.paid[m] >= md.due[m] and last is not None
                and last > _month_end_iso(md.year, m + 1))
    return _months(late)


def _on_time(md: MemberDues) -> bool:
    """按时足额: every ended member month based, paid in full and by its month's end."""
    ended_unbased = [m for m in md.months_unbased if m <= md.ended]
    return not (md.months_owed or md.late_months or ended_unbased)


_DERIVED: dict[str, Callable[[MemberDues], Any]] = {
    "months_paid": lambda md: _months(lambda m: md.paid[m] > 0 and (md.due[m] is None or md.paid[m] >= md.due[m])),
    "months_owed": lambda md: _months(lambda m: m < md.ended and md.due[m] is not None and md.paid[m] < md.due[m]),
    "months_exempt": lambda md: _months(lambda m: md.exempt[m] and md.member_month[m]),
    "months_unbased": lambda md: _months(lambda m: md.member_month[m] and md.due[m] is None),
    "late_months": _late,
    "arrears_fen": lambda md: sum(md.due[m - 1] - md.paid[m - 1] for m in md.months_owed),
    "base_missing": lambda md: bool(md.months_unbased),
    "on_time": _on_time,
}


@dataclass
class BranchDues:
    org_id: str
    org_name: str
    members: int = 0
    based: int = 0
    due_fen: int = 0
    year_due_fen: int = 0
    paid_fen: int = 0
    arrears_fen: int = 0
    in_arrears: int = 0
    on_time: int = 0

    @property
    def on_time_share(self) -> float | None:
        return round(self.on_time / self.members, 4) if self.members else None

    def to_dict(self) -> dict[str, Any]:
        return {"org_id": self.org_id, "branch": self.org_name, "members": self.members, "based": self.based,
                "due": yuan(self.due_fen), "year_due": yuan(self.year_due_fen), "paid": yuan(self.paid_fen),
                "arrears": yuan(self.arrears_fen), "in_arrears": self.in_arrears, "on_time": self.on_time,
                "on_time_share": self.on_time_share}


@dataclass
class DuesYear:
    year: int
    as_of: dt.date
    members: list[MemberDues]
    branches: list[BranchDues]
    # What `refreshed` reads again from: the scope, the change log's last entry when read, and each
    # member's place (office, branch order, branch name, pinyin) and id, in the order of `members`.
    scope: tuple[str | None, str | None] | None = field(default=None, repr=False, compare=False)
    log_seq: int | None = field(default=None, repr=False, compare=False)
    keys: list[tuple] = field(default_factory=list, repr=False, compare=False)
    ids: list[str] = field(default_factory=list, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "as_of": self.as_of.isoformat(),
                "members": [m.to_dict() for m in self.members], "branches": [b.to_dict() for b in self.branches]}


@lru_cache(maxsize=512)
def _month_end_iso(year: int, month: int) -> str:
    return month_end(year, month).isoformat()


# ---- member months ---------------------------------------------------------------------------
def member_months(year: int, join_date: str, status: str, left_on: str | None) -> tuple[bool, ...]:
    """The months of `year` the member belonged: from the month they joined to the month they
    left (转出, 出党, 死亡, 停止党籍: their latest event into that status)."""
    first, last = _member_span(year, dates.parse_iso(join_date, allow_month=True),
                               dates.parse_iso(left_on) if status in LEFT_STATUSES and left_on is not None else None)
    return _SPANS[first, last]


def _member_span(year: int, joined: dt.date, left: dt.date | None) -> tuple[int, int]:
    """(first, last) month of `year` as a member; (13, 12) when none (joined later)."""
    if joined.year > year:
        return 13, 12
    first = joined.month if joined.year == year else 1
    last = 12 if left is None else (0 if left.year < year else (left.month if left.year == year else 12))
    return first, last


_SPANS = {(a, b): tuple(a <= m <= b for m in range(1, 13)) for a in range(1, 14) for b in range(13)}


# ---- the year ----------------------------------------------------------------------------------
def _by_member(rows: list[tuple]) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for r in rows:
        got = out.get(r[0])
        if got is None:
            out[r[0]] = [r]
        else:
            got.append(r)
    return out


class _Pattern:
    """A set of member months, once per status: the list of them and, for a member without any
    dues row that year, what they show. Its lists are shared by every such member (MemberDues
    lists are read, never changed)."""

    __slots__ = ("in_month", "member_month", "unbased", "on_time", "counted")

    def __init__(self, in_month: tuple[bool, ...], ended: int):
        self.in_month = in_month
        self.member_month = list(in_month)
        self.unbased = [m + 1 for m in range(12) if in_month[m]]
        self.on_time = not any(m <= ended for m in self.unbased)
        self.counted = bool(self.unbased)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a county's rows become objects: they form no cycles,
    and its passes over every object made so far took about half of the 25-town county's time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def status(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None,
           as_of: dt.date | None = None, member_ids: list[str] | None = None) -> DuesYear:
    """Every member's dues of the year (active members and anyone with dues rows that year) and
    the totals per branch, as of a day (default today). benchmarks/ledgers.py times it."""
    with _collector_paused():
        return _status(db, year, office_id=office_id, org_id=org_id, as_of=as_of, member_ids=member_ids)


def _status(db: Database, year: int, *, office_id: str | None, org_id: str | None, as_of: dt.date | None,
            member_ids: list[str] | None) -> DuesYear:
    y = check_year(year)
    as_of = as_of or dates.today()
    log_seq = db.scalar("SELECT max(seq) FROM change_log") or 0  # before the rows: a later change is read again
    scope: list[str] = []
    scope_params: list = []
    member_scope(db, scope, scope_params, office_id=office_id, org_id=org_id)
    if member_ids is not None:
        scope.append(f"m.id IN ({','.join('?' * len(member_ids))})")
        scope_params += member_ids
    left_marks = ",".join("?" * len(LEFT_STATUSES))
    where = ["(m.status IN (?, ?) OR EXISTS (SELECT 1 FROM dues_payment p WHERE p.member_id = m.id "
             "AND p.year = ?) OR EXISTS (SELECT 1 FROM dues_base b WHERE b.member_id = m.id AND b.year = ?))", *scope]
    # Read after the year's rows, one at a time as they become the list (db.streamed).
    members_sql = f"""SELECT m.id, m.name, m.org_id, o.name, m.category, m.status, m.join_date,
                            CASE WHEN m.status IN ({left_marks}) THEN
                                (SELECT max(e.event_date) FROM member_event e
                                 WHERE e.member_id = m.id AND e.to_status = m.status) END,
                            o.office_id, o.sort_order, m.name_pinyin
                         FROM member m JOIN org o ON o.id = m.org_id WHERE {' AND '.join(where)}
                         ORDER BY o.office_id, o.sort_order, o.name, m.name_pinyin"""
    members_params = [*LEFT_STATUSES, *ACTIVE_STATUSES, y, y, *scope_params]

    def year_rows(table: str, columns: str, order: str = "") -> dict[str, list[tuple]]:
        cols = ", ".join(f"t.{c}" for c in columns.split(", "))
        if scope:  # the scope's members first, then their rows of the year by the member's index
            sql = (f"SELECT t.member_id, {cols} FROM member m JOIN org o ON o.id = m.org_id "
                   f"CROSS JOIN {table} t ON t.member_id = m.id AND t.year = ? WHERE {' AND '.join(scope)}")
        else:
            sql = f"SELECT t.member_id, {cols} FROM {table} t WHERE t.year = ?"
        return _by_member(db.tuples(sql + order, [y, *scope_params]))

    bases = year_rows("dues_base", "from_month, rate_class, base_fen, monthly_fen", " ORDER BY t.from_month")
    pays = year_rows("dues_payment", "from_month, to_month, amount_fen, paid_on", " ORDER BY t.paid_on, t.from_month, t.id")
    exempts = year_rows("dues_exemption", "from_month, to_month, monthly_fen")
    ended = ended_months(y, as_of)
    month_ends = [_month_end_iso(y, m) for m in range(1, 13)]
    joined: dict[str, _Pattern] = {}  # members all year from the month they joined: one per join date
    patterns: dict[tuple[bool, ...], _Pattern] = {}
    by_branch: dict[str, BranchDues] = {}
    with_rows = bases.keys() | pays.keys() | exempts.keys()
    out: list[MemberDues] = []
    keys: list[tuple] = []
    ids: list[str] = []
    no_rows: list = []
    # The lists of members without rows, and the empty and blank lists of the others, shared (a large
    # county's members have no rows before the year's 核定: one set of lists each is millions of objects).
    unset: list = [None] * 12
    zeros, noes, empty = [0] * 12, [False] * 12, []
    shared = (unset, zeros, noes, empty)
    b = BranchDues("", "")
    # Texts many members share (their organisation's id, name and office, their category and
    # status) kept once: each fetched row brings copies of its own, and a prefecture's 294,000
    # members kept 100 MB of them.
    orgs: dict[str, tuple] = {}
    words: dict[str, str] = {}
    for mid, name, oid, org_name, category, state, join_date, left_on, office, order, pinyin in db.streamed(
            members_sql, members_params):
        org = orgs.get(oid)
        if org is None:
            org = orgs[oid] = (oid, org_name, office)
        oid, org_name, office = org
        category = words.setdefault(category, category)
        state = words.setdefault(state, state)
        keys.append((office, order, org_name, pinyin))
        ids.append(mid)
        p = joined.get(join_date) if left_on is None else None
        if p is None:
            in_month = member_months(y, join_date, state, left_on)
            p = patterns.get(in_month)
            if p is None:
                p = patterns[in_month] = _Pattern(in_month, ended)
            if left_on is None:
                joined[join_date] = p
        if b.org_id != oid:  # members come branch by branch
            b = by_branch.get(oid)
            if b is None:
                b = by_branch[oid] = BranchDues(oid, org_name)
        if mid not in with_rows:
            md = MemberDues(mid, name, oid, org_name, category, state, y, ended, unset, zeros, p.member_month,
                            noes, unset, empty)
            md.months_paid = md.months_owed = md.months_exempt = md.late_months = empty
            md.months_unbased = p.unbased
            md.arrears_fen = 0
            md.base_missing = p.counted
            md.on_time = p.on_time
            out.append(md)
            if state in ACTIVE_STATUSES or p.counted:
                b.members += 1
                b.based += not p.counted
                b.on_time += p.on_time
            continue
        md, due_to_date, year_due, paid_fen = _member_year(
            mid, name, oid, org_name, category, state, y, ended, p.in_month, bases.get(mid, no_rows),
            pays.get(mid, no_rows), exempts.get(mid, no_rows), month_ends, p.member_month, shared)
        out.append(md)
        if state not in ACTIVE_STATUSES and not p.counted:
            continue
        b.members += 1
        b.based += not md.base_missing
        b.due_fen += due_to_date
        b.year_due_fen += year_due
        b.paid_fen += paid_fen
        b.arrears_fen += md.arrears_fen
        b.in_arrears += bool(md.arrears_fen)
        b.on_time += md.on_time
    return DuesYear(y, as_of, out, list(by_branch.values()), (office_id, org_id) if member_ids is None else None,
                    log_seq, keys, ids)


def first_office(db: Database, year: int, *, as_of: dt.date | None = None) -> DuesYear | None:
    """The beginning of a whole database's `status`: the members of the office they start with,
    in the same order and with the same figures (members come office by office). What a county's
    or a prefecture's 台账 shows while the rest is read: one town's members take a few
    hundredths of a second, the county's 28,000 more than half a second. None for a database of
    one office, or when no office has a member listed."""
    offices = [r[0] for r in db.tuples("SELECT DISTINCT office_id FROM org ORDER BY office_id")]
    if len(offices) < 2:
        return None
    as_of = as_of or dates.today()
    for office in offices:  # as status() orders them; an office without members listed adds none
        part = status(db, year, office_id=office, as_of=as_of)
        if part.members:
            return part
    return None


#: The tables a member's year is read from, besides the organisations' (whose change is a full read).
_MEMBER_TABLES = ("member", "member_event", "dues_base", "dues_payment", "dues_exemption")
_MOST_CHANGES = 2000  # more change-log entries since the last read: a full read


def refreshed(db: Database, previous: DuesYear, as_of: dt.date | None = None) -> DuesYear:
    """`previous` (a `status` of a scope) brought up to date: only the members the change log
    names since it was read are read again, and put in their place (a payment saved in a county
    of 300,000 members reads that member). A full `status` when the day changed, an organisation
    changed or more than a few thousand entries were written. `previous` is left as it was."""
    if previous.scope is None:
        raise ValueError("a status of chosen members is read again with status()")
    as_of = as_of or dates.today()
    office_id, org_id = previous.scope

    def full() -> DuesYear:
        return status(db, previous.year, office_id=office_id, org_id=org_id, as_of=as_of)

    latest = db.scalar("SELECT max(seq) FROM change_log") or 0
    if previous.log_seq is None or as_of != previous.as_of or latest < previous.log_seq:
        return full()
    if latest == previous.log_seq:
        return previous
    entries = entries_since(db.conn, previous.log_seq, (*_MEMBER_TABLES, "org"), most=_MOST_CHANGES)
    if entries is None or any(tbl == "org" for tbl, *_ in entries):
        return full()
    ids: set[str] = set()
    rows_of: dict[str, list[str]] = {}
    for tbl, row_id, _op, old in entries:
        if tbl == "member":
            ids.add(row_id)
            continue
        rows_of.setdefault(tbl, []).append(row_id)
        if old:  # a deleted row, or an updated one whose member changed
            was = json.loads(old).get("member_id")
            if was:
                ids.add(was)
    for tbl, row_ids in rows_of.items():
        ids.update(r[0] for r in db.query(f"SELECT member_id FROM {tbl} WHERE id IN ({','.join('?' * len(row_ids))})",
                                          row_ids))
    if not ids:
        return replace(previous, log_seq=latest)
    with _collector_paused():  # a collection now would go over every member of `previous`
        return _merged(previous, _status(db, previous.year, office_id=office_id, org_id=org_id, as_of=as_of,
                                         member_ids=sorted(ids)), ids, latest, full)


def _merged(previous: DuesYear, part: DuesYear, ids: set[str], latest: int,
            full: Callable[[], DuesYear]) -> DuesYear:
    """`previous` with the members `ids` as read again in `part` (in their places), and the totals
    of their branches changed; `full()` when a branch appears in or leaves the list."""
    as_of = part.as_of
    members, keys, order = list(previous.members), list(previous.keys), list(previous.ids)
    # Where the members read again were: their ids looked up in the list of ids, no member object touched.
    gone = sorted(_places(order, ids)) if len(ids) <= 20 else [k for k, i in enumerate(order) if i in ids]
    left_behind = [(members[k], keys[k]) for k in gone]
    for k in reversed(gone):
        del members[k], keys[k], order[k]
    for md, key in zip(part.members, part.keys):
        at = bisect_right(keys, key)
        members.insert(at, md)
        keys.insert(at, key)
        order.insert(at, md.member_id)
    needed = {md.org_id for md, _ in left_behind} | {md.org_id for md in part.members}
    branches = list(previous.branches)
    changed: dict[str, BranchDues] = {}
    for k, b in enumerate(branches):
        if b.org_id in needed:
            branches[k] = changed[b.org_id] = replace(b)
    if len(changed) < len(needed):
        return full()  # a branch new to the list: its place is where its first member is
    for md, _ in left_behind:
        _count(changed[md.org_id], md, -1)
    for md in part.members:
        _count(changed[md.org_id], md, 1)
    still = {md.org_id for md in part.members}
    for md, key in left_behind:  # a branch left without members is not listed
        if md.org_id not in still and not _has_branch(members, keys, key, md.org_id):
            return full()
        still.add(md.org_id)
    return DuesYear(previous.year, as_of, members, branches, previous.scope, latest, keys, order)


def _places(order: list[str], ids: set[str]) -> Iterator[int]:
    for i in ids:
        try:
            yield order.index(i)
        except ValueError:  # new to the list
            pass


def _has_branch(members: list[MemberDues], keys: list[tuple], key: tuple, org_id: str) -> bool:
    """Is a member of the branch (whose member had the place `key`) still listed? Members are in
    branch order: only the members of branches sorting like it are looked at."""
    at = bisect_left(keys, key[:3])
    while at < len(keys) and keys[at][:3] == key[:3]:
        if members[at].org_id == org_id:
            return True
        at += 1
    return False


def _count(b: BranchDues, md: MemberDues, sign: int) -> None:
    """Add a member to (sign 1) or take them off (-1) their branch's totals."""
    if md.status not in ACTIVE_STATUSES and True not in md.member_month:
        return
    b.members += sign
    b.based += sign * (not md.base_missing)
    b.due_fen += sign * md.due_to_date_fen
    b.year_due_fen += sign * md.year_due_fen
    b.paid_fen += sign * md.paid_fen
    b.arrears_fen += sign * md.arrears_fen
    b.in_arrears += sign * bool(md.arrears_fen)
    b.on_time += sign * md.on_time


_MONTHS = range(1, 13)
_ALL_YEAR = (True,) * 12


def _member_year(mid, name, oid, org_name, category, state, y, ended, in_month, base_rows, pay_rows, exempt_rows,
                 month_ends, member_month, shared) -> tuple[MemberDues, int, int, int]:
    """One member with dues rows: the MemberDues with its month lists filled, and the fen due to
    date, due in the year and paid (for the branch totals). Lists that would be empty or blank
    are `shared`'s (unset, zeros, noes, empty): a county's year is then fewer objects to keep."""
    unset, zeros, noes, empty = shared
    due: list[int | None] = [None] * 12 if base_rows or exempt_rows else unset
    for r in base_rows:  # by starting month: a later row changes the due from its month on
        start = r[1] - 1
        due[start:] = [r[4]] * (12 - start)
    if base_rows and in_month != _ALL_YEAR:
        due = [d if i else None for d, i in zip(due, in_month)]
    exempt = [False] * 12 if exempt_rows else noes
    for _, a, b, monthly in exempt_rows:
        for m in range(a - 1, b):
            if in_month[m]:
                exempt[m] = True
                d = due[m]
                due[m] = monthly if d is None or monthly < d else d
    paid, last = ([0] * 12, [None] * 12) if pay_rows else (zeros, unset)
    for _, a, b, amount, paid_on in pay_rows:
        if a == b:  # most payments are for one month
            a -= 1
            paid[a] += amount
            if last[a] is None or paid_on > last[a]:
                last[a] = paid_on
            continue
        # Its months still owing (a member's, not 免交, not paid in full by an earlier payment)
        # take it evenly; all its months when none is.
        months = [m for m in range(a - 1, b) if in_month[m] and (due[m] is None or paid[m] < due[m])] \
            or range(a - 1, b)
        each, odd = divmod(amount, len(months))
        for k, m in enumerate(months):
            paid[m] += each + 1 if k < odd else each
            if last[m] is None or paid_on > last[m]:
                last[m] = paid_on
    to_date = due[:ended]
    owed = [m for m, d, p in zip(_MONTHS, to_date, paid) if d is not None and p < d] or empty
    unbased = [m for m, d, i in zip(_MONTHS, due, in_month) if i and d is None] or empty
    late = [m for m, d, p, t, e in zip(_MONTHS, to_date, paid, last, month_ends)
            if d and p >= d and t is not None and t > e] or empty if pay_rows else empty
    md = MemberDues(mid, name, oid, org_name, category, state, y, ended, due, paid, member_month, exempt, last,
                    [r[1:] for r in base_rows] if base_rows else empty)
    md.months_paid = [m for m, d, p in zip(_MONTHS, due, paid) if p > 0 and (d is None or p >= d)] or empty \
        if pay_rows else empty
    md.months_owed = owed
    md.months_exempt = [m for m, e, i in zip(_MONTHS, exempt, in_month) if e and i] or empty \
        if exempt_rows else empty
    md.months_unbased = unbased
    md.late_months = late
    md.arrears_fen = sum(due[m - 1] - paid[m - 1] for m in owed) if owed else 0
    md.base_missing = bool(unbased)
    md.on_time = not (owed or late or (unbased and unbased[0] <= ended))
    return md, sum(d for d in to_date if d), sum(d for d in due if d), sum(paid)
