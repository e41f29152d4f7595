"""导出 Excel / 打印/PDF on every table a clerk sees, triggered from the table's context menu: the
file (opened with openpyxl, or its PDF text read with pypdf) has the title, the header, the frozen
pane and filter, the rows in the view's current sort and filter, ID numbers as text and numbers
as numbers; a table with ID numbers is refused as PDF with the privacy guard's message."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from dangjian_desktop.gui.kit.operations import bus_for
from dangjian_desktop.registry import add_member, add_org, idcard

from ledgers_gui_util import ledgers_page, panel_named

pytestmark = pytest.mark.gui


def action(view, text: str):
    found = [a for a in view.actions() if a.text() == text]
    assert len(found) == 1, f"{text} on the context menu"
    return found[0]


def export(qtbot, view, host, path, kind: str = "导出 Excel…"):
    """Trigger the context menu's action, choose `path` in the file dialog, wait for the writer."""
    action(view, kind).trigger()
    dlg = host.current_dialog
    dlg.selectFile(str(path))
    dlg.accept()
    assert bus_for(host.db).wait_idle()
    qtbot.wait(10)


def shown(view, column: int) -> list[str]:
    m = view.model()
    return [m.index(r, column).data() for r in range(m.rowCount()) if not view.isRowHidden(r)]


# ---------------------------------------------------------------------------------------------- registry
@pytest.fixture
def registry(qtbot, db):
    from dangjian_desktop.gui.registry.page import RegistryTab

    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="东河村党支部", org_type="党支部", kind="村")
    people = [("张伟", dt.date(1980, 5, 6), "2005-07-01", "13800138001"),
              ("张敏", dt.date(1975, 2, 3), "1999-07-01", "13800138002"),
              ("李强", dt.date(1990, 8, 9), "2015-07-01", "13800138003"),
              ("张丽", dt.date(1985, 1, 2), "2010-07-01", "13800138004")]
    for n, (name, born, joined, phone) in enumerate(people):
        add_member(db, {"name": name, "id_number": idcard.make("140826", born, 11 + n, n % 2 == 0),
                        "ethnicity": "汉族", "join_date": joined, "category": "正式党员", "phone": phone},
                   org_id=branch)
    tab = RegistryTab()
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    tab.set_database(db)
    qtbot.waitUntil(lambda: not tab.figures.running, timeout=10000)  # the warnings are read in the background
    yield tab
    tab.set_database(None)


