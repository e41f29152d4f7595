"""The round's publicity sheet (公示) as a PDF: text extracted and checked, font embedded."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader

from assessment_util import add_branches, fill, new_round
from dangjian_desktop.assessment import sheets, workflow
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import add_member, set_setting
from dangjian_desktop.registry import idcard
from dangjian_desktop.reports.round_publicity import PublicityOptions, build_round_publicity, prepare

PUB = dt.date(2025, 12, 1)
NAMES = [(f"第{n + 1}村党支部", "村") for n in range(38)] + [("河湾社区党支部", "社区"), ("镇卫生院党支部", "事业单位")]
MEMBER_PHONE = "13912345678"


def _contact(db):
    set_setting(db, "publicity_contact_office", "镇党委组织办")
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    set_setting(db, "publicity_contact_address", "测试镇人民政府二楼组织办")


@pytest.fixture
def published(db):
    ids = add_branches(db, NAMES)
    # A member with an ID and phone number: neither may ever reach a publicity sheet.
    idn = idcard.make("140826", dt.date(1980, 5, 6), 12, True)
    add_member(db, {"name": "王建国", "sex": "男", "ethnicity": "汉族", "birth_date": "1980-05-06",
                    "id_number": idn, "join_date": "2005-07-01", "full_date": "2006-07-01",
                    "category": "正式党员", "phone": MEMBER_PHONE, "address": "东岭村3组12号"}, org_id=ids[0])
    _contact(db)
    rid, branches = new_round(db)
    for n, b in enumerate(branches):
        fill(db, b.id, "self", lambda i, n=n: 20 - (n % 9))
    workflow.move_many(db, [b.id for b in branches], "初审")
    for n, b in enumerate(branches):
        fill(db, b.id, "initial", lambda i, n=n: 20 - (n % 9))
    workflow.move_many(db, [b.id for b in branches], "审核")
    for n, b in enumerate(branches):
        fill(db, b.id, "final", lambda i, n=n: 20 - (n % 9))
    sheets.set_veto(db, branches[5].id, "V1", "书记空缺")
    workflow.start_publicity(db, rid, PUB)
    return db, rid, idn


def pdf_text(path):
    reader = PdfReader(path)
    return reader, [p.extract_text() for p in reader.pages]


def test_title_rows_dates_and_contact(published, tmp_path):
    db, rid, _ = published
    # The round's own publicity date has passed: it is printed only when asked for.
    path = build_round_publicity(db, rid, tmp_path / "公示.pdf", PublicityOptions(start=PUB))
    reader, pages = pdf_text(path)
    text = "".join(pages).replace(" ", "").replace("\n", "")
    assert "关于测试镇2025年度星级党组织评定结果的公示" in text
    for name, _ in NAMES:
        assert name in text
    assert "公示时间：2025年12月1日至2025年12月19日" in text
    assert "0898-63221234" in text and "测试镇人民政府二楼组织办" in text
    assert "中共测试镇委员会" in text
    assert "取消评星资格" in text
    assert "★★★★★" in text


def test_header_repeated_and_pages_numbered(published, tmp_path):
    db, rid, _ = published
    reader, pages = pdf_text(build_round_publicity(db, rid, tmp_path / "公示.pdf"))
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        flat = page.replace(" ", "")
        assert f"第{n}页共{len(pages)}页" in flat
        if n < len(pages) or "序号" in flat:
            assert "党组织名称" in flat and "评定等次" in flat


def test_no_id_or_phone_number_is_printed(published, tmp_path):
    db, rid, idn = published
    _, pages = pdf_text(build_round_publicity(db, rid, tmp_path / "公示.pdf"))
    text = "".join(pages)
    compact = re.sub(r"[\s-]", "", text)
    assert idn not in compact and MEMBER_PHONE not in compact and "王建国" not in text
    assert not re.search(r"\d{17}[\dXx]", compact)
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", compact.replace("089863221234", ""))
    assert "3组12号" not in text


def test_font_is_embedded(published, tmp_path):
    db, rid, _ = published
    reader = PdfReader(build_round_publicity(db, rid, tmp_path / "公示.pdf"))
    fonts = {}
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            fonts[f["/BaseFont"]] = f
    assert fonts
    for name, f in fonts.items():
        desc = f.get("/FontDescriptor") or f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in desc.get_object(), name


@pytest.mark.parametrize("paper, landscape, size", [("A4", False, (595, 842)), ("A3", True, (1191, 842))])
def test_paper_and_orientation(published, tmp_path, paper, landscape, size):
    db, rid, _ = published
    reader = PdfReader(build_round_publicity(db, rid, tmp_path / "x.pdf",
                                             PublicityOptions(paper=paper, landscape=landscape)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_unreviewed_branches_are_left_out(db, tmp_path):
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    _contact(db)
    rid, branches = new_round(db)
    from assessment_util import drive

    drive(db, branches[0].id, "公示")
    info = prepare(db, rid)
    assert (info.rows, info.left_out) == (1, 1)
    _, pages = pdf_text(build_round_publicity(db, rid, tmp_path / "x.pdf"))
    assert "东岭村党支部" in "".join(pages) and "西岭村党支部" not in "".join(pages)


def test_nothing_reviewed_nothing_to_publish(db):
    add_branches(db, [("东岭村党支部", "村")])
    _contact(db)
    rid, _ = new_round(db)
    with pytest.raises(UserError, match="暂无可公示"):
        build_round_publicity(db, rid)


def test_contact_is_required(db):
    from assessment_util import drive

    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db)
    drive(db, b.id, "公示")
    with pytest.raises(UserError, match="受理"):
        build_round_publicity(db, rid)


def test_issuer_setting_and_options(published, tmp_path):
    db, rid, _ = published
    set_setting(db, "publicity_issuer", "中共测试镇委员会组织办公室")
    _, pages = pdf_text(build_round_publicity(db, rid, tmp_path / "x.pdf",
                                              PublicityOptions(start="2025-12-08", title="星级党组织评定结果公示")))
    text = "".join(pages).replace(" ", "")
    assert "星级党组织评定结果公示" in text and "中共测试镇委员会组织办公室" in text
    assert "2025年12月8日至2025年12月26日" in text


def test_preview_pdf_is_the_sheet_with_what_it_holds(db, tmp_path):
    """publicity_pdf (the 公示表 preview): the same sheet as the saved one, the counts, the period's warnings."""
    from dangjian_desktop.reports.round_publicity import publicity_pdf

    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    _contact(db)
    rid, branches = new_round(db)
    from assessment_util import drive

    drive(db, branches[0].id, "公示")
    built = publicity_pdf(db, rid, PublicityOptions(start="2020-01-06"))  # a period long over
    assert built.data.startswith(b"%PDF") and (built.info.rows, built.info.left_out) == (1, 1)
    assert built.info.warnings and built.warnings[:len(built.info.warnings)] == built.info.warnings
    assert any("已于" in w and "结束" in w for w in built.warnings)
    path = tmp_path / "p.pdf"
    path.write_bytes(built.data)
    _, pages = pdf_text(path)
    assert "东岭村党支部" in "".join(pages) and "西岭村党支部" not in "".join(pages)
