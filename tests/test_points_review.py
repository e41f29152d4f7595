"""民主评议党员: ballots 好/一般/差 and the branch's grade per member and year."""

from __future__ import annotations

import pytest

from dangjian_desktop.errors import LockedError, ValidationError
from dangjian_desktop.points.review import ReviewInput, grade_counts, record_reviews, reviews
from dangjian_desktop.points.totals import lock_year

from points_util import YEAR, add_branch, simple_catalogue


@pytest.fixture
def setup(db):
    return db, add_branch(db, n=5)


def test_a_branch_sheet_is_saved_in_one_unit_of_work(setup):
    db, b = setup
    before = db.scalar("SELECT count(*) FROM tx_log")
    n = record_reviews(db, YEAR, [ReviewInput(b.members[0], 5, 0, 0, "优秀"),
                                  ReviewInput(b.members[1], 3, 2, 0, "合格"),
                                  ReviewInput(b.members[2], 1, 2, 2, "基本合格")])
    assert n == 3 and db.scalar("SELECT count(*) FROM tx_log") == before + 1
    got = {r["member_id"]: (r["good"], r["fair"], r["poor"], r["grade"]) for r in reviews(db, YEAR, org_id=b.id)}
    assert got[b.members[1]] == (3, 2, 0, "合格") and got[b.members[4]] == (None, None, None, None)
    assert grade_counts(db, YEAR, org_id=b.id) == {"优秀": 1, "合格": 1, "基本合格": 1, "不合格": 0}


def test_saving_again_updates_and_an_empty_row_removes(setup):
    db, b = setup
    record_reviews(db, YEAR, [ReviewInput(b.members[0], 5, 0, 0, "优秀")])
    record_reviews(db, YEAR, [ReviewInput(b.members[0], 4, 1, 0, "合格")])
    assert db.one("SELECT good, grade FROM member_review")[:] == (4, "合格")
    assert record_reviews(db, YEAR, [ReviewInput(b.members[0], 4, 1, 0, "合格")]) == 0
    record_reviews(db, YEAR, [ReviewInput(b.members[0], 0, 0, 0, None)])
    assert db.scalar("SELECT count(*) FROM member_review") == 0


@pytest.mark.parametrize("entry, words", [
    ((-1, 0, 0, "合格"), "0或正整数"),
    ((1.5, 0, 0, "合格"), "0或正整数"),
    (("三", 0, 0, "合格"), "不是整数"),
    ((1, 0, 0, "良好"), "评定等次"),
    ((4, 2, 0, "合格"), "超过所在支部党员人数"),
])
def test_review_rules(setup, entry, words):
    db, b = setup
    with pytest.raises(ValidationError) as e:
        record_reviews(db, YEAR, [ReviewInput(b.members[0], *entry)])
    assert words in e.value.message
    assert db.scalar("SELECT count(*) FROM member_review") == 0


def test_a_locked_year_refuses_reviews(setup):
    db, b = setup
    simple_catalogue(db)
    lock_year(db, b.office_id, YEAR, publicity_start="2026-01-05", publicity_end="2026-01-11")
    with pytest.raises(LockedError):
        record_reviews(db, YEAR, [ReviewInput(b.members[0], 5, 0, 0, "优秀")])
