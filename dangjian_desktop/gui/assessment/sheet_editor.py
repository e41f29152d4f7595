"""The checklist sheet editor (考核检查表) of one branch: its panels in sub-tabs — 评分 (item scores
at three stages typed from the keyboard), 否决项 (with the facts, and the vetoes the registry
proves), 自我评价报告, 佐证材料, 流程与历史 — under the branch's title and the score so far.

The editor loads the sheet (assessment.sheets.open_sheet), hands each panel its part, hosts the
dialogs and messages the panels ask for (sheet_actions.SheetActions) and tells the page when it
wrote something (`changed`)."""

from __future__ import annotations

import time
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from ...assessment import evidence as ev
from ...assessment import sheets as sh
from ...db import Database
from ...schemes import evaluate
from ...schemes import model as sm
from ...schemes.rounding import rounding_text
from ..common import close_dialog
from ..forms import load_form
from ..kit.formatting import format_score
from ..kit.messages import MessageHost
from ..kit.operations import commit_mark
from .evidence_panel import EvidencePanel
from .items_panel import ItemsPanel
from .report_panel import ReportPanel
from .sheet_actions import SheetActions
from .veto_proposals import pending_note, provisional_note
from .vetoes_panel import VetoesPanel
from .workflow_panel import WorkflowPanel

ITEMS, VETOES, REPORT, EVIDENCE, WORKFLOW = range(5)  # the sub-tabs
VETOES_TITLE = "否决项(&V)"
NO_SHEET = "<p style='color:#666'>请在左侧选择一个党组织，打开其考核检查表。</p>"


