"""The organisation tree as the registry shows it: offices, organisations in tree order, and the
active members counted under each node.

    tree = org_tree(db)              # one read of org and office, one GROUP BY over member
    tree.counts[org_id].total        # what the tree shows beside the organisation
    tree_counts(db)                  # the counts alone (the CLI's `stats --tree` prints them)

Counting rule (once, here): a 党委, 党总支 or 党支部 counts its own members and those of every
organisation below it except party groups, whose members already belong to their branch; a
党小组 counts its own members. An office counts the organisations at its top.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple

from .. import pinyin_keys
from ..db import Database
from ..db.history import entries_since
from .offices import held_office, local_office, own_orgs_sql, towns
from .status import active_sql

GROUP = "党小组"


class MemberCounts(NamedTuple):
    """Active members: all of them, and by category (正式党员 / 预备党员)."""

    total: int = 0
    full: int = 0
    probationary: int = 0

    def plus(self, other: "MemberCounts") -> "MemberCounts":
        return MemberCounts(self.total + other.total, self.full + other.full,
                            self.probationary + other.probationary)


NONE = MemberCounts()


def _add(sums: dict[str, list[int]], key: str, t: int, f: int, p: int) -> None:
    """Add (total, full, probationary) to `sums[key]`."""
    c = sums.get(key)
    if c is None:
        sums[key] = [t, f, p]
    else:
        c[0] += t
        c[1] += f
        c[2] += p


# The partial index member_active holds every active member's (org_id, group_id, category): one
# pass over it (or over the organisations asked for), already in the grouping's order. The category
# comes as a number (1: 正式党员, 2: 预备党员), not as text decoded 18,000 times at a prefecture.
_COUNTS_SQL = f"""SELECT org_id, group_id, CASE category WHEN '正式党员' THEN 1 WHEN '预备党员' THEN 2 ELSE 0 END,
                         count(*) FROM member m WHERE {active_sql('m')}{{only}} GROUP BY org_id, group_id, category"""
_MOST_CHANGES = 2000  # more member changes since the last read: a full read


@dataclass(frozen=True)
class CountsRead:
    """The active members counted by organisation as last read, and the change log's last entry
    then: what `counts_refreshed` brings up to date. Never changed once made (readers on other
    threads may hold it)."""

    log_seq: int
    rows: dict[str, tuple[tuple[str | None, int, int], ...]]  # org id -> its (group id, category, count)


def read_counts(db: Database) -> CountsRead:
    """Every organisation's active members: one GROUP BY over them."""
    log_seq = db.scalar("SELECT max(seq) FROM change_log") or 0  # first: a later change is read again
    return CountsRead(log_seq, _grouped(db.tuples(_COUNTS_SQL.format(only=""))))


def _grouped(found) -> dict[str, tuple]:
    rows: dict[str, list] = {}
    for org_id, group_id, category, n in found:
        rows.setdefault(org_id, []).append((group_id, category, n))
    return {k: tuple(v) for k, v in rows.items()}


def counts_refreshed(db: Database, previous: CountsRead | None) -> CountsRead:
    """`previous` brought up to date: the organisations of the members the change log names since
    it was read (where they are now and where they were) are counted again, the others kept (after
    a member is saved at a prefecture: one branch, not 294,000 members). A full read without a
    previous one, after a change to the organisations, or after more than a few thousand changes."""
    latest = db.scalar("SELECT max(seq) FROM change_log") or 0
    if previous is None or latest < previous.log_seq:
        return read_counts(db)
    if latest == previous.log_seq:
        return previous
    entries = entries_since(db.conn, previous.log_seq, ("member", "org"), most=_MOST_CHANGES)
    if entries is None or any(tbl == "org" for tbl, *_ in entries):
        return read_counts(db)
    if not entries:  # only other tables written since
        return CountsRead(latest, previous.rows)
    orgs = set()
    for _tbl, _row_id, _op, old in entries:
        was = json.loads(old).get("org_id") if old else None  # moved, or deleted: where they were counted
        if was:
            orgs.add(was)
    ids = sorted({row_id for _tbl, row_id, _op, _old in entries})
    orgs.update(r[0] for r in db.tuples(f"SELECT DISTINCT org_id FROM member WHERE id IN ({','.join('?' * len(ids))})",
                                         ids))
    rows = {k: v for k, v in previous.rows.items() if k not in orgs}
    if orgs:
        marks = ",".join("?" * len(orgs))
        rows.update(_grouped(db.tuples(_COUNTS_SQL.format(only=f" AND org_id IN ({marks})"), sorted(orgs))))
    return CountsRead(latest, rows)


