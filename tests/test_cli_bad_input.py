"""The `dangjian` command given what a careless or hostile user gives: each case once broke the
command's contract (JSON alone on stdout, Chinese errors, the documented exit codes)."""

from __future__ import annotations

import json

from dangjian_desktop.cli import main


def test_backups_rules_with_json_keep_stdout_json_only(db, capsys):
    path = db.path
    db.close()
    for option, value in (("--keep", "3,6,4,2"), ("--space", "5")):
        assert main(["--db", str(path), "backups", option, value, "--json"]) == 0
        out = capsys.readouterr()
        assert json.loads(out.out) == []
        assert "已保存" in out.err


def test_another_programs_sqlite_file_is_told_as_not_ours_also_when_read(tmp_path, capsys):
    """A read command said “旧版本 … 请运行一次修改数据的命令” and that command then said “不是党建台账的数据库”."""
    import sqlite3

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE notes(text)")
    c.close()
    for command in (["stats"], ["verify"], ["stats", "--json"]):
        assert main(["--db", str(path), *command]) == 1
        out = capsys.readouterr()
        assert "不是党建台账的数据库" in out.err and "旧版本" not in out.err
        assert out.out == ""


def test_a_folder_given_as_the_database_is_told_as_a_folder(tmp_path, capsys):
    assert main(["--db", str(tmp_path), "stats"]) == 1
    err = capsys.readouterr().err
    assert "文件夹" in err and "找不到" not in err


def test_init_in_a_folder_says_it_is_a_folder(tmp_path, capsys):
    """It said “数据库文件已存在（不会覆盖）” of the folder."""
    assert main(["--db", str(tmp_path), "init", "--name", "文城镇", "--level", "town"]) == 1
    err = capsys.readouterr().err
    assert "是一个文件夹" in err and "已存在" not in err
    assert list(tmp_path.iterdir()) == []