class SheetEditor(SheetActions, QWidget, MessageHost):
    """One branch's sheet: 评分 | 否决项 | 自我评价报告 | 佐证材料 | 流程与历史."""

    changed = Signal(str)  # the sheet id after a write made here

    def __init__(self, parent: QWidget | None = None):
        QWidget.__init__(self, parent)
        self.db: Database | None = None
        self.sheet: sh.Sheet | None = None
        self.current_dialog: Any = None
        self.current_message = None
        self.last_open_ms: float | None = None
        f = load_form("assessment_sheet.ui", self)
        self.title_label, self.summary_label, self.tabs = f.titleLabel, f.summaryLabel, f.tabs
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)  # its scheme's level names escaped in _fill_summary
        self.items = ItemsPanel()
        self.vetoes = VetoesPanel(self)
        self.report = ReportPanel()
        self.evidence = EvidencePanel()
        self.workflow = WorkflowPanel()
        for panel, title in ((self.items, "评分(&P)"), (self.vetoes, VETOES_TITLE), (self.report, "自我评价报告(&R)"),
                             (self.evidence, "佐证材料(&Z)"), (self.workflow, "流程与历史(&W)")):
            self.tabs.addTab(panel, title)
        self.view, self.model = self.items.view, self.items.model  # the sheet's score table
        self._add_exports()
        self._connect()
        self.set_sheet(None, None)

    def _add_exports(self) -> None:
        """导出 Excel / 打印/PDF of the sheet's tables as shown, from each table's context menu."""
        from ..table_export import add_table_export

        def title(part: str):
            def named() -> str:
                s = self.sheet
                return f"{s.year}年度{s.org_name}{part}" if s is not None else part
            return named

        for view, part in ((self.items.view, "考核评分"), (self.vetoes.table, "否决项"),
                           (self.vetoes.proposals.table, "据台账提出的否决项"),
                           (self.workflow.history_table, "考核流程记录")):
            add_table_export(view, self, title(part))

    def _connect(self) -> None:
        i = self.items
        i.model.saved.connect(self._cell_saved)
        i.current_changed.connect(self._current_cell_changed)
        i.classification_chosen.connect(self.choose_classification)
        i.adjust_requested.connect(self.adjust_score_dialog)
        v = self.vetoes
        v.mark_requested.connect(self.mark_veto_dialog)
        v.clear_requested.connect(self.clear_veto)
        v.adjust_requested.connect(self.adjust_veto_dialog)
        v.decided.connect(self._written)
        v.selection_changed.connect(self._update_buttons)
        self.report.edited.connect(self._update_buttons)
        self.report.save_requested.connect(self.save_report)
        e = self.evidence
        e.add_requested.connect(self.add_evidence_dialog)
        e.open_requested.connect(self.open_evidence)
        e.save_requested.connect(self.save_evidence_dialog)
        e.remove_requested.connect(self.remove_evidence)
        e.selection_changed.connect(self._update_buttons)
        self.workflow.move_requested.connect(self.move_dialog)

    # -- loading ---------------------------------------------------------------------------
    @property
    def sheet_id(self) -> str | None:
        return self.sheet.id if self.sheet is not None else None

    @property
    def readonly(self) -> bool:
        return self.db is None or self.db.readonly

    def _mark(self) -> int | None:
        return commit_mark(self.db)

    def set_sheet(self, db: Database | None, sheet_id: str | None) -> None:
        """Show a sheet (None: nothing). Measured: `last_open_ms`."""
        started = time.perf_counter()
        close_dialog(self)
        self._flush_report()
        self.db = db
        self.sheet = sh.open_sheet(db, sheet_id) if db is not None and sheet_id else None
        self._show_all()
        self.last_open_ms = (time.perf_counter() - started) * 1000

    def reload(self) -> None:
        """Re-read the sheet shown (after changes made elsewhere), keeping the current cell and page."""
        if self.db is None or self.sheet is None:
            return
        self._flush_report()
        cur = self.view.currentIndex()
        tab = self.tabs.currentIndex()
        try:
            self.sheet = sh.open_sheet(self.db, self.sheet.id)
        except Exception:  # noqa: BLE001 - the sheet is gone (round deleted)
            self.sheet = None
        self._show_all()
        self.tabs.setCurrentIndex(tab)
        if cur.isValid() and cur.row() < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(cur.row(), cur.column()))

    def _show_all(self) -> None:
        s, db = self.sheet, self.db
        held = s is not None and bool(s.held_by)  # another office's stage: read-only here
        self.items.show_sheet(db, s, self.readonly or held)
        self.setEnabled(s is not None)
        self.vetoes.show_sheet(db, s)  # opening a sheet checks what its data proves
        pending = len(self.vetoes.pending)
        self.tabs.setTabText(VETOES, VETOES_TITLE + (f" ⚠{pending}" if pending else ""))
        self.report.show_report(s.report if s is not None else sh.SelfReport())
        self._fill_evidence()
        self.workflow.show_sheet(db, s, self.readonly or held)
        if s is None:
            self.title_label.setText(NO_SHEET)
            self.summary_label.clear()
        else:
            self.title_label.setText(f"<b style='font-size:15px'>{escape(s.org_name)}</b>　{escape(str(s.town))}　{escape(s.kind or '')}"
                                     f"　<span style='color:#555'>{s.year}年度 · {escape(s.scheme.name)}</span>"
                                     f"　状态：<b>{escape(s.state)}</b>"
                                     + (f"　初评：{escape(s.assessed_by)}考核组（抽签）" if s.assessed_by else "")
                                     + (f"<br><span style='color:#9a5b00'>这张考核表现由{escape(str(s.held_by))}办理，本单位只能查看"
                                        f"（县里组织的考核：自评、初审由乡镇办理，提交审核后由县里办理）。"
                                        f"交换数据包后可看到对方的办理结果。</span>" if held else ""))
            self._fill_summary()
        self._update_buttons()
        self.items.focus_first_cell()

    def _fill_evidence(self) -> None:
        s = self.sheet
        files = ev.list_evidence(self.db, sheet_id=s.id) if s is not None else []
        self.evidence.show_sheet(s, files, self.items.current_item_code())

    def _fill_summary(self) -> None:
        """Each stage's count of scores entered; the total and rating the scores so far give."""
        s = self.sheet
        if s is None:
            return
        text = "；".join(f"{sh.STAGE_LABELS[stage]}已填 {len(s.scores(stage))}/{len(s.items)}" for stage in sh.STAGES)
        note = pending_note(self.vetoes.proposals)
        if s.scores():
            try:
                result = evaluate(s.scheme, s.scores(), s.triggered_vetoes(), s.classification)
                total = format_score(result.total) if result.total is not None else "—"
                text += f"。按现有分数：合计 {total} 分，评定 {escape(result.rating or '—')}"
                if result.missing:
                    text += f"（{len(result.missing)} 项未填，按 0 分计）"
                if result.vetoed:
                    text += "（触发否决项）"
                text += provisional_note(s)
            except Exception:  # noqa: BLE001 - a half-filled sheet may not evaluate; the counts still show
                pass
        if s.scheme.rating.kind != sm.CLASSIFICATION:
            # The scheme's rule for fractions at the bands' edges, before any score is entered too.
            text += f"<br><span style='color:#555555'>{rounding_text(s.scheme.rating.rounding)}</span>"
        self.summary_label.setText(text + (f"<br>{note}" if note else ""))

    # -- after changes -----------------------------------------------------------------------
    def _cell_saved(self, _code: str, _key: str) -> None:
        self._fill_summary()
        self.changed.emit(self.sheet.id if self.sheet else "")

    def _current_cell_changed(self) -> None:
        self.evidence.follow_item(self.items.current_item_code())
        self._update_buttons()

    def _written(self, *_args) -> None:
        """After a write made from this editor: re-read the sheet and tell the page."""
        if self.db is not None:
            self.model.last_own_tx = self._mark()
        self.reload()
        if self.sheet is not None:
            self.changed.emit(self.sheet.id)

    def _update_buttons(self) -> None:
        s = self.sheet
        writable = s is not None and not self.readonly and not s.held_by
        locked = s is not None and s.locked
        self.items.update_buttons(writable, locked)
        self.vetoes.update_buttons(writable, locked)
        self.report.update_buttons(writable, locked)
        self.evidence.update_buttons(writable, locked)