def _member_counts(read: CountsRead) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """(members by branch, members by party group) as [total, full, probationary]."""
    direct: dict[str, list[int]] = {}
    in_group: dict[str, list[int]] = {}
    for org_id, found in read.rows.items():
        for group_id, category, n in found:
            full = n if category == 1 else 0
            probationary = n if category == 2 else 0
            _add(direct, org_id, n, full, probationary)  # (org_id is never NULL)
            if group_id:
                _add(in_group, group_id, n, full, probationary)
    return direct, in_group


def member_counts(db: Database) -> dict[str, MemberCounts]:
    """Active members by the organisation they are registered in (a branch: its groups' members
    included). For a 党支部 the same as tree_counts, whose other nodes add up their subordinates."""
    return {k: MemberCounts(*v) for k, v in _member_counts(read_counts(db))[0].items()}


def _totals(nodes: list[tuple[str, str | None, bool]], read: CountsRead) -> dict[str, MemberCounts]:
    """The counts of every organisation reachable from a top, from (id, parent_id, is a party
    group) of each: its own members plus, added up children before parents in one pass, the
    totals of the organisations below it that are not party groups."""
    direct, in_group = _member_counts(read)
    parent = {oid: parent_id for oid, parent_id, _group in nodes}
    groups = {oid for oid, _parent, group in nodes if group}
    children: dict[str | None, list[str]] = {}
    for oid, parent_id in parent.items():
        if parent_id not in parent:
            parent[oid] = parent_id = None  # an orphan shows at the top
        children.setdefault(parent_id, []).append(oid)
    order = list(children.get(None, ()))  # breadth first from the tops: every parent before its children
    for oid in order:  # (the list grows while it is walked)
        below = children.get(oid)
        if below:
            order += below
    below_sums: dict[str, list[int]] = {}  # what the subordinates counted so far bring to each
    totals: dict[str, MemberCounts] = {}
    make = tuple.__new__  # MemberCounts(t, f, p) without the keyword handling: 15,000 of them at a prefecture
    for oid in reversed(order):
        group = oid in groups
        own = in_group.get(oid) if group else direct.get(oid)
        sub = below_sums.pop(oid, None)
        if sub is None:
            if own is None:
                totals[oid] = NONE
                continue
            t, f, p = own
        elif own is None:
            t, f, p = sub
        else:
            t, f, p = own[0] + sub[0], own[1] + sub[1], own[2] + sub[2]
        totals[oid] = make(MemberCounts, (t, f, p))
        up = parent[oid]
        if up is not None and not group:
            _add(below_sums, up, t, f, p)
    return totals


def _read_orgs(db: Database) -> tuple[dict, dict[str | None, list[str]]]:
    rows = db.query(f"SELECT id, office_id, parent_id, name, org_type, kind FROM org WHERE {own_orgs_sql(db, '')} "
                    f"ORDER BY sort_order, name")
    orgs = {o["id"]: o for o in rows}
    children: dict[str | None, list[str]] = {}
    for o in rows:
        parent = o["parent_id"] if o["parent_id"] in orgs else None  # an orphan shows at the top
        children.setdefault(parent, []).append(o["id"])
    return orgs, children


def tree_counts(db: Database, read: CountsRead | None = None) -> dict[str, MemberCounts]:
    """Active members under each organisation (by id), counted as the tree shows them, from the
    members counted by organisation in `read` (read now without it)."""
    # What the counts need, in no order (the tree's order is no matter to a sum).
    return _totals(db.tuples(f"SELECT id, parent_id, org_type = '{GROUP}' FROM org WHERE {own_orgs_sql(db, '')}"),
                   read if read is not None else read_counts(db))


