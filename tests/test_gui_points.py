"""The 党员积分 tab through its real widgets (offscreen): record a meeting with attendance and see
the totals change, undo it, catalogue and ledger dialogs, year-end dialogs, models checked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from dangjian_desktop.points import catalogue
from dangjian_desktop.registry import set_setting

from points_util import YEAR, add_branch

pytestmark = pytest.mark.gui


@pytest.fixture
def town(db):
    b = add_branch(db, "东河村党支部", n=6, groups=2, mobile=(5,))
    catalogue.ensure_catalogue(db, db.local_office_id, YEAR)
    return db, b


@pytest.fixture
def tab(qtbot, town):
    from dangjian_desktop.gui.points.page import PointsTab

    db, b = town
    widget = PointsTab()
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_database(db)
    widget.year_spin.setValue(YEAR)
    widget.select_branch(b.id)
    yield widget
    if widget.current_dialog is not None:
        widget.current_dialog.dialog.reject()
    if widget.message_box is not None:
        widget.message_box.reject()
    widget.set_database(None)


def totals_by_name(tab) -> dict[str, float]:
    tab.tabs.setCurrentWidget(tab.totals)
    model = tab.totals.model
    return {t.name: t.total for t in model.rows}


def names(db, b) -> list[str]:
    return [db.get("member", m)["name"] for m in b.members]


def answer(qtbot, tab, button=QMessageBox.StandardButton.Yes) -> None:
    qtbot.waitUntil(lambda: tab.message_box is not None and tab.message_box.isVisible(), timeout=3000)
    qtbot.mouseClick(tab.message_box.button(button), Qt.MouseButton.LeftButton)


def press(qtbot, view, *keys) -> None:
    for k in keys:
        qtbot.keyClick(view, k)


def test_record_a_meeting_with_attendance_and_see_the_totals_change(qtbot, tab, town):
    db, b = town
    before = totals_by_name(tab)
    assert set(before.values()) == {60}

    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    page = tab.meetings.entry
    assert tab.meetings.stack.currentWidget() is page
    f = page.form
    f.typeCombo.setCurrentIndex(f.typeCombo.findData("支部党员大会"))
    f.dateEdit.setDate(f.dateEdit.date().fromString(f"{YEAR}-06-18", "yyyy-MM-dd"))
    f.placeEdit.setText("村委会议室")
    f.topicEdit.setText("学习党章")
    assert page.model.counts() == {"出席": 6, "请假": 0, "缺席": 0}  # all present by default

    view = f.attendanceView
    view.setFocus()
    view.setCurrentIndex(page.model.index_of(0))
    # 1st absent (moves on), 2nd on leave (moves on), 3rd: Space cycles 出席 -> 请假 -> 缺席
    press(qtbot, view, Qt.Key.Key_3, Qt.Key.Key_2, Qt.Key.Key_Space, Qt.Key.Key_Space)
    people = [p.name for p in page.model.people]
    status = {n: page.model.status_of(n) for n in people}
    assert [status[n] for n in people[:3]] == ["缺席", "请假", "缺席"]
    assert "出席 3，请假 1，缺席 2" in f.countsLabel.text()
    assert "+2" in f.pointsLabel.text() and "-2" in f.pointsLabel.text()

    transactions = db.scalar("SELECT count(*) FROM tx_log")
    qtbot.mouseClick(f.confirmButton, Qt.MouseButton.LeftButton)
    assert tab.meetings.stack.currentIndex() == 0
    assert db.scalar("SELECT count(*) FROM tx_log") == transactions + 1  # one confirm, one unit of work
    assert [r["meeting_type"] for r in tab.meetings.model.rows] == ["支部党员大会"]
    assert "出席3人" in tab.message.text()

    after = totals_by_name(tab)
    expected = {"出席": 62, "请假": 60, "缺席": 58}
    mobile = db.get("member", b.members[5])["name"]
    for n in people:
        want = expected[status[n]] if not (n == mobile and status[n] == "缺席") else 60  # exempt class
        assert after[n] == want, n


def test_undo_takes_the_meeting_back(qtbot, tab, town):
    db, b = town
    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.meetings.entry.form.confirmButton, Qt.MouseButton.LeftButton)
    assert set(totals_by_name(tab).values()) == {62}

    tab.tabs.setCurrentWidget(tab.meetings)
    assert tab.meetings.undo_button.isEnabled()
    assert "东河村党支部" in tab.meetings.undo_label.text()
    qtbot.mouseClick(tab.meetings.undo_button, Qt.MouseButton.LeftButton)
    answer(qtbot, tab)
    assert db.scalar("SELECT count(*) FROM meeting") == 0
    assert tab.meetings.model.rows == [] and not tab.meetings.undo_button.isEnabled()
    assert set(totals_by_name(tab).values()) == {60}


def test_a_meeting_nobody_attended_is_refused_on_the_screen(qtbot, tab, town):
    db, _b = town
    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    f = tab.meetings.entry.form
    f.attendanceView.selectAll()
    qtbot.mouseClick(f.leaveButton, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(f.confirmButton, Qt.MouseButton.LeftButton)
    assert "至少要有一名党员出席" in f.formError.text()
    assert tab.meetings.stack.currentWidget() is tab.meetings.entry
    assert db.scalar("SELECT count(*) FROM meeting") == 0


def test_group_meeting_lists_only_the_group(qtbot, tab, town):
    _db, b = town
    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    page = tab.meetings.entry
    page.form.typeCombo.setCurrentIndex(page.form.typeCombo.findData("党小组会"))
    assert page.form.groupCombo.isVisible()
    assert {p.member_id for p in page.model.people} == set(b.members[0::2])
    page.form.typeCombo.setCurrentIndex(page.form.typeCombo.findData("支委会"))
    assert [p.role for p in page.model.people] == ["书记", "组织委员"]


def record_a_meeting(qtbot, tab):
    """A meeting recorded with everybody present, chosen in the meeting list: the meetings panel."""
    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.meetings.entry.form.confirmButton, Qt.MouseButton.LeftButton)
    tab.meetings.view.selectRow(0)
    return tab.meetings


def test_correcting_attendance_from_the_meeting_list(qtbot, tab, town):
    db, b = town
    mw = record_a_meeting(qtbot, tab)
    # A 流动党员 is exempt from the absence deduction; names (and so the order) vary by run.
    mobile = {db.get("member", m)["name"] for m in b.members if db.get("member", m)["is_mobile"]}
    row = next(i for i, r in enumerate(mw.att_model.rows) if r["name"] not in mobile)
    first = mw.att_model.rows[row]["name"]
    mw.att_view.selectRow(row)
    qtbot.mouseClick(mw.fix_buttons["缺席"], Qt.MouseButton.LeftButton)
    assert totals_by_name(tab)[first] == 58


def test_the_meeting_list_shows_whole_dates(qtbot, tab, town):
    mw = record_a_meeting(qtbot, tab)
    assert mw.view.columnWidth(0) >= mw.view.sizeHintForColumn(0)


def test_marking_everybody_absent_changes_nobody(qtbot, tab, town):
    # The last member present cannot be marked absent: the whole correction is refused, and the
    # others are not left marked 缺席 behind the error message.
    db, b = town
    mw = record_a_meeting(qtbot, tab)
    mw.att_view.selectAll()
    qtbot.mouseClick(mw.fix_buttons["缺席"], Qt.MouseButton.LeftButton)
    answer(qtbot, tab, QMessageBox.StandardButton.Ok)
    assert {r["status"] for r in mw.att_model.rows} == {"出席"}
    assert set(totals_by_name(tab).values()) == {62}


def test_add_a_catalogue_item_through_the_dialog(qtbot, tab, town):
    db, _b = town
    tab.tabs.setCurrentWidget(tab.catalogue)
    qtbot.mouseClick(tab.catalogue.add_button, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    d = dlg.dialog
    d.codeEdit.setText("C1")
    d.titleEdit.setText("护林巡河")
    d.pointsSpin.setValue(0)
    qtbot.mouseClick(d.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert d.isVisible() and "请填写分值" in d.pointsError.text()
    d.pointsSpin.setValue(3)
    d.capCheck.setChecked(True)
    d.capSpin.setValue(9)
    qtbot.mouseClick(d.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)
    assert "C1" in [i.code for i in tab.catalogue.model.rows]
    row = db.one("SELECT points, yearly_cap FROM points_item WHERE code = 'C1'")
    assert tuple(row) == (3, 9)


def test_base_score_is_set_from_the_catalogue_page(qtbot, tab, town):
    tab.tabs.setCurrentWidget(tab.catalogue)
    tab.catalogue.base.setText("70")
    qtbot.mouseClick(tab.catalogue.base_button, Qt.MouseButton.LeftButton)
    assert set(totals_by_name(tab).values()) == {70}
    tab.tabs.setCurrentWidget(tab.catalogue)
    tab.catalogue.base.setText("七十")
    qtbot.mouseClick(tab.catalogue.base_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.message_box is not None)
    assert "不是数字" in tab.message_box.text()


def test_ledger_entry_for_two_members_is_one_batch(qtbot, tab, town):
    db, b = town
    tab.tabs.setCurrentWidget(tab.ledger)
    lw = tab.ledger
    lw.member_view.selectAll()
    sel = lw.member_view.selectionModel()
    sel.clearSelection()
    for r in (0, 1):
        sel.select(lw.member_model.index(r, 0), sel.SelectionFlag.Select | sel.SelectionFlag.Rows)
    chosen = [t.name for t in lw.selected_members()]
    qtbot.mouseClick(lw.add_button, Qt.MouseButton.LeftButton)
    d = tab.current_dialog.dialog
    d.itemCombo.setCurrentIndex(next(i for i in range(d.itemCombo.count()) if d.itemCombo.itemText(i).startswith("A05")))
    assert d.pointsSpin.value() == 2
    d.dateEdit.setDate(d.dateEdit.date().fromString(f"{YEAR}-05-04", "yyyy-MM-dd"))
    qtbot.mouseClick(d.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)
    assert db.scalar("SELECT count(*) FROM points_batch") == 1
    totals = totals_by_name(tab)
    assert [totals[n] for n in chosen] == [62, 62]


def test_exemption_and_failing_filter(qtbot, tab, town):
    db, b = town
    catalogue.set_base_score(db, b.office_id, YEAR, 50)
    tab.refresh_all()
    tw = tab.totals
    tab.tabs.setCurrentWidget(tw)
    tw.filter.setCurrentIndex(tw.filter.findData("failing"))
    assert len(tw.model.rows) == 6 and "不合格党员6人" in tw.summary.text()
    names = [t.name for t in tw.model.rows]
    tw.view.selectRow(1)
    name = names[1]
    qtbot.mouseClick(tw.exempt_button, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    dlg.reason.setText("长期患病，本人申请，支部同意")
    qtbot.mouseClick(dlg.dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)
    assert [t.name for t in tw.model.rows] == names[:1] + names[2:]
    # The exempted member left the list: the cursor is on the one who took their place.
    assert tw.view.currentIndex().row() == 1 and tw.selected().name == names[2]
    tw.filter.setCurrentIndex(tw.filter.findData("exempt"))
    assert [t.name for t in tw.model.rows] == [name] and tw.selected() is None  # another filter: nobody chosen


def test_review_sheet_is_saved(qtbot, tab, town):
    db, _b = town
    tab.tabs.setCurrentWidget(tab.totals)
    qtbot.mouseClick(tab.totals.review_button, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    good, fair, poor, grade = dlg.spins[0]
    good.setValue(5)
    fair.setValue(1)
    grade.setCurrentIndex(grade.findData("优秀"))
    qtbot.mouseClick(dlg.dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)
    assert tuple(db.one("SELECT good, fair, poor, grade FROM member_review")) == (5, 1, 0, "优秀")
    assert "优秀" in [getattr(t, "review", "") for t in tab.totals.model.rows]


def test_stars_sheet_preview_and_save(qtbot, tab, town, tmp_path):
    from pypdf import PdfReader

    db, b = town
    set_setting(db, "publicity_contact_phone", "0359-6123456")
    tab.tabs.setCurrentWidget(tab.totals)
    qtbot.mouseClick(tab.totals.print_button, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    assert dlg.pdf_bytes is not None, dlg.info.text()
    assert "6名党员" in dlg.info.text()
    path = dlg.save_to(tmp_path / "sheet.pdf")
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace(" ", "")
    assert "东河村党支部" in text and all(n in text for n in names(db, b))


def test_lock_dialog_locks_the_year_and_disables_editing(qtbot, tab, town):
    db, _b = town
    tab.tabs.setCurrentWidget(tab.totals)
    qtbot.mouseClick(tab.totals.lock_button, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    dlg.start.setDate(dlg.start.date().fromString(f"{YEAR + 1}-01-05", "yyyy-MM-dd"))
    dlg.end.setDate(dlg.end.date().fromString(f"{YEAR + 1}-01-11", "yyyy-MM-dd"))
    qtbot.mouseClick(dlg.dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)
    assert "已锁定" in tab.state_label.text() and tab.totals.lock_button.text() == "解除锁定…"
    tab.tabs.setCurrentWidget(tab.catalogue)
    assert not tab.catalogue.add_button.isEnabled()
    tab.tabs.setCurrentWidget(tab.meetings)
    # Said before a form is filled: the meeting buttons are off and the hint says why.
    assert not tab.meetings.new_button.isEnabled() and "已锁定" in tab.meetings.hint.text()
    assert not any(b.isEnabled() for b in tab.meetings.fix_buttons.values())


def test_compliance_table_names_missing_months(qtbot, tab, town):
    from dangjian_desktop.meetings.ledger import record_meeting

    db, b = town
    record_meeting(db, org_id=b.id, meeting_type="支委会", date=f"{YEAR}-01-10",
                   attendance={b.members[0]: "出席", b.members[1]: "出席"})
    cw = tab.compliance
    cw.as_of.setDate(cw.as_of.date().fromString(f"{YEAR}-04-15", "yyyy-MM-dd"))
    tab.tabs.setCurrentWidget(cw)
    tab.refresh_all()
    row = cw.model.rows[0]
    col = [c.header for c in cw.model.columns].index("支委会")
    assert cw.model.data(cw.model.index(0, col)) == "1/3 缺2月、3月"
    assert "缺2月、3月" in cw.detail.toPlainText()
    assert row.types["支委会"].required == 3


def test_models_pass_the_model_tester(qtbot, qtmodeltester, tab, town):
    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    qtmodeltester.check(tab.meetings.entry.model, force_py=True)
    qtbot.mouseClick(tab.meetings.entry.form.confirmButton, Qt.MouseButton.LeftButton)
    for w in (tab.catalogue, tab.ledger, tab.totals, tab.compliance):
        tab.tabs.setCurrentWidget(w)
    for model in (tab.meetings.model, tab.meetings.att_model, tab.catalogue.model, tab.ledger.member_model,
                  tab.ledger.entry_model, tab.totals.model, tab.totals.branch_model, tab.compliance.model):
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)


def test_the_main_window_has_the_points_tab_and_refreshes_it_after_a_commit(qtbot, db_path, town):
    from dangjian_desktop.gui.main_window import MainWindow
    from dangjian_desktop.gui.points.page import PointsTab
    from dangjian_desktop.points.ledger import add_entry

    db, b = town
    item = next(i for i in catalogue.items(db, db.local_office_id, YEAR) if i.code == "A05")
    db.close()
    win = MainWindow(db_path)
    qtbot.addWidget(win)
    win.show()
    tab = win.points_tab
    assert isinstance(tab, PointsTab)
    win.tabs.setCurrentWidget(tab)  # the page the clerk looks at (a hidden one reads when shown)
    tab.year_spin.setValue(YEAR)
    tab.select_branch(b.id)
    tab.tabs.setCurrentWidget(tab.totals)
    add_entry(win.db, b.members[0], item.id, f"{YEAR}-03-03")
    first = win.db.get("member", b.members[0])["name"]
    assert {t.name: t.total for t in tab.totals.model.rows}[first] == 62
    win.close_database()


def test_keyboard_only_meeting_entry(qtbot, tab, town):
    db, _b = town
    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    view = tab.meetings.entry.form.attendanceView
    view.setFocus()
    press(qtbot, view, Qt.Key.Key_Down, Qt.Key.Key_3)
    assert tab.meetings.entry.model.counts()["缺席"] == 1
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert db.scalar("SELECT count(*) FROM meeting_attendance WHERE status = '缺席'") == 1
    assert tab.meetings.stack.currentIndex() == 0


def test_a_meeting_dated_in_another_year_previews_that_years_points_and_says_where_it_went(qtbot, tab, town):
    """The year shown is YEAR; the meeting is dated the next year, which has no catalogue yet: the
    preview says the catalogue will be made (it said no points would be written, then wrote them),
    and once saved the clerk is told which year's list holds it."""
    db, _b = town
    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    f = tab.meetings.entry.form
    f.typeCombo.setCurrentIndex(f.typeCombo.findData("支部党员大会"))
    f.dateEdit.setDate(f.dateEdit.date().fromString(f"{YEAR}-06-18", "yyyy-MM-dd"))
    assert "确认后将记入积分" in f.pointsLabel.text()
    f.dateEdit.setDate(f.dateEdit.date().fromString(f"{YEAR + 1}-03-05", "yyyy-MM-dd"))
    assert f"{YEAR + 1}年度还没有积分细则" in f.pointsLabel.text()
    f.topicEdit.setText("学习党章")
    qtbot.mouseClick(f.confirmButton, Qt.MouseButton.LeftButton)
    assert tab.meetings.stack.currentIndex() == 0
    assert f"这次会议在{YEAR + 1}年度" in tab.message.text()


def test_columns_are_fitted_on_a_sample_of_the_rows_not_on_every_row(qtbot):
    """A prefecture's meeting list refitted after each save read every row's cells (0.34 s)."""
    from PySide6.QtCore import QAbstractTableModel
    from PySide6.QtWidgets import QTableView

    from dangjian_desktop.gui.points.views import FIT_ROWS, fit

    class Rows(QAbstractTableModel):
        asked: set[int] = set()

        def rowCount(self, _parent=None):
            return 5000

        def columnCount(self, _parent=None):
            return 3

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            self.asked.add(index.row())
            return f"2025年12月{index.row() % 28 + 1}日" if role == Qt.ItemDataRole.DisplayRole else None

    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(Rows())
    view.resize(600, 300)
    view.show()
    fit(view, 200)
    assert len(Rows.asked) <= FIT_ROWS + 50  # the sample and the rows on screen
    assert view.columnWidth(0) >= view.fontMetrics().horizontalAdvance("2025年12月28日")
