"""The colours of the program, defined once.

Each colour exists as hex text (for style sheets and rich text: ``f"color: {RED_HEX};"``) and as a
QColor (for models' ForegroundRole / BackgroundRole). Foreground colours keep a contrast of at least
4.5:1 on white, so the muted grey is #666666 (the #8a8a8a used before for inactive rows was 3.5:1).
"""

from __future__ import annotations

from PySide6.QtGui import QColor

# ---- text
RED_HEX = "#c62828"  # errors, vetoes, overdue, deductions, what is missing
AMBER_HEX = "#b26a00"  # warnings: due soon, quota exceeded, on leave
GREEN_HEX = "#2e7d32"  # done, saved, points added, rising
GREY_HEX = "#666666"  # muted: inactive members, disabled items, no change
HINT_HEX = "#555555"  # explanatory lines under a table or a form
STAR_GOLD_HEX = "#c98a00"  # the stars of a star rating

# ---- backgrounds
LIGHT_RED_HEX = "#fde0e0"
LIGHT_AMBER_HEX = "#fff3d6"
LIGHT_GREY_HEX = "#eeeeee"  # locked cells
SECTION_BG_HEX = "#e8eef7"  # section rows of a checklist
HEADER_BG_HEX = "#d9e1f2"  # a highlighted header cell

RED = QColor(RED_HEX)
AMBER = QColor(AMBER_HEX)
GREEN = QColor(GREEN_HEX)
GREY = QColor(GREY_HEX)
HINT = QColor(HINT_HEX)
STAR_GOLD = QColor(STAR_GOLD_HEX)
LIGHT_RED = QColor(LIGHT_RED_HEX)
LIGHT_AMBER = QColor(LIGHT_AMBER_HEX)
LIGHT_GREY = QColor(LIGHT_GREY_HEX)
SECTION_BG = QColor(SECTION_BG_HEX)
HEADER_BG = QColor(HEADER_BG_HEX)


def css(hex_color: str) -> str:
    """A style sheet that colours a label's text: css(RED_HEX) -> 'color: #c62828;'."""
    return f"color: {hex_color};"
