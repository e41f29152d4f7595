"""Publicity sheets (公示): real PDFs built, text extracted with pypdf, fonts, privacy guard, glyph fallback."""

from __future__ import annotations

import io
import itertools
import json

import pytest
from fontTools import subset as ft_subset
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTCollection, TTFont as FTFont
from pypdf import PdfReader
from reportlab.lib.pagesizes import A3, A4

from dangjian_desktop.errors import UserError
from dangjian_desktop.paths import resource
from dangjian_desktop.reports import fonts as rfonts
from dangjian_desktop.reports.fonts import (
    BUNDLED_FONT_NAME,
    MissingGlyphsError,
    load_fonts,
    missing_glyphs,
    register_bundled_font,
    register_font_file,
    validate_font_file,
)
from dangjian_desktop.reports.pdf import (
    Column,
    ObjectionContact,
    PublicitySheet,
    build_publicity_pdf,
    check_privacy,
    contact_from_settings,
    stars,
)

SURNAMES = "张王李刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "洋", "静", "勇", "敏", "磊", "杰", "霞", "涛", "丽", "超", "琳", "斌", "峰", "欢", "玥"]
BRANCHES = ["城关村党支部", "新华社区党支部", "镇机关党支部", "中心小学党支部", "幸福社区第二网格党支部"]
COLUMNS = [Column("序号", 0.6), Column("姓名", 1.0), Column("所在党支部", 2.4, "left"),
           Column("年度积分", 0.9, "right"), Column("星级", 1.0), Column("评定结果", 1.2)]
CONTACT = ObjectionContact(office="镇党委组织办", phone="0738-1234567", address="城关镇人民政府二楼组织办")
TITLE = "关于城关镇2025年度星级党员评定结果的公示"


def names(n: int) -> list[str]:
    combos = ("".join(p) for p in itertools.product(SURNAMES, GIVEN, GIVEN))
    return list(itertools.islice(combos, n))


def member_rows(n: int) -> list[list]:
    rows = []
    for i, name in enumerate(names(n), start=1):
        score = 55 + (i * 7) % 46
        count = 3 if score >= 90 else 2 if score >= 80 else 1 if score >= 60 else 0
        rows.append([i, name, BRANCHES[i % len(BRANCHES)], score, stars(count) or "—",
                     ["不合格党员", "一星党员", "二星党员", "三星党员"][count]])
    return rows


def make_sheet(rows=None, **kw) -> PublicitySheet:
    args = dict(
        title=TITLE, issuer="中共城关镇委员会", columns=COLUMNS,
        rows=member_rows(5) if rows is None else rows,
        opening="经党员自评、支部初评、镇党委审核，评定出2025年度星级党员，现予公示。",
        notes=["年度积分90分及以上为三星党员。"],
        period_start="2026-03-01", period_end="2026-03-07", contact=CONTACT,
    )
    args.update(kw)
    return PublicitySheet(**args)


def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def page_fonts(pdf: bytes) -> list[dict]:
    """Every font dictionary used by any page."""
    seen = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            seen[(font["/BaseFont"], id(font))] = font
    return list(seen.values())


def runs_by_font(pdf: bytes) -> list[tuple[str, str]]:
    """(text, BaseFont) for every text run drawn."""
    out = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and font_dict is not None:
            out.append((text, str(font_dict["/BaseFont"])))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return out


# ---- fonts made for the tests ---------------------------------------------------------------

def _gb2312() -> str:
    chars = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(chars)


@pytest.fixture(scope="module")
def gb2312_font(tmp_path_factory):
    """A TrueType font like 仿宋_GB2312: GB 2312 and ASCII, but without ★ ☆ (and 堃, not in GB 2312)."""
    path = tmp_path_factory.mktemp("fonts") / "TestFangSong.ttf"
    font = FTFont(str(resource("fonts", "WenQuanYiMicroHei-GB2312.ttf")))
    wanted = (set(_gb2312()) | {chr(c) for c in range(0x20, 0x7F)}) - {"★", "☆"}
    options = ft_subset.Options()
    options.name_IDs = ["*"]
    sub = ft_subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in wanted])
    sub.subset(font)
    for rec in font["name"].names:
        if rec.nameID in (1, 4):
            rec.string = "TestFangSong"
        elif rec.nameID == 6:
            rec.string = "TestFangSong"
    font.save(str(path))
    return path


