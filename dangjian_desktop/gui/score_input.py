"""What may be typed into a score cell, shared by the sheet editor and the adjustment dialog."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QValidator

from .kit.formatting import format_score as fmt_score

_DIGITS_ONE_DECIMAL = "0123456789."
# A Chinese input method may type full-width digits and 。 for the decimal point; the core accepts them.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．。", "0123456789..")


class ScoreValidator(QValidator):
    """What may be typed into a score cell: blank, or 0 … max with at most one decimal.

    A keystroke that would make the number exceed the item's maximum is refused (Invalid),
    so it never appears in the cell. Yes-no items take 0, 1 or their maximum.
    """

    def __init__(self, maximum: float | int | None, *, yesno: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.maximum = maximum
        self.yesno = yesno

    def validate(self, text: str, pos: int):  # noqa: D401 - Qt API
        t = text.strip().translate(_FULLWIDTH)
        if t == "":
            return QValidator.State.Acceptable
        if any(ch not in _DIGITS_ONE_DECIMAL for ch in t) or t.count(".") > 1:
            return QValidator.State.Invalid
        whole, _, frac = t.partition(".")
        if len(frac) > 1:
            return QValidator.State.Invalid
        if t == ".":
            return QValidator.State.Intermediate
        value = float(t)
        if self.maximum is not None and value > float(self.maximum):
            return QValidator.State.Invalid
        if self.yesno:
            allowed = {0.0, 1.0} | ({float(self.maximum)} if self.maximum is not None else set())
            if value in allowed and not t.endswith("."):
                return QValidator.State.Acceptable
            if any(str(fmt_score(a)).startswith(t.rstrip(".")) for a in allowed):
                return QValidator.State.Intermediate
            return QValidator.State.Invalid
        if t.endswith("."):
            return QValidator.State.Intermediate
        return QValidator.State.Acceptable
