"""Every table out: the shared writer's Excel (numbers numeric, ID numbers and dates as text, title,
frozen header, filter, print titles) and PDF (A4, embedded font, privacy guard), the structure
report as forms with charts, and `--out` on the commands that list tables."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import init_office
from dangjian_desktop.privacy import PrivacyError
from dangjian_desktop.statistics import structure
from dangjian_desktop.statistics.charts import chart_pdf
from dangjian_desktop.statistics.report import save_structure_report
from dangjian_desktop.statistics.trends import assessment_history, compliance_grid, points_overview
from dangjian_desktop.tables import DATE, EXACT, NUMBER, PERCENT, TEXT, Col, Table, save_tables

AT = dt.date(2026, 12, 31)
ID = "11010119900307777X"


def sample(**kw) -> Table:
    cols = [Col("姓名", TEXT), Col("身份证号", EXACT), Col("入党日期", DATE), Col("积分", NUMBER), Col("出席率", PERCENT)]
    rows = [["张三", ID, "2001-07-01", 95.5, 0.125], ["=1+1", "00123", dt.date(1999, 12, 31), 80, 1.0],
            ["李四", None, None, "免评", None]]
    return Table("测试表", cols, rows, unit="测试镇党委", at=AT, notes=["一条说明"], **kw)


def cells(ws) -> dict[str, object]:
    return {c.coordinate: c for row in ws.iter_rows() for c in row}


def test_excel_keeps_kinds_and_has_title_frozen_header_filter_and_print_titles(tmp_path):
    path = save_tables([sample(signatures=True)], tmp_path / "t.xlsx")
    ws = load_workbook(path).worksheets[0]
    c = cells(ws)
    assert ws.title == "测试表" and c["A1"].value == "测试表" and "A1:E1" in ws.merged_cells
    assert "填报单位：测试镇党委" in c["A2"].value and "统计时间：2026年12月31日" in str(c["C2"].value or c["D2"].value)
    assert [c[f"{x}3"].value for x in "ABCDE"] == ["姓名", "身份证号", "入党日期", "积分", "出席率"]
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:E6" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.paperSize in ("9", 9)
    # numbers numeric, ID numbers text exactly, dates as dates shown 2001年7月1日, formula-like text stays text
    assert (c["D4"].data_type, c["D4"].value, c["D5"].value) == ("n", 95.5, 80)
    assert (c["E4"].data_type, c["E4"].value, c["E4"].number_format) == ("n", 0.125, "0.0%")
    assert (c["B4"].data_type, c["B4"].value, c["B4"].number_format) == ("s", ID, "@")
    assert (c["B5"].value, c["B5"].data_type) == ("00123", "s")
    assert (c["C4"].value, c["C5"].value, c["C4"].data_type) == (dt.datetime(2001, 7, 1), dt.datetime(1999, 12, 31), "d")
    assert c["C4"].number_format == 'yyyy"年"m"月"d"日"'
    assert (c["A5"].value, c["A5"].data_type) == ("=1+1", "s")
    assert (c["D6"].value, c["D6"].data_type) == ("免评", "s")
    texts = [str(x.value) for x in c.values() if x.value]
    assert "注：一条说明" in texts and any(t.startswith("填表人：") and "审核人：" in t for t in texts)


def test_sheet_names_are_valid_and_unique(tmp_path):
    t = Table("结果/汇总[2026]:*?", [Col("项目")], [["a"]])
    wb = load_workbook(save_tables([t, t, sample()], tmp_path / "n.xlsx"))
    names = wb.sheetnames
    assert len(set(names)) == 3 and all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_pdf_is_a4_with_the_table_text_and_refuses_id_numbers(tmp_path):
    with pytest.raises(PrivacyError):
        save_tables([sample()], tmp_path / "id.pdf")
    assert not (tmp_path / "id.pdf").exists()
    ok = Table("测试表", [Col("姓名"), Col("入党日期", DATE), Col("积分", NUMBER)],
               [["张三", "2001-07-01", 95.5], ["李四", None, "免评"]], unit="测试镇党委", at=AT)
    path = save_tables([ok], tmp_path / "ok.pdf")
    reader = PdfReader(path)
    text = "".join(p.extract_text() for p in reader.pages)
    for want in ("测试表", "填报单位：测试镇党委", "统计时间：2026年12月31日", "张三", "2001年7月1日", "95.5", "免评", "第1页"):
        assert want in text, want
    box = reader.pages[0].mediabox
    assert {round(float(box.width)), round(float(box.height))} == {595, 842}
    assert b"/FontFile2" in path.read_bytes()


def test_other_suffixes_are_refused_in_chinese(tmp_path):
    with pytest.raises(UserError, match="请保存为 .xlsx 或 .pdf"):
        save_tables([sample()], tmp_path / "t.csv")


# ---- the structure report and the charts ------------------------------------------------------------

@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("town") / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    generate(db, seed=3, today=dt.date(2026, 3, 16))
    yield db
    db.close()


def test_structure_excel_is_one_form_per_table_with_the_counts_as_numbers(town, tmp_path):
    s = structure(town, None, AT)
    wb = load_workbook(save_structure_report(town, s, tmp_path / "s.xlsx"))
    assert wb.sheetnames == ["基本情况", "性别", "民族", "年龄", "学历", "入党时间", "党员类别", "人员类别", "工作岗位",
                             "党组织", "发展党员"]
    for ws in wb.worksheets:
        c = cells(ws)
        assert "填报单位：测试镇党委" in c["A2"].value and ws.freeze_panes == "A4", ws.title
        assert any(str(x.value).startswith("填表人：") for x in c.values() if x.value), ws.title
    ages = wb["年龄"]
    rows = {r[0]: r[1:] for r in ages.iter_rows(min_row=4, values_only=True) if r[0]}
    for label, n in s.dimensions["年龄"].counts.items():
        assert rows[label][0] == n and isinstance(rows[label][0], int), label
        assert rows[label][1] == pytest.approx(n / s.total, abs=1e-4)
    assert rows["合计"][0] == s.total
    first = {r[0]: r[1] for r in wb["基本情况"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert first["党员总数"] == s.total and first["其中：女党员"] == s.dimensions["性别"].counts["女"]


def test_structure_pdf_prints_tables_and_charts_with_chinese_labels(town, tmp_path):
    s = structure(town, None, AT)
    path = save_structure_report(town, s, tmp_path / "s.pdf")
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    for label in ["党员年龄构成", "党员学历构成", "统计时间：2026年12月31日", *s.dimensions["年龄"].counts, "汉族", "少数民族"]:
        assert label in text, label
    # The line under each chart's title is printed by the charts only: eleven charts are there
    # (the basics, nine breakdowns with 发展党员, and the 党组织 one with its own line).
    assert text.count(f"党员{s.total}名") == 10 and "党支部按类别" in text


def test_year_over_year_charts_carry_their_labels_into_the_pdf(town):
    h = assessment_history(town)
    p = points_overview(town, 2025)
    g = compliance_grid(town, 2025, as_of=AT)
    branch = h.branches[0]
    for chart, wants in [
        (h.distribution_chart("测试镇党委"), [f"{y}年" for y in h.years] + [r for r in h.ratings if r != "未评定"]),
        (h.line_chart([branch.org_id]), [branch.name, "平均"]),
        (p.distribution_chart(), ["60分以下", "90—99分", "2025年度党员积分分布"]),
        (p.stars_chart(), ["三星", "无星", p.branches[0].org_name]),
        (g.chart(), ["1月", "12月", g.rows[0], f"{g.held[0][0]}/{g.due[0][0]}"]),
    ]:
        text = PdfReader(io.BytesIO(chart_pdf(chart))).pages[0].extract_text()
        for want in wants:
            assert want in text, (chart.title, want)


def test_a_chart_of_some_branches_says_so(town):
    """The 支部星级 chart draws the branches with the best average only: its title and note say how
    many of how many; a chart of them all says nothing of the kind."""
    p = points_overview(town, 2025)
    n = len(p.branches)
    assert n > 5
    some = p.stars_chart("文城镇党委", limit=5)
    assert len(some.categories) == 5 and some.title == "2025年度党员平均积分最高的5个党支部的党员星级"
    assert f"共{n}个党支部，图中为平均积分最高的5个" in some.note and some.note.startswith("文城镇党委")
    every = p.stars_chart("文城镇党委", limit=n)
    assert every.title == "2025年度各党支部党员星级" and every.note == "文城镇党委"


def test_the_grid_adds_up_to_the_compliance_table(town):
    from dangjian_desktop.meetings.compliance import compliance_table

    g = compliance_grid(town, 2025, as_of=AT)
    table = compliance_table(town, 2025, as_of=AT)
    assert g.rows == [b.org_name for b in table]
    for i, b in enumerate(table):
        types = [t for t in b.types.values() if t.applicable]
        assert sum(g.due[i]) == sum(t.required for t in types), b.org_name
        assert sum(g.held[i]) == sum(t.held for t in types), b.org_name
        assert g.due[i][0] == sum(t.per_year // 12 for t in types if t.frequency == "月")


# ---- --out on the listing commands -----------------------------------------------------------------

def _table(path):
    ws = load_workbook(path).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3" and ws.auto_filter.ref.startswith("A3:")
    last = int("".join(ch for ch in ws.auto_filter.ref.split(":")[1] if ch.isdigit()))
    return rows[2], rows[3:last]  # the filtered range: the header and the body, not the notes


def test_out_writes_each_listed_table_with_the_shared_writer(town, tmp_path, capsys):
    db = str(town.path)
    rid = town.scalar("SELECT id FROM assessment_round WHERE year = 2025")
    assert main(["--db", db, "rounds", "rate", rid, "--out", str(tmp_path / "a.xlsx")]) == 0
    head, body = _table(tmp_path / "a.xlsx")
    assert "党组织" in head and len(body) >= town.scalar("SELECT count(*) FROM round_branch WHERE round_id = ?", (rid,))
    assert all(isinstance(r[head.index("总分")], (int, float)) for r in body if r[head.index("总分")] is not None)

    assert main(["--db", db, "points", "totals", "--year", "2025", "--out", str(tmp_path / "b.xlsx")]) == 0
    head, body = _table(tmp_path / "b.xlsx")
    totals = [r[head.index("年度总积分")] for r in body]
    assert len(totals) > 100 and all(isinstance(v, (int, float)) for v in totals)

    assert main(["--db", db, "meetings", "compliance", "--year", "2025", "--as-of", "2026-01-15",
                 "--out", str(tmp_path / "c.xlsx")]) == 0
    head, body = _table(tmp_path / "c.xlsx")
    assert head[0] == "党支部" and all(0 <= r[head.index("完成率")] <= 1 for r in body)
    assert main(["--db", db, "meetings", "compliance", "--year", "2025", "--as-of", "2026-01-15",
                 "--out", str(tmp_path / "c.pdf")]) == 0
    printed = "".join(p.extract_text() for p in PdfReader(tmp_path / "c.pdf").pages)
    assert "100.0%" in printed  # the rate on one line of its cell, not broken as 100.\n0%

    assert main(["--db", db, "warnings", "--out", str(tmp_path / "d.xlsx")]) == 0
    head, body = _table(tmp_path / "d.xlsx")
    assert head[:3] == ("序号", "级别", "类别") and body
    assert main(["--db", db, "warnings", "--out", str(tmp_path / "d.pdf")]) == 0
    assert "需要处理的提醒" in PdfReader(tmp_path / "d.pdf").pages[0].extract_text()
    out = capsys.readouterr().out
    assert out.count("已保存") == 6
    assert main(["--db", db, "warnings", "--out", str(tmp_path / "d.txt")]) == 1
    assert "请保存为" in capsys.readouterr().err


def test_a_table_and_chart_taller_than_a_page_leave_no_blank_page(town, tmp_path):
    """支部星级 of 25 branches with its tall chart: kept together they are more than a page, and the
    printout had an empty page before them; the chart now follows the table on its own."""
    import dataclasses

    p = points_overview(town, 2025)
    tables = [dataclasses.replace(p.table(), chart=p.stars_chart()),
              dataclasses.replace(p.table(), title="第二张", chart=p.distribution_chart())]
    first = dataclasses.replace(tables[0], title="第一张", rows=tables[0].rows[:3], chart=p.distribution_chart())
    path = save_tables([first, *tables], tmp_path / "p.pdf")
    pages = [page.extract_text().strip() for page in PdfReader(path).pages]
    assert all(len(text) > 20 for text in pages), [len(t) for t in pages]
