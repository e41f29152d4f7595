"""Excel import of the record ledgers (教育培训, 奖惩, 走访慰问, 谈心谈话): one column-mapped reader,
all or nothing with every row's errors, lists exported by the program read back unchanged, an
office's own sheet with other header names, the template, and `dangjian ledger import`."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook, load_workbook

from dangjian_desktop import dates
from dangjian_desktop.errors import UserError
from dangjian_desktop.ledgers import records
from dangjian_desktop.ledgers.ledger_import import template_hint
from dangjian_desktop.ledgers.record_import import KINDS, import_records, save_error_report
from dangjian_desktop.tables.ledger_templates import save_template
from dangjian_desktop.tables.ledger_tables import save_ledger

from points_util import add_branch

Y = 2025
TABLES = {"training": "training_record", "rewards": "reward_record", "visits": "care_visit", "talks": "talk_record"}


def sheet(path, rows, title="台账"):
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def count(db, kind):
    return db.scalar(f"SELECT count(*) FROM {TABLES[kind]}")


def snapshot(db, kind):
    cols = {"training": "member_id, date, kind, content, hours, organiser",
            "rewards": "member_id, date, kind, title, issuer, decision",
            "visits": "member_id, date, kind, visitor, content, amount_fen",
            "talks": "org_id, date, talker, participants, topic, content"}[kind]
    return sorted(tuple(r) for r in db.query(f"SELECT {cols} FROM {TABLES[kind]}"))


def fill(db, b):
    records.add_training(db, b.members[:3], date=f"{Y}-04-10", kind="专题党课", content="党章学习", hours="4",
                         organiser="镇党委")
    records.add_training(db, b.members[:1], date=f"{Y}-06-01", kind="远程教育", content="二十大精神", hours="1.5")
    records.add_reward(db, b.members[0], date=f"{Y}-07-01", kind="奖励", title="优秀共产党员", issuer="镇党委",
                       decision="镇党发〔2025〕3号")
    records.add_reward(db, b.members[1], date=f"{Y}-08-01", kind="处分", title="严重警告", issuer="镇纪委")
    records.add_visit(db, b.members[2], date=f"{Y}-01-20", kind="节日慰问", content="送去慰问金", visitor="镇党委书记",
                      amount="500")
    records.add_talk(db, b.id, date=f"{Y}-03-05", talker="镇党委书记", participants="支委全体", topic="班子履职情况",
                     content="谈了分工")


@pytest.mark.parametrize("kind", list(KINDS))
def test_an_exported_list_reads_back_the_same_records(db, tmp_path, kind):
    b = add_branch(db, n=4)
    fill(db, b)
    path = save_ledger(db, kind, Y, tmp_path / f"{kind}.xlsx")
    before = snapshot(db, kind)
    assert before
    # Imported again into the database it came from: nothing new, nothing written.
    again = import_records(db, kind, path)
    assert again.ok and again.unchanged == len(before) and again.added == 0 and not again.written
    assert snapshot(db, kind) == before
    # Into a database without them: every record back (the exported list's columns are the import's).
    for r in db.query(f"SELECT id FROM {TABLES[kind]}"):
        records.remove_record(db, TABLES[kind], r["id"])
    report = import_records(db, kind, path)
    assert report.ok and report.written and report.added == len(before), report.to_text()
    assert snapshot(db, kind) == before
    assert db.verify() == []


def test_every_row_error_is_listed_and_nothing_is_written(db, tmp_path):
    b = add_branch(db, n=3)
    names = [db.get("member", m)["name"] for m in b.members]
    path = sheet(tmp_path / "bad.xlsx", [
        ("序号", "姓名", "身份证号", "培训日期", "培训形式", "培训内容", "学时", "页码"),
        (1, names[0], None, f"{Y}-03-01", "集中培训", "党章", 4, None),            # good
        (2, "王不在", None, f"{Y}-03-01", "集中培训", "党章", 4, None),             # no such member
        (3, names[1], None, "2025年13月1日", "集中培训", "党章", 4, None),          # no such date
        (4, names[1], None, "2025-03", "集中培训", "党章", 4, None),               # a month only
        (5, names[2], None, f"{Y}-03-02", "集中培训", "党章", "四", None),          # hours not a number
        (6, names[2], None, f"{Y}-03-03", "集中培训", None, 2, None),              # no content
        (7, names[0], None, f"{Y}-03-01", "集中培训", "党章", 4, None),             # the same as row 3
        (8, names[1], "110101199001011234", f"{Y}-03-01", "集中培训", "党章", 4, None),  # unknown ID number
        (9, names[2], None, f"{dates.today().year + 1}-01-01", "集中培训", "党章", 4, None),             # in the future
        (None, None, None, None, None, None, None, None),                          # blank: skipped
    ])
    report = import_records(db, "training", path)
    assert not report.ok and not report.written and count(db, "training") == 0
    where = [(p.row, p.column) for p in report.sorted_errors()]
    assert where == [(4, "B"), (5, "D"), (6, "D"), (7, "G"), (8, "F"), (9, "D"), (10, "C"), (11, "D")]
    text = report.to_text()
    assert "没有名为“王不在”的党员" in text and "与第3行是同一条记录（2025年3月1日，党章）" in text and "学时“四”应为数字" in text
    assert "请填写培训内容" in text and "不能晚于今天" in text and "只写到月份" in text
    assert "未导入任何数据" in report.summary()
    assert any("页码" in w.problem for w in report.warnings)  # an unknown column is named, 序号 is not
    assert not any("序号" in w.problem for w in report.warnings)
    # The error list as a workbook: the 错误清单 sheet first, each bad cell marked in the copy.
    out = save_error_report(report, tmp_path / "errors.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "错误清单" and wb["错误清单"].max_row == 1 + len(report.errors)
    assert wb["Sheet"]["B4"].comment is not None
    # Fixed, the file goes in whole.
    wb = load_workbook(path)
    ws = wb.active
    for r in range(4, 12):
        ws.delete_rows(4)
    wb.save(path)
    report = import_records(db, "training", path)
    assert report.ok and report.added == 1 and count(db, "training") == 1


def test_an_office_sheet_with_its_own_headers_namesakes_and_kinds(db, tmp_path):
    a = add_branch(db, "东村党支部", n=2)
    w = add_branch(db, "西村党支部", n=2)
    # A namesake in another branch: the 党支部 column tells them apart.
    same = db.get("member", a.members[0])["name"]
    from dangjian_desktop.registry import update_member

    update_member(db, w.members[0], {"name": same})
    path = sheet(tmp_path / "office.xlsx", [
        ("所在党支部", "党员姓名", "决定日期", "奖惩名称", "批准机关", "文号"),
        ("西村党支部", same, "2025年5月4日", "严重警告", "镇纪委", "镇纪发〔2025〕1号"),
        ("东村党支部", same, "2025.6.1", "优秀共产党员", "镇党委", ""),
    ])
    report = import_records(db, "rewards", path)
    assert report.ok, report.to_text()
    rows = {(r["member_id"], r["kind"], r["title"]) for r in records.rewards(db, Y)}
    # Without a 类别 column a punishment's title makes it a 处分.
    assert rows == {(w.members[0], "处分", "严重警告"), (a.members[0], "奖励", "优秀共产党员")}
    # Without the 党支部 column the namesakes cannot be told apart.
    path = sheet(tmp_path / "names.xlsx", [("姓名", "日期", "名称", "决定机关"), (same, f"{Y}-09-01", "警告", "镇纪委")])
    report = import_records(db, "rewards", path)
    assert [p.problem for p in report.errors] == [f"有2名党员叫“{same}”。"]


def test_a_kept_record_with_another_value_is_refused(db, tmp_path):
    b = add_branch(db, n=3)
    fill(db, b)
    name = db.get("member", b.members[2])["name"]
    path = sheet(tmp_path / "v.xlsx", [("姓名", "走访日期", "走访内容", "慰问金额（元）"),
                                       (name, f"{Y}-01-20", "送去慰问金", 300)])
    report = import_records(db, "visits", path)
    assert [(p.row, p.column) for p in report.errors] == [(3, "D")]
    assert "与已登记的“500.00”不同" in report.errors[0].problem and count(db, "visits") == 1


def test_talks_find_their_branch_and_a_wrong_kind_of_file_is_named(db, tmp_path):
    b = add_branch(db, n=3)
    path = sheet(tmp_path / "t.xlsx", [("党支部", "谈话日期", "谈话人", "谈话对象", "谈话主题", "谈话内容"),
                                       ("东村党支部", f"{Y}-02-03", "书记", "张三", "思想状况", "谈了家庭困难"),
                                       ("北村党支部", f"{Y}-02-03", "书记", "张三", "思想状况", "")])
    report = import_records(db, "talks", path)
    assert [p.problem for p in report.errors] == ["没有名为“北村党支部”的党组织。"] and count(db, "talks") == 0
    wb = load_workbook(path)
    wb.active.delete_rows(4)
    wb.save(path)
    assert import_records(db, "talks", path).added == 1
    assert records.talks(db, Y)[0]["org_id"] == b.id
    # A training list offered as visits is told for what it is, not read as visits.
    fill(db, b)
    training = save_ledger(db, "training", Y, tmp_path / "training.xlsx")
    report = import_records(db, "visits", training)
    assert "像是教育培训台账" in report.errors[0].problem and not report.written
    report = import_records(db, "training", tmp_path / "t.xlsx")
    assert "没有找到教育培训台账的表头" in report.errors[0].problem


def test_the_template_is_read_once_filled_in(db, tmp_path):
    b = add_branch(db, n=2)
    for kind in KINDS:
        assert "每行一条记录" in template_hint(kind)
    path = save_template("visits", tmp_path / "模板.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    headers = [c.value for c in ws[2]]
    assert "*姓名" in headers and "*日期" in headers and "金额（元）" in headers
    row = {h: None for h in headers}
    row.update({"*姓名": db.get("member", b.members[0])["name"], "*日期": f"{Y}-12-01", "*内容": "看望", "金额（元）": 200})
    ws.append([row[h] for h in headers])
    wb.save(path)
    report = import_records(db, "visits", path)
    assert report.ok and report.added == 1
    assert records.visits(db, Y)[0]["amount_fen"] == 20000 and records.visits(db, Y)[0]["kind"] == "走访慰问"
    with pytest.raises(UserError, match="没有可导入的台账"):
        import_records(db, "funds", path)


def test_the_command_line_import(db, tmp_path, capsys):
    from dangjian_desktop.cli import main

    b = add_branch(db, n=2)
    name = db.get("member", b.members[0])["name"]
    good = sheet(tmp_path / "g.xlsx", [("姓名", "日期", "内容", "学时"), (name, f"{Y}-05-05", "党史", 2)])
    bad = sheet(tmp_path / "b.xlsx", [("姓名", "日期", "内容", "学时"), (name, f"{Y}-05-06", "党史", 0)])
    db_path = db.path
    db.close()
    assert main(["--db", str(db_path), "ledger", "import", "training", str(bad), "--errors",
                 str(tmp_path / "e.xlsx")]) == 2
    out = capsys.readouterr()
    assert "学时应大于0" in out.out and "未导入任何数据" in out.out and (tmp_path / "e.xlsx").exists()
    assert main(["--db", str(db_path), "ledger", "import", "training", str(good), "--dry-run"]) == 0
    assert "试导入" in capsys.readouterr().out
    assert main(["--db", str(db_path), "ledger", "import", "training", str(good), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["added"] == 1 and data["written"]
    assert main(["--db", str(db_path), "ledger", "template", "talks", str(tmp_path / "tpl.xlsx")]) == 0
    assert load_workbook(tmp_path / "tpl.xlsx").active["A2"].value == "*党支部"


def test_the_cli_offers_every_ledger_the_core_imports():
    from dangjian_desktop.commands.ledgers import IMPORT_KINDS as CLI_KINDS
    from dangjian_desktop.ledgers.ledger_import import IMPORT_KINDS

    assert tuple(CLI_KINDS) == tuple(IMPORT_KINDS)


def test_a_row_dated_before_the_ledgers_first_year_is_a_row_error(db, tmp_path):
    b = add_branch(db, n=1)
    name = db.get("member", b.members[0])["name"]
    path = sheet(tmp_path / "old.xlsx", [("姓名", "走访日期", "走访内容"), (name, f"{Y}-01-20", "看望"),
                                         (name, "1900-01-01", "看望")])
    report = import_records(db, "visits", path)
    assert [(p.row, p.column) for p in report.errors] == [(4, "B")] and not report.written
    assert "早于1950年1月1日" in report.errors[0].problem and count(db, "visits") == 0
