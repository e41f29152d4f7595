"""Windows fit a town laptop's screen: the main window and every dialog on 1366×768, 1280×720 and
1920×1080 at 150 % (offscreen screens, one process each); sizes remembered and clamped; a dialog
taller than the screen scrolls its content while its error line and buttons stay visible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

pytestmark = pytest.mark.gui

HERE = Path(__file__).resolve().parent
SCREENS = {  # pixels and dots per inch (144: 150 % scaling, 1920×1080 pixels are 1280×720 to the program)
    "1366x768": (1366, 768, 96),
    "1280x720": (1280, 720, 96),
    "1920x1080@150%": (1920, 1080, 144),
}
BIG = "1920x1080"
DIALOGS = 34  # every dialog and window screen_fit_check.dialogs() opens


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from dangjian_desktop.db import Database
    from dangjian_desktop.demo import generate
    from dangjian_desktop.registry import init_office

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = Database.create(path)
    try:
        init_office(db, name="演示镇", level="town")
        generate(db, seed=1)
    finally:
        db.close()
    return path


def screen_env(tmp_path: Path, name: str) -> dict[str, str]:
    width, height, dpi = SCREENS.get(name, (1920, 1080, 96))
    config = tmp_path / f"screen-{width}x{height}-{dpi}.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": dpi, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    return env


def run_on_screen(tmp_path: Path, name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=screen_env(tmp_path, name), cwd=HERE.parent,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_main_window_and_every_dialog_fit_the_screen(tmp_path, demo_db, screen):
    db = tmp_path / "copy.sqlite"
    db.write_bytes(demo_db.read_bytes())  # the dialogs are opened on a copy
    out = tmp_path / "out.json"
    done = run_on_screen(tmp_path, screen, str(HERE / "screen_fit_check.py"), str(db),
                         str(tmp_path / "settings.ini"), str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    width, _height, dpi = SCREENS[screen]
    assert report["screen"][0] == width * 96 // dpi
    assert len(report["checked"]) == DIALOGS + 1, report["checked"]
    assert report["problems"] == []
    if screen == "1366x768":  # maximised on a town laptop, the member table shows a useful page
        assert report["member_rows"] >= 12


RESTORE = """
import sys
from PySide6.QtCore import QRect, QSettings
from dangjian_desktop.gui.app import create_app
from dangjian_desktop.gui.main_window import MainWindow
from dangjian_desktop.gui.screen_fit import fits
app = create_app()
settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)
w = MainWindow(settings=settings)
w.show(); app.processEvents()
print(w.isMaximized(), fits(w), w.width(), w.height())
if len(sys.argv) > 2:
    w.showNormal(); app.processEvents()
    w.setGeometry(QRect(40, 30, int(sys.argv[2]), int(sys.argv[3]))); app.processEvents()
w.close()
"""


def test_main_window_remembers_its_geometry_and_clamps_it_to_a_smaller_screen(tmp_path):
    ini = str(tmp_path / "settings.ini")
    # First start on a large screen: the preferred size fits, not maximised; the user makes it bigger.
    first = run_on_screen(tmp_path, "1920x1080@150%", "-c", RESTORE, ini)
    assert first.stdout.split()[:2] == ["True", "True"]  # 1280×720 logical: too small for 1280×800
    done = run_on_screen(tmp_path, BIG, "-c", RESTORE, ini, "1700", "950")
    assert done.returncode == 0, done.stderr[-2000:]
    assert QSettings(ini, QSettings.Format.IniFormat).value("mainWindow/geometry") is not None
    # Same screen again: the user's size comes back.
    again = run_on_screen(tmp_path, BIG, "-c", RESTORE, ini)
    assert again.stdout.split() == ["False", "True", "1700", "950"], again.stderr[-2000:]
    # On the laptop the remembered 1700×950 is clamped to the screen.
    small = run_on_screen(tmp_path, "1366x768", "-c", RESTORE, ini)
    maximised, fit, width, height = small.stdout.split()
    assert (maximised, fit) == ("False", "True"), small.stderr[-2000:]
    assert int(width) <= 1366 and int(height) <= 768


def test_a_dialog_remembers_the_size_the_user_gave_it(qtbot, tmp_path):
    from dangjian_desktop.gui.screen_fit import fit_to_screen

    host = QWidget()
    host.settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    qtbot.addWidget(host)

    def dialog() -> QDialog:
        d = QDialog(host)
        d.setObjectName("SampleDialog")
        QVBoxLayout(d).addWidget(QLabel("内容"))
        fit_to_screen(d, 400, 300)
        return d

    d = dialog()
    d.show()
    assert (d.width(), d.height()) == (400, 300)
    d.resize(520, 360)  # the user drags it bigger
    d.hide()
    assert host.settings.value("windows/SampleDialog") == "520x360"
    d2 = dialog()
    d2.show()
    assert (d2.width(), d2.height()) == (520, 360)
    d2.hide()
    host.settings.setValue("windows/SampleDialog", "5000x4000")  # remembered on a bigger screen
    d3 = dialog()
    d3.show()
    avail = d3.screen().availableGeometry()
    assert avail.contains(d3.frameGeometry())
    d3.hide()


def test_a_dialog_taller_than_the_screen_scrolls_but_keeps_its_error_line_and_buttons(qtbot):
    from dangjian_desktop.gui.screen_fit import fit_to_screen

    d = QDialog()
    qtbot.addWidget(d)
    lay = QVBoxLayout(d)
    tall = QWidget()
    tall.setMinimumHeight(d.screen().availableGeometry().height() + 400)
    lay.addWidget(tall)
    error = QLabel()
    error.setObjectName("formError")
    error.setWordWrap(True)
    lay.addWidget(error)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    buttons.setObjectName("buttonBox")
    lay.addWidget(buttons)
    fit_to_screen(d)
    d.show()
    error.setText("身份证号：校验位不对，请核对最后一位。")
    error.setVisible(True)
    qtbot.waitUntil(lambda: d.screen().availableGeometry().contains(d.frameGeometry()))
    for w in (error, buttons):
        assert w.isVisible()
        assert d.rect().contains(w.geometry()), w.objectName()
        assert w.parentWidget() is d  # outside the scrolled part
    assert tall.parentWidget().objectName() == "scrolledBody"
    assert d.height() >= d.minimumSizeHint().height()


def test_restored_geometry_bytes_are_used(qtbot, tmp_path):
    """The main window stores saveGeometry() (not just a size), so a maximised window comes back so."""
    from dangjian_desktop.gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    w.showMaximized()
    w.close()
    saved = settings.value("mainWindow/geometry")
    assert isinstance(saved, QByteArray) and len(saved) > 0
    w2 = MainWindow(settings=settings)
    qtbot.addWidget(w2)
    w2.show()
    assert w2.isMaximized()
    w2.close()


def test_a_window_torn_down_after_its_filter_was_cleared_raises_nothing(qtbot):
    """Python's collector may clear the fitting filter's attributes (it and its window form a cycle)
    while the window still sends events on its way out: they must pass, not raise in the event loop."""
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QDialog

    from dangjian_desktop.gui.screen_fit import fit_to_screen

    dlg = QDialog()
    qtbot.addWidget(dlg)
    fit_to_screen(dlg, 300, 200)
    dlg.findChild(QObject, "screenFit").__dict__.clear()  # what the collector's clearing leaves
    dlg.show()
    dlg.hide()
