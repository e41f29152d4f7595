"""Sheet changes the clerk can undo: item scores, deduction reasons and vetoes.

Each `*_undoable` runs the sheets.py setter unchanged and returns (its result, the UndoableChange
that takes it back, or None when nothing changed). Before an undo or redo writes old values back,
`check_sheet_rows` applies the setters' own rules: nothing changes on a confirmed (确定) sheet,
and a stage's score only while the sheet is in that stage's state.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..db import Database
from ..undo import Mark, RowChange, UndoableChange, change_since, record
from . import sheets as sh

Result = tuple[Any, UndoableChange | None]


def check_sheet_rows(db: Database, rows: Sequence[RowChange]) -> None:
    """Refuse (UserError / LockedError) when the sheet has moved on from where the value may be edited."""
    for c in rows:
        if c.table not in ("round_score", "round_veto"):
            continue
        values = c.before or c.after or {}
        sheet = sh.require_unlocked(db, values["round_branch_id"])
        if c.table == "round_score":
            changed = c.changed_columns()
            for stage, column in sh.STAGE_COLUMNS.items():
                if column in changed:
                    sh._check_stage(sheet, stage)


def _org_name(db: Database, sheet_id: str) -> str:
    return db.scalar("SELECT org_name FROM round_branch WHERE id = ?", (sheet_id,)) or ""


def _record(db: Database, label: str, action) -> Result:
    return record(db, label, action, check=check_sheet_rows)


def set_score_undoable(db: Database, sheet_id: str, item_code: str, stage: str, value: Any, *,
                       reason: str | None = None, actor: str | None = None) -> Result:
    """sheets.set_score; the result is the stored number."""
    label = f"填写{sh.STAGE_LABELS.get(stage, '分数')} {_org_name(db, sheet_id)} {item_code}"
    return _record(db, label, lambda: sh.set_score(db, sheet_id, item_code, stage, value, reason=reason, actor=actor))


def set_reason_undoable(db: Database, sheet_id: str, item_code: str, reason: str, *,
                        actor: str | None = None) -> Result:
    label = f"填写扣分原因 {_org_name(db, sheet_id)} {item_code}"
    return _record(db, label, lambda: sh.set_reason(db, sheet_id, item_code, reason, actor=actor))


def veto_label(db: Database, sheet_id: str, code: str, *, triggered: bool = True) -> str:
    return f"{'登记' if triggered else '取消'}否决项 {_org_name(db, sheet_id)} {code}"


def set_veto_undoable(db: Database, sheet_id: str, code: str, fact: str, *, found_on: str | None = None,
                      actor: str | None = None) -> Result:
    return _record(db, veto_label(db, sheet_id, code),
                   lambda: sh.set_veto(db, sheet_id, code, fact, found_on=found_on, actor=actor))


def clear_veto_undoable(db: Database, sheet_id: str, code: str, *, actor: str | None = None) -> Result:
    return _record(db, veto_label(db, sheet_id, code, triggered=False),
                   lambda: sh.clear_veto(db, sheet_id, code, actor=actor))


def veto_set_since(db: Database, since: Mark, sheet_id: str, code: str) -> UndoableChange | None:
    """The veto a dialog marked after `since` (undo.mark taken when it opened), as an undoable change."""
    return change_since(db, since, veto_label(db, sheet_id, code), check=check_sheet_rows)
