"""Qt Designer forms from ui/, loaded at run time (works from a checkout, a wheel and the frozen bundle)."""

from __future__ import annotations

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QVBoxLayout, QWidget

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