def test_demo_towns_zero_is_refused_not_taken_for_the_default(tmp_path, capsys):
    """--towns 0 made the default 3 towns while -1 and 201 were refused with “应在1到200之间”."""
    path = tmp_path / "county.sqlite"
    assert main(["--db", str(path), "init", "--name", "文城县", "--level", "county"]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "demo", "--towns", "0"]) == 1
    assert "1到200" in capsys.readouterr().err
    assert main(["--db", str(path), "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["offices"] == 1


def _folder_told(capsys) -> None:
    out = capsys.readouterr()
    assert "是一个文件夹" in out.err and "找不到" not in out.err, out.err


def test_a_folder_given_as_the_file_to_read_is_told_as_a_folder(demo_town, tmp_path, capsys):
    """The readers said “找不到文件” of a folder that is there."""
    folder = tmp_path / "U盘"
    folder.mkdir()
    for command in (["roster", "import", str(folder)], ["dues", "import", str(folder)],
                    ["ledger", "import", "training", str(folder)], ["points", "import", str(folder)],
                    ["rounds", "import-scores", "--round", "2024", str(folder)],
                    ["restore", str(folder), "--yes"]):
        assert main(["--db", str(demo_town), *command]) == 1, command
        _folder_told(capsys)


def _bad_training_workbook(db_path, tmp_path, capsys):
    import openpyxl

    path = tmp_path / "培训.xlsx"
    assert main(["--db", str(db_path), "ledger", "template", "training", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0].append(["没有这个人", "", "2026-02-30", "集中培训", "学习", 2, "镇党委", "", ""])
    wb.save(path)
    capsys.readouterr()
    return path


def test_the_error_workbook_is_checked_before_the_import(demo_town, tmp_path, capsys):
    """--errors / --report were only used after the import: a folder lost the report (exit 1 after
    it was printed), a .pdf name got an Excel file."""
    book = _bad_training_workbook(demo_town, tmp_path, capsys)
    folder = tmp_path / "错误清单"
    folder.mkdir()
    for target in (folder, tmp_path / "错误清单.pdf", tmp_path / "没有的文件夹" / "错误.xlsx"):
        for command in (["ledger", "import", "training", str(book), "--errors", str(target)],
                        ["dues", "import", str(book), "--errors", str(target)],
                        ["roster", "import", str(book), "--dry-run", "--report", str(target)],
                        ["rounds", "import-scores", "--round", "2024", str(book), "--errors", str(target)]):
            assert main(["--db", str(demo_town), *command]) == 1, command
            out = capsys.readouterr()
            assert out.out == "" and out.err, command
        assert not (tmp_path / "错误清单.pdf").exists()
    assert main(["--db", str(demo_town), "ledger", "import", "training", str(book),
                 "--errors", str(tmp_path / "错误清单.xlsx")]) == 2
    assert (tmp_path / "错误清单.xlsx").is_file()


def test_draw_lots_checks_its_pdf_before_the_draw(tmp_path, capsys):
    """A folder given to --pdf failed after the draw was recorded (the clerk was told it failed,
    yet the round had a draw); a .txt name got a PDF."""
    from assessment_util import county_db

    path = tmp_path / "county.sqlite"
    county_db(path, ["东镇", "西镇"], per_town=2).close()
    assert main(["--db", str(path), "rounds", "create", "--year", "2026", "--scheme", "wuhua", "--json"]) == 0
    capsys.readouterr()
    folder = tmp_path / "U盘"
    folder.mkdir()
    for pdf in (folder, tmp_path / "抽签.txt"):
        assert main(["--db", str(path), "rounds", "draw-lots", "2026", "--pdf", str(pdf)]) == 1
        assert capsys.readouterr().out == ""
        assert main(["--db", str(path), "rounds", "lots", "2026"]) == 1
        assert "还没有抽签" in capsys.readouterr().err
    assert not (tmp_path / "抽签.txt").exists()
    assert main(["--db", str(path), "rounds", "draw-lots", "2026", "--seed", "7"]) == 0
    assert main(["--db", str(path), "rounds", "lots", "2026", "--pdf", str(tmp_path / "抽签.txt")]) == 1
    assert not (tmp_path / "抽签.txt").exists()


def test_ctrl_c_while_the_commands_load_is_a_cancel_not_a_traceback(monkeypatch, capsys):
    """Ctrl-C in the first tenth of a second (build_parser imports every command module) showed
    a KeyboardInterrupt traceback and exit code -2."""
    import dangjian_desktop.cli as cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert main(["stats"]) == 130
    assert capsys.readouterr().err == "已取消。\n"


def test_a_receipt_is_saved_only_under_a_pdf_name(tmp_path, capsys):
    """exchange export/import --receipt and exchange receipt --out wrote a PDF under a .txt (or any) name."""
    from exchange_util import county_with_towns

    county, towns = county_with_towns(tmp_path, ["甲镇"])
    town = towns["甲镇"]
    package = tmp_path / "甲镇.djx"
    receipt = tmp_path / "回执.txt"
    assert main(["--db", str(town), "exchange", "export", "--out", str(package), "--receipt", str(receipt)]) == 1
    assert not package.exists() and not receipt.exists()
    assert main(["--db", str(town), "exchange", "export", "--out", str(package), "--json"]) == 0
    package_id = json.loads(capsys.readouterr().out)["package"]
    assert main(["--db", str(county), "exchange", "import", str(package), "--receipt", str(receipt)]) == 1
    assert main(["--db", str(town), "exchange", "receipt", package_id, "--out", str(receipt)]) == 1
    assert "请保存为 .pdf 文件" in capsys.readouterr().err
    assert not receipt.exists()
    assert main(["--db", str(town), "exchange", "receipt", package_id, "--out", str(tmp_path / "回执.pdf")]) == 0


def test_every_argument_of_every_command_says_what_it_is():
    """`schemes validate|export|import|delete` and `rounds import-scores` listed their FILE and ID
    with no word of what to give."""
    import argparse

    from dangjian_desktop.cli import build_parser

    silent = []

    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, path + [name])
            elif action.help is None:
                silent.append(" ".join(path + [action.dest]))

    walk(build_parser(), ["dangjian"])
    assert silent == []


def test_a_date_with_no_such_day_is_told_as_such():
    import pytest

    from dangjian_desktop.commands._common import parse_date
    from dangjian_desktop.errors import UserError

    with pytest.raises(UserError, match="2026年2月没有30日"):
        parse_date("2026-02-30", "日期")
    with pytest.raises(UserError, match="月份应在 01 到 12 之间"):
        parse_date("2026-13-01", "日期")
    with pytest.raises(UserError, match="应为 2026-03-01 这样的格式"):
        parse_date("2026/3/1", "日期")
