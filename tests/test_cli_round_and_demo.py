"""Through the real command line: every command that names an assessment round takes
`--round R`, and the older `ROUND` first argument still works; `dangjian demo` speaks Chinese."""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest

from dangjian_desktop.cli import build_parser, main

HAN = "[\u4e00-\u9fff]"
ENGLISH_IN_CHINESE = re.compile(rf"{HAN}.*\b[a-z]{{4,}}\b|\b[a-z]{{4,}}\b.*{HAN}")


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def demo(demo_offices, tmp_path_factory):
    """A demo town database (read by the tests, never changed) and what `dangjian demo` printed
    (`dangjian init` and `dangjian demo --seed 3`, built once per test process: conftest)."""
    path = demo_offices.copy(tmp_path_factory.mktemp("demo") / "town.sqlite", seed=3)
    return str(path), demo_offices.printed(seed=3)


@pytest.fixture(scope="module")
def rounds(demo):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", demo[0], "rounds", "list", "--json"]) == 0
    listed = json.loads(out.getvalue())
    return {"current": listed[0]["id"], "finished_year": listed[1]["year"]}


# ---- dangjian demo ---------------------------------------------------------------------------

def test_demo_prints_no_english_word_inside_a_chinese_line(demo):
    lines = [line for line in demo[1].splitlines() if "/" not in line]
    assert len(lines) >= 4  # the town, two extensions, the summary
    assert [line for line in lines if ENGLISH_IN_CHINESE.search(line)] == []
    assert "生成年度考核演示数据" in lines and "生成党员积分与会议演示数据" in lines


def test_demo_refuses_towns_for_a_town_database_in_chinese(tmp_path, capsys):
    path = tmp_path / "t.sqlite"
    assert main(["--db", str(path), "init", "--name", "文城镇", "--level", "town"]) == 0
    code, _, err = run(capsys, "--db", path, "demo", "--towns", "2")
    assert code == 1 and "只有县级数据库才能指定乡镇数量" in err
    assert not ENGLISH_IN_CHINESE.search(err)


# ---- --round R and the older positional ROUND -------------------------------------------------

@pytest.mark.parametrize("command", [["rounds", "show"], ["rounds", "rate"], ["rounds", "dashboard"]])
def test_both_forms_give_the_same_answer(demo, rounds, capsys, command):
    rid = rounds["current"][:8]
    code1, by_option, err1 = run(capsys, "--db", demo[0], *command, "--round", rid, "--json")
    code2, positional, err2 = run(capsys, "--db", demo[0], *command, rid, "--json")
    assert code1 == 0 and code2 == 0, err1 + err2
    assert by_option == positional
    assert json.loads(by_option)


def test_export_and_dry_run_import_with_round_option(demo, rounds, capsys, tmp_path):
    rid = rounds["current"]
    code, out, err = run(capsys, "--db", demo[0], "rounds", "export-forms", "--round", rid, "--out", tmp_path)
    assert code == 0, err
    form = sorted(tmp_path.glob("*.xlsx"))[0]
    code, out, err = run(capsys, "--db", demo[0], "rounds", "import-scores", "--round", rid, form, "--dry-run",
                         "--json")
    old_code, old_out, _ = run(capsys, "--db", demo[0], "rounds", "import-scores", rid, form, "--dry-run", "--json")
    assert "Traceback" not in err and code == old_code
    assert json.loads(out) == json.loads(old_out)


@pytest.mark.parametrize("form", ["option", "positional"])
def test_publicity_takes_either_form(demo, rounds, capsys, tmp_path, form):
    year = str(rounds["finished_year"])
    round_args = ["--round", year] if form == "option" else [year]
    pdf = tmp_path / "公示.pdf"
    code, out, err = run(capsys, "--db", demo[0], "report", "publicity", *round_args, "--out", pdf)
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF") and "已保存" in out


def test_a_missing_round_is_a_chinese_usage_error_before_the_database_is_opened(tmp_path, capsys):
    code, _, err = run(capsys, "--db", tmp_path / "nowhere.sqlite", "rounds", "dashboard")
    assert code == 2 and "请指定考核轮次：--round ROUND" in err
    code, _, err = run(capsys, "--db", tmp_path / "nowhere.sqlite", "report", "publicity", "--out", tmp_path / "x.pdf")
    assert code == 2 and "请指定考核轮次" in err


def test_two_different_rounds_are_refused(demo, capsys):
    code, _, err = run(capsys, "--db", demo[0], "rounds", "rate", "2024", "--round", "2025")
    assert code == 2 and "写了两个" in err and "2024" in err and "2025" in err


def _subparsers(parser, path=()):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _subparsers(sub, (*path, name))


def test_every_command_naming_a_round_takes_both_forms_with_chinese_help():
    named = []
    for path, parser in _subparsers(build_parser()):
        mentions = [a for a in parser._actions if re.match(r"round(_|$)", a.dest or "")
                    or "--round" in a.option_strings or a.metavar == "ROUND"]
        if not mentions:
            continue
        named.append(" ".join(path))
        dests = {a.dest: a for a in parser._actions}
        assert {"round_option", "round_positional"} <= set(dests), path
        assert dests["round_option"].option_strings == ["--round"], path
        assert all(re.search(HAN, a.help or "") for a in mentions), path
    assert {"rounds show", "rounds dashboard", "rounds rate", "rounds import-scores",
            "report publicity"} <= set(named)
