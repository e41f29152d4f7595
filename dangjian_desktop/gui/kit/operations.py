"""Operations: every change a clerk makes goes one way, and every page hears of it the same way.

    Operation(page, "删除轮次", lambda db: rounds.delete_round(db, rid)).success(done).run()
    Operation(page, "正在导入…", lambda db, progress: import_roster(db, path, progress=progress),
              takes_progress=True).run_in_background()
    Query(page, "正在计算评定结果…", lambda db: rate_round(db, rid)).success(show).run_in_background()
    Query(page, "正在导出花名册……", lambda db, progress, cancelled: export_roster(db, path, cancel=cancelled),
          takes_progress=True, cancellable=True).run_in_background()
    Query(page, "正在保存…", lambda db, progress: save_ledger(db, …, progress=progress),
          takes_progress=True, stops_at_progress=True).run_in_background()

An Operation runs a core function with the page's Database: on the GUI thread (`run`, for quick
changes) or on the thread pool (`run_in_background`, for long ones; the progress dialog appears
only after PROGRESS_DELAY_MS, with a 取消 button when the work is `cancellable`: it is then called
with a third argument, `cancelled()`, that turns true once the clerk pressed 取消; or when it
`stops_at_progress`: its next progress report then raises errors.Cancelled, which no box tells).
A failure is told in one place (messages.report_error: a UserError's Chinese message, or a short
apology with the log file for a bug) unless the caller takes it with `failure(...)`. When the operation has
committed anything, the database's OperationBus emits ONE `changed(Changes)` naming every table
its units of work wrote (also after a failure that had committed part of its work), and only then
runs the `success` callback, so the pages are up to date when it does.

A Query is the read-only sibling: in the background it reads through a connection of its own,
opened read-only, so the GUI thread keeps its connection and nothing can be written.

The OperationBus hears every unit of work committed on its database, whatever made it (an
Operation, a core function called straight from a dialog, undo, a restore) through
`Database.on_commit`, from whatever thread. Outside an operation each commit becomes one
`changed`. Pages refresh themselves from `changed`; none polls the database.
"""

from __future__ import annotations

import logging
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from ...db import Database
from ...progress import stoppable
from .messages import report_error
from .tasks import PROGRESS_DELAY_MS, Task

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """What one operation (or one unit of work made another way) changed.

    `tables`: the tables written; `rows`: ids of rows the operation names as changed (optional, the
    caller's word); `serial`: the bus's count of units of work when it was told; `source`: the
    Operation, or None when the change came another way.
    """

    tables: frozenset[str]
    rows: frozenset[str] = frozenset()
    serial: int = 0
    source: Any = field(default=None, compare=False)

    def touches(self, *tables: str | Iterable[str]) -> bool:
        """Did it write any of these tables? touches('member', 'org') or touches(REGISTRY_TABLES)."""
        names: set[str] = set()
        for t in tables:
            names.update((t,) if isinstance(t, str) else t)
        return bool(self.tables & names)


_BUSES: "weakref.WeakKeyDictionary[Database, OperationBus]" = weakref.WeakKeyDictionary()