@pytest.fixture(scope="module")
def cff_font(tmp_path_factory):
    """An OpenType font with CFF outlines (like Noto Sans CJK); reportlab cannot embed it."""
    path = tmp_path_factory.mktemp("fonts") / "TestCFF.otf"
    fb = FontBuilder(1000, isTTF=False)
    glyphs = [".notdef", "space", "dang"]
    fb.setupGlyphOrder(glyphs)
    fb.setupCharacterMap({0x20: "space", 0x515A: "dang"})
    pen = T2CharStringPen(1000, None)
    for x, y in [(100, 0), (100, 800), (900, 800), (900, 0)]:
        (pen.moveTo if x == 100 and y == 0 else pen.lineTo)((x, y))
    pen.closePath()
    box = pen.getCharString()
    blank = T2CharStringPen(500, None).getCharString()
    fb.setupCFF("TestCFF-Regular", {"FullName": "TestCFF"}, {".notdef": blank, "space": blank, "dang": box}, {})
    fb.setupHorizontalMetrics({".notdef": (500, 0), "space": (500, 0), "dang": (1000, 0)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "TestCFF", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.save(str(path))
    return path


# ---- building sheets ---------------------------------------------------------------------

@pytest.mark.parametrize("paper, orientation, size", [
    ("A4", "portrait", A4),
    ("A4", "landscape", (A4[1], A4[0])),
    ("A3", "portrait", A3),
    ("A3", "landscape", (A3[1], A3[0])),
])
@pytest.mark.parametrize("count", [1, 300])
def test_sheet_has_title_rows_dates_and_page_numbers(paper, orientation, size, count):
    rows = member_rows(count)
    pdf = build_publicity_pdf(make_sheet(rows, paper=paper, orientation=orientation))
    reader = PdfReader(io.BytesIO(pdf))
    texts = pages_text(pdf)
    total = len(texts)
    whole = "\n".join(texts)
    assert TITLE in texts[0].replace("\n", "")
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [round(size[0]), round(size[1])]
    for row in rows:
        assert row[1] in whole
    assert "2026年3月1日至2026年3月7日" in whole
    assert "0738-1234567" in whole  # the office's contact is printed, not refused
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页 共{total}页" in text
        if any(row[1] in text for row in rows):
            assert "所在党支部" in text  # header row repeated on every page with rows
    assert texts[-1].rstrip().endswith(f"第{total}页 共{total}页")
    assert "中共城关镇委员会" in texts[-1] and "2026年3月1日\n" in texts[-1] + "\n"
    if count == 300:
        assert total > 1


def test_sheet_embeds_only_the_bundled_font_as_truetype():
    pdf = build_publicity_pdf(make_sheet())
    fonts = page_fonts(pdf)
    assert fonts
    for font in fonts:
        assert font["/Subtype"] == "/TrueType"
        assert "WenQuanYiMicroHei-GB2312" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_stars_are_printed_as_star_characters():
    rows = [[1, "张伟", "城关村党支部", 95, stars(3), "三星党员"],
            [2, "王芳", "城关村党支部", 85, stars(2, 3), "二星党员"]]
    whole = "".join(pages_text(build_publicity_pdf(make_sheet(rows))))
    assert "★★★" in whole and "★★☆" in whole


@pytest.mark.parametrize("count, out_of, expected", [
    (3, None, "★★★"), (0, None, ""), (2, 5, "★★☆☆☆"), (5, 5, "★★★★★"), (-1, 3, "☆☆☆"),
])
def test_stars(count, out_of, expected):
    assert stars(count, out_of) == expected


def test_long_cell_text_wraps_inside_its_column():
    long_branch = "幸福社区第二网格党支部暨物业服务中心联合党支部功能型党小组"
    rows = [[1, "张伟", long_branch, 95, stars(3), "三星党员"]]
    whole = "".join(pages_text(build_publicity_pdf(make_sheet(rows))))
    assert long_branch in whole.replace("\n", "")


def test_writes_to_path_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "公示.pdf"
    result = build_publicity_pdf(make_sheet(), target)
    assert result == target
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["公示.pdf"]


def test_refusal_leaves_an_existing_file_untouched(tmp_path):
    target = tmp_path / "公示.pdf"
    target.write_bytes(b"old")
    rows = [[1, "张伟", "城关村党支部", "13800138000", "", ""]]
    with pytest.raises(UserError):
        build_publicity_pdf(make_sheet(rows), target)
    assert target.read_bytes() == b"old"


@pytest.mark.parametrize("changes, message", [
    ({"period_start": "2026-03-08", "period_end": "2026-03-01"}, "早于"),
    ({"period_start": "2026-02-30"}, "不是有效日期"),
    ({"contact": ObjectionContact(office="镇党委组织办")}, "受理"),
    ({"rows": []}, "没有可公示"),
    ({"issuer": " "}, "发布单位"),
])
def test_incomplete_sheet_is_refused(changes, message):
    with pytest.raises(UserError, match=message):
        build_publicity_pdf(make_sheet(**changes))


def test_issue_date_defaults_to_period_start_and_can_be_set():
    text = pages_text(build_publicity_pdf(make_sheet(issue_date="2026-02-27")))[-1]
    assert "2026年2月27日" in text


# ---- privacy guard -------------------------------------------------------------------------

@pytest.mark.parametrize("cell", [
    "110101199003071234",
    "11010119900307123X",
    "110101 19900307 1234",
    "身份证：１１０１０１１９９００３０７１２３４",  # full-width digits
    "110101900307123",  # old 15-digit number
    "13800138000",
    "138-0013-8000",
    "138 0013 8000",
    "+8613800138000",
    "0738-1234567",
    "(0738)12345678",
    "073812345678",
    "人民路12号",
    "幸福小区3栋2单元501室",
    "张庄村3组15号",
])
def test_privacy_guard_refuses_member_ids_phones_and_addresses(cell):
    rows = [[1, "张伟", "城关村党支部", 95, stars(3), cell]]
    with pytest.raises(UserError, match="不得公开"):
        build_publicity_pdf(make_sheet(rows))


@pytest.mark.parametrize("header", ["身份证号码", "联系电话", "手机", "家庭住址", "联系方式"])
def test_privacy_guard_refuses_private_columns(header):
    columns = COLUMNS[:-1] + [Column(header)]
    with pytest.raises(UserError, match=header):
        check_privacy(columns, [[1, "张伟", "城关村党支部", 95, "★", ""]])


@pytest.mark.parametrize("cell", [
    "110101********1234",  # masked ID
    "138****8000",  # masked phone
    "95", "92.5", "2026-03-01", "2025年度", "20260301",
    "城关村党支部", "第一党小组", "幸福社区第二网格党支部", "1998年7月入党",
])
def test_privacy_guard_allows_ordinary_cells(cell):
    check_privacy(COLUMNS, [[1, "张伟", "城关村党支部", 95, "★", cell]])


def test_privacy_guard_names_the_row_and_column():
    rows = member_rows(3)
    rows[2][5] = "13800138000"
    with pytest.raises(UserError, match="第3行“评定结果”"):
        check_privacy(COLUMNS, rows)


def test_privacy_guard_refuses_an_id_number_in_the_opening():
    with pytest.raises(UserError, match="身份证号码"):
        build_publicity_pdf(make_sheet(opening="张伟（110101199003071234）评为三星党员。"))


# ---- fonts: user font, fallback, refusal ---------------------------------------------------

def test_missing_glyphs_reports_characters_a_font_lacks(gb2312_font):
    name = register_font_file(gb2312_font)
    assert missing_glyphs("罗堃★党员 95\n", name) == {"堃", "★"}
    assert missing_glyphs("罗堃★党员 95\n", register_bundled_font()) == set()


def test_user_font_falls_back_per_character_to_the_bundled_font(gb2312_font):
    rows = [[1, "罗堃", "城关村党支部", 95, stars(3), "三星党员"]]
    pdf = build_publicity_pdf(make_sheet(rows, font_path=str(gb2312_font)))
    whole = "".join(pages_text(pdf))
    assert "罗堃" in whole and "★★★" in whole
    runs = runs_by_font(pdf)
    drew = {ch: font for text, font in runs for ch in text}
    assert "TestFangSong" in drew["党"]
    assert "WenQuanYiMicroHei" in drew["堃"]
    assert "WenQuanYiMicroHei" in drew["★"]
    for font in page_fonts(pdf):
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_fallback_markup_wraps_only_the_missing_characters(gb2312_font):
    fonts = load_fonts(gb2312_font)
    assert fonts.markup("罗堃<&") == f'罗<font name="{BUNDLED_FONT_NAME}">堃</font>&lt;&amp;'


@pytest.mark.parametrize("where", ["cell", "title"])
def test_character_no_font_has_is_refused(where):
    rare = "\U00030EDD"  # biáng, CJK Extension G: in no font the program ships
    assert missing_glyphs(rare, register_bundled_font()) == {rare}
    rows = member_rows(2)
    kw = {"title": TITLE + rare} if where == "title" else {}
    if where == "cell":
        rows[1][1] = "王" + rare
    with pytest.raises(MissingGlyphsError) as info:
        build_publicity_pdf(make_sheet(rows, **kw))
    assert rare in info.value.message and info.value.chars == {rare}


def test_character_missing_in_both_user_and_bundled_font_is_refused(gb2312_font):
    rows = [[1, "王\U00030EDD", "城关村党支部", 95, stars(3), "三星党员"]]
    with pytest.raises(MissingGlyphsError, match="第1行“姓名”"):
        build_publicity_pdf(make_sheet(rows, font_path=str(gb2312_font)))


def test_cff_font_falls_back_to_the_bundled_font_with_a_message(cff_font):
    warnings = []
    fonts = load_fonts(cff_font)
    assert fonts.primary == BUNDLED_FONT_NAME and "CFF" in fonts.warning
    pdf = build_publicity_pdf(make_sheet(font_path=str(cff_font), on_warning=warnings.append))
    assert len(warnings) == 1 and "内置" in warnings[0]
    assert TITLE in pages_text(pdf)[0].replace("\n", "")


@pytest.mark.parametrize("kind, message", [
    ("cff", "CFF"),
    ("missing", "找不到字体文件"),
    ("text", "不是可用的 TrueType 字体"),
])
def test_settings_check_explains_unusable_fonts(kind, message, cff_font, tmp_path):
    path = {"cff": cff_font, "missing": tmp_path / "simfang.ttf", "text": tmp_path / "simfang.ttf"}[kind]
    if kind == "text":
        path.write_text("not a font")
    with pytest.raises(UserError, match=message):
        validate_font_file(path)


def test_settings_check_accepts_a_truetype_collection_face(gb2312_font, tmp_path):
    ttc = TTCollection()
    ttc.fonts = [FTFont(str(resource("fonts", "WenQuanYiMicroHei-GB2312.ttf"))), FTFont(str(gb2312_font))]
    path = tmp_path / "simsun.ttc"
    ttc.save(str(path))
    assert validate_font_file(path, subfont_index=1) == "TestFangSong"
    with pytest.raises(UserError, match="第 6 个字体"):
        register_font_file(path, subfont_index=5)


def test_font_and_contact_come_from_settings(db, gb2312_font):
    from dangjian_desktop.registry import set_setting

    assert rfonts.font_path_from_settings(db) is None
    set_setting(db, rfonts.SETTING_PDF_FONT, str(gb2312_font))
    set_setting(db, "publicity_contact_phone", "0738-7654321")
    set_setting(db, "publicity_contact_office", "镇纪委")
    assert rfonts.font_path_from_settings(db) == str(gb2312_font)
    assert contact_from_settings(db) == ObjectionContact(office="镇纪委", phone="0738-7654321", address="")


def test_bundled_font_covers_gb2312_and_the_code_tables():
    font = register_bundled_font()
    text = _gb2312()
    for path in sorted(resource("codes").glob("*.json")):
        text += json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
    missing = missing_glyphs(text, font)
    assert not missing, f"run scripts/make_font_subset.py: bundled font lacks {''.join(sorted(missing))}"


def test_chinese_punctuation_never_starts_a_wrapped_line():
    from reportlab.lib.textsplit import wordSplit

    font = register_bundled_font()
    for mark in "，。；：？！”》）":
        text = "党" * 10 + mark + "员" * 5
        lines = wordSplit(text, [100], font, 10)  # exactly ten hanzi fit on a line
        assert all(not line[1].startswith(mark) for line in lines), (mark, lines)


# ---- the Qt application font ---------------------------------------------------------------

@pytest.mark.gui
def test_install_app_font_adds_the_bundled_family_as_fallback(qapp):
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

    from dangjian_desktop.gui.fonts import install_app_font

    before = qapp.font()
    try:
        family = install_app_font(qapp)
        install_app_font(qapp)  # idempotent
        families = qapp.font().families()
        assert family == "WenQuanYi Micro Hei GB2312"
        # The bundled font follows the system fonts; only the rare-character fonts come after it.
        assert families.count(family) == 1
        assert families[families.index(family) + 1:] == ["Hanazono Rare Han A", "Hanazono Rare Han B"]
        assert families[0] == before.families()[0]
        assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)
        metrics = QFontMetrics(QFont(family))
        assert all(metrics.inFontUcs4(ord(ch)) for ch in "党建台账★堃")
    finally:
        qapp.setFont(before)
