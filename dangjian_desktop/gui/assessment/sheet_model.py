"""The checklist's table model: a section row (its subtotals as the evaluator counts them, held to
the section's maximum: Sheet.section_subtotals) above its items; a typed score or reason is one
kit Operation, offered on 编辑 → 撤销."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QFont

from ...assessment import sheets as sh
from ...assessment import undoable as su
from ...db import Database
from ...schemes import model as sm
from ..errors import error_text
from ..kit.formatting import format_score
from ..kit.operations import Operation, commit_mark
from ..kit.palette import AMBER, LIGHT_GREY, SECTION_BG
from ..kit.plain_text import literal
from ..undo_menu import push_undo

COL_CODE, COL_TITLE, COL_MAX, COL_SELF, COL_INITIAL, COL_FINAL, COL_REASON, COL_EVIDENCE = range(8)
HEADERS = ("编号", "考核内容", "分值", "自评分", "初评分", "考核分", "扣分原因 / 说明", "佐证")
STAGE_OF_COL = {COL_SELF: "self", COL_INITIAL: "initial", COL_FINAL: "final"}
COL_OF_STAGE = {v: k for k, v in STAGE_OF_COL.items()}
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
ITEM_ROLE_INT = int(ITEM_ROLE)
_DISPLAY, _EDIT, _ALIGN, _BACKGROUND, _FOREGROUND, _FONT, _TOOLTIP = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ToolTipRole))
_ROLES_USED = frozenset((_DISPLAY, _EDIT, _ALIGN, _BACKGROUND, _FOREGROUND, _FONT, _TOOLTIP, ITEM_ROLE_INT))
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_READ_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE_FLAGS = _READ_FLAGS | Qt.ItemFlag.ItemIsEditable
_SECTION_BRUSH = QBrush(SECTION_BG)
_LOCKED_BRUSH = QBrush(LIGHT_GREY)
_DEDUCTION_BRUSH = QBrush(AMBER)


def max_text(item: sh.SheetItem) -> str:
    """The 分值 cell: the maximum, 扣≤N for a deduction item, 是否 N for a yes-no item."""
    if item.max is None:
        return "—"
    if item.kind == sm.DEDUCTION:
        return f"扣≤{format_score(item.max)}"
    if item.kind == sm.YESNO:
        return f"是否 {format_score(item.max)}"
    return format_score(item.max)


class SheetModel(QAbstractTableModel):
    """Section rows and item rows of one sheet; edits go straight to the core, one Operation each."""

    refused = Signal(str)  # a value was refused (Chinese message)
    saved = Signal(str, str)  # item code, column key ('self' | 'initial' | 'final' | 'reason')

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.db: Database | None = None
        self.sheet: sh.Sheet | None = None
        self.readonly = True
        self.rows: list[tuple[str, Any]] = []  # ('section', (code, title, max, [item rows])) | ('item', SheetItem)
        self.subtotals: dict[str, dict[str, Any]] = {}  # stage -> section code -> points (None: nothing scored)
        self.last_own_tx: int | None = None
        self.writing = False  # a write of ours is under way (the page must not reload the sheet under the editor)
        self._bold = QFont()
        self._bold.setBold(True)

    # -- loading ------------------------------------------------------------------------------
    def set_sheet(self, db: Database | None, sheet: sh.Sheet | None, *, readonly: bool = False) -> None:
        self.beginResetModel()
        self.db, self.sheet, self.readonly = db, sheet, readonly
        self.rows = []
        if sheet is not None:
            current = None
            members: list[int] = []
            for item in sheet.items:
                if item.section_code != current:
                    current = item.section_code
                    section = sheet.scheme.section(current)
                    members = []
                    if section is None or not section.whole:  # a section scored as a whole is its own row
                        smax = section.effective_max() if section is not None else None
                        self.rows.append(("section", (current, item.section_title, smax, members)))
                self.rows.append(("item", item))
                members.append(len(self.rows) - 1)
        self._count_subtotals()
        self.endResetModel()

    def _count_subtotals(self, *stages: str) -> None:
        if self.sheet is None or not any(kind == "section" for kind, _ in self.rows):
            self.subtotals = {}
            return
        for stage in stages or sh.STAGES:
            self.subtotals[stage] = self.sheet.section_subtotals(stage)

    def _section_row(self, row: int) -> int:
        while row >= 0 and self.rows[row][0] != "section":
            row -= 1
        return row

    def item_at(self, row: int) -> sh.SheetItem | None:
        if 0 <= row < len(self.rows) and self.rows[row][0] == "item":
            return self.rows[row][1]
        return None

    def row_of(self, code: str) -> int:
        for n, (kind, value) in enumerate(self.rows):
            if kind == "item" and value.code == code:
                return n
        return -1

    def is_item_row(self, row: int) -> bool:
        return self.item_at(row) is not None

    # -- Qt API --------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def editable(self, row: int, col: int) -> bool:
        item = self.item_at(row)
        if item is None or self.sheet is None or self.readonly:
            return False
        if col in STAGE_OF_COL:
            return STAGE_OF_COL[col] in self.sheet.editable_stages and item.max is not None
        if col == COL_REASON:
            return not self.sheet.locked
        return False

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _EDITABLE_FLAGS if self.editable(index.row(), index.column()) else _READ_FLAGS

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called a few thousand times per paint: plain int roles, early exits, shared brushes.
        role = int(role) if not isinstance(role, int) else role
        if role not in _ROLES_USED or not index.isValid():
            return None
        row = index.row()
        kind, value = self.rows[row]
        col = index.column()
        if kind == "section":
            code, title, smax, _rows = value
            if role == _DISPLAY:
                if col == COL_CODE:
                    return code
                if col == COL_TITLE:
                    return title
                if col == COL_MAX:
                    return format_score(smax)
                if col in STAGE_OF_COL:
                    return format_score(self.subtotals.get(STAGE_OF_COL[col], {}).get(code))
                return None
            if role == _BACKGROUND:
                return _SECTION_BRUSH
            if role == _FONT:
                return self._bold
            if role == _ALIGN and col not in (COL_TITLE, COL_REASON):
                return _CENTER
            return None
        item: sh.SheetItem = value
        if role == _DISPLAY or role == _EDIT:
            if col == COL_CODE:
                return item.code
            if col == COL_TITLE:
                return item.title
            if col == COL_MAX:
                return max_text(item) if role == _DISPLAY else item.max
            if col in STAGE_OF_COL:
                return format_score(getattr(item, sh.STAGE_COLUMNS[STAGE_OF_COL[col]]))
            if col == COL_REASON:
                return item.reason
            if col == COL_EVIDENCE:
                return str(item.evidence_count) if item.evidence_count else ""
            return None
        if role == _ALIGN:
            return None if col in (COL_TITLE, COL_REASON) else _CENTER
        if role == _BACKGROUND:
            if col in STAGE_OF_COL and not self.editable(row, col):
                return _LOCKED_BRUSH
            return None
        if role == _FOREGROUND:
            return _DEDUCTION_BRUSH if col in STAGE_OF_COL and item.kind == sm.DEDUCTION else None
        if role == ITEM_ROLE_INT:
            return item
        if role == _TOOLTIP and col in (COL_TITLE, COL_CODE, COL_REASON):
            if col == COL_REASON:
                return literal(item.reason) or None  # texts typed or from the scheme file, as written
            parts = [item.title]
            if item.standard:
                parts.append(f"评分标准：{item.standard}")
            if item.evidence_hint:
                parts.append(f"佐证材料：{item.evidence_hint}")
            return literal("\n".join(parts))
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not self.editable(index.row(), index.column()):
            return False
        item = self.item_at(index.row())
        assert item is not None and self.sheet is not None and self.db is not None
        col = index.column()
        text = "" if value is None else str(value).strip()
        sid, code = self.sheet.id, item.code
        if col in STAGE_OF_COL:
            key = STAGE_OF_COL[col]
            if text == format_score(item.score(key)):
                return True
            label = f"填写{sh.STAGE_LABELS[key]}"
            op = (lambda db: su.set_score_undoable(db, sid, code, key, text if text else None))
        else:
            key = "reason"
            if text == item.reason:
                return True
            label = "填写扣分原因"
            op = (lambda db: su.set_reason_undoable(db, sid, code, text))
        self.writing = True
        try:  # the cell keeps its value when refused; the clerk is told why under the table
            work = Operation(None, label, op, db=self.db).failure(lambda e: self.refused.emit(error_text(e))).run()
        finally:
            self.writing = False
        if work.error is not None:
            return False
        stored, change = work.result
        if key == "reason":
            item.reason = text
        else:
            setattr(item, sh.STAGE_COLUMNS[key], stored)
            self._count_subtotals(key)
        self.last_own_tx = commit_mark(self.db)
        push_undo(self, change)  # 编辑 → 撤销 takes it back
        self.dataChanged.emit(index, index)
        sec = self._section_row(index.row())
        if sec >= 0:
            self.dataChanged.emit(self.index(sec, COL_SELF), self.index(sec, COL_FINAL))
        self.saved.emit(item.code, key)
        return True

    def refresh_item(self, code: str) -> None:
        row = self.row_of(code)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
