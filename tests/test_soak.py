"""A long day at the desk, compressed: a few hundred cycles of ordinary use of the main window on the
demo town (offscreen), watching that nothing piles up.

Each cycle does what a clerk does all day: clicks an organisation in the tree, types a search in
the member filter and clears it, opens a member's dialog and cancels it, visits the other tabs;
every second cycle it types a score into a sheet and types the old one back, every third it looks
at the publicity sheet's preview. After a warm-up (caches, first imports) the test fails when,
per cycle, the QObjects under the main window grow by more than QOBJECTS_PER_CYCLE, the dead
wrappers (Python objects whose Qt object was deleted, kept alive by something) by more than
DEAD_PER_CYCLE, or the process's resident memory by more than RSS_PER_CYCLE (the slope of a
least-squares line through one sample a cycle, over the second half of the cycles: the first
still fill caches; when that is over, again over as many cycles more: caches that fill late can
lift one stretch, a leak lifts every one). The counts catch any leak of Qt objects exactly; the
memory bound catches leaks of plain data from about RSS_PER_CYCLE a cycle (a clean run grows a
few kB a cycle while the undo stack and the caches fill). The cycles stop after TIME_BUDGET seconds on a slow machine
(never below MIN_CYCLES).

What it guards against (each fails this test when put back): every dialog loaded with QUiLoader
and closed left about 80 dead wrappers on its page (now deleted with gui/forms.py release, which
common.open_dialog uses); a publicity preview kept its PDF in a QBuffer of the page, and every
background task stayed on its page with its timers (both released by the pages and gui/kit now).
"""

from __future__ import annotations

import gc
import os
import sys
import time

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QTreeView

pytestmark = [pytest.mark.gui, pytest.mark.slow]

WARMUP = 12
CYCLES = 300
MIN_CYCLES = 40
TIME_BUDGET = 40.0  # seconds for the measured cycles
RSS_PER_CYCLE = 20 * 1024  # bytes
QOBJECTS_PER_CYCLE = 0.1
DEAD_PER_CYCLE = 0.5
SLACK_QOBJECTS = 8  # an editor or a task may be alive at either count


# ---- what is measured ---------------------------------------------------------------------------

def rss_bytes() -> int | None:
    """The process's resident set size: psutil when installed, else /proc, else Windows' own count."""
    try:
        import psutil
    except ImportError:
        pass
    else:
        return psutil.Process().memory_info().rss
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        pass
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD)] + [
                (n, ctypes.c_size_t) for n in ("PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
                                               "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage",
                                               "QuotaNonPagedPoolUsage", "PagefileUsage", "PeakPagefileUsage")]

        c = Counters()
        c.cb = ctypes.sizeof(c)
        get = ctypes.windll.psapi.GetProcessMemoryInfo
        get.argtypes = [wintypes.HANDLE, ctypes.POINTER(Counters), wintypes.DWORD]
        if get(ctypes.windll.kernel32.GetCurrentProcess(), ctypes.byref(c), c.cb):
            return c.WorkingSetSize
    return None


