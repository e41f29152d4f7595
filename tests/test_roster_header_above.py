"""Rosters as clerks make them: a two-row header whose merged cells hold some names in the upper
row only, an old 15-digit ID number stored as a number, an apostrophe kept in a text cell."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from dangjian_desktop.registry.idcard import make
from dangjian_desktop.roster import ImportOptions, import_roster

from roster_util import add_branches


def _book(path, header_top, header_bottom, rows, merges=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["党员花名册"])
    ws.append(header_top)
    ws.append(header_bottom)
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def test_names_merged_down_over_two_header_rows_are_read_from_the_upper_row(db, tmp_path):
    add_branches(db, "红星村党支部")
    top = ["基本情况", None, None, None, None, "入党时间", None, "学历", "联系电话", "备注", "基本情况"]
    bottom = ["姓名", "性别", "民族", "公民身份号码", "所在党支部", "入党日期", "转正日期", None, None, None, "党员类别"]
    rows = [[f"党员{c}", "男", "汉族", make("110101", dt.date(1970, 3, 5), n, True), "红星村党支部",
             "1995-07-01", "1996-07-01", "大学本科", f"1380000{n:04d}", "老党员", "正式党员"]
            for n, c in enumerate("甲乙丙", 1)]
    path = _book(tmp_path / "r.xlsx", top, bottom, rows, merges=("A2:E2", "F2:G2", "H2:H3", "I2:I3", "J2:J3"))
    report = import_roster(db, path, ImportOptions())
    assert report.ok and report.written, report.to_text(limit=10)
    got = db.query("SELECT name, education, phone, note FROM member ORDER BY name")
    assert [tuple(r) for r in got] == [("党员丙", "大学本科", "13800000003", "老党员"),
                                      ("党员乙", "大学本科", "13800000002", "老党员"),
                                      ("党员甲", "大学本科", "13800000001", "老党员")]


def test_an_old_15_digit_number_stored_as_a_number_and_a_kept_apostrophe_are_read(db, tmp_path):
    add_branches(db, "红星村党支部")
    old = 110101700305123  # 15 digits: a number keeps them whole
    top = ["姓名", "性别", "民族", "公民身份号码", "所在党支部", "入党日期", "联系电话", "党员类别"]
    path = _book(tmp_path / "r.xlsx", ["党员名册"], top,
                 [["张老", "男", "汉族", old, "红星村党支部", "1995-07-01", "'13800001111", "正式党员"],
                  ["李新", "女", "汉族", "'" + make("110101", dt.date(1980, 1, 2), 4, False), "红星村党支部",
                   "2001-07-01", None, "正式党员"]])
    report = import_roster(db, path, ImportOptions())
    assert report.ok and report.written, report.to_text(limit=10)
    rows = {r["name"]: r for r in db.query("SELECT name, id_number, phone FROM member")}
    assert rows["张老"]["id_number"].startswith("11010119700305123") and rows["张老"]["phone"] == "13800001111"
    assert rows["李新"]["id_number"] == make("110101", dt.date(1980, 1, 2), 4, False)


def test_a_branch_named_only_by_a_registered_member_is_not_reported_made_and_nothing_is_written(db, tmp_path):
    """The only row naming a new branch is a member already registered (elsewhere): no branch is
    made, so none is reported, and an import that changes nothing leaves no backup or log entry."""
    from dangjian_desktop.db.backup import list_backups

    from roster_util import person, write_roster

    add_branches(db, "红星村党支部")
    first = write_roster(tmp_path / "a.xlsx", [person(1)])
    assert import_roster(db, first, ImportOptions()).added == 1
    txs, backups = db.scalar("SELECT count(*) FROM tx_log"), len(list_backups(db))
    again = write_roster(tmp_path / "b.xlsx", [person(1, branch="北营村党支部")])
    report = import_roster(db, again, ImportOptions(create_branches=True))
    assert report.ok and not report.written and report.created_orgs == []
    assert "已新建" not in report.to_text()
    assert db.scalar("SELECT count(*) FROM org WHERE name = '北营村党支部'") == 0
    assert db.scalar("SELECT count(*) FROM tx_log") == txs and len(list_backups(db)) == backups


def test_a_registered_members_stored_date_against_the_file_does_not_stop_an_import_that_leaves_them(db, tmp_path):
    """The file's 入党日期 is later than the member's stored 转正日期 (a column the file does not
    have): without 按文件修改 nothing of them is written, so the other rows are imported."""
    from roster_util import person, write_roster

    add_branches(db, "红星村党支部")
    assert import_roster(db, write_roster(tmp_path / "a.xlsx", [person(1)]), ImportOptions()).added == 1
    header = ["序号", "姓名", "性别", "民族", "公民身份号码", "入党时间", "党员类别", "所在党支部"]
    row = person(1, joined="2000-01-01")
    late = [row[0], row[1], row[2], row[3], row[4], "2000-01-01", row[7], row[8]]
    new = person(2)
    other = [new[0], new[1], new[2], new[3], new[4], new[5], new[7], new[8]]
    path = write_roster(tmp_path / "b.xlsx", [late, other], header=header)
    report = import_roster(db, path, ImportOptions())
    assert report.ok and report.added == 1, report.to_text(limit=10)
    with_update = import_roster(db, path, ImportOptions(update=True, dry_run=True))
    assert not with_update.ok  # written with 按文件修改, the record would contradict itself
