"""What the sheet editor does when a panel asks (SheetActions, mixed into SheetEditor): each change
is one kit Operation (or a dialog whose OK is one), offered on 编辑 → 撤销 where it can be taken
back (scores and reasons are written by the score table itself: sheet_model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from ... import dates
from ...assessment import evidence as ev
from ...assessment import sheets as sh
from ...assessment import undoable as su
from ...assessment import workflow as wf
from ...paths import safe_file_name, viewing_folder
from ...undo import mark as undo_mark
from ..common import open_dialog
from ..errors import error_text
from ..kit.messages import slot
from ..kit.operations import Operation
from ..undo_menu import push_undo
from .calendar import ask_for_calendar, deadline_text
from .sheet_dialogs import AdjustmentDialog, AppealDialog, MoveDialog, ResolveAppealDialog, VetoDialog


class SheetActions:
    """The editor's actions; the editor provides db, sheet, the panels, reload() and _written()."""

    def _change(self, label: str, op: Callable[[Any], Any], done: Callable[[Any], None] | None = None,
                failed: Callable[[BaseException], None] | None = None) -> Operation:
        work = Operation(self, label, op, db=self.db)
        if failed is not None:
            work.failure(failed)
        return work.success(done).run()

    # -- classification -------------------------------------------------------------------------
    def choose_classification(self, value: str | None) -> None:
        s = self.sheet
        if s is None:
            return

        def refused(e: BaseException) -> None:  # say why and put the combo back
            self.items.show_refusal(error_text(e))
            self.items.show_classification(s.classification)

        def done(_r) -> None:
            s.classification = value
            self._written()

        self._change("分类评定", lambda db: sh.set_classification(db, s.id, value), done, refused)

    # -- vetoes -----------------------------------------------------------------------------------
    @slot
    def mark_veto_dialog(self, v: sh.SheetVeto | None = None) -> None:
        v = v or self.vetoes.selected()
        if v is None or self.sheet is None:
            return
        if self.sheet.locked:
            self.adjust_veto_dialog(v)
            return
        since, sheet_id = undo_mark(self.db), self.sheet.id

        def marked(_result) -> None:
            push_undo(self, su.veto_set_since(self.db, since, sheet_id, v.code))
            self._written()

        open_dialog(self, VetoDialog(self.db, self.sheet, v, self), marked)

    @slot
    def clear_veto(self, v: sh.SheetVeto | None = None) -> None:
        v = v or self.vetoes.selected()
        if v is None or self.sheet is None or not v.triggered:
            return
        sid = self.sheet.id

        def done(result) -> None:
            push_undo(self, result[1])
            self._written()

        self._change("取消否决项", lambda db: su.clear_veto_undoable(db, sid, v.code), done)

    @slot
    def adjust_veto_dialog(self, v: sh.SheetVeto | None = None) -> None:
        v = v or self.vetoes.selected()
        if v is None or self.sheet is None:
            return
        open_dialog(self, AdjustmentDialog(self.db, self.sheet, veto=v, parent=self), lambda _r: self._written())

    # -- the self-evaluation report ----------------------------------------------------------------
    def _flush_report(self) -> None:
        """Unsaved report text is saved before the sheet is left or re-read, never dropped."""
        if self.report.dirty and self.sheet is not None and not self.readonly and not self.sheet.locked:
            self.save_report()

    @slot
    def save_report(self) -> None:
        s = self.sheet
        if s is None:
            return
        report = self.report.report()

        def done(_r) -> None:
            s.report = report
            self.report.mark_saved()
            self.model.last_own_tx = self._mark()
            self._update_buttons()
            self.changed.emit(s.id)

        self._change("保存自我评价报告", lambda db: sh.set_self_report(
            db, s.id, situation=report.situation, problems=report.problems, measures=report.measures), done)

    # -- evidence ---------------------------------------------------------------------------------
    @slot
    def add_evidence_dialog(self) -> None:
        if self.sheet is None:
            return
        photo = " ".join(f"*{x}" for x in sorted(ev.PHOTO_TYPES))
        docs = " ".join(f"*{x}" for x in sorted(ev.DOCUMENT_TYPES))
        dlg = QFileDialog(self, "添加佐证材料")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dlg.setNameFilters([f"照片和文档 ({photo} {docs})", f"照片 ({photo})", f"文档 ({docs})", "所有文件 (*)"])
        dlg.filesSelected.connect(self.add_evidence_files)
        open_dialog(self, dlg)

    @slot
    def add_evidence_files(self, paths: list[str], item_code: str | None = "current") -> int:
        """Attach files to the sheet, to the item chosen under 附于 (by default the one selected on 评分)."""
        if self.sheet is None or not paths:
            return 0
        sid = self.sheet.id
        code = self.evidence.target_code() if item_code == "current" else item_code

        def attach(db) -> tuple[int, list[str]]:
            added, problems = 0, []
            for p in paths:
                try:
                    ev.add_evidence(db, p, sheet_id=sid, item_code=code)
                    added += 1
                except Exception as e:  # noqa: BLE001 - other files still go in; the clerk sees each reason
                    problems.append(f"{Path(p).name}：{error_text(e)}")
            return added, problems

        added, problems = self._change("添加佐证材料", attach).result or (0, [])
        self._written()
        if problems:
            self.show_message("以下文件未能添加：\n" + "\n".join(problems), "添加佐证材料")
        return added

    @slot
    def open_evidence(self, eid: str) -> None:
        # Into the user's own folder, not the shared temporary one; removed after a day.
        name = safe_file_name(self.evidence.selected_name())
        target = ev.save_evidence_as(self.db, eid, viewing_folder() / f"{eid[:8]}-{name}")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    @slot
    def save_evidence_dialog(self, eid: str) -> None:
        dlg = QFileDialog(self, "另存佐证材料", str(Path.home() / self.evidence.selected_name()))
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.fileSelected.connect(lambda p: self._save_evidence_to(eid, p))
        open_dialog(self, dlg)

    @slot
    def _save_evidence_to(self, eid: str, path: str) -> None:
        ev.save_evidence_as(self.db, eid, path)
        self.items.status_label.setText(f"已另存为：{path}")

    @slot
    def remove_evidence(self, eid: str) -> None:
        self.ask(f"确定移除佐证材料？\n{self.evidence.selected_text()}", "移除佐证材料",
                 lambda: self._change("移除佐证材料", lambda db: ev.remove_evidence(db, eid),
                                      lambda _r: self._written()),
                 yes_text="移除")

    # -- the workflow -----------------------------------------------------------------------------
    @slot
    def move_dialog(self, target: str, label: str) -> None:
        s = self.sheet
        if s is None:
            return
        window = wf.appeal_window(self.db, s.id) if target in ("确定", "申诉") else None
        if window is not None and window.unconfirmed and (target == "确定" or dates.today() > window.end):
            # The deadline rests on a year without a holiday table: enter it (or confirm
            # Monday–Friday) first, then the 确定 dialog (or, past the counted end, 登记申诉) opens.
            ask_for_calendar(self, self.db, list(window.unconfirmed),
                             lambda: (self.reload(), self.move_dialog(target, label)),
                             reason=f"“{s.org_name}”的申诉期截止日为 {deadline_text(window)}。")
            return
        if s.state == "公示" and target == "申诉":
            dlg = AppealDialog(self.db, s, self)
        elif s.state == "申诉" and target == "公示":
            dlg = ResolveAppealDialog(self.db, s, self)
        else:
            dlg = MoveDialog(self.db, s, target, label, self)
        open_dialog(self, dlg, lambda _r: self._written())

    @slot
    def adjust_score_dialog(self) -> None:
        code = self.items.current_item_code()
        if self.sheet is None or code is None:
            self.items.show_refusal("请先在表中选中要调整的细项。")
            return
        open_dialog(self, AdjustmentDialog(self.db, self.sheet, item=self.sheet.item(code), parent=self),
                    lambda _r: self._written())
