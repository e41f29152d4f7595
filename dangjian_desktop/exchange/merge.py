"""Planning an import: what each row of a package would do here — new, updated, unchanged,
conflicting, refused, deleted — before anything is written, with every error collected.

A town's package at the county: the sender's sealed history is compared with what the county
holds from that town. A continued history is merged row by row (the county's copies are never
edited at the county, so there is nothing to conflict with). An older one changes nothing and
says why. A contradicting one (the town restored an old backup and worked on, or rewrote its
history) is refused when it is incremental — the town is asked for a complete package — and a
complete one is merged with every row that changed on both sides since the fork listed as a
conflict, side by side, for a person to choose. A complete package also tells which of the
town's rows are gone.

The county's package at a town is a complete snapshot of what the county sends it: rows not in
it any more are deleted; rows of the town's own that the county kept in a conflict come back
and are applied when the town has not changed them since (a conflict otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import dates
from ..db import Database
from ..registry.offices import local_office
from . import handover, idmap, ownership, payload
from .crypto import PackageRefused
from .export import seal_of, table_columns
from .opening import Opened
from .payload import TableRows

#: How a town exports its complete package, in the window and on the command line (the refusals
#: below are read by clerks at the county, who pass them on to the town).
FULL_HOW = "（在“数据交换”的“导出与导入”中勾选“完整数据包”后导出；命令行：exchange export --full）"

COUNT_KEYS = ("new", "updated", "unchanged", "conflicts", "refused", "deleted")


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    refused: int = 0
    deleted: int = 0

    def to_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in COUNT_KEYS}

    def add(self, other: "Counts") -> None:
        for k in COUNT_KEYS:
            setattr(self, k, getattr(self, k) + getattr(other, k))


@dataclass
class ConflictDraft:
    table: str
    row_id: str
    kind: str                       # 'fork' or 'returned'
    local: tuple[list[str], list] | None
    remote: tuple[list[str], list] | None
    label: str


@dataclass
class TableOp:
    table: str
    columns: list[str]
    inserts: list[list] = field(default_factory=list)
    updates: list[list] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # county: lost by the town, kept and sent back


@dataclass
class Plan:
    opened: Opened
    ops: dict[str, TableOp] = field(default_factory=dict)
    counts: dict[str, Counts] = field(default_factory=dict)
    conflicts: list[ConflictDraft] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    nothing: str | None = None      # why there is nothing to change
    fork_at: int | None = None
    epoch: int = 0
    ack_ok: bool = False            # a county package whose acknowledgement matches our history

    def count(self, table: str) -> Counts:
        return self.counts.setdefault(table, Counts())

    def op(self, table: str, columns: list[str]) -> TableOp:
        return self.ops.setdefault(table, TableOp(table, columns))

    @property
    def total(self) -> Counts:
        t = Counts()
        for c in self.counts.values():
            t.add(c)
        return t

    def refuse(self, table: str, row: dict | None, why: str) -> None:
        self.count(table).refused += 1
        if len(self.errors) < 200:
            self.errors.append(f"{ownership.label(table)} {describe(row)}：{why}")


def describe(row: dict | None) -> str:
    if not row:
        return ""
    for key in ("name", "title", "org_name", "file_name", "day"):
        if row.get(key):
            return f"“{row[key]}”"
    return f"（编号 {str(row.get('id', ''))[:8]}）"


def _fmt_at(at: str | None) -> str:
    at = at or ""
    return f"{dates.format_cn(at[:10])} {at[11:16]}".strip()


# ---- history (a town's package at the county) ------------------------------------------------------
def _history(doc: dict) -> tuple[int, int, str, dict[int, str]]:
    try:
        base = int(doc["base_tx"])
        tip_tx, tip_seal = int(doc["tip"][0]), str(doc["tip"][1])
        hist = {int(tx): str(seal) for tx, _at, seal in doc["history"]}
    except (KeyError, TypeError, ValueError, IndexError):
        raise PackageRefused("corrupt", "数据包中的修改记录无法读取，没有导入任何数据。") from None
    if hist.get(tip_tx) != tip_seal or (base and base not in hist):
        raise PackageRefused("corrupt", "数据包中的修改记录不完整，没有导入任何数据。")
    return base, tip_tx, tip_seal, hist


def _epoch_of_key(db: Database, opened: Opened) -> int:
    fp = opened.sender_keys.fingerprint if opened.sender_keys else ""
    e = db.scalar("SELECT max(epoch) FROM exchange_package WHERE direction = 'in' AND sender_fingerprint = ?", (fp,))
    return opened.sender.epoch if e is None else int(e)


def check_history(db: Database, plan: Plan) -> None:
    opened, doc = plan.opened, plan.opened.doc
    peer, town = opened.sender, opened.sender_name
    base, tip_tx, _tip_seal, hist = _history(doc)
    plan.epoch = _epoch_of_key(db, opened) if opened.retired_key else peer.epoch
    stored = {r[0]: r[1] for r in db.conn.execute(
        "SELECT tx_id, seal FROM exchange_history WHERE peer_office_id = ? AND epoch = ?",
        (opened.sender_office, plan.epoch))}
    if not stored:
        if opened.retired_key:
            raise PackageRefused("retired-key", _retired_text(town, opened.retired_key))
        if base == 0 or (doc.get("recovered_from") and doc.get("recovered_from") == peer.recovery_package):
            return
        raise PackageRefused("history-gap", f"县里没有{town}这个数据包之前的数据（县里的数据库可能恢复过较早的备份）。"
                                            f"没有导入任何数据。请{town}导出完整数据包{FULL_HOW}。")
    mismatch = sorted(tx for tx, seal in hist.items() if tx in stored and stored[tx] != seal)
    known = max(stored)
    last = db.one("SELECT processed_at FROM exchange_package WHERE direction = 'in' AND peer_office_id = ? "
                  "AND epoch = ? ORDER BY tip_tx DESC LIMIT 1", (opened.sender_office, plan.epoch))
    when = _fmt_at(last["processed_at"]) if last else ""
    if mismatch:
        first = mismatch[0]
        common = [tx for tx in stored if tx < first and tx in hist]
        if opened.retired_key:
            raise PackageRefused("retired-key", _retired_text(town, opened.retired_key))
        if base != 0:
            raise PackageRefused(
                "history", f"{town}这个数据包的修改记录与县里已经收到的不一致：县里收到的{town}第 {first} 号修改"
                           f"与数据包中的不同。通常是{town}的电脑恢复了旧备份后又做了修改，也可能是数据被改写。"
                           f"为免覆盖县里已有的数据，没有导入任何数据。请{town}导出完整数据包"
                           f"{FULL_HOW}，县里导入时会逐条列出两边不同的记录，由您选择保留哪一边。")
        plan.fork_at = max(common) if common else 0
        plan.notes.append(f"{town}的修改记录从第 {first} 号起与县里已收到的不同（{town}可能恢复了旧备份后又做了修改）："
                          f"两边都改过的记录列为冲突，由您选择；县里有而{town}已没有的修改，县里保留并退回{town}。")
        return
    if base and base not in stored:
        raise PackageRefused("history-gap", f"县里没有{town}第 {base} 号修改之前的数据（县里的数据库可能恢复过较早的备份）。"
                                            f"没有导入任何数据。请{town}导出完整数据包{FULL_HOW}。")
    if tip_tx <= known:
        plan.nothing = (f"县里已经有这个数据包中的全部数据（{town}的修改到第 {tip_tx} 号为止，县里{when}已导入到第 {known} 号）。"
                        if tip_tx == known else
                        f"这个数据包比县里已导入的旧：{town}的修改到第 {tip_tx} 号为止，县里{when}已导入到第 {known} 号。"
                        f"可能是U盘上的旧数据包，或{town}恢复了旧备份。没有改动任何数据。")
        return
    if opened.retired_key:
        raise PackageRefused("retired-key", _retired_text(town, opened.retired_key))


def _retired_text(town: str, since: str) -> str:
    return (f"这个数据包是用{town}已停用的密钥签名的（县里{_fmt_at(since)}重新邀请{town}后停用，例如换了电脑）。"
            f"签名是真的，但其中有县里还没有的修改；为安全起见没有导入。请{town}在重新加入后从现在的电脑导出。")


# ---- rows ---------------------------------------------------------------------------------------------
def _local_rows(db: Database, table: str, columns: list[str], ids: list[str]) -> dict[str, list]:
    sel = ", ".join(f't."{c}"' for c in columns)
    out: dict[str, list] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in db.conn.execute(f'SELECT {sel} FROM "{table}" t WHERE t.id IN ({",".join("?" for _ in chunk)})', chunk):
            out[r[0]] = list(r)
    return out


def _usable_columns(db: Database, plan: Plan, table: str, tr: TableRows) -> list[str] | None:
    if ownership.kind_of(table) == ownership.LOCAL or table not in ownership.travelling_tables(db.conn):
        plan.errors.append(f"数据包中有本单位不接收的数据（{ownership.label(table)}），没有导入。")
        plan.count(table).refused += len(tr.rows)
        return None
    local = set(table_columns(db, table))
    extra = [c for c in tr.columns if c not in local]
    if extra or "id" not in tr.columns or "owner" not in tr.columns:
        plan.errors.append(f"{ownership.label(table)}：数据包中有本机程序没有的项（{'、'.join(extra) or 'id/owner'}），"
                           f"对方的程序版本较新，请先升级本机的党建台账。")
        plan.count(table).refused += len(tr.rows)
        return None
    return ["id"] + [c for c in tr.columns if c != "id"]


def _reorder(tr: TableRows, columns: list[str]) -> list[list]:
    if columns == tr.columns:
        return tr.rows
    idx = [tr.index(c) for c in columns]
    return [[r[i] for i in idx] for r in tr.rows]


def _same(a: list, b: list, skip: int) -> bool:
    return all(x == y for i, (x, y) in enumerate(zip(a, b)) if i != skip)


def classify_town_package(db: Database, plan: Plan) -> None:
    """A town's rows at the county."""
    opened = plan.opened
    sender = opened.sender_office
    late = _late_txs(db, plan) if plan.fork_at is not None else set()
    open_conflicts = {(r[0], r[1]) for r in db.conn.execute(
        "SELECT tbl, row_id FROM exchange_conflict WHERE status = 'open' AND peer_office_id = ?", (sender,))}
    full = int(opened.doc.get("base_tx") or 0) == 0
    stages = handover.SheetStages(db, opened.sections.get("tables", {}), _applied_here(db, opened.doc))
    withdrawn = handover.withdrawn(db, opened.sections.get("tables", {}))
    if withdrawn:
        plan.notes.append(f"数据包中有 {sum(map(len, withdrawn.values()))} 条记录属于县里已经撤销的考核，没有导入"
                          f"（{opened.sender_name}导入县里的下一个数据包后，这些记录在乡镇也会删除）。")
    for table, tr in opened.sections.get("tables", {}).items():
        if not ownership.sent_by("town", table):
            plan.errors.append(f"乡镇的数据包不能包含{ownership.label(table)}（这类数据由县里维护），没有导入。")
            plan.count(table).refused += len(tr.rows)
            continue
        cols = _usable_columns(db, plan, table, tr)
        if cols is None:
            continue
        rows = _reorder(tr, cols)
        if table in withdrawn:
            rows = [r for r in rows if r[0] not in withdrawn[table]]
        _classify_rows(db, plan, table, cols, rows, sender, late, open_conflicts, stages)
    for table, ids in (opened.doc.get("deleted") or {}).items():
        if table in ownership.travelling_tables(db.conn):
            _deletions(db, plan, table, [str(i) for i in ids], sender, late)
    received_before = db.scalar("SELECT 1 FROM exchange_package WHERE direction = 'in' AND peer_office_id = ? "
                                "AND epoch = ? LIMIT 1", (sender, plan.epoch))
    if full and received_before:  # a complete package also says which of the town's rows are gone
        for table in ownership.travelling_tables(db.conn):
            if not ownership.sent_by("town", table):
                continue
            incoming = {r[0] for r in _incoming_ids(opened, table)}
            gone = [r[0] for r in db.conn.execute(f'SELECT id FROM "{table}" WHERE owner = ?', (sender,))
                    if r[0] not in incoming]
            kept = handover.kept_by_sender(db, table, gone)
            gone = [rid for rid in gone if rid not in kept]
            if gone:
                _deletions(db, plan, table, gone, sender, late)


