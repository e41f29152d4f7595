"""Yearly totals and member stars: base score, caps per item, exemptions, every star boundary, lock."""

from __future__ import annotations

import pytest

from dangjian_desktop.errors import LockedError, ValidationError
from dangjian_desktop.points import catalogue
from dangjian_desktop.points.batch import EntryDraft
from dangjian_desktop.points.ledger import add_entries, add_entry
from dangjian_desktop.points.totals import (branch_summary, exemptions, lock_year, member_breakdown, rate,
                                            remove_exemption, set_exemption, star_levels, totals, unlock_year)
from dangjian_desktop.registry import change_status

from points_util import YEAR, add_branch, simple_catalogue


@pytest.fixture
def setup(db):
    b = add_branch(db, n=4, mobile=(3,))
    items = simple_catalogue(db)
    return db, b, items


def entries(db, member_id, item, n, *, month=3, points=None):
    drafts = [EntryDraft(member_id, item.id, f"{YEAR}-{month:02d}-{d + 1:02d}", points) for d in range(n)]
    if drafts:
        add_entries(db, drafts, title="test")


def total_of(db, member_id, year=YEAR):
    return next(t for t in totals(db, year) if t.member_id == member_id)


@pytest.mark.parametrize("times, expected", [(0, 0), (1, 5), (3, 15), (4, 20), (5, 20), (9, 20)])
def test_additions_are_capped_per_item_per_year(setup, times, expected):
    db, b, items = setup
    entries(db, b.members[1], items["P2"], times)
    assert total_of(db, b.members[1]).items == expected


@pytest.mark.parametrize("times, expected", [(1, -2), (3, -6), (4, -6), (10, -6)])
def test_deductions_are_capped_per_item_per_year(setup, times, expected):
    db, b, items = setup
    entries(db, b.members[1], items["M1"], times)
    assert total_of(db, b.members[1]).items == expected


def test_caps_apply_to_each_item_on_its_own(setup):
    db, b, items = setup
    entries(db, b.members[1], items["P2"], 6)   # 30 -> 20
    entries(db, b.members[1], items["M1"], 5)   # -10 -> -6
    entries(db, b.members[1], items["P4"], 7)   # 3.5, no cap
    assert total_of(db, b.members[1]).items == 20 - 6 + 3.5


def test_a_cap_counts_every_member_separately(setup):
    db, b, items = setup
    entries(db, b.members[1], items["P2"], 5)
    entries(db, b.members[2], items["P2"], 2)
    assert [total_of(db, m).items for m in b.ids(1, 2)] == [20, 10]


def test_total_is_base_plus_items(setup):
    db, b, items = setup
    catalogue.set_base_score(db, b.office_id, YEAR, 70)
    entries(db, b.members[1], items["P2"], 2)
    t = total_of(db, b.members[1])
    assert (t.base, t.items, t.total) == (70, 10, 80)


def test_member_without_entries_has_the_base_score(setup):
    db, b, _items = setup
    assert total_of(db, b.members[2]).total == 60


def test_entries_of_another_year_do_not_count(setup):
    db, b, items = setup
    entries(db, b.members[1], items["P2"], 2)
    simple_catalogue(db, YEAR - 1)
    prev = next(i for i in catalogue.items(db, b.office_id, YEAR - 1) if i.code == "P2")
    add_entry(db, b.members[1], prev.id, f"{YEAR - 1}-05-01")
    assert total_of(db, b.members[1]).items == 10
    assert total_of(db, b.members[1], YEAR - 1).items == 5


def test_mobile_member_is_exempt_from_items_naming_the_class(setup):
    db, b, items = setup
    mobile = b.members[3]
    entries(db, mobile, items["M1"], 2)
    entries(db, mobile, items["P2"], 1)
    t = total_of(db, mobile)
    assert t.items == 5 and "流动党员" in t.classes


def test_frail_exemption_on_request_exempts_the_same_items(setup):
    db, b, items = setup
    entries(db, b.members[1], items["M1"], 2)
    assert total_of(db, b.members[1]).items == -4
    set_exemption(db, b.members[1], YEAR, "年老体弱", "年老体弱，本人申请")
    t = total_of(db, b.members[1])
    assert t.items == 0 and t.stars is not None


def test_not_rated_exemption_has_no_stars_and_is_not_failing(setup):
    db, b, items = setup
    entries(db, b.members[1], items["M2"], 1)
    set_exemption(db, b.members[1], YEAR, "不参评", "长期住院，本人申请，支部同意")
    t = total_of(db, b.members[1])
    assert (t.stars, t.rating, t.failing, t.exempt_reason) == (None, "免评", False, "长期住院，本人申请，支部同意")


def test_exemption_needs_a_reason(setup):
    db, b, _ = setup
    with pytest.raises(ValidationError) as e:
        set_exemption(db, b.members[1], YEAR, "不参评", "  ")
    assert "原因" in e.value.message


def test_removing_an_exemption_rates_the_member_again(setup):
    db, b, _ = setup
    xid = set_exemption(db, b.members[1], YEAR, "不参评", "外出务工")
    assert len(exemptions(db, YEAR, office_id=b.office_id)) == 1
    remove_exemption(db, xid)
    assert total_of(db, b.members[1]).stars is not None


