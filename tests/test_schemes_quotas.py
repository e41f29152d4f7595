"""Quotas flag without demoting; bonuses; consequences over the years."""

from __future__ import annotations

import pytest
from schemes_util import fill_to_total

from dangjian_desktop.schemes import (QuotaEntry, bonus_for, check_quotas, consequences_for, evaluate,
                                      load_scheme, town_consequences_for)


def _wuhua(stars: int, extra: float = 0):
    s = load_scheme("wuhua")
    scores = [20] * stars + [0] * (5 - stars)
    if stars < 5:
        scores[stars] = extra  # below the bar: changes the total, not the stars
    return evaluate(s, dict(zip("ABCDE", scores)))


def _liuyou(total, vetoes=()):
    s = load_scheme("liuyou")
    return evaluate(s, fill_to_total(s, total), list(vetoes))


@pytest.mark.parametrize("n, five_star, flagged, allowed", [
    (20, 3, False, 3),   # 15 % of 20 = 3
    (20, 4, True, 3),
    (10, 1, False, 1),   # 15 % of 10 = 1.5: at most 1
    (10, 2, True, 1),
    (6, 1, True, 0),     # 15 % of 6 = 0.9: none allowed
])
def test_wuhua_five_star_cap(n, five_star, flagged, allowed):
    s = load_scheme("wuhua")
    entries = [QuotaEntry(f"支部{k}", "前进街道", _wuhua(5 if k < five_star else 2)) for k in range(n)]
    flags = [f for f in check_quotas(s, entries) if f.quota == "Q1"]
    assert bool(flags) == flagged
    if flagged:
        assert flags[0].limit == allowed and flags[0].count == five_star and not flags[0].enforced


def test_over_cap_names_the_lowest_ranked_and_changes_nothing():
    s = load_scheme("liuyou")
    results = {"甲": _liuyou(99), "乙": _liuyou(96), "丙": _liuyou(97.5), "丁": _liuyou(95)}
    before = {k: (r.rating, r.award) for k, r in results.items()}
    flags = check_quotas(s, {k: ("东路镇", r) for k, r in results.items()})
    over = [f for f in flags if f.quota == "Q1"]
    assert len(over) == 1
    assert over[0].candidates == ["丁", "乙"]  # lowest first
    assert over[0].enforced and over[0].scope == "东路镇"
    assert "丁" in over[0].message
    assert {k: (r.rating, r.award) for k, r in results.items()} == before


def test_named_town_may_have_five():
    s = load_scheme("liuyou")
    entries = [(f"村{k}", "文城镇", _liuyou(95 + k * 0.5)) for k in range(5)]
    assert [f for f in check_quotas(s, entries) if f.quota == "Q1"] == []
    entries.append(("村5", "文城镇", _liuyou(95)))
    over = [f for f in check_quotas(s, entries) if f.quota == "Q1"]
    assert over[0].limit == 5 and len(over[0].candidates) == 1


def test_vetoed_excellent_branch_does_not_use_a_place():
    s = load_scheme("liuyou")
    entries = [("甲", "东路镇", _liuyou(99)), ("乙", "东路镇", _liuyou(98)), ("丙", "东路镇", _liuyou(97, ["V3"]))]
    assert [f for f in check_quotas(s, entries) if f.quota == "Q1"] == []


def test_tie_on_the_quota_line_is_marked():
    s = load_scheme("liuyou")
    entries = [("甲", "东路镇", _liuyou(99)), ("乙", "东路镇", _liuyou(96)), ("丙", "东路镇", _liuyou(96))]
    flag = next(f for f in check_quotas(s, entries) if f.quota == "Q1")
    assert flag.tie and "同分" in flag.message


def test_town_without_any_title_gets_an_advisory_flag():
    s = load_scheme("liuyou")
    flags = check_quotas(s, [("甲", "东路镇", _liuyou(90)), ("乙", "西路镇", _liuyou(99))])
    low = [f for f in flags if f.quota == "Q2"]
    assert [(f.scope, f.count, f.limit, f.enforced) for f in low] == [("东路镇", 0, 1, False)]


