"""Python's garbage collection on the GUI thread only.

Python's cycle collector runs in whichever thread happens to allocate when a generation's count
passes its threshold, and that can be a thread-pool thread running a task. If the cycle it frees
holds a Qt object owned by Python (a dialog, a task, a model), the object's C++ side is destroyed
on that thread while the GUI thread may be using it: a crash at a random moment, seen once in
hundreds of test runs. So, once the GUI starts background work, automatic collection is switched
off and the same generational rule is applied on the GUI thread instead: from a timer, and
whenever `collect_due()` is called (the tests call it after each test).

Python's own collector does not run a full collection each time the oldest generation's count
passes its threshold: it waits while few objects have joined the oldest generation since the
last one, so a program that keeps many objects alive (a county's year of dues, a prefecture's
member search) does not sweep them all again and again. The rule here is its counterpart in
time: a full collection waits until the time since the last one is at least FULL_WAIT times
what that one took (a collection of 0.2 s runs at most every 4 s, 5 % of the GUI thread);
meanwhile the younger generations are collected as due.
"""

from __future__ import annotations

import gc
import threading
import time

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 1000
FULL_WAIT = 20  # a full collection waits at least this many times as long as the last one took

_thresholds: tuple[int, int, int] | None = None
_last_full: tuple[float, float] = (float("-inf"), 0.0)  # (monotonic end, seconds taken) of the last full one
_collector: "GuiGarbageCollector | None" = None


def disable_automatic() -> None:
    """Switch automatic collection off, keeping its thresholds for collect_due (idempotent)."""
    global _thresholds
    if _thresholds is None:
        t = gc.get_threshold()
        _thresholds = (t[0] or 700, t[1] or 10, t[2] or 10)
    gc.disable()


def collect_due() -> int | None:
    """Collect the oldest generation whose count passed its threshold, as the automatic collector
    would (on the calling thread, which must be the GUI thread). Returns the generation or None."""
    global _last_full
    if _thresholds is None:
        return None
    counts = gc.get_count()
    generation = None
    for g in range(3):
        if counts[g] > _thresholds[g]:
            generation = g
    if generation == 2:
        ended, took = _last_full
        if time.monotonic() - ended < took * FULL_WAIT:
            generation = 1  # the full one waits (see the module's note)
    if generation is not None:
        started = time.perf_counter()
        gc.collect(generation)
        if generation == 2:
            _last_full = (time.monotonic(), time.perf_counter() - started)
    return generation


class GuiGarbageCollector(QObject):
    """A timer on the application that runs collect_due on the GUI thread."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        disable_automatic()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(collect_due)
        self.timer.start()


def ensure_installed() -> None:
    """Install the GUI-thread collector once per application (from the GUI thread; without an
    application, automatic collection is still switched off and collect_due does the work)."""
    global _collector
    if threading.current_thread() is not threading.main_thread():
        return
    disable_automatic()  # again each time: whatever switched it back on (a library, a test) is undone
    app = QCoreApplication.instance()
    if app is None:
        return
    if _collector is None or not shiboken6.isValid(_collector):  # none yet, or its application is gone
        _collector = GuiGarbageCollector(app)


__all__ = ["collect_due", "disable_automatic", "ensure_installed", "GuiGarbageCollector", "FULL_WAIT", "INTERVAL_MS"]
