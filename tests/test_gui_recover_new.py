"""用县里的恢复数据包重建数据库 (File menu): a town's new computer gets its database back from the
county's recovery file and code through the window, and opens it."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from dangjian_desktop.db import Database
from dangjian_desktop.gui.main_window import MainWindow
from dangjian_desktop.gui.recover_new import code_digits

from exchange_util import county_with_towns, dj

pytestmark = pytest.mark.gui


@pytest.fixture
def recovery(tmp_path):
    """A county that received 甲镇's data, its recovery file for 甲镇 and the code."""
    county, towns = county_with_towns(tmp_path, ["甲镇"])
    dj("--db", towns["甲镇"], "exchange", "export", "--out", tmp_path / "p1")
    dj("--db", county, "exchange", "import", tmp_path / "p1")
    out = dj("--db", county, "exchange", "invite", "--town", "甲镇", "--recovery", "--out", tmp_path / "rec.djx").stdout
    code = re.search(r"恢复码：(\d{4}-\d{4}-\d{4})", out).group(1)
    with Database.open(towns["甲镇"], mode="read") as db:
        members = db.scalar("SELECT count(*) FROM member")
    return tmp_path, tmp_path / "rec.djx", code, members


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close_database()


def _answers(monkeypatch, file, codes, target):
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(file), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    typed = iter(codes)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (next(typed), True))
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda _p, _t, text, *a, _k=kind, **k: said.append((_k, text)))
    return said


def test_a_town_rebuilds_its_database_from_the_recovery_file_through_the_window(window, recovery, monkeypatch):
    tmp, file, code, members = recovery
    wide = code.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))  # typed with a Chinese input method
    said = _answers(monkeypatch, file, ["1234", wide], tmp / "新电脑")
    window.action_recover_new.trigger()
    assert said[0][0] == "warning" and "应为12位数字" in said[0][1]  # a short code is asked again
    assert window.db is not None and window.db.path == tmp / "新电脑.sqlite"
    assert window.db.scalar("SELECT count(*) FROM member") == members
    kind, text = said[-1]
    assert kind == "information" and "本镇新的密钥指纹" in text and "文件 → 数据交换" in text


def test_a_wrong_code_is_told_and_nothing_is_made(window, recovery, monkeypatch):
    tmp, file, code, _members = recovery
    wrong = "0000-0000-0000" if code != "0000-0000-0000" else "1111-1111-1111"
    said = _answers(monkeypatch, file, [wrong], tmp / "新电脑.sqlite")
    window.action_recover_new.trigger()
    assert window.db is None and not (tmp / "新电脑.sqlite").exists()
    assert any("恢复码不对" in text for _kind, text in said)


def test_code_digits_reads_full_width_and_grouped_codes():
    assert code_digits("１２３４－５６７８－９０１２") == "123456789012"
    assert code_digits(" 1234 5678 9012 ") == "123456789012"


def test_the_core_reads_a_code_typed_in_full_width_digits():
    from dangjian_desktop.exchange.crypto import _code_key

    salt = b"s" * 16
    assert _code_key("１２３４－５６７８－９０１２", salt) == _code_key("1234-5678-9012", salt)
