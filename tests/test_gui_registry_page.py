"""The 组织台账 page in its new shape: changes go through the operations layer, the main window's
bus refreshes the page once per change, the history dialog's 修改记录 button, and the page's
panels agree with the core's tree."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox

from dangjian_desktop.registry import add_member, add_org, idcard, org_tree

pytestmark = pytest.mark.gui


def root_id(db) -> str:
    return db.scalar("SELECT id FROM org WHERE parent_id IS NULL")


@pytest.fixture
def office(db):
    branch = add_org(db, parent_id=root_id(db), name="东河村党支部", org_type="党支部", kind="村")
    mid = add_member(db, {"name": "张伟", "id_number": idcard.make("140826", dt.date(1980, 5, 6), 11, True),
                          "ethnicity": "汉族", "join_date": "2005-07-01", "category": "正式党员"}, org_id=branch)
    return branch, mid


@pytest.fixture
def tab(qtbot, db):
    from dangjian_desktop.gui.registry.page import RegistryTab

    widget = RegistryTab()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    yield widget
    if widget.current_dialog is not None:
        getattr(widget.current_dialog, "dialog", widget.current_dialog).reject()
    widget.set_database(None)


def test_a_dialog_saves_through_one_operation_the_bus_announces(qtbot, tab, db, office):
    from dangjian_desktop.gui.kit.operations import Operation, bus_for

    branch, mid = office
    tab.set_database(db)
    heard = []
    bus_for(db).changed.connect(heard.append)
    tab.select_org(branch)
    tab.select_members([mid])
    tab.edit_member()
    dlg = tab.current_dialog
    dlg.dialog.phoneEdit.setText("13800138000")
    qtbot.mouseClick(dlg.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.dialog.isVisible())
    assert len(heard) == 1, "one change, told once"
    assert isinstance(heard[0].source, Operation) and heard[0].source.label == "修改党员"
    assert heard[0].touches("member")
    assert db.get("member", mid)["phone"] == "13800138000"


def test_a_refused_change_stays_in_the_dialog_and_announces_nothing(qtbot, tab, db, office):
    from dangjian_desktop.gui.kit.operations import bus_for

    branch, _mid = office
    tab.set_database(db)
    heard = []
    bus_for(db).changed.connect(heard.append)
    tab.select_org(branch)
    tab.add_org()
    dlg = tab.current_dialog
    dlg.dialog.nameEdit.setText("")
    qtbot.mouseClick(dlg.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dlg.dialog.isVisible() and "组织名称不能为空" in dlg.errors_shown().get("nameError", "")
    assert heard == [] and tab.current_message is None, "the form says why, no message box"


def test_the_main_window_refreshes_the_page_once_per_change(qtbot, db, db_path, office, tmp_path):
    from dangjian_desktop.gui.main_window import MainWindow

    branch, _mid = office
    db.close()
    win = MainWindow(db_path, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    tab = win.registry_tab
    refreshes = []
    tab.refreshed.connect(lambda: refreshes.append(1))
    tab.select_org(branch)
    tab.add_member()
    dlg = tab.current_dialog
    f = dlg.dialog
    f.nameEdit.setText("李四")
    f.idNumberEdit.setText(idcard.make("140826", dt.date(1990, 2, 3), 21, True))
    f.joinDateEdit.setText("2010-07-01")
    qtbot.mouseClick(f.buttonBox.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not f.isVisible())
    assert win.operations.wait_idle()  # the counts and warnings are re-read off the GUI thread
    assert refreshes == [1], "the bus and the dialog both tell the page; it re-reads once"
    assert tab.node_count(("org", branch)) == 2
    new = win.db.scalar("SELECT id FROM member WHERE name = '李四'")
    assert tab.selected_member_ids() == [new]
    assert win.undo_menu.action_undo.text() == "撤销 新增党员 李四"
    win.close_database()


def test_the_history_dialog_opens_the_change_log_of_the_member(qtbot, tab, db, office):
    from dangjian_desktop.gui.data_check import ChangeHistoryDialog

    branch, mid = office
    with db.transaction("更正电话", actor="周干事") as tx:
        tx.update("member", mid, {"phone": "13700000003"})
    tab.set_database(db)
    tab.select_org(branch)
    tab.select_members([mid])
    tab.action_history.trigger()
    history = tab.current_dialog
    assert history.windowTitle() == "党员变动历史 — 张伟"
    qtbot.mouseClick(history.changes_button, Qt.MouseButton.LeftButton)
    changes = history.changes_dialog
    assert isinstance(changes, ChangeHistoryDialog) and changes.isVisible()
    rows = [[changes.table.item(r, c).text() for c in range(changes.table.columnCount())]
            for r in range(changes.table.rowCount())]
    assert any(r[1] == "周干事" and r[2] == "更正电话" and r[6] == "13700000003" for r in rows)
    changes.reject()


def test_the_panels_show_the_cores_tree_and_counts(qtbot, tab, db, office):
    branch, _mid = office
    group = add_org(db, parent_id=branch, name="第一党小组", org_type="党小组")
    tab.set_database(db)
    tree = org_tree(db)
    model = tab.tree_panel.model
    assert [n.key[1] for n in model.nodes[1:]] == [oid for _d, oid in tree.walk(root_id(db))]
    assert [n.count for n in model.nodes[1:]] == [tree.count(oid).total for _d, oid in tree.walk(root_id(db))]
    tab.select_org(branch)
    assert tab.details.labels["members"].text() == "1 人（正式党员 1，预备党员 0）"
    assert tab.details.labels["orgs"].text() == "党小组 1 个"
    tab.select_org(group)
    assert tab.details.labels["members"].text() == "0 人" and not tab.details.term_label.isVisible()


def test_a_deleted_member_leaves_the_cursor_on_the_next(qtbot, tab, db):
    """The clerk's place kept (as in test_gui_places_kept.py): a member deleted from the list leaves
    the cursor on the member who took their place."""
    from dangjian_desktop.registry import remove_member

    branch = add_org(db, parent_id=root_id(db), name="东河村党支部", org_type="党支部", kind="村")
    ids = [add_member(db, {"name": name, "id_number": idcard.make("140826", dt.date(1980, 5, 6 + k), 11, True),
                           "ethnicity": "汉族", "join_date": "2005-07-01", "category": "正式党员"}, org_id=branch)
           for k, name in enumerate(("安平", "白雪", "陈光", "丁一"))]
    tab.set_database(db)
    tab.select_org(branch)
    model = tab.members.model
    order = [model.member_id(r) for r in range(model.rowCount())]
    assert sorted(order) == sorted(ids)
    tab.select_members([order[1]], current=order[1])
    remove_member(db, order[1], reason="重复录入")
    tab.on_data_changed({"member"})  # as the main window passes the change on
    assert tab.current_member_id() == order[2]
    assert tab.members.view.currentIndex().row() == 1
