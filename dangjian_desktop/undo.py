"""Undo and redo of the clerk's recent changes; every undo and every redo is its own logged unit of work.

An undoable action is one committed unit of work. Its change-log rows say exactly which rows it
inserted, changed or deleted, with their values before and after and the revision it left each
row at. Undoing it writes the "before" values back in a new unit of work named
`撤销：<label>`: an inserted row is deleted, a changed row gets its previous values back through
`tx.update(..., expected_rev=...)`, a deleted row is inserted again with its same id (and the rows
its deletion cascaded to, such as a member's status history). The change-log rows of that undo
are in turn what a redo (`重做：<label>`) writes back, and so on.

Nothing is written when the data have moved on since: a row's revision is no longer the one the
action (or the last undo/redo) left behind, a row to delete has since been referenced by other
records, or a domain rule refuses the old values now (the `check` each action carries calls the
same core checks as the normal edit path, e.g. a confirmed assessment sheet, a stage no longer
open, an ID number now used by another member). The refusal is a UserError in Chinese.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence, TypeVar

from .db import Database
from .db.audit import logged_columns
from .db.history import state_before
from .errors import LockedError, UserError, ValidationError

T = TypeVar("T")
UNDO_LIMIT = 100
# Columns the unit of work sets itself: never written back.
_OWN_COLUMNS = ("id", "rev", "updated_at")

# How a row is named in a refusal ("党员“张三”", "细项 1.2 的得分").
TABLE_LABELS = {
    "office": "单位", "org": "组织", "member": "党员", "member_event": "党籍变动记录",
    "committee_term": "支委任期", "committee_member": "支委任职", "setting": "设置",
    "assessment_round": "考核轮次", "round_branch": "考核表", "round_score": "考核表得分", "round_veto": "否决项",
    "round_self_report": "自我评价报告", "round_history": "考核流程记录", "round_appeal": "申诉",
    "round_adjustment": "调整记录", "round_lot": "抽签记录", "rectification": "整改事项",
    "round_evidence": "佐证材料", "attachment": "附件", "points_year": "积分年度", "points_item": "积分细则",
    "points_batch": "积分录入批次", "meeting": "会议", "meeting_attendance": "会议考勤", "meeting_photo": "会议照片",
    "points_entry": "积分记录", "points_exemption": "免评记录", "member_review": "民主评议", "points_result": "年度积分结果",
}


@dataclass(frozen=True)
class RowChange:
    """What one unit of work did to one row: its values before (None: inserted) and after (None: deleted)."""

    table: str
    row_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def expected_rev(self) -> int | None:
        """The revision the unit of work left the row at (None: it left no row)."""
        return None if self.after is None else self.after.get("rev")

    def changed_columns(self) -> set[str]:
        """Columns whose value differs between before and after (every column of an inserted or deleted row)."""
        b, a = self.before or {}, self.after or {}
        return {k for k in set(b) | set(a) if k not in _OWN_COLUMNS and b.get(k) != a.get(k)}


@dataclass(frozen=True)
class RowState:
    """A row as an action left it: (table, id, revision); revision None means the row must not exist."""

    table: str
    row_id: str
    rev: int | None


Check = Callable[[Database, Sequence[RowChange]], None]


class Versions:
    """Revisions known to hold the same content.

    Undoing a later action on a row gives the row a new revision with exactly the content an
    earlier action left it at; the earlier action's undo must accept that revision as its own.
    Each undo and redo notes here: the revision it wrote has the content of the revision the
    inverted unit of work started from.
    """

    def __init__(self) -> None:
        self._same: dict[tuple[str, str, int], int] = {}

    def canonical(self, table: str, row_id: str, rev: int) -> int:
        while (table, row_id, rev) in self._same:
            rev = self._same[(table, row_id, rev)]
        return rev

    def note(self, table: str, row_id: str, rev: int, same_as: int) -> None:
        root = self.canonical(table, row_id, same_as)
        if root != rev:
            self._same[(table, row_id, rev)] = root

    def equivalent(self, table: str, row_id: str, a: int, b: int) -> bool:
        return a == b or self.canonical(table, row_id, a) == self.canonical(table, row_id, b)


def _no_check(_db: Database, _rows: Sequence[RowChange]) -> None:
    return None


@dataclass
class UndoableChange:
    """One action the clerk can take back and do again.

    `rows` are the row changes of the unit of work the next step inverts: the action's own at
    first, after an undo those of the undo (which a redo inverts), and so on. `check` holds the
    domain's rules for writing these rows' old values back (raise UserError to refuse);
    `precheck` those asked before the revisions are compared, whose words say more than "修改过"
    (a year locked since, which also changes the row the change wrote to).
    """

    label: str
    rows: tuple[RowChange, ...]
    check: Check = _no_check
    precheck: Check = _no_check
    undone: bool = False
    tx_ids: list[int] = field(default_factory=list)  # the units of work of the action, its undos and redos

    @property
    def expects(self) -> tuple[RowState, ...]:
        """The rows and revisions the next undo (or redo) expects to find."""
        return tuple(RowState(c.table, c.row_id, c.expected_rev) for c in self.rows)

    def undo(self, db: Database, versions: Versions | None = None) -> int:
        """Take the action back in a new unit of work `撤销：<label>`; returns its tx_log id.

        `versions`: revisions the stack knows to be equivalent (see Versions)."""
        if self.undone:
            raise UserError(f"“{self.label}”已经撤销。")
        tx_id = self._invert(db, "撤销", versions or Versions())
        self.undone = True
        return tx_id

    def redo(self, db: Database, versions: Versions | None = None) -> int:
        """Do the action again in a new unit of work `重做：<label>`; returns its tx_log id."""
        if not self.undone:
            raise UserError(f"“{self.label}”没有撤销，不能重做。")
        tx_id = self._invert(db, "重做", versions or Versions())
        self.undone = False
        return tx_id

    def _invert(self, db: Database, verb: str, versions: Versions) -> int:
        try:
            with db.transaction(f"{verb}：{self.label}") as tx:
                # Rows are written back one by one; references are checked when the unit commits.
                tx.execute("PRAGMA defer_foreign_keys = ON")
                self.precheck(db, self.rows)
                current = _check_revisions(db, self.rows, versions)
                _check_references(db, self.rows)
                self.check(db, self.rows)
                start = db.scalar("SELECT ifnull(max(seq), 0) FROM change_log")
                for change in reversed(self.rows):
                    _write_back(tx, change, current.get((change.table, change.row_id)))
                rows = _row_changes(db, _log_after(db, start))
                tx_id = tx.id
        except sqlite3.IntegrityError:
            raise UserError(f"不能{verb}“{self.label}”：相关的记录此后已被修改、删除或重新登记。") from None
        except UserError as e:
            detail = "；".join(e.errors.values()) if isinstance(e, ValidationError) and e.errors else e.message
            cls = LockedError if isinstance(e, LockedError) else UserError
            raise cls(f"不能{verb}“{self.label}”：{detail}") from None
        # What each row now holds is what the inverted unit of work started from.
        started = {(c.table, c.row_id): c.before.get("rev") for c in self.rows if c.before is not None}
        for c in rows:
            was = started.get((c.table, c.row_id))
            if c.after is not None and was is not None:
                versions.note(c.table, c.row_id, c.after["rev"], was)
        self.rows = rows
        self.tx_ids.append(tx_id)
        return tx_id


# ---- reading what a unit of work did -------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """Where the logs stand: the last unit of work and the last change-log entry."""

    tx: int
    seq: int


def tx_mark(db: Database) -> int:
    """The id of the last committed unit of work (0 when none)."""
    return db.scalar("SELECT max(id) FROM tx_log") or 0


def mark(db: Database) -> Mark:
    return Mark(tx_mark(db), db.scalar("SELECT ifnull(max(seq), 0) FROM change_log"))


def _log_after(db: Database, seq: int) -> list:
    return db.query("SELECT seq, tx_id, tbl, row_id, op, old FROM change_log WHERE seq > ? ORDER BY seq", (seq,))


def _row_changes(db: Database, entries: list) -> tuple[RowChange, ...]:
    """One RowChange per row the entries touched, in the order they first touched it.

    "After" is the row as it is now (read right after, or inside, the unit of work). "Before" is
    reconstructed from it by going back through the row's entries: an insert had no row, an update
    had the old values of the columns it changed and the revision one lower, a delete had the
    whole old row. This needs from the change log no more than its compact form keeps.
    """
    by_row: dict[tuple[str, str], list] = {}
    for e in entries:
        if e["tbl"] != "meta":  # settings of the database itself: never written back
            by_row.setdefault((e["tbl"], e["row_id"]), []).append(e)
    out = []
    blobs: dict[str, set[str]] = {}  # per table: read once, not once per row (an import's thousands)
    for (table, row_id), row_entries in by_row.items():
        current = db.get(table, row_id)
        after = _plain({k: current[k] for k in current.keys()}, table, db, blobs) if current is not None else None
        state = dict(after) if after is not None else None
        for e in reversed(row_entries):
            state = state_before(state, e["op"], json.loads(e["old"]) if e["old"] is not None else None)
        if state is not None or after is not None:
            out.append(RowChange(table, row_id, state, after))
    return tuple(out)


def _plain(values: dict[str, Any] | None, table: str, db: Database,
           known: dict[str, set[str]] | None = None) -> dict[str, Any] | None:
    """A row's values without BLOB contents (which an undo never compares); `known`: the BLOB
    columns of tables already looked at."""
    if values is None:
        return None
    blobs = None if known is None else known.get(table)
    if blobs is None:
        blobs = set(logged_columns(db.conn, table, include_blobs=True)) - set(logged_columns(db.conn, table))
        if known is not None:
            known[table] = blobs
    return {k: v for k, v in values.items() if k not in blobs}


def change_since(db: Database, since: Mark, label: str, *, check: Check | None = None,
                 precheck: Check | None = None) -> UndoableChange | None:
    """The undoable change of the one unit of work committed after `since` (see `mark`).

    None when nothing was committed (nothing changed), or when several were and it is not
    certain which one is the clerk's action.
    """
    ids = [r[0] for r in db.query("SELECT id FROM tx_log WHERE id > ? ORDER BY id", (since.tx,))]
    if len(ids) != 1:
        return None
    entries = _log_after(db, since.seq)
    if any(e["tx_id"] != ids[0] for e in entries):
        return None
    rows = _row_changes(db, entries)
    if not rows:
        return None
    return UndoableChange(label, rows, check or _no_check, precheck or _no_check, tx_ids=[ids[0]])


def record(db: Database, label: str, action: Callable[[], T], *, check: Check | None = None,
           precheck: Check | None = None) -> tuple[T, UndoableChange | None]:
    """Run a core operation (one unit of work) and return its result and how to undo it."""
    since = mark(db)
    result = action()
    return result, change_since(db, since, label, check=check, precheck=precheck)


# ---- the checks every undo makes -----------------------------------------------------------

def describe(table: str, values: dict[str, Any] | None) -> str:
    """A row as the clerk knows it: 党员“张三”, 组织“东河村党支部”, 考核表得分（细项 1.2）."""
    label = TABLE_LABELS.get(table, "记录")
    v = values or {}
    if v.get("name"):
        return f"{label}“{v['name']}”"
    if v.get("item_code"):
        return f"{label}（细项 {v['item_code']}）"
    if v.get("code"):
        return f"{label} {v['code']}"
    return label


def _check_revisions(db: Database, rows: Sequence[RowChange], versions: Versions) -> dict[tuple[str, str], int]:
    """Every row as the unit of work left it (or an equivalent revision); returns the current revisions."""
    revs = {}
    for c in rows:
        current = db.one(f'SELECT rev FROM "{c.table}" WHERE id = ?', (c.row_id,))
        what = describe(c.table, c.after or c.before)
        if c.after is None:
            if current is not None:
                raise UserError(f"{what}此后已重新登记。")
            continue
        if current is None:
            raise UserError(f"{what}此后已被删除。")
        if not versions.equivalent(c.table, c.row_id, current["rev"], c.after.get("rev")):
            raise UserError(f"{what}此后又被修改过，为免覆盖后来的修改，不能再改回去。")
        revs[(c.table, c.row_id)] = current["rev"]
    return revs


def _referencing(db: Database, table: str) -> list[tuple[str, str]]:
    """(child table, column) pairs whose foreign key points at `table`."""
    out = []
    for (name,) in db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        for fk in db.query(f'PRAGMA foreign_key_list("{name}")'):
            if fk["table"] == table:
                out.append((name, fk["from"]))
    return out


def _check_references(db: Database, rows: Sequence[RowChange]) -> None:
    """A row the undo would delete must not be used by any record other than those it deletes
    too or points elsewhere. One query per referencing column and table, not per row: an
    import's undo deletes thousands of rows."""
    target = {(c.table, c.row_id): c.before for c in rows}
    deleting: dict[str, list[str]] = {}
    for (table, row_id), before in target.items():
        if before is None:
            deleting.setdefault(table, []).append(row_id)
    counts: dict[str, int] = {}
    used: set[tuple[str, str]] = set()
    for table, row_ids in deleting.items():
        for child, column in _referencing(db, table):
            if child == "change_log":
                continue
            found = db.query(f'SELECT id, "{column}" FROM "{child}" WHERE "{column}" IN '
                             "(SELECT value FROM json_each(?))", (json.dumps(row_ids),))
            for child_id, row_id in found:
                kept = target.get((child, child_id), ...)
                if kept is ... or (kept is not None and kept.get(column) == row_id):
                    counts[child] = counts.get(child, 0) + 1
                    used.add((table, row_id))
    if used:
        blocked = next(c for c in rows if (c.table, c.row_id) in used)
        what = "、".join(f"{TABLE_LABELS.get(t, t)} {n} 条" for t, n in counts.items())
        raise UserError(f"{describe(blocked.table, blocked.after)}此后已被其他记录用到（{what}），不能删除。")


