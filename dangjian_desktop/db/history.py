"""变更历史: who changed one row, when, why, and which columns from what to what.

The compact change log keeps no copy of an inserted row; its first values are found by walking
back from the row as it is now (or as its delete entry kept it) through the updates' old values
(`state_before`, one entry back; undo and the figures kept up to date walk back the same way).
`entries_since` reads what was written after a point of the log, for figures that go on from a
count made then.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from .seal import row_key_column

# Columns that are bookkeeping, not content, and stay out of the history.
_HIDDEN = {"id", "owner", "rev", "updated_at", "name_pinyin", "name_initials"}

COLUMN_LABELS = {
    "name": "姓名", "sex": "性别", "ethnicity": "民族", "birth_date": "出生日期", "id_number": "公民身份号码",
    "education": "学历", "join_date": "入党日期", "full_date": "转正日期", "category": "党员类别",
    "person_class": "人员类别", "job": "工作岗位", "status": "党籍状态", "phone": "联系电话",
    "address": "家庭住址", "workplace": "工作单位", "is_mobile": "流动党员", "mobile_whereabouts": "流动去向",
    "is_hardship": "困难党员", "note": "备注", "org_id": "所在党组织", "group_id": "党小组",
    "parent_id": "上级党组织", "org_type": "组织类别", "kind": "支部类型", "founded_on": "成立日期",
    "sort_order": "排序", "leader_member_id": "党小组长", "value": "值", "office_id": "所属单位",
}

OP_LABELS = {"insert": "新建", "update": "修改", "delete": "删除"}


@dataclass
class HistoryEntry:
    at: str
    actor: str
    reason: str
    op: str
    changes: list[tuple[str, object, object]] = field(default_factory=list)  # (column, old, new)

    @property
    def op_label(self) -> str:
        return OP_LABELS[self.op]


def state_before(state: dict | None, op: str, old: dict | None) -> dict | None:
    """A row just before one change-log entry of it, from the row just after it (None: no row): an
    insert had no row, a delete had the whole old row its entry keeps, an update the old values
    of the columns it changed, and a revision one lower when the entry does not say."""
    if op == "insert":
        return None
    if op == "delete":
        return old
    before = {**(state or {}), **(old or {})}
    if not old or "rev" not in old:
        before["rev"] = int((state or {}).get("rev") or 1) - 1
    return before


def entries_since(conn: sqlite3.Connection, seq: int, tables: tuple[str, ...], *,
                  most: int) -> list[tuple[str, str, str, str | None]] | None:
    """(tbl, row_id, op, old) of the change-log entries after `seq` on these tables, in the order
    written; None when there are more than `most` (reading everything again is then cheaper)."""
    # `+tbl`: the entries after `seq` by the key, not every entry of these tables by the (tbl, row) index
    found = conn.execute(f"SELECT tbl, row_id, op, old FROM change_log WHERE seq > ? AND +tbl IN "
                         f"({','.join('?' * len(tables))}) ORDER BY seq LIMIT ?", (seq, *tables, most + 1)).fetchall()
    return None if len(found) > most else [tuple(r) for r in found]


def _visible(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in _HIDDEN}


def row_history(conn: sqlite3.Connection, table: str, row_id: str) -> list[HistoryEntry]:
    """Every logged change of one row, oldest first."""
    entries = conn.execute(
        "SELECT c.op, c.old, c.new, t.at, t.actor, t.reason FROM change_log c JOIN tx_log t ON t.id = c.tx_id "
        "WHERE c.tbl = ? AND c.row_id = ? ORDER BY c.seq", (table, row_id)).fetchall()
    if not entries:
        return []
    keycol = row_key_column(table)
    cur = conn.execute(f'SELECT * FROM "{table}" WHERE "{keycol}" = ?', (row_id,))
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    state: dict = dict(zip(names, row)) if row is not None else {}
    out: list[HistoryEntry] = []
    # Walk back from the newest entry; `state` is the row just after the entry being read.
    for op, old, new, at, actor, reason in reversed(entries):
        old_v = json.loads(old) if old else {}
        new_v = json.loads(new) if new else {}
        entry = HistoryEntry(at, actor, reason, op)
        if op == "delete":
            entry.changes = [(c, v, None) for c, v in _visible(old_v).items() if v not in (None, "")]
        elif op == "update":
            entry.changes = [(c, old_v.get(c), new_v.get(c, state.get(c))) for c in _visible(old_v | new_v)]
        else:
            values = new_v or state  # a full copy (logs written before v6) or the walked-back state
            entry.changes = [(c, None, v) for c, v in _visible(values).items() if v not in (None, "")]
        state = state_before(state, op, old_v) or {}
        out.append(entry)
    out.reverse()
    return out


def label(column: str) -> str:
    return COLUMN_LABELS.get(column, column)


def referenced_names(conn: sqlite3.Connection, table: str, entries: list[HistoryEntry]) -> dict[tuple[str, str], str]:
    """(column, value) -> the name of the row a reference column's value points at, for the values
    the entries show (the referenced rows that have a name: organisations, members, party groups,
    offices). A row since deleted is named by the name its delete entry kept, marked 已删除; only a
    row the log has no name for keeps its id."""
    parents = {fk[3]: fk[2] for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")')}  # column -> table
    wanted: dict[str, set[str]] = {}
    for e in entries:
        for column, old, new in e.changes:
            if column in parents:
                wanted.setdefault(column, set()).update(v for v in (old, new) if isinstance(v, str) and v)
    names: dict[tuple[str, str], str] = {}
    for column, ids in wanted.items():
        parent = parents[column]
        if "name" not in {r[1] for r in conn.execute(f'PRAGMA table_info("{parent}")')}:
            continue
        found = dict(conn.execute(  # one row's values: a few ids
            f'SELECT id, name FROM "{parent}" WHERE id IN ({",".join("?" * len(ids))})', sorted(ids)).fetchall())
        gone = _deleted_names(conn, parent, ids - found.keys())
        found.update((rid, f"{name}（已删除）") for rid, name in gone.items())
        names.update(((column, rid), name) for rid, name in found.items())
    return names


def _deleted_names(conn: sqlite3.Connection, table: str, ids: set[str]) -> dict[str, str]:
    """id -> the name a deleted row had, from the whole row its (latest) delete entry kept."""
    if not ids:
        return {}
    out: dict[str, str] = {}
    for rid, old in conn.execute(  # oldest first: a row deleted again (after an undo) ends with its last name
            f"SELECT row_id, old FROM change_log WHERE tbl = ? AND row_id IN ({','.join('?' * len(ids))}) "
            f"AND op = 'delete' ORDER BY seq", (table, *sorted(ids))):
        name = json.loads(old).get("name") if old else None
        if isinstance(name, str) and name:
            out[rid] = name
    return out
