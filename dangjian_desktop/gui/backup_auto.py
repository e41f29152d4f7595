"""Automatic backups of the open database: when it is closed after changes, and every 30 minutes
of work with changes. The work is the core's (db/backup.py); this only decides when, and keeps
the window responsive meanwhile."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from ..db import Database
from ..db.backup import auto_backup, change_marker, unsaved_changes
from ..errors import UserError
from .kit.tasks import PROGRESS_DELAY_MS, progress_dialog, show_progress
from .errors import show_error
from .kit.messages import report_error

log = logging.getLogger(__name__)


def run_blocking(parent: QWidget | None, label: str, fn: Callable[[Callable[..., None]], Any],
                 delay_ms: int = PROGRESS_DELAY_MS) -> Any:
    """Run `fn(progress)` on a thread and wait for it without freezing the window.

    Returns its result or raises its exception. When it takes longer than `delay_ms` a
    window-modal progress dialog (no cancel) shows while a local event loop keeps painting.
    """
    state: dict[str, Any] = {"progress": (0, 0, "")}

    def progress(done: int, total: int, text: str = "") -> None:
        state["progress"] = (done, total, text)

    def work() -> None:
        try:
            state["value"] = fn(progress)
        except BaseException as e:  # noqa: BLE001 - handed back to the caller's thread
            state["error"] = e

    thread = threading.Thread(target=work, name="dangjian-backup", daemon=True)
    thread.start()
    thread.join(delay_ms / 1000)
    if thread.is_alive():
        dlg = progress_dialog(parent, label)
        dlg.show()
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(50)

        def poll() -> None:
            try:
                show_progress(dlg, label, *state["progress"])
            finally:  # whatever the bar made of it, the wait ends with the work
                if not thread.is_alive():
                    loop.quit()

        timer.timeout.connect(poll)
        timer.start()
        loop.exec()
        timer.stop()
        dlg.close()
        dlg.deleteLater()
    thread.join()
    if "error" in state:
        raise state["error"]
    return state.get("value")


class _Relay(QObject):
    """Brings the result of a background backup back to the GUI thread."""

    done = Signal(object, object)  # the thread, and (path or None, exception or None)


class AutoBackup(QObject):
    """Backs up the window's database on closing it and every INTERVAL_MS, when it changed.

    "Changed" is the core's unsaved_changes: the newest unit of work differs from the one at
    opening and from the one the newest backup holds. Set `suspended` to close a database
    without a backup (a restore makes its own first).
    """

    INTERVAL_MS = 30 * 60 * 1000
    finished = Signal(object)  # the path of a background backup just made (tests wait for it)

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.db: Database | None = None
        self.baseline: str | None = None  # change marker when the database was opened
        self.suspended = False
        self.last_backup: Path | None = None
        self._thread: threading.Thread | None = None
        self.failure_told = False  # a timed backup's failure shown in a box since the database was opened
        self.failure_box = None
        self._relay = _Relay(self)
        self._relay.done.connect(self._heard, Qt.ConnectionType.QueuedConnection)
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.on_timer)
        window.database_changed.connect(self._database_changed)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _database_changed(self, db: Database | None) -> None:
        old, self.db = self.db, db
        self.timer.stop()
        if old is not None and old is not db and not self.suspended:
            self.backup_on_close(old)  # emitted before the window closes it
        self.failure_told = False
        if db is not None and not db.readonly:
            # After a crash the work of the session cut short is in the file but perhaps in no
            # backup: it counts as unsaved until a backup holds it (unsaved_changes checks that).
            self.baseline = None if db.stale_lock_cleared is not None else change_marker(db)
            self.timer.start()

    def _wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def backup_on_close(self, db: Database) -> Path | None:
        """A backup of a database that is being closed, when it changed since it was opened."""
        self._wait()
        if db.readonly:
            return None
        try:
            if not unsaved_changes(db, self.baseline):
                return None
            path = db.path
            self.last_backup = run_blocking(self.window, "正在自动备份数据库…",
                                            lambda progress: auto_backup(path, "close", progress=progress))
        except Exception as e:  # noqa: BLE001 - the clerk must know; closing goes on
            log.exception("backup on close failed")
            show_error(self.window, e, "自动备份没有成功")
            return None
        return self.last_backup

    def on_timer(self) -> None:
        """Every INTERVAL_MS: a backup in the background when the database changed."""
        db = self.db
        if db is None or db.readonly or self.running:
            return
        try:
            if not unsaved_changes(db, self.baseline):
                return
        except Exception:  # noqa: BLE001 - the next tick tries again
            log.exception("checking for changes failed")
            return
        path, relay = db.path, self._relay

        def work() -> None:
            try:
                outcome = (auto_backup(path, "auto"), None)
            except Exception as e:  # noqa: BLE001 - reported on the GUI thread
                outcome = (None, e)
            relay.done.emit(thread, outcome)  # the thread's last step: joined at once when heard

        thread = self._thread = threading.Thread(target=work, name="dangjian-auto-backup", daemon=True)
        thread.start()

    def _heard(self, thread: threading.Thread, outcome: tuple) -> None:
        if thread is self._thread:
            # It may not have ended yet when its report is heard: until then it would still count as
            # running, and the next tick would be skipped.
            thread.join()
            self._thread = None
        self._background_done(*outcome)

    def _background_done(self, path: Path | None, error: BaseException | None) -> None:
        bar = self.window.statusBar()
        if error is not None:
            log.error("automatic backup failed: %s", error)
            why = getattr(error, "message", None) or str(error)
            bar.showMessage(f"定时自动备份没有成功：{why}", 15000)
            if not self.failure_told:
                # Once per opened database in a box (a full disk is not seen in 15 s of status bar);
                # the next failures only in the status bar.
                self.failure_told = True
                self.failure_box = report_error(
                    self.window, UserError(f"{why}\n\n问题解决之前，程序有改动时每 30 分钟会再试一次。"),
                    "定时自动备份没有成功")
        else:
            self.last_backup = path
            bar.showMessage(f"已自动备份数据库（{path.name}）", 10000)
        self.finished.emit(path)
