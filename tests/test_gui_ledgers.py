"""The 台账 page through its real widgets (pytest-qt, offscreen): the dues of the demo town with
keyboard-first payment entry, an Excel register import that refuses a bad file and writes a good
one, the development pipeline's steps and warnings, training entry, exports, and the tab in the
main window."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from dangjian_desktop import dates
from dangjian_desktop.db import Database
from dangjian_desktop.ledgers import dues, pipeline

pytestmark = pytest.mark.gui

TODAY = dates.today()


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    from dangjian_desktop.demo import generate
    from dangjian_desktop.registry import init_office

    path = tmp_path_factory.mktemp("ledgers-gui") / "demo.sqlite"
    db = Database.create(path)
    init_office(db, name="文城镇", level="town")
    generate(db, seed=4, today=TODAY)
    db.close()
    return path


@pytest.fixture
def page(qtbot, demo_path, tmp_path):
    from dangjian_desktop.gui.ledgers import LedgersPage

    path = tmp_path / "town.sqlite"
    shutil.copy(demo_path, path)
    db = Database.open(path)
    p = LedgersPage()
    qtbot.addWidget(p)
    p.resize(1366, 720)
    panel = p.panels[0]
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        p.set_database(db)
        p.show()
    yield p
    if p.current_message is not None:
        p.current_message.close()
    QThreadPool.globalInstance().waitForDone(5000)
    QCoreApplication.processEvents()
    db.close()


def show(qtbot, p, index: int):
    panel = p.panels[index]
    if p.tabs.currentIndex() == index and not panel.stale:
        return panel
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        p.tabs.setCurrentIndex(index)
    return panel


def reloaded(qtbot, panel, action):
    """Run `action` (a change) and wait until the panel has read its rows again."""
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        action()


def test_dues_of_the_demo_town_and_a_payment_by_keyboard(qtbot, page):
    panel = page.panels[0]
    data = dues.status(page.db, TODAY.year)
    assert panel.model.rowCount() == len(data.members) > 100
    panel.owing_only.setChecked(True)
    owing = [m for m in data.members if m.arrears_fen]
    assert panel.model.rowCount() == len(owing) > 0
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(0, 1))
    member = panel.current()
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    dlg = page.current_dialog
    assert dlg.text("months") in (str(member.months_owed[0]), f"{member.months_owed[0]}-{member.months_owed[-1]}")
    assert member.name in dlg.dialog.introLabel.text()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg.dialog)  # keys go to the active window
    dlg.w("receiver").setText("李组织")
    dlg.w("receiver").setFocus()
    reloaded(qtbot, panel, lambda: qtbot.keyClick(dlg.w("receiver"), Qt.Key.Key_Return))
    assert not dlg.dialog.isVisible()
    after = dues.member_dues(page.db, member.member_id, TODAY.year)
    assert after.arrears_fen == 0 and page.last_receiver == "李组织"
    assert member.member_id not in {m.member_id for m in panel.model.rows}  # no longer owing


def test_a_refused_payment_keeps_the_dialog_open_with_the_reason(qtbot, page):
    panel = page.panels[0]
    panel.view.setCurrentIndex(panel.model.index(0, 1))
    panel.pay()
    dlg = page.current_dialog
    dlg.w("months").setText("13")
    dlg.ok_button.click()
    assert dlg.dialog.isVisible() and "月份" in dlg.error_shown()
    dlg.dialog.reject()


def test_a_register_with_an_error_writes_nothing_and_a_good_one_is_imported(qtbot, page, tmp_path, monkeypatch):
    from dangjian_desktop.ledgers.dues_excel import SHEET, export_dues

    panel = page.panels[0]
    path = export_dues(page.db, TODAY.year, tmp_path / "dues.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    row = next(r for r in range(4, ws.max_row + 1) if not ws.cell(r, 19).value)  # December unpaid
    ws.cell(row, 19, "很多")
    wb.save(tmp_path / "bad.xlsx")
    before = page.db.scalar("SELECT count(*) FROM dues_payment")
    with qtbot.waitSignal(panel.imported, timeout=20000):
        panel.import_file(str(tmp_path / "bad.xlsx"))
    box = page.current_message
    assert box is not None and "未导入任何数据" in box.text() and f"第{row}行" in box.text()
    assert page.db.scalar("SELECT count(*) FROM dues_payment") == before
    box.close()
    ws.cell(row, 19, 5)
    wb.save(tmp_path / "good.xlsx")
    from dangjian_desktop.gui.kit import tasks

    told = []
    shown = tasks.show_progress
    monkeypatch.setattr(tasks, "show_progress", lambda dlg, label, done, total, text: (
        told.append(text), shown(dlg, label, done, total, text)))
    with qtbot.waitSignal(panel.imported, timeout=20000):
        op = panel.import_file(str(tmp_path / "good.xlsx"))
        op.task._show_progress()  # the dialog at once, not after its delay
    assert panel.last_report.written and page.db.scalar("SELECT count(*) FROM dues_payment") == before + 1
    assert "正在写入 1 笔缴费……" in told  # the import's steps reach the progress dialog
    page.current_message.close()


def test_the_pipeline_steps_and_their_warnings(qtbot, page):
    panel = show(qtbot, page, 1)
    people = pipeline.people(page.db)
    assert panel.model.rowCount() == len(people) and panel.warning_list.count() > 1
    panel.add()
    dlg = page.current_dialog
    dlg.w("name").setText("周新华")
    dlg.w("applied_on").setText((TODAY - dt.timedelta(days=40)).isoformat())
    reloaded(qtbot, panel, dlg.ok_button.click)
    row = next(i for i, p in enumerate(panel.model.rows) if p.name == "周新华")
    panel.view.setCurrentIndex(panel.model.index(row, 1))
    assert any("谈话" in panel.warning_list.item(i).text() for i in range(panel.warning_list.count()))
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    step = page.current_dialog
    assert step.w("step").currentData() == "谈话"
    reloaded(qtbot, panel, step.ok_button.click)
    person = next(p for p in panel.model.rows if p.name == "周新华")
    assert person.first("谈话") == TODAY.isoformat()


def test_training_for_a_branch_and_exports(qtbot, page, tmp_path):
    branch = page.db.one("SELECT id, name FROM org WHERE org_type = '党支部' ORDER BY sort_order LIMIT 1")
    page.org_combo.setCurrentIndex(page.org_combo.findData(branch["id"]))
    panel = show(qtbot, page, 2)
    before = panel.model.rowCount()
    panel.add()
    dlg = page.current_dialog
    n = dlg.members.count()
    dlg.members.item(0).setCheckState(Qt.CheckState.Unchecked)
    dlg.w("content").setText("学习党章")
    dlg.w("hours").setText("3")
    reloaded(qtbot, panel, dlg.ok_button.click)
    assert panel.model.rowCount() == before + n - 1
    with qtbot.waitSignal(page.exported, timeout=20000) as got:
        panel.export(str(tmp_path / "training.xlsx"))
    assert load_workbook(got.args[0]).active.max_row > n
    with qtbot.waitSignal(page.exported, timeout=20000) as got:
        panel.export(str(tmp_path / "training.pdf"))
    assert got.args[0].read_bytes().startswith(b"%PDF")


def test_every_ledger_tab_shows_its_rows(qtbot, page):
    for i in range(2, len(page.panels)):
        panel = show(qtbot, page, i)
        assert panel.model.rowCount() > 0, panel.TITLE
        assert panel.hint.text()


def test_the_ledgers_tab_in_the_main_window(qtbot, tmp_path, demo_path):
    from dangjian_desktop.gui.ledgers import LedgersPage
    from dangjian_desktop.gui.main_window import MainWindow

    path = tmp_path / "w.sqlite"
    shutil.copy(demo_path, path)
    w = MainWindow(path)
    qtbot.addWidget(w)
    assert isinstance(w.ledgers_tab, LedgersPage) and w.ledgers_tab.db is w.db
    panel = w.ledgers_tab.panels[0]
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        w.show()
        w.tabs.setCurrentWidget(w.ledgers_tab)
    member = panel.model.rows[0]
    with qtbot.waitSignal(panel.loaded, timeout=20000):  # a change made elsewhere reaches the page through the bus
        dues.set_base(w.db, member.member_id, TODAY.year, rate_class="学生", fixed_on=TODAY.isoformat(),
                      from_month=TODAY.month)
    w.close_database()


def test_the_checklist_shows_the_ledgers_figures_for_the_current_item(qtbot, page):
    from dangjian_desktop.assessment.rounds import create_round, round_branches
    from dangjian_desktop.gui.assessment.sheet_editor import SheetEditor

    db = page.db
    branch = db.one("SELECT id FROM org WHERE org_type = '党支部' ORDER BY sort_order LIMIT 1")
    rid = create_round(db, year=TODAY.year, scheme_id="guifanhua", org_ids=[branch["id"]])
    editor = SheetEditor()
    qtbot.addWidget(editor)
    editor.set_sheet(db, round_branches(db, rid)[0].id)
    editor.show()
    rows = {getattr(editor.model.item_at(r), "code", None): r for r in range(editor.model.rowCount())}
    editor.view.setCurrentIndex(editor.model.index(rows["B9"], 1))
    shown = editor.items.item_figures.text()
    assert editor.items.item_figures.isVisible() and "党费：" in shown and "按时足额交纳" in shown
    editor.view.setCurrentIndex(editor.model.index(rows["A1"], 1))  # 党支部职数设置合理: nothing in the ledgers
    assert not editor.items.item_figures.isVisible()
    editor.view.setCurrentIndex(editor.model.index(rows["B10"], 1))
    assert "民主评议" in editor.items.item_figures.text()
    # The link opens the 台账 page at the ledger, for the branch and the year.
    page.show_ledger("pipeline", branch["id"], TODAY.year)
    assert page.tabs.currentWidget() is page.panels[1] and page.scope()["org_id"] == branch["id"]


def test_the_dues_register_is_exported_in_the_background_with_its_progress(qtbot, page, tmp_path, monkeypatch):
    """导出党费收缴登记表 from the 党费 sub-page: written off the GUI thread, the progress dialog told
    how many members are written (a county's register takes seconds)."""
    from dangjian_desktop.gui.kit import tasks

    told = []
    shown = tasks.show_progress
    monkeypatch.setattr(tasks, "show_progress", lambda dlg, label, done, total, text: (
        told.append((done, total, text)), shown(dlg, label, done, total, text)))
    panel = page.panels[0]
    path = tmp_path / "登记表.xlsx"
    with qtbot.waitSignal(page.exported, timeout=20000) as got:
        query = panel.export_register(str(path))
        query.task._show_progress()  # the dialog at once, not after its delay
    assert got.args == [path] and path.exists()
    members = len(panel.data.members)
    ws = load_workbook(path).worksheets[0]
    assert ws.max_row == 3 + members
    assert told and told[-1][:2] == (members, members) and any("名党员" in t for _d, _t, t in told)


def test_a_ledger_printed_from_its_sub_page_tells_its_pages(qtbot, page, tmp_path, monkeypatch):
    """打印/PDF of a ledger (the training ledger of a county: 2,420 pages) moves the progress dialog
    page by page instead of a bar standing still."""
    from dangjian_desktop.gui.kit import tasks

    told = []
    shown = tasks.show_progress
    monkeypatch.setattr(tasks, "show_progress", lambda dlg, label, done, total, text: (
        told.append(text), shown(dlg, label, done, total, text)))
    panel = page.panels[1]
    assert panel.KIND == "pipeline"
    path = tmp_path / "发展党员.pdf"
    with qtbot.waitSignal(page.exported, timeout=20000):
        query = panel.export(str(path))
        query.task._show_progress()
    told = [t for t in told if t]  # the dialog shown before anything was told
    assert path.exists() and told[0].startswith("共 ") and "已排好 1 页" in told


def test_a_slow_ledger_says_it_is_reading_and_a_failed_read_leaves_no_such_word(qtbot, page, monkeypatch):
    """A county's 党费 (30,000 members) takes a second to read: the hint under the table says so
    meanwhile instead of leaving the table empty, or showing the previous town's rows, without a word."""
    import threading

    from dangjian_desktop.gui.ledgers import panels

    monkeypatch.setattr(panels, "READING_HINT_MS", 0)
    panel = page.panels[0]
    release = threading.Event()
    load = type(panel).load
    monkeypatch.setattr(type(panel), "load", lambda self, db, scope: (release.wait(10), load(self, db, scope))[1])
    panel.refresh()
    qtbot.waitUntil(lambda: panel.hint.text() == f"正在读取{panel.TITLE}……", timeout=5000)
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        release.set()
    assert "名党员" in panel.hint.text()  # the year's summary again

    def broken(self, db, scope):
        release.wait(10)
        raise RuntimeError("a read that fails")

    release.clear()
    monkeypatch.setattr(type(panel), "load", broken)
    monkeypatch.setattr(panels.Query, "_failed", lambda self, exc: setattr(self, "error", exc))  # no message box
    panel.refresh()
    qtbot.waitUntil(lambda: panel.hint.text().startswith("正在读取"), timeout=5000)
    query = panel.query
    release.set()
    qtbot.waitUntil(lambda: not query.running, timeout=10000)
    assert panel.hint.text() == ""


def test_a_record_dated_in_another_year_is_said_to_be_kept_there(qtbot, page):
    panel = show(qtbot, page, 2)  # 教育培训, the year shown: this year
    panel.add()
    dlg = page.current_dialog
    dlg.w("content").setText("学习党章")
    dlg.w("hours").setText("3")
    dlg.w("date").setText("1999-03-01")  # a slip of the keyboard
    reloaded(qtbot, panel, dlg.ok_button.click)
    box = page.current_message
    assert box is not None and "1999年3月1日" in box.text() and f"{TODAY.year}年" in box.text()


def test_any_ledger_shows_an_early_part_of_its_rows_until_the_whole_is_read(qtbot, page):
    panel = show(qtbot, page, 2)  # 教育培训: its part is a list of its rows
    whole = list(panel.model.rows)
    assert len(whole) > 3
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        panel.stale = True
        panel.refresh()
        panel._early(panel._read_scope, whole[:3])  # as show_early delivers it from the read's thread
        assert panel.model.rowCount() == 3 and "先显示3条" in panel.hint.text()
        assert not any(a.isEnabled() for a in panel.table_actions)
    assert panel.model.rowCount() == len(whole) and all(a.isEnabled() for a in panel.table_actions)


def test_a_record_dated_before_the_first_year_is_refused_and_the_year_picker_reaches_it(qtbot, page):
    from dangjian_desktop.ledgers.common import FIRST_YEAR

    assert page.year_spin.minimum() == FIRST_YEAR  # any record kept can be shown
    panel = show(qtbot, page, 2)  # 教育培训
    panel.add()
    dlg = page.current_dialog
    dlg.w("content").setText("学习党章")
    dlg.w("hours").setText("3")
    dlg.w("date").setText("0202-03-01")  # 2020 mistyped
    dlg.ok_button.click()
    assert dlg.dialog.isVisible() and f"早于{FIRST_YEAR}年1月1日" in "".join(dlg.errors_shown().values())
    dlg.dialog.reject()


def test_an_exemption_is_cancelled_from_the_dues_page_and_a_second_one_refused(qtbot, page):
    panel = page.panels[0]
    rows = list(panel.model.rows)
    at = next(i for i, m in enumerate(rows) if m.months_exempt)  # a hardship member: 免交 all year
    member = rows[at]
    panel.view.setCurrentIndex(panel.model.index(at, 1))
    panel.exempt()
    dlg = page.current_dialog
    dlg.w("months").setText(str(member.months_exempt[0]))
    dlg.w("reason").setText("生活困难")
    dlg.ok_button.click()
    assert dlg.dialog.isVisible() and "重叠" in dlg.error_shown()
    dlg.dialog.reject()
    panel.unexempt()
    dlg = page.current_dialog
    assert dlg.TITLE == "取消党费减免" and "免交" in dlg.w("exemption").currentText()
    reloaded(qtbot, panel, dlg.ok_button.click)
    assert dues.exemptions(page.db, member.member_id, TODAY.year) == []
    assert dues.member_dues(page.db, member.member_id, TODAY.year).months_exempt == []


def test_a_county_long_member_list_is_one_model_and_the_chosen_member_is_found(qtbot, page):
    """A county's members (tens of thousands) were added to the combo one by one and measured, 0.3-0.6 s
    on the GUI thread for each dialog; a long list is now one model, and choosing still works."""
    from dangjian_desktop.gui.ledgers.dialogs import LONG_CHOICE, RewardDialog

    members = [dict(m) for m in page.db.query("SELECT m.id, m.name, o.name AS org_name FROM member m "
                                              "JOIN org o ON o.id = m.org_id ORDER BY m.name_pinyin")]
    many = (members * (LONG_CHOICE // len(members) + 2))[:LONG_CHOICE + 10]
    dlg = RewardDialog(page, members=many)
    combo = dlg.w("member")
    assert combo.count() == len(many) and type(combo.model()).__name__ == "_Items"
    assert combo.sizeAdjustPolicy() != combo.SizeAdjustPolicy.AdjustToContents
    target = many[-1]
    combo.setEditText(f"{target['name']}（{target['org_name']}）")
    assert dlg.chosen("member", "党员") == target["id"]
    assert combo.completer() is not None and combo.completer().model().rowCount() == len(many)
    dlg.dialog.reject()
