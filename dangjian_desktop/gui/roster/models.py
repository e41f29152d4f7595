"""The wizard's tables: problems (errors or notes) sortable by row and column, and the changes
the file would make to registered members."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from ...roster import ImportReport, Problem
from ...roster.report import PROBLEM_HEADERS
from ..kit.plain_text import literal
from ..kit.row_model import Col, RowModel

PROBLEM_WIDTHS = (90, 50, 40, 90, 140, 320, 260)


class ProblemModel(QAbstractTableModel):
    """Problems (errors or notes) as a table; UserRole gives sortable values."""

    def __init__(self, problems: list[Problem] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.problems: list[Problem] = list(problems or [])

    def set_problems(self, problems: list[Problem]) -> None:
        self.beginResetModel()
        self.problems = list(problems)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(PROBLEM_HEADERS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return PROBLEM_HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.problems[index.row()]
        value = p.cells()[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return literal(str(value))  # a cell of the Excel file, shown as written
        if role == Qt.ItemDataRole.UserRole:
            if index.column() == 1:
                return p.row or 0
            if index.column() == 2:
                return p.sort_key()[2]
            return str(value)
        return None


def problem_view(model: ProblemModel, parent: QWidget) -> QTableView:
    """A sortable, read-only view of `model` (by row number at first), rows wrapped."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    view = QTableView(parent)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.verticalHeader().setVisible(False)
    for col, width in enumerate(PROBLEM_WIDTHS):
        view.setColumnWidth(col, width)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _blank(value: Any) -> str:
    return value or "（空）"


#: One row per changed field of a registered member: (MemberChange, (field, label, old, new)).
CHANGE_COLUMNS = (
    Col("工作表", lambda r: r[0].sheet),
    Col("行号", lambda r: str(r[0].row)),
    Col("党员", lambda r: f"{r[0].name}（{r[0].id_number}）"),
    Col("项目", lambda r: r[1][1]),
    Col("库中 → 文件", lambda r: f"{_blank(r[1][2])} → {_blank(r[1][3])}"),
)


class ChangesModel(RowModel):
    """What the file would change in registered members, a row per field."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(CHANGE_COLUMNS, parent)

    def set_report(self, report: ImportReport | None) -> None:
        self.set_rows([(c, f) for c in report.changes for f in c.fields] if report is not None else [])
