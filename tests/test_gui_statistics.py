"""The 统计 page through its real widgets (pytest-qt, offscreen): it opens on the structure of the
office, changes scope (branch, date, year, section) and exports Excel, PDF and PNG."""

from __future__ import annotations

import datetime as dt
import shutil
import threading

import pytest
from openpyxl import load_workbook
from PIL import Image
from PySide6.QtCore import QDate, Qt
from pypdf import PdfReader

from dangjian_desktop.db import Database
from dangjian_desktop.statistics import structure

pytestmark = pytest.mark.gui

AT = dt.date(2026, 12, 31)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    from dangjian_desktop.demo import generate
    from dangjian_desktop.registry import init_office

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = Database.create(path)
    init_office(db, name="文城镇", level="town")
    generate(db, seed=4, today=dt.date(2026, 3, 16))
    db.close()
    return path


def open_page(qtbot, db):
    """The 统计 page on `db` at the statistics date AT, once it has shown its first section."""
    from dangjian_desktop.gui.statistics import StatisticsPage

    p = StatisticsPage()
    qtbot.addWidget(p)
    p.resize(1280, 720)
    p.date_edit.setDate(QDate(AT.year, AT.month, AT.day))
    with qtbot.waitSignal(p.loaded, timeout=20000):
        p.set_database(db)
        p.show()
    return p


@pytest.fixture
def page(qtbot, demo_path):
    db = Database.open(demo_path, mode="read")
    p = open_page(qtbot, db)
    yield p
    p.db.close()


def shown(p) -> dict[str, object]:
    """The shown table's first two columns: label -> count."""
    m = p.sections["structure"].model
    return {m.data(m.index(r, 0)): m.rows[r][1] for r in range(m.rowCount())}


def pick(p, qtbot, key: str, view: str) -> None:
    sec = p.sections[key]
    names = [sec.list.item(i).text() for i in range(sec.list.count())]
    sec.list.setCurrentRow(names.index(view))


def test_opens_on_the_structure_of_the_office(page, qtbot):
    s = structure(page.db, None, AT)
    assert shown(page)["党员总数"] == s.total
    pick(page, qtbot, "structure", "年龄")
    assert {k: v for k, v in shown(page).items() if k != "合计"} == s.dimensions["年龄"].counts
    chart = page.sections["structure"].chart
    assert chart.chart.title == "党员年龄构成"
    qtbot.waitUntil(lambda: chart.pdf is not None, timeout=20000)  # drawn off the GUI thread
    assert chart.pdf.startswith(b"%PDF")
    assert page.png_button.isEnabled() and page.excel_button.isEnabled()
    image = chart.grab().toImage()  # the chart is drawn on screen: many colours, red bars among them
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 5 and "#c0392b" in colours


def test_the_table_is_shown_before_the_chart_is_drawn(page, qtbot, monkeypatch):
    from dangjian_desktop.gui.statistics import chart_view

    gate = threading.Event()
    real = chart_view.chart_pdf
    monkeypatch.setattr(chart_view, "chart_pdf", lambda chart: (gate.wait(20), real(chart))[1])
    pick(page, qtbot, "structure", "学历")  # a chart not drawn yet: drawing it waits for the gate
    sec = page.sections["structure"]
    assert sec.model.rowCount() > 1 and sec.chart.chart.title == "党员学历构成" and sec.chart.pdf is None
    sec.chart.grab()  # painted meanwhile (the placeholder), nothing waits on the drawing
    with qtbot.waitSignal(sec.chart.ready, timeout=20000):
        gate.set()
    assert sec.chart.pdf.startswith(b"%PDF")
    pick(page, qtbot, "structure", "年龄")
    pick(page, qtbot, "structure", "学历")  # drawn once: shown at once when picked again
    assert sec.chart.chart.title == "党员学历构成" and sec.chart.pdf.startswith(b"%PDF")