class OperationBus(QObject):
    """One per open database (the main window owns it): `changed(Changes)` after every change.

    `serial` counts the units of work committed on the database since the bus was attached, so a
    page can tell a change it has not shown yet (commit_mark) without asking the database. The bus
    is attached when the database opens (main window) or when a page first asks (bus_for), before
    the listeners that read its serial, so the serial has moved when they run.
    """

    changed = Signal(object)  # Changes
    busy_changed = Signal(bool)  # background operations started (True) / all finished (False)
    _heard = Signal(object)  # Changes from any thread, delivered on the bus's thread

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._db: Database | None = None
        self._lock = threading.Lock()
        self._serial = 0
        self._capturing: dict[int, list[set[str]]] = {}  # thread -> the operations under way there
        self._running: set[Any] = set()  # background operations and queries, kept alive until they end
        self._heard.connect(self._deliver)

    # ---- the database -----------------------------------------------------------------------
    @property
    def db(self) -> Database | None:
        return self._db

    @property
    def serial(self) -> int:
        return self._serial

    @property
    def busy(self) -> bool:
        """Background operations or queries under way."""
        return bool(self._running)

    def attach(self, db: Database | None) -> None:
        """Hear `db`'s commits from now on (None: none). Background work on the old one is waited for."""
        if db is self._db:
            return
        if self._db is not None:
            self.wait_idle()
            if _BUSES.get(self._db) is self:
                del _BUSES[self._db]
        self._db = db
        if db is None:
            return
        _BUSES[db] = self
        ref = weakref.ref(self)

        def committed(tables: set[str], db: Database = db) -> None:
            bus = ref()
            if bus is not None and shiboken6.isValid(bus) and bus._db is db:
                bus._committed(tables)

        db.on_commit(committed)

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Wait (processing events) until no background operation of this bus is running."""
        deadline = QDeadlineTimer(timeout_ms)
        while self._running and not deadline.hasExpired():
            QThreadPool.globalInstance().waitForDone(50)
            QCoreApplication.processEvents()
        return not self._running

    # ---- hearing commits ----------------------------------------------------------------------
    def _committed(self, tables: set[str]) -> None:
        """A unit of work was committed (in any thread)."""
        with self._lock:
            self._serial += 1
            serial = self._serial
            stack = self._capturing.get(threading.get_ident())
            if stack:
                stack[-1].update(tables)  # told once, when its operation ends
                return
        self._heard.emit(Changes(frozenset(tables), serial=serial))

    @contextmanager
    def capture(self) -> Iterator[set[str]]:
        """Collect the tables of the units of work this thread commits inside the block."""
        tid = threading.get_ident()
        tables: set[str] = set()
        with self._lock:
            self._capturing.setdefault(tid, []).append(tables)
        try:
            yield tables
        finally:
            with self._lock:
                stack = self._capturing[tid]
                stack.pop()
                if not stack:
                    del self._capturing[tid]

    def publish(self, tables: Iterable[str], rows: Iterable[str] = (), source: Any = None) -> Changes | None:
        """Tell every page what an operation changed (nothing when it changed nothing)."""
        changes = Changes(frozenset(tables), frozenset(rows), self._serial, source)
        if not changes.tables:
            return None
        self._heard.emit(changes)
        return changes

    def _deliver(self, changes: Changes) -> None:
        if changes.tables:
            self.changed.emit(changes)

    # ---- background work --------------------------------------------------------------------
    def _started(self, work: Any) -> None:
        was = self.busy
        self._running.add(work)
        if not was:
            self.busy_changed.emit(True)

    def _ended(self, work: Any) -> None:
        self._running.discard(work)
        if not self._running and shiboken6.isValid(self):
            self.busy_changed.emit(False)


def bus_for(db: Database) -> OperationBus:
    """The bus hearing `db`: the main window's, or (for a page used on its own) a new one."""
    bus = _BUSES.get(db)
    if bus is None or not shiboken6.isValid(bus):
        bus = OperationBus()
        bus.attach(db)
    return bus


def commit_mark(db: Database | None) -> int | None:
    """A mark that moves with every unit of work committed on `db` (None without a database).

    A page keeps the mark of what it shows and skips a refresh when the mark has not moved."""
    return bus_for(db).serial if db is not None else None


class _Work(Generic[T]):
    """What Operation and Query share: the callbacks, the database, the parent and the task."""

    def __init__(self, parent: QWidget | None, label: str, op: Callable[..., T], *,
                 db: Database | None = None, takes_progress: bool = False, cancellable: bool = False,
                 stops_at_progress: bool = False):
        if (cancellable or stops_at_progress) and not takes_progress:
            raise ValueError("cancellable work takes progress too: op(db, progress[, cancelled])")
        self.parent = parent
        self.label = label
        self._op = op
        self.db: Database | None = db if db is not None else getattr(parent, "db", None)
        self.takes_progress = takes_progress
        self.cancellable = cancellable
        self.stops_at_progress = stops_at_progress
        self.cancel_event = threading.Event() if cancellable or stops_at_progress else None
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[BaseException], Any] | None = None
        self._after: Callable[[], Any] | None = None
        self.result: T | None = None
        self.error: BaseException | None = None
        self.running = False
        self.task: Task | None = None
        if self.db is None:
            raise RuntimeError(f"{type(self).__name__} {label!r} has no database")

    def success(self, fn: Callable[[T], Any] | None):
        """Run `fn(result)` on the GUI thread when the work succeeded."""
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], Any] | None):
        """Take a failure instead of the standard report (messages.report_error)."""
        self._failure = fn
        return self

    def after(self, fn: Callable[[], Any] | None):
        """Run `fn()` once the work ended, succeeded or not (after success / failure)."""
        self._after = fn
        return self

    def _call(self, db: Database, progress: Callable[..., None] | None) -> T:
        if self.cancellable:
            return self._op(db, progress or (lambda *_a: None), self.cancel_event.is_set)
        if self.stops_at_progress:  # 取消: errors.Cancelled at the work's next report
            return self._op(db, stoppable(progress, self.cancel_event.is_set))
        if self.takes_progress:
            return self._op(db, progress or (lambda *_a: None))
        return self._op(db)

    def _succeeded(self, result: T) -> None:
        self.result = result
        if self._success is not None:
            self._success(result)

    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        if self._failure is not None:
            self._failure(exc)
        else:
            report_error(self.parent, exc)

    def _ended(self) -> None:
        self.running = False
        self.task = None
        try:
            if self._after is not None:
                self._after()
        finally:
            self._success = self._failure = self._after = None  # nothing of the page is kept

    def _guarded(self, fn: Callable[..., Any], *args: Any) -> None:
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - a callback's failure is told, never raised into Qt
            report_error(self.parent, e)


