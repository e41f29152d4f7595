"""The pinned Qt binding must not leak references to None (PySide6 6.12.0 on Python < 3.12 did:
every void Qt call dropped one, and the app aborted after a few thousand calls)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.gui


def test_void_qt_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20000):
        label.setText("党建")
    # Other code may take or drop a few references meanwhile; a leak would be ~20,000.
    assert abs(sys.getrefcount(None) - before) < 1000


def test_qtpdf_is_available_for_the_publicity_preview():
    from PySide6.QtPdf import QPdfDocument  # noqa: F401
    from PySide6.QtPdfWidgets import QPdfView  # noqa: F401
