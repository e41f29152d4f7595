"""花名册 export (print layout, round trip) and the blank import template."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import add_org, change_status
from dangjian_desktop.roster import ImportOptions, export_roster, import_roster, write_template
from dangjian_desktop.roster.columns import spec
from dangjian_desktop.roster.template import CODE_SHEET, HELP_SHEET

from roster_util import HEADER, add_branches, member_count, person, write_roster

MEMBER_COLUMNS = ("name", "sex", "ethnicity", "birth_date", "id_number", "education", "join_date", "full_date",
                  "category", "person_class", "job", "workplace", "phone", "address", "org_id", "group_id",
                  "is_mobile", "mobile_whereabouts", "is_hardship", "note", "status", "name_pinyin")


@pytest.fixture
def town(db, tmp_path):
    ids = add_branches(db, "红星村党支部", "东风村党支部")
    add_org(db, parent_id=ids["红星村党支部"], name="第一党小组", org_type="党小组")
    header = HEADER + ["学历", "人员类别", "工作岗位", "工作单位", "联系电话", "家庭住址", "所在党小组", "流动党员",
                      "流动去向", "困难党员", "备注"]
    extra = ["大学本科", "农牧渔民", "农牧渔民", "某合作社", "13800138000", "某村1号", "第一党小组", "是", "广东深圳",
             "否", "老党员"]
    rows = [person(1) + extra, person(2, joined="1995.07", branch="东风村党支部") + [None] * 11,
            person(3, category="预备党员", joined="2025-07-01", full=None, born=dt.date(1990, 1, 1)) + [None] * 11]
    report = import_roster(db, write_roster(tmp_path / "seed.xlsx", rows, header=header))
    assert report.ok, report.to_text()
    return db


def snapshot(db):
    cols = ", ".join(MEMBER_COLUMNS)
    return [tuple(r) for r in db.query(f"SELECT {cols} FROM member ORDER BY id_number")]


def test_export_then_import_is_a_round_trip_with_no_change(town, tmp_path):
    before = snapshot(town)
    path = tmp_path / "out.xlsx"
    assert export_roster(town, path) == 3
    report = import_roster(town, path, ImportOptions(update=True))
    assert report.ok, report.to_text()
    assert (report.added, report.updated, report.unchanged, report.changes, report.warnings) == (0, 0, 3, [], [])
    assert snapshot(town) == before


def test_export_imports_into_another_database_with_the_same_members(town, tmp_path, db_path):
    from dangjian_desktop.db import Database
    from dangjian_desktop.registry import init_office

    path = tmp_path / "out.xlsx"
    export_roster(town, path)
    other = Database.create(tmp_path / "other.sqlite")
    init_office(other, name="另一镇", level="town")
    report = import_roster(other, path, ImportOptions(create_branches=True))
    assert report.ok, report.to_text()
    strip = lambda rows: [r[:14] + r[16:] for r in rows]  # org and group ids differ
    assert strip(snapshot(other)) == strip(snapshot(town))
    other.close()


def test_export_layout_is_ready_to_print(town, tmp_path):
    path = tmp_path / "out.xlsx"
    export_roster(town, path)
    ws = load_workbook(path).active
    labels = [c.label for c in spec().layout]
    assert ws["A1"].value == "测试镇党委党员花名册"
    assert "A1" in {str(r).split(":")[0] for r in ws.merged_cells.ranges}
    assert ws["A2"].value.startswith("填报单位：测试镇党委")
    assert [c.value for c in ws[3]] == labels
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.freeze_panes == "A4"
    widths = [ws.column_dimensions[chr(65 + i)].width for i in range(len(labels))]
    assert all(w >= 5 for w in widths) and max(widths) >= 18
    id_col = labels.index("身份证号")
    assert all(ws.cell(r, id_col + 1).number_format == "@" for r in range(4, 7))
    assert [ws.cell(r, 1).value for r in range(4, 7)] == [1, 2, 3]


def test_export_keeps_month_precision_and_flags(town, tmp_path):
    path = tmp_path / "out.xlsx"
    export_roster(town, path)
    ws = load_workbook(path).active
    labels = [c.label for c in spec().layout]
    rows = {r[labels.index("身份证号")]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    by_name = {r[labels.index("姓名")]: r for r in rows.values()}
    assert "1995-07" in [r[labels.index("入党日期")] for r in rows.values()]
    first = next(r for r in rows.values() if r[labels.index("流动党员")] == "是")
    assert first[labels.index("所在党小组")] == "第一党小组"
    assert len(by_name) == 3


def test_export_of_one_branch(town, tmp_path):
    branch = town.scalar("SELECT id FROM org WHERE name = '东风村党支部'")
    path = tmp_path / "b.xlsx"
    assert export_roster(town, path, org_id=branch) == 1
    ws = load_workbook(path).active
    assert ws["A1"].value == "东风村党支部党员花名册"
    assert ws.max_row == 4


def test_export_of_chosen_members(town, tmp_path):
    ids = [r[0] for r in town.query("SELECT id FROM member ORDER BY id_number LIMIT 2")]
    assert export_roster(town, tmp_path / "c.xlsx", member_ids=ids) == 2
    assert "筛选" in load_workbook(tmp_path / "c.xlsx").active["A1"].value


def test_members_no_longer_on_the_roll_are_left_out_unless_asked(town, tmp_path):
    mid = town.scalar("SELECT id FROM member ORDER BY id_number LIMIT 1")
    change_status(town, mid, event="死亡", date="2026-01-05")
    assert export_roster(town, tmp_path / "d.xlsx") == 2
    assert export_roster(town, tmp_path / "e.xlsx", include_inactive=True) == 3


def test_export_refuses_other_file_types(town, tmp_path):
    with pytest.raises(UserError, match="xlsx"):
        export_roster(town, tmp_path / "x.csv")


# ---- template ------------------------------------------------------------------------------------

def test_template_has_the_columns_lists_text_formats_and_instructions(tmp_path):
    path = write_template(tmp_path / "t.xlsx", branches=["红星村党支部", "东风村党支部"])
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["花名册", HELP_SHEET]
    assert wb[CODE_SHEET].sheet_state == "hidden"
    ws = wb["花名册"]
    labels = [c.label for c in spec().layout]
    assert [c.value for c in ws[3]] == labels
    col = {lab: chr(65 + i) for i, lab in enumerate(labels)}
    lists = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    for lab in ("民族", "学历", "党员类别", "人员类别", "工作岗位", "性别", "所在党支部"):
        assert col[lab] in lists, lab
    assert lists[col["流动党员"]] == '"是,否"'
    ranges = {name: wb.defined_names[name].attr_text.split("!")[1].replace("$", "") for name in wb.defined_names}
    ethnic_range = ranges[lists[col["民族"]]]
    codes_ws = wb[CODE_SHEET]
    values = [c.value for row in codes_ws[ethnic_range] for c in row]
    assert values[0] == "汉族" and len(values) == 58
    branch_range = ranges[lists[col["所在党支部"]]]
    assert [c.value for row in codes_ws[branch_range] for c in row] == ["红星村党支部", "东风村党支部"]
    for lab in ("身份证号", "出生日期", "入党日期", "转正日期", "联系电话"):
        assert ws[f"{col[lab]}4"].number_format == "@" and ws[f"{col[lab]}500"].number_format == "@"
    assert ws.print_title_rows == "$3:$3"
    text = " ".join(str(c.value) for row in wb[HELP_SHEET].iter_rows() for c in row if c.value)
    assert "文本" in text and "身份证号" in text and "只要有一处错误" in text


def test_a_filled_template_imports(db, tmp_path):
    add_branches(db, "红星村党支部")
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["花名册"]
    labels = [c.label for c in spec().layout]
    row = dict(zip(HEADER, person(1)))
    for i, lab in enumerate(labels):
        if lab in row and lab != "序号":
            ws.cell(4, i + 1, row[lab])
    wb.save(path)
    report = import_roster(db, path)
    assert report.ok and report.added == 1, report.to_text()
    assert not report.warnings
    assert member_count(db) == 1


def test_an_empty_template_is_reported_as_having_no_members(db, tmp_path):
    report = import_roster(db, write_template(tmp_path / "t.xlsx"))
    assert [e.problem for e in report.errors] == ["文件中没有找到党员数据"]
