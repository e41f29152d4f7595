"""The shared GUI kit (gui/kit/): operations off the GUI thread with a delayed progress dialog,
failures told in one place, one `changed` per operation, every commit reaching the bus, no page
polling the database, and nothing left behind after many operations."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from dangjian_desktop.errors import UserError
from dangjian_desktop.gui.kit.messages import MessageHost
from dangjian_desktop.gui.kit.operations import Changes, Operation, OperationBus, Query, bus_for, commit_mark
from dangjian_desktop.gui.kit.tasks import Task
from dangjian_desktop.registry.orgs import add_org

pytestmark = pytest.mark.gui

GUI = Path(__file__).resolve().parent.parent / "dangjian_desktop" / "gui"


class Host(QWidget, MessageHost):
    """A page as the kit sees it: a widget with a database and a message host."""

    def __init__(self, db):
        QWidget.__init__(self)
        self.db = db


@pytest.fixture
def host(qtbot, db):
    h = Host(db)
    qtbot.addWidget(h)
    h.show()
    yield h
    if h.current_message is not None:
        h.current_message.close()


@pytest.fixture
def root(db):
    return db.scalar("SELECT id FROM org WHERE parent_id IS NULL")


def heard(bus: OperationBus) -> list[Changes]:
    got: list[Changes] = []
    bus.changed.connect(got.append)
    return got


def flush_deletions() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


def test_an_operation_runs_off_the_gui_thread_with_progress_only_after_the_delay(qtbot, host, db, root):
    bus = bus_for(db)
    got = heard(bus)
    release = threading.Event()
    threads = []

    def two_units_of_work(db):
        threads.append(threading.get_ident())  # not the QThread: a pool thread's wrapper outlives the thread
        add_org(db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")
        release.wait(10)
        return add_org(db, parent_id=root, name="西岭村党支部", org_type="党支部", kind="村")

    results = []
    op = Operation(host, "正在添加党支部…", two_units_of_work).success(results.append).run_in_background(delay_ms=300)
    assert op.task.progress_dialog is None  # nothing flashes up at once
    qtbot.wait(100)
    assert op.task.progress_dialog is None and bus.busy
    qtbot.waitUntil(lambda: op.task is not None and op.task.progress_dialog is not None, timeout=5000)
    assert "正在添加党支部" in op.task.progress_dialog.labelText()
    release.set()
    qtbot.waitUntil(lambda: not op.running, timeout=10000)

    assert threads and threads[0] != threading.main_thread().ident  # the core function ran on the pool
    assert results and db.get("org", results[0])["name"] == "西岭村党支部"
    assert len(got) == 1  # two units of work, one signal
    assert "org" in got[0].tables and got[0].source is op and op.changes is got[0]
    assert not bus.busy
    assert not host.findChildren(QProgressDialog) or all(
        not d.isVisible() for d in host.findChildren(QProgressDialog))


def test_cancellable_work_has_a_cancel_button_that_stops_it(qtbot, host, db):
    seen = []

    def long_read(reader, progress, cancelled):
        for i in range(1000):
            progress(i, 1000, f"第 {i} 步")
            if cancelled():
                seen.append(i)
                raise UserError("已取消")
            threading.Event().wait(0.01)
        return "finished"

    failures, results = [], []
    q = Query(host, "正在导出……", long_read, takes_progress=True, cancellable=True) \
        .success(results.append).failure(failures.append).run_in_background(delay_ms=0)
    qtbot.waitUntil(lambda: q.task is not None and q.task.progress_dialog is not None
                    and q.task.progress_dialog.isVisible(), timeout=5000)
    dlg = q.task.progress_dialog
    button = next(b for b in dlg.findChildren(QPushButton) if b.text() == "取消")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not dlg.isVisible()  # gone at once, not shown again by a late report
    qtbot.waitUntil(lambda: not q.running, timeout=10000)
    assert seen and seen[0] < 999 and not results
    assert [str(e) for e in failures] == ["已取消"]
    assert not bus_for(db).busy


def test_work_that_cannot_stop_has_no_cancel_button_and_on_the_gui_thread_is_never_cancelled(qtbot, host, db):
    release = threading.Event()
    q = Query(host, "正在计算……", lambda reader, progress: release.wait(10), takes_progress=True) \
        .run_in_background(delay_ms=0)
    qtbot.waitUntil(lambda: q.task is not None and q.task.progress_dialog is not None, timeout=5000)
    assert not [b for b in q.task.progress_dialog.findChildren(QPushButton) if b.text() == "取消"]
    release.set()
    qtbot.waitUntil(lambda: not q.running, timeout=10000)
    assert Query(host, "读", lambda reader, progress, cancelled: cancelled(), takes_progress=True,
                 cancellable=True).run().result is False
    with pytest.raises(ValueError):
        Query(host, "读", lambda reader: None, cancellable=True)


def test_a_quick_operation_runs_on_the_gui_thread_and_tells_its_rows(qtbot, host, db, root):
    got = heard(bus_for(db))
    threads = []

    def add(db):
        threads.append(threading.get_ident())
        return add_org(db, parent_id=root, name="镇机关党支部", org_type="党支部", kind="机关")

    op = Operation(host, "添加党支部", add, rows=["x1"]).run()
    assert threads == [threading.main_thread().ident]
    assert [c.tables for c in got] == [op.changes.tables] and "org" in op.changes.tables
    assert op.changes.rows == frozenset({"x1"}) and op.changes.touches({"org", "member"})
    assert not op.changes.touches("member")


@pytest.mark.parametrize("background", [False, True])
def test_a_user_error_is_told_in_one_place_and_changes_nothing(qtbot, host, db, background):
    got = heard(bus_for(db))

    def refuse(db):
        raise UserError("本轮已有党组织进入审核环节，不能删除。")

    op = Operation(host, "删除轮次", refuse)
    op.run_in_background() if background else op.run()
    qtbot.waitUntil(lambda: host.current_message is not None, timeout=5000)
    assert host.current_message.text() == "本轮已有党组织进入审核环节，不能删除。"
    assert host.current_message.windowModality() == Qt.WindowModality.WindowModal  # non-blocking, window-modal
    assert isinstance(op.error, UserError) and got == []


def test_a_bug_is_told_as_an_apology_and_a_failure_callback_takes_it_instead(qtbot, host, db):
    Operation(host, "计算", lambda db: 1 / 0).run()
    assert "程序内部错误（ZeroDivisionError）" in host.current_message.text()
    host.current_message.close()
    taken = []
    Operation(host, "计算", lambda db: 1 / 0).failure(taken.append).run()
    assert isinstance(taken[0], ZeroDivisionError) and host.current_message is None


def test_work_committed_before_a_failure_is_still_announced(qtbot, host, db, root):
    got = heard(bus_for(db))

    def half(db):
        add_org(db, parent_id=root, name="河湾社区党支部", org_type="党支部", kind="社区")
        raise UserError("第二步失败。")

    Operation(host, "两步", half).failure(lambda e: None).run()
    assert len(got) == 1 and "org" in got[0].tables


def test_a_write_made_directly_through_the_core_reaches_the_bus(qtbot, db, root):
    bus = OperationBus()
    bus.attach(db)
    got = heard(bus)
    mark = commit_mark(db)
    add_org(db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")  # no Operation
    assert len(got) == 1 and "org" in got[0].tables and got[0].source is None
    assert commit_mark(db) == mark + 1

    # from another thread (a CLI function run by a worker): delivered on the GUI thread
    where = []
    bus.changed.connect(lambda _c: where.append(threading.get_ident()))
    worker = threading.Thread(target=lambda: add_org(db, parent_id=root, name="西岭村党支部",
                                                     org_type="党支部", kind="村"))
    with qtbot.waitSignal(bus.changed, timeout=5000):
        worker.start()
    worker.join()
    assert where == [threading.main_thread().ident]
    bus.attach(None)
    add_org(db, parent_id=root, name="镇机关党支部", org_type="党支部", kind="机关")
    assert len(got) == 2  # a detached bus hears nothing more


def test_the_main_window_feeds_data_changed_from_its_bus(qtbot, tmp_path, db_path):
    from PySide6.QtCore import QSettings

    from dangjian_desktop.db import Database
    from dangjian_desktop.gui.main_window import MainWindow
    from dangjian_desktop.registry import init_office

    d = Database.create(db_path)
    init_office(d, name="测试镇", level="town")
    d.close()
    w = MainWindow(db_path, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    try:
        assert bus_for(w.db) is w.operations
        told = []
        w.data_changed.connect(told.append)
        root = w.db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
        add_org(w.db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")
        assert len(told) == 1 and "org" in told[0]
    finally:
        w.close_database()
    assert w.operations.db is None


def test_a_query_reads_on_a_read_only_connection_of_its_own(qtbot, host, db):
    seen = []

    def count(reader):
        seen.append(reader)
        return reader.scalar("SELECT count(*) FROM org")

    got = heard(bus_for(db))
    q = Query(host, "正在统计…", count).success(seen.append).run_in_background()
    qtbot.waitUntil(lambda: not q.running, timeout=10000)
    reader, result = seen
    assert reader is not db and reader.readonly and result == 1 and got == []


def test_no_page_polls_the_database_for_changes():
    polling = re.compile(r"max\s*\(\s*id\s*\)\s+FROM\s+tx_log", re.IGNORECASE)
    offenders = [str(p.relative_to(GUI)) for p in GUI.rglob("*.py") if polling.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def _objects_under(widget: QWidget) -> int:
    return len(widget.findChildren(QObject))


def test_fifty_operations_leave_nothing_behind(qtbot, host, db, root):
    flush_deletions()
    before = _objects_under(host)
    for n in range(25):
        op = Operation(host, "添加", lambda db, n=n: add_org(db, parent_id=root, name=f"第{n}党支部",
                                                            org_type="党支部", kind="村"))
        op.run_in_background(delay_ms=0)  # the progress dialog shows at once, then must go
        qtbot.waitUntil(lambda op=op: not op.running, timeout=10000)
        q = Query(host, "读取", lambda reader: reader.scalar("SELECT count(*) FROM org")).run_in_background(delay_ms=0)
        qtbot.waitUntil(lambda q=q: not q.running, timeout=10000)
    flush_deletions()
    assert _objects_under(host) == before
    assert not Task._live


def test_round_tab_tasks_and_preview_buffers_are_released(qtbot, tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    from dangjian_desktop.gui.reports.page import ReportsTab

    tab = ReportsTab()
    qtbot.addWidget(tab)
    flush_deletions()
    before = _objects_under(tab)
    pdf = tmp_path / "one.pdf"
    c = Canvas(str(pdf))
    c.drawString(100, 700, "page")
    c.save()
    data = pdf.read_bytes()
    for _ in range(50):
        task = tab.run_task("正在计算…", lambda progress: 1, lambda r: None)
        qtbot.waitUntil(lambda task=task: not task.running, timeout=10000)
        tab.preview.show_pdf(data)  # each preview replaces the last one's buffer
    flush_deletions()
    assert len(tab.findChildren(QBuffer)) == 1  # the one the shown preview reads
    tab.preview.clear()
    flush_deletions()
    assert tab.findChildren(QBuffer) == [] and tab.findChildren(Task) == []
    assert _objects_under(tab) == before


class _Tracked(QObject):
    """A Python-owned QObject that notes on which thread Python let go of it."""

    freed_on: list[str] = []

    def __del__(self):
        _Tracked.freed_on.append(threading.current_thread().name)


def test_garbage_cycles_holding_qt_objects_are_freed_on_the_gui_thread_only(qtbot, host):
    import gc

    from dangjian_desktop.gui.kit import collector

    gc.enable()  # as in a fresh application before its first background task
    try:
        _Tracked.freed_on.clear()

        def churn(progress):  # allocates enough to trigger the automatic collector many times
            for _ in range(200):
                junk = [[] for _ in range(2000)]
                for a, b in zip(junk, junk[1:]):
                    a.append(b)
                    b.append(a)
            return None

        for _round in range(5):
            for _ in range(200):  # cycles, each holding a Qt object, dropped
                obj = _Tracked()
                obj.me = obj
                del obj
            task = Task(host, "整理", churn, lambda _r: None, delay_ms=None)
            assert not gc.isenabled()  # the task switched automatic collection off
            qtbot.waitUntil(lambda: not task.running, timeout=20000)
        gc.collect()
        assert len(_Tracked.freed_on) == 1000
        assert set(_Tracked.freed_on) == {threading.main_thread().name}
    finally:
        collector.disable_automatic()


def test_a_finished_task_lets_go_of_what_listened_to_it(qtbot, host):
    import gc
    import weakref

    class Listener:
        def __call__(self):
            pass

    listener = Listener()
    ref = weakref.ref(listener)
    task = Task(host, "整理", lambda progress: 1, lambda _r: None, delay_ms=None)
    task.finished.connect(listener)
    del listener
    qtbot.waitUntil(lambda: not task.running, timeout=10000)
    gc.collect()
    assert ref() is None


def test_a_full_collection_waits_in_proportion_to_what_the_last_one_took(monkeypatch):
    import gc

    from dangjian_desktop.gui.kit import collector

    collector.disable_automatic()
    done: list[int] = []
    monkeypatch.setattr(collector.gc, "collect", lambda generation=2: done.append(generation) or 0)
    monkeypatch.setattr(collector.gc, "get_count", lambda: (10_000, 100, 100))  # every generation due
    clock = [1000.0]
    monkeypatch.setattr(collector.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(collector, "_last_full", (float("-inf"), 0.0))
    assert collector.collect_due() == 2  # none before: the full one runs
    monkeypatch.setattr(collector, "_last_full", (1000.0, 0.25))  # it took 0.25 s, ended just now
    clock[0] = 1000.0 + 0.25 * collector.FULL_WAIT - 0.1
    assert collector.collect_due() == 1  # too soon: only the younger generations
    clock[0] = 1000.0 + 0.25 * collector.FULL_WAIT + 0.1
    assert collector.collect_due() == 2
    assert done == [2, 1, 2]
    assert not gc.isenabled()


def test_a_newer_step_shown_while_the_bar_moves_keeps_its_text(qtbot, host):
    # A modal progress dialog handles pending events inside setValue: the next report is shown
    # there, and the older one must not put its text back afterwards.
    shown, release = threading.Event(), threading.Event()

    def work(progress):
        progress(0, 10, "开始")
        shown.wait(5)
        progress(9, 10, "正在解压所选备份")
        progress(0, 0, "正在检查所选备份的完整性")  # queued right behind it
        release.wait(5)
        return "ok"

    task = Task(host, "正在恢复数据库…", work, lambda _r: None, delay_ms=0)
    try:
        qtbot.waitUntil(lambda: task.progress_dialog is not None and task.progress_dialog.isVisible(), timeout=5000)
        dlg = task.progress_dialog
        shown.set()
        qtbot.waitUntil(lambda: dlg.maximum() == 0, timeout=5000)
        qtbot.wait(50)
        assert dlg.labelText() == "正在恢复数据库…\n正在检查所选备份的完整性"
    finally:
        release.set()
    qtbot.waitUntil(lambda: not task.running, timeout=5000)


# A prefecture's file is over 2 GB: its backup counts bytes past what a progress bar (a C int) holds.
BIG = 7_317_012_480


def test_a_task_reports_the_bytes_of_a_file_over_2_gb_in_proportion(qtbot, host):
    def work(progress):
        progress(BIG // 4, BIG, "正在检查并压缩备份")
        return "ok"

    got = []
    task = Task(host, "正在备份数据库…", work, got.append, delay_ms=0)
    qtbot.waitUntil(lambda: not task.running, timeout=5000)
    done, total, text = task._last
    assert got == ["ok"] and total < 2 ** 31 and done * 4 == total and text == "正在检查并压缩备份"


def test_waiting_for_work_over_2_gb_shows_its_bar_and_ends(qtbot, host):
    from dangjian_desktop.gui.backup_auto import run_blocking

    seen: list[tuple[int, int]] = []
    original = QProgressDialog.setValue

    def watched(dlg, value):
        seen.append((value, dlg.maximum()))
        return original(dlg, value)

    def work(progress):
        for part in range(1, 5):
            progress(BIG * part // 4, BIG, "正在检查并压缩备份")
            threading.Event().wait(0.15)
        return "ok"

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(QProgressDialog, "setValue", watched)
        assert run_blocking(host, "正在备份数据库…", work, delay_ms=0) == "ok"
    assert seen and all(0 <= v <= m < 2 ** 31 for v, m in seen)
    assert max(v for v, _ in seen) * 4 >= 3 * seen[-1][1]  # near the end, in proportion


def test_work_that_ends_after_its_window_is_gone_ends_quietly(qtbot):
    """Work read in the background (a hidden page prepared) may end after the window closed and its
    signals were deleted: its end, its progress and its failure are then told to no one."""
    import shiboken6

    from dangjian_desktop.gui.kit.tasks import _Runnable, _Signals

    for work in (lambda progress: progress(1, 2, "读取") or "结果", lambda progress: 1 / 0):
        signals = _Signals()
        runnable = _Runnable(work, signals)
        runnable.setAutoDelete(False)
        shiboken6.delete(signals)
        runnable.run()  # raised RuntimeError("Signal source has been deleted") before