def _applied_here(db: Database, doc: dict) -> int | None:
    """Our last transaction in the county package the town says it applied last (None: none).

    When we no longer know that package (this database went back to a backup made before it was
    written), the town has seen our history up to the newest tip of a package it applied that
    our history still holds, seal for seal (the seals chain, so the whole history up to there is
    the same): our changes after it are the only ones it may not have seen."""
    pid = doc.get("applied_county_package")
    if not pid:
        return None
    tx = db.scalar("SELECT tip_tx FROM exchange_package WHERE id = ? AND direction = 'out'", (str(pid),))
    if tx is not None:
        return tx
    best = None
    for item in doc.get("applied_county_tips") or []:
        try:
            t, seal = int(item[0]), str(item[1])
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if (best is None or t > best) and seal_of(db, t) == seal:
            best = t
    return best


def _incoming_ids(opened: Opened, table: str) -> list[tuple[str]]:
    tr = opened.sections.get("tables", {}).get(table)
    if tr is None:
        return []
    i = tr.index("id")
    return [(r[i],) for r in tr.rows]


def _late_txs(db: Database, plan: Plan) -> set[int]:
    """Our transactions that applied the sender's changes made after the fork."""
    return {r[0] for r in db.conn.execute(
        "SELECT local_tx FROM exchange_package WHERE direction = 'in' AND peer_office_id = ? AND epoch = ? "
        "AND tip_tx > ? AND local_tx IS NOT NULL", (plan.opened.sender_office, plan.epoch, plan.fork_at))}


