"""The 台账 page on a copy of the demo town, for the GUI tests: opened with its first panel loaded,
and a panel shown and waited for."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import shiboken6
from PySide6.QtCore import QCoreApplication, QThreadPool

from dangjian_desktop.db import Database
from dangjian_desktop.gui.kit.operations import bus_for


@contextmanager
def ledgers_page(qtbot, path) -> Iterator:
    """The page on the database at `path`; afterwards its messages and dialogs closed, its
    background work done, the database closed."""
    from dangjian_desktop.gui.ledgers import LedgersPage

    db = Database.open(path)
    p = LedgersPage()
    qtbot.addWidget(p)
    p.resize(1366, 720)
    with qtbot.waitSignal(p.panels[0].loaded, timeout=20000):
        p.set_database(db)
        p.show()
    try:
        yield p
    finally:
        bus_for(db).wait_idle()
        for box in (p.current_message, getattr(p, "current_dialog", None)):
            if box is not None and shiboken6.isValid(box):
                box.close()
        p.set_database(None)
        QThreadPool.globalInstance().waitForDone(5000)
        QCoreApplication.processEvents()
        db.close()


def show_panel(qtbot, page, index: int):
    """Switch to the page's panel `index` and wait until it has loaded."""
    panel = page.panels[index]
    with qtbot.waitSignal(panel.loaded, timeout=20000):
        page.tabs.setCurrentIndex(index)
    return panel


def panel_named(qtbot, page, cls_name: str):
    """Show the panel of this class and wait until it has loaded."""
    return show_panel(qtbot, page, next(i for i, panel in enumerate(page.panels)
                                        if type(panel).__name__ == cls_name))
