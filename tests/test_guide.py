"""The user guide (使用说明): its pictures, the window it opens in from 帮助 → 使用说明 (F1), and the
script that rebuilds the pictures from the real program."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QSettings, QUrl

from dangjian_desktop.paths import resource

ROOT = Path(__file__).resolve().parent.parent
GUIDE = resource("guide")
SCRIPT = ROOT / "scripts" / "guide_screenshots.py"
MAX_WIDTH = 1000


def guide_html() -> str:
    return (GUIDE / "index.html").read_text(encoding="utf-8")


def referenced_images() -> set[str]:
    return set(re.findall(r'<img\s[^>]*src="images/([^"]+)"', guide_html()))


# ---- the files ---------------------------------------------------------------------------------

def test_every_picture_the_guide_shows_exists_and_every_picture_is_shown():
    shown = referenced_images()
    present = {p.name for p in (GUIDE / "images").iterdir()}
    assert shown, "the guide shows no pictures"
    assert shown - present == set(), "pictures the guide shows but the folder lacks"
    assert present - shown == set(), "pictures in the folder the guide does not show"


def test_pictures_are_small():
    sizes = {p.name: Image.open(p).size for p in (GUIDE / "images").glob("*.png")}
    assert all(w <= MAX_WIDTH for w, _h in sizes.values()), sizes
    total = sum(p.stat().st_size for p in (GUIDE / "images").iterdir())
    assert total < 3 * 1024 * 1024


def test_every_link_of_the_guide_has_its_anchor():
    from dangjian_desktop.gui.guide_window import TAB_SECTIONS

    html = guide_html()
    anchors = set(re.findall(r'<a name="([^"]+)"', html))
    links = set(re.findall(r'href="#([^"]+)"', html))
    assert links and links - anchors == set()
    assert set(TAB_SECTIONS.values()) - anchors == set()
    assert "toc" in anchors


def test_the_installation_carries_the_guide():
    """The wheel and the frozen bundle copy resources/ whole; the self-test's manifest lists each file."""
    from dangjian_desktop.selftest import build_manifest

    files = build_manifest(ROOT)["files"]
    wanted = {"resources/guide/index.html"} | {f"resources/guide/images/{n}" for n in referenced_images()}
    assert wanted - set(files) == set()


# ---- the window ----------------------------------------------------------------------------------

@pytest.fixture
def window(qtbot, tmp_path):
    from dangjian_desktop.gui.main_window import MainWindow

    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    yield w
    guide = getattr(w, "guide_window", None)
    if guide is not None:
        guide.close()
    w.close_database()


def help_action(window, text: str):
    for top in window.menuBar().actions():
        if top.text().startswith("帮助") and top.menu() is not None:
            for a in top.menu().actions():
                if a.text().startswith(text):
                    return a
    return None


def image_names(doc) -> list[str]:
    """The image names of the laid-out document, in order."""
    names = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                names.append(fmt.toImageFormat().name())
            it += 1
        block = block.next()
    return names


def top_block_text(browser) -> str:
    return browser.cursorForPosition(QPoint(30, 4)).block().text()


@pytest.mark.gui
def test_help_menu_opens_the_guide_with_its_pictures(qtbot, window):
    from dangjian_desktop.gui.guide_window import IMAGE_RESOURCE

    action = help_action(window, "使用说明")
    assert action is not None and action.shortcut().toString() == "F1"
    assert help_action(window, "关于") is not None
    action.trigger()
    guide = window.guide_window
    qtbot.waitUntil(guide.isVisible)
    browser = guide.browser
    text = browser.toPlainText()
    for heading in ("第一天", "年度考核", "党员积分和会议", "台账", "统计", "打印", "备份与恢复", "数据交换", "常见问题"):
        assert heading in text
    names = image_names(browser.document())
    assert sorted(Path(n).name for n in names) == sorted(referenced_images())
    for name in names:
        image = browser.document().resource(IMAGE_RESOURCE, QUrl(name))
        assert image is not None and not image.isNull() and image.width() > 100, name
    # One window: F1 again brings the same one forward.
    action.trigger()
    assert window.guide_window is guide


