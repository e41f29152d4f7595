"""Shared pieces of the 党员积分 tab: a table model over row lists, message boxes that do not
block (tests drive them), date edits, colours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTableView

from . import common, errors
from .common import date_edit, iso_of, set_date, slot  # noqa: F401 - the points pages import them from here

RED = QColor("#c62828")
GREEN = QColor("#2e7d32")
AMBER = QColor("#b26a00")
GREY = QColor("#8a8a8a")
STAR_GOLD = QColor("#c98a00")
ALIGN_CENTER = int(Qt.AlignmentFlag.AlignCenter)
ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def table_view(model, *, sorting: bool = True, multi: bool = False) -> QTableView:
    """A read-only table of whole rows over `model` (sorted by its first column unless `sorting` is off)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setSortingEnabled(sorting)
    if sorting:
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def selected_row(view: QTableView) -> Any:
    """The row object (see RowsModel.row) of the first selected row, or None."""
    idx = view.selectionModel().selectedRows()
    return view.model().row(idx[0].row()) if idx else None


def fit(view, max_width: int = 300) -> None:
    """Columns as wide as their contents (up to max_width); the last one takes the rest."""
    header = view.horizontalHeader()
    view.resizeColumnsToContents()
    for c in range(header.count() - 1):
        if header.sectionSize(c) > max_width:
            header.resizeSection(c, max_width)


def error_text(exc: BaseException) -> str:
    """A single field message is shown as it is, several as a list."""
    return errors.error_text(exc, list_from=2)


def stars_text(stars: int | None) -> str:
    if stars is None:
        return "—"
    return "★" * stars if stars else "无星"


@dataclass(frozen=True)
class Col:
    """One column of a RowsModel: header, how to show a row, alignment, colour, tooltip."""

    header: str
    show: Callable[[Any], Any]
    align: int | None = None
    color: Callable[[Any], QColor | None] | None = None
    tip: Callable[[Any], str | None] | None = None
    sort: Callable[[Any], Any] | None = None


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of rows (dataclasses or sqlite rows), sortable by column."""

    def __init__(self, columns: Sequence[Col], parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []
        self._sorted: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        if self._sorted is not None:
            self._sort_rows(*self._sorted)
        self.endResetModel()

    def row(self, index: int) -> Any:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) or not (0 <= index.column() < len(self.columns)):
            return None
        col, row = self.columns[index.column()], self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = col.show(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align is not None:
            return col.align
        if role == Qt.ItemDataRole.ForegroundRole and col.color is not None:
            c = col.color(row)
            return QBrush(c) if c is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and col.tip is not None:
            return col.tip(row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header if 0 <= section < len(self.columns) else None
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sorted = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort_rows(column, order)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        col = self.columns[column]
        key = col.sort or (lambda r, c=col: (str(c.show(r) or "")))
        self.rows.sort(key=lambda r: _sortable(key(r)), reverse=order == Qt.SortOrder.DescendingOrder)


def _sortable(value: Any) -> tuple:
    if value is None:
        return (1, "")
    if isinstance(value, (int, float)):
        return (0, float(value))
    return (0, str(value)) if not isinstance(value, tuple) else (0, value)


class Messages(common.Messages):
    """Message boxes of the 党员积分 tab: a single field message is shown as it is."""

    ERROR_STYLE = {"list_from": 2}
