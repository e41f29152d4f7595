"""Starting the GUI: QApplication with Chinese translations, the bundled font, the icon."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .. import APP_TITLE
from ..paths import resource

log = logging.getLogger(__name__)


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("dangjian-desktop")
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName("dangjian-desktop")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    _install_translations(app)
    from .kit import collector

    collector.ensure_installed()  # Python's garbage collection on the GUI thread only
    try:
        from .fonts import install_app_font

        install_app_font(app)
    except ImportError:
        pass
    icon = resource("icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def _install_translations(app: QApplication) -> None:
    """Standard dialogs (file dialogs, message boxes) in Chinese: Qt's own zh_CN catalogues."""
    from .qt_zh import SupplementTranslator

    if app.findChild(SupplementTranslator):
        return  # create_app called again (tests): installed once
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)), resource("translations")]
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        for d in dirs:
            tr = QTranslator(app)
            if tr.load(name, str(d)):
                app.installTranslator(tr)
                break
        else:
            log.warning("Qt's %s catalogue not found in %s: standard dialogs stay in English", name, dirs)
    # Last installed, first asked: the strings Qt's own catalogue leaves in English.
    app.installTranslator(SupplementTranslator(app))


def start_window(db_path: Path | None):
    """The main window the program starts with: the database asked for, else the one used last.

    When the one used last is not there (on a USB stick not plugged in, moved, renamed), the
    welcome page says so and where it was: the clerk is not led to make a new, empty one instead."""
    from ..paths import default_db_path
    from .main_window import MainWindow

    missing = None
    if db_path is None:
        remembered = MainWindow.last_db_setting()
        last = Path(remembered or default_db_path())
        if last.exists():
            db_path = last
        elif remembered:
            missing = last
    win = MainWindow(db_path)
    if missing is not None:
        win.welcome.show_missing(missing)
    return win


def run(db_path: Path | None) -> int:
    app = create_app()
    win = start_window(db_path)
    win.show()
    return app.exec()
