"""Fonts for PDFs: the bundled CJK font, a user-chosen installed font, per-character fallback.

Every character printed must have a glyph. Text is set in the *primary* font (the one the
user chose in settings, e.g. 仿宋 simfang.ttf, or the bundled font); a character the primary
font lacks is set in the bundled font instead; a rare character (生僻字) neither has — CJK
Extension A, or Extensions B to F as in 王𪚥 — is set in the bundled rare-character fonts
(Hanazono subsets, see scripts/make_rare_font.py), registered only when a document needs them;
a character no font has is refused with a UserError naming it, so a sheet never prints blanks
or boxes. The fallback is per character: FontSet.markup splits a paragraph's text into
<font name=…> runs (reports.pdf.guarded_paragraph, the one way text becomes a paragraph, uses
it) and FontSet.draw does the same for strings drawn straight on a canvas.

reportlab only embeds TrueType-outlined fonts (glyf table); OpenType/CFF fonts are refused
by reportlab itself, so a chosen CFF font falls back to the bundled one with a message.
"""

from __future__ import annotations

import hashlib
import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab.lib.textsplit as _rl_textsplit
import reportlab.pdfbase.ttfonts as _rl_ttfonts
import reportlab.platypus.paragraph as _rl_paragraph
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from ..errors import UserError
from ..paths import resource

#: Setting key (table `setting`, column `value`) holding the path of the user's PDF font.
SETTING_PDF_FONT = "pdf_font_path"

BUNDLED_FONT_FILE = "WenQuanYiMicroHei-GB2312.ttf"
BUNDLED_FONT_NAME = "WQYMicroHei-GB2312"
BUNDLED_FONT_LABEL = "文泉驿微米黑（内置）"

# Rare characters: (file, reportlab name, first and last code point it covers).
RARE_FONTS = (
    ("HanazonoRareHanA.ttf", "HanazonoRareHanA", 0x3400, 0x4DBF),     # CJK Extension A
    ("HanazonoRareHanB.ttf", "HanazonoRareHanB", 0x20000, 0x2EBEF),   # Extensions B to F
)

# Chinese line-breaking rules (标点禁则): reportlab's CJK wrapper only knows the Japanese
# list, which lacks the full-width comma, semicolon, colon, closing quotes and book-title
# marks, so a line could start with "，". Adding them makes the wrapper hang such a mark at
# the end of the previous line instead. Additive only: other text wraps as before.
CANNOT_START_LINE = "，；：？！”’》〉」』】〕）…％‰℃·"
# Both wrappers read the list as a module global: wordSplit (one font run) and cjkFragSplit.
for _module in (_rl_textsplit, _rl_paragraph):
    _module.ALL_CANNOT_START += "".join(ch for ch in CANNOT_START_LINE if ch not in _module.ALL_CANNOT_START)

_lock = threading.Lock()
_registered: dict[tuple[str, int, int, int], str] = {}
_coverage: dict[str, frozenset[int]] = {}


def _to_unicode_cmap(fontname, subset):
    """reportlab's ToUnicode CMap writes a code point above U+FFFF as five hex digits, which no
    reader understands (copying 𪚥 from the PDF gave '⩪'); PDF wants UTF-16BE, a surrogate pair."""
    def utf16(v: int) -> str:
        return "".join(f"{b:02X}" for b in chr(v).encode("utf-16-be")) if v <= 0x10FFFF else f"{v:04X}"

    head = _original_to_unicode(fontname, subset[:1] or [0]).split("\n")
    start = head.index(next(line for line in head if line.endswith("beginbfchar")))
    end = head.index("endbfchar")
    body = [f"{len(subset)} beginbfchar"] + [f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)]
    lines = head[:start] + body + head[end:]
    lines[lines.index(next(line for line in lines if line.startswith("<00> <")))] = f"<00> <{len(subset) - 1:02X}>"
    return "\n".join(lines)


_original_to_unicode = getattr(_rl_ttfonts.makeToUnicodeCMap, "__wrapped__", _rl_ttfonts.makeToUnicodeCMap)
_to_unicode_cmap.__wrapped__ = _original_to_unicode
_rl_ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def bundled_font_path() -> Path:
    return resource("fonts", BUNDLED_FONT_FILE)


def register_bundled_font() -> str:
    """Register the bundled font with reportlab (once) and return its reportlab name."""
    with _lock:
        if BUNDLED_FONT_NAME not in _coverage:
            font = TTFont(BUNDLED_FONT_NAME, str(bundled_font_path()))
            pdfmetrics.registerFont(font)
            _coverage[BUNDLED_FONT_NAME] = frozenset(font.face.charToGlyph)
    return BUNDLED_FONT_NAME