def test_member_table_exports_every_matching_member_in_the_views_order(qtbot, registry, db, tmp_path, monkeypatch):
    from dangjian_desktop.gui.registry import member_model

    tab = registry
    view, model = tab.members.view, tab.members.model
    assert [a.text() for a in view.actions()][-2:] == ["导出 Excel…", "打印/PDF…"]
    tab.members.search_edit.setText("张")
    tab.apply_filter()
    view.sortByColumn(6, Qt.SortOrder.DescendingOrder)  # 入党日期, newest first
    assert model.rowCount() == 3
    # the model keeps one small page only: the export must read every matching member itself
    monkeypatch.setattr(member_model, "PAGE_SIZE", 1)
    monkeypatch.setattr(member_model, "MAX_PAGES", 1)
    model._pages.clear()
    out = tmp_path / "members.xlsx"
    export(qtbot, view, tab, out)
    ws = load_workbook(out).worksheets[0]
    assert ws["A1"].value.startswith("党员名册") and "查找“张”" in ws["A1"].value
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3")
    assert ws.print_title_rows == "$3:$3"
    heads = [c.value for c in ws[3]]
    assert heads[:7] == ["姓名", "性别", "民族", "出生日期", "身份证号", "学历", "入党日期"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == ["张丽", "张伟", "张敏"]  # the search and the sort as on screen
    # dates: real dates (they sort and filter as dates), shown as 2010年7月1日
    assert [r[6] for r in rows] == [dt.datetime(2010, 7, 1), dt.datetime(2005, 7, 1), dt.datetime(1999, 7, 1)]
    assert ws.cell(row=4, column=7).number_format == 'yyyy"年"m"月"d"日"'
    ids = [db.scalar("SELECT id_number FROM member WHERE name = ?", (r[0],)) for r in rows]
    assert [r[4] for r in rows] == ids and all(ws.cell(4 + i, 5).data_type == "s" for i in range(3))
    assert ws.cell(4, 5).number_format == "@"
    assert [r[11] for r in rows] == ["13800138004", "13800138001", "13800138002"]


def test_member_table_rows_are_read_in_the_background_once_the_file_is_chosen(qtbot, registry, db, tmp_path,
                                                                               monkeypatch):
    import threading

    from dangjian_desktop.gui.registry import member_export

    tab = registry
    read_on, told = [], []
    real = member_export.member_rows

    def member_rows(reader, ids):
        read_on.append((threading.get_ident(), reader is db))
        return real(reader, ids)

    monkeypatch.setattr(member_export, "member_rows", member_rows)
    monkeypatch.setattr(member_export, "CHUNK", 1)
    monkeypatch.setattr(member_export, "PROGRESS_CHUNKS", 1)
    action(tab.members.view, "导出 Excel…").trigger()
    assert read_on == []  # nothing read before the clerk chose where to save (a prefecture: seconds)
    dlg = tab.current_dialog
    out = tmp_path / "all.xlsx"
    dlg.selectFile(str(out))
    dlg.accept()
    assert bus_for(db).wait_idle()
    assert len(read_on) == 4 and all(t != threading.main_thread().ident and not own for t, own in read_on)
    assert [r[0] for r in load_workbook(out).worksheets[0].iter_rows(min_row=4, values_only=True)] == \
        ["李强", "张丽", "张敏", "张伟"]
    # how far it got, member by member here
    read = member_export.member_table(tab.members.view, tab.members.model, "党员名册")
    table = read(db, lambda *a: told.append(a))
    assert len(table.rows) == 4 and [t[:2] for t in told] == [(1, 4), (2, 4), (3, 4)]
    assert told[-1][2] == "已读出 3 / 4 名党员"


def test_member_table_with_id_numbers_is_refused_as_pdf_with_the_guards_message(qtbot, registry, tmp_path):
    tab = registry
    out = tmp_path / "members.pdf"
    export(qtbot, tab.members.view, tab, out, "打印/PDF…")
    assert not out.exists()
    box = tab.current_message
    assert box is not None and ("身份证" in box.text() or "证件" in box.text() or "隐私" in box.text())
    box.close()


def test_toolbar_buttons_carry_the_same_actions(registry):
    from PySide6.QtWidgets import QToolButton

    texts = {b.defaultAction().text() for b in registry.members.findChildren(QToolButton) if b.defaultAction()}
    assert {"导出 Excel…", "打印/PDF…"} <= texts
    menu = registry.warnings.export_button.menu()
    assert [a.text() for a in menu.actions()] == ["导出 Excel…", "打印/PDF…"]


def test_warnings_export_as_shown_excel_and_pdf(qtbot, registry, tmp_path):
    import pypdf

    tab = registry
    view = tab.warnings.view
    assert view.model().rowCount() > 0, "a new office has warnings (no committee, …)"
    out = tmp_path / "warnings.xlsx"
    export(qtbot, view, tab, out)
    ws = load_workbook(out).worksheets[0]
    assert ws["A1"].value == "党组织和党员预警" and ws.freeze_panes == "A4" and ws.auto_filter.ref
    assert [c.value for c in ws[3]] == ["级别", "类型", "内容"]
    assert [r[2] for r in ws.iter_rows(min_row=4, values_only=True)] == shown(view, 2)
    pdf = tmp_path / "warnings.pdf"
    export(qtbot, view, tab, pdf, "打印/PDF…")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert "党组织和党员预警" in text and shown(view, 2)[0][:6] in text.replace("\n", "")


# ---------------------------------------------------------------------------------------------- points
@pytest.fixture
def points(qtbot, db):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from points_util import YEAR, add_branch, item

    from dangjian_desktop.gui.points.page import PointsTab
    from dangjian_desktop.points import catalogue
    from dangjian_desktop.points.ledger import add_entry

    b = add_branch(db, "东河村党支部", n=4)
    catalogue.ensure_catalogue(db, db.local_office_id, YEAR)
    for n, code in ((0, "A05"), (2, "A05"), (2, "A05"), (3, "A05")):
        add_entry(db, b.members[n], item(db, code).id, f"{YEAR}-0{n + 3}-04")
    tab = PointsTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 820)
    tab.show()
    tab.set_database(db)
    tab.year_spin.setValue(YEAR)
    tab.select_branch(b.id)
    yield tab
    tab.bus.wait_idle()
    tab.set_database(None)


def column(view, title: str) -> int:
    m = view.model()
    return next(c for c in range(m.columnCount()) if m.headerData(c, Qt.Orientation.Horizontal) == title)


def test_year_totals_export_in_the_views_sort_with_numbers_numeric(qtbot, points, tmp_path):
    import pypdf

    tab = points
    tab.tabs.setCurrentWidget(tab.totals)
    view = tab.totals.view
    view.sortByColumn(column(view, "总分"), Qt.SortOrder.DescendingOrder)
    out = tmp_path / "totals.xlsx"
    export(qtbot, view, tab, out)
    ws = load_workbook(out).worksheets[0]
    assert ws["A1"].value == "2025年度党员积分汇总及星级（东河村党支部）"
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3") and ws.print_title_rows == "$3:$3"
    heads = [c.value for c in ws[3]]
    assert heads[:3] == ["党支部", "姓名", "基础分"] and "总分" in heads
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    total = heads.index("总分")
    assert [r[1] for r in rows] == shown(view, 1)
    assert [r[total] for r in rows] == sorted((r[total] for r in rows), reverse=True)
    assert all(isinstance(r[total], (int, float)) for r in rows) and rows[0][total] > rows[-1][total]
    pdf = tmp_path / "totals.pdf"  # names and scores only: the guard lets it print
    export(qtbot, view, tab, pdf, "打印/PDF…")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert "2025年度党员积分汇总及星级" in text and shown(view, 1)[0] in text


