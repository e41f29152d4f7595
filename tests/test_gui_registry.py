"""The 组织台账 tab through its real widgets (offscreen): tree, dialogs, member table, search, warnings."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from dangjian_desktop import dates, pinyin
from dangjian_desktop.db import Database
from dangjian_desktop.registry import add_member, add_org, idcard, local_office
from dangjian_desktop.registry.orgs import add_committee_member, start_term

pytestmark = pytest.mark.gui

REGION = "140826"


def id_number(born: str, seq: int, male: bool = True) -> str:
    return idcard.make(REGION, dt.date.fromisoformat(born), seq, male)


def root_id(db: Database) -> str:
    return db.scalar("SELECT id FROM org WHERE parent_id IS NULL AND office_id = ?", (local_office(db)["id"],))


def new_branch(db: Database, name: str = "东河村党支部", kind: str = "村") -> str:
    return add_org(db, parent_id=root_id(db), name=name, org_type="党支部", kind=kind)


def new_member(db: Database, org_id: str, name: str, seq: int, *, born: str = "1980-05-06",
               category: str = "正式党员", join_date: str = "2005-07-01", male: bool = True) -> str:
    return add_member(db, {"name": name, "id_number": id_number(born, seq, male), "ethnicity": "汉族",
                           "join_date": join_date, "category": category}, org_id=org_id)


@pytest.fixture
def tab(qtbot, db):
    from dangjian_desktop.gui.registry.page import RegistryTab

    widget = RegistryTab()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    if widget.current_dialog is not None:
        getattr(widget.current_dialog, "dialog", widget.current_dialog).reject()
    widget.set_database(None)


def open_tab(tab, db):
    tab.set_database(db)
    wait_figures(tab)
    return tab


def wait_figures(tab, timeout: float = 10.0) -> None:
    """Until the page's background read of its counts and warnings (started on opening) is shown."""
    import time

    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + timeout
    while tab.figures.running and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.002)
    QCoreApplication.processEvents()
    assert not tab.figures.running, "the registry's figures were not read in time"


def click_action(qtbot, tab, action):
    button = tab.toolbar.widgetForAction(action)
    assert button is not None and button.isEnabled(), action.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_ok(qtbot, form_dialog):
    qtbot.mouseClick(form_dialog.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)


def choose(combo, data):
    i = combo.findData(data)
    assert i >= 0, f"{data!r} not offered"
    combo.setCurrentIndex(i)


def tree_names(tab) -> list[str]:
    return [node.name for node in tab.tree_panel.model.nodes[1:]]


def warnings_of(tab, code: str) -> list:
    return [w for w in tab.warnings.model.items if w.code == code]


def table_names(tab) -> list[str]:
    model = tab.members.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def double_click_row(qtbot, view, row: int):
    view.scrollTo(view.model().index(row, 0))
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def wait_closed(qtbot, form_dialog) -> None:
    """The dialog accepted its input and closed (else: fail naming the errors it shows)."""
    try:
        qtbot.waitUntil(lambda: not form_dialog.dialog.isVisible(), timeout=3000)
    except Exception:  # noqa: BLE001 - report what the dialog says instead of a bare timeout
        pytest.fail(f"dialog still open: {form_dialog.errors_shown()}")


def tx_count(db: Database) -> int:
    return db.scalar("SELECT count(*) FROM tx_log")


# ---- organisations ---------------------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("2020-07-01", "2020-07-01"), ("2020.7.1", "2020-07-01"), ("2020/7/1", "2020-07-01"),
    ("2020年7月1日", "2020-07-01"), ("20200701", "2020-07-01"), ("2020-7", "2020-07"), ("2020年7月", "2020-07"),
    (" 2020-07 ", "2020-07"), ("", None), ("七月一日", "七月一日"), ("2020-13-45", "2020-13-45"),
])
def test_dates_typed_by_clerks_become_iso_text(typed, stored):
    from dangjian_desktop.gui.registry.dialog_base import normalise_date_text

    assert normalise_date_text(typed) == stored


