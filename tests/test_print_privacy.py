"""The privacy guard of everything printed (privacy): ID-shaped and mobile-shaped runs,
members' numbers from the database, masked messages, every field of a publicity sheet; generated
variations with hypothesis."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from dangjian_desktop.errors import UserError
from dangjian_desktop.registry.idcard import make as make_id
from dangjian_desktop.reports.pdf import Column, ObjectionContact, PublicitySheet, build_publicity_pdf, stars
from dangjian_desktop.privacy import (
    ID_KIND,
    MEMBER_ID_KIND,
    MEMBER_PHONE_KIND,
    MOBILE_KIND,
    PhoneConfirmationNeeded,
    PrivacyError,
    PrivacyGuard,
    PrivateNumbers,
    digits_of,
    mask,
)

MEMBER_ID = "110101199003077774"
MEMBER_MOBILE = "13912345678"
MEMBER_LANDLINE = "0359-7123456"
NUMBERS = PrivateNumbers(frozenset({MEMBER_ID}), frozenset({MEMBER_MOBILE, digits_of(MEMBER_LANDLINE)}))
COLUMNS = [Column("序号", 0.6), Column("党组织名称", 2.4, "left"), Column("总分", 0.9), Column("星级", 1.0)]
CONTACT = ObjectionContact(office="镇党委组织办", phone="0898-12345678", address="镇政府二楼组织办")


def guard() -> PrivacyGuard:
    return PrivacyGuard(NUMBERS)


def kinds(text: str, **kw) -> list[str]:
    return [f.kind for f in guard().findings(text, **kw)]


def sheet(**kw) -> PublicitySheet:
    args = dict(title="关于城关镇2025年度星级党组织评定结果的公示", issuer="中共城关镇委员会", columns=COLUMNS,
                rows=[[1, "城关村党支部", "98.5", stars(3)], [2, "新华社区党支部", 92, stars(3)]],
                opening="经党组织自评、镇党委审核，现将评定结果予以公示。", notes=["90分及以上为三星。"],
                period_start="2026-03-01", period_end="2026-03-07", contact=CONTACT,
                privacy_source=lambda: NUMBERS)
    args.update(kw)
    return PublicitySheet(**args)


def pdf_text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")


# ---- what the guard refuses and allows ----------------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("中共测试镇委员会110101199003071234", ID_KIND),
    ("北铺村党支部1101011990030777742026", MEMBER_ID_KIND),  # glued to a year: the third route
    ("北铺村党支部110101199003071234 2026", ID_KIND),
    ("11010119900307123X", ID_KIND),
    ("11010119900307123x号", ID_KIND),
    ("110101900307123", ID_KIND),  # 15-digit number
    ("编号123456789012345", ID_KIND),  # any 15 digits in a row are ID-shaped
    ("110101 19900307 1234", ID_KIND),
    ("110101-1990-03-07-1234", ID_KIND),
    ("身份证：１１０１０１１９９００３０７１２３４", ID_KIND),  # full-width
    ("联系人13800138000", MOBILE_KIND),
    ("202613800138000", ID_KIND),  # 15 digits: ID-shaped before mobile-shaped
    ("第2026号13800138000", MOBILE_KIND),
    ("20213800138000", MOBILE_KIND),  # a mobile inside 14 digits
    ("138 0013 8000", MOBILE_KIND),
    ("138-0013-8000", MOBILE_KIND),
    ("+86 138 0013 8000", MOBILE_KIND),
    ("电话：１３８００１３８０００", MOBILE_KIND),
    ("0359-7123456", MEMBER_PHONE_KIND),  # a member's landline
    ("请打 0359 7123456", MEMBER_PHONE_KIND),
])
def test_refused(text, kind):
    found = guard().findings(text)
    assert found and found[0].kind == kind


@pytest.mark.parametrize("text", [
    "98.5", "92", "100", "2026", "2025年度", "2026年3月1日", "2026-03-01", "2026.03.01", "20260301",
    "2026-01-31—2026-02-13", "2026-01-31 2026-02-13", "第1页 共12页", "第12页 共120页",
    "城关村党支部", "幸福社区第二网格党支部", "张伟", "1998年7月入党", "★★★", "0898-12345678",
    "0000-0000000", "(0898)12345678", "受理电话：0898-12345678", "抽签种子：482913", "1101********7774",
    "138****8000", "90分及以上为三星，80—89分为二星，60—79分为一星", "第3组15号",
])
def test_allowed(text):
    assert guard().findings(text) == []


def test_contact_phone_field_allows_the_office_mobile_but_never_an_id():
    g = guard()
    assert g.check_contact_phone("13800138000") == "13800138000"
    assert g.check_contact_phone("0898-12345678 / 138 0013 8000")
    with pytest.raises(PrivacyError, match="异议受理电话.*身份证号码"):
        g.check_contact_phone("110101199003071234")
    with pytest.raises(PrivacyError, match="党员的身份证号码"):
        g.check_contact_phone(MEMBER_ID)


def test_contact_phone_that_is_a_members_needs_one_confirmation():
    with pytest.raises(PhoneConfirmationNeeded, match="--confirm-member-phone") as e:
        guard().check_contact_phone("139 1234 5678")
    assert MEMBER_MOBILE not in e.value.message and "139****5678" in e.value.message
    assert guard().check_contact_phone(MEMBER_MOBILE, confirmed=True)
    confirmed = PrivateNumbers(NUMBERS.ids, NUMBERS.phones, confirmed_phone=MEMBER_MOBILE)
    assert PrivacyGuard(confirmed).check_contact_phone("139-1234-5678")
    with pytest.raises(PhoneConfirmationNeeded):  # another member's phone is asked about again
        PrivacyGuard(confirmed).check_contact_phone(MEMBER_LANDLINE)


def test_the_message_names_the_field_and_masks_the_number():
    with pytest.raises(PrivacyError) as e:
        guard().check("中共测试镇委员会" + MEMBER_ID, "发布单位（落款）")
    msg = e.value.message
    assert "“发布单位（落款）”" in msg and "1101**********7774" in msg and MEMBER_ID not in msg
    assert e.value.field == "发布单位（落款）"


@pytest.mark.parametrize("number, shown", [
    ("110101199003077774", "1101**********7774"), ("13800138000", "138****8000"),
    ("089812345678", "0898****5678"), ("1101011990030777742026", "1101**************2026"),
])
def test_mask(number, shown):
    assert mask(number) == shown


# ---- generated variations -----------------------------------------------------------------------

hanzi = st.text(alphabet="党支部委员会村社区镇关于年度评定结果公示的中共城新华东西南北岭河湾第一二三", max_size=12)
birth = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2008, 12, 31))
ids18 = st.builds(lambda region, born, seq, male: make_id(region, born, seq, male),
                  st.sampled_from(["110101", "140826", "460100", "632821"]), birth,
                  st.integers(0, 99), st.booleans())
ids15 = st.builds(lambda region, born, seq: f"{region}{born:%y%m%d}{seq:03d}",
                  st.sampled_from(["110101", "140826", "460100"]), birth, st.integers(0, 999))
mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 10 ** 9 - 1))
digit_runs = st.text(alphabet="0123456789", max_size=6)


def spaced(number: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, k = [], 0
    for n in sizes:
        parts.append(number[k:k + n])
        k += n
    parts.append(number[k:])
    return sep.join(p for p in parts if p)


@st.composite
def private_text(draw):
    """A private number in Chinese text: bare, glued to other digits, or written in groups."""
    number = draw(st.one_of(ids18, ids15, mobiles))
    form = draw(st.sampled_from(["bare", "glued", "grouped"]))
    if form == "glued":
        written = draw(digit_runs) + number + draw(digit_runs)
    elif form == "grouped":
        sizes = (6, 8) if len(number) == 18 else (6, 6) if len(number) == 15 else (3, 4)
        written = spaced(number, sizes, draw(st.sampled_from([" ", "-", "  ", " - ", "·"])))
    else:
        written = number
    if draw(st.booleans()):  # full-width digits
        written = written.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    return draw(hanzi) + written + draw(hanzi), number


@settings(max_examples=400, deadline=None)
@given(private_text())
def test_generated_private_numbers_are_refused_and_never_shown(case):
    text, number = case
    with pytest.raises(PrivacyError) as e:
        PrivacyGuard().check(text, "开头")
    assert number not in e.value.message


legit_piece = st.one_of(
    hanzi,
    st.integers(0, 100).map(str),
    st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 100), st.integers(0, 9)),
    st.integers(1949, 2099).map(lambda y: f"{y}年"),
    st.dates(min_value=dt.date(1949, 1, 1), max_value=dt.date(2099, 12, 31)).map(
        lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.dates(min_value=dt.date(1949, 1, 1), max_value=dt.date(2099, 12, 31)).map(lambda d: d.isoformat()),
    st.builds(lambda n, t: f"第{n}页 共{n + t}页", st.integers(1, 300), st.integers(0, 300)),
    st.sampled_from(["★★★", "★★", "—", "三星党员", "不合格", "0898-12345678"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(legit_piece, max_size=8), st.sampled_from(["，", "、", "。", "；", "：", "至", "分，"]))
def test_generated_ordinary_content_is_allowed(pieces, sep):
    # Numbers separated only by spaces or hyphens are read as one number (that is how phones and
    # ID numbers are written); prose separates them with punctuation or words.
    text = sep.join(pieces)
    assert PrivacyGuard().findings(text) == [], text


# ---- every field of a publicity sheet -----------------------------------------------------------

def _with(field_name: str, value: str) -> PublicitySheet:
    rows = [[1, "城关村党支部", "98.5", stars(3)], [2, "新华社区党支部", 92, stars(3)]]
    if field_name == "title":
        return sheet(title=value)
    if field_name == "opening":
        return sheet(opening="现将结果公示如下。\n" + value)
    if field_name == "notes":
        return sheet(notes=["90分及以上为三星。", value])
    if field_name == "issuer":
        return sheet(issuer="中共城关镇委员会\n" + value)
    if field_name in ("office", "address"):
        return sheet(contact=ObjectionContact(**{**CONTACT.__dict__, field_name: value}))
    if field_name == "header":
        return sheet(columns=COLUMNS[:-1] + [Column(value)])
    if field_name == "cell":
        rows[1][1] = value
        return sheet(rows=rows)
    if field_name == "score":
        rows[0][2] = value
        return sheet(rows=rows)
    raise AssertionError(field_name)


FIELDS = ["title", "opening", "notes", "issuer", "office", "address", "header", "cell", "score"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELDS), private_text())
def test_generated_private_numbers_are_refused_in_every_field(field_name, case):
    text, number = case
    with pytest.raises(UserError) as e:
        build_publicity_pdf(_with(field_name, text))
    assert number not in e.value.message


@pytest.mark.parametrize("field_name", FIELDS)
@pytest.mark.parametrize("value", [MEMBER_ID, "13800138000", "北铺村党支部1101011990030777742026",
                                   "139 1234 5678", "0359-7123456"])
def test_crafted_values_are_refused_in_every_field(field_name, value):
    with pytest.raises(UserError, match="不得公开"):
        build_publicity_pdf(_with(field_name, value))


def test_the_office_phone_prints_only_in_the_contact_line():
    text = pdf_text(build_publicity_pdf(sheet(contact=ObjectionContact("镇党委组织办", "13800138000", "镇政府"))))
    assert "受理电话：13800138000" in text
    with pytest.raises(PrivacyError, match="“开头”中有手机号码"):
        build_publicity_pdf(sheet(contact=ObjectionContact("镇党委组织办", "13800138000", "镇政府"),
                                  opening="如有异议请拨打13800138000。"))


def test_a_members_phone_as_office_phone_prints_once_confirmed():
    contact = ObjectionContact("镇党委组织办", MEMBER_MOBILE, "")
    with pytest.raises(PhoneConfirmationNeeded):
        build_publicity_pdf(sheet(contact=contact))
    confirmed = PrivateNumbers(NUMBERS.ids, NUMBERS.phones, MEMBER_MOBILE)
    text = pdf_text(build_publicity_pdf(sheet(contact=contact, privacy_source=lambda: confirmed)))
    assert f"受理电话：{MEMBER_MOBILE}" in text


def test_ordinary_sheet_prints_scores_years_dates_and_landline():
    text = pdf_text(build_publicity_pdf(sheet()))
    for part in ("98.5", "2025年度", "2026年3月1日至2026年3月7日", "0898-12345678", "第1页共1页", "城关村党支部"):
        assert part in text


def test_a_story_element_added_without_the_guard_is_still_scanned():
    from reportlab.platypus import Paragraph

    from dangjian_desktop.reports import pdf as sheetpdf
    from dangjian_desktop.reports.fonts import load_fonts

    s = sheet()
    fonts = load_fonts(None)
    lay = sheetpdf._Layout(s, fonts)
    story = sheetpdf.build_story(s, fonts, lay)
    story.append(Paragraph(f"附：王某某 {MEMBER_ID}", lay.body))  # a future field that forgot the guard
    with pytest.raises(PrivacyError, match="党员的身份证号码"):
        sheetpdf.render(s, lay, story)


def test_each_document_loads_the_numbers_once():
    calls = []

    def source():
        calls.append(1)
        return NUMBERS

    build_publicity_pdf(sheet(privacy_source=source, rows=[[n, f"第{n}村党支部", 90, stars(3)] for n in range(1, 80)]))
    assert calls == [1]

