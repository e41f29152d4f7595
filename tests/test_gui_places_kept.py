"""The clerk's place in a table survives a save: the row worked on stays current and chosen, and a
row that leaves the list (deleted, exempted out of a filter, transferred out) leaves the cursor
on the row that took its place, so Enter and the arrow keys go on from there. Another branch,
year or filter starts with nobody chosen. (The 年度汇总's 免评 and the member list's deletion are
tested with their pages: test_gui_points.py, test_gui_registry_page.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QTableView, QWidget

from dangjian_desktop.gui.kit.row_model import Col, RowModel, set_rows_in_place
from dangjian_desktop.points import catalogue
from dangjian_desktop.points.ledger import add_entry, delete_entry

from points_util import YEAR
from test_gui_points import record_a_meeting, tab, town  # noqa: F401  (fixtures)

pytestmark = pytest.mark.gui


def _current(view) -> int:
    return view.currentIndex().row() if view.currentIndex().isValid() else -1


def _chosen(view) -> list[int]:
    return sorted(i.row() for i in view.selectionModel().selectedRows())


@pytest.fixture(params=["none", "ctrl"])
def modifier_held(request, qtbot):
    """The modifier the application believes held when the test starts. qtbot.keyClick(w, key,
    Ctrl) sends no release of Ctrl, so after an earlier test's Ctrl+Z it is Ctrl (in the same
    process), and view.setCurrentIndex or selectRow then adds to the selection (Ctrl+click)."""
    scratch = QWidget()
    qtbot.addWidget(scratch)
    qtbot.keyRelease(scratch, Qt.Key.Key_Control)  # whatever the test before left held
    if request.param == "ctrl":
        qtbot.keyClick(scratch, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    held = QApplication.keyboardModifiers()
    ctrl = Qt.KeyboardModifier.ControlModifier
    assert held == (ctrl if request.param == "ctrl" else Qt.KeyboardModifier.NoModifier)
    yield held
    qtbot.keyRelease(scratch, Qt.Key.Key_Control)  # nothing left held for the next test


def test_set_rows_in_place_keeps_the_rows_by_key_or_the_place(qtbot, modifier_held):
    model = RowModel([Col("姓名", "name")])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    rows = [{"id": n, "name": f"党员{n}"} for n in range(6)]
    model.set_rows(rows)
    sm = view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    sm.select(model.index(1, 0), flags)
    sm.select(model.index(3, 0), flags)
    sm.setCurrentIndex(model.index(3, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    set_rows_in_place(view, [rows[5], *rows[:5]], "id")  # read again, in another order
    assert model.row(_current(view))["id"] == 3 and [model.row(r)["id"] for r in _chosen(view)] == [1, 3]
    set_rows_in_place(view, [r for r in rows if r["id"] not in (1, 3)], "id")  # both gone
    assert _current(view) == 4 - 1 and _chosen(view) == [3]  # the place the current one had (clamped)
    # The clerk moves to row 1 alone (not view.setCurrentIndex: it reads the modifiers held).
    sm.setCurrentIndex(model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                       | QItemSelectionModel.SelectionFlag.Rows)
    set_rows_in_place(view, rows[4:], "id", place=False)  # another list: nobody chosen
    assert _current(view) == -1 and _chosen(view) == []
    # Another list that still lists a chosen row: it stays chosen, and current.
    sm.setCurrentIndex(model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                       | QItemSelectionModel.SelectionFlag.Rows)
    set_rows_in_place(view, rows[3:], "id", place=False)
    assert model.row(_current(view))["id"] == 4 and _chosen(view) == [1]


def test_an_attendance_correction_keeps_the_member(qtbot, tab, town):
    mw = record_a_meeting(qtbot, tab)
    mw.att_view.selectRow(2)
    name = mw.att_model.rows[2]["name"]
    qtbot.mouseClick(mw.fix_buttons["请假"], Qt.MouseButton.LeftButton)
    assert _current(mw.att_view) == 2 and _chosen(mw.att_view) == [2]
    assert mw.att_model.rows[2]["name"] == name and mw.att_model.rows[2]["status"] == "请假"


def test_the_points_ledger_keeps_the_members_and_the_entry_place(qtbot, tab, town):
    db, b = town
    tab.tabs.setCurrentWidget(tab.ledger)
    lw = tab.ledger
    item = next(i for i in catalogue.items(db, b.office_id, YEAR) if i.code.startswith("A05"))
    member = b.members[0]
    entries = [add_entry(db, member, item.id, f"{YEAR}-0{k}-04") for k in (3, 4, 5)]
    row = next(i for i, t in enumerate(lw.member_model.rows) if t.member_id == member)
    lw.member_view.selectRow(row)
    assert lw.entry_model.rowCount() == 3
    lw.entry_view.selectRow(1)
    gone = lw.entry_model.row(1).id
    delete_entry(db, gone)  # heard through the bus: the page reads again
    assert lw.entry_model.rowCount() == 2 and gone in entries
    assert _current(lw.entry_view) == 1 and lw.entry_model.row(1).id != gone  # the next entry
    # Two members chosen, the cursor on the second: both chosen and the cursor there after a save.
    sm = lw.member_view.selectionModel()
    sm.clearSelection()
    for r in (1, 2):
        sm.select(lw.member_model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                  | QItemSelectionModel.SelectionFlag.Rows)
    sm.setCurrentIndex(lw.member_model.index(2, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    add_entry(db, lw.member_model.row(2).member_id, item.id, f"{YEAR}-06-04")
    assert _chosen(lw.member_view) == [1, 2] and _current(lw.member_view) == 2
    # A character typed in 查找 keeps the member chosen while they are listed.
    lw.member_view.selectRow(1)
    name = lw.member_model.row(1).name
    lw.search.setText(name[0])
    assert [t.name for t in lw.selected_members()] == [name]
