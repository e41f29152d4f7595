"""The named core queries and rules the 党员积分 screens and the CLI share: the branches to choose
from, the town's top organisation, the year to open on, whether a year has a catalogue or entries,
the review grades, star counts and thresholds in words, finding a member by pinyin, the host order."""

from __future__ import annotations

import pytest

from dangjian_desktop import pinyin
from dangjian_desktop.errors import UserError
from dangjian_desktop.meetings.ledger import candidates, host_order
from dangjian_desktop.points import catalogue, scope
from dangjian_desktop.points.ledger import add_entry, has_entries
from dangjian_desktop.points.review import ReviewInput, grades, record_reviews
from dangjian_desktop.points.totals import (find_members, not_rated_exemption, rating_counts, set_exemption,
                                            star_rule, totals)
from dangjian_desktop.registry import add_org

from points_util import YEAR, add_branch, item, root_id, simple_catalogue


def test_branches_in_tree_order_named_with_their_general_branch(db):
    plain = add_branch(db, "东河村党支部", n=1)
    general = add_org(db, parent_id=root_id(db), name="机关党总支", org_type="党总支")
    under = add_org(db, parent_id=general, name="财政所党支部", org_type="党支部", kind="机关")
    add_org(db, parent_id=plain.id, name="第一党小组", org_type="党小组")
    found = scope.branches(db, db.local_office_id)
    assert [b.id for b in found] == [plain.id, under]  # groups and the 党总支 itself are not branches
    assert [b.label for b in found] == ["东河村党支部", "财政所党支部（机关党总支）"]
    assert scope.branches(db, "no-such-office") == []


def test_root_org_and_org_names(db):
    b = add_branch(db, "东河村党支部", n=1)
    assert scope.root_org(db, db.local_office_id) == root_id(db)
    assert scope.root_org(db, "no-such-office") is None
    assert scope.org_name(db, b.id) == "东河村党支部"
    with pytest.raises(UserError, match="找不到该党组织"):
        scope.org_name(db, "gone")


def test_the_screens_open_on_the_latest_year_with_entries_until_this_year_has_one(db):
    b = add_branch(db, n=2)
    office = db.local_office_id
    assert scope.default_year(db, office, today=YEAR + 1) == YEAR + 1  # nothing entered at all
    add_entry(db, b.members[0], item(db, "A05").id, f"{YEAR}-05-04")
    assert scope.default_year(db, office, today=YEAR + 1) == YEAR  # last year's results stay in view
    assert scope.default_year(db, office, today=YEAR) == YEAR
    assert scope.default_year(db, None, today=YEAR + 3) == YEAR + 3


def test_a_year_has_a_catalogue_and_entries_or_not(db):
    b = add_branch(db, n=2)
    office = db.local_office_id
    assert not catalogue.has_catalogue(db, office, YEAR) and not has_entries(db, office, YEAR)
    catalogue.ensure_catalogue(db, office, YEAR)
    assert catalogue.has_catalogue(db, office, YEAR) and not catalogue.has_catalogue(db, office, YEAR + 1)
    assert not has_entries(db, office, YEAR)
    add_entry(db, b.members[0], item(db, "A05").id, f"{YEAR}-05-04")
    assert has_entries(db, office, YEAR) and not has_entries(db, office, YEAR - 1)


def test_grades_by_member_leave_out_ballots_without_a_grade(db):
    b = add_branch(db, n=3)
    record_reviews(db, YEAR, [ReviewInput(b.members[0], 3, 0, 0, "优秀"), ReviewInput(b.members[1], 2, 1, 0, None)])
    assert grades(db, YEAR) == {b.members[0]: "优秀"}
    assert grades(db, YEAR - 1) == {}


def test_rating_counts_name_every_level_and_leave_out_the_exempt(db):
    b = add_branch(db, n=4)
    simple_catalogue(db, base=85)
    set_exemption(db, b.members[3], YEAR, "不参评", "长期住院，本人申请，支部同意")
    add_entry(db, b.members[0], item(db, "P2").id, f"{YEAR}-05-04")  # 90: 三星
    rows = totals(db, YEAR, org_id=b.id)
    assert rating_counts(rows) == {"三星党员": 1, "二星党员": 2, "一星党员": 0, "不合格党员": 0}
    assert list(rating_counts([])) == ["三星党员", "二星党员", "一星党员", "不合格党员"]
    assert star_rule() == "≥90分三星，≥80分二星，≥60分一星，低于60分无星（不合格）"


def test_not_rated_exemption_is_found_by_member_and_year(db):
    b = add_branch(db, n=2)
    set_exemption(db, b.members[0], YEAR, "年老体弱", "年过八十，本人申请")
    assert not_rated_exemption(db, b.members[0], YEAR) is None  # another kind
    set_exemption(db, b.members[0], YEAR, "不参评", "长期住院")
    assert not_rated_exemption(db, b.members[0], YEAR)["reason"] == "长期住院"
    assert not_rated_exemption(db, b.members[0], YEAR + 1) is None
    assert not_rated_exemption(db, b.members[1], YEAR) is None


def test_find_members_by_name_pinyin_or_initials(db):
    b = add_branch(db, n=3)
    rows = totals(db, YEAR, org_id=b.id)
    t = rows[0]
    initials = pinyin.initials(t.name)
    assert find_members(rows, t.name[:1])[0] is t
    assert t in find_members(rows, t.name_pinyin.replace(" ", "").upper())
    assert t in find_members(rows, initials)
    assert find_members(rows, "") == rows and find_members(rows, "  ") == rows
    assert find_members(rows, "qqqq") == []


def test_the_secretary_is_offered_as_host_first_then_the_committee(db):
    b = add_branch(db, n=5)
    people = candidates(db, b.id, "支部党员大会", year=YEAR)
    ordered = host_order(people)
    assert [p.role for p in ordered[:2]] == ["书记", "组织委员"]
    assert ordered[0].member_id == b.members[0]
    rest = ordered[2:]
    assert [p.name_pinyin for p in rest] == sorted(p.name_pinyin for p in rest)