def test_add_branch_through_the_dialog_shows_it_and_its_warnings(qtbot, tab, db):
    open_tab(tab, db)
    assert tab.select_org(root_id(db))
    before = tab.warning_count()
    assert not [w for w in tab.warnings.model.items if w.org_name == "东河村党支部"]

    click_action(qtbot, tab, tab.action_add_org)
    dlg = tab.current_dialog
    assert dlg is not None and dlg.dialog.isVisible()
    f = dlg.dialog
    assert f.parentCombo.currentData() == root_id(db)
    choose(f.typeCombo, "党支部")
    f.nameEdit.setText("东河村党支部")  # QTest types ASCII only
    choose(f.kindCombo, "村")
    qtbot.keyClicks(f.foundedEdit, "2019.3.8")
    click_ok(qtbot, dlg)

    wait_closed(qtbot, dlg)
    row = db.one("SELECT * FROM org WHERE name = '东河村党支部'")
    assert row["org_type"] == "党支部" and row["kind"] == "村" and row["founded_on"] == "2019-03-08"
    assert tab.current_key() == ("org", row["id"])
    assert "东河村党支部" in tree_names(tab)
    # A new branch has no term yet: 未录入任期 and 书记空缺 appear for it.
    mine = {w.code for w in tab.warnings.model.items if w.org_id == row["id"]}
    assert {"no_term", "secretary_vacant", "too_few_members"} <= mine
    assert tab.warning_count() > before
    assert f"预警（{tab.warning_count()}）" in tab.warnings.box.title()


@pytest.mark.parametrize("name, kind, founded, field, message", [
    ("", "村", "", "nameError", "组织名称不能为空"),
    ("西山村党支部", None, "", "kindError", "党支部须选择类别"),
    ("西山村党支部", "村", "2020-13-45", "foundedOnError", "成立日期格式应为2020-07-01"),
])
def test_invalid_branch_input_shows_the_chinese_field_error_and_writes_nothing(qtbot, tab, db, name, kind,
                                                                              founded, field, message):
    open_tab(tab, db)
    tab.select_org(root_id(db))
    orgs, txs = db.scalar("SELECT count(*) FROM org"), tx_count(db)
    click_action(qtbot, tab, tab.action_add_org)
    dlg = tab.current_dialog
    f = dlg.dialog
    choose(f.typeCombo, "党支部")
    f.nameEdit.setText(name)
    choose(f.kindCombo, kind)
    f.foundedEdit.setText(founded)
    click_ok(qtbot, dlg)

    assert f.isVisible(), "the dialog stays open until the input is valid"
    shown = dlg.errors_shown()
    assert message in shown.get(field, ""), shown
    label = dlg.error_labels[field]
    assert "#c62828" in label.styleSheet()
    assert db.scalar("SELECT count(*) FROM org") == orgs
    assert tx_count(db) == txs


def test_fixing_the_input_clears_the_error_and_saves(qtbot, tab, db):
    open_tab(tab, db)
    tab.select_org(root_id(db))
    click_action(qtbot, tab, tab.action_add_org)
    dlg = tab.current_dialog
    f = dlg.dialog
    choose(f.typeCombo, "党支部")
    click_ok(qtbot, dlg)
    assert "nameError" in dlg.errors_shown()
    f.nameEdit.setText("南岭村党支部")  # QTest types ASCII only
    choose(f.kindCombo, "村")
    click_ok(qtbot, dlg)
    wait_closed(qtbot, dlg)
    assert db.scalar("SELECT count(*) FROM org WHERE name = '南岭村党支部'") == 1


