"""One run of the core importer off the GUI thread: the check (a dry run, a kit Query reading
through a read-only connection of its own) or the import (a kit Operation: one unit of work,
announced on the OperationBus when it committed).

The run reports its progress to the page's own bar and can be cancelled: `cancel()` asks the
core to stop at its next progress report (every STEP_ROWS rows); the core then closes its unit
of work without committing, so a cancelled import writes nothing. No progress dialog of the kit
is shown: it would be window-modal over the wizard and hide its 取消 button.
"""

from __future__ import annotations

import threading
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ...db import Database
from ...roster import ImportOptions, ImportReport, RosterImport, run_undoable
from ..errors import error_text
from ..kit.operations import Operation, Query

STEP_ROWS = 50  # rows between two progress reports of the core (and two looks at 取消)


class ImportRun(QObject):
    """Check or import `path` with `options` (options.dry_run tells which) in the background.

    `progress(done, total)`, then `finished(report)` (a cancelled run too: report.cancelled) or
    `failed(message)`, all on the GUI thread; `ended` after either. The object has no Qt parent:
    the page keeps it while it is the page's run, and the work keeps it until it has ended.
    """

    progress = Signal(int, int)
    finished = Signal(object)  # ImportReport
    failed = Signal(str)       # what the clerk reads (a UserError's message, or the apology for a bug)
    ended = Signal()

    def __init__(self, page: QWidget, db: Database, path: Path, options: ImportOptions):
        super().__init__()
        self.page = page
        self.db = db
        self.path = Path(path)
        self.options = options
        self.cancel_requested = threading.Event()
        self.running = False
        self.report: ImportReport | None = None
        self.change = None  # the written import's UndoableChange (编辑 → 撤销)
        self.work: Operation | Query | None = None

    @property
    def dry_run(self) -> bool:
        return self.options.dry_run

    def start(self) -> "ImportRun":
        path, options, cancelled = self.path, self.options, self.cancel_requested
        relay = self  # kept by the work until it ends; emitting from the worker is queued to the GUI

        def work(db: Database, progress) -> ImportReport:
            run = RosterImport(db, path, options)
            run.step_rows = STEP_ROWS

            def told(done: int, total: int) -> None:
                progress(done, total)
                relay.progress.emit(done, total)

            if options.dry_run:
                return run.run(progress=told, cancel=cancelled.is_set)
            return run_undoable(run, progress=told, cancel=cancelled.is_set)  # (report, change)

        if self.dry_run:
            self.work = Query(self.page, "正在检查花名册……", work, db=self.db, takes_progress=True)
        else:
            self.work = Operation(self.page, f"导入花名册 {path.name}", work, db=self.db, takes_progress=True)
        self.running = True
        self.work.success(self._done).failure(self._failed).after(self._ended)
        self.work.run_in_background(delay_ms=None)  # the page shows its own bar, after the kit's delay
        return self

    def cancel(self) -> None:
        """Ask the run to stop; it ends soon after, with nothing written (unless it had committed)."""
        if self.running:
            self.cancel_requested.set()

    def _done(self, result) -> None:
        report, self.change = result if isinstance(result, tuple) else (result, None)
        self.report = report
        if shiboken6.isValid(self):
            self.finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.failed.emit(error_text(exc))

    def _ended(self) -> None:
        self.running = False
        self.work = None
        if shiboken6.isValid(self):
            self.ended.emit()
