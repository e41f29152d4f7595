"""花名册 import: messy real-world files (one quirk per test), the error report, all or nothing,
idempotent re-import, differences with registered members, progress and cancelling."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook

from dangjian_desktop.errors import UserError
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.roster import ImportOptions, import_roster
from dangjian_desktop.roster import importer as importer_mod
from dangjian_desktop.roster import writing as writing_mod

from roster_util import HEADER, add_branches, member_count, person, root_id, write_book, write_roster


@pytest.fixture
def town(db):
    add_branches(db, "红星村党支部", "东风村党支部")
    add_branches(db, "幸福社区党支部", kind="社区")
    return db


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request):
    return request.param


def run(db, path, **kw):
    return import_roster(db, path, ImportOptions(**kw))


def stored(db, column="*"):
    return db.query(f"SELECT {column} FROM member ORDER BY id_number")


# ---- a clean file ------------------------------------------------------------------------

def test_a_clean_file_imports_every_member_in_one_unit_of_work(town, tmp_path, reader):
    path = write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 6)])
    tx_before = town.scalar("SELECT count(*) FROM tx_log")
    report = run(town, path, reader=reader)
    assert report.ok and report.written, report.to_text()
    assert (report.added, member_count(town)) == (5, 5)
    assert town.scalar("SELECT count(*) FROM tx_log") == tx_before + 1
    tx = town.one("SELECT id, reason FROM tx_log ORDER BY id DESC LIMIT 1")
    assert "r.xlsx" in tx["reason"]
    logged = town.query("SELECT tbl, count(*) AS n FROM change_log WHERE tx_id = ? GROUP BY tbl", (tx["id"],))
    assert {r["tbl"]: r["n"] for r in logged} == {"member": 5, "member_event": 5}


def test_each_new_member_gets_a_history_entry_dated_with_the_join_date(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1, joined="1995.07", full="1996-07-01")])
    run(town, path)
    m = town.one("SELECT * FROM member")
    e = town.one("SELECT * FROM member_event WHERE member_id = ?", (m["id"],))
    assert (e["event_type"], e["event_date"], e["to_org_id"]) == ("入党登记", "1995-07", m["org_id"])
    assert "r.xlsx" in e["note"] and "第4行" in e["note"]


def test_stored_values_are_normalised(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1, category="正式", ethnicity="汉")])
    run(town, path)
    m = town.one("SELECT * FROM member")
    assert (m["category"], m["ethnicity"], m["sex"], m["birth_date"]) == ("正式党员", "汉族", "男", "1970-03-05")
    assert m["name_pinyin"] and m["status"] == "正常"


# ---- messy files, one quirk per test ------------------------------------------------------

def test_header_on_the_first_row_without_title(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1)], title=None, unit_line=None)
    assert run(town, path).added == 1


@pytest.mark.parametrize("id_header, name_header, join_header", [
    ("身份证号", "姓名", "入党日期"),
    ("公民身份号码", "姓 名", "入党时间"),
    ("身份证号码", "姓\u3000名", "加入党组织日期"),
    ("身份证号码\n（必填）", "*姓名", "入党年月"),
    ("ＩＤ", "姓名", "入党时间"),  # unknown header: mapped by the user below
])
def test_column_names_vary(town, tmp_path, id_header, name_header, join_header):
    header = [id_header if h == "身份证号" else name_header if h == "姓名" else join_header if h == "入党日期"
              else h for h in HEADER]
    path = write_roster(tmp_path / "r.xlsx", [person(1)], header=header)
    mapping = {"ID": "id_number"} if id_header == "ＩＤ" else {}
    report = run(town, path, mapping=mapping)
    assert report.added == 1, report.to_text()


def test_full_width_space_inside_a_two_character_name_is_removed(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1, name="张　三")])
    run(town, path)
    assert town.scalar("SELECT name FROM member") == "张三"


def test_stray_spaces_around_values_are_removed(town, tmp_path):
    row = person(1, name=" 李四 ")
    row[3] = " 汉族 "
    row[4] = f" {row[4]} "
    path = write_roster(tmp_path / "r.xlsx", [row])
    assert run(town, path).added == 1
    assert tuple(town.one("SELECT name, ethnicity FROM member")) == ("李四", "汉族")


def test_full_width_digits_and_letters_in_an_id_number(town, tmp_path):
    row = person(1)
    idn = row[4]
    row[4] = idn.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    path = write_roster(tmp_path / "r.xlsx", [row])
    assert run(town, path).added == 1
    assert town.scalar("SELECT id_number FROM member") == idn


def test_a_lower_case_x_check_digit(town, tmp_path):
    seq = next(s for s in range(100) if make("110101", dt.date(1970, 3, 5), s, True).endswith("X"))
    row = person(seq)
    row[4] = row[4].lower()
    path = write_roster(tmp_path / "r.xlsx", [row])
    assert run(town, path).added == 1
    assert town.scalar("SELECT id_number FROM member").endswith("X")


@pytest.mark.parametrize("cell, iso", [
    (dt.datetime(1995, 7, 1), "1995-07-01"),
    ("1995.07", "1995-07"),
    ("1995年7月1日", "1995-07-01"),
    ("1995-07-01", "1995-07-01"),
    ("19950701", "1995-07-01"),
    (19950701, "1995-07-01"),
    ("1995/7/1", "1995-07-01"),
    (1995.07, "1995-07"),
])
def test_join_date_forms(town, tmp_path, reader, cell, iso):
    path = write_roster(tmp_path / "r.xlsx", [person(1, joined=cell, full=None)])
    report = run(town, path, reader=reader)
    assert report.ok, report.to_text()
    assert town.scalar("SELECT join_date FROM member") == iso


def test_an_excel_date_shown_as_year_and_month_keeps_month_precision(town, tmp_path, reader):
    path = write_roster(tmp_path / "r.xlsx", [person(1, joined=dt.datetime(1995, 7, 1), full=None)])
    wb = load_workbook(path)
    wb.active["F4"].number_format = 'yyyy"年"m"月"'
    wb.save(path)
    assert run(town, path, reader=reader).ok
    assert town.scalar("SELECT join_date FROM member") == "1995-07"


def test_a_month_only_birth_column_agreeing_with_the_id_number(town, tmp_path):
    header = HEADER + ["出生年月"]
    path = write_roster(tmp_path / "r.xlsx", [person(1) + ["1970.03"]], header=header)
    assert run(town, path).ok
    assert town.scalar("SELECT birth_date FROM member") == "1970-03-05"


def test_blank_rows_are_skipped(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1), [], [None, "  "], person(2), []])
    report = run(town, path)
    assert (report.added, report.rows) == (2, 2)


def test_pre_numbered_empty_rows_are_skipped(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1), [2], [3], [4]])
    assert run(town, path).added == 1


@pytest.mark.parametrize("footer", [["合计：2人"], ["合 计", "2人"], ["制表人：王五", None, "审核人：赵六"],
                                    ["审核人：赵六"], [None, "填表人：张三"]])
def test_total_and_signature_lines_at_the_bottom_are_skipped(town, tmp_path, footer):
    path = write_roster(tmp_path / "r.xlsx", [person(1), person(2), [], footer])
    report = run(town, path)
    assert report.ok and report.added == 2, report.to_text()


def test_a_repeated_header_row_is_skipped(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1), HEADER, person(2)])
    assert run(town, path).added == 2


def test_one_sheet_per_branch_named_after_the_branch(town, tmp_path):
    header = HEADER[:-1]
    path = write_book(tmp_path / "r.xlsx", {"红星村党支部": [person(1)[:-1]], "东风村": [person(2)[:-1]]},
                      header=header)
    report = run(town, path)
    assert report.added == 2, report.to_text()
    rows = town.query("SELECT o.name FROM member m JOIN org o ON o.id = m.org_id ORDER BY m.id_number")
    assert [r[0] for r in rows] == ["红星村党支部", "东风村党支部"]


def test_unit_line_above_the_header_names_the_branch(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1)[:-1]], header=HEADER[:-1], sheet="Sheet1",
                        unit_line="填报单位：东风村党支部          填报日期：2026年1月")
    assert run(town, path).added == 1
    assert town.scalar("SELECT o.name FROM member m JOIN org o ON o.id = m.org_id") == "东风村党支部"


def test_branch_chosen_by_the_user_when_the_file_names_none(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1)[:-1]], header=HEADER[:-1], sheet="Sheet1", unit_line=None)
    assert run(town, path, branch="幸福社区").added == 1
    assert town.scalar("SELECT o.name FROM member m JOIN org o ON o.id = m.org_id") == "幸福社区党支部"


def test_branch_column_with_merged_cells_repeats_the_branch_above(town, tmp_path):
    rows = [person(1, branch="东风村党支部"), person(2, branch=None), person(3, branch=None),
            person(4, branch="红星村党支部")]
    path = write_roster(tmp_path / "r.xlsx", rows)
    wb = load_workbook(path)
    wb.active.merge_cells("I4:I6")
    wb.save(path)
    assert run(town, path).added == 4
    names = [r[0] for r in town.query("SELECT o.name FROM member m JOIN org o ON o.id = m.org_id "
                                      "ORDER BY m.id_number")]
    assert names == ["东风村党支部"] * 3 + ["红星村党支部"]


def test_a_phone_number_stored_as_a_number(town, tmp_path, reader):
    path = write_roster(tmp_path / "r.xlsx", [person(1) + [13800138000]], header=HEADER + ["联系电话"])
    assert run(town, path, reader=reader).ok
    assert town.scalar("SELECT phone FROM member") == "13800138000"


def test_a_two_row_header(town, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["党员花名册"])
    ws.append(["序号", "姓名", "性别", "民族", "身份证号", "入党时间", None, "党员类别", "所在党支部"])
    ws.append([None, None, None, None, None, "入党日期", "转正日期", None, None])
    ws.merge_cells("F2:G2")
    ws.append(person(1))
    wb.save(tmp_path / "r.xlsx")
    report = run(town, tmp_path / "r.xlsx")
    assert report.added == 1, report.to_text()
    assert town.scalar("SELECT full_date FROM member") == "1996-07-01"


def test_unknown_columns_are_reported_and_ignored(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1) + ["群众"]], header=HEADER + ["政治面貌"])
    report = run(town, path)
    assert report.added == 1
    assert any("政治面貌" in w.problem for w in report.warnings)


def test_a_column_the_user_chooses_to_ignore(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1) + ["不是电话"]], header=HEADER + ["联系电话"])
    assert not run(town, path, dry_run=True).ok
    assert run(town, path, mapping={"联系电话": ""}).added == 1


def test_a_hidden_roster_sheet_is_not_imported_but_mentioned(town, tmp_path):
    path = write_book(tmp_path / "r.xlsx", {"花名册": [person(1)], "旧": [person(2)]})
    wb = load_workbook(path)
    wb["旧"].sheet_state = "hidden"
    wb.save(path)
    report = run(town, path)
    assert report.added == 1
    assert any("隐藏" in w.problem for w in report.warnings)


# ---- errors: the report says where and how to fix -------------------------------------------

def only_error(report):
    assert not report.written
    assert len(report.errors) == 1, report.to_text()
    return report.errors[0]


def test_an_id_number_excel_turned_into_a_number(town, tmp_path, reader):
    row = person(1)
    row[4] = int(row[4][:17] + "0")  # what Excel keeps of an 18-digit number is a float anyway
    path = write_roster(tmp_path / "r.xlsx", [person(2), row])
    e = only_error(run(town, path, reader=reader))
    assert (e.sheet, e.row, e.column, e.header) == ("花名册", 5, "E", "身份证号")
    assert "数字" in e.problem and "丢失" in e.problem
    assert "文本" in e.suggestion
    assert member_count(town) == 0


def test_an_id_number_in_scientific_notation_text(town, tmp_path):
    row = person(1)
    row[4] = "1.10101E+17"
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [row])))
    assert "科学计数法" in e.problem and "文本" in e.suggestion


def test_a_wrong_check_digit(town, tmp_path):
    row = person(1)
    row[4] = row[4][:17] + ("0" if row[4][17] != "0" else "1")
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [row])))
    assert e.column == "E" and "校验位" in e.problem


def test_sex_against_the_id_number(town, tmp_path):
    row = person(1, male=True)
    row[2] = "女"
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [row])))
    assert (e.column, e.value) == ("C", "女")
    assert "男" in e.suggestion


def test_birth_date_against_the_id_number(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1) + ["1971-03-05"]], header=HEADER + ["出生日期"])
    e = only_error(run(town, path))
    assert e.column == "J" and "不符" in e.problem and "1970-03-05" in e.suggestion


def test_joined_before_eighteen(town, tmp_path):
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [person(1, joined="1987-07-01", full=None)])))
    assert e.column == "F" and "18" in e.problem


def test_full_membership_before_joining(town, tmp_path):
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [person(1, full="1994-07-01")])))
    assert e.column == "G" and "晚于入党日期" in e.problem


def test_a_required_value_missing(town, tmp_path):
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [person(1, joined=None, full=None)])))
    assert e.column == "F" and "不能为空" in e.problem


def test_a_required_column_missing(town, tmp_path):
    header = [h for h in HEADER if h != "入党日期"]
    rows = [[v for i, v in enumerate(person(k)) if i != 5] for k in (1, 2)]
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", rows, header=header)))
    assert e.row == 3 and "入党日期" in e.problem and "2 名" in e.problem


def test_a_code_table_value_with_a_close_match(town, tmp_path):
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [person(1, category="正试党员")])))
    assert e.column == "H" and "代码表" in e.problem and "正式党员" in e.suggestion


def test_the_same_id_twice_in_the_file(town, tmp_path):
    path = write_book(tmp_path / "r.xlsx", {"一": [person(1)], "二": [person(2), person(1)]})
    e = only_error(run(town, path))
    assert (e.sheet, e.row, e.column) == ("二", 5, "E")
    assert "工作表“一”第4行" in e.problem


def test_an_ambiguous_month_number(town, tmp_path):
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [person(1, joined=1995.1, full=None)])))
    assert e.column == "F" and "10月" in e.problem and "文本" in e.suggestion


def test_an_unknown_branch_with_a_close_name(town, tmp_path):
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [person(1, branch="红星村党之部")])))
    assert e.column == "I" and "不存在" in e.problem and "红星村党支部" in e.suggestion


def test_an_ambiguous_branch_stem(town, tmp_path):
    add_branches(town, "红星村党总支", kind="村")  # (a 党总支 named like the branch)
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [person(1, branch="红星村")])))
    assert "红星村党支部" in e.problem and "红星村党总支" in e.problem


def test_a_sheet_whose_branch_cannot_be_known(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1)[:-1]], header=HEADER[:-1], sheet="Sheet1", unit_line=None)
    e = only_error(run(town, path))
    assert "所在党支部" in e.problem and "--branch" in e.suggestion


def test_a_file_without_a_roster(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [["随便", "写点", "什么"]], header=["甲", "乙", "丙"])
    e = only_error(run(town, path))
    assert "没有找到党员数据" in e.problem


def test_a_damaged_file_is_a_user_error(town, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="无法读取"):
        run(town, path)


def test_every_problem_of_a_row_is_reported(town, tmp_path):
    row = person(1, category="xx", joined="98.7.1", full=None)
    row[2] = "女"
    report = run(town, write_roster(tmp_path / "r.xlsx", [row]))
    assert {e.column for e in report.errors} == {"C", "F", "H"}


# ---- all or nothing --------------------------------------------------------------------------

def test_one_bad_row_among_good_ones_writes_nothing(town, tmp_path):
    rows = [person(i) for i in range(1, 10)] + [person(10, category="党员")]
    before = (member_count(town), town.scalar("SELECT count(*) FROM tx_log"),
              town.scalar("SELECT count(*) FROM change_log"))
    report = run(town, write_roster(tmp_path / "r.xlsx", rows))
    assert len(report.errors) == 1 and not report.written
    assert (member_count(town), town.scalar("SELECT count(*) FROM tx_log"),
            town.scalar("SELECT count(*) FROM change_log")) == before


def test_an_error_after_batches_were_written_rolls_them_back(town, tmp_path, monkeypatch):
    monkeypatch.setattr(writing_mod, "BATCH", 2)
    rows = [person(i) for i in range(1, 8)] + [person(8, category="党员")]
    report = run(town, write_roster(tmp_path / "r.xlsx", rows))
    assert report.errors and member_count(town) == 0
    assert town.scalar("SELECT count(*) FROM member_event") == 0


def test_branches_created_before_an_error_are_rolled_back(town, tmp_path):
    orgs = town.scalar("SELECT count(*) FROM org")
    rows = [person(1, branch="新建村党支部"), person(2, category="党员")]
    report = run(town, write_roster(tmp_path / "r.xlsx", rows), create_branches=True)
    assert report.errors and town.scalar("SELECT count(*) FROM org") == orgs


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(town, tmp_path):
    report = run(town, write_roster(tmp_path / "r.xlsx", [person(1), person(2)]), dry_run=True)
    assert report.ok and report.added == 2 and not report.written
    assert member_count(town) == 0


# ---- branches and groups created on request ----------------------------------------------------

@pytest.mark.parametrize("name, kind", [("新建村党支部", "村"), ("阳光社区第一党支部", "社区"), ("镇机关党支部", "机关")])
def test_create_branches_guesses_the_kind_from_the_name(town, tmp_path, name, kind):
    report = run(town, write_roster(tmp_path / "r.xlsx", [person(1, branch=name)]), create_branches=True)
    assert report.ok, report.to_text()
    org = town.one("SELECT * FROM org WHERE name = ?", (name,))
    assert (org["org_type"], org["kind"], org["parent_id"]) == ("党支部", kind, root_id(town))
    assert town.scalar("SELECT org_id FROM member") == org["id"]


def test_create_branches_takes_the_kind_from_a_column(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1, branch="某某公司党支部") + ["企业"]],
                        header=HEADER + ["支部类别"])
    assert run(town, path, create_branches=True).ok
    assert town.scalar("SELECT kind FROM org WHERE name = '某某公司党支部'") == "企业"


def test_create_branches_asks_for_a_kind_it_cannot_guess(town, tmp_path):
    e = only_error(run(town, write_roster(tmp_path / "r.xlsx", [person(1, branch="某某公司党支部")]),
                       create_branches=True))
    assert "支部类别" in e.problem and "支部类别" in e.suggestion


def test_create_branches_creates_each_branch_once(town, tmp_path):
    rows = [person(1, branch="新建村党支部"), person(2, branch="新建村"), person(3, branch="新建村党支部")]
    report = run(town, write_roster(tmp_path / "r.xlsx", rows), create_branches=True)
    assert report.created_orgs == [("党支部", "新建村党支部", "村")]
    assert town.scalar("SELECT count(*) FROM member m JOIN org o ON o.id = m.org_id "
                       "WHERE o.name = '新建村党支部'") == 3


def test_party_groups_by_name_and_created_on_request(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1) + ["第一党小组"], person(2) + ["第一党小组"]],
                        header=HEADER + ["所在党小组"])
    report = run(town, path)
    assert not report.ok and {x.column for x in report.errors} == {"J"}
    report = run(town, path, create_branches=True)
    assert report.ok
    groups = town.query("SELECT g.name, g.parent_id FROM member m JOIN org g ON g.id = m.group_id")
    assert len(groups) == 2 and len({tuple(g) for g in groups}) == 1 and groups[0]["name"] == "第一党小组"


# ---- registered members: match by ID number ------------------------------------------------------

def test_importing_the_same_file_again_adds_nothing_and_writes_nothing(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 4)])
    run(town, path)
    tx = town.scalar("SELECT count(*) FROM tx_log")
    report = run(town, path)
    assert report.ok and (report.added, report.unchanged, report.written) == (0, 3, False)
    assert member_count(town) == 3 and town.scalar("SELECT count(*) FROM tx_log") == tx


def test_a_changed_member_is_shown_and_not_applied_without_update(town, tmp_path):
    run(town, write_roster(tmp_path / "a.xlsx", [person(1) + ["13800138000"]], header=HEADER + ["联系电话"]))
    path = write_roster(tmp_path / "b.xlsx", [person(1) + ["13900139000"], person(2) + [None]],
                        header=HEADER + ["联系电话"])
    report = run(town, path)
    assert report.ok and report.added == 1
    [change] = report.changes
    assert change.fields == [("phone", "联系电话", "13800138000", "13900139000")]
    assert town.scalar("SELECT phone FROM member WHERE id = ?", (change.member_id,)) == "13800138000"
    assert "--update" in report.to_text()


def test_update_applies_the_differences(town, tmp_path):
    run(town, write_roster(tmp_path / "a.xlsx", [person(1) + ["13800138000"]], header=HEADER + ["联系电话"]))
    mid, rev = town.one("SELECT id, rev FROM member")
    report = run(town, write_roster(tmp_path / "b.xlsx", [person(1, full="1996-08-01") + ["13900139000"]],
                                    header=HEADER + ["联系电话"]), update=True)
    assert report.ok and report.updated == 1 and report.written
    m = town.get("member", mid)
    assert (m["phone"], m["full_date"], m["name"], m["rev"]) == ("13900139000", "1996-08-01", person(1)[1], rev + 1)
    assert town.scalar("SELECT count(*) FROM change_log WHERE row_id = ? AND op = 'update'", (mid,)) == 1


@pytest.mark.parametrize("update", [False, True])
def test_a_registered_id_number_under_another_name_is_refused_not_a_rename(town, tmp_path, update):
    # 李四's row carries 张三's ID number (a typing slip): it must neither rename nor overwrite 张三.
    run(town, write_roster(tmp_path / "a.xlsx", [person(1, name="张三") + ["13800138000"]],
                           header=HEADER + ["联系电话"]))
    before = town.one("SELECT * FROM member")
    idn = person(1)[4]
    rows = [person(2) + [None], person(1, name="李四", full="1996-08-01") + ["13900139000"]]
    report = run(town, write_roster(tmp_path / "b.xlsx", rows, header=HEADER + ["联系电话"]), update=update)
    assert not report.ok and not report.written and not report.changes
    [e] = report.errors
    assert (e.row, e.column, e.header) == (5, "E", "身份证号")
    assert "张三" in e.problem and "李四" in e.problem and "组织台账" in e.suggestion
    assert f"{idn[:4]}**********{idn[-4:]}" in e.problem and idn not in e.problem + e.suggestion
    lines = report.to_text().splitlines()
    assert any(line.startswith("花名册\t5\tE\t身份证号\t") and "李四" in line for line in lines)
    assert dict(town.one("SELECT * FROM member")) == dict(before) and member_count(town) == 1


def test_a_name_written_with_spaces_or_another_dot_is_the_same_name(town, tmp_path):
    run(town, write_roster(tmp_path / "a.xlsx", [person(1, name="阿依古丽·买买提")]))
    report = run(town, write_roster(tmp_path / "b.xlsx", [person(1, name="阿依古丽 • 买买提")]), update=True)
    assert report.ok and report.unchanged == 1 and not report.changes, report.to_text()


def test_an_empty_cell_never_erases_a_stored_value(town, tmp_path):
    run(town, write_roster(tmp_path / "a.xlsx", [person(1) + ["13800138000"]], header=HEADER + ["联系电话"]))
    report = run(town, write_roster(tmp_path / "b.xlsx", [person(1) + [None]], header=HEADER + ["联系电话"]),
                 update=True)
    assert report.unchanged == 1 and not report.changes
    assert town.scalar("SELECT phone FROM member") == "13800138000"


def test_a_different_branch_is_reported_not_applied(town, tmp_path):
    run(town, write_roster(tmp_path / "a.xlsx", [person(1)]))
    report = run(town, write_roster(tmp_path / "b.xlsx", [person(1, branch="东风村党支部")]), update=True)
    assert report.ok and not report.changes
    assert any("转接" in w.suggestion for w in report.warnings)
    assert town.scalar("SELECT o.name FROM member m JOIN org o ON o.id = m.org_id") == "红星村党支部"


def test_a_registered_member_row_only_needs_the_id_number(town, tmp_path):
    run(town, write_roster(tmp_path / "a.xlsx", [person(1)]))
    path = write_roster(tmp_path / "b.xlsx", [[person(1)[4], "13900139000"]], header=["身份证号", "联系电话", "姓名"],
                        sheet="红星村党支部")
    report = run(town, path, update=True)
    assert report.ok and report.updated == 1, report.to_text()


# ---- progress and cancelling ---------------------------------------------------------------------

def test_progress_is_reported_up_to_the_total(town, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_mod, "PROGRESS_EVERY", 10)
    path = write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 60)])
    seen = []
    import_roster(town, path, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 5
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1][0] == seen[-1][1]


def test_cancelling_writes_nothing(town, tmp_path, monkeypatch):
    monkeypatch.setattr(importer_mod, "PROGRESS_EVERY", 5)
    monkeypatch.setattr(writing_mod, "BATCH", 5)
    path = write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 60)])
    calls = []
    report = import_roster(town, path, cancel=lambda: len(calls) > 8 or calls.append(1) and False)
    assert report.cancelled and not report.written and not report.ok
    assert member_count(town) == 0
    assert town.conn.in_transaction is False


def test_a_cancel_after_the_end_changes_nothing(town, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", [person(1), person(2)])
    run = importer_mod.RosterImport(town, path)
    for done, total in run.steps():
        if done == total and run.finished:
            run.mark_cancelled()
    assert run.report.written and not run.report.cancelled and member_count(town) == 2
