"""The hidden tabs made ready while the clerk reads the one on show.

After a database is opened, the main window's other pages read what they show first (the round's
dashboard, its rating, the structure counts, the year's dues) once the clerk has not pressed a key
or a mouse button for IDLE_MS: one page at a time, each read off the GUI thread as when its tab is
shown, the next page only when every background read has ended. A tab clicked afterwards is only
painted: at a prefecture (6,250 branches, 294,000 members) the first show of 考核检查, 结果报告,
统计 and 台账 otherwise takes 0.4 to 2 s. A page already prepared that hears of a change while
hidden reads what changed when shown (LazyTabs, and the pages' own stale marks), as before.

A page is prepared through LazyTabs.prepare (the database or the changes it has not heard yet)
and then its own `prepare()` when it has one: the pages that read only while visible read the
sub-page or section that shows first. Reads started hidden show no progress dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from .lazy_tabs import LazyTabs

_INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
                    QEvent.Type.MouseButtonDblClick})


class TabPreparer(QObject):
    """Prepares the hidden pages of `tabs` one by one while the window is idle."""

    #: Quiet time (no key or mouse button pressed) before a page is prepared; None: never.
    IDLE_MS: int | None = 1500
    #: How often a page waits for the background reads of the one before it to end.
    POLL_MS = 200

    def __init__(self, tabs: QTabWidget, lazy: LazyTabs, busy=lambda: False):
        super().__init__(tabs)
        self.tabs = tabs
        self.lazy = lazy
        self.busy = busy  # the window's own test: e.g. an operation still running
        self.todo: list[QWidget] = []
        self.prepared: list[QWidget] = []
        self._watching = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)

    @property
    def done(self) -> bool:
        return not self.todo

    def database_changed(self, db) -> None:
        """A database opened (its pages are to be prepared) or closed (nothing more is)."""
        self.prepared = []
        self.todo = [] if db is None or self.IDLE_MS is None else [
            self.tabs.widget(i) for i in range(self.tabs.count())]
        if self.todo:
            self._watch(True)
            self._timer.start(self.IDLE_MS)
        else:
            self.stop()

    def stop(self) -> None:
        self.todo = []
        self._timer.stop()
        self._watch(False)

    def _watch(self, on: bool) -> None:
        """Hear the clerk's keys and clicks only while there is something to prepare."""
        app = QApplication.instance()
        if app is None or on == self._watching:
            return
        self._watching = on
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() in _INPUT and self.todo and self.IDLE_MS is not None:
            self._timer.start(self.IDLE_MS)  # the clerk is working: later
        return False

    def _waiting(self) -> bool:
        return (QApplication.activeModalWidget() is not None or QApplication.activePopupWidget() is not None
                or QThreadPool.globalInstance().activeThreadCount() > 0 or bool(self.busy()))

    def _step(self) -> None:
        if not self.todo:
            return self.stop()
        if self._waiting():
            self._timer.start(self.POLL_MS)
            return
        page = self.todo.pop(0)
        if page is not self.tabs.currentWidget():  # the page on show has read already
            self.lazy.prepare(page)
            prepare = getattr(page, "prepare", None)
            if callable(prepare):
                prepare()
            self.prepared.append(page)
        if self.todo:
            self._timer.start(self.POLL_MS)
        else:
            self.stop()
