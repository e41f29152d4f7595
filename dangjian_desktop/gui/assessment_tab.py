"""The 考核检查 tab: assessment rounds with their dashboard and branch sheets, and the 评分方案 sub-tab."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QPushButton, QSplitter, QStackedWidget, QTableView, QTabWidget,
                               QToolButton, QVBoxLayout, QWidget)

from ..assessment.dashboard import DashboardRow
from ..assessment.dashboard import dashboard as build_dashboard
from ..assessment import excel_forms
from ..assessment import rounds as rounds_api
from ..assessment import workflow as wf
from ..errors import UserError
from .assessment_common import (AMBER, GREY, LIGHT_AMBER, LIGHT_RED, RED, RoundTab, Task, close_dialog, cn_date,
                                open_dialog, slot)
from .assessment_sheet import SheetEditor
from .kit.operations import Query

log = logging.getLogger(__name__)

ASSESSMENT_TABLES = {"assessment_round", "round_branch", "round_score", "round_veto", "round_self_report",
                     "round_history", "round_appeal", "round_adjustment", "round_lot", "round_evidence",
                     "holiday", "holiday_year", "rectification", "attachment", "round_quota_decision",
                     "round_veto_review"}
REFRESH_DELAY_MS = 300

D_BRANCH, D_STATE, D_MISSING, D_OVERDUE, D_NEXT, D_KIND, D_TOWN, D_RATING = range(8)
D_HEADERS = ("党组织", "环节", "缺项", "逾期", "下一步", "类别", "乡镇", "当前评定")
SHEET_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY, _BACKGROUND, _FOREGROUND, _TOOLTIP, _SHEET = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.ToolTipRole, SHEET_ROLE))
_DASH_ROLES = frozenset((_DISPLAY, _BACKGROUND, _FOREGROUND, _TOOLTIP, _SHEET))
_OVERDUE_BG, _APPEAL_BG, _RED_FG, _AMBER_FG = QBrush(LIGHT_RED), QBrush(LIGHT_AMBER), QBrush(RED), QBrush(AMBER)
_GREY_FG = QBrush(GREY)


def problem_text(p) -> str:
    """One problem of an import report (roster.report.Problem) as a line: where, what, what to do."""
    where = f"“{p.sheet}”" if p.sheet else ""
    if p.row:
        where += f"第 {p.row} 行"
    if p.header:
        where += f"“{p.header}”"
    value = f"（{p.value}）" if p.value not in (None, "") else ""
    tip = f" {p.suggestion}" if p.suggestion else ""
    return f"{where}{value}：{p.problem}{tip}" if where else f"{p.problem}{tip}"


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
                lines.append(f"申诉期至 {cn_date(r.window_end)}")
            return "\n".join(lines) or None
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


class AssessmentTab(QWidget, RoundTab):
    """考核检查: rounds (dashboard + sheet editor) | 评分方案."""

    TAB_TITLE = "考核检查"
    NO_ROUNDS_HTML = "<h3>还没有考核轮次</h3><p>点击“新建轮次”，选择年度、评分方案和参加考核的党支部。</p>"
    refreshed = Signal()

    def __init__(self, parent: QWidget | None = None):
        QWidget.__init__(self, parent)
        self._init_round_tab()
        self.dash_task: Query | None = None
        self._dash_again = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self._deferred_refresh)
        self._pending_full = False
        self._build()
        self.set_database(None)

    # ================================================================== layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        self.subtabs = QTabWidget(self)
        outer.addWidget(self.subtabs)

        self.rounds_page = QWidget()
        self.subtabs.addTab(self.rounds_page, "考核轮次(&K)")
        try:
            from .schemes.page import SchemesWidget

            self.schemes_widget: QWidget | None = SchemesWidget()
            self.subtabs.addTab(self.schemes_widget, "评分方案(&F)")
        except ImportError:  # pragma: no cover - the scheme editor ships with the app
            self.schemes_widget = None

        page = QVBoxLayout(self.rounds_page)
        page.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("考核轮次(&L)："))
        self.round_combo = QComboBox()
        self.round_combo.setMinimumWidth(300)
        self.round_combo.setAccessibleName("考核轮次")
        bar.itemAt(0).widget().setBuddy(self.round_combo)
        self.round_combo.currentIndexChanged.connect(self._round_picked)
        bar.addWidget(self.round_combo, 1)
        self.new_round_button = QPushButton("新建轮次(&N)…")
        self.new_round_button.clicked.connect(self.new_round_dialog)
        bar.addWidget(self.new_round_button)
        self.lots_button = QPushButton("抽签交叉考核(&D)…")
        self.lots_button.clicked.connect(self.lots_dialog)
        bar.addWidget(self.lots_button)
        self.quota_button = QPushButton("名额决定(&Q)…")
        self.quota_button.setToolTip("称号或等次超过名额时，由审核人确定获得者并写明理由")
        self.quota_button.clicked.connect(self.quota_dialog)
        bar.addWidget(self.quota_button)
        self.more_button = QToolButton()
        self.more_button.setText("更多(&M)")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more_button)
        self.action_holidays = QAction("节假日与调休(&H)…", self, triggered=lambda _=False: self.holiday_dialog())
        self.action_export_form = QAction("导出所选支部的自评表(&E)…", self, triggered=lambda _=False: self.export_form_dialog())
        self.action_export_forms = QAction("导出全部自评表到文件夹…", self, triggered=lambda _=False: self.export_forms_dialog())
        self.action_import_form = QAction("导入自评表(&I)…", self, triggered=lambda _=False: self.import_form_dialog())
        self.action_delete_round = QAction("删除本轮次…", self, triggered=lambda _=False: self.delete_round())
        for a in (self.action_holidays, None, self.action_export_form, self.action_export_forms,
                  self.action_import_form, None, self.action_delete_round):
            menu.addSeparator() if a is None else menu.addAction(a)
        self.more_button.setMenu(menu)
        bar.addWidget(self.more_button)
        page.addLayout(bar)
        self.round_info = QLabel()
        self.round_info.setWordWrap(True)
        page.addWidget(self.round_info)

        self.stack = QStackedWidget()
        page.addWidget(self.stack, 1)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack.addWidget(self.empty_label)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.stack.addWidget(split)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        frow = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("查找党组织或乡镇")
        self.filter_edit.setClearButtonEnabled(True)
        self.state_filter = QComboBox()
        self.state_filter.addItem("全部环节", "")
        for s in rounds_api.STATES:
            self.state_filter.addItem(s, s)
        self.problems_filter = QComboBox()
        self.problems_filter.addItems(["全部", "只看缺项或逾期"])
        frow.addWidget(self.filter_edit, 1)
        frow.addWidget(self.state_filter)
        frow.addWidget(self.problems_filter)
        lv.addLayout(frow)
        self.dash_model = DashboardModel(self)
        self.dash_proxy = DashboardFilter(self)
        self.dash_proxy.setSourceModel(self.dash_model)
        self.dash_view = QTableView()
        self.dash_view.setModel(self.dash_proxy)
        self.dash_view.setAccessibleName("考核进度")
        self.dash_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.dash_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.dash_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.dash_view.verticalHeader().setVisible(False)
        self.dash_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.dash_view.setWordWrap(False)
        hh = self.dash_view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for col, w in ((D_BRANCH, 170), (D_STATE, 48), (D_MISSING, 130), (D_OVERDUE, 130), (D_NEXT, 90),
                       (D_KIND, 60), (D_TOWN, 70), (D_RATING, 90)):
            self.dash_view.setColumnWidth(col, w)
        self.dash_view.selectionModel().currentRowChanged.connect(self._dash_current_changed)
        lv.addWidget(self.dash_view, 1)
        brow = QHBoxLayout()
        self.dash_counts = QLabel()
        self.dash_counts.setWordWrap(True)
        brow.addWidget(self.dash_counts, 1)
        self.batch_button = QToolButton()
        self.batch_button.setText("批量流转(&B)")
        self.batch_button.setToolTip("对所选党组织（未选则为列表中全部）一次执行同一流程操作")
        self.batch_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bmenu = QMenu(self.batch_button)
        self.batch_actions: dict[str, QAction] = {}
        for target, text in (("初审", "提交初审"), ("审核", "提交审核"), ("公示", "开始公示（今天）"),
                             ("确定", "确定结果（申诉期已满的）")):
            act = QAction(text, self, triggered=lambda _=False, t=target: self.batch_move(t))
            bmenu.addAction(act)
            self.batch_actions[target] = act
        self.batch_button.setMenu(bmenu)
        brow.addWidget(self.batch_button)
        lv.addLayout(brow)
        split.addWidget(left)
        self.editor = SheetEditor()
        self.editor.changed.connect(self._sheet_written)
        split.addWidget(self.editor)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([460, 800])
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.state_filter.currentIndexChanged.connect(self._apply_filter)
        self.problems_filter.currentIndexChanged.connect(self._apply_filter)

    # ================================================================== database
    def _release_database(self) -> None:
        self._refresh_timer.stop()
        self._wait_for_tasks()
        self._pending_full = False
        close_dialog(self)
        close_dialog(self.editor)

    def _clear_views(self) -> None:
        self.editor.set_sheet(None, None)
        self.dash_model.set_rows([])

    def _open_rounds(self) -> None:
        self._fill_rounds()
        self._update_actions()

    def _tables_changed(self, tables: set[str] | None) -> None:
        """After a committed unit of work: re-read what changed (the sheet being typed into stays as it is)."""
        if tables and not (set(tables) & ASSESSMENT_TABLES):
            if set(tables) & {"org", "office"}:
                self._fill_rounds(keep=self._round_id)
            return
        # Never reload under a running edit: the refresh is deferred to the event loop. A cell typed
        # here only moves the dashboard (the editor already shows it); anything else re-reads all.
        own = self.editor.model.writing
        self._pending_full = self._pending_full or not own
        self._refresh_timer.start(REFRESH_DELAY_MS if own else 0)

    def _deferred_refresh(self) -> None:
        if self.db is None:
            return
        if self._pending_full:
            self._fill_rounds(keep=self._round_id)
        else:
            self.refresh_dashboard_in_background()

    # ================================================================== rounds
    def _round_label(self, r: rounds_api.Round) -> str:
        return f"{r.title}（{r.scheme_name}，{r.branch_count} 个党组织，{r.state}）"

    def _fill_rounds(self, keep: str | None = None) -> None:
        self._refresh_timer.stop()
        self._pending_full = False
        super()._fill_rounds(keep)

    def _no_rounds(self) -> None:
        self.round_info.clear()
        super()._no_rounds()
        self.editor.set_sheet(self.db, None)

    def _round_picked(self, _index: int) -> None:
        self.select_round(self.round_combo.currentData())

    @slot
    def select_round(self, round_id: str | None, *, force: bool = False) -> None:
        if round_id is None:
            return
        if round_id == self._round_id and not force:
            return
        keep_sheet = self.editor.sheet_id if round_id == self._round_id else None
        self._enter_round(round_id)
        self._show_round_info()
        self.refresh_dashboard()
        if keep_sheet and self.dash_model.row_of(keep_sheet) >= 0:
            self.editor.reload()  # same sheet: keep the cell and page the clerk is on
        elif self.dash_model.rows:
            self.open_sheet(self.dash_model.rows[0].sheet_id)
        else:
            self.editor.set_sheet(self.db, None)
        self._update_actions()

    def current_round(self) -> rounds_api.Round | None:
        return rounds_api.get_round(self.db, self._round_id) if self.db is not None and self._round_id else None

    def _show_round_info(self) -> None:
        r = self.current_round()
        if r is None:
            self.round_info.clear()
            return
        parts = [f"方案：{r.scheme_name}（已冻结）"]
        for label, value in (("自评截止", r.self_due), ("初审截止", r.initial_due), ("审核截止", r.review_due),
                             ("公示开始", r.publicity_start)):
            if value:
                parts.append(f"{label} {cn_date(value)}")
        parts.append(f"申诉期 {r.appeal_days} 个工作日")
        counts = "、".join(f"{s} {r.state_counts[s]}" for s in rounds_api.STATES if r.state_counts.get(s))
        parts.append(f"进度：{counts}" if counts else "")
        try:
            from ..assessment.lots import current_lots

            draw = current_lots(self.db, r.id)
            if draw is not None:
                parts.append(f"已抽签（种子 {draw.seed}）")
        except Exception:  # noqa: BLE001 - lots are optional information here
            pass
        self.round_info.setText("　".join(p for p in parts if p))

    # ================================================================== dashboard
    def refresh_dashboard(self) -> None:
        if self.db is None or self._round_id is None:
            return
        t0 = time.perf_counter()
        self._show_dashboard(build_dashboard(self.db, self._round_id), t0)

    def refresh_dashboard_in_background(self) -> None:
        """After a typed score: the dashboard is rebuilt on a read-only connection off the GUI thread,
        so typing never waits for it (600 sheets take about a tenth of a second)."""
        if self.db is None or self._round_id is None:
            return
        if self.dash_task is not None:
            self._dash_again = True
            return
        rid, t0 = self._round_id, time.perf_counter()

        def done(d) -> None:
            if self.db is not None and self._round_id == rid:
                self._show_dashboard(d, t0)

        def finished() -> None:
            self.dash_task = None
            if self._dash_again:
                self._dash_again = False
                self.refresh_dashboard_in_background()

        # A quiet read on a connection of its own: no progress dialog, errors only logged (the next
        # refresh tries again); the query's task releases itself when it ends.
        self.dash_task = (Query(self, "", lambda reader: build_dashboard(reader, rid), progress=False)
                          .success(done).failure(lambda e: log.warning("dashboard refresh failed: %s", e))
                          .after(finished).run_in_background())

    def _show_dashboard(self, d, t0: float) -> None:
        selected = self.selected_sheet_ids()
        current = self.editor.sheet_id
        self.dash_model.set_rows(d.rows)
        self.dash_view.setColumnHidden(D_TOWN, len({r.town for r in d.rows}) <= 1)
        self._apply_filter()
        counts = "，".join(f"{s} {n}" for s, n in d.counts.items() if n)
        text = f"共 {len(d.rows)} 个党组织（{counts}）；{d.problems} 个有缺项或逾期"
        if d.overdue_rectifications:
            text += f"；整改逾期 {d.overdue_rectifications} 项"
        self.dash_counts.setText(text)
        self._select_sheets(selected, current)
        self._show_round_info()
        self.last_timings["dashboard"] = time.perf_counter() - t0
        self.refreshed.emit()

    def _apply_filter(self, *_args) -> None:
        self.dash_proxy.set_filter(self.filter_edit.text(), self.state_filter.currentData() or "",
                                   self.problems_filter.currentIndex() == 1)

    def _select_sheets(self, ids: list[str], current: str | None) -> None:
        view = self.dash_view
        sm = view.selectionModel()
        sm.blockSignals(True)
        sm.clearSelection()
        for sid in ids:
            row = self.dash_model.row_of(sid)
            if row >= 0:
                idx = self.dash_proxy.mapFromSource(self.dash_model.index(row, 0))
                if idx.isValid():
                    sm.select(idx, sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
        if current:
            row = self.dash_model.row_of(current)
            if row >= 0:
                idx = self.dash_proxy.mapFromSource(self.dash_model.index(row, 0))
                sm.setCurrentIndex(idx, sm.SelectionFlag.NoUpdate)
        sm.blockSignals(False)

    def selected_sheet_ids(self) -> list[str]:
        rows = {i.row() for i in self.dash_view.selectionModel().selectedRows()}
        return [self.dash_proxy.index(r, 0).data(SHEET_ROLE) for r in sorted(rows)]

    def visible_sheet_ids(self) -> list[str]:
        return [self.dash_proxy.index(r, 0).data(SHEET_ROLE) for r in range(self.dash_proxy.rowCount())]

    def _dash_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            sid = current.data(SHEET_ROLE)
            if sid != self.editor.sheet_id:
                self.open_sheet(sid)

    @slot
    def open_sheet(self, sheet_id: str) -> None:
        """Show a branch's sheet in the editor (and make it current in the dashboard)."""
        t0 = time.perf_counter()
        self.editor.set_sheet(self.db, sheet_id)
        self.last_timings["open_sheet"] = time.perf_counter() - t0
        row = self.dash_model.row_of(sheet_id)
        if row >= 0:
            idx = self.dash_proxy.mapFromSource(self.dash_model.index(row, 0))
            if idx.isValid() and self.dash_view.currentIndex().row() != idx.row():
                sm = self.dash_view.selectionModel()
                sm.blockSignals(True)
                sm.setCurrentIndex(idx, sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows)
                sm.blockSignals(False)
        self._update_actions()

    def open_branch(self, org_name: str) -> str:
        """Open the sheet of the branch with this name (for tests and keyboard users); returns its id."""
        row = next((r for r in self.dash_model.rows if r.org_name == org_name), None)
        if row is None:
            raise UserError(f"本轮没有“{org_name}”。")
        self.open_sheet(row.sheet_id)
        return row.sheet_id

    def _sheet_written(self, _sheet_id: str) -> None:
        self._seen_tx = self._tx_mark()
        self._refresh_timer.start(REFRESH_DELAY_MS)
        self._update_actions()

    # ================================================================== actions
    def _update_actions(self) -> None:
        has_db = self.db is not None
        writable = has_db and not self.db.readonly
        has_round = self._round_id is not None
        self.new_round_button.setEnabled(writable)
        self.lots_button.setEnabled(has_round)
        self.quota_button.setEnabled(has_round)
        self.more_button.setEnabled(has_db)
        self.action_holidays.setEnabled(has_db)
        self.action_export_form.setEnabled(has_round and self.editor.sheet_id is not None)
        self.action_export_forms.setEnabled(has_round)
        self.action_import_form.setEnabled(writable and has_round)
        self.action_delete_round.setEnabled(writable and has_round)
        self.batch_button.setEnabled(writable and has_round)

    def _after_write(self, _result: Any = None) -> None:
        self._seen_tx = self._tx_mark()
        self._fill_rounds(keep=self._round_id)

    @slot
    def new_round_dialog(self) -> None:
        from .assessment_dialogs import NewRoundDialog

        def created(round_id: str) -> None:
            self._seen_tx = self._tx_mark()
            self._fill_rounds(keep=round_id)

        open_dialog(self, NewRoundDialog(self.db, self), created)

    @slot
    def lots_dialog(self) -> None:
        from .assessment_dialogs import DrawLotsDialog

        dlg = DrawLotsDialog(self.db, self._round_id, self)
        dlg.saved.connect(lambda _d: self._show_round_info())
        open_dialog(self, dlg)

    @slot
    def quota_dialog(self) -> None:
        from .round_decisions import QuotaDecisionDialog

        dlg = QuotaDecisionDialog(self.db, self._round_id, self)
        dlg.changed.connect(self._after_write)
        open_dialog(self, dlg)

    @slot
    def holiday_dialog(self) -> None:
        from .assessment_dialogs import HolidayDialog

        open_dialog(self, HolidayDialog(self.db, self), self._after_write)

    @slot
    def delete_round(self) -> None:
        r = self.current_round()
        if r is None:
            return

        def do() -> None:
            rounds_api.delete_round(self.db, r.id)
            self._round_id = None
            self._after_write()

        self.ask(f"确定删除“{r.title}”？\n只有全部党组织仍在自评环节的轮次可以删除，删除后其评分一并删除。",
                 "删除考核轮次", do, yes_text="删除")

    @slot
    def batch_move(self, target: str) -> None:
        """The same workflow step for the selected sheets (none selected: every sheet listed)."""
        ids = self.selected_sheet_ids() or self.visible_sheet_ids()
        if not ids:
            return
        if target == "确定":
            todo = [i for i in ids if self.dash_model.rows[self.dash_model.row_of(i)].state == "公示"]
        else:
            prev = {"初审": "自评", "审核": "初审", "公示": "审核"}[target]
            todo = [i for i in ids if self.dash_model.rows[self.dash_model.row_of(i)].state == prev]
        if not todo:
            self.show_message(f"所选党组织中没有可以“{self.batch_actions[target].text()}”的。", "批量流转")
            return

        def do() -> None:
            if target == "公示":
                wf.start_publicity(self.db, self._round_id, None, sheet_ids=todo)
                n = len(todo)
            elif target == "确定":
                # Only sheets whose window has closed without an open appeal; all of them or none.
                ready = [sid for sid in todo if any(t == "确定" for t, _ in wf.allowed_moves(self.db, sid))]
                if not ready:
                    raise UserError("所选党组织的申诉期都还没有结束（或有待处理的申诉），暂不能确定结果。")
                from ..assessment.workdays import CalendarUnconfirmedError
                from .round_calendar import ask_for_calendar

                try:
                    with self.db.transaction("批量确定考核结果"):
                        for sid in ready:
                            wf.confirm(self.db, sid)
                except CalendarUnconfirmedError as e:
                    ask_for_calendar(self, self.db, e.years, lambda: self.batch_move(target), reason=e.message)
                    return
                n = len(ready)
            else:
                n = wf.move_many(self.db, todo, target)
            self._after_write()
            self.show_message(f"已对 {n} 个党组织执行“{self.batch_actions[target].text()}”。", "批量流转")

        self.ask(f"对 {len(todo)} 个党组织执行“{self.batch_actions[target].text()}”？", "批量流转", do)

    # ---- Excel self-assessment forms ----------------------------------------------------------
    @slot
    def export_form_dialog(self) -> None:
        s = self.editor.sheet
        if s is None:
            return
        dlg = QFileDialog(self, "导出自评表", str(Path.home() / f"{s.year}年度自评表-{s.org_name}.xlsx"),
                          "Excel 工作簿 (*.xlsx)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("xlsx")
        dlg.fileSelected.connect(lambda p, sid=s.id: self.export_form(sid, p))
        open_dialog(self, dlg)

    @slot
    def export_form(self, sheet_id: str, path: str) -> Path:
        out = excel_forms.export_form(self.db, sheet_id, path)
        self.show_message(f"已导出自评表：{out}\n请交支部填写“自评分”“说明”和自我评价报告后交回，再用“导入自评表”导入。",
                          "导出自评表")
        return out

    @slot
    def export_forms_dialog(self) -> None:
        dlg = QFileDialog(self, "选择保存自评表的文件夹", str(Path.home()))
        dlg.setFileMode(QFileDialog.FileMode.Directory)
        dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dlg.fileSelected.connect(self.export_forms)
        open_dialog(self, dlg)

    @slot
    def export_forms(self, folder: str) -> None:
        db, rid = self.db, self._round_id

        def done(paths: list[Path]) -> None:
            self.show_message(f"已为 {len(paths)} 个仍在自评环节的党组织导出自评表到：\n{folder}", "导出自评表")

        self.run_task("正在导出自评表…", lambda progress: excel_forms.export_forms(db, rid, folder), done)

    @slot
    def import_form_dialog(self) -> None:
        dlg = QFileDialog(self, "导入自评表", str(Path.home()), "Excel 工作簿 (*.xlsx)")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
        dlg.fileSelected.connect(self.import_form)
        open_dialog(self, dlg)

    @slot
    def import_form(self, path: str) -> excel_forms.FormImportReport:
        report = excel_forms.import_form(self.db, path, round_id=self._round_id)
        self.last_import = report
        if report.ok:
            self._after_write()
            if report.sheet_id:
                self.open_sheet(report.sheet_id)
            text = f"已导入“{report.org_name}”的自评表：{report.changed} 项有变化。"
            if report.warnings:
                text += "\n\n提示：\n" + "\n".join(f"• {problem_text(p)}" for p in report.warnings[:20])
            self.show_message(text, "导入自评表")
        else:
            self.import_errors_message(report)
        return report

    def import_errors_message(self, report: excel_forms.FormImportReport) -> None:
        lines = [f"“{Path(report.path).name}”有 {len(report.errors)} 处错误，没有导入任何内容：", ""]
        for p in report.errors[:15]:
            lines.append(f"• {problem_text(p)}")
        if len(report.errors) > 15:
            lines.append(f"……另有 {len(report.errors) - 15} 处")
        lines += ["", "可以另存错误报告（Excel），逐条修改后重新导入。"]
        box = self.show_message("\n".join(lines), "导入自评表：未导入")
        save = box.addButton("另存错误报告…", box.ButtonRole.ActionRole)
        save.clicked.connect(lambda: self._save_error_report(report))

    def _save_error_report(self, report: excel_forms.FormImportReport) -> None:
        dlg = QFileDialog(self, "保存错误报告", str(Path(report.path).with_name(Path(report.path).stem + "-错误报告.xlsx")),
                          "Excel 工作簿 (*.xlsx)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("xlsx")
        dlg.fileSelected.connect(lambda p: excel_forms.save_error_report(report, p))
        open_dialog(self, dlg)

    # ---- background work ----------------------------------------------------------------------
    def _task_started(self) -> None:
        """Long work off the GUI thread; the tab is disabled meanwhile so nothing writes in between."""
        self.setEnabled(False)

    def _task_ended(self, task: Task) -> None:
        self.setEnabled(True)
        super()._task_ended(task)
