"""党员: the member table of the selected node with its search (ui/registry_members.ui).

Typing in the search waits SEARCH_DELAY_MS, then asks for the filter (`filter_requested`); the
page re-queries the model and keeps the selection. The panel never reads the database itself.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QWidget

from ..forms import load_form
from ..table_export import add_table_export, tool_buttons
from .member_export import member_table
from .member_model import COLUMNS, MemberTableModel
from .models import read_only_rows

SEARCH_DELAY_MS = 120  # light debounce: typing stays smooth, results follow within a blink
WIDTHS = {"name": 80, "sex": 44, "ethnicity": 64, "birth_date": 110, "id_number": 160, "education": 84,
          "join_date": 110, "category": 76, "org": 180, "group": 90, "status": 70, "phone": 110}


class MembersPanel(QWidget):
    filter_requested = Signal()  # the search text or 含已转出 changed (after the debounce)
    scope_toggled = Signal()  # 查全部组织 ticked or unticked
    member_activated = Signal()  # double-click or Enter on a member
    selection_changed = Signal()
    delete_requested = Signal()  # Del in the table

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.box = f = load_form("registry_members.ui", self)
        self.search_edit, self.search_all_check, self.inactive_check = f.memberSearch, f.searchAllCheck, f.inactiveCheck
        self.count_label = f.countLabel
        self.model = MemberTableModel(self)
        self.view = v = f.memberTable
        v.setModel(self.model)
        read_only_rows(v)
        header = v.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        for i, col in enumerate(COLUMNS):
            if col.key in WIDTHS:
                v.setColumnWidth(i, WIDTHS[col.key])
        v.setSortingEnabled(True)
        v.activated.connect(lambda _i: self.member_activated.emit())
        v.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
        # Del deletes (with the reason dialog) only while the member table has the focus.
        QShortcut(QKeySequence.StandardKey.Delete, v, activated=self.delete_requested.emit,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.filter_requested)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        self.search_edit.returnPressed.connect(self.filter_requested)
        self.inactive_check.toggled.connect(lambda _c: self.filter_requested.emit())
        self.search_all_check.toggled.connect(lambda _c: self.scope_toggled.emit())
        self._where = "全部"

    def add_actions(self, actions: list[QAction]) -> None:
        """The table's context menu."""
        for a in actions:
            self.view.addAction(a)

    def add_export(self, host: QWidget) -> list[QAction]:
        """导出 Excel / 打印/PDF of every member matching the node and search, in the table's order
        (context menu and buttons by the search); `host` has the database and shows the errors."""
        sep = QAction(self.view)
        sep.setSeparator(True)
        self.view.addAction(sep)
        actions = add_table_export(self.view, host, self.export_title,
                                   take=lambda title, unit, at: member_table(self.view, self.model, title,
                                                                             unit=unit, at=at))
        bar = self.box.findChild(QHBoxLayout, "searchBar")
        for b in tool_buttons(actions):
            bar.addWidget(b)
        return actions

    def export_title(self) -> str:
        text = self.model.filter_text.strip()
        return f"党员名册（{self._where}）" + (f"查找“{text}”" if text else "")

    # ---- the filter ---------------------------------------------------------------------
    def apply_filter(self) -> None:
        """Re-query the model for the search text now (keeps nothing: the page keeps the selection)."""
        self._timer.stop()
        self.model.set_filter(self.search_edit.text(), self.inactive_check.isChecked())

    def reset_filter(self, *, include_inactive: bool | None = None) -> None:
        """Empty the search (and set 含已转出 when given) without reloading the model."""
        self._timer.stop()
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        if include_inactive is not None:
            self.inactive_check.blockSignals(True)
            self.inactive_check.setChecked(include_inactive)
            self.inactive_check.blockSignals(False)
        self.model.set_filter("", self.inactive_check.isChecked(), reload=False)

    @property
    def search_everywhere(self) -> bool:
        return self.search_all_check.isChecked()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def show_count(self, where: str) -> None:
        """共 N 人, and the box names the node and the search."""
        self.count_label.setText(f"共 {self.model.rowCount()} 人")
        self._where = where
        text = self.model.filter_text.strip()
        self.box.setTitle(f"党员 — {where}" + (f"，查找“{text}”" if text else ""))

    # ---- selection ----------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        sm = self.view.selectionModel()
        if sm is None:
            return []
        rows = sorted(i.row() for i in sm.selectedRows())
        return [mid for mid in (self.model.member_id(r) for r in rows) if mid]

    def current_id(self) -> str | None:
        ids = self.selected_ids()
        if len(ids) == 1:
            return ids[0]
        index = self.view.currentIndex()
        if ids and index.isValid() and self.model.member_id(index.row()) in ids:
            return self.model.member_id(index.row())
        return ids[0] if ids else None

    def select(self, ids: list[str], *, current: str | None = None, place: int | None = None) -> None:
        """Select the members `ids` that are listed, `current` the current one. None of them listed
        any more (deleted, transferred out of the list): the row at `place`, if given, the member
        who took their place, so that the clerk goes on from there."""
        sm = self.view.selectionModel()
        sm.clearSelection()
        first_index = None
        for mid in ids:
            row = self.model.row_of(mid)
            if row < 0:
                continue
            sel = self.model.index(row, 0)
            sm.select(sel, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
            if first_index is None or mid == current:
                first_index = sel
        if first_index is None and place is not None and place >= 0 and self.model.rowCount():
            first_index = self.model.index(min(place, self.model.rowCount() - 1), 0)
            sm.select(first_index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        if first_index is not None:
            sm.setCurrentIndex(first_index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.view.scrollTo(first_index)

