"""导出 Excel / 打印/PDF on the tables beside the main ones: the 台账 page's second tables (经费收支明细,
支委班子结构), the 会议与考勤 tables and the 积分细则, the exchange window's 各乡镇情况 and a member's
变动历史 — each from the table's context menu and from the panel's buttons or menu, taken as shown
(the view's sort), through the shared writer (opened with openpyxl / pypdf here)."""

from __future__ import annotations

import pypdf
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QToolButton

from dangjian_desktop.db import Database
from dangjian_desktop.gui.kit.operations import bus_for

from ledgers_gui_util import ledgers_page, panel_named

pytestmark = pytest.mark.gui


def action(view, text: str):
    found = [a for a in view.actions() if a.text() == text]
    assert len(found) == 1, f"{text} on the context menu of {view.accessibleName() or view.objectName()}"
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    return found[0]


def export(qtbot, view, host, path, kind: str = "导出 Excel…", trigger=None):
    """Trigger the export (the context menu's action, or `trigger`), choose `path`, wait for the writer."""
    (trigger or action(view, kind).trigger)()
    dlg = host.current_dialog
    dlg.selectFile(str(path))
    dlg.accept()
    assert bus_for(host.db).wait_idle()
    qtbot.wait(10)


def shown(view, column: int) -> list[str]:
    m = view.model()
    return [m.index(r, column).data() for r in range(m.rowCount()) if not view.isRowHidden(r)]


def column(view, title: str) -> int:
    m = view.model()
    return next(c for c in range(m.columnCount()) if m.headerData(c, Qt.Orientation.Horizontal) == title)


def sheet(path):
    ws = load_workbook(path).worksheets[0]
    return ws, [c.value for c in ws[3]], list(ws.iter_rows(min_row=4, values_only=True))


def pdf_text(path) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(path).pages).replace("\n", "")


# ---------------------------------------------------------------------------------------------- 台账
@pytest.fixture
def ledgers(qtbot, demo_town):
    with ledgers_page(qtbot, demo_town) as p:
        yield p


def panel_of(qtbot, page, cls_name: str):
    return panel_named(qtbot, page, cls_name)


def submenu(panel, title: str) -> list:
    menus = [a.menu() for a in panel.export_button.menu().actions() if a.menu() is not None and a.text() == title]
    assert len(menus) == 1, f"{title} in the 导出与打印 menu"
    return menus[0].actions()


def test_fund_entries_export_as_shown_from_the_context_menu_and_the_menu(qtbot, ledgers, tmp_path):
    panel = panel_of(qtbot, ledgers, "FundsPanel")
    panel.view.selectionModel().clearSelection()
    panel.view.setCurrentIndex(panel.view.model().index(-1, -1))
    panel._show_entries()  # no branch picked: every entry of the year
    view = panel.entries_view
    assert view.model().rowCount() > 2
    excel, pdf = submenu(panel, "经费收支明细")
    assert [excel.text(), pdf.text()] == ["导出 Excel…", "打印/PDF…"]
    assert excel is action(view, "导出 Excel…") and pdf is action(view, "打印/PDF…")
    date = column(view, "日期")
    before = shown(view, date)
    view.sortByColumn(date, Qt.SortOrder.DescendingOrder)
    assert shown(view, date) != before  # the clerk's sort, newest first
    out = tmp_path / "entries.xlsx"
    export(qtbot, view, ledgers, out, trigger=excel.trigger)  # from the 导出与打印 menu
    ws, heads, rows = sheet(out)
    assert ws["A1"].value == f"{ledgers.year_spin.value()}年经费收支明细" and ws.freeze_panes == "A4"
    assert heads == [view.model().headerData(c, Qt.Orientation.Horizontal) for c in range(view.model().columnCount())]
    assert [r[date] for r in rows] == shown(view, date) and len(rows) == view.model().rowCount()
    out = tmp_path / "entries.pdf"
    export(qtbot, view, ledgers, out, "打印/PDF…")  # from the context menu
    assert "经费收支明细" in pdf_text(out)
    panel.view.selectRow(0)  # one branch's entries: the title names it
    branch = panel.current().org_name
    assert set(shown(view, column(view, "党支部"))) == {branch}
    out = tmp_path / "branch.xlsx"
    export(qtbot, view, ledgers, out)
    ws, _heads, rows = sheet(out)
    assert ws["A1"].value == f"{ledgers.year_spin.value()}年经费收支明细（{branch}）" and len(rows) == view.model().rowCount()


