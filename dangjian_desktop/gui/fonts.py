"""The bundled CJK fonts for the Qt screens, so Chinese renders even where no CJK font is installed,
and rare characters in names (生僻字 in CJK Extension A and B–F, 王𪚥) render everywhere: the
rare-character fonts (reports.fonts.RARE_FONTS) come last in the application font's families,
and Qt falls back to them character by character."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from ..paths import resource

log = logging.getLogger(__name__)

BUNDLED_FONT_FILE = "WenQuanYiMicroHei-GB2312.ttf"
RARE_FONT_FILES = ("HanazonoRareHanA.ttf", "HanazonoRareHanB.ttf")

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
_rare_families: list[str] | None = None


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


def rare_families() -> list[str]:
    """Register the rare-character fonts with Qt (once) and return their family names."""
    global _rare_families
    if _rare_families is None:
        _rare_families = []
        for file_name in RARE_FONT_FILES:
            font_id = QFontDatabase.addApplicationFont(str(resource("fonts", file_name)))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if families:
                _rare_families.append(families[0])
            else:
                log.warning("rare-character font %s could not be loaded", file_name)
    return list(_rare_families)


def install_app_font(app: QApplication) -> str | None:
    """Add the bundled font as the last fallback family of the application font.

    The system UI font stays first (Latin text looks native); an installed Chinese UI font
    follows if there is one; then the bundled font, so hanzi always have a glyph; the
    rare-character fonts come last, for 生僻字 no other font has. Safe to call more than once.
    Returns the bundled family name.
    """
    family = bundled_family()
    if family is None:
        return None
    font = app.font()
    families = list(font.families()) or [font.family()]
    installed = set(QFontDatabase.families())
    rare = tuple(rare_families())
    for name in PREFERRED_CJK_FAMILIES + (family,) + rare:
        if name not in families and (name == family or name in rare or name in installed):
            families.append(name)
    font.setFamilies(families)
    app.setFont(font)
    return family
