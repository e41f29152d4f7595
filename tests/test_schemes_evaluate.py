"""试算 under every built-in: threshold boundaries, stars, vetoes, caps and bad input."""

from __future__ import annotations

import pytest
from schemes_util import fill_to_total

from dangjian_desktop.errors import UserError
from dangjian_desktop.schemes import ScoreError, evaluate, load_scheme
from dangjian_desktop.schemes import model as m


@pytest.mark.parametrize("sid, total, rating, stars", [
    # 六有: 95分以上优秀, 85-94 优良, 70-84 一般, 69分以下差 (lower bounds, half points between)
    ("liuyou", 100, "优秀", None),
    ("liuyou", 95, "优秀", None),
    ("liuyou", 94.5, "优良", None),
    ("liuyou", 85, "优良", None),
    ("liuyou", 84.5, "一般", None),
    ("liuyou", 70, "一般", None),
    ("liuyou", 69.5, "差", None),
    ("liuyou", 0, "差", None),
    # 规范化: 85分及以上 合格
    ("guifanhua", 100, "合格", None),
    ("guifanhua", 85, "合格", None),
    ("guifanhua", 84.5, "不合格", None),
    ("guifanhua", 0, "不合格", None),
    # 创星晋位: 90/80/70/60 以上, 60分以下一星
    ("chuangxing", 100, "五星", 5),
    ("chuangxing", 90, "五星", 5),
    ("chuangxing", 89.5, "四星", 4),
    ("chuangxing", 80, "四星", 4),
    ("chuangxing", 79.5, "三星", 3),
    ("chuangxing", 70, "三星", 3),
    ("chuangxing", 69.5, "二星", 2),
    ("chuangxing", 60, "二星", 2),
    ("chuangxing", 59.5, "一星", 1),
    ("chuangxing", 0, "一星", 1),
    # 支部评星 / 党员评星: 90 (包括90) 三星, 80-89 二星, 60-79 一星, 60分以下无星
    ("xingji-zhibu", 90, "三星", 3),
    ("xingji-zhibu", 89.5, "二星", 2),
    ("xingji-zhibu", 80, "二星", 2),
    ("xingji-zhibu", 79.5, "一星", 1),
    ("xingji-zhibu", 60, "一星", 1),
    ("xingji-zhibu", 59.5, "无星", 0),
    ("xingji-zhibu", 0, "无星", 0),
    ("xingji-dangyuan", 120, "三星", 3),
    ("xingji-dangyuan", 90, "三星", 3),
    ("xingji-dangyuan", 89.5, "二星", 2),
    ("xingji-dangyuan", 80, "二星", 2),
    ("xingji-dangyuan", 60, "一星", 1),
    ("xingji-dangyuan", 59.5, "无星", 0),
])
def test_threshold_boundaries(sid, total, rating, stars):
    s = load_scheme(sid)
    r = evaluate(s, fill_to_total(s, total))
    assert (r.total, r.rating, r.stars, r.vetoed) == (total, rating, stars, False)


@pytest.mark.parametrize("scores, stars, rating", [
    ((20, 20, 20, 20, 20), 5, "五星"),
    ((16, 16, 16, 16, 16), 5, "五星"),  # 达到16分 includes 16
    ((15.5, 16, 16, 16, 16), 4, "四星"),
    ((20, 20, 20, 20, 0), 4, "四星"),
    ((16, 16, 16, 0, 0), 3, "三星"),
    ((16, 16, 0, 0, 0), 2, "二星"),
    ((16, 15.5, 15.5, 15.5, 15.5), 1, "一星"),
    ((15.5, 15.5, 15.5, 15.5, 15.5), 0, "无星"),
])
def test_wuhua_one_star_per_standard_at_16(scores, stars, rating):
    s = load_scheme("wuhua")
    r = evaluate(s, dict(zip("ABCDE", scores)))
    assert (r.stars, r.rating) == (stars, rating)
    assert [x.star for x in r.sections] == [v >= 16 for v in scores]


