"""The privacy guard looks up only the numbers a document prints (privacy.StoredNumbers): nothing
is read until a long digit run is checked, the phones read once are kept while the database is
unchanged, and what it refuses is exactly what reading every person's numbers refuses: numbers
stored as written by hand (spaced, full-width, a lower-case x, two phones in one field), the
other person tables, a number added after the first look-up, by this connection or another."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment_util import add_branches
from dangjian_desktop.db import Database
from dangjian_desktop.privacy import (
    CONFIRMED_PHONE_KEY,
    MEMBER_ID_KIND,
    MEMBER_PHONE_KIND,
    MIN_PHONE_DIGITS,
    PrivacyError,
    PrivacyGuard,
    PrivateNumbers,
    digits_of,
    load_private_numbers,
)
from dangjian_desktop.registry import add_member
from dangjian_desktop.registry.idcard import make as make_id


def every_number(db) -> PrivateNumbers:
    """What the guard knew before look-ups: every row of every person table, read and normalised."""
    ids: set[str] = set()
    phones: set[str] = set()
    for (table,) in db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        cols = {r[1] for r in db.query(f'PRAGMA table_info("{table}")')}
        if "id_number" not in cols:
            continue
        for idn, phone in db.query(f'SELECT id_number, {"phone" if "phone" in cols else "NULL"} FROM "{table}"'):
            if idn and len(d := digits_of(str(idn))) >= MIN_PHONE_DIGITS:
                ids.add(d)
            for part in re.split(r"[,，;；/、]", str(phone)) if phone else ():
                if len(d := digits_of(part)) >= MIN_PHONE_DIGITS:
                    phones.add(d)
    confirmed = db.scalar("SELECT value FROM setting WHERE id = ?", (CONFIRMED_PHONE_KEY,)) or ""
    return PrivateNumbers(frozenset(ids), frozenset(phones), digits_of(confirmed))


PLAIN_ID = make_id("140826", dt.date(1980, 5, 6), 12, True)
X_ID = next(i for i in (make_id("110101", dt.date(1975, 1, 2), n, False) for n in range(1, 999)) if i.endswith("X"))
SPACED_ID = make_id("320102", dt.date(1990, 3, 7), 77, True)
FULLWIDTH_ID = make_id("440305", dt.date(1969, 12, 31), 5, False)
DEV_ID = make_id("510104", dt.date(2001, 8, 8), 31, True)
PHONES = ["13912345678", "138 0013 8000", "0359-7123456；15011112222", "１８６１２３４５６７８", "123456"]
# (stored id, stored phone): how a hand-written or older row may hold them.
STORED = [
    (PLAIN_ID, PHONES[0]),
    (X_ID[:-1] + "x", PHONES[1]),
    (f"{SPACED_ID[:6]} {SPACED_ID[6:14]} {SPACED_ID[14:]}", PHONES[2]),
    (FULLWIDTH_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")), PHONES[3]),
    (make_id("230103", dt.date(1985, 6, 1), 9, False), PHONES[4]),
]


def _member(db, org_id: str, n: int) -> str:
    idn = make_id("130102", dt.date(1980, 5, 6), 100 + n, False)
    return add_member(db, {"name": f"党员{'甲乙丙丁戊'[n]}", "sex": "女", "ethnicity": "汉族", "birth_date": "1980-05-06",
                           "id_number": idn, "join_date": "2005-07-01", "full_date": "2006-07-01",
                           "category": "正式党员"}, org_id=org_id)


@pytest.fixture
def people(db):
    """Members whose numbers are stored as a clerk may have typed them, and an applicant."""
    branch = add_branches(db, [("东岭村党支部", "村")])[0]
    ids = [_member(db, branch, n) for n in range(len(STORED))]
    with db.transaction("测试：手工录入的号码") as tx:
        for mid, (idn, phone) in zip(ids, STORED):
            tx.update("member", mid, {"id_number": idn, "phone": phone})
        tx.insert("dev_person", {"org_id": branch, "name": "入党申请人", "id_number": DEV_ID})
    return db, branch


NUMBERS = [PLAIN_ID, X_ID, SPACED_ID, FULLWIDTH_ID, DEV_ID, STORED[4][0], "13912345678", "13800138000",
           "03597123456", "15011112222", "18612345678", "1234567", make_id("110101", dt.date(1990, 3, 7), 777, True)]


def _texts():
    piece = st.one_of(
        st.sampled_from(NUMBERS),
        st.sampled_from(NUMBERS).flatmap(lambda n: st.integers(1, len(n)).map(lambda k: n[:k])),
        st.sampled_from(NUMBERS).flatmap(lambda n: st.integers(0, len(n) - 1).map(lambda k: n[k:])),
        st.text("0123456789", min_size=1, max_size=12),
        st.sampled_from(["党支部", "电话", " ", "-", "、", "x", "X", "年", "2026-03-01", "．"]),
    )
    return st.lists(piece, min_size=1, max_size=6).map("".join)


def _same_as_reading_every_number(db, text):
    looked_up = PrivacyGuard(load_private_numbers(db))
    read_all = PrivacyGuard(every_number(db))
    assert looked_up.findings(text) == read_all.findings(text)
    assert looked_up.findings(text, phone_field=True) == read_all.findings(text, phone_field=True)
    assert looked_up.member_phone_in(text) == read_all.member_phone_in(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts())
def test_look_ups_refuse_exactly_what_reading_every_number_refuses(people, text):
    _same_as_reading_every_number(people[0], text)


def test_values_across_lines_are_read_row_by_row_and_still_found(people):
    db, _ = people
    mid = db.scalar("SELECT id FROM member WHERE phone = ?", (PHONES[0],))
    with db.transaction("测试：跨行的号码") as tx:
        tx.update("member", mid, {"id_number": f"{PLAIN_ID[:9]}\n{PLAIN_ID[9:]}", "phone": "139\n1234 5678"})
    for number in NUMBERS:
        for text in (number, f"党支部{number}2026", f"电话 {number[:3]} {number[3:7]} {number[7:]}"):
            _same_as_reading_every_number(db, text)
    assert [f.kind for f in PrivacyGuard.for_db(db).findings(f"号{PLAIN_ID}")][0] == MEMBER_ID_KIND
    assert [f.kind for f in PrivacyGuard.for_db(db).findings("电话13912345678")][0] == MEMBER_PHONE_KIND


@pytest.mark.parametrize("text, kind, number", [
    (f"东岭村{PLAIN_ID}", MEMBER_ID_KIND, PLAIN_ID),
    (f"编号{X_ID}", MEMBER_ID_KIND, X_ID),
    (f"编号{SPACED_ID}号", MEMBER_ID_KIND, SPACED_ID),
    (f"编号{FULLWIDTH_ID}", MEMBER_ID_KIND, FULLWIDTH_ID),
    (f"申请人{DEV_ID}", MEMBER_ID_KIND, DEV_ID),
    ("联系13800138000", MEMBER_PHONE_KIND, "13800138000"),
    ("座机 03597123456 转", MEMBER_PHONE_KIND, "03597123456"),
    ("电话15011112222", MEMBER_PHONE_KIND, "15011112222"),
    ("电话18612345678", MEMBER_PHONE_KIND, "18612345678"),
])
def test_numbers_stored_as_typed_are_refused(people, text, kind, number):
    db, _ = people
    with pytest.raises(PrivacyError) as e:
        PrivacyGuard.for_db(db).check(text, "标题")
    assert (e.value.finding.kind, e.value.finding.number) == (kind, number)


def _statements(db) -> list[str]:
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    return seen


def _reads(seen: list[str], table: str = "member") -> list[str]:
    return [s for s in seen if re.search(rf'FROM "?{table}"?(?!\w)', s)]


def test_nothing_is_read_until_a_long_digit_run_is_printed(people):
    db, _ = people
    seen = _statements(db)
    try:
        guard = PrivacyGuard.for_db(db)
        for text in ["关于东岭村党支部2025年度评定结果的公示", "第1页 共3页", "98.5", "2026年3月1日", "★★★"]:
            guard.check(text, "正文")
        assert not _reads(seen)
        guard.check("受理电话 0898-63221234", "正文")
        assert _reads(seen)
    finally:
        db.conn.set_trace_callback(None)


def test_phones_are_read_once_while_the_database_is_unchanged(people):
    db, _ = people
    PrivacyGuard.for_db(db).check("受理电话 0898-63221234", "正文")
    seen = _statements(db)
    try:
        guard = PrivacyGuard.for_db(db)
        guard.check("受理电话 0898-63221234", "正文")
        guard.check_contact_phone("0898-63221234")
        assert not _reads(seen)  # what was looked up is remembered too
        guard.check("证书编号 20261234", "正文")
        assert _reads(seen) and all(" IN (" in s and "phone" not in s for s in _reads(seen))
    finally:
        db.conn.set_trace_callback(None)


NEW_ID = make_id("110105", dt.date(1992, 2, 29), 61, True)
NEW_PHONE = "13566667777"


def _add_new(db, branch):
    add_member(db, {"name": "新党员", "sex": "男", "ethnicity": "汉族", "birth_date": "1992-02-29",
                    "id_number": NEW_ID, "join_date": "2020-07-01", "full_date": "2021-07-01",
                    "category": "正式党员", "phone": NEW_PHONE}, org_id=branch)


def _kinds(db_or_guard, text):
    guard = db_or_guard if isinstance(db_or_guard, PrivacyGuard) else PrivacyGuard.for_db(db_or_guard)
    return [f.kind for f in guard.findings(text)]


def test_a_number_added_after_the_look_ups_is_refused(people):
    db, branch = people
    earlier = PrivacyGuard.for_db(db)
    assert MEMBER_ID_KIND not in _kinds(earlier, f"编号{NEW_ID}")
    assert MEMBER_PHONE_KIND not in _kinds(earlier, f"电话{NEW_PHONE}")
    _add_new(db, branch)
    assert _kinds(db, f"编号{NEW_ID}")[0] == MEMBER_ID_KIND
    assert _kinds(db, f"电话{NEW_PHONE}")[0] == MEMBER_PHONE_KIND
    # The document being built when the number came sees it too.
    assert _kinds(earlier, f"号{NEW_ID}")[0] == MEMBER_ID_KIND


def test_a_number_another_connection_adds_is_refused(people, db_path):
    db, branch = people
    reader = Database.open(db_path, mode="read")
    try:
        assert MEMBER_PHONE_KIND not in _kinds(reader, f"电话{NEW_PHONE}")
        assert MEMBER_ID_KIND not in _kinds(reader, f"编号{NEW_ID}")
        _add_new(db, branch)
        assert _kinds(reader, f"电话{NEW_PHONE}")[0] == MEMBER_PHONE_KIND
        assert _kinds(reader, f"编号{NEW_ID}")[0] == MEMBER_ID_KIND
    finally:
        reader.close()


def test_a_changed_phone_is_no_longer_refused(people):
    db, branch = people
    mid = db.scalar("SELECT id FROM member WHERE phone = ?", (PHONES[0],))
    assert _kinds(db, f"电话{PHONES[0]}")[0] == MEMBER_PHONE_KIND
    with db.transaction("测试：改电话") as tx:
        tx.update("member", mid, {"phone": "0898-66668888"})
    assert MEMBER_PHONE_KIND not in _kinds(db, f"电话{PHONES[0]}")
    assert _kinds(db, "电话0898-66668888")[0] == MEMBER_PHONE_KIND