def test_committee_structure_exports_with_the_branch_chosen(qtbot, ledgers, tmp_path):
    page = ledgers
    panel = panel_of(qtbot, page, "CadresPanel")
    view = panel.structure_view
    assert view.model().rowCount() > 2
    assert [a.text() for a in submenu(panel, "支委班子结构")] == ["导出 Excel…", "打印/PDF…"]
    first = view.model().headerData(0, Qt.Orientation.Horizontal)
    before = shown(view, 0)
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert shown(view, 0) != before  # the clerk's sort (by pinyin, last first)
    out = tmp_path / "structure.xlsx"
    export(qtbot, view, page, out)
    ws, heads, rows = sheet(out)
    assert ws["A1"].value == "支委班子结构" and heads[0] == first
    assert [r[0] for r in rows] == shown(view, 0)
    branch = page.db.one("SELECT id, name FROM org WHERE org_type = '党支部' ORDER BY sort_order LIMIT 1")
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        page.org_combo.setCurrentIndex(page.org_combo.findData(branch["id"]))
    out = tmp_path / "one.xlsx"
    export(qtbot, view, page, out)
    ws, _heads, rows = sheet(out)
    assert ws["A1"].value == f"支委班子结构（{branch['name']}）" and len(rows) == 1


# ---------------------------------------------------------------------------------------------- 会议与考勤
@pytest.fixture
def points(qtbot, demo_town):
    from dangjian_desktop.gui.points.page import PointsTab

    db = Database.open(demo_town)
    branch, year = db.one("SELECT org_id, substr(date, 1, 4) FROM meeting GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1")
    tab = PointsTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 820)
    tab.show()
    tab.set_database(db)
    tab.year_spin.setValue(int(year))
    tab.select_branch(branch)
    yield tab
    tab.bus.wait_idle()
    if tab.current_message is not None:
        tab.current_message.close()
    tab.set_database(None)
    db.close()


def test_meetings_and_one_meetings_attendance_export_as_shown(qtbot, points, tmp_path):
    tab = points
    panel = tab.meetings
    tab.tabs.setCurrentWidget(panel)
    view = panel.view
    assert view.model().rowCount() > 2
    buttons = {b.defaultAction().text() for b in panel.findChildren(QToolButton) if b.defaultAction()}
    assert {"导出 Excel…", "打印/PDF…"} <= buttons
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # oldest first
    out = tmp_path / "meetings.xlsx"
    export(qtbot, view, tab, out)
    ws, heads, rows = sheet(out)
    assert ws["A1"].value.startswith(f"{tab.year}年度三会一课会议记录（") and heads[:2] == ["日期", "会议类型"]
    assert [r[0] for r in rows] == shown(view, 0) and len(rows) == view.model().rowCount()
    present = heads.index("出席")
    assert all(isinstance(r[present], int) for r in rows)  # counts stay numbers
    view.selectRow(0)
    att = panel.att_view
    assert att.model().rowCount() > 0
    att.sortByColumn(0, Qt.SortOrder.DescendingOrder) if att.isSortingEnabled() else None
    out = tmp_path / "attendance.pdf"
    export(qtbot, att, tab, out, "打印/PDF…")
    text = pdf_text(out)
    assert f"{shown(view, 0)[0]}{shown(view, 1)[0]}考勤" in text and shown(att, 0)[0] in text


def test_the_catalogue_prints_from_its_context_menu(qtbot, points, tmp_path):
    tab = points
    tab.tabs.setCurrentWidget(tab.catalogue)
    view = tab.catalogue.view
    assert view.model().rowCount() > 5
    out = tmp_path / "items.xlsx"
    export(qtbot, view, tab, out)
    ws, _heads, rows = sheet(out)
    assert ws["A1"].value.startswith(f"{tab.year}年度党员积分细则") and len(rows) == view.model().rowCount()


# ---------------------------------------------------------------------------------------------- exchange
def test_the_towns_exchange_status_exports_from_its_buttons_and_context_menu(qtbot, tmp_path):
    from dangjian_desktop.gui.exchange import ExchangeWindow
    from tests.exchange_util import dj

    county = tmp_path / "county.sqlite"
    dj("--db", county, "init", "--name", "测试县", "--level", "county")
    for town in ("文城镇", "东山镇"):
        dj("--db", county, "exchange", "invite", "--town", town, "--out", tmp_path / f"{town}.djx")
    db = Database.open(county)
    win = ExchangeWindow(db)
    qtbot.addWidget(win)
    win.show()
    try:
        view = win.status_view
        assert view.model().rowCount() == 2
        buttons = [b for b in view.parentWidget().findChildren(QAbstractButton)
                   if isinstance(b, QToolButton) and b.defaultAction() in view.actions()]
        assert sorted(b.defaultAction().text() for b in buttons) == ["导出 Excel…", "打印/PDF…"]
        view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        out = tmp_path / "status.xlsx"
        export(qtbot, view, win, out, trigger=next(b for b in buttons if b.defaultAction().text() == "导出 Excel…").click)
        ws, heads, rows = sheet(out)
        assert ws["A1"].value == "各乡镇数据交换情况" and heads[0] == "单位" and "对方密钥指纹" in heads
        assert [r[0] for r in rows] == shown(view, 0) == ["文城镇", "东山镇"]
        out = tmp_path / "status.pdf"
        export(qtbot, view, win, out, "打印/PDF…")
        assert "各乡镇数据交换情况" in pdf_text(out)
    finally:
        if win.current_message is not None:
            win.current_message.close()
        win.close()
        db.close()