def _changed_late(db: Database, table: str, row_id: str, late: set[int]) -> bool:
    if not late:
        return False
    r = db.one("SELECT tx_id FROM change_log WHERE tbl = ? AND row_id = ? ORDER BY seq DESC LIMIT 1", (table, row_id))
    return r is not None and r[0] in late


def _handed_over(plan: Plan, stages: handover.SheetStages, table: str, cols: list[str], r: list,
                 mine: list | None, sender: str, me: str) -> None:
    """A sheet's row that changed hands (see handover.py): taken, unchanged or refused."""
    owner_i = cols.index("owner")
    row = dict(zip(cols, r))
    if mine is not None and _same(mine, r, cols.index("rev")):
        what, why = handover.UNCHANGED, None
    else:
        what, why = handover.verdict(stages, table, row, None if mine is None else mine[owner_i], sender, me,
                                     relayed=plan.opened.kind == "county")
    c, op = plan.count(table), plan.op(table, cols)
    if what == handover.NEW:
        c.new += 1
        op.inserts.append(r)
    elif what == handover.UPDATED:
        c.updated += 1
        op.updates.append(r)
    elif what == handover.UNCHANGED:
        c.unchanged += 1
    else:
        plan.refuse(table, row, why or "")


def _classify_rows(db: Database, plan: Plan, table: str, cols: list[str], rows: list[list], sender: str,
                   late: set[int], open_conflicts: set, stages: handover.SheetStages | None = None) -> None:
    owner_i, rev_i = cols.index("owner"), cols.index("rev") if "rev" in cols else -1
    local = _local_rows(db, table, cols, [r[0] for r in rows])
    c, op = plan.count(table), plan.op(table, cols)
    me = db.local_office_id or ""
    for r in rows:  # the row as a dict only when a refusal or a conflict names it
        if stages is not None and handover.concerns(table, r[owner_i], (local.get(r[0]) or [None] * len(cols))[owner_i],
                                                    sender):
            _handed_over(plan, stages, table, cols, r, local.get(r[0]), sender, me)
            continue
        if r[owner_i] != sender:
            plan.refuse(table, dict(zip(cols, r)), "这条记录不属于发送数据包的单位，不能由它发来")
            continue
        mine = local.get(r[0])
        if (stages is not None and table in ownership.HANDOVER and (mine is None or not _same(mine, r, rev_i))
                and sender not in (stages.allowed_owners(table, dict(zip(cols, r))) or (sender,))):
            plan.refuse(table, dict(zip(cols, r)), handover.WRONG_STAGE)
        elif mine is None:
            c.new += 1
            op.inserts.append(r)
        elif mine[owner_i] != sender:
            plan.refuse(table, dict(zip(cols, r)), "本单位已有同一编号、属于另一单位的记录")
        elif _same(mine, r, rev_i):
            c.unchanged += 1
        elif (table, r[0]) in open_conflicts or _changed_late(db, table, r[0], late):
            c.conflicts += 1
            plan.conflicts.append(ConflictDraft(table, r[0], "fork", (cols, mine), (cols, r), describe(dict(zip(cols, r)))))
        else:
            c.updated += 1
            op.updates.append(r)


