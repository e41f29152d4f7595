"""The `dangjian` command: init, demo, stats, warnings, verify and its Chinese errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dangjian_desktop.cli import main


def run(*args):
    """Run the CLI in a subprocess, as a clerk would."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "dangjian_desktop.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.fixture
def town_db(demo_town):
    """文城镇 after `dangjian init` and `dangjian demo --seed 7` (built once per test process: conftest)."""
    return demo_town


def test_init_creates_the_database_and_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "a.sqlite"
    assert main(["--db", str(path), "init", "--name", "文城镇", "--level", "town"]) == 0
    assert path.exists()
    assert main(["--db", str(path), "init", "--name", "别的镇", "--level", "town"]) != 0
    assert "已存在" in capsys.readouterr().err


def test_stats_json_has_integer_counts(town_db, capsys):
    assert main(["--db", str(town_db), "stats", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["offices"] == 1 and s["branches"] >= 20 and s["members"] > 500
    assert all(isinstance(s[k], int) for k in ("offices", "branches", "members"))


def test_warnings_json_lists_the_planted_problems(town_db, capsys):
    assert main(["--db", str(town_db), "warnings", "--json"]) == 0
    ws = json.loads(capsys.readouterr().out)
    found = {w["code"] for w in ws}
    assert {"secretary_vacant", "committee_too_large", "too_few_members", "probation_overdue",
            "lost_contact"} <= found
    assert all(w["message"] and w["label"] for w in ws)


def test_verify_passes_on_a_sound_database(town_db, capsys):
    assert main(["--db", str(town_db), "verify"]) == 0
    assert "完好" in capsys.readouterr().out


def test_verify_fails_on_a_tampered_database(town_db, capsys):
    import sqlite3

    c = sqlite3.connect(town_db)
    c.execute('DROP TRIGGER "audit_member_upd"')
    c.execute("UPDATE member SET name = '篡改', rev = rev + 1 WHERE rowid = 1")
    c.commit()
    c.close()
    assert main(["--db", str(town_db), "verify"]) == 1
    assert "不一致" in capsys.readouterr().out


def test_county_demo_creates_several_towns(tmp_path, capsys):
    path = tmp_path / "county.sqlite"
    main(["--db", str(path), "init", "--name", "示范县", "--level", "county"])
    assert main(["--db", str(path), "demo", "--towns", "2", "--seed", "1"]) == 0
    capsys.readouterr()
    main(["--db", str(path), "stats", "--json"])
    s = json.loads(capsys.readouterr().out)
    assert s["offices"] == 3 and s["towns"] == 2


@pytest.mark.parametrize("args, fragment", [
    (["stats", "--json"], "找不到数据库文件"),
    (["init", "--name", "x"], "缺少必需的参数"),
    (["init", "--name", "x", "--level", "city"], "无效的选项"),
    (["demo", "--towns", "many"], "无效的值"),
    (["no-such-command"], "无效的选项"),
])
def test_user_errors_are_chinese_without_traceback(tmp_path, args, fragment):
    r = run("--db", str(tmp_path / "missing.sqlite"), *args)
    assert r.returncode != 0
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_demo_refuses_a_database_that_has_data(town_db, capsys):
    assert main(["--db", str(town_db), "demo"]) != 0
    assert "已有组织或党员" in capsys.readouterr().err


def test_cli_works_where_pyside6_cannot_be_imported(tmp_path):
    code = ("import sys; sys.modules['PySide6'] = None; from dangjian_desktop.cli import main; "
            f"sys.exit(main(['--db', {str(tmp_path / 'q.sqlite')!r}, 'init', '--name', '文城镇', '--level', 'town']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    r = run("--db", str(tmp_path / "q.sqlite"), "stats", "--json")
    assert json.loads(r.stdout)["offices"] == 1


def test_settings_set_and_list(town_db, capsys):
    assert main(["--db", str(town_db), "settings", "set", "publicity_contact_phone", "0898-63331234"]) == 0
    capsys.readouterr()
    assert main(["--db", str(town_db), "settings", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["publicity_contact_phone"] == "0898-63331234"


def test_unknown_setting_is_refused_in_chinese(town_db, capsys):
    assert main(["--db", str(town_db), "settings", "set", "colour", "red"]) != 0
    assert "没有设置项" in capsys.readouterr().err


def test_demo_office_can_print_its_publicity_sheet_at_once(town_db, tmp_path, capsys):
    out = tmp_path / "公示.pdf"
    year = json.loads((main(["--db", str(town_db), "rounds", "list", "--json"]), capsys.readouterr().out)[1])
    done = [r["year"] for r in year if r["state"] == "确定"]
    assert main(["--db", str(town_db), "report", "publicity", "--round", str(max(done)), "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize("args, wanted", [
    (["report", "publicity", "2025", "--out", "{tmp}/公示.xlsx"], ".pdf"),
    (["report", "members", "--year", "2025", "--branch", "任意", "--out", "{tmp}/公示.xlsx"], ".pdf"),
    (["dues", "export", "--year", "2025", "--out", "{tmp}/党费.csv"], ".xlsx"),
    (["points", "export", "{tmp}/积分.csv", "--year", "2025"], ".xlsx"),
])
def test_a_file_named_for_another_kind_is_refused_before_anything_is_written(town_db, tmp_path, capsys, args, wanted):
    out = tmp_path / "out"
    out.mkdir()
    args = [a.replace("{tmp}", str(out)) for a in args]
    assert main(["--db", str(town_db), *args]) == 1
    assert f"请保存为 {wanted} 文件" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == []


def test_usage_errors_name_arguments_in_chinese(capsys):
    with pytest.raises(SystemExit) as e:
        main(["settings", "set"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "缺少必需的参数：设置项, 新的值" in err and "key" not in err and "value" not in err
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "显示版本号并退出" in capsys.readouterr().out


def test_the_window_commands_usage_errors_are_chinese_too():
    r = subprocess.run([sys.executable, "-m", "dangjian_desktop", "--no-such-option"], capture_output=True,
                       text=True, encoding="utf-8", env=dict(os.environ, PYTHONIOENCODING="utf-8"), timeout=60)
    assert r.returncode == 2 and "无法识别的参数：--no-such-option" in r.stderr and "usage" not in r.stderr


def test_an_unreadable_notice_or_scheme_file_is_told_in_chinese(town_db, tmp_path, capsys):
    notice = tmp_path / "通知.docx"
    notice.write_bytes(b"PK\x03\x04\xff\xfe not text")
    assert main(["--db", str(town_db), "rounds", "holidays", "--notice", str(notice)]) == 1
    err = capsys.readouterr().err
    assert "不是 UTF-8 编码的文本文件" in err and "codec" not in err
    broken = tmp_path / "方案.json"
    broken.write_text("{bad", encoding="utf-8")
    assert main(["schemes", "validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "第 1 行第 2 个字符处格式有误" in err and "Expecting" not in err


@pytest.mark.parametrize("key, value, told", [
    ("publicity_contact_phone", "abc", "异议受理电话不是电话号码"),
    ("publicity_contact_phone", "打电话找老王", "异议受理电话不是电话号码"),
    ("publicity_issuer", "党委" * 40, "公示发布单位（落款）最多60个字"),
])
def test_a_printed_setting_of_the_wrong_form_is_refused(town_db, capsys, key, value, told):
    assert main(["--db", str(town_db), "settings", "set", key, value]) != 0
    assert told in capsys.readouterr().err


@pytest.mark.parametrize("value", ["12380", "0359-7123456", "0359-7123456转801", "（0359）7123456"])
def test_printed_phones_of_every_usual_form_are_kept(town_db, capsys, value):
    assert main(["--db", str(town_db), "settings", "set", "publicity_contact_phone", value]) == 0


def test_a_failed_init_leaves_nothing_beside_it(tmp_path, capsys):
    path = tmp_path / "新.sqlite"
    assert main(["--db", str(path), "init", "--name", "", "--level", "town"]) != 0
    assert list(tmp_path.iterdir()) == []  # no database, no journal, no lock file of no database
