"""考核进度, the round's dashboard (ui/assessment_dashboard.ui): the filters, one row per branch
sheet (models.DashboardModel), the counts, and 批量流转 for the selected sheets. Picking a row asks
for its sheet (`sheet_chosen`); a batch step is asked of the page (`batch_requested`)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu, QWidget

from ...assessment import rounds as rounds_api
from ...assessment.dashboard import Dashboard, DashboardRow
from ..forms import load_form
from .models import (D_BRANCH, D_KIND, D_MISSING, D_NEXT, D_OVERDUE, D_RATING, D_STATE, D_TOWN, SHEET_ROLE,
                     DashboardFilter, DashboardModel)

#: 批量流转's steps: the state the sheets go to, and the menu's words.
BATCH_STEPS = (("初审", "提交初审"), ("审核", "提交审核"), ("公示", "开始公示（今天）"), ("确定", "确定结果（申诉期已满的）"))


class DashboardPanel(QWidget):
    sheet_chosen = Signal(str)  # the sheet of the row made current
    batch_requested = Signal(str)  # the state the selected sheets (none: those listed) should go to

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        f = load_form("assessment_dashboard.ui", self)
        self.filter_edit, self.state_filter, self.problems_filter = f.filterEdit, f.stateFilter, f.problemsFilter
        self.view, self.counts_label, self.batch_button = f.dashView, f.countsLabel, f.batchButton
        self.state_filter.addItem("全部环节", "")
        for s in rounds_api.STATES:
            self.state_filter.addItem(s, s)
        self.model = DashboardModel(self)
        self.proxy = DashboardFilter(self)
        self.proxy.setSourceModel(self.model)
        v = self.view
        v.setModel(self.proxy)
        v.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        v.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, w in ((D_BRANCH, 170), (D_STATE, 48), (D_MISSING, 130), (D_OVERDUE, 130), (D_NEXT, 90),
                       (D_KIND, 60), (D_TOWN, 70), (D_RATING, 90)):
            v.setColumnWidth(col, w)
        v.selectionModel().currentRowChanged.connect(self._current_changed)
        # The sheets the clerk chose, kept while a filter hides some of them: back when it is cleared.
        self._chosen: list[str] = []
        self._current: str | None = None
        self._filtering = False
        v.selectionModel().selectionChanged.connect(self._remember)
        menu = QMenu(self.batch_button)
        self.batch_actions: dict[str, QAction] = {}
        for target, text in BATCH_STEPS:
            act = QAction(text, self, triggered=lambda _=False, t=target: self.batch_requested.emit(t))
            menu.addAction(act)
            self.batch_actions[target] = act
        self.batch_button.setMenu(menu)
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.state_filter.currentIndexChanged.connect(self._apply_filter)
        self.problems_filter.currentIndexChanged.connect(self._apply_filter)

    # ---- showing ------------------------------------------------------------------------------
    def show_dashboard(self, d: Dashboard, current: str | None) -> None:
        """The rows of `d`, keeping the selection and making `current` the current row."""
        selected = list(self._chosen)
        self.model.set_rows(d.rows)
        self.view.setColumnHidden(D_TOWN, len({r.town for r in d.rows}) <= 1)
        self._apply_filter()
        counts = "，".join(f"{s} {n}" for s, n in d.counts.items() if n)
        text = f"共 {len(d.rows)} 个党组织（{counts}）；{d.problems} 个有缺项或逾期"
        if d.overdue_rectifications:
            text += f"；整改逾期 {d.overdue_rectifications} 项"
        self.counts_label.setText(text)
        self._select(selected, current)
        self._chosen, self._current = selected, current or self._current

    def clear(self) -> None:
        self.model.set_rows([])
        self.counts_label.setText("")

    def show_loading(self) -> None:
        """While the dashboard is read (the rows shown, if any, stay until it is ready)."""
        text = self.counts_label.text()
        if not self.model.rows or not text:
            self.counts_label.setText("正在读取…")
        elif not text.endswith("（正在读取…）"):
            self.counts_label.setText(text + "（正在读取…）")

    def show_failed(self, text: str) -> None:
        self.counts_label.setText(f"无法读取考核进度：{text}")

    def _apply_filter(self, *_args) -> None:
        """Filter the rows; the sheets chosen before stay chosen (and current) where they are listed,
        and come back chosen when the filter no longer hides them."""
        chosen, current = list(self._chosen), self._current
        self._filtering = True
        try:
            self.proxy.set_filter(self.filter_edit.text(), self.state_filter.currentData() or "",
                                  self.problems_filter.currentIndex() == 1)
            self._select(chosen, current)
        finally:
            self._filtering = False
        self._chosen, self._current = chosen, current

    def _remember(self, *_args) -> None:
        if not self._filtering:
            self._chosen = self.selected_sheet_ids()
            idx = self.view.currentIndex()
            self._current = idx.data(SHEET_ROLE) if idx.isValid() else self._current

    def _index_of(self, sheet_id: str) -> QModelIndex:
        row = self.model.row_of(sheet_id)
        return self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()

    def _select(self, ids: list[str], current: str | None) -> None:
        sm = self.view.selectionModel()
        sm.blockSignals(True)
        sm.clearSelection()
        for sid in ids:
            idx = self._index_of(sid)
            if idx.isValid():
                sm.select(idx, sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
        if current:
            sm.setCurrentIndex(self._index_of(current), sm.SelectionFlag.NoUpdate)
        sm.blockSignals(False)

    def make_current(self, sheet_id: str) -> None:
        """The sheet's row becomes current (and selected), without asking for the sheet again."""
        idx = self._index_of(sheet_id)
        if not self._filtering:
            self._current = sheet_id
            if sheet_id not in self._chosen:
                self._chosen = [sheet_id]
        if idx.isValid() and self.view.currentIndex().row() != idx.row():
            sm = self.view.selectionModel()
            sm.blockSignals(True)
            sm.setCurrentIndex(idx, sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows)
            sm.blockSignals(False)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            if not self._filtering:
                self._current = current.data(SHEET_ROLE)
            self.sheet_chosen.emit(current.data(SHEET_ROLE))

    # ---- reading ------------------------------------------------------------------------------
    @property
    def rows(self) -> list[DashboardRow]:
        return self.model.rows

    def row(self, sheet_id: str) -> DashboardRow | None:
        n = self.model.row_of(sheet_id)
        return self.model.rows[n] if n >= 0 else None

    def selected_sheet_ids(self) -> list[str]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        return [self.proxy.index(r, 0).data(SHEET_ROLE) for r in sorted(rows)]

    def visible_sheet_ids(self) -> list[str]:
        return [self.proxy.index(r, 0).data(SHEET_ROLE) for r in range(self.proxy.rowCount())]
