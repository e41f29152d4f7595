"""Results: totals and ratings from the scheme's evaluator, rankings, quota flags (never a silent
demotion), comparison with the previous year and consequences across years."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment_util import add_branches, county_db, drive, fill, new_round
from dangjian_desktop.assessment import rate_round, rate_sheet, sheets, workflow

NAMES = [(f"{c}村党支部", "村") for c in "甲乙丙丁戊己庚辛壬癸"]


def by_name(rating):
    return {b.org_name: b for b in rating.branches}


def test_totals_ratings_and_stars_come_from_the_scheme(db):
    add_branches(db, NAMES[:3])
    rid, branches = new_round(db, scheme="chuangxing")
    for b, v in zip(branches, (19, 16, 11.5)):
        fill(db, b.id, "self", lambda i, v=v: v)
    r = by_name(rate_round(db, rid))
    assert [(r[n].total, r[n].rating, r[n].stars) for n, _ in NAMES[:3]] == [
        (95, "五星", 5), (80, "四星", 4), (57.5, "一星", 1)]


def test_effective_score_prefers_final_then_initial(db):
    add_branches(db, NAMES[:1])
    rid, (b,) = new_round(db)
    drive(db, b.id, "审核", value_of=lambda i: 18)  # self and initial 18
    sheets.set_scores(db, b.id, "final", {"A": 10})
    assert rate_round(db, rid).branches[0].total == 82  # 10 + 4 × 18
    assert rate_sheet(db, b.id, "self").total == 90
    assert rate_sheet(db, b.id, "final").total == 10


def test_veto_sets_the_veto_rating(db):
    add_branches(db, NAMES[:2])
    rid, branches = new_round(db)
    for b in branches:
        fill(db, b.id, "self", lambda i: 19)
    sheets.set_veto(db, branches[0].id, "V1", "书记空缺8个月")
    r = by_name(rate_round(db, rid))
    vetoed = r["甲村党支部"]
    assert (vetoed.vetoed, vetoed.rating, vetoed.stars) == (True, "取消评星资格", 0)
    assert vetoed.veto_facts == ["V1 一年内没有党组织书记：书记空缺8个月"]
    assert (vetoed.rank_town, r["乙村党支部"].rank_town) == (2, 1)


def test_rankings_share_ties_within_town_and_county(tmp_path):
    db = county_db(tmp_path / "c.sqlite", ["甲镇", "乙镇"], per_town=2)
    rid, branches = new_round(db)
    values = {"甲镇1村党支部": 18, "甲镇2村党支部": 17, "乙镇1村党支部": 18, "乙镇2村党支部": 12}
    for b in branches:
        fill(db, b.id, "self", lambda i, v=values[b.org_name]: v)
    r = by_name(rate_round(db, rid))
    assert [(r[n].rank_town, r[n].rank_county) for n in values] == [(1, 1), (2, 3), (1, 1), (2, 4)]
    db.close()


def test_quota_over_cap_is_flagged_with_the_lowest_ranked_named(db):
    add_branches(db, NAMES)
    rid, branches = new_round(db, scheme="wuhua")
    # 五化: 五星 ≤ 15 % of 10 = 1. Three branches reach 五星 with 100, 95 and 90 points.
    values = [20, 19, 18] + [15] * 7
    for b, v in zip(branches, values):
        fill(db, b.id, "self", lambda i, v=v: v)
    rating = rate_round(db, rid)
    flag = next(f for f in rating.quota_flags if f.quota == "Q1")
    assert (flag.limit, flag.count) == (1, 3)
    assert flag.candidates == ["丙村党支部", "乙村党支部"]  # lowest first
    r = by_name(rating)
    # Flagged, never demoted: the reviewer decides.
    assert [r[n].rating for n in ("甲村党支部", "乙村党支部", "丙村党支部")] == ["五星"] * 3
    assert r["乙村党支部"].quota_flags == ["Q1"] and r["甲村党支部"].quota_flags == []


def test_quota_within_cap_is_not_flagged(db):
    add_branches(db, NAMES)
    rid, branches = new_round(db, scheme="wuhua")
    for n, b in enumerate(branches):
        fill(db, b.id, "self", lambda i, n=n: 20 if n == 0 else 15)
    assert not [f for f in rate_round(db, rid).quota_flags if f.quota == "Q1"]


def pct(f):
    """Every item at a share of its maximum (half points), for schemes with unequal maxima."""
    return lambda i: round(i.max * f * 2) / 2


def _value_fn(v):
    return v if callable(v) else (lambda i, v=v: v)


def _confirmed_year(db, year, values, scheme="chuangxing"):
    rid, branches = new_round(db, scheme=scheme, year=year)
    for b in branches:
        drive(db, b.id, "确定", value_of=_value_fn(values[b.org_name]),
              publicity=dt.date(year, 12, 1), confirm_on=dt.date(year + 1, 1, 10))
    return rid


def test_lost_star_brings_an_admonishment_talk(db):
    add_branches(db, NAMES[:2])
    _confirmed_year(db, 2024, {"甲村党支部": 18, "乙村党支部": 16})   # 90 五星, 80 四星
    rid, branches = new_round(db, year=2025)
    for b in branches:
        fill(db, b.id, "self", lambda i, v={"甲村党支部": 17, "乙村党支部": 16}[b.org_name]: v)
    r = by_name(rate_round(db, rid))
    lost = r["甲村党支部"]
    assert (lost.trend, lost.previous["rating"]) == ("down", "五星")
    assert any("诫勉谈话" in c.title for c in lost.consequences)
    kept = r["乙村党支部"]
    assert kept.trend == "same"
    assert not any("诫勉谈话" in c.title for c in kept.consequences)


def test_the_year_compared_with(db):
    add_branches(db, NAMES[:1])
    first, (b0,) = new_round(db, year=2024)
    fill(db, b0.id, "self", lambda i: 16)
    assert rate_round(db, first).previous_year is None  # nothing earlier
    _confirmed_year(db, 2023, {"甲村党支部": 18})
    assert rate_round(db, first).previous_year == 2023


def test_two_years_poor_under_liuyou(db):
    add_branches(db, NAMES[:2])
    # 六有: 差 below 70. 甲 is 差 (60) in 2024 and 2025; 乙 (90, 优良) only in 2025.
    _confirmed_year(db, 2024, {"甲村党支部": pct(0.6), "乙村党支部": pct(0.9)}, scheme="liuyou")
    rid, branches = new_round(db, scheme="liuyou", year=2025)
    for b in branches:
        fill(db, b.id, "self", pct(0.6))
    r = by_name(rate_round(db, rid))
    assert [c.code for c in r["甲村党支部"].consequences] == ["C1"]
    assert "通报批评" in r["甲村党支部"].consequences[0].title
    assert r["乙村党支部"].consequences == []
    assert r["乙村党支部"].trend == "down"


def test_three_years_poor_is_the_harder_consequence(db):
    add_branches(db, NAMES[:1])
    _confirmed_year(db, 2023, {"甲村党支部": pct(0.6)}, scheme="liuyou")
    _confirmed_year(db, 2024, {"甲村党支部": pct(0.6)}, scheme="liuyou")
    rid, (b,) = new_round(db, scheme="liuyou", year=2025)
    fill(db, b.id, "self", pct(0.6))
    assert [c.code for c in rate_round(db, rid).branches[0].consequences] == ["C2"]


def test_unconfirmed_earlier_rounds_do_not_count(db):
    add_branches(db, NAMES[:1])
    rid0, (b0,) = new_round(db, scheme="liuyou", year=2024)
    fill(db, b0.id, "self", pct(0.6))  # 差, but never confirmed
    rid, (b,) = new_round(db, scheme="liuyou", year=2025)
    fill(db, b.id, "self", pct(0.6))
    r = rate_round(db, rid).branches[0]
    assert r.consequences == [] and r.previous is None and r.trend is None


def test_town_without_liuyou_branch_two_years(db):
    add_branches(db, NAMES[:2])
    # Both 一般 (80) in 2024 and 2025: no 六有党支部 in the town two years running.
    _confirmed_year(db, 2024, {"甲村党支部": pct(0.8), "乙村党支部": pct(0.8)}, scheme="liuyou")
    rid, branches = new_round(db, scheme="liuyou", year=2025)
    for b in branches:
        fill(db, b.id, "self", pct(0.8))
    rating = rate_round(db, rid)
    assert [t.applied.code for t in rating.town_consequences] == ["C3"]
    assert "测试镇" == rating.town_consequences[0].town


def test_stars_at_most_three_lists_a_problem_list_under_wuhua(db):
    add_branches(db, NAMES[:1])
    rid, (b,) = new_round(db, scheme="wuhua")
    sheets.set_scores(db, b.id, "self", {"A": 17, "B": 17, "C": 17, "D": 10, "E": 10})
    r = rate_round(db, rid).branches[0]
    assert r.stars == 3
    assert any("问题清单" in c.title for c in r.consequences)


def test_rating_json_has_the_fields(db):
    add_branches(db, NAMES[:1])
    rid, (b,) = new_round(db)
    fill(db, b.id, "self", lambda i: 18)
    d = rate_round(db, rid).to_dict()
    assert {"total", "rating", "stars", "vetoed", "quota_flags", "consequences"} <= set(d["branches"][0])


def test_missing_scores_are_counted_and_warned(db):
    add_branches(db, NAMES[:1])
    rid, (b,) = new_round(db)
    sheets.set_score(db, b.id, "A", "self", 18)
    r = rate_round(db, rid).branches[0]
    assert r.missing == 4 and r.total == 18 and any("未填分" in w for w in r.warnings)


def test_cached_earlier_results_follow_an_adjustment(db):
    add_branches(db, NAMES[:1])
    _confirmed_year(db, 2024, {"甲村党支部": 18})  # 90: 五星
    rid, (b,) = new_round(db, year=2025)
    fill(db, b.id, "self", lambda i: 18)
    assert rate_round(db, rid).branches[0].previous["stars"] == 5
    prev_sheet = db.scalar("SELECT b.id FROM round_branch b JOIN assessment_round r ON r.id = b.round_id "
                           "WHERE r.year = 2024")
    workflow.adjust_score(db, prev_sheet, "A", 10, reason="复查核减")
    assert rate_round(db, rid).branches[0].previous["stars"] == 4
