"""Points changes the clerk can undo on 编辑 → 撤销: marking a member 免评 / 免计 and taking it back.

Each `*_undoable` runs the totals.py function unchanged and returns (its result, the UndoableChange
that takes it back, or None when nothing changed). Before an undo or redo writes old values back,
`check_exemption_rows` applies the functions' own rule: nothing changes in a year locked after
its publicity.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..db import Database
from ..errors import UserError
from ..undo import RowChange, UndoableChange, record
from .common import EXEMPT_NOT_RATED, check_unlocked
from .totals import remove_exemption, set_exemption

Result = tuple[Any, UndoableChange | None]


def check_exemption_rows(db: Database, rows: Sequence[RowChange]) -> None:
    """Refuse (LockedError) when the member's town has locked the exemption's year since."""
    for c in rows:
        if c.table != "points_exemption":
            continue
        values = c.before or c.after or {}
        office = db.scalar("SELECT o.office_id FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = ?",
                           (values.get("member_id"),))
        if office is not None:  # a member since deleted: the reference check refuses the undo
            check_unlocked(db, office, int(values["year"]))


def exemption_label(kind: str) -> str:
    """How the clerk calls an exemption of this kind: 免评 (not rated), 免计 (年老体弱)."""
    return "免评" if kind == EXEMPT_NOT_RATED else f"免计（{kind}）"


def set_exemption_undoable(db: Database, member_id: str, year: int, kind: str, reason: str, *,
                           approved_on: str | None = None, actor: str | None = None) -> Result:
    """totals.set_exemption; the result is the exemption's id."""
    name = db.scalar("SELECT name FROM member WHERE id = ?", (member_id,)) or ""
    known = db.scalar("SELECT 1 FROM points_exemption WHERE member_id = ? AND year = ? AND kind = ?",
                      (member_id, int(year), kind))
    verb = "修改" if known else "登记"
    return record(db, f"{verb}{exemption_label(kind)} {name}（{year}年度）",
                  lambda: set_exemption(db, member_id, year, kind, reason, approved_on=approved_on, actor=actor),
                  check=check_exemption_rows)


def remove_exemption_undoable(db: Database, exemption_id: str, *, actor: str | None = None) -> Result:
    row = db.one("SELECT x.kind, x.year, m.name FROM points_exemption x JOIN member m ON m.id = x.member_id "
                 "WHERE x.id = ?", (exemption_id,))
    if row is None:
        raise UserError("找不到这条免评记录。")
    return record(db, f"取消{exemption_label(row['kind'])} {row['name']}（{row['year']}年度）",
                  lambda: remove_exemption(db, exemption_id, actor=actor), check=check_exemption_rows)
