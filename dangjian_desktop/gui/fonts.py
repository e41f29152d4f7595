"""The bundled CJK font for the Qt screens, so Chinese renders even where no CJK font is installed."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from ..paths import resource

log = logging.getLogger(__name__)

BUNDLED_FONT_FILE = "WenQuanYiMicroHei-GB2312.ttf"

# Installed Chinese UI fonts look better than the bundled one; they come first when present.
PREFERRED_CJK_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)

_bundled_family: str | None = None


def bundled_family() -> str | None:
    """Register the bundled font with Qt (once) and return its family name; None if it failed."""
    global _bundled_family
    if _bundled_family is None:
        font_id = QFontDatabase.addApplicationFont(str(resource("fonts", BUNDLED_FONT_FILE)))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            log.warning("bundled font %s could not be loaded", BUNDLED_FONT_FILE)
            return None
        _bundled_family = families[0]
    return _bundled_family


def install_app_font(app: QApplication) -> str | None:
    """Add the bundled font as the last fallback family of the application font.

    The system UI font stays first (Latin text looks native); an installed Chinese UI font
    follows if there is one; the bundled font comes last, so hanzi always have a glyph.
    Safe to call more than once. Returns the bundled family name.
    """
    family = bundled_family()
    if family is None:
        return None
    font = app.font()
    families = list(font.families()) or [font.family()]
    installed = set(QFontDatabase.families())
    for name in PREFERRED_CJK_FAMILIES + (family,):
        if name not in families and (name == family or name in installed):
            families.append(name)
    font.setFamilies(families)
    app.setFont(font)
    return family
