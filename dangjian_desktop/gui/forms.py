"""Qt Designer forms from ui/, loaded at run time (works from a checkout, a wheel and the frozen bundle)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QFile, QIODevice, QTimer
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from ..paths import ui_file
from .score_spin import ScoreSpinBox


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    """Load `ui/<name>` and return its top widget; when a parent is given the form fills it."""
    path = ui_file(name)
    f = QFile(str(path))
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"form not found: {path}")
    try:
        loader = QUiLoader()
        loader.registerCustomWidget(ScoreSpinBox)  # score and points fields: '2 分', not '2.00 分'
        widget = loader.load(f, parent)
    finally:
        f.close()
    if widget is None:
        raise RuntimeError(f"cannot load form {path}: {loader.errorString()}")
    if parent is not None and parent.layout() is None:
        layout = QVBoxLayout(parent)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
    return widget


def load_dialog(name: str, parent: QWidget | None) -> QDialog:
    """Load `ui/<name>` (its top widget a QDialog) as a dialog window of `parent`. Whoever opens it
    deletes it after it closed with release() (common.open_dialog does)."""
    dialog = load_form(name)
    dialog.setParent(parent, dialog.windowFlags())
    return dialog


def release(widget: QWidget | None) -> None:
    """Delete a loaded form's top widget (a closed dialog) soon, letting go of it on the Python side.

    A widget that QUiLoader made and Python gave a parent is held by the parent's wrapper, and it
    holds a wrapper of every child the loader set as its attribute. Deleting it on the C++ side
    alone (deleteLater) leaves all of them behind as dead wrappers under the parent, about a hundred
    per dialog, for as long as the page lives. Taking the parent away from Python (setParent(None))
    drops that hold. Both happen once control is back in the event loop, so that whatever the
    closing set off (`finished`, `saved`) still finds the dialog as it was. Call this instead of
    deleteLater on such a widget (a deleteLater first would delete it with the hold still there).
    """
    if widget is None or not shiboken6.isValid(widget):
        return
    QTimer.singleShot(0, lambda: _delete(widget))


def _delete(widget: QWidget) -> None:
    if shiboken6.isValid(widget):  # not deleted meanwhile with its parent
        widget.hide()
        widget.setParent(None)
        widget.deleteLater()
