"""A spin box for scores and points that writes its number as everywhere else: '2 分', '0.5 分',
never '2.00 分' (numbers.format_score). Designer forms name it ScoreSpinBox (see forms.load_form)."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox

from ..numbers import FULL_WIDTH, format_score


class ScoreSpinBox(QDoubleSpinBox):
    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt API
        return format_score(value, decimals=self.decimals())

    def validate(self, text: str, pos: int):  # noqa: D401 - Qt API
        """Full-width digits typed with an input method are taken as digits (they were dropped
        without a word, and the value already there saved instead)."""
        return super().validate(text.translate(FULL_WIDTH), pos)

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt API
        return super().valueFromText(text.translate(FULL_WIDTH))
