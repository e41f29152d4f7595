"""Conflicts: a row changed on both sides since their common history, kept side by side until a
person chooses which version stays. The choice is its own unit of work in the change log.

At the county (kind 'fork'): a town's row that the town changed again after restoring an old
backup, while the county holds a later version of the town's lost work. Keeping the town's
version ('remote') writes it; keeping the county's ('local') keeps it and sends it back to the
town in the county's next package. At a town (kind 'returned'): such a row sent back, that the
town has changed since; keeping the county's version writes it over the town's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import dates
from ..db import Database, owned_rows
from ..db.history import label as column_label
from ..db.like import like_text
from ..errors import UserError
from . import ownership, payload

HIDDEN = {"rev"}


@dataclass
class Conflict:
    id: str
    package_id: str
    peer_office_id: str
    peer_name: str
    table: str
    row_id: str
    kind: str
    local: dict[str, Any] | None
    remote: dict[str, Any] | None
    found_at: str
    status: str
    choice: str | None
    resolved_at: str | None
    resolved_by: str | None

    @property
    def label(self) -> str:
        return ownership.label(self.table)

    @property
    def what(self) -> str:
        from .merge import describe

        return describe(self.remote or self.local or {"id": self.row_id})

    def differences(self) -> list[tuple[str, Any, Any]]:
        """(column, here, there) of the columns that differ, side by side."""
        a, b = self.local or {}, self.remote or {}
        cols = list(dict.fromkeys([*a, *b]))
        return [(c, _show(a.get(c)), _show(b.get(c))) for c in cols if c not in HIDDEN and a.get(c) != b.get(c)]

    def shown_differences(self) -> list[tuple[str, str, str]]:
        """differences() as a clerk reads them: the column's Chinese name, each side's value in words
        (（空） for none, a time as 2026年3月1日 09:30)."""
        return [(column_text(c), value_text(x), value_text(y)) for c, x, y in self.differences()]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "package": self.package_id, "peer": self.peer_name, "table": self.table,
                "label": self.label, "row": self.row_id, "what": self.what, "kind": self.kind,
                "status": self.status, "choice": self.choice, "found_at": self.found_at,
                "resolved_at": self.resolved_at, "resolved_by": self.resolved_by,
                "local_missing": self.local is None, "remote_missing": self.remote is None,
                "differences": [{"column": c, "local": x, "remote": y} for c, x, y in self.differences()]}


def column_text(col: str) -> str:
    """A column's name in the clerk's words (联系电话, not phone)."""
    return "最后修改" if col == "updated_at" else column_label(col)


def value_text(v: Any) -> str:
    """A value in the clerk's words: （空） for none, an ISO time as 2026年3月1日 09:30."""
    if v is None or v == "":
        return "（空）"
    text = str(v)
    return dates.format_cn_time(text) if len(text) >= 16 and text[4:5] == "-" and text[10:11] in "T " else text


def _show(v):
    if isinstance(v, (bytes, bytearray)):
        return f"（文件，{len(v)} 字节）"
    return v


def _from_row(db: Database, r) -> Conflict:
    peer = db.scalar("SELECT name FROM exchange_peer WHERE office_id = ?", (r["peer_office_id"],)) or ""
    return Conflict(r["id"], r["package_id"], r["peer_office_id"], peer, r["tbl"], r["row_id"], r["kind"],
                    payload.row_from_json(r["local_json"]), payload.row_from_json(r["remote_json"]), r["found_at"],
                    r["status"], r["choice"], r["resolved_at"], r["resolved_by"])


def list_conflicts(db: Database, *, include_resolved: bool = False) -> list[Conflict]:
    sql = "SELECT * FROM exchange_conflict" + ("" if include_resolved else " WHERE status = 'open'")
    return [_from_row(db, r) for r in db.query(sql + " ORDER BY found_at, tbl, row_id")]


def find_conflict(db: Database, ident: str) -> Conflict:
    ident = (ident or "").strip()
    exact = db.query("SELECT * FROM exchange_conflict WHERE id = ?", (ident,))  # ids are short from v15
    if exact:
        return _from_row(db, exact[0])
    if len(ident) < 4:
        raise UserError("请写出冲突编号（完整编号，或至少前4位，见 exchange conflicts）。")
    hits = db.query("SELECT * FROM exchange_conflict WHERE id LIKE ? ESCAPE '\\' ORDER BY found_at",
                    (like_text(ident) + "%",))
    if not hits:
        raise UserError(f"找不到编号为“{ident}”的冲突（exchange conflicts 列出待处理的冲突）。")
    if len(hits) > 1:
        raise UserError(f"有 {len(hits)} 个冲突的编号以“{ident}”开头，请多写几位。")
    return _from_row(db, hits[0])


def resolve(db: Database, ident: str, keep: str) -> Conflict:
    """Keep 'local' (this office's version) or 'remote' (the other side's) for one conflict."""
    if keep not in ("local", "remote"):
        raise UserError("请选择保留哪一边：local（本单位的版本）或 remote（对方的版本）。")
    c = find_conflict(db, ident)
    if c.status != "open":
        raise UserError(f"这个冲突已于{dates.format_cn((c.resolved_at or '')[:10])}处理过"
                        f"（保留了{'本单位' if c.choice == 'local' else '对方'}的版本）。")
    side = "本单位" if keep == "local" else (c.peer_name or "对方")
    with db.transaction(f"处理数据交换冲突：{c.label}{c.what}，保留{side}的版本") as tx, owned_rows.bypass(db.conn):
        if keep == "remote":
            db.conn.execute("PRAGMA defer_foreign_keys = ON")
            _write(tx, c.table, c.row_id, c.remote)
        tx.update("exchange_conflict", c.id, {"status": "resolved", "choice": keep, "resolved_at": tx.now,
                                              "resolved_by": db.meta("operator") or _actor()})
    return find_conflict(db, c.id)


def _actor() -> str:
    from ..db import current_actor

    return current_actor()


def _write(tx, table: str, row_id: str, values: dict[str, Any] | None) -> None:
    db = tx.db
    current = db.get(table, row_id)
    tx.tables.add(table)
    if values is None:
        if current is not None:
            db.conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (row_id,))
        return
    live = set(current.keys()) if current is not None else {r[1] for r in db.conn.execute(f'PRAGMA table_info("{table}")')}
    cols = [c for c in values if c in live and c not in ("id", "rev")]
    if current is None:
        names = ["id", *cols, "rev"]
        db.conn.execute(f'INSERT INTO "{table}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
                        f'VALUES ({", ".join("?" for _ in names)})', [row_id, *[values[c] for c in cols], 1])
    else:
        sets = ", ".join(f'"{c}" = ?' for c in cols) + ", rev = rev + 1"
        db.conn.execute(f'UPDATE "{table}" SET {sets} WHERE id = ?', [*[values[c] for c in cols], row_id])