@dataclass
class OrgTree:
    """The tree of one database: the local office's own organisations first, then one node per
    other office (the towns of a county, in code and pinyin order) holding its organisations."""

    local: object  # the office row of this database
    offices: dict[str, object]  # every office row by id
    orgs: dict[str, object]  # every organisation row by id
    children: dict[str | None, list[str]]  # organisation ids under each (None: at an office's top)
    counts: dict[str, MemberCounts]
    own: list[str] = field(default_factory=list)  # the local office's top organisations
    office_order: list[str] = field(default_factory=list)  # the other offices shown, in order
    office_tops: dict[str, list[str]] = field(default_factory=dict)
    counts_read: CountsRead | None = None  # what `counts` came from: counts_refreshed goes on from it

    def subtree(self, org_id: str) -> list[str]:
        """The organisation and everything below it."""
        out, todo = [], [org_id]
        while todo:
            x = todo.pop()
            out.append(x)
            todo += self.children.get(x, [])
        return out

    def office_org_ids(self, office_id: str) -> list[str]:
        return [oid for oid, o in self.orgs.items() if o["office_id"] == office_id]

    def office_counts(self, office_id: str) -> MemberCounts:
        total = NONE
        for oid in self.office_tops.get(office_id, []):
            total = total.plus(self.counts.get(oid, NONE))
        return total

    def count(self, org_id: str) -> MemberCounts:
        return self.counts.get(org_id, NONE)

    def kinds_below(self, ids: list[str], exclude: str | None = None) -> dict[str, int]:
        """How many of each organisation type are among `ids` (leaving out `exclude`)."""
        per_type: dict[str, int] = {}
        for i in ids:
            if i != exclude:
                t = self.orgs[i]["org_type"]
                per_type[t] = per_type.get(t, 0) + 1
        return per_type

    def walk(self, org_id: str, depth: int = 0) -> Iterator[tuple[int, str]]:
        """(depth, id) of an organisation and everything below it, in tree order."""
        yield depth, org_id
        for k in self.children.get(org_id, []):
            yield from self.walk(k, depth + 1)

    def rank(self) -> dict[str, int]:
        """Tree order of every organisation shown (the member table sorts branches by it)."""
        order: dict[str, int] = {}
        for top in self.own + [oid for office in self.office_order for oid in self.office_tops[office]]:
            for _depth, oid in self.walk(top):
                order[oid] = len(order)
        return order


def org_tree(db: Database) -> OrgTree:
    local = local_office(db)
    orgs, children = _read_orgs(db)
    offices = {r["id"]: r for r in db.query("SELECT * FROM office")}
    by_office: dict[str, list[str]] = {}
    for oid in children.get(None, []):
        by_office.setdefault(orgs[oid]["office_id"], []).append(oid)
    if local["level"] == "county":
        for town in towns(db):
            by_office.setdefault(town["id"], [])
    own = by_office.pop(local["id"], [])

    shown = [o for o in by_office if o in offices]
    # The towns' names by pinyin, kept between runs (pinyin_keys): opening a county's database
    # does not load pypinyin's dictionaries for them.
    keys = pinyin_keys.sort_keys(offices[o]["name"] for o in shown)
    order = sorted(shown, key=lambda o: (offices[o]["code"] or "", keys[offices[o]["name"]]))
    nodes = [(o["id"], o["parent_id"], o["org_type"] == GROUP) for o in orgs.values()]
    read = read_counts(db)
    return OrgTree(local, offices, orgs, children, _totals(nodes, read), own, order,
                   {o: by_office[o] for o in order}, read)


def orgs_in_tree_order(db: Database, office_id: str | None = None) -> list[tuple[int, object]]:
    """(depth, row) of the organisations of one office (None: all) in tree order; each row has
    id, parent_id, name, org_type, office_id and office_name."""
    office_id = office_id or held_office(db)
    where = "WHERE o.office_id = ?" if office_id else ""
    rows = db.query(f"SELECT o.id, o.parent_id, o.name, o.org_type, o.office_id, f.name AS office_name "
                    f"FROM org o LEFT JOIN office f ON f.id = o.office_id {where} "
                    f"ORDER BY o.sort_order, o.name", (office_id,) if office_id else ())
    kids: dict[str | None, list] = {}
    for r in rows:
        kids.setdefault(r["parent_id"], []).append(r)
    ids = {r["id"] for r in rows}
    out: list[tuple[int, object]] = []

    def walk(items: list, depth: int) -> None:
        for r in items:
            out.append((depth, r))
            walk(kids.get(r["id"], []), depth + 1)

    walk([r for r in rows if r["parent_id"] is None or r["parent_id"] not in ids], 0)
    return out


def offices_with_orgs(db: Database) -> int:
    """How many offices have organisations in this database (more than one: a county's towns)."""
    return db.scalar(f"SELECT count(DISTINCT office_id) FROM org WHERE {own_orgs_sql(db, '')}") or 0