@pytest.mark.parametrize("five, three, flagged", [
    (3, 7, {"Q1": (3, 4)}),              # 40 % of 10 wanted five-star; 四星+三星 7 >= 5.5
    (4, 6, {}),
    (10, 0, {"Q2": (0, 6)}),             # 55 % of 10 = 5.5: at least 6
])
def test_chuangxing_targets_are_minimums(five, three, flagged):
    s = load_scheme("chuangxing")
    entries = [(f"村{k}", "某镇", evaluate(s, fill_to_total(s, 95 if k < five else 75))) for k in range(five + three)]
    flags = check_quotas(s, entries)
    assert {f.quota: (f.count, f.limit) for f in flags} == flagged
    assert all(f.bound == "min" and not f.candidates and not f.enforced for f in flags)


@pytest.mark.parametrize("rating, bonus", [("五星", 10), ("四星", 8), ("三星", 5), ("二星", 1), ("一星", 0), ("无星", 0)])
def test_bonus_lookup(rating, bonus):
    assert bonus_for(load_scheme("wuhua"), rating) == bonus


def test_no_bonus_where_the_scheme_has_none():
    assert bonus_for(load_scheme("liuyou"), "优秀") is None


@pytest.mark.parametrize("history, year, codes", [
    ([(2023, "差"), (2024, "差")], 2024, ["C1"]),
    ([(2022, "差"), (2023, "差"), (2024, "差")], 2024, ["C2"]),
    ([(2021, "差"), (2022, "差"), (2023, "差"), (2024, "差")], 2024, ["C2"]),
    ([(2022, "差"), (2024, "差")], 2024, []),                    # a missing year breaks the run
    ([(2023, "差"), (2024, "一般")], 2024, []),
    ([(2023, "差"), (2024, "差")], 2025, []),                    # nothing recorded for 2025
    ([(2024, "差"), (2023, "差")], 2024, ["C1"]),                # order does not matter
])
def test_liuyou_years_running_poor(history, year, codes):
    assert [a.code for a in consequences_for(load_scheme("liuyou"), history, year)] == codes


@pytest.mark.parametrize("history, codes", [
    ([(2023, "四星", 4), (2024, "三星", 3)], ["C1", "C3", "C4"]),  # lost a star
    ([(2023, "三星", 3), (2024, "四星", 4)], ["C2", "C3"]),
    ([(2023, "五星", 5), (2024, "五星", 5)], ["C2"]),
    ([(2024, "二星", 2)], ["C3", "C4"]),
])
def test_chuangxing_lost_star_and_eligibility(history, codes):
    assert [a.code for a in consequences_for(load_scheme("chuangxing"), history, 2024)] == codes


@pytest.mark.parametrize("rating, stars, codes", [
    ("五星", 5, ["C1"]), ("四星", 4, ["C2"]), ("三星", 3, ["C3", "C4"]), ("二星", 2, ["C4", "C5"]),
    ("一星", 1, ["C4", "C5", "C6"]), ("无星", 0, ["C4", "C5", "C6"]),
])
def test_wuhua_three_stars_or_fewer_need_a_problem_list(rating, stars, codes):
    got = consequences_for(load_scheme("wuhua"), [(2024, rating, stars)], 2024)
    assert [a.code for a in got] == codes
    assert all(a.reason for a in got)


def test_problem_list_consequence_mentions_the_deadline():
    got = consequences_for(load_scheme("wuhua"), [(2024, "三星", 3)], 2024)
    assert any("问题清单" in a.title and "限期" in a.title for a in got)


@pytest.mark.parametrize("awarded, codes", [
    ({2023: 0, 2024: 0}, ["C3"]),
    ({2022: 0, 2023: 0, 2024: 0}, ["C3"]),
    ({2023: 1, 2024: 0}, []),
    ({2024: 0}, []),
])
def test_liuyou_town_without_title_two_years(awarded, codes):
    assert [a.code for a in town_consequences_for(load_scheme("liuyou"), awarded, 2024)] == codes