def test_a_scope_counted_before_is_shown_without_counting_until_the_database_changes(
        qtbot, demo_path, tmp_path, monkeypatch):
    from dangjian_desktop.registry import change_status
    from dangjian_desktop.statistics import views

    path = tmp_path / "own.sqlite"
    shutil.copyfile(demo_path, path)
    db = Database.open(path)
    counted = []
    real = views.structure_views
    monkeypatch.setattr(views, "structure_views", lambda *a, **k: (counted.append(a[1:]), real(*a, **k))[1])
    p = open_page(qtbot, db)
    branch = p.org_combo.findData(db.scalar(
        "SELECT o.id FROM org o JOIN member m ON m.org_id = o.id GROUP BY o.id ORDER BY count(*) DESC LIMIT 1"))
    with qtbot.waitSignal(p.loaded, timeout=20000):
        p.org_combo.setCurrentIndex(branch)
    assert len(counted) == 2
    for index in (0, branch, 0):  # counted before, nothing written since: laid out at once
        with qtbot.waitSignal(p.loaded, timeout=1000):
            p.org_combo.setCurrentIndex(index)
    assert len(counted) == 2 and shown(p)["党员总数"] == structure(db, None, AT).total
    before = shown(p)["党员总数"]
    change_status(db, db.scalar("SELECT id FROM member WHERE status = '正常' LIMIT 1"), event="转出",
                  date=dt.date.today().isoformat())
    with qtbot.waitSignal(p.loaded, timeout=20000):  # the commit mark moved: counted afresh
        p.org_combo.setCurrentIndex(branch)
    with qtbot.waitSignal(p.loaded, timeout=20000):
        p.org_combo.setCurrentIndex(0)
    assert len(counted) == 4 and shown(p)["党员总数"] == before - 1
    p.close()
    db.close()


def test_changing_the_scope_counts_the_branch_and_the_date_moves_ages(page, qtbot):
    db = page.db
    branch = db.one("SELECT o.id, o.name FROM org o JOIN member m ON m.org_id = o.id WHERE o.org_type = '党支部' "
                    "GROUP BY o.id ORDER BY count(*) DESC LIMIT 1")
    index = page.org_combo.findData(branch["id"])
    assert index > 0
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.org_combo.setCurrentIndex(index)
    assert shown(page)["党员总数"] == structure(db, branch["id"], AT).total
    later = dt.date(2046, 12, 31)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.date_edit.setDate(QDate(later.year, later.month, later.day))
    pick(page, qtbot, "structure", "年龄")
    assert {k: v for k, v in shown(page).items() if k != "合计"} == \
        structure(db, branch["id"], later).dimensions["年龄"].counts


def test_person_class_and_the_pipeline_are_sections_of_the_structure(page, qtbot):
    sec = page.sections["structure"]
    names = [sec.list.item(i).text() for i in range(sec.list.count())]
    assert names.index("党员类别") < names.index("人员类别") < names.index("工作岗位") and names[-1] == "发展党员"
    s = structure(page.db, None, AT)
    pick(page, qtbot, "structure", "人员类别")
    assert {k: v for k, v in shown(page).items() if k != "合计"} == s.dimensions["人员类别"].counts
    assert sec.chart.chart.title == "党员人员类别构成"
    pick(page, qtbot, "structure", "发展党员")
    assert shown(page) == s.pipeline and sec.chart.chart.title == "发展党员情况"
    assert "预备党员按花名册统计" in sec.note.text()


def test_a_pipeline_step_saved_counts_the_structure_again(qtbot, demo_path, tmp_path):
    from dangjian_desktop.ledgers.pipeline import add_person

    path = tmp_path / "own.sqlite"
    shutil.copyfile(demo_path, path)
    db = Database.open(path)
    p = open_page(qtbot, db)
    pick(p, qtbot, "structure", "发展党员")
    before = shown(p)["入党申请人"]
    add_person(db, db.scalar("SELECT id FROM org WHERE org_type = '党支部' LIMIT 1"), {"name": "新申请"},
               applied_on=min(dt.date.today(), AT).isoformat())
    with qtbot.waitSignal(p.loaded, timeout=20000):
        p.on_data_changed({"dev_person", "dev_step"})
    assert shown(p)["入党申请人"] == before + 1
    p.close()
    db.close()