def _deletions(db: Database, plan: Plan, table: str, ids: list[str], owner: str, late: set[int]) -> None:
    cols = table_columns(db, table)
    local = _local_rows(db, table, ["id", *[x for x in cols if x != "id"]], ids)
    op = plan.op(table, ["id", *[x for x in cols if x != "id"]])
    owner_i = op.columns.index("owner")
    for rid in ids:
        mine = local.get(rid)
        if mine is None or mine[owner_i] != owner or rid in op.deletes or rid in op.kept:
            continue
        if _changed_late(db, table, rid, late):
            op.kept.append(rid)  # changed at the county from the town's lost work: kept and returned
        else:
            op.deletes.append(rid)
            plan.count(table).deleted += 1


# ---- the county's package at a town --------------------------------------------------------------------
def classify_county_package(db: Database, plan: Plan) -> None:
    opened = plan.opened
    me = local_office(db)["id"]
    doc = opened.doc
    last = db.one("SELECT tip_tx, processed_at FROM exchange_package WHERE direction = 'in' AND kind = 'county' "
                  "AND peer_office_id = ? ORDER BY tip_tx DESC LIMIT 1", (opened.sender_office,))
    try:
        tip_tx = int(doc["tip"][0])
    except (KeyError, TypeError, ValueError, IndexError):
        raise PackageRefused("corrupt", "数据包中的修改记录无法读取，没有导入任何数据。") from None
    if last is not None and tip_tx < last["tip_tx"]:
        plan.nothing = (f"这个数据包比本镇{_fmt_at(last['processed_at'])}导入的县里的数据包旧（县里的修改到第 {tip_tx} 号为止，"
                        f"已导入到第 {last['tip_tx']} 号），没有改动任何数据。")
        return
    tables = opened.sections.get("tables", {})
    stages = handover.SheetStages(db, tables, _acked_tx(db, doc))
    for table, tr in tables.items():
        # Another town's organisations come for the sheets this town's team assesses by lot.
        passed_on = table in ownership.RELAYED and all(r[tr.index("owner")] not in (me, opened.sender_office)
                                                       for r in tr.rows)
        if not passed_on and not ownership.sent_by("county", table):
            plan.errors.append(f"县里的数据包不能包含{ownership.label(table)}（这类数据由乡镇维护），没有导入。")
            plan.count(table).refused += len(tr.rows)
            continue
        cols = _usable_columns(db, plan, table, tr)
        if cols is None:
            continue
        rows = _reorder(tr, cols)
        owner_i, rev_i = cols.index("owner"), cols.index("rev") if "rev" in cols else -1
        local = _local_rows(db, table, cols, [r[0] for r in rows])
        c, op = plan.count(table), plan.op(table, cols)
        for r in rows:
            as_dict = dict(zip(cols, r))
            mine = local.get(r[0])
            if handover.concerns(table, r[owner_i], None if mine is None else mine[owner_i], opened.sender_office):
                _handed_over(plan, stages, table, cols, r, mine, opened.sender_office, me)
            elif r[owner_i] == me or (mine is not None and mine[owner_i] == me):
                plan.refuse(table, as_dict, "县里的数据包不能改动本镇自己的记录")
            elif mine is None:
                c.new += 1
                op.inserts.append(r)
            elif _same(mine, r, rev_i):
                c.unchanged += 1
            else:
                c.updated += 1
                op.updates.append(r)
    # A snapshot: what the county no longer sends is gone there.
    for table in ownership.travelling_tables(db.conn):
        relayed = table in ownership.RELAYED and not ownership.sent_by("county", table)
        if (not ownership.sent_by("county", table) and not relayed) or ownership.referenced_only(db.conn, table):
            continue
        tr = tables.get(table)
        keep = {r[tr.index("id")] for r in tr.rows} if tr else set()
        gone = [r[0] for r in db.conn.execute(f'SELECT id FROM "{table}" WHERE owner NOT IN (?, ?)',
                                              (me, me if not relayed else opened.sender_office))
                if r[0] not in keep]
        if gone and table in ownership.HANDOVER:  # sheets this town handed over that the county has not had yet
            kept = handover.not_yet_received(stages, table, gone)
            gone = [rid for rid in gone if rid not in kept]
        if gone:
            cols = table_columns(db, table)
            op = plan.op(table, ["id", *[x for x in cols if x != "id"]])
            op.deletes += gone
            plan.count(table).deleted += len(gone)
    # A withdrawn round takes this town's sheets and their parts with it.
    for table, ids in handover.cascade(db, {t: set(op.deletes) for t, op in plan.ops.items()}).items():
        cols = table_columns(db, table)
        op = plan.op(table, ["id", *[x for x in cols if x != "id"]])
        extra = sorted(ids - set(op.deletes))
        op.deletes += extra
        plan.count(table).deleted += len(extra)
    _returned(db, plan, me)
    _ack(db, plan)


