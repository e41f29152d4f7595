"""The roster wizard's check and import run off the GUI thread: the import is one kit Operation
told on the OperationBus, the bar shows only after the kit's delay, a failure is told on the page."""

from __future__ import annotations

import threading

import pytest

from dangjian_desktop.gui.kit.operations import Operation, bus_for
from dangjian_desktop.gui.kit.tasks import PROGRESS_DELAY_MS
from dangjian_desktop.gui.roster.wizard import RosterImportWizard
from dangjian_desktop.roster import importer as importer_mod

from roster_util import add_branches, member_count, person, write_roster

pytestmark = pytest.mark.gui


@pytest.fixture
def town(db):
    add_branches(db, "红星村党支部", "东风村党支部")
    return db


@pytest.fixture
def wizard(qtbot, town):
    w = RosterImportWizard(town)
    qtbot.addWidget(w)
    w.show()
    return w


def to_check_page(wizard, path):
    wizard.set_file(path)
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.check_page


def test_the_check_and_the_import_run_off_the_gui_thread_and_the_import_is_told_once(qtbot, wizard, town,
                                                                                      tmp_path, monkeypatch):
    threads: dict[bool, set[int]] = {True: set(), False: set()}
    import_row = importer_mod.RosterImport._import_row

    def watched(run, st, n, row):
        threads[run.opts.dry_run].add(threading.get_ident())
        import_row(run, st, n, row)

    monkeypatch.setattr(importer_mod.RosterImport, "_import_row", watched)
    heard = []
    bus_for(town).changed.connect(heard.append)
    to_check_page(wizard, write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 6)]))
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=10000)
    assert heard == []  # the check wrote nothing
    with qtbot.waitSignal(wizard.imported, timeout=10000):
        wizard.next()
    gui = threading.get_ident()
    assert threads[True] and gui not in threads[True]
    assert threads[False] and gui not in threads[False]
    assert member_count(town) == 5
    assert len(heard) == 1 and isinstance(heard[0].source, Operation)
    assert heard[0].touches("member", "member_event")


def test_the_bar_shows_only_when_the_run_takes_longer_than_the_delay(qtbot, wizard, tmp_path, monkeypatch):
    go_on = threading.Event()
    import_row = importer_mod.RosterImport._import_row

    def slow(run, st, n, row):
        assert go_on.wait(10)
        import_row(run, st, n, row)

    monkeypatch.setattr(importer_mod.RosterImport, "_import_row", slow)
    to_check_page(wizard, write_roster(tmp_path / "r.xlsx", [person(1), person(2)]))
    page = wizard.check_page
    assert page.running and not page.bar.isVisible()
    assert page.status.text() == "正在检查文件……"
    qtbot.wait(PROGRESS_DELAY_MS // 2)
    assert not page.bar.isVisible()
    qtbot.waitUntil(page.bar.isVisible, timeout=PROGRESS_DELAY_MS * 4)
    go_on.set()
    qtbot.waitUntil(lambda: page.report is not None, timeout=10000)
    assert page.bar.isVisible() and page.bar.value() == page.bar.maximum()
    assert page.report.ok and page.isComplete()


def test_a_failing_run_is_told_on_the_page(qtbot, wizard, town, tmp_path, monkeypatch):
    def broken(run, progress=None, cancel=None):
        raise RuntimeError("simulated")

    monkeypatch.setattr(importer_mod.RosterImport, "run", broken)
    to_check_page(wizard, write_roster(tmp_path / "r.xlsx", [person(1)]))
    page = wizard.check_page
    qtbot.waitUntil(lambda: not page.running, timeout=10000)
    assert "程序内部错误（RuntimeError），数据没有被修改" in page.status.text()
    assert "b00000" in page.status.styleSheet() and not page.bar.isVisible()
    assert page.report is None and not page.isComplete()
    with qtbot.waitSignal(wizard.rejected):
        wizard.reject()  # nothing runs: it closes at once


def test_a_file_changed_after_its_check_is_not_imported(qtbot, wizard, town, tmp_path):
    """Checked: 5 members. Then saved again with 19 others before 导入: nothing is written unseen,
    and the page says to check again."""
    path = write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 6)])
    before = member_count(town)
    to_check_page(wizard, path)
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=10000)
    write_roster(path, [person(i) for i in range(20, 39)])
    wizard.next()
    page = wizard.currentPage()
    assert "文件在检查之后被修改过" in page.status.text() and not page.isComplete()
    assert member_count(town) == before
    wizard.back()
    qtbot.waitUntil(lambda: wizard.check_page.report is not None, timeout=10000)  # checked again
    with qtbot.waitSignal(wizard.imported, timeout=10000):
        wizard.next()
    assert member_count(town) == before + 19