def test_totals_filter_and_branch_table_and_toolbar(qtbot, points, tmp_path):
    from PySide6.QtWidgets import QToolButton

    tab = points
    tab.tabs.setCurrentWidget(tab.totals)
    texts = {b.defaultAction().text() for b in tab.totals.findChildren(QToolButton) if b.defaultAction()}
    assert {"导出 Excel…", "打印/PDF…"} <= texts
    tab.totals.filter.setCurrentIndex(tab.totals.filter.findData("failing"))  # 不合格 only: none here
    assert tab.totals.view.model().rowCount() == 0
    out = tmp_path / "branches.xlsx"
    export(qtbot, tab.totals.branch_view, tab, out)
    ws = load_workbook(out).worksheets[0]
    assert ws["A1"].value.startswith("2025年度支部评星参考") and ws.freeze_panes == "A4"
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == ["东河村党支部"] and rows[0][1] == 4  # 党员: a number


def test_points_ledger_entries_export_newest_first_with_dates_as_text(qtbot, points, tmp_path):
    tab = points
    tab.tabs.setCurrentWidget(tab.ledger)
    view = tab.ledger.entry_view
    assert view.model().rowCount() == 4
    out = tmp_path / "ledger.xlsx"
    export(qtbot, view, tab, out)
    ws = load_workbook(out).worksheets[0]
    assert ws["A1"].value.startswith("2025年度积分台账") and ws.freeze_panes == "A4" and ws.auto_filter.ref
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == shown(view, 0) == ["2025年6月4日", "2025年5月4日", "2025年5月4日", "2025年3月4日"]
    assert ws["A4"].data_type == "s"
    out = tmp_path / "members.xlsx"
    tab.ledger.member_view.sortByColumn(column(tab.ledger.member_view, "总分"), Qt.SortOrder.DescendingOrder)
    export(qtbot, tab.ledger.member_view, tab, out)
    ws = load_workbook(out).worksheets[0]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    heads = [c.value for c in ws[3]]
    assert [r[0] for r in rows] == shown(tab.ledger.member_view, 0)
    assert [r[heads.index("总分")] for r in rows][:2] == [64, 62]


def test_compliance_table_exports_as_excel_and_pdf(qtbot, points, tmp_path):
    import pypdf

    tab = points
    tab.tabs.setCurrentWidget(tab.compliance)
    view = tab.compliance.view
    out = tmp_path / "compliance.xlsx"
    export(qtbot, view, tab, out)
    ws = load_workbook(out).worksheets[0]
    assert ws["A1"].value.startswith("2025年三会一课落实情况（截至") and ws.freeze_panes == "A4"
    assert [c.value for c in ws[3]][0] == "党支部" and ws["A4"].value == "东河村党支部"
    pdf = tmp_path / "compliance.pdf"
    export(qtbot, view, tab, pdf, "打印/PDF…")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert "三会一课落实情况" in text and "东河村党支部" in text


# ---------------------------------------------------------------------------------------------- ledgers
@pytest.fixture(scope="module")
def _demo_town_file(tmp_path_factory):
    """The demo town 文城镇 (`dangjian demo --seed 7`), built once for this module and closed."""
    import contextlib
    import io

    from dangjian_desktop.cli import main

    path = tmp_path_factory.mktemp("demo-town") / "town.sqlite"
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(io.StringIO()):
        mp.setenv("DANGJIAN_DATA_DIR", str(path.parent / "data"))
        assert main(["--db", str(path), "init", "--name", "文城镇", "--level", "town"]) == 0
        assert main(["--db", str(path), "demo", "--seed", "7"]) == 0
    assert not list(path.parent.glob(path.name + "-*")), "the demo town was not closed cleanly"
    return path


@pytest.fixture
def demo_town(_demo_town_file, tmp_path):
    """This test's own copy of the demo town."""
    import shutil

    return shutil.copyfile(_demo_town_file, tmp_path / "town.sqlite")


@pytest.fixture
def ledgers(qtbot, demo_town):
    with ledgers_page(qtbot, demo_town) as p:
        yield p


def ledger_panel(qtbot, page, cls_name: str):
    return panel_named(qtbot, page, cls_name)


