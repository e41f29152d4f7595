"""The 结果报告 tab: a round's results (ratings, stars, ranks, quotas, year over year, consequences),
the rectification ledger (整改台账) and the publicity sheet (公示) preview and save.

The page (ui/reports_page.ui: the round picker, 重新评定, 名额决定, 公示设置) composes three panels:
results_panel (评定结果), ledger_panel (整改台账) and preview_panel (公示表). It rates the round and
builds the sheet as kit Queries off the GUI thread (assessment.results.rate_round,
reports.round_publicity.publicity_pdf); every change (ledger entries, quota decisions) is a kit
Operation. It hears committed changes through RoundTab.on_data_changed (the main window passes
on its OperationBus's `changed`) and re-rates when one touched REPORT_TABLES, never otherwise.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ... import dates
from ...assessment import rectification as rect_api
from ...assessment import rounds as rounds_api
from ...assessment.results import BranchRating, RoundRating, rate_round
from ...filesave import write_bytes
from ...reports.round_publicity import PublicityPdf, build_round_publicity, default_start, publicity_pdf
from ..assessment.round_tab import RoundTab
from ..common import open_dialog
from ..errors import error_text
from ..forms import load_form
from ..kit.messages import slot
from ..kit.operations import Operation, Query
from ..kit.tasks import Task
from .dialogs import CloseRectificationDialog, RectificationDialog
from .ledger_panel import LedgerPanel
from .preview_panel import PreviewPanel
from .results_panel import ResultsPanel

REPORT_TABLES = {"assessment_round", "round_branch", "round_score", "round_veto", "round_history",
                 "round_appeal", "round_adjustment", "rectification", "round_evidence", "setting", "org",
                 "round_quota_decision", "round_veto_review", "holiday", "holiday_year"}
RESULTS, LEDGER, PREVIEW = range(3)  # the sub-tabs


class ReportsTab(QWidget, RoundTab):
    """结果报告: 评定结果 | 整改台账 | 公示表."""

    TAB_TITLE = "结果报告"
    NO_ROUNDS_HTML = "<h3>还没有考核轮次</h3><p>请先在“考核检查”中新建轮次并录入评分。</p>"
    rated = Signal()  # the results table was refreshed
    preview_ready = Signal()  # the publicity preview was rebuilt (or failed: see preview.error)

    def __init__(self, parent: QWidget | None = None):
        QWidget.__init__(self, parent)
        self._init_round_tab()
        self._stale = False
        self._warned_ok = False
        f = load_form("reports_page.ui", self)
        self.round_combo, self.stack, self.empty_label, self.tabs = f.roundCombo, f.stack, f.emptyLabel, f.tabs
        self.refresh_button, self.quota_button, self.settings_button = f.refreshButton, f.quotaButton, f.settingsButton
        self.results = ResultsPanel(self, lambda: f"{self.round_combo.currentText()}评定结果")
        self.ledger = LedgerPanel(self)
        self.preview = PreviewPanel()
        for panel, title in ((self.results, "评定结果(&J)"), (self.ledger, "整改台账(&G)"), (self.preview, "公示表(&U)")):
            self.tabs.addTab(panel, title)
        self.round_combo.currentIndexChanged.connect(lambda _i: self.select_round(self.round_combo.currentData()))
        self.refresh_button.clicked.connect(self.refresh)
        self.quota_button.clicked.connect(self.quota_dialog)
        self.settings_button.clicked.connect(self.settings_dialog)
        self.results.selection_changed.connect(self._update_actions)
        self.results.rectify_requested.connect(self.add_rectification_for)
        self.ledger.add_requested.connect(self.add_rectification)
        self.ledger.edit_requested.connect(self.edit_rectification)
        self.ledger.close_requested.connect(self.close_rectification)
        self.ledger.reopen_requested.connect(self.reopen_rectification)
        self.preview.options_changed.connect(self._options_changed)
        self.preview.preview_requested.connect(self.build_preview)
        self.preview.save_requested.connect(self.save_pdf_dialog)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.set_database(None)

    # ================================================================== what the panels read
    @property
    def rating(self) -> RoundRating | None:
        return self.results.rating

    def selected_branch(self) -> BranchRating | None:
        return self.results.selected_branch()

    def writable(self) -> bool:
        return self.db is not None and self._round_id is not None and not self.db.readonly

    # ================================================================== database
    def _clear_views(self) -> None:
        self.results.clear()
        self.ledger.clear()
        self.preview.clear()

    def _tables_changed(self, tables: set[str] | None) -> None:
        if tables and not (set(tables) & REPORT_TABLES):
            return
        if set(tables or ()) & {"assessment_round"} or not tables:
            self._fill_rounds(keep=self._round_id)
            return
        self._stale = True
        self.preview.clear()
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale and self.db is not None and self._round_id:
            self.refresh()

    # ================================================================== rounds
    def _round_label(self, r: rounds_api.Round) -> str:
        return f"{r.title}（{r.scheme_name}，{r.state}）"

    @slot
    def select_round(self, round_id: str | None, *, force: bool = False) -> None:
        if round_id is None or (round_id == self._round_id and not force):
            return
        self._enter_round(round_id)
        self.preview.set_start(default_start(rounds_api.get_round(self.db, round_id)))  # ahead: its date; else today
        self.preview.clear()
        self.refresh()

    # ================================================================== reading off the GUI thread
    def _read(self, label: str, fn: Callable[[Any], Any], done: Callable[[Any], None],
              failed: Callable[[BaseException], None] | None = None) -> Query:
        """A Query through its own read-only connection; `task` is set while it runs."""
        self._task_started()
        # A read started while the tab is hidden (prepared in advance: tab_preparer.py) shows no dialog.
        query = Query(self, label, fn, db=self.db, progress=self.isVisible()).success(done).failure(failed)
        task: Task | None = None

        def ended() -> None:
            if task is not None and self.task is task:
                self.task = None
            self._update_actions()

        query.after(ended).run_in_background()
        if query.running:  # (a read run at once has ended already)
            task = self.task = query.task
        return query

    @slot
    def refresh(self) -> None:
        """Re-rate the round off the GUI thread, and re-read the ledger."""
        if self.db is None or self._round_id is None:
            return
        self._stale = False
        self.ledger.refresh()
        rid = self._round_id
        t0 = time.perf_counter()

        def done(rating: RoundRating) -> None:
            if rid != self._round_id:
                return
            self.last_timings["rate"] = time.perf_counter() - t0
            self.show_rating(rating)

        label = "正在计算评定结果…"
        if not self.isVisible():  # read in advance (tab_preparer.py): no dialog, but said on the page
            self.results.summary_label.setText(label)

        def failed(e: BaseException) -> None:
            if self.results.summary_label.text() == label:
                self.results.summary_label.setText("")
            self.show_error(e)

        self._read(label, lambda db: rate_round(db, rid), done, failed)

    def show_rating(self, rating: RoundRating) -> None:
        self.results.show_rating(rating)
        self._update_actions()
        self.rated.emit()

    # ================================================================== decisions and settings
    @slot
    def quota_dialog(self) -> None:
        from ..assessment.quota_dialog import QuotaDecisionDialog

        if self._round_id is None:
            return
        dlg = QuotaDecisionDialog(self.db, self._round_id, self)
        dlg.changed.connect(lambda: (self.preview.clear(), self.refresh()))
        open_dialog(self, dlg)

    @slot
    def settings_dialog(self) -> None:
        from ..settings_dialog import SettingsDialog

        def saved(_values: Any) -> None:
            self._seen_tx = self._tx_mark()
            self.preview.clear()
            if self.tabs.currentIndex() == PREVIEW:
                self.build_preview()

        open_dialog(self, SettingsDialog(self.db, self), saved)

    # ================================================================== ledger
    def _ledger_written(self, _result: Any = None) -> None:
        self._seen_tx = self._tx_mark()
        self.ledger.refresh()

    @slot
    def add_rectification_for(self, b: BranchRating) -> None:
        """列入整改台账: the selected branch, its veto facts as the problem."""
        problem = "；".join(b.veto_facts) if b.vetoed else ""
        open_dialog(self, RectificationDialog(self.db, self, round_id=self._round_id, org_id=b.org_id,
                                              problem=problem), self._ledger_written)

    @slot
    def add_rectification(self) -> None:
        open_dialog(self, RectificationDialog(self.db, self, round_id=self._round_id), self._ledger_written)

    @slot
    def edit_rectification(self, r: rect_api.Rectification) -> None:
        if r.closed:
            self.show_message("已销号的事项不能修改；如需修改，请先“重新打开”。", "整改台账")
            return
        open_dialog(self, RectificationDialog(self.db, self, rect=r), self._ledger_written)

    @slot
    def close_rectification(self, r: rect_api.Rectification) -> None:
        if not r.closed:
            open_dialog(self, CloseRectificationDialog(self.db, r, self), self._ledger_written)

    @slot
    def reopen_rectification(self, r: rect_api.Rectification) -> None:
        if not r.closed:
            return
        self.ask(f"重新打开已销号的整改事项？\n{r.org_name}：{r.problem}", "整改台账",
                 lambda: Operation(self, "重新打开整改事项", lambda db: rect_api.reopen_rectification(db, r.id))
                 .success(self._ledger_written).run(),
                 yes_text="重新打开")

    # ================================================================== publicity sheet
    def _options_changed(self) -> None:
        self.preview.clear()
        if self.tabs.currentIndex() == PREVIEW and self.db is not None and self._round_id:
            self.build_preview()

    def _tab_shown(self, index: int) -> None:
        if (index == PREVIEW and self.preview.pdf_bytes is None and self.db is not None and self._round_id
                and self.task is None):
            self.build_preview()

    @slot
    def build_preview(self) -> None:
        """Build the publicity PDF off the GUI thread and show its pages."""
        if self.db is None or self._round_id is None:
            return
        rid, opts = self._round_id, self.preview.options()
        t0 = time.perf_counter()

        def done(built: PublicityPdf) -> None:
            info = built.info
            self.last_timings["publicity"] = time.perf_counter() - t0
            note = (f"公示 {info.rows} 个党组织，公示期 {dates.format_cn(info.start)} 至 {info.end_text}。"
                    + (f"另有 {info.left_out} 个尚未审核完毕，不列入本次公示。" if info.left_out else ""))
            self.preview.show_pdf(built.data, note=note, warnings=built.warnings)
            self.preview.warnings = list(info.warnings)
            self._update_actions()
            self.preview_ready.emit()

        def failed(exc: BaseException) -> None:
            self.preview.show_error(error_text(exc))
            self._update_actions()
            self.preview_ready.emit()

        self.preview.show_building()
        self._read("正在生成公示表…", lambda db: publicity_pdf(db, rid, opts), done, failed)

    @slot
    def save_pdf_dialog(self) -> None:
        if self._round_id is None:
            return
        warnings = self.preview.warnings
        if warnings and not self._warned_ok:
            def go_on() -> None:
                self._warned_ok = True
                try:
                    self.save_pdf_dialog()
                finally:
                    self._warned_ok = False

            self.ask("公示期有问题：\n" + "\n".join(f"• {w}" for w in warnings) + "\n\n仍要保存这张公示表吗？",
                     "保存公示表", go_on, yes_text="仍然保存")
            return
        rnd = rounds_api.get_round(self.db, self._round_id)
        name = f"{rnd.title}公示-{self.preview.paper_text('')}.pdf"
        dlg = QFileDialog(self, "保存公示表", str(Path.home() / name), "PDF 文件 (*.pdf)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("pdf")
        dlg.fileSelected.connect(self.save_pdf)
        open_dialog(self, dlg)

    @slot
    def save_pdf(self, path: str) -> Path:
        """Write the sheet with the chosen paper and orientation (the preview's bytes when current)."""
        target = Path(path)
        if self.preview.pdf_bytes is not None:
            write_bytes(target, self.preview.pdf_bytes)
        else:
            build_round_publicity(self.db, self._round_id, target, self.preview.options())
        self.preview.show_saved(target)
        return target

    # ================================================================== buttons
    def _update_actions(self) -> None:
        has = self.db is not None and self._round_id is not None
        self.refresh_button.setEnabled(has)
        self.quota_button.setEnabled(has)
        self.settings_button.setEnabled(self.db is not None)
        self.results.to_ledger_button.setEnabled(self.writable() and self.selected_branch() is not None)
        self.ledger.update_buttons()
        self.preview.preview_button.setEnabled(has)
        self.preview.save_pdf_button.setEnabled(has)

    def _task_started(self) -> None:
        """Long work off the GUI thread (rating a county round, building a long PDF)."""
        self.refresh_button.setEnabled(False)
        self.preview.preview_button.setEnabled(False)

    def _task_ended(self, task: Task) -> None:  # RoundTab.run_task's end
        super()._task_ended(task)
        self._update_actions()