def dead_wrappers() -> int:
    """Python wrappers of Qt objects whose C++ object is gone, still alive after a full collection."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, shiboken6.Object) and not shiboken6.isValid(o))


def qobjects_under(obj: QObject) -> int:
    """How many QObjects live below `obj`. Counted through children(): findChildren() would tie a
    wrapper of each to `obj` for good, and those of objects deleted later would count as dead."""
    return sum(1 + qobjects_under(child) for child in obj.children())


def cell_editors(view) -> list[QLineEdit]:
    """The open cell editors of an item view. Not view.indexWidget() nor findChildren(): both tie
    a wrapper of each editor to the view for good, dead once the view deletes the editor (a leak
    of the test, not of the program)."""
    return [x for x in view.viewport().children() if isinstance(x, QLineEdit) and x.isVisible()]


def slope(values: list[int]) -> float:
    """Least-squares growth per sample."""
    n = len(values)
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den


def settle() -> None:
    """Let queued work run and deferred deletions happen, as the event loop does between clicks."""
    app = QApplication.instance()
    for _ in range(3):
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# ---- the clerk ------------------------------------------------------------------------------------

class Clerk:
    """Drives the main window through its public attributes and objectNames only."""

    def __init__(self, window, qtbot):
        self.w, self.qtbot = window, qtbot
        self.registry, self.assessment, self.reports = window.registry_tab, window.assessment_tab, window.reports_tab
        self.tree = window.findChild(QTreeView, "orgTree")
        self.search = window.findChild(QLineEdit, "memberSearch")
        self.members = window.findChild(QTableView, "memberTable")
        assert self.tree is not None and self.search is not None and self.members is not None
        self.others = [window.tabs.widget(i) for i in range(window.tabs.count())
                       if window.tabs.widget(i) not in (self.registry, self.assessment, self.reports)]
        self.cell = self._editable_cell()

    def show(self, page) -> None:
        self.w.tabs.setCurrentWidget(page)
        settle()

    # -- 组织台账
    def click_tree(self, i: int) -> None:
        self.show(self.registry)
        model = self.tree.model()
        top = model.index(0, 0)
        self.tree.setCurrentIndex(model.index(i % model.rowCount(top), 0, top))
        settle()

    def type_search(self, i: int) -> None:
        self.search.setFocus()
        self.search.insert("王李张"[i % 3])  # what an input method commits
        self.qtbot.keyClicks(self.search, "1")
        self.qtbot.keyClick(self.search, Qt.Key.Key_Return)
        settle()
        self.search.clear()
        self.qtbot.keyClick(self.search, Qt.Key.Key_Return)
        settle()

    def open_and_cancel_member(self, i: int) -> None:
        model = self.members.model()
        assert model.rowCount() > 0
        self.members.setCurrentIndex(model.index(i % min(model.rowCount(), 20), 0))
        self.registry.action_edit_member.trigger()
        dialog = self.registry.current_dialog
        assert dialog is not None and dialog.dialog.isVisible()
        self.qtbot.keyClick(dialog.dialog, Qt.Key.Key_Escape)
        settle()
        assert self.registry.current_dialog is None

    # -- 考核检查
    def _editable_cell(self) -> tuple[str, int, int]:
        """A score cell (自评分, 初评 or 复评: columns 3 to 5) of the round in progress that can be
        typed into now."""
        from dangjian_desktop.assessment.dashboard import dashboard
        from dangjian_desktop.assessment.rounds import list_rounds

        self.show(self.assessment)
        editor = self.assessment.editor
        current = list_rounds(self.w.db)[0]  # the round in progress
        for sheet_id in (row.sheet_id for row in dashboard(self.w.db, current.id).rows):
            self.assessment.open_sheet(sheet_id)
            model = editor.model
            for row in range(model.rowCount()):
                if model.is_item_row(row):
                    for col in (3, 4, 5):
                        if model.flags(model.index(row, col)) & Qt.ItemFlag.ItemIsEditable:
                            return sheet_id, row, col
        raise AssertionError("the demo town has no sheet with a score that can be typed")

    def _type_in_cell(self, index, text: str) -> None:
        view = self.assessment.editor.view
        view.setFocus()
        view.setCurrentIndex(index)
        view.edit(index)
        rect = view.visualRect(index)
        line = next(x for x in cell_editors(view) if x.geometry().intersects(rect))
        line.selectAll()
        if text:
            self.qtbot.keyClicks(line, text)
        else:
            self.qtbot.keyClick(line, Qt.Key.Key_Delete)
        self.qtbot.keyClick(line, Qt.Key.Key_Return)
        settle()
        for other in cell_editors(view):  # Enter opened the next item's cell
            self.qtbot.keyClick(other, Qt.Key.Key_Escape)
        settle()

    def type_and_restore_score(self) -> None:
        self.show(self.assessment)
        sheet_id, row, col = self.cell
        editor = self.assessment.editor
        if editor.sheet_id != sheet_id:
            self.assessment.open_sheet(sheet_id)
        old = editor.model.index(row, col).data() or ""
        new = "1" if old != "1" else "0"
        self._type_in_cell(editor.model.index(row, col), new)
        assert editor.model.index(row, col).data() == new, editor.status_label.text()
        self._type_in_cell(editor.model.index(row, col), old)
        assert (editor.model.index(row, col).data() or "") == old, editor.status_label.text()

    # -- 结果报告
    def preview_publicity(self) -> None:
        tab = self.reports
        self.show(tab)
        tab.tabs.setCurrentWidget(tab.preview)  # 公示表: builds the sheet unless the results are being re-rated
        self.qtbot.waitUntil(lambda: tab.task is None, timeout=30000)
        if tab.preview.pdf_bytes is None and tab.preview.error is None:
            with self.qtbot.waitSignal(tab.preview_ready, timeout=30000):
                tab.build_preview()
        assert tab.preview.pdf_bytes and tab.preview.error is None, tab.preview.error
        tab.tabs.setCurrentIndex(0)
        settle()

    def cycle(self, i: int) -> None:
        self.click_tree(i)
        self.type_search(i)
        self.open_and_cancel_member(i)
        if i % 2 == 0:
            self.type_and_restore_score()
        if i % 3 == 0:
            self.preview_publicity()
        self.show(self.others[i % len(self.others)])


# ---- the tests ------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["reject", "accept"])
def test_a_closed_dialog_leaves_nothing_on_its_page(qtbot, how):
    """A Designer-form dialog opened with open_dialog and closed is deleted, wrappers and all."""
    from PySide6.QtWidgets import QWidget

    from dangjian_desktop.gui.common import open_dialog
    from dangjian_desktop.gui.kit.form_dialog import FormDialog

    class Form(FormDialog):
        FORM = "new_database.ui"

        def save(self):
            return "saved"

    page = QWidget()
    qtbot.addWidget(page)
    page.current_dialog = None
    saved = []

    def open_and_close() -> None:
        wrapper = open_dialog(page, Form(page), saved.append)
        assert wrapper.dialog.isVisible() and page.current_dialog is wrapper
        if how == "accept":
            wrapper.ok_button.click()
        else:
            wrapper.dialog.reject()
        assert not wrapper.dialog.isVisible() and page.current_dialog is None  # still there just after
        settle()

    open_and_close()
    dead, objects = dead_wrappers(), qobjects_under(page)
    for _ in range(3):
        open_and_close()
    assert dead_wrappers() == dead
    assert qobjects_under(page) == objects
    assert saved == (["saved"] * 4 if how == "accept" else [])


@pytest.fixture
def window(qtbot, demo_town, tmp_path):
    from dangjian_desktop.gui.main_window import MainWindow

    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.activateWindow()
    qtbot.waitActive(w)
    assert w.open_database(demo_town)
    yield w
    w.close_database()


def test_a_long_day_leaves_nothing_behind(window, qtbot):
    clerk = Clerk(window, qtbot)
    for i in range(WARMUP):
        clerk.cycle(i)
    settle()
    dead_before = dead_wrappers()
    objects_before = qobjects_under(window)
    started = time.perf_counter()

    def stretch(first: int) -> list:
        """Cycles up to the budget, from cycle number `first`: the resident memory after each."""
        rss, t0 = [], time.perf_counter()
        while len(rss) < CYCLES and (len(rss) < MIN_CYCLES or time.perf_counter() - t0 < TIME_BUDGET):
            clerk.cycle(first + len(rss))
            rss.append(rss_bytes())
        return rss

    rss = stretch(WARMUP)
    n = len(rss)
    settle()
    dead_growth = dead_wrappers() - dead_before
    objects_growth = qobjects_under(window) - objects_before
    rss_slope = slope(rss[n // 2:]) if rss[0] is not None else None
    figures = (f"{n} cycles in {time.perf_counter() - started:.0f} s: dead wrappers {dead_growth:+d}, "
               f"QObjects under the window {objects_growth:+d}, RSS {rss[0] and rss[0] // 1024} kB → "
               f"{rss[-1] and rss[-1] // 1024} kB, {rss[0] and slope(rss) / 1024:.1f} kB per cycle "
               f"({rss_slope and rss_slope / 1024:.1f} kB over the second half)")
    print(figures)
    assert dead_growth <= DEAD_PER_CYCLE * n, figures
    assert objects_growth <= SLACK_QOBJECTS + QOBJECTS_PER_CYCLE * n, figures
    if rss_slope is not None and rss_slope > RSS_PER_CYCLE:
        # Seen in a full run (24 kB a cycle over the second half, in a test process of about 1 GB)
        # and alone (21.6 kB, then 1.6 kB a cycle over the next 226 cycles): caches filling late.
        # A leak grows in every stretch, so the growth must show again before the test fails.
        again = stretch(WARMUP + n)
        figures += f"; {len(again)} cycles more: {slope(again) / 1024:.1f} kB per cycle"
        print(figures)
        assert slope(again) <= RSS_PER_CYCLE, figures
