"""A read-only table model over a list of rows, for the simple tables of every page.

    COLUMNS = (Col("姓名", "name", name=True), Col("积分", lambda r: format_score(r.total), ALIGN_RIGHT,
               sort=lambda r: r.total))
    model = RowModel(COLUMNS); model.set_rows(core.rows(db, ...))

A row may be a dataclass or any object (a column's key is read as an attribute), a dict or a
sqlite3.Row (read as an item). A column marked `name=True` sorts by pinyin (张 after 李, as the
registers are kept), the others by their value (numbers as numbers, blanks last).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ... import pinyin
from .plain_text import literal

#: A model answers True for a row shown muted (a provisional result): exports keep it muted.
MUTED_ROLE = Qt.ItemDataRole.UserRole + 0x4D0

ALIGN_CENTER = int(Qt.AlignmentFlag.AlignCenter)
ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def value_of(row: Any, key: str) -> Any:
    """row[key] for a mapping or sqlite3.Row, else getattr(row, key) (None when missing)."""
    if isinstance(row, dict):
        return row.get(key)
    try:
        return row[key]
    except (TypeError, KeyError, IndexError):
        return getattr(row, key, None)


@dataclass(frozen=True)
class Col:
    """One column: header, what it shows (a key of the row, or a function of it), alignment,
    colour, tooltip, sort key; `name=True` sorts the shown text by pinyin."""

    header: str
    show: Callable[[Any], Any] | str
    align: int | None = None
    color: Callable[[Any], QColor | None] | None = None
    tip: Callable[[Any], str | None] | None = None
    sort: Callable[[Any], Any] | None = None
    name: bool = False

    def value(self, row: Any) -> Any:
        return value_of(row, self.show) if isinstance(self.show, str) else self.show(row)

    def text(self, row: Any) -> str:
        value = self.value(row)
        return "" if value is None else str(value)

    def sort_value(self, row: Any) -> Any:
        if self.sort is not None:
            return self.sort(row)
        if self.name:
            return pinyin.sort_key(self.text(row))
        value = self.value(row)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else self.text(row)


def _sortable(value: Any) -> tuple:
    if value is None or value == "":
        return (1, "")
    if isinstance(value, (int, float)):
        return (0, float(value))
    return (0, value) if isinstance(value, tuple) else (0, str(value))


class RowModel(QAbstractTableModel):
    """A read-only table over a list of rows, sortable by column (the sort survives set_rows)."""

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
            return col.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align is not None:
            return col.align
        if role == Qt.ItemDataRole.ForegroundRole and col.color is not None:
            c = col.color(row)
            return QBrush(c) if c is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and col.tip is not None:
            tip = col.tip(row)
            return literal(tip) if tip else tip  # a row's texts show as written, never as markup
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
        # The current and selected rows move with their rows (else the row under the cursor after a
        # click on a header would be another member's, and Enter would pay for them).
        persistent = self.persistentIndexList()
        held = [self.rows[p.row()] if 0 <= p.row() < len(self.rows) else None for p in persistent]
        self._sort_rows(column, order)
        if persistent:
            at = {id(r): n for n, r in enumerate(self.rows)}
            self.changePersistentIndexList(persistent, [
                self.index(at[id(r)], p.column()) if r is not None and id(r) in at else QModelIndex()
                for p, r in zip(persistent, held)])
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        col = self.columns[column]
        self.rows.sort(key=lambda r: _sortable(col.sort_value(r)), reverse=order == Qt.SortOrder.DescendingOrder)


def set_rows_in_place(view, rows: Sequence[Any], key: Callable[[Any], Any] | str, *, place: bool = True) -> None:
    """`view.model().set_rows(rows)` (a RowModel, or any model with `rows` and `set_rows`) with the
    clerk's place kept: the selected rows
    still listed stay selected and the current one current, found again by `key` (a function of a
    row, or the name of its id field). When none of them is listed any more (deleted, paid up
    under a filter, transferred out), the cursor goes to the row that took the current one's
    place, so Enter or the arrow keys go on from there; `place=False` (another branch, another
    filter): nothing is chosen then. The selection changes once (one selectionChanged)."""
    model = view.model()
    of = key if callable(key) else (lambda r, name=key: value_of(r, name))
    sm = view.selectionModel()
    current = view.currentIndex()
    was = current.row() if current.isValid() else -1
    listed = model.rows
    current_key = of(listed[was]) if 0 <= was < len(listed) else None
    chosen = [of(listed[i.row()]) for i in sm.selectedRows() if i.row() < len(listed)] if sm is not None else []
    model.set_rows(rows)
    n = model.rowCount()
    if not n or sm is None or (current_key is None and not chosen):
        return
    where: dict[Any, int] = {}

    def find(k: Any, near: int = -1) -> int | None:
        if 0 <= near < n and of(model.rows[near]) == k:
            return near
        if not where:
            for i, r in enumerate(model.rows):
                where.setdefault(of(r), i)
        return where.get(k)

    at = find(current_key, was) if current_key is not None else None
    kept = [r for r in (at if k == current_key else find(k) for k in chosen) if r is not None]
    if at is None and kept:
        at = kept[0]
    if at is None and place and was >= 0:
        at = min(was, n - 1)
        kept = [at]
    if at is None:
        if not place:  # another list: nobody chosen, whatever the model kept of the old rows
            sm.clearSelection()
            sm.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
        return
    selection = QItemSelection()
    for r in kept:
        selection.select(model.index(r, 0), model.index(r, model.columnCount() - 1))
    sm.setCurrentIndex(model.index(at, max(0, current.column())), QItemSelectionModel.SelectionFlag.NoUpdate)
    sm.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

