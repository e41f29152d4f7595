"""Long commands (roster import and export, the dues register, a ledger printed, verify, a backup
and a restore) tell how far they got on standard error when it is a terminal, and say nothing
more to a script reading it."""

from __future__ import annotations

import io
import sqlite3

import pytest

from dangjian_desktop.cli import main
from dangjian_desktop.commands._common import tty_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def town_db(demo_town):
    return demo_town


def test_nothing_is_told_to_a_script(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert tty_progress("正在导出……") is None


def test_a_terminal_sees_the_percentage_once_per_step_and_the_steps_of_unknown_length(monkeypatch):
    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    show = tty_progress("正在保存……")
    for done in (0, 1, 2, 50, 100):
        show(done, 100)
    show(0, 0, "已排好 1 页")
    show(0, 0, "已排好 1 页")
    lines = err.getvalue().split("\r")[1:]
    assert [line.replace("\x1b[K", "") for line in lines] == [
        "正在保存…… 0%", "正在保存…… 1%", "正在保存…… 2%", "正在保存…… 50%", "正在保存…… 100%\n", "正在保存…… 已排好 1 页"]


@pytest.mark.parametrize("command, said", [
    (["roster", "export", "{tmp}/花名册.xlsx"], "正在导出…… 100%"),
    (["dues", "export", "--year", "{year}", "--out", "{tmp}/党费.xlsx"], "正在导出……"),
    (["ledger", "print", "training", "--year", "{year}", "--out", "{tmp}/培训.pdf"], "已排好 1 页"),
    (["verify"], "正在检查…… 100%"),
    (["backup", "--to", "{tmp}/备份"], "正在备份……"),
])
def test_the_long_commands_tell_a_terminal(town_db, tmp_path, monkeypatch, capsys, command, said):
    with sqlite3.connect(town_db) as conn:  # the demo's year of training (and of dues)
        year = conn.execute("SELECT max(substr(date, 1, 4)) FROM training_record").fetchone()[0]
    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    assert main(["--db", str(town_db), *[c.format(tmp=tmp_path, year=year) for c in command]]) == 0
    assert said in err.getvalue()


def test_a_restore_tells_a_terminal(town_db, tmp_path, monkeypatch, capsys):
    assert main(["--db", str(town_db), "backup", "--to", str(tmp_path / "备份")]) == 0
    backup = next((tmp_path / "备份").iterdir())
    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    assert main(["--db", str(town_db), "restore", str(backup), "--yes"]) == 0
    assert "正在恢复……" in err.getvalue()
