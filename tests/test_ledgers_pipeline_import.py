"""Excel import of the development pipeline (发展党员台账): new applicants with their steps and
introducers, steps added to people already kept, the exported list read back unchanged, and all
or nothing: dates out of order, a date differing from the one kept, an acceptance (which only the
program makes, for the roster's sake), a bad ID number and an introducer who is not a full member
are each told against their cell, and nothing is written."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from dangjian_desktop.ledgers import pipeline as pl
from dangjian_desktop.ledgers.ledger_import import import_ledger, template_hint
from dangjian_desktop.tables.ledger_templates import save_template
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.tables.ledger_tables import save_ledger

from points_util import add_branch

HEAD = ("序号", "党支部", "姓名", "身份证号", "学历", "申请日期", "确定积极分子", "确定发展对象", "接收预备党员", "入党介绍人")


def sheet(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["东村党支部发展党员台账"])
    ws.append(list(HEAD))
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def idn(k: int) -> str:
    return make("140826", dt.date(1996, 3, k), 10 + k, True)


def dump(db):
    return sorted((p.org_id, p.name, p.stage, tuple(sorted(p.dates().items(), key=lambda x: x[0], reverse=False)),
                   tuple(sorted(n for _, n in p.introducers))) for p in pl.people(db))


def test_applicants_steps_and_introducers_are_entered_and_read_back(db, tmp_path):
    b = add_branch(db, n=3)
    names = [db.get("member", m)["name"] for m in b.members]
    path = sheet(tmp_path / "dev.xlsx", [
        (1, "东村党支部", "周新甲", idn(1), "大学本科", "2024-01-15", "2024-03-10", "2025-03-10", None,
         f"{names[0]}、{names[1]}"),
        (2, "东村党支部", "周新乙", idn(2), "高中", "2025年5月6日", None, None, None, None),
    ])
    report = import_ledger(db, "pipeline", path)
    assert report.ok and report.written and report.added == 2, report.to_text()
    got = {p.name: p for p in pl.people(db)}
    assert got["周新甲"].stage == "发展对象" and got["周新甲"].first("积极分子") == "2024-03-10"
    assert sorted(n for _, n in got["周新甲"].introducers) == sorted(names[:2])
    assert got["周新乙"].stage == "入党申请人" and got["周新乙"].first("申请") == "2025-05-06"
    assert got["周新乙"].sex == "男"  # from the ID number, as the entry form does
    # A later sheet adds what is new for people already kept (found by ID number).
    later = sheet(tmp_path / "later.xlsx", [(1, "东村党支部", "周新乙", idn(2), None, "2025-05-06", "2025-07-01", None,
                                             None, None)])
    report = import_ledger(db, "pipeline", later)
    assert report.written and report.added == 1 and pl.find_person(db, "周新乙").stage == "入党积极分子"
    # The list the program prints reads back as it is: nothing new.
    before = dump(db)
    out = save_ledger(db, "pipeline", 2025, tmp_path / "out.xlsx")
    report = import_ledger(db, "pipeline", out)
    assert report.ok and not report.written and report.unchanged == 2, report.to_text()
    assert dump(db) == before and db.verify() == []


def test_every_refused_row_is_told_and_nothing_is_written(db, tmp_path):
    b = add_branch(db, n=3, probationary=(2,))
    names = [db.get("member", m)["name"] for m in b.members]
    kept = pl.add_person(db, b.id, {"name": "周新丙", "id_number": idn(3)}, applied_on="2024-01-15")
    path = sheet(tmp_path / "bad.xlsx", [
        (1, "东村党支部", "周新丁", idn(4), None, "2024-01-15", None, None, None, None),                  # good
        (2, "东村党支部", "周新戊", idn(5), None, "2024-05-01", "2024-03-01", None, None, None),          # out of order
        (3, "东村党支部", "周新丙", idn(3), None, "2024-01-16", None, None, None, None),                  # differs from kept
        (4, "东村党支部", "周新己", idn(6), None, "2023-01-15", "2023-03-01", "2024-03-05", "2025-03-10", None),  # 接收
        (5, "东村党支部", "周新庚", "140826199603071234", None, "2024-01-15", None, None, None, None),    # bad ID number
        (6, "东村党支部", "周新辛", idn(8), None, "2024-01-15", None, None, None, f"{names[0]}、{names[2]}"),  # 预备党员
        (7, "北村党支部", "周新壬", idn(9), None, "2024-01-15", None, None, None, None),                  # no branch
        (8, "东村党支部", "周新丁", idn(4), None, "2024-01-15", None, None, None, None),                  # twice
        (9, "东村党支部", "周新癸", idn(10), None, None, None, None, None, None),                         # no application
    ])
    before = db.scalar("SELECT count(*) FROM dev_person"), db.scalar("SELECT count(*) FROM dev_step")
    report = import_ledger(db, "pipeline", path)
    assert not report.ok and not report.written
    assert (db.scalar("SELECT count(*) FROM dev_person"), db.scalar("SELECT count(*) FROM dev_step")) == before
    where = {p.row: (p.column, p.problem) for p in report.errors}
    assert sorted(where) == [4, 5, 6, 7, 8, 9, 10, 11]
    assert where[4] == ("G", "确定积极分子的日期早于申请（2024年5月1日）。")
    assert where[5][0] == "F" and "已登记的申请日期是2024年1月15日" in where[5][1]
    assert where[6][0] == "I" and "不能从 Excel 导入" in where[6][1]
    assert where[7][0] == "D"  # the ID number's check digit, told by the ledger's own check
    assert where[8][0] == "J" and "不是正式党员" in where[8][1]
    assert where[9][0] == "B" and "北村党支部" in where[9][1]
    assert where[10] == ("C", "周新丁在第3行已经出现过。")
    assert where[11][0] == "F" and "须填写递交入党申请书的日期" in where[11][1]
    assert pl.get_person(db, kept).first("申请") == "2024-01-15"
    # A dry run of the good row writes nothing either, but says what it would do.
    good = sheet(tmp_path / "good.xlsx", [(1, "东村党支部", "周新丁", idn(4), None, "2024-01-15", None, None, None, None)])
    report = import_ledger(db, "pipeline", good, dry_run=True)
    assert report.ok and report.added == 1 and not report.written and "试导入" in report.summary()
    assert db.scalar("SELECT count(*) FROM dev_person") == before[0]


def test_the_pipeline_template_and_its_hint(db, tmp_path):
    from openpyxl import load_workbook

    assert "接收预备党员和转正须在本页逐人登记" in template_hint("pipeline")
    headers = [c.value for c in load_workbook(save_template("pipeline", tmp_path / "t.xlsx")).active[2]]
    assert headers[:3] == ["*党支部", "*姓名", "身份证号"] and "*申请" in headers and "入党介绍人" in headers


def test_the_command_line_dry_run_and_import(db, tmp_path, capsys):
    from dangjian_desktop.cli import main

    add_branch(db, n=2)
    good = sheet(tmp_path / "good.xlsx", [(1, "东村党支部", "周新丁", idn(4), None, "2024-01-15", None, None, None, None)])
    path = db.path
    db.close()
    assert main(["--db", str(path), "ledger", "import", "pipeline", str(good), "--dry-run"]) == 0
    assert "试导入" in capsys.readouterr().out
    assert main(["--db", str(path), "ledger", "import", "pipeline", str(good)]) == 0
    assert "已导入发展党员记录" in capsys.readouterr().out
    assert main(["--db", str(path), "ledger", "list", "pipeline", "--json"]) == 0
    assert "周新丁" in capsys.readouterr().out


def test_introducers_are_parted_by_marks_or_by_he_only_between_two_whole_names():
    from dangjian_desktop.ledgers.pipeline_import import introducer_names

    assert introducer_names("张三、李四") == ["张三", "李四"]
    assert introducer_names("张三，李四") == ["张三", "李四"]
    assert introducer_names("张三 / 李四") == ["张三", "李四"]
    assert introducer_names("张三和李四") == ["张三", "李四"]
    # 和 inside a name is not a separator.
    assert introducer_names("贺和富、向光星") == ["贺和富", "向光星"]
    assert introducer_names("王和平和李四") == ["王和平", "李四"]
    assert introducer_names("贺和富") == ["贺和富"]
    assert introducer_names("") == []
