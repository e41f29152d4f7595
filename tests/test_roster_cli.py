"""`dangjian roster import|export|template`: exit codes, the report on stdout, nothing written on errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.registry import init_office

from roster_util import add_branches, person, write_roster


@pytest.fixture
def town_path(tmp_path):
    path = tmp_path / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    add_branches(db, "红星村党支部", "东风村党支部")
    db.close()
    return path


def count(path) -> int:
    with Database.open(path, mode="read") as db:
        return db.scalar("SELECT count(*) FROM member")


def test_import_prints_the_summary_and_exits_0(town_path, tmp_path, capsys):
    f = write_roster(tmp_path / "r.xlsx", [person(1), person(2)])
    assert main(["--db", str(town_path), "roster", "import", str(f)]) == 0
    assert "已新增 2 名" in capsys.readouterr().out
    assert count(town_path) == 2


def test_import_with_errors_prints_the_report_writes_nothing_and_exits_2(town_path, tmp_path, capsys):
    f = write_roster(tmp_path / "r.xlsx", [person(1), person(2, category="党员")])
    assert main(["--db", str(town_path), "roster", "import", str(f)]) == 2
    out = capsys.readouterr().out
    assert "花名册\t5\tH\t党员类别\t党员\t" in out and "未导入任何数据" in out
    assert count(town_path) == 0


def test_import_can_save_the_highlighted_report(town_path, tmp_path, capsys):
    f = write_roster(tmp_path / "r.xlsx", [person(1, category="党员")])
    report = tmp_path / "错误.xlsx"
    assert main(["--db", str(town_path), "roster", "import", str(f), "--report", str(report)]) == 2
    assert load_workbook(report).sheetnames[0] == "错误清单"


def test_dry_run_writes_nothing(town_path, tmp_path, capsys):
    f = write_roster(tmp_path / "r.xlsx", [person(1)])
    assert main(["--db", str(town_path), "roster", "import", str(f), "--dry-run"]) == 0
    assert "试导入" in capsys.readouterr().out and count(town_path) == 0


def test_branch_and_create_branches_options(town_path, tmp_path, capsys):
    no_branch = write_roster(tmp_path / "a.xlsx", [person(1)[:-1]], sheet="Sheet1", unit_line=None,
                             header=["序号", "姓名", "性别", "民族", "身份证号", "入党日期", "转正日期", "党员类别"])
    assert main(["--db", str(town_path), "roster", "import", str(no_branch)]) == 2
    assert main(["--db", str(town_path), "roster", "import", str(no_branch), "--branch", "东风村"]) == 0
    new = write_roster(tmp_path / "b.xlsx", [person(2, branch="西山村党支部")])
    assert main(["--db", str(town_path), "roster", "import", str(new)]) == 2
    assert main(["--db", str(town_path), "roster", "import", str(new), "--create-branches"]) == 0
    assert "新建党支部：西山村党支部（类别：村）" in capsys.readouterr().out
    assert count(town_path) == 2


def test_update_option_applies_differences(town_path, tmp_path, capsys):
    main(["--db", str(town_path), "roster", "import", str(write_roster(tmp_path / "a.xlsx", [person(1)]))])
    changed = write_roster(tmp_path / "b.xlsx", [person(1, full="1996-08-01")])
    assert main(["--db", str(town_path), "roster", "import", str(changed)]) == 0
    assert "--update" in capsys.readouterr().out
    assert main(["--db", str(town_path), "roster", "import", str(changed), "--update"]) == 0
    with Database.open(town_path, mode="read") as db:
        assert db.scalar("SELECT full_date FROM member") == "1996-08-01"


def test_a_registered_id_number_under_another_name_is_an_error_even_with_update(town_path, tmp_path, capsys):
    first = write_roster(tmp_path / "a.xlsx", [person(1, name="张三")])
    main(["--db", str(town_path), "roster", "import", str(first)])
    capsys.readouterr()
    other = write_roster(tmp_path / "b.xlsx", [person(1, name="李四")])
    assert main(["--db", str(town_path), "roster", "import", str(other), "--update"]) == 2
    out = capsys.readouterr().out
    assert "与已登记党员张三相同，但本行姓名是李四" in out and "未导入任何数据" in out
    with Database.open(town_path, mode="read") as db:
        assert db.scalar("SELECT name FROM member") == "张三"


def test_unknown_branch_for_export_is_an_error_on_stderr(town_path, tmp_path, capsys):
    assert main(["--db", str(town_path), "roster", "export", str(tmp_path / "x.xlsx"), "--branch", "没有这个"]) != 0
    assert "不存在" in capsys.readouterr().err


def test_export_and_template(town_path, tmp_path, capsys):
    main(["--db", str(town_path), "roster", "import", str(write_roster(tmp_path / "a.xlsx", [person(1)]))])
    out = tmp_path / "out.xlsx"
    assert main(["--db", str(town_path), "roster", "export", str(out), "--branch", "红星村党支部"]) == 0
    assert "已导出 1 名党员" in capsys.readouterr().out
    assert load_workbook(out).active["A1"].value == "红星村党支部党员花名册"
    tpl = tmp_path / "t.xlsx"
    assert main(["roster", "template", str(tpl)]) == 0
    assert load_workbook(tpl).sheetnames[:2] == ["花名册", "填写说明"]


def test_a_clerk_running_the_command_sees_utf8_chinese(town_path, tmp_path):
    f = write_roster(tmp_path / "r.xlsx", [person(1, category="党员")])
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    p = subprocess.run([sys.executable, "-m", "dangjian_desktop.cli", "--db", str(town_path), "roster", "import",
                        str(f)], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 2 and "党员类别" in p.stdout and not p.stderr
