"""The clerk's place in a table survives a save: the row worked on stays current and chosen, and a
row that leaves the list (deleted, exempted out of a filter, transferred out) leaves the cursor
on the row that took its place, so Enter and the arrow keys go on from there. Another branch,
year or filter starts with nobody chosen."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialogButtonBox, QTableView

from dangjian_desktop.gui.kit.row_model import Col, RowModel, set_rows_in_place
from dangjian_desktop.points import catalogue
from dangjian_desktop.points.ledger import add_entry, delete_entry
from dangjian_desktop.registry import add_member, add_org, idcard, remove_member

from points_util import YEAR
from test_gui_points import tab, town  # noqa: F401  (fixtures)

pytestmark = pytest.mark.gui


def _current(view) -> int:
    return view.currentIndex().row() if view.currentIndex().isValid() else -1


def _chosen(view) -> list[int]:
    return sorted(i.row() for i in view.selectionModel().selectedRows())


def test_set_rows_in_place_keeps_the_rows_by_key_or_the_place(qtbot):
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
    view.setCurrentIndex(model.index(1, 0))
    set_rows_in_place(view, rows[4:], "id", place=False)  # another list: nobody chosen
    assert _current(view) == -1 and _chosen(view) == []


def test_an_attendance_correction_keeps_the_member(qtbot, tab, town):
    db, b = town
    tab.tabs.setCurrentWidget(tab.meetings)
    qtbot.mouseClick(tab.meetings.new_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.meetings.entry.form.confirmButton, Qt.MouseButton.LeftButton)
    mw = tab.meetings
    mw.view.selectRow(0)
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


def test_a_member_exempted_out_of_the_filter_leaves_the_cursor_on_the_next(qtbot, tab, town):
    db, b = town
    catalogue.set_base_score(db, b.office_id, YEAR, 50)
    tab.refresh_all()
    tw = tab.totals
    tab.tabs.setCurrentWidget(tw)
    tw.filter.setCurrentIndex(tw.filter.findData("failing"))
    names = [t.name for t in tw.model.rows]
    tw.view.selectRow(1)
    qtbot.mouseClick(tw.exempt_button, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    dlg.reason.setText("长期患病，本人申请，支部同意")
    qtbot.mouseClick(dlg.dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_dialog is None)
    assert [t.name for t in tw.model.rows] == names[:1] + names[2:]
    assert _current(tw.view) == 1 and tw.selected().name == names[2]
    tw.filter.setCurrentIndex(tw.filter.findData("exempt"))  # another filter: nobody chosen
    assert tw.selected() is None


def test_a_deleted_member_leaves_the_cursor_on_the_next(qtbot, db):
    from dangjian_desktop.gui.registry.page import RegistryTab

    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="东河村党支部", org_type="党支部", kind="村")
    ids = [add_member(db, {"name": name, "id_number": idcard.make("140826", dt.date(1980, 5, 6 + k), 11, True),
                           "ethnicity": "汉族", "join_date": "2005-07-01", "category": "正式党员"}, org_id=branch)
           for k, name in enumerate(("安平", "白雪", "陈光", "丁一"))]
    page = RegistryTab()
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.set_database(db)
    try:
        page.select_org(branch)
        model = page.members.model
        order = [model.member_id(r) for r in range(model.rowCount())]
        assert sorted(order) == sorted(ids)
        page.select_members([order[1]], current=order[1])
        remove_member(db, order[1], reason="重复录入")
        page.on_data_changed({"member"})  # as the main window passes the change on
        assert page.current_member_id() == order[2]
        assert page.members.view.currentIndex().row() == 1
    finally:
        page.set_database(None)
