"""Shared pieces of the 考核检查 and 结果报告 tabs: score text, non-blocking messages, form dialogs,
background tasks with a delayed progress dialog, and the round-picking base both tabs stand on."""

from __future__ import annotations

import inspect
import logging
import traceback
from functools import wraps
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QProgressDialog, QWidget

from .. import dates
from ..assessment import rounds as rounds_api
from ..db import Database
from ..errors import UserError
from ..registry.offices import local_office
from .common import close_dialog, info_box, normalise_date_text, open_dialog, question_box  # noqa: F401
from .errors import error_text
from .forms import load_form
from .screen_fit import fit_to_screen

log = logging.getLogger(__name__)

RED = QColor("#c62828")
AMBER = QColor("#b26a00")
GREEN = QColor("#2e7d32")
GREY = QColor("#666666")
LIGHT_RED = QColor("#fde0e0")
LIGHT_AMBER = QColor("#fff3d6")
LIGHT_GREY = QColor("#eeeeee")
SECTION_BG = QColor("#e8eef7")

PROGRESS_DELAY_MS = 600  # long work shows a progress dialog only when it takes longer than this


def fmt_score(value: Any) -> str:
    """12 -> '12', 12.5 -> '12.5', None -> ''."""
    if value is None or value == "":
        return ""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if f.is_integer():
        return str(int(f))
    return f"{f:.1f}".rstrip("0").rstrip(".")


def cn_date(value: Any) -> str:
    """An ISO date or timestamp shown as 2026年3月1日 (a timestamp keeps its time: 2026年3月1日 09:30)."""
    if not value:
        return ""
    text = str(value)
    if len(text) > 10 and text[10] in "T ":
        return f"{dates.format_cn(text[:10])} {text[11:16]}"
    return dates.format_cn(text)


class MessageHost:
    """Mixin for widgets: non-blocking message boxes kept in `current_message` (tests read and close them)."""

    current_message: QMessageBox | None = None

    def show_message(self, text: str, title: str = "提示", icon=QMessageBox.Icon.Information) -> QMessageBox:
        box = info_box(icon, title, text, self)  # type: ignore[arg-type]
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.current_message = box

        def gone(*_):
            if self.current_message is box:
                self.current_message = None

        box.finished.connect(gone)
        box.open()
        return box

    def show_error(self, exc: BaseException, title: str = "操作未完成") -> QMessageBox:
        return self.show_message(error_text(exc), title, QMessageBox.Icon.Warning)

    def ask(self, text: str, title: str, on_yes: Callable[[], None], *, yes_text: str = "确定") -> QMessageBox:
        """A non-blocking yes/no question; `on_yes` runs (guarded) when the clerk confirms."""
        box = question_box(title, text, self, yes_text)  # type: ignore[arg-type]
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.current_message = box

        def done(result: int) -> None:
            if self.current_message is box:
                self.current_message = None
            if result == QMessageBox.StandardButton.Yes:
                try:
                    on_yes()
                except Exception as e:  # noqa: BLE001 - never raise into the event loop
                    self.show_error(e)

        box.finished.connect(done)
        box.open()
        return box


def slot(fn: Callable) -> Callable:
    """A slot of a MessageHost widget: a UserError or bug becomes a non-blocking message, never a crash."""

    params = list(inspect.signature(fn).parameters.values())[1:]
    varargs = any(p.kind == p.VAR_POSITIONAL for p in params)
    positional = sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))

    @wraps(fn)
    def wrapper(self, *args, **kwargs):
        if not varargs:
            args = args[:positional]  # a signal's extra arguments (clicked's `checked`) are dropped
        try:
            return fn(self, *args, **kwargs)
        except Exception as e:  # noqa: BLE001 - never raise into the event loop
            self.show_error(e)
            return None

    return wrapper


# ---- Designer form dialogs --------------------------------------------------------------