def test_each_section_loads_when_shown(page, qtbot):
    for i, key in enumerate(("assessment", "points", "meetings"), start=1):
        page.year_spin.setValue(2025)
        with qtbot.waitSignal(page.loaded, timeout=30000) as blocker:
            page.tabs.setCurrentIndex(i)
        assert blocker.args == [key]
        sec = page.sections[key]
        assert sec.views and sec.model.rowCount() > 0 and sec.chart.chart is not None, key
    sec = page.sections["assessment"]
    pick(page, qtbot, "assessment", "逐年比较")
    sec.table.selectRow(2)
    assert sec.chart.chart.series[0].name == sec.model.rows[2][0]  # the picked branch's line


def test_exports_excel_pdf_and_png(page, qtbot, tmp_path):
    pick(page, qtbot, "structure", "年龄")
    sec = page.sections["structure"]
    sec.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # the clerk's sort is kept in the export
    with qtbot.waitSignal(page.exported, timeout=20000):
        page.export(tmp_path / "s.xlsx")
    wb = load_workbook(tmp_path / "s.xlsx")
    assert "年龄" in wb.sheetnames and len(wb.sheetnames) == len(sec.views)
    assert {"人员类别", "发展党员"} <= set(wb.sheetnames)
    ages = [r[1] for r in wb["年龄"].iter_rows(min_row=4, values_only=True) if r[0] and r[0] != "合计"
            and isinstance(r[1], int)]
    assert ages == sorted(ages, reverse=True)
    assert wb["年龄"].freeze_panes == "A4"

    with qtbot.waitSignal(page.exported, timeout=20000):
        page.export(tmp_path / "age.xlsx", only_shown=True)
    assert load_workbook(tmp_path / "age.xlsx").sheetnames == ["年龄"]

    with qtbot.waitSignal(page.exported, timeout=30000):
        page.export(tmp_path / "s.pdf")
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "s.pdf").pages)
    assert "党员年龄构成" in text and "30岁及以下" in text
    assert "党员人员类别构成" in text and "发展党员情况" in text and "入党积极分子" in text

    out = page.export_chart(tmp_path / "age.png")
    img = Image.open(out)
    assert img.size[0] == round(480 * 200 / 72) and img.getpixel((0, 0))[:3] == (255, 255, 255)
    assert len(img.convert("RGB").getcolors(maxcolors=1 << 20)) > 10  # drawn, not blank
    page.export_chart(tmp_path / "age.pdf")
    assert "党员年龄构成" in PdfReader(tmp_path / "age.pdf").pages[0].extract_text()


def test_export_dialog_is_non_blocking_and_saves_where_chosen(page, qtbot, tmp_path):
    page.export_dialog("xlsx")
    dlg = page.current_dialog
    assert dlg is not None and dlg.isVisible() and dlg.defaultSuffix() == "xlsx"
    with qtbot.waitSignal(page.exported, timeout=20000):
        dlg.fileSelected.emit(str(tmp_path / "chosen.xlsx"))
    dlg.close()
    assert (tmp_path / "chosen.xlsx").exists()


def test_a_wrong_suffix_is_told_not_raised(page, tmp_path):
    page.export(tmp_path / "s.csv")
    assert page.current_message is not None and "请保存为" in page.current_message.text()
    page.current_message.close()


def test_the_self_test_draws_a_chart(qtbot, tmp_path, monkeypatch):
    from dangjian_desktop import selftest
    from dangjian_desktop.reports import fonts

    detail = selftest.step_chart(selftest.Context(workdir=tmp_path))
    assert "柱状图" in detail and (tmp_path / "selftest-chart.png").stat().st_size > 5000
    assert ("图表", selftest.step_chart) in selftest.STEPS
    monkeypatch.setattr(fonts, "bundled_font_path", lambda: tmp_path / "lost.ttf")
    with pytest.raises(selftest.StepFailed, match="WenQuanYiMicroHei-GB2312.ttf"):
        selftest.step_chart(selftest.Context(workdir=tmp_path))


