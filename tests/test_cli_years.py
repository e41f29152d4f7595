"""Years and dates the reports cannot mean are refused with the range allowed, before anything is
read: a report of 2100 gave every member 一星, a structure of 3000 worked ages out in the year
3000, and a 三会一课 check dated before its year called every meeting held."""

from __future__ import annotations

import pytest

from dangjian_desktop import dates
from dangjian_desktop.cli import main


@pytest.mark.parametrize("args", [
    ["points", "totals", "--year", "2100"],
    ["points", "totals", "--year", "1800"],
    ["ledger", "print", "dues", "--year", "2100", "--out", "x.xlsx"],
    ["dues", "status", "--year", "3000"],
    ["report", "members", "--year", "2100", "--branch", "东村党支部", "--out", "x.pdf"],
])
def test_a_report_year_out_of_range_is_refused_with_the_range(db, capsys, args):
    with pytest.raises(SystemExit) as e:
        main(["--db", str(db.path), *args])
    err = capsys.readouterr().err
    assert e.value.code == 2 and f"应在1921年至{dates.today().year + 1}年之间" in err, err


def test_next_year_is_a_report_year_and_a_round_may_be_later(db, capsys):
    assert main(["--db", str(db.path), "points", "totals", "--year", str(dates.today().year + 1)]) == 0
    with pytest.raises(SystemExit):
        main(["--db", str(db.path), "points", "totals", "--year", "abc"])
    assert "四位数字" in capsys.readouterr().err


@pytest.mark.parametrize("date", ["3000-01-01", "1800-01-01"])
def test_a_structure_date_out_of_range_is_refused(db, capsys, date):
    assert main(["--db", str(db.path), "report", "structure", "--date", date]) == 1
    assert "统计时间" in capsys.readouterr().err


def test_a_meetings_check_dated_before_its_year_is_refused(db, capsys):
    assert main(["--db", str(db.path), "meetings", "compliance", "--year", "2025", "--as-of", "2024-06-01"]) == 1
    assert "早于2025年度" in capsys.readouterr().err


def test_an_empty_town_is_told_so_not_printed_blank(tmp_path, capsys):
    path = str(tmp_path / "空白镇.sqlite")
    assert main(["--db", path, "init", "--name", "空白镇", "--level", "town"]) == 0
    capsys.readouterr()
    for args, said in ([["points", "totals", "--year", "2025"], "2025年度没有党员可以统计积分。"],
                       [["points", "branches", "--year", "2025"], "没有党支部。"],
                       [["meetings", "compliance", "--year", "2025"], "没有党支部。"],
                       [["ledger", "structure"], "没有党支部。"]):
        assert main(["--db", path, *args]) == 0
        assert capsys.readouterr().out.strip() == said, args
    assert main(["--db", path, "report", "structure"]) == 0
    out = capsys.readouterr().out
    assert "  性别：—" in out and not any(line.endswith("：") for line in out.splitlines())


def test_a_scheme_name_with_its_own_quotation_marks_is_quoted_once():
    from dangjian_desktop.schemes.model import quoted

    assert quoted("“五个好”村级党组织分类") == "“‘五个好’村级党组织分类”"
    assert quoted("星级党员") == "“星级党员”"