class FormDialog(QObject):
    """A Designer form (top widget QDialog) around one core call.

    OK runs `save()`; a UserError keeps the dialog open with the message in the form's
    `formError` label. Open with `.open()` (window-modal, non-blocking); `saved` carries
    what `save()` returned.
    """

    FORM = ""
    saved = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.dialog: QDialog = load_form(self.FORM)
        self.dialog.setParent(parent, self.dialog.windowFlags())
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        fit_to_screen(self.dialog)
        self.result: Any = None
        bb: QDialogButtonBox = self.dialog.buttonBox
        ok = bb.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setText("确定")
        cancel = bb.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setText("取消")
        close = bb.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setText("关闭")
        bb.accepted.connect(self._accept)
        bb.rejected.connect(self.dialog.reject)
        self.set_error("")

    def w(self, name: str) -> Any:
        return getattr(self.dialog, name)

    @property
    def ok_button(self):
        return self.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    def open(self) -> None:
        self.dialog.open()

    def set_error(self, text: str) -> None:
        label: QLabel | None = getattr(self.dialog, "formError", None)
        if label is None:
            return
        label.setText(text)
        label.setVisible(bool(text))

    def error_shown(self) -> str:
        label = getattr(self.dialog, "formError", None)
        return label.text() if label is not None and label.isVisibleTo(self.dialog) else ""

    def _accept(self) -> None:
        self.set_error("")
        try:
            self.result = self.save()
        except Exception as e:  # noqa: BLE001 - the dialog stays open with the reason
            self.set_error(error_text(e))
            return
        self.dialog.accept()
        self.saved.emit(self.result)

    def save(self) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError


# ---- background work -----------------------------------------------------------------------

class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object, str)
    progress = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Callable[[int, int, str], None]], Any], signals: _Signals):
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(lambda done, total, text="": self.signals.progress.emit(int(done), int(total), text))
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread
            self.signals.failed.emit(e, traceback.format_exc())
        else:
            self.signals.done.emit(result)


class Task(QObject):
    """Run `fn(progress)` on the thread pool; the result comes back on the GUI thread.

    `progress(done, total, text)` may be called from the work to move a bar. A progress
    dialog (window-modal, no cancel) appears only if the work takes longer than
    PROGRESS_DELAY_MS. `finished` is emitted after on_done / on_error ran.
    The work must not write the database unless the caller keeps the GUI from writing
    meanwhile (the host widget is disabled while a task runs).
    """

    finished = Signal()

    def __init__(self, parent: QWidget, label: str, fn: Callable, on_done: Callable[[Any], None],
                 on_error: Callable[[BaseException], None] | None = None, *, delay_ms: int = PROGRESS_DELAY_MS):
        super().__init__(parent)
        self.parent_widget = parent
        self.label = label
        self.on_done = on_done
        self.on_error = on_error
        self.running = True
        self.error: BaseException | None = None
        self.progress_dialog: QProgressDialog | None = None
        self._last = (0, 0, "")
        self._signals = _Signals()
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._signals.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_progress)
        self._timer.start(delay_ms)
        QThreadPool.globalInstance().start(_Runnable(fn, self._signals))

    def _show_progress(self) -> None:
        if not self.running:
            return
        dlg = QProgressDialog(self.label, "", 0, 0, self.parent_widget)
        dlg.setWindowTitle("请稍候")
        dlg.setCancelButton(None)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        self.progress_dialog = dlg
        self._apply_progress()
        dlg.show()

    def _progress(self, done: int, total: int, text: str) -> None:
        self._last = (done, total, text)
        self._apply_progress()

    def _apply_progress(self) -> None:
        dlg = self.progress_dialog
        if dlg is None:
            return
        done, total, text = self._last
        if total > 0:
            dlg.setRange(0, total)
            dlg.setValue(min(done, total))
        if text:
            dlg.setLabelText(f"{self.label}\n{text}")

    def _finish(self) -> None:
        self.running = False
        self._timer.stop()
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _done(self, result: Any) -> None:
        self._finish()
        try:
            self.on_done(result)
        except Exception as e:  # noqa: BLE001
            self._report(e)
        self.finished.emit()

    def _failed(self, exc: BaseException, text: str) -> None:
        self._finish()
        if not isinstance(exc, UserError):
            log.error("background task failed\n%s", text)
        self._report(exc)
        self.finished.emit()

    def _report(self, exc: BaseException) -> None:
        self.error = exc
        if self.on_error is not None:
            self.on_error(exc)
        elif hasattr(self.parent_widget, "show_error"):
            self.parent_widget.show_error(exc)


# ---- the round tabs ------------------------------------------------------------------------

