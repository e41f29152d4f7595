"""The 考核检查 tab: assessment rounds with their dashboard and branch sheets, and the 评分方案 sub-tab.

The page (ui/assessment_page.ui) composes the round bar (rounds_panel), the dashboard
(dashboard_panel) and the sheet editor (sheet_editor) side by side, and owns no rule: it opens
the round's dialogs, runs 批量流转 and 删除本轮次 as kit Operations and the Excel forms (self_forms).
It hears committed changes through RoundTab.on_data_changed (the main window passes on its
OperationBus's `changed`): a score typed here only refreshes the dashboard; anything else re-reads
the round, never under a running edit. The dashboard (rating and checking every sheet: seconds for
a prefecture's round) is always built by a quiet kit Query on a read-only connection of its own,
so the window never waits for it; "正在读取…" shows meanwhile.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from ...assessment import rounds as rounds_api
from ...assessment import workflow as wf
from ...assessment.dashboard import dashboard as build_dashboard
from ...assessment.lots import current_lots
from ...assessment.workdays import CalendarUnconfirmedError
from ...errors import UserError
from ..common import close_dialog, open_dialog
from ..errors import error_text
from ..forms import load_form
from ..kit.messages import slot
from ..kit.operations import Operation, Query
from ..kit.tasks import Task
from .calendar import ask_for_calendar
from .dashboard_panel import DashboardPanel
from .holidays import HolidayDialog
from .quota_dialog import QuotaDecisionDialog
from .round_dialogs import DrawLotsDialog, NewRoundDialog
from .round_tab import RoundTab
from .rounds_panel import RoundsPanel
from .self_forms import SelfForms
from .sheet_editor import SheetEditor

log = logging.getLogger(__name__)

ASSESSMENT_TABLES = {"assessment_round", "round_branch", "round_score", "round_veto", "round_self_report",
                     "round_history", "round_appeal", "round_adjustment", "round_lot", "round_evidence",
                     "holiday", "holiday_year", "rectification", "attachment", "round_quota_decision",
                     "round_veto_review"}
REFRESH_DELAY_MS = 300


class AssessmentTab(SelfForms, QWidget, RoundTab):
    """考核检查: rounds (dashboard + sheet editor) | 评分方案."""

    TAB_TITLE = "考核检查"
    NO_ROUNDS_HTML = "<h3>还没有考核轮次</h3><p>点击“新建轮次”，选择年度、评分方案和参加考核的党支部。</p>"
    refreshed = Signal()  # the dashboard was shown anew

    def __init__(self, parent: QWidget | None = None):
        QWidget.__init__(self, parent)
        self._init_round_tab()
        self.dash_task: Query | None = None
        self._dash_wanted = 0  # counts the dashboards asked for: a read that is not the last one is dropped
        self._dash_then: Callable[[], None] | None = None  # what waits for the next dashboard shown
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self._deferred_refresh)
        self._pending_full = False
        self._compose()
        self.set_database(None)

    # ================================================================== composing
    def _compose(self) -> None:
        f = load_form("assessment_page.ui", self)
        self.subtabs, self.stack, self.empty_label = f.subtabs, f.stack, f.emptyLabel
        self.rounds = RoundsPanel()
        f.roundsColumn.insertWidget(0, self.rounds)
        self.round_combo = self.rounds.combo  # what RoundTab fills
        self.dashboard = DashboardPanel()
        self.editor = SheetEditor()
        f.split.addWidget(self.dashboard)
        f.split.addWidget(self.editor)
        f.split.setStretchFactor(0, 2)
        f.split.setStretchFactor(1, 3)
        f.split.setSizes([460, 800])
        try:
            from ..schemes.page import SchemesWidget

            self.schemes_widget: QWidget | None = SchemesWidget()
            self.subtabs.addTab(self.schemes_widget, "评分方案(&G)")
        except ImportError:  # pragma: no cover - the scheme editor ships with the app
            self.schemes_widget = None
        r = self.rounds
        r.picked.connect(self.select_round)
        r.new_round.connect(self.new_round_dialog)
        r.lots.connect(self.lots_dialog)
        r.quota.connect(self.quota_dialog)
        r.holidays.connect(self.holiday_dialog)
        r.export_form.connect(self.export_form_dialog)
        r.export_forms.connect(self.export_forms_dialog)
        r.import_form.connect(self.import_form_dialog)
        r.delete_round.connect(self.delete_round)
        self.dashboard.sheet_chosen.connect(self._sheet_chosen)
        self.dashboard.batch_requested.connect(self.batch_move)
        self.editor.changed.connect(self._sheet_written)

    # ================================================================== database
    def _release_database(self) -> None:
        self._refresh_timer.stop()
        self._dash_wanted += 1  # what a read of the old database brings is dropped
        self._dash_then = None
        self._wait_for_tasks()
        self._pending_full = False
        close_dialog(self)
        close_dialog(self.editor)

    def _clear_views(self) -> None:
        self.editor.set_sheet(None, None)
        self.dashboard.clear()

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
            self.refresh_dashboard()

    # ================================================================== rounds
    def _round_label(self, r: rounds_api.Round) -> str:
        return f"{r.title}（{r.scheme_name}，{r.branch_count} 个党组织，{r.state}）"

    def _fill_rounds(self, keep: str | None = None) -> None:
        self._refresh_timer.stop()
        self._pending_full = False
        super()._fill_rounds(keep)

    def _no_rounds(self) -> None:
        self.rounds.show_round(None)
        super()._no_rounds()
        self.editor.set_sheet(self.db, None)

    @slot
    def select_round(self, round_id: str | None, *, force: bool = False) -> None:
        if round_id is None:
            return
        if round_id == self._round_id and not force:
            return
        same = round_id == self._round_id
        self._enter_round(round_id)
        self._show_round_info()
        if not same:  # another round's rows are not shown while this one's are read
            self.dashboard.clear()
            self.editor.set_sheet(self.db, None)
        elif self.editor.sheet_id:
            self.editor.reload()  # same sheet: keep the cell and page the clerk is on (gone: none shown)
        self._update_actions()

        def shown() -> None:
            if self.editor.sheet_id is None and self.dashboard.rows:
                self.open_sheet(self.dashboard.rows[0].sheet_id)
            self._update_actions()

        self.refresh_dashboard(then=shown)

    def current_round(self) -> rounds_api.Round | None:
        return rounds_api.get_round(self.db, self._round_id) if self.db is not None and self._round_id else None

    def _show_round_info(self) -> None:
        r = self.current_round()
        self.rounds.show_round(r, current_lots(self.db, r.id) if r is not None else None,
                               wf.round_window(self.db, r) if r is not None else None)

    # ================================================================== dashboard
    @property
    def loading(self) -> bool:
        """The dashboard is being read (or a read is due)."""
        return self.dash_task is not None

    def refresh_dashboard(self, then: Callable[[], None] | None = None) -> None:
        """Rebuild the dashboard on a read-only connection off the GUI thread, so neither showing a
        round nor typing a score waits for it; `then()` runs once it is shown. A refresh asked for
        while one runs makes it read once more when it ends (what it read is stale, not shown)."""
        if self.db is None or self._round_id is None:
            return
        self._dash_wanted += 1
        if then is not None:
            self._dash_then = then
        self.dashboard.show_loading()
        if self.dash_task is None:
            self._read_dashboard()

    def _read_dashboard(self) -> None:
        rid, wanted, t0 = self._round_id, self._dash_wanted, time.perf_counter()

        def current() -> bool:
            return self.db is not None and self._round_id == rid and self._dash_wanted == wanted

        def done(d) -> None:
            if current():
                self._show_dashboard(d, t0)
                then, self._dash_then = self._dash_then, None
                if then is not None:
                    then()

        def failed(e: BaseException) -> None:
            log.warning("dashboard not read: %s", e)
            if current():
                self._dash_then = None
                self.dashboard.show_failed(error_text(e))

        def finished() -> None:
            if self.dash_task is query:
                self.dash_task = None
            if self.db is not None and self._round_id is not None and self._dash_wanted != wanted:
                self._read_dashboard()

        # A quiet read on a connection of its own: no progress dialog (the panel says 正在读取…);
        # the query's task releases itself when it ends.
        query = (Query(self, "", lambda reader: build_dashboard(reader, rid), progress=False)
                 .success(done).failure(failed).after(finished))
        self.dash_task = query
        query.run_in_background()

    def _show_dashboard(self, d, t0: float) -> None:
        self.dashboard.show_dashboard(d, self.editor.sheet_id)
        self._show_round_info()
        self.last_timings["dashboard"] = time.perf_counter() - t0
        self.refreshed.emit()

    def _sheet_chosen(self, sheet_id: str) -> None:
        if sheet_id != self.editor.sheet_id:
            self.open_sheet(sheet_id)

    @slot
    def open_sheet(self, sheet_id: str) -> None:
        """Show a branch's sheet in the editor (and make it current in the dashboard)."""
        t0 = time.perf_counter()
        self.editor.set_sheet(self.db, sheet_id)
        self.last_timings["open_sheet"] = time.perf_counter() - t0
        self.dashboard.make_current(sheet_id)
        self._update_actions()

    def open_branch(self, org_name: str) -> str:
        """Open the sheet of the branch with this name (for tests and keyboard users); returns its id."""
        row = next((r for r in self.dashboard.rows if r.org_name == org_name), None)
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
        self.rounds.update_actions(has_db=has_db, writable=writable, has_round=has_round,
                                   has_sheet=self.editor.sheet_id is not None)
        self.dashboard.batch_button.setEnabled(writable and has_round)

    def _after_write(self, _result=None) -> None:
        self._seen_tx = self._tx_mark()
        self._fill_rounds(keep=self._round_id)

    @slot
    def new_round_dialog(self) -> None:
        def created(round_id: str) -> None:
            self._seen_tx = self._tx_mark()
            self._fill_rounds(keep=round_id)

        open_dialog(self, NewRoundDialog(self.db, self), created)

    @slot
    def lots_dialog(self) -> None:
        dlg = DrawLotsDialog(self.db, self._round_id, self)
        dlg.saved.connect(lambda _d: self._show_round_info())
        open_dialog(self, dlg)

    @slot
    def quota_dialog(self) -> None:
        dlg = QuotaDecisionDialog(self.db, self._round_id, self)
        dlg.changed.connect(self._after_write)
        open_dialog(self, dlg)

    @slot
    def holiday_dialog(self) -> None:
        open_dialog(self, HolidayDialog(self.db, self), self._after_write)

    @slot
    def delete_round(self) -> None:
        r = self.current_round()
        if r is None:
            return

        def deleted(_r) -> None:
            self._round_id = None
            self._after_write()

        self.ask(f"确定删除“{r.title}”？\n只有全部党组织仍在自评环节的轮次可以删除，删除后其评分一并删除。",
                 "删除考核轮次", lambda: Operation(self, "删除考核轮次", lambda db: rounds_api.delete_round(db, r.id))
                 .success(deleted).run(), yes_text="删除")

    @slot
    def batch_move(self, target: str) -> None:
        """The same workflow step for the selected sheets (none selected: every sheet listed)."""
        d = self.dashboard
        ids = d.selected_sheet_ids() or d.visible_sheet_ids()
        if not ids:
            return
        todo = [i for i in ids if wf.FORWARD.get(d.row(i).state) == target]  # those a step before it
        what = d.batch_actions[target].text()
        if not todo:
            self.show_message(f"所选党组织中没有可以“{what}”的。", "批量流转")
            return
        rid = self._round_id

        def step(db) -> int:
            if target == "公示":
                wf.start_publicity(db, rid, None, sheet_ids=todo)
                return len(todo)
            if target == "确定":  # only sheets whose window has closed without an open appeal; all or none
                return wf.confirm_many(db, todo)
            return wf.move_many(db, todo, target)

        def failed(e: BaseException) -> None:
            if isinstance(e, CalendarUnconfirmedError):  # enter the year's holidays first, then again
                ask_for_calendar(self, self.db, e.years, lambda: self.batch_move(target), reason=e.message)
            else:
                self.show_error(e)

        def done(n: int) -> None:
            self._after_write()
            self.show_message(f"已对 {n} 个党组织执行“{what}”。", "批量流转")

        self.ask(f"对 {len(todo)} 个党组织执行“{what}”？", "批量流转",
                 lambda: Operation(self, "批量流转", step).success(done).failure(failed).run())

    # ================================================================== background work
    def _task_started(self) -> None:
        """Long work off the GUI thread; the tab is disabled meanwhile so nothing writes in between."""
        self.setEnabled(False)

    def _task_ended(self, task: Task) -> None:
        self.setEnabled(True)
        super()._task_ended(task)
