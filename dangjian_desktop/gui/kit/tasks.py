"""Work off the GUI thread: a Task runs a function on the thread pool and brings its result back.

A Task owns what it creates and releases it: its delay timer and signal relay are its own
children, its progress dialog is deleted when the work ends. The task itself has no Qt parent: it
is kept alive while the work runs and lives on afterwards only as long as Python refers to it
(the page's `task` attribute, a test), so a page that starts a task a hundred times keeps
nothing of them.
"""

from __future__ import annotations

import logging
import threading
import traceback
import warnings
from contextlib import suppress
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ...errors import UserError
from ...progress import Progress
from . import collector
from .messages import report_error

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 600  # long work shows a progress dialog only when it takes longer than this

_BAR_MAX = 1 << 30  # a progress bar's range, and an int signal, are C ints


def bar_values(done: int, total: int) -> tuple[int, int]:
    """(done, total) in a progress bar's range, in the same proportion: the bytes of a file over
    2 GB (a prefecture's backup) overflow a C int."""
    done, total = int(done), int(total)
    if total <= _BAR_MAX:
        return done, total
    return done * _BAR_MAX // total, _BAR_MAX


def progress_dialog(parent: QWidget | None, label: str, *, cancellable: bool = False) -> QProgressDialog:
    """The window-modal 请稍候 dialog of long work: a moving bar until told how far; a 取消 button
    only for work that can stop (cancellable)."""
    dlg = QProgressDialog(label, "取消", 0, 0, parent)
    dlg.setWindowTitle("请稍候")
    if not cancellable:
        dlg.setCancelButton(None)
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.setMinimumDuration(0)
    dlg.setAutoClose(False)
    dlg.setAutoReset(False)
    return dlg


def show_progress(dlg: QProgressDialog, label: str, done: int, total: int, text: str) -> None:
    """How far the work is (total 0: a step of unknown length, a moving bar rather than the last
    step's full one), the step's text under the work's label.

    The text is set first: a modal dialog's setValue handles pending events, so a newer report
    may be shown inside it, and nothing of this older one may be set after that (its text did:
    a restore said 正在解压所选备份 all through the check that followed)."""
    done, total = bar_values(done, total)
    if text:
        dlg.setLabelText(f"{label}\n{text}")
    if total > 0:
        dlg.setRange(0, total)
        dlg.setValue(min(done, total))  # last: may show a newer report
    else:
        dlg.setRange(0, 0)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object, str)
    progress = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], signals: _Signals):
        super().__init__()
        self.fn: Callable[[Progress], Any] | None = fn
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        # The work (and what its closure holds) is let go here, before the GUI thread hears of the
        # end: nothing owned by the GUI thread is ever freed on this one.
        fn, self.fn = self.fn, None
        signals = self.signals

        def tell(signal, *args) -> None:
            with suppress(RuntimeError):  # the GUI side is gone (the window closed under the work): no one to tell
                signal.emit(*args)

        try:
            result = fn(lambda done, total, text="": tell(signals.progress, *bar_values(done, total), text))
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread
            del fn
            tell(signals.failed, e, traceback.format_exc())
        else:
            del fn
            tell(signals.done, result)


class Task(QObject):
    """Run `fn(progress)` on the thread pool; `on_done(result)` / `on_error(exc)` run on the GUI thread.

    `progress(done, total, text)` may be called from the work to move a bar. A progress dialog
    (window-modal) appears only if the work takes longer than `delay_ms`; None: never (quiet work).
    With `cancel` (an Event the work looks at now and then) the dialog has a 取消 button that sets
    it; the dialog then goes away and the work ends as soon as it sees the event. Without
    `on_error` a failure is reported by messages.report_error. `finished` is emitted after
    on_done / on_error ran; then the task lets go of its callbacks.
    The work must not write the database unless the caller keeps the GUI from writing meanwhile.
    """

    finished = Signal()
    _live: set["Task"] = set()  # tasks whose work runs: kept alive until they end

    def __init__(self, parent: QWidget | None, label: str, fn: Callable[[Progress], Any],
                 on_done: Callable[[Any], None], on_error: Callable[[BaseException], None] | None = None, *,
                 delay_ms: int | None = PROGRESS_DELAY_MS, cancel: threading.Event | None = None):
        super().__init__()  # no Qt parent: nothing of it stays behind on the page
        self.parent_widget = parent
        self.label = label
        self.on_done = on_done
        self.on_error = on_error
        self.running = True
        self.error: BaseException | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.cancel_event = cancel
        self._last = (0, 0, "")
        self._signals = _Signals(self)
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._signals.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._timer: QTimer | None = None
        if delay_ms is not None and delay_ms < 2 ** 30:
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._show_progress)
            self._timer.start(delay_ms)
        collector.ensure_installed()  # cycles are freed on this thread, never on the pool's
        Task._live.add(self)
        QThreadPool.globalInstance().start(_Runnable(fn, self._signals))

    @Slot()
    def _show_progress(self) -> None:
        if not self.running or self.cancelled:
            return
        dlg = self.progress_dialog = progress_dialog(self.parent_widget, self.label,
                                                     cancellable=self.cancel_event is not None)
        if self.cancel_event is not None:
            dlg.canceled.connect(self.cancel)
        self._apply_progress()
        dlg.show()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event is not None and self.cancel_event.is_set()

    @Slot()
    def cancel(self) -> None:
        """Ask the work to stop (取消): it ends at its next look at the event, with its own error."""
        if self.cancel_event is None or not self.running:
            return
        self.cancel_event.set()
        if self.progress_dialog is not None:
            self.progress_dialog.hide()  # not shown again by a late progress report

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, text: str) -> None:
        self._last = (done, total, text)
        self._apply_progress()

    def _apply_progress(self) -> None:
        if self.progress_dialog is not None and not self.cancelled:
            show_progress(self.progress_dialog, self.label, *self._last)

    def _finish(self) -> None:
        self.running = False
        if self._timer is not None:
            self._timer.stop()
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    @Slot(object)
    def _done(self, result: Any) -> None:
        self._finish()
        try:
            self.on_done(result)
        except Exception as e:  # noqa: BLE001
            self._report(e)
        self._release()

    @Slot(object, str)
    def _failed(self, exc: BaseException, text: str) -> None:
        self._finish()
        if not isinstance(exc, UserError):
            log.error("background task failed\n%s", text)
        self._report(exc)
        self._release()

    def _report(self, exc: BaseException) -> None:
        self.error = exc
        if self.on_error is not None:
            try:
                self.on_error(exc)
            except Exception as e:  # noqa: BLE001 - never raise into the event loop
                report_error(self.parent_widget, e)
        else:
            report_error(self.parent_widget, exc)

    def _release(self) -> None:
        try:
            self.finished.emit()
        finally:
            # What listened to `finished` (closures often holding the task itself) is let go too.
            with warnings.catch_warnings():  # PySide warns when nothing was connected
                warnings.simplefilter("ignore", RuntimeWarning)
                try:
                    self.finished.disconnect()
                except (RuntimeError, TypeError):
                    pass
            self.on_done = self.on_error = None  # the callbacks' closures (and what they hold) go now
            Task._live.discard(self)