@pytest.mark.parametrize("stars, bonus", [(5, 10), (4, 8), (3, 5), (2, 1), (1, 0), (0, 0)])
def test_wuhua_bonus_in_result(stars, bonus):
    s = load_scheme("wuhua")
    r = evaluate(s, dict(zip("ABCDE", [20] * stars + [0] * (5 - stars))))
    assert r.bonus == bonus


def test_wuhua_higher_total_can_have_fewer_stars_by_the_documents_rule():
    s = load_scheme("wuhua")
    more_points = evaluate(s, dict(zip("ABCDE", (20, 20, 20, 20, 1))))
    fewer_points = evaluate(s, dict(zip("ABCDE", (16, 16, 16, 16, 16))))
    assert more_points.total > fewer_points.total and more_points.stars < fewer_points.stars


@pytest.mark.parametrize("sid, veto, rating, stars", [
    ("guifanhua", "V1", "不合格", None),
    ("guifanhua", "V3", "不合格", None),
    ("chuangxing", "V2", "取消评星资格", 0),
])
def test_veto_overrides_a_full_score(sid, veto, rating, stars):
    s = load_scheme(sid)
    r = evaluate(s, fill_to_total(s, 100), [veto])
    assert (r.rating, r.stars, r.vetoed, r.vetoes) == (rating, stars, True, [veto])
    assert any(veto in reason for reason in r.reasons)


def test_liuyou_veto_revokes_the_title_not_the_grade():
    s = load_scheme("liuyou")
    clean = evaluate(s, fill_to_total(s, 96))
    vetoed = evaluate(s, fill_to_total(s, 96), ["V1"])
    assert (clean.rating, clean.award) == ("优秀", True)
    assert (vetoed.rating, vetoed.award, vetoed.vetoed) == ("优秀", False, True)


def test_liuyou_only_excellent_gets_the_title():
    s = load_scheme("liuyou")
    assert evaluate(s, fill_to_total(s, 94.5)).award is False


def test_guifanhua_activity_section_is_capped_at_30():
    s = load_scheme("guifanhua")
    full = {i.code: (0 if i.kind == m.DEDUCTION else i.max) for sec in s.sections for i in sec.items}
    r = evaluate(s, full)
    c = next(x for x in r.sections if x.code == "C")
    assert (c.raw, c.score, c.capped) == (32, 30, True)
    assert r.total == 100 and r.rating == "合格"
    assert any("32" in x and "30" in x for x in r.reasons)


@pytest.mark.parametrize("deducted, earned", [(0, 3), (1, 2), (2.5, 0.5), (3, 0)])
def test_deduction_item_scores_max_minus_points_lost(deducted, earned):
    s = load_scheme("guifanhua")
    r = evaluate(s, {"D2": deducted})
    d = next(x for x in r.sections if x.code == "D")
    assert d.items["D2"] == earned


def _yesno_scheme() -> m.Scheme:
    return m.Scheme(id="yn", name="是否", total_max=10,
                    sections=[m.Section("A", "甲", 10, items=[m.Item("A1", "有阵地", 4, kind=m.YESNO),
                                                              m.Item("A2", "有台账", 6)])],
                    rating=m.RatingRule(m.THRESHOLDS, [m.Level("好", 8), m.Level("差", 0)]))


@pytest.mark.parametrize("value, earned", [(True, 4), (1, 4), (4, 4), (False, 0), (0, 0)])
def test_yesno_item_is_full_or_nothing(value, earned):
    r = evaluate(_yesno_scheme(), {"A1": value, "A2": 6})
    assert r.sections[0].items["A1"] == earned


def test_yesno_rejects_a_partial_score():
    with pytest.raises(ScoreError) as e:
        evaluate(_yesno_scheme(), {"A1": 2})
    assert "是否" in e.value.message


def test_fractions_add_exactly():
    s = load_scheme("liuyou")
    r = evaluate(s, {"A": 37.8, "B": 18.9, "C": 14.175, "D": 14.175, "E": 9.45})
    assert r.total == 94.5 and r.rating == "优良"