def test_after_a_save_only_the_members_changed_are_counted_again(qtbot, demo_path, tmp_path, monkeypatch):
    import importlib

    from dangjian_desktop.registry import change_status, update_member

    counting = importlib.import_module("dangjian_desktop.statistics.structure")
    path = tmp_path / "own.sqlite"
    shutil.copyfile(demo_path, path)
    db = Database.open(path)
    p = open_page(qtbot, db)
    full = []
    real = counting._read
    monkeypatch.setattr(counting, "_read", lambda *a: (full.append(a[1]), real(*a))[1])
    member = db.one("SELECT id, education FROM member WHERE status = '正常' AND education != '硕士研究生' LIMIT 1")
    update_member(db, member["id"], {"education": "硕士研究生"})
    change_status(db, db.scalar("SELECT id FROM member WHERE status = '正常' AND id != ? LIMIT 1", (member["id"],)),
                  event="转出", date=dt.date.today().isoformat())
    with qtbot.waitSignal(p.loaded, timeout=20000):
        p.on_data_changed({"member", "member_event"})
    assert full == []  # the two members, not the office's
    s = structure(db, None, AT)
    assert shown(p)["党员总数"] == s.total
    pick(p, qtbot, "structure", "学历")
    assert {k: v for k, v in shown(p).items() if k != "合计"} == s.dimensions["学历"].counts
    # Another database (a copy of the same demo, with more changes in its log since): counted afresh,
    # not the first one's counts brought forward by the second one's log.
    other_path = tmp_path / "other.sqlite"
    shutil.copyfile(demo_path, other_path)
    other = Database.open(other_path)
    for mid in [r[0] for r in other.tuples("SELECT id FROM member WHERE status = '正常' AND job != '公务员' LIMIT 6")]:
        update_member(other, mid, {"job": "公务员"})
    with qtbot.waitSignal(p.loaded, timeout=20000):
        p.set_database(other)
    assert shown(p)["党员总数"] == structure(other, None, AT).total == s.total + 1
    p.close()
    other.close()
    db.close()


def test_the_page_of_the_next_run_opens_on_the_counts_kept(qtbot, demo_path, tmp_path, monkeypatch):
    import importlib

    from dangjian_desktop.gui.statistics import cache

    counting = importlib.import_module("dangjian_desktop.statistics.structure")
    path = tmp_path / "own.sqlite"
    shutil.copyfile(demo_path, path)
    with Database.open(path, mode="read") as db:
        total = structure(db, None, AT).total
    full = []
    real = counting._read
    monkeypatch.setattr(counting, "_read", lambda *a: (full.append(a[1]), real(*a))[1])
    for run in range(2):
        db = Database.open(path)
        cache.clear()  # a new process keeps nothing in memory
        p = open_page(qtbot, db)
        assert shown(p)["党员总数"] == total
        p.close()
        db.close()
        assert len(full) == 1  # the first run counted; the second started from its counts


def test_the_printout_of_every_section_carries_its_charts(page, qtbot, tmp_path):
    """打印/PDF promises the tables 连同图表: a chart's title and its labels are in the PDF for the
    year-over-year sections too, not only for the structure."""
    page.year_spin.setValue(2025)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.tabs.setCurrentIndex(3)  # 三会一课
    sec = page.sections["meetings"]
    charted = [v for v in sec.views if v.chart is not None]
    assert charted
    with qtbot.waitSignal(page.exported, timeout=30000):
        page.export(tmp_path / "m.pdf", key="meetings")
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "m.pdf").pages)
    assert all(v.chart.title in text for v in charted)
    assert "格中为 已开/应开" in text  # the grid chart's own note, printed with it