class RoundTab(MessageHost):
    """Mixin of the tabs that show one assessment round picked in `round_combo` (考核检查, 结果报告).

    The widget provides `round_combo`, `stack` (page 0: `empty_label`, page 1: the round),
    `_update_actions()` and `select_round(round_id, force=)`, and may refine the hooks below.
    """

    TAB_TITLE = ""  # the tab's name in "无法显示…"
    NO_ROUNDS_HTML = ""  # the empty page when the database has no round yet

    def _init_round_tab(self) -> None:
        self.db: Database | None = None
        self.current_dialog: Any = None
        self.current_message = None
        self.task: Task | None = None
        self.last_timings: dict[str, float] = {}
        self._round_id: str | None = None
        self._seen_tx: int | None = None

    # ---- database
    def set_database(self, db: Database | None) -> None:
        self._release_database()
        self.db = db
        self._round_id = None
        self._clear_views()
        if db is None:
            self._show_empty("<h3>未打开数据库</h3>")
            self._fill_rounds()
            self._update_actions()
            return
        try:
            local_office(db)
        except UserError as e:
            self.db = None
            self._show_empty(f"<h3>无法显示{self.TAB_TITLE}</h3><p>{e.message}</p>")
            self._update_actions()
            return
        self._seen_tx = self._tx_mark()
        self._open_rounds()

    def _wait_for_tasks(self) -> None:
        if self.task is not None or getattr(self, "dash_task", None) is not None:
            QThreadPool.globalInstance().waitForDone(10000)  # nothing may read the old database after it closes

    def _release_database(self) -> None:
        """Before another database: dialogs closed, background readers finished."""
        close_dialog(self)
        self._wait_for_tasks()

    def _clear_views(self) -> None:
        """What the tab shows of the old database is dropped."""

    def _open_rounds(self) -> None:
        self._fill_rounds()

    def _tx_mark(self) -> int | None:
        return self.db.scalar("SELECT max(id) FROM tx_log") if self.db is not None else None

    def on_data_changed(self, tables: set[str] | None = None) -> None:
        """After a committed unit of work: nothing happens unless the change log moved."""
        if self.db is None:
            return
        mark = self._tx_mark()
        if mark == self._seen_tx:
            return
        self._seen_tx = mark
        self._tables_changed(tables)

    def _tables_changed(self, tables: set[str] | None) -> None:
        raise NotImplementedError

    def _show_empty(self, html: str) -> None:
        self.empty_label.setText(html)
        self.stack.setCurrentIndex(0)

    # ---- rounds
    @property
    def round_id(self) -> str | None:
        return self._round_id

    def _round_label(self, r: rounds_api.Round) -> str:
        raise NotImplementedError

    def _fill_rounds(self, keep: str | None = None) -> None:
        combo = self.round_combo
        combo.blockSignals(True)
        combo.clear()
        rounds = rounds_api.list_rounds(self.db) if self.db is not None else []
        for r in rounds:
            combo.addItem(self._round_label(r), r.id)
        combo.blockSignals(False)
        if not rounds:
            self._round_id = None
            self._no_rounds()
            self._update_actions()
            return
        i = combo.findData(keep) if keep else -1
        combo.setCurrentIndex(i if i >= 0 else 0)
        self.select_round(combo.currentData(), force=True)

    def _no_rounds(self) -> None:
        if self.db is not None:
            self._show_empty(self.NO_ROUNDS_HTML)

    def _enter_round(self, round_id: str) -> None:
        """`round_id` becomes the current round: the combo follows without a signal, the round page shows."""
        self._round_id = round_id
        i = self.round_combo.findData(round_id)
        if i >= 0 and self.round_combo.currentIndex() != i:
            self.round_combo.blockSignals(True)
            self.round_combo.setCurrentIndex(i)
            self.round_combo.blockSignals(False)
        self.stack.setCurrentIndex(1)

    # ---- background work
    def run_task(self, label: str, fn, on_done, on_error=None) -> Task:
        """Long work off the GUI thread; `_task_started` / `_task_ended` keep the clerk from writing meanwhile."""
        self._task_started()

        def finished() -> None:
            self._task_ended(task)

        task = Task(self, label, fn, on_done, on_error)  # type: ignore[arg-type]
        task.finished.connect(finished)
        self.task = task
        return task

    def _task_started(self) -> None:
        raise NotImplementedError

    def _task_ended(self, task: Task) -> None:
        if self.task is task:
            self.task = None
