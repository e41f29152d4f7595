"""Tab in tables: it moves on to the next control, except in a table the clerk types into.

Qt's tables walk their cells with Tab and start again at the first cell after the last, so Tab
(and Shift+Tab, and Ctrl+Tab) never leave a table: a clerk working from the keyboard who tabbed
into the member table, a results table or any list in a dialog was stuck there. A table read and
picked from (typing does not start editing) passes Tab on as any other control does; the arrow keys
move in it. A table typed into like a sheet of paper (editing starts on any key, as in the
考核表) keeps Tab for the next cell, as does a view with the property ``tabWalksCells`` set.

The rule is applied when a view gets the focus, the only time Tab reaches it, through the
application's focusChanged signal: no event filter sees every event of the program.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

TYPED_INTO = QAbstractItemView.EditTrigger.AnyKeyPressed


def walks_cells(view: QAbstractItemView) -> bool:
    """Whether Tab should stay in the view, moving to its next cell."""
    return bool(view.property("tabWalksCells")) or bool(view.editTriggers() & TYPED_INTO)


def apply(widget: QWidget | None) -> None:
    """The rule for the widget given the focus: a view (or the viewport of one)."""
    view = widget
    while view is not None and not isinstance(view, QAbstractItemView):
        parent = view.parentWidget()
        view = parent if isinstance(parent, QAbstractItemView) and view is parent.viewport() else None
    if view is not None and view.tabKeyNavigation() and not walks_cells(view):
        view.setTabKeyNavigation(False)


class _TabKeyRule(QObject):
    def __init__(self, app: QApplication):
        super().__init__(app)
        self.setObjectName("tabKeyRule")
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        apply(new)


def ensure_installed() -> None:
    """Install the rule once per application."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    rule = app.findChild(_TabKeyRule, "tabKeyRule")
    if rule is None or not shiboken6.isValid(rule):
        _TabKeyRule(app)


__all__ = ["apply", "ensure_installed", "walks_cells"]