def test_deleting_an_empty_branch_asks_first(qtbot, tab, db):
    branch = new_branch(db, "临时党支部", "企业")
    open_tab(tab, db)
    tab.select_org(branch)
    click_action(qtbot, tab, tab.action_delete_org)
    box = tab.current_message
    assert "临时党支部" in box.text()
    qtbot.mouseClick(box.button(box.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: db.get("org", branch) is None)
    assert "临时党支部" not in tree_names(tab)
    assert tab.current_key() == ("org", root_id(db)), "the parent is selected after the deletion"


# ---- members ---------------------------------------------------------------------------

def test_add_probationary_member_through_the_dialog_adds_the_probation_warning(qtbot, tab, db):
    branch = new_branch(db)
    open_tab(tab, db)
    tab.select_org(branch)
    assert not warnings_of(tab, "probation_overdue")
    joined = dates.add_years(dates.today(), -1) - dt.timedelta(days=20)

    click_action(qtbot, tab, tab.action_add_member)
    dlg = tab.current_dialog
    f = dlg.dialog
    assert f.orgCombo.currentData() == branch
    f.nameEdit.setText("李四")  # QTest types ASCII only
    qtbot.keyClicks(f.idNumberEdit, id_number("1990-02-03", 11))
    f.idNumberEdit.editingFinished.emit()
    assert f.birthDateEdit.text() == "1990-02-03", "a valid ID number fills in the birth date"
    assert f.sexCombo.currentData() == "男"
    choose(f.categoryCombo, "预备党员")
    qtbot.keyClicks(f.joinDateEdit, joined.isoformat())
    click_ok(qtbot, dlg)

    wait_closed(qtbot, dlg)
    member = db.one("SELECT * FROM member WHERE name = '李四'")
    assert member["org_id"] == branch and member["category"] == "预备党员"
    overdue = warnings_of(tab, "probation_overdue")
    assert [w.member_id for w in overdue] == [member["id"]]
    assert tab.selected_member_ids() == [member["id"]], "the new member is selected in the table"
    assert tab.node_count(("org", branch)) == 1


@pytest.mark.parametrize("field, value, error_field, message", [
    ("idNumberEdit", "110101199003070001", "idNumberError", "校验位错误"),
    ("idNumberEdit", "11010119900307", "idNumberError", "身份证号应为18位"),
    ("nameEdit", "张", "nameError", "姓名应为2个以上汉字"),
    ("joinDateEdit", "2999-01-01", "joinDateError", "晚于今天"),
    ("joinDateEdit", "", "joinDateError", "入党日期不能为空"),
    ("phoneEdit", "12345", "phoneError", "联系电话应为11位手机号"),
])
def test_invalid_member_input_shows_the_chinese_field_error_and_writes_nothing(qtbot, tab, db, field, value,
                                                                              error_field, message):
    branch = new_branch(db)
    open_tab(tab, db)
    tab.select_org(branch)
    txs = tx_count(db)
    click_action(qtbot, tab, tab.action_add_member)
    dlg = tab.current_dialog
    f = dlg.dialog
    values = {"nameEdit": "王五", "idNumberEdit": id_number("1985-04-05", 21), "joinDateEdit": "2010-07",
              "phoneEdit": ""}
    values[field] = value
    for name, text in values.items():
        getattr(f, name).setText(text)
    click_ok(qtbot, dlg)

    assert f.isVisible()
    assert message in dlg.errors_shown().get(error_field, ""), dlg.errors_shown()
    assert db.scalar("SELECT count(*) FROM member") == 0
    assert tx_count(db) == txs


def test_double_click_on_a_member_opens_the_edit_dialog_and_saves_changes(qtbot, tab, db):
    branch = new_branch(db)
    mid = new_member(db, branch, "赵六", 31)
    open_tab(tab, db)
    tab.select_org(branch)
    double_click_row(qtbot, tab.members.view, 0)
    dlg = tab.current_dialog
    assert dlg is not None and dlg.member["id"] == mid
    f = dlg.dialog
    assert f.nameEdit.text() == "赵六" and not f.orgCombo.isEnabled()
    f.phoneEdit.setText("13800138000")
    click_ok(qtbot, dlg)
    wait_closed(qtbot, dlg)
    assert db.get("member", mid)["phone"] == "13800138000"
    assert tab.selected_member_ids() == [mid]


def test_status_change_moves_the_member_out_of_the_active_list(qtbot, tab, db):
    branch = new_branch(db)
    mid = new_member(db, branch, "钱七", 41)
    open_tab(tab, db)
    tab.select_org(branch)
    tab.select_members([mid])
    click_action(qtbot, tab, tab.action_status)
    dlg = tab.current_dialog
    choose(dlg.dialog.eventCombo, "转出")
    click_ok(qtbot, dlg)
    wait_closed(qtbot, dlg)
    assert db.get("member", mid)["status"] == "已转出"
    assert tab.members.model.rowCount() == 0
    tab.members.inactive_check.setChecked(True)
    assert tab.members.model.ids == [mid]


def test_text_pasted_with_line_breaks_into_a_one_line_field_is_saved_as_one_line(qtbot, tab, db):
    branch = new_branch(db)
    mid = new_member(db, branch, "钱七", 41)
    open_tab(tab, db)
    tab.select_org(branch)
    tab.select_members([mid])
    click_action(qtbot, tab, tab.action_status)
    dlg = tab.current_dialog
    choose(dlg.dialog.eventCombo, "失联")
    dlg.dialog.noteEdit.setText("外出务工\n电话停机")  # pasted: a QLineEdit keeps the line break
    click_ok(qtbot, dlg)
    wait_closed(qtbot, dlg)
    assert db.scalar("SELECT note FROM member_event WHERE member_id = ? AND event_type = '失联'", (mid,)) \
        == "外出务工电话停机"


def test_the_record_of_a_member_who_left_can_be_transferred(qtbot, tab, db):
    a, b = new_branch(db, "甲村党支部"), new_branch(db, "乙村党支部")
    mid = new_member(db, a, "孙八", 51)
    from dangjian_desktop.registry import change_status

    change_status(db, mid, event="死亡", date="2025-03-01")
    open_tab(tab, db)
    tab.select_org(a)
    tab.members.inactive_check.setChecked(True)
    tab.select_members([mid])
    click_action(qtbot, tab, tab.action_transfer)
    dlg = tab.current_dialog
    assert "党籍状态为“已去世”：只移动这份记录" in dlg.dialog.memberLabel.text()
    dlg.dialog.orgCombo.setCurrentIndex(dlg.dialog.orgCombo.findData(b))
    click_ok(qtbot, dlg)
    wait_closed(qtbot, dlg)
    assert (db.get("member", mid)["org_id"], db.get("member", mid)["status"]) == (b, "已去世")


def test_every_status_event_has_a_hint_for_the_clerk():
    from dangjian_desktop.gui.registry.status_dialogs import EVENT_HINTS
    from dangjian_desktop.registry.members import EVENTS

    assert set(EVENT_HINTS) == set(EVENTS)


def test_transfer_moves_the_member_to_the_other_branch(qtbot, tab, db):
    a, b = new_branch(db, "甲村党支部"), new_branch(db, "乙村党支部")
    mid = new_member(db, a, "孙八", 51)
    open_tab(tab, db)
    tab.select_org(a)
    tab.select_members([mid])
    click_action(qtbot, tab, tab.action_transfer)
    dlg = tab.current_dialog
    f = dlg.dialog
    assert f.orgCombo.findData(a) < 0, "the member's own branch is not offered"
    f.orgCombo.setCurrentIndex(f.orgCombo.findData(b))
    click_ok(qtbot, dlg)
    wait_closed(qtbot, dlg)
    assert db.get("member", mid)["org_id"] == b
    assert tab.node_count(("org", a)) == 0 and tab.node_count(("org", b)) == 1
    assert tab.current_key() == ("org", b) and tab.selected_member_ids() == [mid]


def test_del_key_asks_for_a_reason_before_removing_a_member(qtbot, tab, db):
    branch = new_branch(db)
    mid = new_member(db, branch, "周九", 61)
    open_tab(tab, db)
    tab.select_org(branch)
    tab.select_members([mid])
    tab.members.view.setFocus()
    qtbot.keyClick(tab.members.view, Qt.Key.Key_Delete)
    dlg = tab.current_dialog
    assert dlg is not None and dlg.member["id"] == mid
    ok = dlg.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and "须说明原因" in dlg.errorLabel.text()
    assert db.get("member", mid) is not None
    dlg.reasonEdit.setText("重复录入")  # QTest types ASCII only
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: db.get("member", mid) is None)
    assert tab.members.model.rowCount() == 0


