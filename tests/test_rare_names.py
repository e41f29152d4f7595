"""Rare characters in names (生僻字): accepted where a name is entered, printed in every PDF by
per-character fallback to the bundled rare-character fonts, shown on screen, and refused with
the character named when no font has it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from dangjian_desktop.registry import idcard
from dangjian_desktop.registry.validation import validate_member
from dangjian_desktop.reports.fonts import MissingGlyphsError, load_fonts
from dangjian_desktop.reports.pdf import Column, ObjectionContact, PublicitySheet, build_publicity_pdf

RARE_NAME = "王𪚥"          # U+2A6A5, CJK Extension B
EXT_A_NAME = "刘䶮"          # U+4DAE, CJK Extension A (not in the GB 2312 subset either)
NO_FONT = "\U00030EDD"       # biáng, Extension G: no shipped font has it


def member(name: str) -> dict:
    return {"name": name, "id_number": idcard.make("140826", dt.date(1980, 5, 6), 3, True),
            "ethnicity": "汉族", "join_date": "2005-07-01", "category": "正式党员"}


@pytest.mark.parametrize("name", [RARE_NAME, EXT_A_NAME, "𠀀𪜀", "阿依古丽·𫖮"])
def test_names_with_rare_characters_are_accepted(name):
    clean, err = validate_member(member(name), today=dt.date(2026, 1, 1))
    assert err == {} and clean["name"] == name


@pytest.mark.parametrize("name", ["王1", "王(𪚥)", "王"])
def test_names_still_refuse_digits_brackets_and_single_characters(name):
    _, err = validate_member(member(name), today=dt.date(2026, 1, 1))
    assert "name" in err


def sheet(rows, **kw) -> PublicitySheet:
    args = dict(title="关于2025年度星级党员评定结果的公示", issuer="中共城关镇委员会",
                columns=[Column("序号", 0.6), Column("姓名", 1.0), Column("所在党支部", 2.0, "left")],
                rows=rows, period_start="2026-03-01", period_end="2026-03-07",
                contact=ObjectionContact(office="镇党委组织办", phone="0738-1234567"))
    args.update(kw)
    return PublicitySheet(**args)


def drawn_runs(pdf: bytes) -> list[tuple[str, str]]:
    out = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and font_dict is not None:
            out.append((text, str(font_dict["/BaseFont"])))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return out


def test_a_publicity_sheet_prints_rare_names_in_the_rare_character_fonts():
    pdf = build_publicity_pdf(sheet([[1, RARE_NAME, "城关村党支部"], [2, EXT_A_NAME, "新华社区党支部"]],
                                    opening=f"{RARE_NAME}同志评为三星党员。"))
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages)
    assert RARE_NAME in text and EXT_A_NAME in text  # the characters, not boxes or blanks
    drew = {}
    for chunk, font in drawn_runs(pdf):
        for ch in chunk:
            drew.setdefault(ch, font)
    assert "HanazonoRareHanB" in drew["𪚥"] and "HanazonoRareHanA" in drew["䶮"]
    assert "WenQuanYiMicroHei" in drew["王"]
    for page in reader.pages:  # every font is embedded: the sheet prints the same anywhere
        for ref in page["/Resources"]["/Font"].values():
            assert "/FontFile2" in ref.get_object()["/FontDescriptor"].get_object()


def test_a_character_no_font_has_is_refused_with_its_name():
    with pytest.raises(MissingGlyphsError) as info:
        build_publicity_pdf(sheet([[1, "王" + NO_FONT, "城关村党支部"]]))
    assert NO_FONT in info.value.message and "U+30EDD" in info.value.message
    assert "第1行“姓名”" in info.value.message


def test_strings_drawn_on_a_canvas_fall_back_per_character():
    fonts = load_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf)
    fonts.draw(canvas, 300, 700, f"党员{RARE_NAME}", 12, "center")
    canvas.save()
    runs = drawn_runs(buf.getvalue())
    assert [(t.strip(), "HanazonoRareHanB" in f) for t, f in runs] == [("党员王", False), ("𪚥", True)]
    assert fonts.width("王𪚥", 12) == pytest.approx(24, abs=1)
    with pytest.raises(MissingGlyphsError):
        fonts.draw(canvas, 0, 0, NO_FONT, 12)


@pytest.mark.gui
def test_the_screen_draws_rare_characters_with_the_bundled_rare_fonts(qapp):
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from dangjian_desktop.gui.fonts import install_app_font

    before = qapp.font()
    try:
        install_app_font(qapp)
        font = QFont(qapp.font())
        font.setPixelSize(40)

        def picture(text: str) -> QImage:
            img = QImage(120, 60, QImage.Format.Format_RGB32)
            img.fill(QColor("white"))
            p = QPainter(img)
            p.setFont(font)
            p.drawText(5, 45, text)
            p.end()
            return img

        def ink(img: QImage) -> int:
            return sum(1 for x in range(img.width()) for y in range(img.height())
                       if img.pixelColor(x, y).lightness() < 128)

        rare, missing = picture("𪚥"), picture(NO_FONT)
        # Four 龍 in one square: far more ink than the empty box drawn for a character no font has.
        assert ink(rare) > 2 * ink(missing) > 0
    finally:
        qapp.setFont(before)
