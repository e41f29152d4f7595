"""The dashboard's table models: one row per branch sheet of the round (assessment.dashboard:
where it stands, what is missing, what is overdue, the next step, the rating so far — muted and
marked （暂定） until the review is complete), and the filter over it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush

from ...assessment.dashboard import DashboardRow
from ...assessment.workdays import unconfirmed_note
from ..kit.formatting import format_date
from ..kit.palette import AMBER, GREY, LIGHT_AMBER, LIGHT_RED, RED
from ..kit.plain_text import literal

D_BRANCH, D_STATE, D_MISSING, D_OVERDUE, D_NEXT, D_KIND, D_TOWN, D_RATING = range(8)
D_HEADERS = ("党组织", "环节", "缺项", "逾期", "下一步", "类别", "乡镇", "当前评定")
SHEET_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY, _BACKGROUND, _FOREGROUND, _TOOLTIP, _SHEET = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.ToolTipRole, SHEET_ROLE))
_DASH_ROLES = frozenset((_DISPLAY, _BACKGROUND, _FOREGROUND, _TOOLTIP, _SHEET))
_OVERDUE_BG, _APPEAL_BG, _RED_FG, _AMBER_FG = QBrush(LIGHT_RED), QBrush(LIGHT_AMBER), QBrush(RED), QBrush(AMBER)
_GREY_FG = QBrush(GREY)


class DashboardModel(QAbstractTableModel):
    """The round's dashboard: one row per branch sheet."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[DashboardRow] = []

    def set_rows(self, rows: list[DashboardRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, sheet_id: str) -> int:
        return next((n for n, r in enumerate(self.rows) if r.sheet_id == sheet_id), -1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(D_HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return D_HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _DASH_ROLES or not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            if col == D_BRANCH:
                return r.org_name
            if col == D_STATE:
                return r.state + ("（有申诉）" if r.open_appeal and r.state != "申诉" else "")
            if col == D_MISSING:
                return "；".join(r.missing)
            if col == D_OVERDUE:
                return "；".join(r.overdue)
            if col == D_NEXT:
                return r.next_step
            if col == D_KIND:
                return r.kind or ""
            if col == D_RATING:
                return r.rating_text  # 一星（暂定） until the review is complete
            return r.town
        if role == _BACKGROUND:
            return _OVERDUE_BG if r.overdue else (_APPEAL_BG if r.open_appeal else None)
        if role == _FOREGROUND:
            if col == D_OVERDUE and r.overdue:
                return _RED_FG
            if col == D_MISSING and r.missing:
                return _AMBER_FG
            if col == D_RATING and r.provisional:
                return _GREY_FG  # a provisional rating is muted
            return None
        if role == _SHEET:
            return r.sheet_id
        if role == _TOOLTIP and col == D_RATING and r.rating:
            return ("暂定：审核尚未完成（未进入公示或考核分未填完），按现有分数计算" if r.provisional
                    else "审核已完成的评定")
        if role == _TOOLTIP and col in (D_MISSING, D_OVERDUE, D_STATE):
            lines = list(r.missing) + list(r.overdue)
            if r.window_end:
                lines.append(f"申诉期至 {format_date(r.window_end)}" + (
                    f"（{unconfirmed_note(r.window_unconfirmed)}，暂按周一至周五推算）" if r.window_unconfirmed else ""))
            return literal("\n".join(lines)) or None  # item titles from the scheme file, as written
        return None


class DashboardFilter(QSortFilterProxyModel):
    """Text (branch or town) and state filters."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = ""
        self.state = ""
        self.problems_only = False

    def set_filter(self, text: str, state: str, problems_only: bool) -> None:
        self.text, self.state, self.problems_only = text.strip(), state, problems_only
        self.invalidate()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802 - Qt API
        r = self.sourceModel().rows[row]
        if self.state and r.state != self.state:
            return False
        if self.problems_only and r.ok:
            return False
        if self.text and self.text not in r.org_name and self.text not in r.town:
            return False
        return True
