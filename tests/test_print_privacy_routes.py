"""No member's ID number or phone reaches a printed page through any route (issue item 5): the
printed settings (落款, objection contact, operator) refused when saved and when printed, title,
opening and issuer options, a branch name with a number glued in, the lots record; the objection
phone that is a member's phone is confirmed once (CLI flag, recorded in a logged unit of work)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from assessment_util import add_branches, county_db, drive, new_round
from dangjian_desktop.assessment import draw_lots
from dangjian_desktop.reports.lots import lots_pdf
from dangjian_desktop.cli import main
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import add_member, get_setting, set_setting, update_org
from dangjian_desktop.registry.idcard import make as make_id
from dangjian_desktop.reports.member_stars import MemberStarsOptions, build_member_stars
from dangjian_desktop.privacy import CONFIRMED_PHONE_KEY, PhoneConfirmationNeeded, PrivacyError
from dangjian_desktop.reports.round_publicity import PublicityOptions, build_round_publicity
from points_util import YEAR, simple_catalogue
from test_print_privacy import private_text

MEMBER_ID = make_id("140826", dt.date(1980, 5, 6), 12, True)
MEMBER_PHONE = "13912345678"
GLUED = f"北铺村党支部{MEMBER_ID}2026"
PUBLISHED = ("publicity_issuer", "publicity_contact_office", "publicity_contact_phone", "publicity_contact_address")


def _raw_setting(db, key, value):
    """A value that never passed the settings check (an older version, a restored file)."""
    with db.transaction("测试：直接写入设置") as tx:
        if db.get("setting", key) is None:
            tx.insert("setting", {"id": key, "value": value})
        else:
            tx.update("setting", key, {"value": value})


@pytest.fixture
def office(db):
    """A town with two branches, a member with ID and phone in the first, a round in publicity."""
    b1, b2 = add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    add_member(db, {"name": "王建国", "sex": "男", "ethnicity": "汉族", "birth_date": "1980-05-06",
                    "id_number": MEMBER_ID, "join_date": "2005-07-01", "full_date": "2006-07-01",
                    "category": "正式党员", "phone": MEMBER_PHONE}, org_id=b1)
    set_setting(db, "publicity_contact_office", "镇党委组织办")
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    set_setting(db, "publicity_contact_address", "测试镇人民政府二楼组织办")
    simple_catalogue(db)
    rid, branches = new_round(db)
    for b in branches:
        drive(db, b.id, "公示")
    return db, rid, b1


def text_of(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages).replace(" ", "").replace("\n", "")


def _round(db, rid, b1, out, **opts):
    return build_round_publicity(db, rid, out, PublicityOptions(**opts))


def _stars(db, rid, b1, out, **opts):
    return build_member_stars(db, YEAR, b1, out, MemberStarsOptions(**opts))


DOCUMENTS = {"round": _round, "stars": _stars}


# ---- settings are refused when saved ------------------------------------------------------------

@pytest.mark.parametrize("key", ["publicity_issuer", "publicity_contact_office", "publicity_contact_address"])
@pytest.mark.parametrize("value", [f"中共测试镇委员会{MEMBER_ID}", GLUED, "中共测试镇委员会110101199003071234",
                                   "镇党委组织办 138 0013 8000", f"电话{MEMBER_PHONE}"])
def test_printed_settings_refuse_private_numbers_when_saved(office, key, value):
    db, _, _ = office
    before = get_setting(db, key)
    with pytest.raises(PrivacyError, match="不能保存") as e:
        set_setting(db, key, value)
    assert MEMBER_ID not in e.value.message and MEMBER_PHONE not in e.value.message
    assert get_setting(db, key) == before


def test_objection_phone_refuses_an_id_and_accepts_a_landline_or_the_office_mobile(office):
    db, _, _ = office
    with pytest.raises(PrivacyError, match="异议受理电话"):
        set_setting(db, "publicity_contact_phone", MEMBER_ID)
    for phone in ("0898-12345678", "0000-0000000", "13800138000"):
        set_setting(db, "publicity_contact_phone", phone)
        assert get_setting(db, "publicity_contact_phone") == phone


def test_a_members_phone_as_objection_phone_is_confirmed_once_in_the_logged_unit_of_work(office):
    db, _, _ = office
    with pytest.raises(PhoneConfirmationNeeded, match="--confirm-member-phone"):
        set_setting(db, "publicity_contact_phone", MEMBER_PHONE)
    assert get_setting(db, "publicity_contact_phone") == "0898-63221234"
    tx_before = db.scalar("SELECT max(id) FROM tx_log")
    set_setting(db, "publicity_contact_phone", MEMBER_PHONE, confirm_member_phone=True)
    tx = db.scalar("SELECT max(id) FROM tx_log")
    assert tx == tx_before + 1  # the phone and the answer in one unit of work
    assert get_setting(db, CONFIRMED_PHONE_KEY) == MEMBER_PHONE
    logged = {r[0] for r in db.query("SELECT row_id FROM change_log WHERE tx_id = ? AND tbl = 'setting'", (tx,))}
    assert logged == {"publicity_contact_phone", CONFIRMED_PHONE_KEY}
    set_setting(db, "publicity_contact_phone", "139 1234 5678")  # the same number: not asked again


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(PUBLISHED), case=private_text())
def test_generated_private_numbers_are_refused_in_every_printed_setting(office, key, case):
    db, _, _ = office
    text, number = case
    if key == "publicity_contact_phone" and len(number) == 11:
        return  # the office's own mobile may be printed in the phone field
    with pytest.raises(UserError) as e:
        set_setting(db, key, text)
    assert number not in e.value.message


def test_cli_refuses_and_tells_how_to_confirm(office, db_path, capsys):
    db, _, _ = office
    db.close()
    assert main(["--db", str(db_path), "settings", "set", "publicity_issuer", f"中共测试镇委员会{MEMBER_ID}"]) != 0
    err = capsys.readouterr().err
    assert "1408**********" in err and MEMBER_ID not in err
    assert main(["--db", str(db_path), "settings", "set", "publicity_contact_phone", MEMBER_PHONE]) != 0
    err = capsys.readouterr().err
    assert "--confirm-member-phone" in err and MEMBER_PHONE not in err
    assert main(["--db", str(db_path), "settings", "set", "publicity_contact_phone", MEMBER_PHONE,
                 "--confirm-member-phone"]) == 0
    assert main(["--db", str(db_path), "settings", "set", "operator", f"张三{MEMBER_PHONE}"]) != 0
    assert "操作人" in capsys.readouterr().err


# ---- the three routes of the issue, on both publicity sheets -----------------------------------

ROUTES = ["settings", "options", "branch name"]
VALUES = [MEMBER_ID, MEMBER_PHONE, GLUED]


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("value", VALUES)
def test_crafted_sheets_never_print_a_member_number(office, tmp_path, document, route, value):
    db, rid, b1 = office
    opts = {}
    if route == "settings":  # the round sheet prints the issuer setting, the stars sheet the branch's name
        _raw_setting(db, "publicity_issuer" if document == "round" else "publicity_contact_address", f"测试镇{value}")
    elif route == "options":
        opts["title"] = f"关于{value}的公示"
    else:
        update_org(db, b1, {"name": f"东岭{value}村党支部"})
        rid, branches = new_round(db, year=2024)  # a round keeps the names its branches had
        for b in branches:
            drive(db, b.id, "公示")
    out = tmp_path / "x.pdf"
    with pytest.raises(UserError, match="不得公开") as e:
        DOCUMENTS[document](db, rid, b1, out, **opts)
    assert MEMBER_ID not in e.value.message and MEMBER_PHONE not in e.value.message
    assert not out.exists()


@pytest.mark.parametrize("key, field_name", [("publicity_issuer", "发布单位（落款）"),
                                             ("publicity_contact_office", "异议受理单位"),
                                             ("publicity_contact_address", "来信来访地址")])
def test_an_unchecked_setting_is_refused_when_printed_naming_it(office, key, field_name):
    db, rid, _ = office
    _raw_setting(db, key, f"中共测试镇委员会{GLUED}")
    with pytest.raises(PrivacyError) as e:
        build_round_publicity(db, rid)
    assert e.value.field == field_name


def test_opening_and_issuer_options_refuse_phones(office):
    db, rid, b1 = office
    with pytest.raises(PrivacyError, match="“开头”中有手机号码"):
        build_round_publicity(db, rid, None, PublicityOptions(opening="有异议请拨打 138-0013-8000。"))
    with pytest.raises(PrivacyError, match="落款"):
        build_member_stars(db, YEAR, b1, None, MemberStarsOptions(issuer="东岭村党支部 13800138000"))


def test_an_unconfirmed_member_phone_in_the_contact_is_refused_when_printed(office, tmp_path):
    db, rid, _ = office
    _raw_setting(db, "publicity_contact_phone", MEMBER_PHONE)  # saved before the member had it
    with pytest.raises(PhoneConfirmationNeeded):
        build_round_publicity(db, rid, tmp_path / "x.pdf")
    set_setting(db, "publicity_contact_phone", MEMBER_PHONE, confirm_member_phone=True)
    text = text_of(build_round_publicity(db, rid, tmp_path / "x.pdf"))
    assert f"受理电话：{MEMBER_PHONE}" in text
    assert MEMBER_ID not in text


def test_ordinary_sheets_still_print(office, tmp_path):
    db, rid, b1 = office
    text = text_of(build_round_publicity(db, rid, tmp_path / "r.pdf"))
    assert "东岭村党支部" in text and "0898-63221234" in text
    text = text_of(build_member_stars(db, YEAR, b1, tmp_path / "s.pdf"))
    assert "王建国" in text and MEMBER_PHONE not in text


# ---- the lots record ----------------------------------------------------------------------------

@pytest.fixture
def county(tmp_path):
    db = county_db(tmp_path / "c.sqlite", ["甲镇", "乙镇", "丙镇"], per_town=1)
    branch = db.scalar("SELECT id FROM org WHERE org_type = '党支部' ORDER BY name LIMIT 1")
    add_member(db, {"name": "王建国", "sex": "男", "ethnicity": "汉族", "birth_date": "1980-05-06",
                    "id_number": MEMBER_ID, "join_date": "2005-07-01", "full_date": "2006-07-01",
                    "category": "正式党员", "phone": MEMBER_PHONE}, org_id=branch)
    yield db
    db.close()


@pytest.mark.parametrize("seed, title, operator, field_name", [
    ("13800138000", None, None, "抽签种子"),
    ("4321", f"2025年度考核{MEMBER_PHONE}", None, "考核轮次名称"),
    ("4321", None, f"张三{MEMBER_ID}", "抽签人"),
])
def test_lots_record_refuses_private_numbers(county, seed, title, operator, field_name):
    rid, _ = new_round(county, title=title) if title else new_round(county)
    if operator:
        with county.transaction("测试：操作人") as tx:
            tx.set_meta("operator", operator)
    draw_lots(county, rid, seed)
    with pytest.raises(PrivacyError) as e:
        lots_pdf(county, rid)
    assert e.value.field == field_name and MEMBER_ID not in e.value.message


def test_lots_record_still_prints(county, tmp_path):
    rid, _ = new_round(county)
    draw_lots(county, rid, "4321")
    assert "4321" in text_of(lots_pdf(county, rid, tmp_path / "lots.pdf"))