@pytest.mark.parametrize("total, rating, stars", [
    (100, "三星", 3), (90, "三星", 3), (89.99, "二星", 2), (89.5, "二星", 2), (80, "二星", 2),
    (79.99, "一星", 1), (60, "一星", 1), (59.99, "无星", 0), (59.5, "无星", 0), (0, "无星", 0)])
def test_stars_at_every_boundary(setup, total, rating, stars):
    db, b, _ = setup
    catalogue.set_base_score(db, b.office_id, YEAR, total)
    t = total_of(db, b.members[2])
    assert (t.total, t.rating, t.stars, t.failing) == (total, rating, stars, stars == 0)


def test_a_negative_total_has_no_star(setup):
    db, b, items = setup
    catalogue.set_base_score(db, b.office_id, YEAR, 10)
    entries(db, b.members[1], items["M2"], 1)
    t = total_of(db, b.members[1])
    assert (t.total, t.stars, t.label) == (-20, 0, "不合格党员")


def test_star_thresholds_come_from_the_member_stars_scheme():
    levels, source = star_levels()
    assert "评分方案" in source
    assert [(lv.min, lv.stars) for lv in levels] == [(90, 3), (80, 2), (60, 1), (0, 0)]
    # The scheme's rounding rule (去尾), as the scheme's evaluation reads it: not rounded up to 90.
    assert rate(89.995).name == "二星"


def test_members_who_left_or_joined_later_are_not_rated(setup):
    db, b, _ = setup
    change_status(db, b.members[2], event="转出", date="2026-01-10")
    ids = {t.member_id for t in totals(db, YEAR)}
    assert b.members[2] not in ids and b.members[1] in ids
    late = add_branch(db, "西村党支部", n=1, secretary=False)
    db_row = db.get("member", late.members[0])
    with db.transaction("test") as tx:
        tx.update("member", db_row["id"], {"join_date": f"{YEAR + 1}-01-05"})
    assert late.members[0] not in {t.member_id for t in totals(db, YEAR)}


def test_breakdown_explains_caps_and_exemptions(setup):
    db, b, items = setup
    entries(db, b.members[3], items["P2"], 5)
    entries(db, b.members[3], items["M1"], 1)
    rows = {r["code"]: r for r in member_breakdown(db, b.members[3], YEAR)}
    assert (rows["P2"]["raw"], rows["P2"]["counted"]) == (25, 20) and "上限" in rows["P2"]["note"]
    assert rows["M1"]["counted"] == 0 and "流动党员" in rows["M1"]["note"]


def test_detail_splits_additions_and_deductions(setup):
    db, b, items = setup
    entries(db, b.members[1], items["P2"], 5)
    entries(db, b.members[1], items["M1"], 1)
    t = next(t for t in totals(db, YEAR, detail=True) if t.member_id == b.members[1])
    assert (t.plus, t.minus, t.items) == (20, -2, 18)


def test_branch_summary_averages_rated_members(setup):
    db, b, items = setup
    entries(db, b.members[0], items["P2"], 6)   # 80
    set_exemption(db, b.members[2], YEAR, "不参评", "病休")
    s = next(s for s in branch_summary(db, YEAR) if s.org_id == b.id)
    # members 0 (80), 1 (60), 3 (60); member 2 exempt
    assert (s.members, s.rated, s.exempt, s.average, s.stars[2], s.stars[1]) == (4, 3, 1, 66.67, 1, 2)


def test_totals_for_one_branch_only(db):
    a = add_branch(db, "东村党支部", n=2)
    add_branch(db, "西村党支部", n=3)
    simple_catalogue(db)
    assert {t.member_id for t in totals(db, YEAR, org_id=a.id)} == set(a.members)


# ---- locking -----------------------------------------------------------------------------------

def test_locking_freezes_the_results_and_refuses_changes(setup):
    db, b, items = setup
    entries(db, b.members[1], items["P2"], 2)
    n = lock_year(db, b.office_id, YEAR, publicity_start="2026-01-05", publicity_end="2026-01-11")
    assert n == 4
    with pytest.raises(LockedError):
        add_entry(db, b.members[1], items["P2"].id, f"{YEAR}-06-01")
    with pytest.raises(LockedError):
        catalogue.set_base_score(db, b.office_id, YEAR, 50)
    # A later change of the member's class does not move a published result.
    with db.transaction("test") as tx:
        tx.update("member", b.members[1], {"is_mobile": 1, "mobile_whereabouts": "上海市"})
    t = total_of(db, b.members[1])
    assert (t.total, t.locked) == (70, True)


def test_publicity_must_be_over_before_locking(setup):
    db, b, _ = setup
    with pytest.raises(ValidationError) as e:
        lock_year(db, b.office_id, YEAR, publicity_start="2026-01-05", publicity_end="2099-01-11")
    assert "公示期满" in e.value.message


def test_unlocking_needs_a_reason_and_makes_the_year_live_again(setup):
    db, b, items = setup
    lock_year(db, b.office_id, YEAR, publicity_start="2026-01-05", publicity_end="2026-01-11")
    with pytest.raises(ValidationError):
        unlock_year(db, b.office_id, YEAR, reason="")
    unlock_year(db, b.office_id, YEAR, reason="公示期间发现漏记")
    add_entry(db, b.members[1], items["P2"].id, f"{YEAR}-06-01")
    assert total_of(db, b.members[1]).total == 65 and not total_of(db, b.members[1]).locked
    assert db.verify() == []