class Operation(_Work[T]):
    """A change a clerk makes: `op(db)` (or `op(db, progress)` with takes_progress=True).

    `rows`: ids of the rows it changes, passed on in Changes.rows for pages that can use them.
    """

    def __init__(self, parent: QWidget | None, label: str, op: Callable[..., T], *,
                 db: Database | None = None, rows: Iterable[str] = (), takes_progress: bool = False,
                 cancellable: bool = False):
        super().__init__(parent, label, op, db=db, takes_progress=takes_progress, cancellable=cancellable)
        self.rows = frozenset(rows)
        self.changes: Changes | None = None
        self.bus = bus_for(self.db)

    def run(self) -> "Operation[T]":
        """Run now, on the GUI thread (a quick change)."""
        self.running = True
        tables: set[str] = set()
        try:
            with self.bus.capture() as tables:
                result = self._call(self.db, None)
        except Exception as e:  # noqa: BLE001 - told in one place
            self._publish(tables)
            self._guarded(self._failed, e)
        else:
            self._publish(tables)
            self._guarded(self._succeeded, result)
        self._ended()
        return self

    def run_in_background(self, *, delay_ms: int | None = PROGRESS_DELAY_MS) -> "Operation[T]":
        """Run on the thread pool; the progress dialog (named by the label) shows after `delay_ms`.

        The caller keeps the clerk from writing meanwhile (the bus says `busy`)."""
        self.running = True
        bus, db = self.bus, self.db
        heard: set[str] = set()

        def work(progress):
            with bus.capture() as tables:
                try:
                    return self._call(db, progress)
                finally:
                    heard.update(tables)

        def done(result: T) -> None:
            self._publish(heard)
            self._guarded(self._succeeded, result)

        def failed(exc: BaseException) -> None:
            self._publish(heard)
            self._guarded(self._failed, exc)

        def finished() -> None:
            bus._ended(self)
            self._ended()

        bus._started(self)
        self.task = Task(self.parent, self.label, work, done, failed, delay_ms=delay_ms, cancel=self.cancel_event)
        self.task.finished.connect(finished)
        return self

    def _publish(self, tables: set[str]) -> None:
        self.changes = self.bus.publish(tables, self.rows, self)


class Query(_Work[T]):
    """A read: `op(db)` (or `op(db, progress)`); never announces a change.

    In the background it reads through its own read-only connection to the same file
    (own_connection=False: the page's connection, for a database that exists only in memory).
    `progress=False` keeps it quiet: no progress dialog however long it takes.
    """

    def __init__(self, parent: QWidget | None, label: str, op: Callable[..., T], *,
                 db: Database | None = None, takes_progress: bool = False, progress: bool = True,
                 own_connection: bool = True, cancellable: bool = False, stops_at_progress: bool = False):
        super().__init__(parent, label, op, db=db, takes_progress=takes_progress, cancellable=cancellable,
                         stops_at_progress=stops_at_progress)
        self.progress = progress
        self.own_connection = own_connection

    def run(self) -> "Query[T]":
        """Run now, on the GUI thread, with the page's connection."""
        self.running = True
        try:
            result = self._call(self.db, None)
        except Exception as e:  # noqa: BLE001 - told in one place
            self._guarded(self._failed, e)
        else:
            self._guarded(self._succeeded, result)
        self._ended()
        return self

    def run_in_background(self, *, delay_ms: int | None = PROGRESS_DELAY_MS) -> "Query[T]":
        self.running = True
        path, own, db = self.db.path, self.own_connection, self.db
        bus = bus_for(db)

        def work(progress):
            if not own:
                return self._call(db, progress)
            reader = Database.open(path, mode="read")
            try:
                return self._call(reader, progress)
            finally:
                reader.close()

        def finished() -> None:
            bus._ended(self)
            self._ended()

        bus._started(self)
        self.task = Task(self.parent, self.label, work, self._succeeded, self._failed,
                         delay_ms=delay_ms if self.progress else None, cancel=self.cancel_event)
        self.task.finished.connect(finished)
        return self


__all__ = ["Changes", "Operation", "OperationBus", "Query", "bus_for", "commit_mark", "PROGRESS_DELAY_MS"]