def test_point_one_steps_reach_the_threshold():
    s = load_scheme("guifanhua")
    scores = fill_to_total(s, 84.7)
    scores["D8"] = round(scores["D8"] + 0.1, 1)
    scores["D7"] = round(scores["D7"] + 0.2, 1)
    r = evaluate(s, scores)
    assert r.total == 85 and r.rating == "合格"


def test_missing_items_count_zero_and_are_named():
    s = load_scheme("guifanhua")
    scores = fill_to_total(s, 100)
    del scores["B7"], scores["D8"]
    r = evaluate(s, scores)
    assert r.missing == ["B7", "D8"]
    assert r.total == 92
    assert len(r.warnings) == 1 and "B7" in r.warnings[0] and "D8" in r.warnings[0]


@pytest.mark.parametrize("scores, vetoes, fragment", [
    ({"A1": 2.5}, [], "超过满分 2 分"),
    ({"A1": -1}, [], "不能为负数"),
    ({"Z9": 1}, [], "“Z9”不是本方案"),
    ({"A": 10}, [], "按细项计分"),
    ({"A1": "2"}, [], "不是数字"),
    ({"A1": float("nan")}, [], "不是数字"),
    ({"D2": 4}, [], "扣分 4 超过满分 3 分"),
    ({}, ["V7"], "“V7”不在本方案"),
])
def test_bad_scores_are_refused_with_exit_code_2(scores, vetoes, fragment):
    with pytest.raises(ScoreError) as e:
        evaluate(load_scheme("guifanhua"), scores, vetoes)
    assert e.value.exit_code == 2
    assert fragment in e.value.message


def test_all_problems_are_reported_at_once():
    with pytest.raises(ScoreError) as e:
        evaluate(load_scheme("guifanhua"), {"A1": 9, "A2": -1, "ZZ": 1})
    assert len(e.value.problems) == 3


def test_unbounded_member_points_accept_any_non_negative_total():
    s = load_scheme("xingji-dangyuan")
    assert evaluate(s, {"A": 135.5}).rating == "三星"
    with pytest.raises(ScoreError):
        evaluate(s, {"A": -0.5})


@pytest.mark.parametrize("cls", ["先进", "中间", "后进"])
def test_wugehao_classification_is_chosen(cls):
    s = load_scheme("wugehao")
    r = evaluate(s, {"A": True, "B": True, "C": False}, classification=cls)
    assert (r.rating, r.total, r.stars) == (cls, None, None)


def test_wugehao_needs_a_class():
    with pytest.raises(ScoreError) as e:
        evaluate(load_scheme("wugehao"), {})
    assert "先进、中间、后进" in e.value.message


def test_scheme_with_errors_cannot_be_evaluated():
    s = load_scheme("liuyou")
    s.rating.levels.reverse()
    with pytest.raises(UserError) as e:
        evaluate(s, {})
    assert "方案有错误" in e.value.message


def test_result_dict_has_the_cli_fields():
    s = load_scheme("wuhua")
    d = evaluate(s, dict(zip("ABCDE", (17, 16, 16, 16, 3)))).to_dict()
    assert {k: d[k] for k in ("total", "rating", "stars", "vetoed")} == {
        "total": 68, "rating": "四星", "stars": 4, "vetoed": False}
    assert isinstance(d["reasons"], list) and all(isinstance(x, str) for x in d["reasons"])


def test_evaluate_many_matches_evaluate():
    from dangjian_desktop.schemes import evaluate_many

    s = load_scheme("guifanhua")
    sheets = [(fill_to_total(s, t), v) for t, v in [(100, []), (84.5, []), (90, ["V2"])]]
    assert evaluate_many(s, sheets) == [evaluate(s, sc, v) for sc, v in sheets]


@pytest.mark.parametrize("sid, total, label", [
    ("xingji-zhibu", 92, "三星党支部"), ("xingji-dangyuan", 85, "二星党员"), ("guifanhua", 90, "党支部规范化建设合格支部"),
    ("liuyou", 90, "优良"),
])
def test_label_is_the_long_title(sid, total, label):
    s = load_scheme(sid)
    assert evaluate(s, fill_to_total(s, total)).label == label