def _acked_tx(db: Database, doc: dict) -> int | None:
    """The last change of this town the county's package acknowledges (None: none that matches)."""
    ack = doc.get("ack") or {}
    try:
        tx = int(ack["tip_tx"])
    except (KeyError, TypeError, ValueError):
        return None
    return tx if seal_of(db, tx) == str(ack.get("tip_seal")) else None


def _returned(db: Database, plan: Plan, me: str) -> None:
    bases = plan.opened.doc.get("returned_base") or {}
    for table, tr in plan.opened.sections.get("returned", {}).items():
        cols = _usable_columns(db, plan, table, tr)
        if cols is None:
            continue
        rows = _reorder(tr, cols)
        owner_i, rev_i = cols.index("owner"), cols.index("rev") if "rev" in cols else -1
        local = _local_rows(db, table, cols, [r[0] for r in rows])
        c, op = plan.count(table), plan.op(table, cols)
        for r in rows:
            as_dict = dict(zip(cols, r))
            if r[owner_i] != me:
                plan.refuse(table, as_dict, "退回的记录不是本镇的")
                continue
            mine = local.get(r[0])
            base = (bases.get(table) or {}).get(r[0])
            if mine is None:
                c.new += 1
                op.inserts.append(r)
            elif _same(mine, r, rev_i):
                c.unchanged += 1
            elif base is not None and idmap.global_digest(db.conn, table, cols, mine) == base:
                c.updated += 1
                op.updates.append(r)
            else:
                c.conflicts += 1
                plan.conflicts.append(ConflictDraft(table, r[0], "returned", (cols, mine), (cols, r), describe(as_dict)))
    n = sum(len(tr.rows) for tr in plan.opened.sections.get("returned", {}).values())
    if n:
        plan.notes.append(f"县里在处理冲突时保留了本镇 {n} 条记录的县里版本，随本数据包退回。")