# ---------------------------------------------------------------------------------------------- 变动历史
def test_a_members_history_exports_from_the_dialog(qtbot, db, tmp_path):
    from dangjian_desktop.gui.registry.history_dialog import HistoryDialog
    from dangjian_desktop.registry import add_member, add_org, change_status, idcard

    import datetime as dt

    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="东河村党支部", org_type="党支部", kind="村")
    mid = add_member(db, {"name": "张伟", "id_number": idcard.make("140826", dt.date(1980, 5, 6), 11, True),
                          "ethnicity": "汉族", "join_date": "2005-07-01", "category": "正式党员"},
                     org_id=branch, event_date="2005-07-01")
    change_status(db, mid, event="失联", date="2024-03-01")
    change_status(db, mid, event="恢复联系", date="2024-09-01")
    dlg = HistoryDialog(db, mid)
    qtbot.addWidget(dlg)
    dlg.show()
    buttons = [b for b in dlg.findChildren(QAbstractButton) if b.text() in ("导出 Excel…", "打印/PDF…")]
    assert len(buttons) == 2
    out = tmp_path / "history.xlsx"
    export(qtbot, dlg.table, dlg, out, trigger=next(b for b in buttons if b.text() == "导出 Excel…").click)
    ws, heads, rows = sheet(out)
    assert ws["A1"].value == "党员变动历史（张伟）" and heads[:2] == ["日期", "变动"]
    assert [r[1] for r in rows] == ["入党登记", "失联", "恢复联系"] and ws["A4"].data_type == "s"
    out = tmp_path / "history.pdf"
    export(qtbot, dlg.table, dlg, out, "打印/PDF…")
    assert "党员变动历史" in pdf_text(out) and "恢复联系" in pdf_text(out)
    dlg.close()


# ---------------------------------------------------------------------------------------------- 支委班子成员
def test_the_committee_of_the_organisation_shown_exports_from_its_context_menu(qtbot, demo_town, tmp_path):
    from dangjian_desktop.gui.registry.page import RegistryTab

    db = Database.open(demo_town)
    org = db.one("SELECT o.id, o.name FROM org o JOIN committee_term t ON t.org_id = o.id "
                 "JOIN committee_member c ON c.term_id = t.id WHERE o.org_type = '党支部' "
                 "GROUP BY o.id ORDER BY count(*) DESC LIMIT 1")
    tab = RegistryTab()
    qtbot.addWidget(tab)
    tab.resize(1366, 768)
    tab.show()
    tab.set_database(db)
    try:
        assert tab.select_org(org["id"])
        table = tab.details.committee_table
        assert table.rowCount() >= 3
        out = tmp_path / "committee.xlsx"
        export(qtbot, table, tab, out)
        ws, heads, rows = sheet(out)
        assert ws["A1"].value == f"{org['name']}支委班子成员" and len(heads) == 3
        assert [r[1] for r in rows] == shown(table, 1) and all(r[2] for r in rows)  # 任职日期 as shown
    finally:
        if tab.current_message is not None:
            tab.current_message.close()
        tab.set_database(None)
        db.close()


# ---------------------------------------------------------------------------------------------- 修改记录
def test_a_rows_change_history_exports_with_id_numbers_kept_exact(qtbot, db, tmp_path):
    import datetime as dt

    from dangjian_desktop.gui.data_check import ChangeHistoryDialog
    from dangjian_desktop.registry import add_member, add_org, idcard, update_member

    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="东河村党支部", org_type="党支部", kind="村")
    old, new = (idcard.make("140826", dt.date(1980, 5, 6), n, True) for n in (11, 12))
    mid = add_member(db, {"name": "张伟", "id_number": old, "ethnicity": "汉族", "join_date": "2005-07-01",
                          "category": "正式党员"}, org_id=branch)
    update_member(db, mid, {"id_number": new})
    dlg = ChangeHistoryDialog(db, "member", mid, "党员 张伟")
    qtbot.addWidget(dlg)
    dlg.show()
    excel = next(b for b in dlg.findChildren(QAbstractButton) if b.text() == "导出 Excel…")
    out = tmp_path / "changes.xlsx"
    export(qtbot, dlg.table, dlg, out, trigger=excel.click)
    ws, heads, rows = sheet(out)
    assert ws["A1"].value == "修改记录（党员 张伟）" and heads == list(ChangeHistoryDialog.HEADERS)
    changed = next(r for r in rows if r[heads.index("新值")] == new)  # text, all 18 digits
    assert changed[heads.index("原值")] == old and len(rows) == dlg.table.rowCount()
    assert all(ws.cell(row=4 + i, column=heads.index("新值") + 1).data_type == "s" for i in range(len(rows))
               if rows[i][heads.index("新值")] is not None)
    dlg.close()