def test_a_ledger_exports_in_the_tables_sort_from_the_menu_and_the_context_menu(qtbot, ledgers, tmp_path):
    import pypdf

    panel = ledger_panel(qtbot, ledgers, "TrainingPanel")
    view = panel.view
    assert view.model().rowCount() > 3
    menu = [a.text() for a in panel.export_button.menu().actions()]
    assert menu[-2:] == ["导出 Excel…", "打印/PDF…"]
    hours = column(view, "学时")
    view.sortByColumn(hours, Qt.SortOrder.DescendingOrder)
    out = tmp_path / "training.xlsx"
    export(qtbot, view, ledgers, out)
    ws = load_workbook(out).worksheets[0]
    year = ledgers.year_spin.value()
    assert ws["A1"].value == f"{year}年党员教育培训台账" and ws.freeze_panes == "A4" and ws.auto_filter.ref
    assert [c.value for c in ws[3]] == ["日期", "党支部", "姓名", "形式", "内容", "学时", "组织单位"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == view.model().rowCount()
    assert [(r[0], r[2]) for r in rows] == list(zip(shown(view, column(view, "日期")), shown(view, column(view, "姓名"))))
    assert view.isColumnHidden(column(view, "乡镇"))  # one town: its column says nothing, and is not exported
    assert all(isinstance(r[5], (int, float)) for r in rows)
    assert [r[5] for r in rows] == sorted((r[5] for r in rows), reverse=True)
    pdf = tmp_path / "training.pdf"
    export(qtbot, view, ledgers, pdf, "打印/PDF…")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert "党员教育培训台账" in text and shown(view, 2)[0] in text


def test_dues_ledger_keeps_the_branch_chosen_and_money_numeric(qtbot, ledgers, tmp_path):
    page = ledgers
    branch = page.db.one("SELECT id, name FROM org WHERE org_type = '党支部' ORDER BY sort_order LIMIT 1")
    panel = page.panels[0]
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        page.org_combo.setCurrentIndex(page.org_combo.findData(branch["id"]))
    view = panel.view
    view.sortByColumn(column(view, "姓名"), Qt.SortOrder.DescendingOrder)
    out = tmp_path / "dues.xlsx"
    export(qtbot, view, page, out)
    ws = load_workbook(out).worksheets[0]
    assert ws["A1"].value.endswith(f"（{branch['name']}）") and ws.freeze_panes == "A4"
    heads = [c.value for c in ws[3]]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    name = heads.index("姓名")
    assert [r[name] for r in rows] == shown(view, column(view, "姓名"))
    assert len(rows) == view.model().rowCount() > 0
    numeric = [h for i, h in enumerate(heads) if all(isinstance(r[i], (int, float)) for r in rows)]
    assert numeric, "the amounts stay numbers"


# ---------------------------------------------------------------------------------------------- exchange log
def test_exchange_log_exports_as_shown_with_package_ids_as_text(qtbot, tmp_path):
    import pypdf

    from dangjian_desktop.db import Database
    from dangjian_desktop.gui.exchange import ExchangeWindow
    from tests.exchange_util import dj, small_town

    county = tmp_path / "county.sqlite"
    dj("--db", county, "init", "--name", "测试县", "--level", "county")
    dj("--db", county, "exchange", "invite", "--town", "文城镇", "--out", tmp_path / "inv.djx")
    town = small_town(tmp_path / "town.sqlite", "文城镇")
    dj("--db", town, "exchange", "join", tmp_path / "inv.djx")
    for n in (1, 2):
        dj("--db", town, "exchange", "export", "--out", tmp_path / f"p{n}.djx")
    db = Database.open(town)
    win = ExchangeWindow(db)
    qtbot.addWidget(win)
    win.show()
    try:
        view = win.log_view
        assert view.model().rowCount() >= 2
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # oldest first
        out = tmp_path / "log.xlsx"
        export(qtbot, view, win, out)
        ws = load_workbook(out).worksheets[0]
        assert ws["A1"].value == "数据交换记录" and ws.freeze_panes == "A4" and ws.auto_filter.ref
        heads = [c.value for c in ws[3]]
        assert heads[:2] == ["时间", "方向"] and "数据包编号" in heads
        rows = list(ws.iter_rows(min_row=4, values_only=True))
        package = heads.index("数据包编号")
        assert [r[package] for r in rows] == shown(view, package)
        assert [r[0] for r in rows] == sorted(r[0] for r in rows)
        assert all(ws.cell(4 + i, package + 1).data_type == "s" for i in range(len(rows)))
        pdf = tmp_path / "log.pdf"
        export(qtbot, view, win, pdf, "打印/PDF…")
        text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
        assert "数据交换记录" in text and "测试县" in text
    finally:
        if win.current_message is not None:
            win.current_message.close()
        win.close()
        db.close()