@pytest.mark.gui
def test_the_guide_fits_a_1366x768_laptop(qtbot, window):
    from PySide6.QtCore import QRect

    from dangjian_desktop.gui.guide_window import GuideWindow

    guide = GuideWindow()
    qtbot.addWidget(guide)

    class Laptop:  # a 1366×768 screen less a 40 px task bar
        def availableGeometry(self):
            return QRect(0, 0, 1366, 728)

    guide.screen = lambda: Laptop()
    size = guide.preferred_size()
    assert size.width() <= 1366 - 16 and size.height() <= 728 - 40
    assert size.width() >= 1000  # the pictures' full width still fits beside the margins


@pytest.mark.gui
def test_pictures_shrink_to_a_narrow_window_and_grow_back(qtbot, window):
    from dangjian_desktop.gui.guide_window import IMAGE_RESOURCE

    window.show_guide()
    guide = window.guide_window
    browser = guide.browser
    guide.resize(1120, 700)
    qtbot.waitUntil(lambda: browser.fitted_width == browser.image_room(), timeout=3000)
    name = next(n for n in image_names(browser.document()) if n.endswith("registry.png"))
    natural = Image.open(GUIDE / name).size[0]
    assert browser.document().resource(IMAGE_RESOURCE, QUrl(name)).width() == natural
    guide.resize(640, 600)
    qtbot.waitUntil(lambda: browser.fitted_width == browser.image_room(), timeout=3000)
    shown = browser.document().resource(IMAGE_RESOURCE, QUrl(name)).width()
    assert shown <= browser.image_room() < natural
    guide.resize(1120, 700)
    qtbot.waitUntil(lambda: browser.fitted_width == browser.image_room(), timeout=3000)
    assert browser.document().resource(IMAGE_RESOURCE, QUrl(name)).width() == natural


@pytest.mark.gui
def test_f1_opens_the_section_of_the_tab_showing(qtbot, window, db, db_path):
    db.close()
    window.open_database(db_path)
    window.tabs.setCurrentWidget(window.points_tab)
    window.action_guide.trigger()
    browser = window.guide_window.browser
    qtbot.waitUntil(lambda: "党员积分和会议" in top_block_text(browser), timeout=3000)
    window.tabs.setCurrentWidget(window.assessment_tab)
    window.action_guide.trigger()
    qtbot.waitUntil(lambda: "年度考核" in top_block_text(browser), timeout=3000)
    window.guide_window.home_button.click()
    qtbot.waitUntil(lambda: top_block_text(browser) == "目录", timeout=3000)


@pytest.mark.gui
def test_f1_on_the_ledgers_and_statistics_tabs_opens_their_chapters(qtbot, window, db, db_path):
    db.close()
    window.open_database(db_path)
    for tab, heading in ((window.ledgers_tab, "四、台账"), (window.statistics_tab, "五、统计")):
        window.tabs.setCurrentWidget(tab)
        window.action_guide.trigger()
        browser = window.guide_window.browser
        qtbot.waitUntil(lambda: top_block_text(browser).startswith(heading), timeout=3000)


@pytest.mark.gui
def test_find_in_the_guide(qtbot, window):
    window.show_guide()
    guide = window.guide_window
    guide.find_edit.setText("从其他文件恢复")
    assert guide.find_next()
    first = guide.browser.textCursor().position()
    assert guide.browser.textCursor().selectedText() == "从其他文件恢复"
    assert guide.find_next() and guide.browser.textCursor().position() > first
    while guide.browser.textCursor().position() > first:  # past the last one it starts at the top again
        assert guide.find_next()
    assert guide.browser.textCursor().position() == first
    guide.find_edit.setText("没有这样的文字")
    assert not guide.find_next()
    assert guide.find_status.text() == "没有找到"