def _write_back(tx, c: RowChange, current_rev: int | None) -> None:
    """Make a row what it was before the unit of work being inverted (`current_rev`: the row's revision now)."""
    if c.before is None:
        tx.delete(c.table, c.row_id)
        return
    if c.after is None:
        _reinsert(tx, c.table, c.before)
        return
    values = {k: c.before[k] for k in c.changed_columns() if k in c.before}
    if values:
        tx.update(c.table, c.row_id, values, expected_rev=current_rev)


def _reinsert(tx, table: str, values: dict[str, Any]) -> None:
    """A deleted row back with its same id; its revision continues from the deleted one."""
    all_columns = logged_columns(tx.db.conn, table, include_blobs=True)
    if len(all_columns) != len(logged_columns(tx.db.conn, table)):
        raise UserError(f"{describe(table, values)}含有文件内容，删除后不能恢复。")
    row = {k: v for k, v in values.items() if k in all_columns}
    row["rev"] = int(values.get("rev") or 0) + 1
    row["updated_at"] = tx.now
    cols = ", ".join(f'"{k}"' for k in row)
    marks = ", ".join("?" for _ in row)
    tx.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values()))


# ---- the stack --------------------------------------------------------------------------------

class UndoStack:
    """The recent undoable changes of one open database, newest last; bounded to `limit` entries.

    A refused undo or redo drops that entry: the data it expected are gone for good.
    """

    def __init__(self, limit: int = UNDO_LIMIT):
        self.limit = limit
        self._undo: list[UndoableChange] = []
        self._redo: list[UndoableChange] = []
        self.versions = Versions()

    def push(self, change: UndoableChange | None) -> None:
        """A new action: it can be undone; whatever could be redone is forgotten."""
        if change is None:
            return
        self._undo.append(change)
        del self._undo[:-self.limit]
        self._redo.clear()

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
        self.versions = Versions()

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def next_undo(self) -> UndoableChange | None:
        """The change the next undo takes back (None: nothing to undo)."""
        return self._undo[-1] if self._undo else None

    def next_redo(self) -> UndoableChange | None:
        """The change the next redo would write again (None: nothing to redo)."""
        return self._redo[-1] if self._redo else None

    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def labels(self) -> tuple[list[str], list[str]]:
        """(what can be undone, newest first; what can be redone, next first)."""
        return [c.label for c in reversed(self._undo)], [c.label for c in reversed(self._redo)]

    def undo(self, db: Database) -> UndoableChange:
        if not self._undo:
            raise UserError("没有可以撤销的操作。")
        change = self._undo.pop()
        change.undo(db, self.versions)  # refused: the entry stays dropped
        self._redo.append(change)
        return change

    def redo(self, db: Database) -> UndoableChange:
        if not self._redo:
            raise UserError("没有可以重做的操作。")
        change = self._redo.pop()
        change.redo(db, self.versions)
        self._undo.append(change)
        return change
