"""自我评价报告, a sheet's page (ui/assessment_report.ui): 自我评价情况, 存在问题及原因, 整改措施及下步打算.
Unsaved text is kept (`dirty`) until the editor saves it (保存报告, or leaving the sheet)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ...assessment import sheets as sh
from ..forms import load_form


class ReportPanel(QWidget):
    edited = Signal()  # the text was changed (not saved yet)
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        f = load_form("assessment_report.ui", self)
        self.situation, self.problems, self.measures = f.situationEdit, f.problemsEdit, f.measuresEdit
        self.state_label, self.save_button = f.stateLabel, f.saveButton
        self.dirty = False
        for w in self.edits():
            w.textChanged.connect(self._edited)
        self.save_button.clicked.connect(lambda: self.save_requested.emit())

    def edits(self):
        return (self.situation, self.problems, self.measures)

    def show_report(self, report: sh.SelfReport) -> None:
        for w, text in zip(self.edits(), (report.situation, report.problems, report.measures)):
            w.blockSignals(True)
            w.setPlainText(text)
            w.blockSignals(False)
        self.dirty = False
        self.state_label.setText("" if not report.empty else "尚未填写自我评价报告。")

    def report(self) -> sh.SelfReport:
        """The report as typed."""
        return sh.SelfReport(*(w.toPlainText() for w in self.edits()))

    def _edited(self) -> None:
        self.dirty = True
        self.state_label.setText("有未保存的修改。")
        self.edited.emit()

    def mark_saved(self) -> None:
        self.dirty = False
        self.state_label.setText("已保存。")

    def update_buttons(self, writable: bool, locked: bool) -> None:
        self.save_button.setEnabled(writable and not locked and self.dirty)
        for w in self.edits():
            w.setReadOnly(not writable or locked)