def plain(text: str) -> str:
    """A menu, button or tab text as the guide writes it: no mnemonic, no count after it."""
    text = re.sub(r"\(&.\)|&(?=.)", "", text)
    return re.split(r"\s+[⚠(（]", text)[0].strip()


def ui_names(text: str | None = None) -> list[str]:
    import html

    return [html.unescape(re.sub(r"<[^>]+>", "", m)).strip()
            for m in re.findall(r'<span class="ui">(.*?)</span>', text or guide_html(), re.S)]


def section(anchor: str) -> str:
    """The guide's text from the anchor to the next heading."""
    html = guide_html()
    start = html.index(f'<a name="{anchor}">')
    end = html.find("<h", html.index("</h", start) + 3)
    return html[start:end]


@pytest.mark.gui
def test_every_button_of_the_welcome_page_is_in_the_guide(window):
    """The guide's first day lists what the welcome page offers (从备份恢复… was left out)."""
    names = set(ui_names(section("new-database")))
    buttons = [window.welcome.new_button, window.welcome.open_button, window.welcome.restore_button,
               window.welcome.demo_button]
    assert [b.text() for b in buttons if b.text() not in names] == []


@pytest.mark.gui
def test_the_menus_and_tabs_the_guide_names_are_in_the_window(qtbot, window, db, db_path):
    """文件 → …, 编辑 → …, 帮助 → … are menu items; 考核检查 → 考核轮次 and the like are pages of that tab."""
    from PySide6.QtWidgets import QTabWidget

    db.close()
    window.open_database(db_path)
    menus = {plain(top.text()): {plain(a.text()) for a in top.menu().actions() if a.text()}
             for top in window.menuBar().actions() if top.menu() is not None}
    tabs = {plain(window.tabs.tabText(i)): window.tabs.widget(i) for i in range(window.tabs.count())}
    wrong, checked = [], 0
    for name in ui_names():
        head, arrow, rest = name.partition(" → ")
        if not arrow or head.endswith("（"):
            continue
        if head in menus:
            checked += 1
            if plain(rest) not in menus[head] and plain(rest).rstrip("…") not in {m.rstrip("…") for m in menus[head]}:
                wrong.append(name)
        elif head in tabs:
            checked += 1
            window.tabs.setCurrentWidget(tabs[head])
            pages = {plain(t.tabText(i)) for t in tabs[head].findChildren(QTabWidget) for i in range(t.count())}
            if plain(rest) not in pages:
                wrong.append(name)
    assert checked >= 10 and wrong == []
    for i in range(window.tabs.count()):
        assert plain(window.tabs.tabText(i)) in guide_html()


# ---- the pictures are made by the script ----------------------------------------------------------

@pytest.mark.slow
def test_the_script_rebuilds_every_picture_from_the_program(tmp_path):
    out = tmp_path / "pictures"
    user_data = tmp_path / "the-users-own-data"
    env = {**os.environ, "DANGJIAN_DATA_DIR": str(user_data)}
    env.pop("QT_QPA_PLATFORM", None)  # the script sets the offscreen platform itself
    done = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=540)
    assert done.returncode == 0, done.stdout + done.stderr
    made = {p.name for p in out.glob("*.png")}
    assert made - referenced_images() == set(), "pictures the script makes but the guide does not show"
    assert referenced_images() - made == set(), "pictures the guide shows but the script no longer makes"
    stale = [name for name in sorted(made)
             if Image.open(out / name).size != Image.open(GUIDE / "images" / name).size]
    assert not stale, (f"the program's screens changed size since the guide's pictures were taken: {stale}; "
                       f"run scripts/guide_screenshots.py, look at the pictures and the text, commit them")
    assert not user_data.exists()  # the user's data folder was never touched