def test_history_lists_the_member_events(qtbot, tab, db):
    a, b = new_branch(db, "甲村党支部"), new_branch(db, "乙村党支部")
    mid = new_member(db, a, "吴十", 71)
    from dangjian_desktop.registry import transfer_member

    transfer_member(db, mid, to_org_id=b, date=dates.today().isoformat())
    open_tab(tab, db)
    tab.select_org(b)
    tab.select_members([mid])
    click_action(qtbot, tab, tab.action_history)
    table = tab.current_dialog.table
    events = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert events == ["入党登记", "转入"]
    assert table.item(1, 2).text() == "甲村党支部" and table.item(1, 3).text() == "乙村党支部"


# ---- committee and term ----------------------------------------------------------------

def test_new_term_and_secretary_clear_the_vacancy_warning(qtbot, tab, db):
    branch = new_branch(db)
    mid = new_member(db, branch, "郑一", 81)
    open_tab(tab, db)
    tab.select_org(branch)
    assert {"no_term", "secretary_vacant"} <= {w.code for w in tab.warnings.model.items if w.org_id == branch}

    qtbot.mouseClick(tab.details.button_new_term, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    dlg.dialog.startEdit.setText("2025-03-01")
    click_ok(qtbot, dlg)
    wait_closed(qtbot, dlg)
    assert "2028年3月1日" in tab.details.term_label.text()
    codes = {w.code for w in tab.warnings.model.items if w.org_id == branch}
    assert "no_term" not in codes and "secretary_vacant" in codes

    qtbot.mouseClick(tab.details.button_appoint, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    f = dlg.dialog
    assert f.roleCombo.currentData() == "书记"
    f.memberCombo.setCurrentIndex(f.memberCombo.findData(mid))
    f.startEdit.setText("2025-03-01")
    click_ok(qtbot, dlg)
    wait_closed(qtbot, dlg)
    assert tab.details.committee_table.rowCount() == 1
    assert [tab.details.committee_table.item(0, c).text() for c in range(3)] == ["书记", "郑一", "2025年3月1日"]
    assert "secretary_vacant" not in {w.code for w in tab.warnings.model.items if w.org_id == branch}


def test_a_committee_member_leaves_through_the_end_dialog(qtbot, tab, db):
    branch = new_branch(db)
    mid = new_member(db, branch, "王书记", 82)
    start_term(db, branch, start_date="2024-03-01", years=3)
    add_committee_member(db, branch, role="书记", start_date="2024-03-01", member_id=mid)
    open_tab(tab, db)
    tab.select_org(branch)
    assert not tab.details.button_end_cm.isEnabled(), "离任 needs a committee member selected"
    tab.details.committee_table.selectRow(0)
    qtbot.mouseClick(tab.details.button_end_cm, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    dlg.dialog.endEdit.setText("2024-01-01")
    click_ok(qtbot, dlg)
    assert "不能早于任职日期" in dlg.errors_shown().get("endDateError", "")
    dlg.dialog.endEdit.setText("2025-06-30")
    click_ok(qtbot, dlg)
    wait_closed(qtbot, dlg)
    assert tab.details.committee_table.rowCount() == 0
    assert "secretary_vacant" in {w.code for w in tab.warnings.model.items if w.org_id == branch}


def test_term_extension_is_shown_with_the_new_due_date(qtbot, tab, db):
    branch = new_branch(db)
    start_term(db, branch, start_date="2024-03-01", years=2)
    open_tab(tab, db)
    tab.select_org(branch)
    qtbot.mouseClick(tab.details.button_extend_term, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    click_ok(qtbot, dlg)
    assert "须经上级党组织批准" in dlg.errors_shown().get("approvalError", "")
    dlg.dialog.monthsSpin.setValue(6)
    dlg.dialog.approvalEdit.setText("镇党委〔2026〕3号")
    click_ok(qtbot, dlg)
    wait_closed(qtbot, dlg)
    assert "2026年9月1日" in tab.details.term_label.text() and "延期6个月" in tab.details.term_label.text()


# ---- search and sorting ----------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("zs", ["张三", "张三丰"]),
    ("ZSF", ["张三丰"]),
    ("lisi", ["李四"]),
    ("三", ["张三", "张三丰"]),
    ("1408", ["李四", "王五", "张三", "张三丰"]),
    ("1401", []),
    ("140826198001010", ["王五"]),
])
def test_search_filters_by_name_id_number_pinyin_and_initials(qtbot, tab, db, typed, expected):
    branch = new_branch(db)
    for i, (name, born) in enumerate((("张三", "1981-01-01"), ("李四", "1982-01-01"), ("王五", "1980-01-01"),
                                      ("张三丰", "1983-01-01"))):
        new_member(db, branch, name, i + 1, born=born)
    open_tab(tab, db)
    tab.select_org(branch)
    assert tab.members.model.rowCount() == 4
    tab.members.search_edit.setFocus()
    if typed.isascii():
        qtbot.keyClicks(tab.members.search_edit, typed)  # one key at a time, as the clerk types
    else:
        tab.members.search_edit.setText(typed)  # QTest can type ASCII only
    qtbot.waitUntil(lambda: tab.members.model.filter_text == typed)
    assert sorted(table_names(tab)) == sorted(expected)
    assert tab.members.count_label.text() == f"共 {len(expected)} 人"


def test_search_in_all_organisations_finds_members_of_other_branches(qtbot, tab, db):
    a, b = new_branch(db, "甲村党支部"), new_branch(db, "乙村党支部")
    new_member(db, a, "张三", 1)
    other = new_member(db, b, "张四", 2)
    open_tab(tab, db)
    tab.select_org(a)
    qtbot.keyClicks(tab.members.search_edit, "zs")
    qtbot.waitUntil(lambda: tab.members.model.filter_text == "zs")
    assert table_names(tab) == ["张三"]
    qtbot.mouseClick(tab.members.search_all_check, Qt.MouseButton.LeftButton)
    assert table_names(tab) == ["张三", "张四"]
    assert "全部组织" in tab.members.box.title()
    tab.select_members([other])
    double_click_row(qtbot, tab.members.view, 1)
    assert tab.current_dialog.member["id"] == other


def test_sorting_by_name_follows_pinyin_not_code_points(qtbot, tab, db):
    branch = new_branch(db)
    names = ["张伟", "曾琪", "白云", "阿强", "单雄"]
    for i, name in enumerate(names):
        new_member(db, branch, name, i + 1)
    expected = ["阿强", "白云", "单雄", "曾琪", "张伟"]  # a, bai, shan (surname), zeng (surname), zhang
    assert sorted(names) != expected
    open_tab(tab, db)
    tab.select_org(branch)
    assert table_names(tab) == expected

    header = tab.members.view.horizontalHeader()
    x = header.sectionViewportPosition(0) + header.sectionSize(0) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert table_names(tab) == list(reversed(expected))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert table_names(tab) == expected


def test_sorting_keeps_the_selected_member_selected(qtbot, tab, db):
    branch = new_branch(db)
    ids = [new_member(db, branch, name, i + 1, born=f"19{70 + i}-01-01")
           for i, name in enumerate(["甲一", "乙二", "丙三"])]
    open_tab(tab, db)
    tab.select_org(branch)
    tab.select_members([ids[1]])
    from dangjian_desktop.gui.registry.member_model import COLUMN_KEYS

    birth_col = COLUMN_KEYS.index("birth_date")
    tab.members.view.sortByColumn(birth_col, Qt.SortOrder.DescendingOrder)
    assert tab.members.model.ids == list(reversed(ids))
    assert tab.selected_member_ids() == [ids[1]]


# ---- warnings --------------------------------------------------------------------------

def test_double_click_on_a_branch_warning_selects_the_branch(qtbot, tab, db):
    new_branch(db, "甲村党支部")
    target = new_branch(db, "乙村党支部")
    open_tab(tab, db)
    tab.select_org(root_id(db))
    row = next(i for i, w in enumerate(tab.warnings.model.items)
               if w.org_id == target and w.code == "secretary_vacant")
    double_click_row(qtbot, tab.warnings.view, row)
    assert tab.current_key() == ("org", target)
    assert tab.details.labels["name"].text() == "乙村党支部"


def test_double_click_on_a_member_warning_opens_that_member(qtbot, tab, db):
    branch = new_branch(db)
    joined = (dates.add_years(dates.today(), -2)).isoformat()
    mid = new_member(db, branch, "冯二", 91, category="预备党员", join_date=joined)
    other = new_branch(db, "乙村党支部")
    open_tab(tab, db)
    tab.select_org(other)
    row = next(i for i, w in enumerate(tab.warnings.model.items) if w.member_id == mid)
    double_click_row(qtbot, tab.warnings.view, row)
    assert tab.current_key() == ("org", branch)
    dlg = tab.current_dialog
    assert dlg is not None and dlg.member["id"] == mid and dlg.dialog.isVisible()


def test_refresh_after_a_change_elsewhere_keeps_node_and_member_selected(qtbot, tab, db):
    branch = new_branch(db)
    mid = new_member(db, branch, "陈三", 3)
    open_tab(tab, db)
    tab.select_org(branch)
    tab.select_members([mid])
    new_member(db, branch, "艾一", 4)  # sorts before 陈三
    with qtbot.waitSignal(tab.refreshed):
        tab.on_data_changed({"member"})
    assert tab.current_key() == ("org", branch)
    assert table_names(tab) == ["艾一", "陈三"]
    assert tab.selected_member_ids() == [mid]


# ---- the model -------------------------------------------------------------------------

def _bulk_members(db: Database, org_id: str, n: int) -> None:
    """Many members at once (bypassing the per-member checks, which other tests cover)."""
    rows = []
    for i in range(n):
        name = "甲乙丙丁戊己庚辛壬癸"[i % 10] + "子丑寅卯辰巳午未申酉戌亥"[i // 10 % 12]
        rows.append({"org_id": org_id, "name": name, "name_pinyin": pinyin.sort_key(name) + f" {i:05d}",
                     "name_initials": pinyin.initials(name), "sex": "男", "ethnicity": "汉族",
                     "birth_date": "1980-01-01", "id_number": id_number("1980-01-01", i) + f"-{i}",
                     "join_date": "2000-01-01", "category": "正式党员", "status": "正常", "note": "",
                     "owner": db.local_office_id})
    with db.transaction("test members") as tx:
        tx.insert_many("member", rows)


def test_member_model_passes_qtmodeltester(qtmodeltester, db, monkeypatch):
    from dangjian_desktop.gui.registry import member_model

    monkeypatch.setattr(member_model, "PAGE_SIZE", 7)
    branch = new_branch(db)
    _bulk_members(db, branch, 30)
    model = member_model.MemberTableModel()
    model.set_database(db)
    assert model.rowCount() == 30
    qtmodeltester.check(model)
    model.sort(3, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_tree_model_passes_qtmodeltester(qtmodeltester, qtbot, tab, db):
    for i in range(3):
        branch = new_branch(db, f"第{i + 1}党支部")
        add_org(db, parent_id=branch, name="第一党小组", org_type="党小组")
    open_tab(tab, db)
    assert tab.tree_panel.model.rowCount() == 1
    assert tab.tree_panel.model.rowCount(tab.tree_panel.model.index(0, 0)) == 3
    qtmodeltester.check(tab.tree_panel.model)


def test_member_model_keeps_ids_and_fetches_rows_in_pages(db):
    from dangjian_desktop.gui.registry.member_model import PAGE_SIZE, MemberTableModel

    branch = new_branch(db)
    _bulk_members(db, branch, PAGE_SIZE * 3 + 5)
    model = MemberTableModel()
    model.set_database(db)
    assert model.rowCount() == PAGE_SIZE * 3 + 5
    assert model.pages_fetched == 0, "reloading reads only the ids"
    model.data(model.index(0, 0))
    model.data(model.index(PAGE_SIZE - 1, 4))
    assert model.pages_fetched == 1
    last = model.data(model.index(PAGE_SIZE * 3 + 4, 0))
    assert model.pages_fetched == 2
    ordered = [r[0] for r in db.query("SELECT name FROM member ORDER BY name_pinyin")]
    assert last == ordered[-1]


# ---- read-only, roster, main window ----------------------------------------------------

def test_read_only_database_disables_every_editing_action(qtbot, tab, db, db_path):
    branch = new_branch(db)
    mid = new_member(db, branch, "褚四", 5)
    start_term(db, branch, start_date="2025-01-01", years=3)
    add_committee_member(db, branch, role="书记", start_date="2025-01-01", member_id=mid)
    db.close()
    ro = Database.open(db_path, mode="read")
    try:
        open_tab(tab, ro)
        tab.select_org(branch)
        tab.select_members([mid])
        tab.details.committee_table.selectRow(0)
        for action in tab.editing_actions:
            assert not action.isEnabled(), action.text()
        d = tab.details
        for button in (d.button_new_term, d.button_extend_term, d.button_appoint, d.button_end_cm):
            assert not button.isEnabled(), button.text()
        assert tab.action_history.isEnabled() and tab.action_export.isEnabled()
        tab.members.view.setFocus()
        qtbot.keyClick(tab.members.view, Qt.Key.Key_Delete)
        assert tab.current_dialog is None
        double_click_row(qtbot, tab.members.view, 0)
        dlg = tab.current_dialog
        assert dlg is not None and dlg.dialog.nameEdit.isReadOnly()
        assert dlg.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok) is None
    finally:
        tab.set_database(None)
        ro.close()


def test_roster_buttons_explain_when_the_roster_module_is_missing(qtbot, tab, db, monkeypatch):
    for module in ("dangjian_desktop.gui.roster", "dangjian_desktop.gui.roster.wizard", "dangjian_desktop.gui.roster.dialogs"):
        monkeypatch.setitem(sys.modules, module, None)
    open_tab(tab, db)
    for action in (tab.action_import, tab.action_export, tab.action_template):
        click_action(qtbot, tab, action)
        box = tab.message_box
        assert box is not None and "花名册" in box.text()
        box.close()


def test_import_button_opens_the_roster_wizard_for_the_selected_branch(qtbot, tab, db):
    wizard_module = pytest.importorskip("dangjian_desktop.gui.roster.wizard")
    branch = new_branch(db)
    open_tab(tab, db)
    tab.select_org(branch)
    click_action(qtbot, tab, tab.action_import)
    wizard = tab.current_dialog
    assert isinstance(wizard, wizard_module.RosterImportWizard)
    assert wizard.isVisible() and wizard.default_org_id == branch
    wizard.reject()
    qtbot.waitUntil(lambda: tab.current_dialog is None)


def test_main_window_shows_the_registry_tab_and_refreshes_it_after_a_change(qtbot, db, db_path):
    from PySide6.QtCore import QSettings

    from dangjian_desktop.gui.main_window import MainWindow
    from dangjian_desktop.gui.registry.page import RegistryTab

    db.close()
    settings = QSettings(str(db_path.with_suffix(".ini")), QSettings.Format.IniFormat)
    win = MainWindow(db_path, settings=settings)
    qtbot.addWidget(win)
    tab = win.registry_tab
    assert isinstance(tab, RegistryTab)
    wait_figures(tab)
    before = tab.warning_count()
    assert before > 0  # the warnings read in the background on opening are shown
    with qtbot.waitSignal(tab.refreshed):
        new_branch(win.db, "新设党支部", "机关")
    assert "新设党支部" in tree_names(tab)
    assert tab.warning_count() > before
    win.close_database()
    assert tab.stack.currentIndex() == 0


def test_party_group_leader_is_set_through_the_dialog(qtbot, tab, db):
    branch = new_branch(db)
    group = add_org(db, parent_id=branch, name="第一党小组", org_type="党小组")
    mid = new_member(db, branch, "刘组长", 71)
    from dangjian_desktop.registry import update_member

    update_member(db, mid, {"group_id": group})
    open_tab(tab, db)
    tab.select_org(group)
    assert tab.details.button_group_leader.isVisible()
    assert "空缺" in tab.details.labels["leader"].text()
    assert any(w.code == "group_leader_vacant" and w.org_id == group for w in tab.warnings.model.items)
    qtbot.mouseClick(tab.details.button_group_leader, Qt.MouseButton.LeftButton)
    dlg = tab.current_dialog
    choose(dlg.dialog.memberCombo, mid)
    click_ok(qtbot, dlg)
    qtbot.waitUntil(lambda: tab.details.labels["leader"].text() == "刘组长")
    assert db.get("org", group)["leader_member_id"] == mid
    assert not any(w.code == "group_leader_vacant" and w.org_id == group for w in tab.warnings.model.items)


def test_group_leader_button_only_for_party_groups(tab, db):
    branch = new_branch(db)
    open_tab(tab, db)
    tab.select_org(branch)
    assert not tab.details.button_group_leader.isVisible()
