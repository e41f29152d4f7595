"""登记会议 and 录入积分 on a past day, through the real widgets (offscreen): the attendance list
follows the meeting's date, and an entry dated before the member joined is refused in the form."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from dangjian_desktop.points import catalogue
from dangjian_desktop.registry import change_status

from points_util import YEAR, add_branch
from test_points_membership import newcomer

pytestmark = pytest.mark.gui


@pytest.fixture
def town(db):
    b = add_branch(db, "东河村党支部", n=4)
    catalogue.ensure_catalogue(db, db.local_office_id, YEAR)
    late = newcomer(db, b.id, "新一", join_date=f"{YEAR}-05-01")
    change_status(db, b.members[3], event="死亡", date=f"{YEAR}-02-03")
    return db, b, late


@pytest.fixture
def tab(qtbot, town):
    from dangjian_desktop.gui.points.page import PointsTab

    db, b, _late = town
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
    widget.set_database(None)


def set_day(edit, iso: str) -> None:
    edit.setDate(edit.date().fromString(iso, "yyyy-MM-dd"))


def test_changing_the_meeting_date_changes_the_attendance_list(qtbot, tab, town):
    db, b, late = town
    dead = b.members[3]
    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    page = tab.meetings.entry
    f = page.form
    f.typeCombo.setCurrentIndex(f.typeCombo.findData("支部党员大会"))
    set_day(f.dateEdit, f"{YEAR}-06-18")
    listed = [p.member_id for p in page.model.people]
    assert late in listed and dead not in listed and len(listed) == 4

    page.model.set_status([listed.index(b.members[1])], "缺席")
    set_day(f.dateEdit, f"{YEAR}-01-15")  # a meeting of January entered late
    people = {p.member_id: p for p in page.model.people}
    assert set(people) == set(b.members)  # the newcomer had not joined; the one who died since was there
    assert page.model.status[b.members[1]] == "缺席"  # the mark of one still listed is kept
    k = page.model.people.index(people[dead])
    assert "（已去世）" in page.model.data(page.model.index_of(k))
    assert "应到 4 人" in f.countsLabel.text() and "1人会后已离开" in f.pointsLabel.text()

    qtbot.mouseClick(f.confirmButton, Qt.MouseButton.LeftButton)
    assert tab.meetings.stack.currentIndex() == 0
    meeting = db.scalar("SELECT id FROM meeting")
    assert {r[0] for r in db.query("SELECT member_id FROM meeting_attendance WHERE meeting_id = ?", (meeting,))} \
        == set(b.members)
    assert dead not in {r[0] for r in db.query("SELECT member_id FROM points_entry")}


def test_the_entry_dialog_refuses_a_day_before_the_member_joined(qtbot, tab, town):
    db, _b, late = town
    tab.tabs.setCurrentWidget(tab.ledger)
    lw = tab.ledger
    row = next(i for i, r in enumerate(lw.member_model.rows) if r.member_id == late)
    lw.member_view.selectRow(row)
    assert [t.member_id for t in lw.selected_members()] == [late]
    qtbot.mouseClick(lw.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.current_dialog
    d = dialog.dialog
    set_day(d.dateEdit, f"{YEAR}-04-30")
    qtbot.mouseClick(d.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert f"新一在{YEAR}年4月30日不是本镇党员（{YEAR}年5月1日入党）" in dialog.error_shown()
    assert tab.current_dialog is dialog and db.scalar("SELECT count(*) FROM points_entry") == 0
    set_day(d.dateEdit, f"{YEAR}-05-04")
    qtbot.mouseClick(d.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)
    assert db.scalar("SELECT date FROM points_entry WHERE member_id = ?", (late,)) == f"{YEAR}-05-04"
