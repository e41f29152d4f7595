"""导入花名册: choose the file → preview and column mapping → check → import.

The wizard composes its four pages and holds what they share (the file, the ImportOptions, the
report of a written import). The check and the import run off the GUI thread (runner.py); the
import is one kit Operation, so every page hears of it on the OperationBus. 取消 while a run is
under way asks it to stop and closes the wizard once it has: a cancelled import wrote nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QWidget, QWizard

from ...db import Database
from ...roster import ImportOptions, ImportReport
from ..screen_fit import fit_to_screen
from .check_page import CheckPage
from .file_page import FilePage
from .import_page import ImportPage
from .mapping_page import MappingPage


class RosterImportWizard(QWizard):
    """导入花名册. exec()/finished give Accepted only when members were written; `imported`
    carries the ImportReport (added, updated, created_orgs …), also kept in `self.report`."""

    imported = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None, default_org_id: str | None = None):
        super().__init__(parent)
        self.db = db
        self.default_org_id = default_org_id
        self.path: Path | None = None
        self.options = ImportOptions()
        self.report: ImportReport | None = None
        self._closing = False  # 取消 came while a run was under way: close when it has stopped
        self.setWindowTitle("导入花名册")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步(&N) >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< 上一步(&B)")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成(&F)")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page, self.import_page):
            self.addPage(page)
        for page in (self.check_page, self.import_page):
            page.stopped.connect(self._run_stopped)
        self.check_page.setButtonText(QWizard.WizardButton.NextButton, "导入(&I)")
        fit_to_screen(self, 980, 640)

    @property
    def counts(self) -> dict[str, int]:
        r = self.report
        return {"added": r.added if r else 0, "updated": r.updated if r else 0,
                "created_orgs": len(r.created_orgs) if r else 0}

    def set_file(self, path: str | Path) -> None:
        """Choose the file (what 浏览 does), for keyboard users pasting a path and for tests."""
        self.file_page.path_edit.setText(str(path))

    def running(self) -> bool:
        return self.check_page.running or self.import_page.running

    def reject(self) -> None:
        if self.running():
            # Cancelling while the import runs rolls it back; the wizard closes when it has stopped.
            self._closing = True
            self.check_page.cancel()
            self.import_page.cancel()
            return
        self._closing = False
        if self.report is not None and self.report.written:
            super().done(QDialog.DialogCode.Accepted)  # too late to cancel: it is in the database
            return
        super().reject()

    def _run_stopped(self) -> None:
        if self._closing and not self.running():
            self.reject()

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted and not (self.report and self.report.written):
            result = QDialog.DialogCode.Rejected
        super().done(result)
