"""Points and scores typed with a Chinese input method's full-width digits are taken as typed
(the field dropped them without a word, and the value already there was saved instead)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from dangjian_desktop.gui.score_spin import ScoreSpinBox

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("typed, value", [("１０", 10), ("－２．５", -2.5), ("３。５", 3.5)])
def test_full_width_digits_are_read_as_digits(qtbot, typed, value):
    spin = ScoreSpinBox()
    qtbot.addWidget(spin)
    spin.setDecimals(2)
    spin.setRange(-1000, 1000)
    spin.setSuffix(" 分")
    spin.setValue(2)
    spin.show()
    spin.lineEdit().selectAll()
    event = QInputMethodEvent()
    event.setCommitString(typed)
    QApplication.sendEvent(spin.lineEdit(), event)
    spin.interpretText()
    assert spin.value() == value