def rare_font_path(file_name: str) -> Path:
    return resource("fonts", file_name)


def rare_font_for(ch: str) -> str | None:
    """The reportlab name of the rare-character font that draws `ch`, registering it on first
    use (a 30 MB font is parsed only by documents that need it); None when none has it."""
    code = ord(ch)
    for file_name, name, lo, hi in RARE_FONTS:
        if not lo <= code <= hi:
            continue
        with _lock:
            if name not in _coverage:
                path = rare_font_path(file_name)
                if not path.is_file():
                    return None
                font = TTFont(name, str(path))
                pdfmetrics.registerFont(font)
                _coverage[name] = frozenset(font.face.charToGlyph)
        return name if code in _coverage[name] else None
    return None


def _explain(path: str, err: Exception, subfont_index: int) -> str:
    text = str(err)
    if "postscript outlines" in text:
        return (f"字体文件“{Path(path).name}”是 OpenType/CFF 轮廓字体，PDF 生成组件无法嵌入这种字体。"
                "请改选 TrueType 字体（.ttf 或 .ttc，例如 Windows 自带的仿宋 simfang.ttf、"
                "宋体 simsun.ttc、黑体 simhei.ttf）。")
    if "subsetting/embedding" in text:
        return f"字体文件“{Path(path).name}”的版权设置不允许嵌入文档，请改选其他字体。"
    if "subfontIndex" in text:
        return f"字体集“{Path(path).name}”中没有第 {subfont_index + 1} 个字体。"
    if "Can't open" in text:
        return f"无法打开字体文件“{path}”。"
    return f"“{Path(path).name}”不是可用的 TrueType 字体文件（.ttf 或 .ttc）。"


def register_font_file(path: str | os.PathLike, subfont_index: int = 0) -> str:
    """Register an installed TrueType font (.ttf, or one face of a .ttc) and return its reportlab name.

    Raises UserError with a Chinese explanation when the file is missing, is not a font,
    has CFF (PostScript) outlines, or forbids embedding. Registrations are cached per file
    version, so a large .ttc is parsed once per process.
    """
    path = str(path)
    try:
        st = os.stat(path)
    except OSError:
        raise UserError(f"找不到字体文件“{path}”。请在设置中重新选择 PDF 字体。") from None
    key = (os.path.abspath(path), int(subfont_index), st.st_size, int(st.st_mtime))
    with _lock:
        name = _registered.get(key)
        if name:
            return name
        digest = hashlib.sha1(repr(key).encode("utf-8")).hexdigest()[:10]
        name = f"UserFont-{digest}"
        try:
            font = TTFont(name, path, subfontIndex=int(subfont_index))
        except TTFError as err:
            raise UserError(_explain(path, err, subfont_index)) from None
        except (OSError, ValueError, IndexError, KeyError, AssertionError):
            # reportlab's parser raises plain errors on truncated or foreign files.
            raise UserError(f"“{Path(path).name}”不是可用的 TrueType 字体文件（.ttf 或 .ttc）。") from None
        pdfmetrics.registerFont(font)
        _coverage[name] = frozenset(font.face.charToGlyph)
        _registered[key] = name
    return name


def validate_font_file(path: str | os.PathLike, subfont_index: int = 0) -> str:
    """For the settings dialog: check a font file the user picked; returns its family name.

    Raises UserError (Chinese) when the font cannot be used for PDFs or cannot print
    common Chinese text (it lacks every glyph of a short sample).
    """
    name = register_font_file(path, subfont_index)
    sample = "党支部公示年月日"
    if len(missing_glyphs(sample, name)) == len(set(sample)):
        raise UserError(f"字体“{Path(path).name}”不含汉字，不能用于公示材料。")
    face = pdfmetrics.getFont(name).face
    family = face.familyName
    return family.decode("utf-8", "replace") if isinstance(family, bytes) else str(family)


def _needs_glyph(ch: str) -> bool:
    # Line breaks, tabs and invisible format characters are never drawn.
    return not (ch in "\n\r\t" or unicodedata.category(ch) in ("Cc", "Cf"))


def coverage(font: str) -> frozenset[int]:
    """Code points a registered font (reportlab name) has glyphs for."""
    cov = _coverage.get(font)
    if cov is None:
        face = getattr(pdfmetrics.getFont(font), "face", None)
        if face is None or not hasattr(face, "charToGlyph"):
            raise ValueError(f"{font} is not a registered TrueType font")
        cov = _coverage[font] = frozenset(face.charToGlyph)
    return cov


def missing_glyphs(text: str, font: str) -> set[str]:
    """The characters of `text` that `font` (a registered reportlab font name) cannot draw."""
    cov = coverage(font)
    return {ch for ch in set(text) if ord(ch) not in cov and _needs_glyph(ch)}