def _ack(db: Database, plan: Plan) -> None:
    ack = plan.opened.doc.get("ack")
    if not ack:
        plan.notes.append("县里还没有确认收到本镇的数据包。")
        return
    try:
        tx, seal = int(ack["tip_tx"]), str(ack["tip_seal"])
    except (KeyError, TypeError, ValueError):
        raise PackageRefused("corrupt", "数据包中的确认回执无法读取，没有导入任何数据。") from None
    if seal_of(db, tx) == seal:
        plan.ack_ok = True
        plan.notes.append(f"县里确认已收到本镇的数据包 {ack.get('package')}（到第 {tx} 号修改为止）。")
    else:
        plan.notes.append(f"县里确认收到的本镇第 {tx} 号修改与本机的记录不同（本机可能恢复过旧备份）："
                          f"下次导出将包含全部数据，县里会列出两边不同的记录。")


def plan_import(db: Database, opened: Opened) -> Plan:
    plan = Plan(opened)
    me = local_office(db)
    schema = int(opened.doc.get("schema_version") or 0)
    if schema > db.schema_version:
        raise PackageRefused("newer", f"这个数据包由更新版本的党建台账生成（数据库第 {schema} 版，本机是第 {db.schema_version} 版），"
                                      f"请先升级本机的程序后再导入。没有导入任何数据。")
    if opened.kind == "town" and me["level"] == "county":
        if opened.enrolling and (opened.doc.get("from") or {}).get("name") != opened.sender.name:
            raise PackageRefused("invite", f"邀请是发给“{opened.sender.name}”的，数据包却来自"
                                           f"“{(opened.doc.get('from') or {}).get('name')}”，没有导入。")
        check_history(db, plan)
        if plan.nothing is None:
            classify_town_package(db, plan)
    elif opened.kind == "county" and me["level"] == "town":
        classify_county_package(db, plan)
    else:
        raise PackageRefused("wrong-kind", "这个数据包的种类与本单位不符（乡镇的数据包只能由县里导入，县里的数据包只能由乡镇导入）。")
    return plan


def counts_by_table(plan: Plan) -> dict[str, dict[str, Any]]:
    return {t: c.to_dict() for t, c in sorted(plan.counts.items())}
