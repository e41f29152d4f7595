"""What the check and the import pages share: they run the core importer off the GUI thread
(runner.ImportRun) and show its progress in a bar of their own (ui/roster_run.ui).

The bar appears only when the run takes longer than the kit's PROGRESS_DELAY_MS (its place is
kept meanwhile, so nothing below it moves). 取消 or 上一步 asks the run to stop; the wizard
closes once it has (wizard.RosterImportWizard.reject).
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QWizardPage

from ...roster import ImportOptions, ImportReport
from ..forms import load_form
from ..kit.plain_text import plain
from ..kit.tasks import PROGRESS_DELAY_MS
from .runner import ImportRun

ERROR_STYLE = "color: #b00000"


def file_digest(path) -> str | None:
    """The file's content as a SHA-256 digest (None: it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


class RunPage(QWizardPage):
    """A page that runs the importer (a check or the real import) with a progress bar."""

    dry_run = True
    stopped = Signal()  # its run has ended (finished, failed or cancelled)

    def __init__(self, wizard):
        super().__init__(wizard)
        self.w = wizard
        self.run: ImportRun | None = None
        self.report: ImportReport | None = None
        self.form = f = load_form("roster_run.ui", self)
        self.status = plain(f.statusLabel)  # a summary or error naming the file's sheets and branches
        self.bar = f.progressBar
        self.body = f.body
        self._bar_delay = QTimer(self)
        self._bar_delay.setSingleShot(True)
        self._bar_delay.timeout.connect(self._show_bar)

    # ---- the run ----------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        self.report = None
        self.bar.setValue(0)
        self._bar_hidden(keep_place=True)
        self.status.setStyleSheet("")
        # What is imported is the file as it was checked: one changed since (saved again in Excel,
        # replaced on the stick) was written unseen when its new rows happened to have no errors.
        digest = file_digest(self.w.path)
        if self.dry_run:
            self.w.checked_digest = digest
        elif digest is None or digest != getattr(self.w, "checked_digest", None):
            self.run, self.file_changed = None, True
            self.status.setText("文件在检查之后被修改过（或已无法读取），没有导入。请点“上一步”重新检查后再导入。")
            self.status.setStyleSheet(ERROR_STYLE)
            self.completeChanged.emit()
            return
        self.status.setText("正在检查文件……" if self.dry_run else "正在导入，请稍候……")
        opts = ImportOptions(**{**self.w.options.__dict__, "dry_run": self.dry_run})
        self.run = run = ImportRun(self, self.w.db, self.w.path, opts)
        run.progress.connect(self._progress)
        run.finished.connect(self._finished_run)
        run.failed.connect(self._failed_run)
        run.ended.connect(self._ended)
        self.completeChanged.emit()
        self._bar_delay.start(PROGRESS_DELAY_MS)
        run.start()

    def cleanupPage(self) -> None:  # noqa: N802 - going Back
        self.cancel()
        self.run = None  # what it still reports is no longer this page's

    def cancel(self) -> None:
        if self.running:
            self.status.setText("正在取消……")
            self.run.cancel()

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.running

    # ---- what the run reports (only the page's current run counts) --------------------------------
    def _current(self) -> bool:
        """Does the signal being handled come from the page's current run?"""
        return self.run is not None and self.sender() is self.run

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        if self._current():
            self.bar.setMaximum(max(total, 1))
            self.bar.setValue(min(done, total))

    @Slot(str)
    def _failed_run(self, message: str) -> None:
        if not self._current():
            return
        self._bar_delay.stop()
        self._bar_hidden(keep_place=False)
        self.status.setText(message)
        self.status.setStyleSheet(ERROR_STYLE)
        self.completeChanged.emit()

    @Slot(object)
    def _finished_run(self, report: ImportReport) -> None:
        if not self._current():
            return
        self._bar_delay.stop()
        self.report = report
        self.bar.setValue(self.bar.maximum())
        self.bar.setVisible(True)
        self.status.setStyleSheet("")
        self.status.setText(report.summary())
        self._finished(report)
        self.completeChanged.emit()

    @Slot()
    def _ended(self) -> None:
        if self._current():
            self._bar_delay.stop()
        self.stopped.emit()

    def _finished(self, report: ImportReport) -> None:
        """The run came to its end (a cancelled one too): show what it found."""

    # ---- the bar -------------------------------------------------------------------------------------
    def _bar_hidden(self, *, keep_place: bool) -> None:
        policy = self.bar.sizePolicy()
        policy.setRetainSizeWhenHidden(keep_place)
        self.bar.setSizePolicy(policy)
        self.bar.setVisible(False)

    def _show_bar(self) -> None:
        if self.running:
            self.bar.setVisible(True)

    def isComplete(self) -> bool:  # noqa: N802
        return self.report is not None and self.report.ok
