"""The validator: numbers that do not add up, thresholds out of order, duplicate codes."""

from __future__ import annotations

import pytest

from dangjian_desktop.schemes import check, load_scheme, validate
from dangjian_desktop.schemes import model as m
from dangjian_desktop.schemes.validate import ERROR, INFO, WARNING


def _small() -> m.Scheme:
    return m.Scheme(
        id="small", name="小方案", total_max=20,
        sections=[m.Section("A", "甲", 10, items=[m.Item("A1", "一", 4), m.Item("A2", "二", 6)]),
                  m.Section("B", "乙", 10)],
        rating=m.RatingRule(m.THRESHOLDS, [m.Level("好", 15), m.Level("中", 10), m.Level("差", 0)]),
        vetoes=[m.Veto("V1", "否决")],
        quotas=[m.Quota("Q1", ["好"], count=1)],
        bonuses={"好": 2},
        consequences=[m.Consequence("C1", "整改", m.RUN, ["差"], min_years=2)])


def _keys(s, severity):
    return [f.key for f in check(s) if f.severity == severity]


def test_small_scheme_is_clean():
    assert check(_small()) == []


def _dup_item(s):
    s.sections[1].items.append(m.Item("A1", "重复", 10))


def _items_over(s):
    s.sections[0].items[1].max = 7


def _items_under(s):
    s.sections[0].items[1].max = 5


def _sections_over(s):
    s.sections[1].max = 12


def _levels_unordered(s):
    s.rating.levels[0].min, s.rating.levels[1].min = 10, 15


def _levels_equal(s):
    s.rating.levels[1].min = 15


def _levels_gap_at_bottom(s):
    s.rating.levels[-1].min = 5


def _level_unreachable(s):
    s.rating.levels[0].min = 25


def _quota_unknown(s):
    s.quotas[0].ratings = ["优秀"]


def _quota_both(s):
    s.quotas[0].percent = 10


def _bonus_unknown(s):
    s.bonuses["优秀"] = 1


def _consequence_unknown(s):
    s.consequences[0].ratings = ["很差"]


def _veto_dup(s):
    s.vetoes.append(m.Veto("V1", "又一个"))


def _negative_max(s):
    s.sections[0].items[0].max = -1


def _stale_resolution(s):
    s.resolutions.append(m.Resolution("section_sum:A", "旧的说明"))


def _bad_id(s):
    s.id = "六有"


def _star_rule_on_grades(s):
    s.consequences.append(m.Consequence("C2", "诫勉", m.STAR_LOSS))


@pytest.mark.parametrize("mutate, severity, key, fragment", [
    (_dup_item, ERROR, "dup_code:A1", "重复"),
    (_items_over, WARNING, "section_sum:A", "合计 11 分，超过本部分满分 10 分"),
    (_items_under, WARNING, "section_sum:A", "合计 9 分，少于本部分满分 10 分"),
    (_sections_over, WARNING, "total_sum", "合计 22 分，超过总分 20 分"),
    (_levels_unordered, ERROR, "levels_order", "从高到低"),
    (_levels_equal, ERROR, "levels_order", "从高到低"),
    (_levels_gap_at_bottom, ERROR, "levels_cover", "低于 5 分的总分没有对应等次"),
    (_level_unreachable, WARNING, "level_unreachable:好", "无法达到"),
    (_quota_unknown, ERROR, "quota:Q1", "“优秀”不存在"),
    (_quota_both, ERROR, "quota:Q1", "只写一个"),
    (_bonus_unknown, ERROR, "bonus:优秀", "不存在"),
    (_consequence_unknown, ERROR, "consequence:C1", "“很差”不存在"),
    (_veto_dup, ERROR, "dup_veto:V1", "重复"),
    (_negative_max, ERROR, "max:A1", "负数"),
    (_stale_resolution, INFO, "stale:section_sum:A", "已不存在"),
    (_bad_id, ERROR, "id", "不合规"),
    (_star_rule_on_grades, ERROR, "consequence:C2", "不评星"),
])
def test_finding(mutate, severity, key, fragment):
    s = _small()
    mutate(s)
    found = [f for f in check(s) if f.key == key]
    assert len(found) == 1 and found[0].severity == severity
    assert fragment in found[0].message