def test_codes_of_digits_stay_exact_text_and_quantities_numbers(qtbot):
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    from dangjian_desktop.gui.table_export import table_of_view
    from dangjian_desktop.tables import EXACT, NUMBER

    t = QTableWidget(2, 3)
    qtbot.addWidget(t)
    t.setHorizontalHeaderLabels(["新值", "编号", "人数"])
    for r, row in enumerate((("110101198005061234", "007", "12"), ("110101198005061250", "010", "3"))):
        for c, text in enumerate(row):
            t.setItem(r, c, QTableWidgetItem(text))
    table = table_of_view(t, "测试")
    assert [c.kind for c in table.columns] == [EXACT, EXACT, NUMBER]
    assert table.rows == [["110101198005061234", "007", 12], ["110101198005061250", "010", 3]]


# ---------------------------------------------------------------------------------------------- 考核评分
def test_a_sheets_scores_vetoes_and_history_export_from_their_context_menus(qtbot, db, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from assessment_util import add_branches, new_round

    from dangjian_desktop.gui.assessment.sheet_editor import SheetEditor

    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    _rid, branches = new_round(db)
    ed = SheetEditor()
    qtbot.addWidget(ed)
    ed.resize(1100, 700)
    ed.show()
    try:
        ed.set_sheet(db, branches[0].id)
        model = ed.model
        row = next(r for r in range(model.rowCount()) if model.is_item_row(r))
        assert model.setData(model.index(row, 3), "12")
        out = tmp_path / "sheet.xlsx"
        export(qtbot, ed.view, ed, out)
        ws, heads, rows = sheet(out)
        s = ed.sheet
        assert ws["A1"].value == f"{s.year}年度{s.org_name}考核评分" and len(rows) == model.rowCount()
        assert [r[0] for r in rows] == shown(ed.view, 0) and rows[row][3] == 12  # the score, a number
        assert action(ed.vetoes.proposals.table, "导出 Excel…")  # the proposals, when the registry proves any
        for view, part in ((ed.vetoes.table, "否决项"), (ed.workflow.history_table, "考核流程记录")):
            assert view.model().rowCount() > 0, part
            out = tmp_path / f"{part}.pdf"
            export(qtbot, view, ed, out, "打印/PDF…")
            assert f"{s.year}年度{s.org_name}{part}" in pdf_text(out)
    finally:
        if ed.current_message is not None:
            ed.current_message.close()
        ed.set_sheet(None, None)


# ---------------------------------------------------------------------------------------------- 冲突
from tests.test_exchange_conflicts import forked, note  # noqa: E402, F401 - a town gone back to a backup


def test_the_exchange_conflicts_export_as_shown_without_the_choice_buttons(qtbot, forked):
    from dangjian_desktop.gui.exchange import ExchangeWindow
    from tests.exchange_util import dj

    tmp, county, town, (a, _b, c), _new = forked
    dj("--db", town, "exchange", "export", "--full", "--out", tmp / "p4")
    db = Database.open(county)
    win = ExchangeWindow(db)
    qtbot.addWidget(win)
    win.show()
    try:
        op = win.transfer.preview_file(tmp / "p4")
        qtbot.waitUntil(lambda: not op.running, timeout=60000)
        qtbot.mouseClick(win.transfer.confirm_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not win.transfer.operation.running, timeout=60000)
        view = win.conflicts.table
        assert view.model().rowCount() == 2
        buttons = [b for b in win.conflicts.findChildren(QToolButton) if b.defaultAction() in view.actions()]
        assert sorted(b.defaultAction().text() for b in buttons) == ["导出 Excel…", "打印/PDF…"]
        out = tmp / "conflicts.xlsx"
        export(qtbot, view, win, out)
        ws, heads, rows = sheet(out)
        m = view.model()
        assert ws["A1"].value == "数据交换冲突" and "选择" not in heads
        assert heads == [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount() - 1)]
        assert [r[3] for r in rows] == shown(view, 3) and any("县里收到的修改A" in (r[3] or "") for r in rows)
    finally:
        if win.current_message is not None:
            win.current_message.close()
        if win.receipt is not None:
            win.receipt.close()
        win.close()
        db.close()
