"""Alt+letter: the menus' letters (文件 F, 编辑 E, 帮助 H) open their menus from every page, and
no two things shown at once on a page answer the same Alt+letter (Qt would only move between
them). Buttons, check boxes, labels of fields and tab titles are looked at as the clerk sees them."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabBar, QWidget

from dangjian_desktop.gui.main_window import MainWindow

pytestmark = pytest.mark.gui

_LETTER = re.compile(r"&([^&])")


def _letter(text: str) -> str | None:
    m = _LETTER.search(text.replace("&&", ""))
    return m[1].upper() if m else None


def _shown_letters(root: QWidget) -> dict[str, list[str]]:
    """Alt letters of every widget shown under `root`, with the texts that carry them."""
    out: dict[str, list[str]] = {}

    def add(text: str) -> None:
        letter = _letter(text)
        if letter:
            out.setdefault(letter, []).append(text)

    for w in root.findChildren(QWidget):
        if not w.isVisible() or w.window() is not root.window():
            continue
        if isinstance(w, QAbstractButton):
            add(w.text())
        elif isinstance(w, QLabel) and w.buddy() is not None:
            add(w.text())
        elif isinstance(w, QGroupBox):
            add(w.title())
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i):
                    add(w.tabText(i))
    return out


@pytest.fixture
def window(qtbot, tmp_path, demo_town):
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    assert w.open_database(demo_town)
    yield w
    w.close_database()


def test_no_page_takes_a_menus_letter_or_shares_one(window, qtbot):
    menus = {_letter(a.text()) for a in window.menuBar().actions()} - {None}
    assert {"F", "E", "H"} <= menus
    problems = []
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        page = window.tabs.widget(i)
        subtabs = [t for t in page.findChildren(QTabBar) if t.isVisible()] or [None]
        for bar in subtabs:
            for j in range(bar.count() if bar is not None else 1):
                if bar is not None:
                    bar.setCurrentIndex(j)
                qtbot.wait(10)
                letters = _shown_letters(window.tabs)
                where = window.tabs.tabText(i) + (f" / {bar.tabText(j)}" if bar is not None else "")
                for letter, texts in letters.items():
                    if letter in menus:
                        problems.append(f"{where}: {texts} take Alt+{letter} from the menu bar")
                    elif len(texts) > 1:
                        problems.append(f"{where}: {texts} share Alt+{letter}")
    assert not problems, "\n".join(sorted(set(problems)))