class MissingGlyphsError(UserError):
    """Characters no available font can print; `chars` holds them."""

    def __init__(self, chars: set[str], where: str = ""):
        self.chars = set(chars)
        shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in sorted(self.chars))
        place = f"（{where}）" if where else ""
        super().__init__(
            f"以下字符在所选字体、内置字体和内置生僻字字体中都没有字形，不能打印（否则会是空白或方框）："
            f"{shown}{place}。请在设置中改选含有这些字的字体，或修改这些文字。"
        )


@dataclass(frozen=True)
class FontSet:
    """A primary font and the bundled fallback (reportlab names), then the rare-character fonts.

    `warning` is a Chinese message to show the user when the chosen font could not be used.
    """

    primary: str
    fallback: str
    warning: str | None = None
    rare: bool = True  # fall back to the bundled rare-character fonts (RARE_FONTS)

    @property
    def uses_fallback(self) -> bool:
        return self.primary != self.fallback

    def font_for(self, ch: str) -> str | None:
        """The first font of the chain that draws `ch` (the primary for an invisible one)."""
        code = ord(ch)
        if code in coverage(self.primary) or not _needs_glyph(ch):
            return self.primary
        if self.uses_fallback and code in coverage(self.fallback):
            return self.fallback
        return rare_font_for(ch) if self.rare else None

    def missing(self, text: str) -> set[str]:
        """Characters no font of the chain can draw."""
        gaps = missing_glyphs(text, self.primary)
        if gaps and self.uses_fallback:
            cov = coverage(self.fallback)
            gaps = {ch for ch in gaps if ord(ch) not in cov}
        if gaps and self.rare:
            gaps = {ch for ch in gaps if rare_font_for(ch) is None}
        return gaps

    def check(self, text: str, where: str = "") -> None:
        gaps = self.missing(text)
        if gaps:
            raise MissingGlyphsError(gaps, where)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split text into (font name, substring) runs; raises MissingGlyphsError on a gap."""
        self.check(text)
        if not missing_glyphs(text, self.primary):
            return [(self.primary, text)] if text else []
        out: list[tuple[str, str]] = []
        for ch in text:
            font = self.font_for(ch)
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + ch)
            else:
                out.append((font, ch))
        return out

    def width(self, text: str, size: float) -> float:
        """The width of `text` set run by run (points)."""
        return sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in self.runs(text))

    def draw(self, canvas, x: float, y: float, text: str, size: float, align: str = "left") -> None:
        """drawString with per-character fallback: each run in the font that has its glyphs.
        `align` is 'left', 'center' or 'right' (x is then the centre or the right edge)."""
        runs = self.runs(text)
        total = sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in runs)
        x -= {"left": 0, "center": total / 2, "right": total}[align]
        for font, chunk in runs:
            canvas.setFont(font, size)
            canvas.drawString(x, y, chunk)
            x += pdfmetrics.stringWidth(chunk, font, size)

    def markup(self, text: str) -> str:
        """Paragraph markup for plain text: escaped, fallback runs wrapped in <font name=...>,
        line breaks as <br/>."""
        parts = []
        for font, chunk in self.runs(text):
            chunk = escape(chunk).replace("\r\n", "\n").replace("\n", "<br/>")
            parts.append(chunk if font == self.primary else f'<font name="{font}">{chunk}</font>')
        return "".join(parts)

    def single_font(self, text: str) -> str | None:
        """The one font that can draw all of `text`, preferring the primary; None if it needs several."""
        if not missing_glyphs(text, self.primary):
            return self.primary
        if not missing_glyphs(text, self.fallback):
            return self.fallback
        fonts = {self.font_for(ch) for ch in set(text)}
        return fonts.pop() if len(fonts) == 1 and None not in fonts else None


def load_fonts(font_path: str | os.PathLike | None = None, subfont_index: int = 0) -> FontSet:
    """The fonts for a document: the user's font (setting `pdf_font_path`) if usable, else the bundled one.

    Never raises for a bad user font: it falls back to the bundled font and says why in
    FontSet.warning (Chinese), so printing still works.
    """
    bundled = register_bundled_font()
    if not font_path:
        return FontSet(bundled, bundled)
    try:
        primary = register_font_file(font_path, subfont_index)
    except UserError as err:
        return FontSet(bundled, bundled, warning=f"{err.message}本次改用{BUNDLED_FONT_LABEL}。")
    return FontSet(primary, bundled)


def font_path_from_settings(db) -> str | None:
    """The PDF font chosen in settings (None when unset)."""
    from ..registry import get_setting

    value = (get_setting(db, SETTING_PDF_FONT) or "").strip()
    return value or None
