"""Deferred loading of the main window's heavy pages while their tab is hidden.

The main window tells every page of a new database (`set_database`) and of each committed change
(`on_data_changed`). A page registered here hears them at once only while its tab is the current
one; while hidden it is marked stale instead (the database to open, the tables changed since), and
loads or refreshes when its tab is shown, or earlier when the window is idle (tab_preparer.py).
Closing a database (None) always reaches it at once, so no page keeps reading a database that is
about to close. A page never placed here loads at once, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QTabWidget, QWidget

NO_DATABASE = object()


@dataclass
class Stale:
    """What a hidden page has not heard yet."""

    db: object = NO_DATABASE  # a database opened meanwhile (it loads anew: the changes below are moot)
    changed: bool = False
    tables: set[str] | None = field(default_factory=set)  # None: anything may have changed


class LazyTabs(QObject):
    """Passes the database and its changes on to the pages of `tabs`; a hidden page gets them when shown."""

    def __init__(self, tabs: QTabWidget):
        super().__init__(tabs)
        self.tabs = tabs
        self.stale: dict[QWidget, Stale] = {}
        tabs.currentChanged.connect(self._shown)

    def add(self, page: QWidget, database_changed: SignalInstance, data_changed: SignalInstance) -> None:
        database_changed.connect(partial(self._database, page))
        data_changed.connect(partial(self._data, page))

    def is_stale(self, page: QWidget) -> bool:
        return page in self.stale

    def _showing(self, page: QWidget) -> bool:
        return self.tabs.currentWidget() is page

    def _database(self, page: QWidget, db) -> None:
        if db is None or self._showing(page):
            self.stale.pop(page, None)
            page.set_database(db)
            return
        if getattr(page, "db", None) is not None:
            page.set_database(None)  # nothing of another database stays (and is read) meanwhile
        self.stale[page] = Stale(db=db)

    def _data(self, page: QWidget, tables) -> None:
        st = self.stale.get(page)
        if st is not None and st.db is not NO_DATABASE:
            return  # it opens the database anew when shown
        if st is None and self._showing(page):
            page.on_data_changed(tables)
            return
        st = self.stale.setdefault(page, Stale())
        st.changed = True
        st.tables = None if not tables or st.tables is None else st.tables | set(tables)

    def _shown(self, index: int) -> None:
        self.prepare(self.tabs.widget(index))

    def prepare(self, page: QWidget) -> None:
        """The page hears now what it has not heard yet: when its tab is shown, or while it is
        hidden and the window idle (TabPreparer)."""
        st = self.stale.pop(page, None)
        if st is None:
            return
        if st.db is not NO_DATABASE:
            page.set_database(st.db)
        elif st.changed:
            page.on_data_changed(st.tables)
