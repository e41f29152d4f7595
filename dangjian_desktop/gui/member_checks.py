"""What the member dialog adds for members registered from real rosters: the 信息不全 note on
the member's own page, 民族 that may stay 未填, and ID numbers read as everywhere else (a
lower-case x, full-width digits), with the 18-digit form offered for an old 15-digit number
and a note when the region code is unknown."""

from __future__ import annotations

from html import escape
from typing import Any, Mapping

from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QWidget

from ..registry import codes, idcard
from ..registry.completeness import describe

MISSING_TEXT = "（未填）"
NOTE_STYLE = "color: #9c5700"


def add_missing_choice(combo: QComboBox) -> None:
    """Let a 民族 combo hold 未填 (codes.MISSING): shown as （未填）, first, never the default."""
    if combo.findData(codes.MISSING) < 0:
        keep = combo.currentIndex()
        combo.insertItem(0, MISSING_TEXT, codes.MISSING)
        combo.setCurrentIndex(keep + 1 if keep >= 0 else 0)


def incomplete_note(member: Mapping[str, Any] | None) -> str:
    """Rich text for the dialog's intro line: '信息不全：缺民族、学历，请补全', or ''."""
    text = describe(member) if member is not None else ""
    return f"<span style='{NOTE_STYLE}'><b>{escape(text)}</b></span>" if text else ""


def read_id_number(edit: QLineEdit, parent: QWidget | None = None, *, ask: bool = True) -> str:
    """Normalise the number in `edit` in place and return it; for an old 15-digit number ask
    whether to use its 18-digit form (filled in when the clerk agrees)."""
    idn = idcard.normalise(edit.text())
    if idn != edit.text():
        edit.setText(idn)
    new = idcard.upgrade(idn) if len(idn) == 15 else None
    # The question takes the focus, and the edit's editingFinished fires again: ask once, and
    # not again for a number the clerk chose to keep (saving then says why it is refused).
    if new and ask and not edit.property("askingUpgrade") and edit.property("keptOldNumber") != idn:
        edit.setProperty("askingUpgrade", True)
        try:
            answer = QMessageBox.question(
                parent, "15位旧身份证号",
                f"“{idn}”是15位的旧身份证号。\n改为18位新号码 {new} 吗？\n"
                "（在年份前加“19”，并补上校验位；请与本人身份证核对）",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        finally:
            edit.setProperty("askingUpgrade", False)
        if answer == QMessageBox.StandardButton.Yes:
            edit.setText(new)
            idn = new
        else:
            edit.setProperty("keptOldNumber", idn)
    return idn


def region_note(idn: str) -> str:
    """Rich text warning for a valid number whose county code is unknown (never a refusal)."""
    if len(idn) != 18 or idcard.problems(idn):
        return ""
    warning = idcard.region_warning(idn)
    return f"<span style='{NOTE_STYLE}'>{escape(warning)}</span>" if warning else ""