def test_a_disagreement_without_resolution_says_so():
    s = _small()
    _items_over(s)
    lines = validate(s)
    assert lines[0] == check(s)[0].text()
    assert lines[0].startswith("不一致：") and lines[0].endswith("【未写处理说明】")
    assert lines[1].startswith("提示：全表细项分值合计 21 分")


def test_a_resolution_is_attached_to_its_finding():
    s = _small()
    _items_over(s)
    s.resolutions.append(m.Resolution("section_sum:A", "按 10 分封顶"))
    assert validate(s)[0].endswith("【处理说明】按 10 分封顶")


def test_section_stars_need_a_level_per_star_count():
    s = load_scheme("wuhua")
    del s.rating.levels[-1]  # no level for 0 stars
    assert _keys(s, ERROR) == ["levels_stars", "bonus:无星"]


def test_section_star_bar_above_the_maximum_is_reported():
    s = load_scheme("wuhua")
    s.sections[2].max = 15
    keys = _keys(s, WARNING)
    assert "bar:C" in keys and "total_sum" in keys


def test_stars_must_fall_with_the_thresholds():
    s = load_scheme("chuangxing")
    s.rating.levels[1].stars = 6
    assert _keys(s, ERROR) == ["levels_stars"]


def test_guifanhua_fixed_in_excel_leaves_a_stale_resolution():
    s = load_scheme("guifanhua")
    s.section("C").items[1].max = 4  # 每月召开一次支委会: 6 -> 4 makes 30
    assert _keys(s, WARNING) == []
    assert _keys(s, INFO) == ["stale:section_sum:C"]


@pytest.mark.parametrize("where", ["item", "section", "total", "level", "bonus"])
def test_a_huge_number_is_an_error_not_a_crash(where):
    s = _small()
    huge = 1e308
    if where == "item":
        s.sections[0].items[0].max = huge
    elif where == "section":
        s.sections[1].max = huge
    elif where == "total":
        s.total_max = huge
    elif where == "level":
        s.rating.levels[0].min = huge
    else:
        s.bonuses["好"] = huge
    errors = [f for f in check(s) if f.severity == ERROR]
    assert any(f.key.startswith("too_big:") and "数值过大" in f.message for f in errors)
    assert all("e+" not in line or "数值过大" not in line for line in validate(s))


def test_a_huge_score_is_refused_in_words():
    from dangjian_desktop.schemes import ScoreError, evaluate

    with pytest.raises(ScoreError) as e:
        evaluate(_small(), {"A1": 1e308})
    assert "超过满分" in e.value.message
    with pytest.raises(ScoreError):
        evaluate(_small(), {"A1": -1e308})


def test_fmt_num_never_fails_on_a_huge_number():
    assert m.fmt_num(1e308) == "1e+308"
    assert m.fmt_num(10 ** 30) == "1e+30"
    assert m.fmt_num(1_000_000) == "1000000"


@pytest.mark.parametrize("check_text, fragment", [
    ("nonexistent", "书记空缺（核对组织台账）"),
    ("item_zero:ZZ", "某细项得0分:细项编号"),
    ("secretary_vacant:A1", "书记空缺（核对组织台账）:A1"),
])
def test_a_veto_check_error_is_written_in_chinese(check_text, fragment):
    s = _small()
    s.vetoes[0].check = check_text
    [finding] = [f for f in check(s) if f.key == "veto_check:V1"]
    assert fragment in finding.message
    assert "secretary_vacant" not in finding.message and "item_zero" not in finding.message


def test_a_negative_bar_or_minimum_is_an_error():
    w = load_scheme("wuhua")
    w.rating.bar = -1  # every section would earn its star with 0 points
    assert "negative:bar" in _keys(w, ERROR)
    w = load_scheme("wuhua")
    w.sections[0].star_bar = -5
    assert f"negative:bar:{w.sections[0].code}" in _keys(w, ERROR)
    s = _small()
    s.rating.levels[1].min = -1
    assert "negative:level:中" in _keys(s, ERROR)


def test_a_veto_rating_that_is_the_highest_level_is_an_error():
    g = load_scheme("guifanhua")
    g.rating.veto_rating = "合格"  # a vetoed branch would be rated 合格
    assert "veto_rating_top" in _keys(g, ERROR)
    assert "veto_rating_top" not in _keys(load_scheme("guifanhua"), ERROR)
