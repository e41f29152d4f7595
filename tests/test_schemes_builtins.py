"""The built-in schemes carry the documents' numbers, in the documents' order."""

from __future__ import annotations

import json

import pytest

from dangjian_desktop import paths
from dangjian_desktop.schemes import (builtin_ids, check, load_scheme, scheme_from_dict, scheme_to_dict,
                                      validate)
from dangjian_desktop.schemes import model as m
from dangjian_desktop.schemes.validate import ERROR, WARNING

BUILTINS = ["liuyou", "xingji-zhibu", "xingji-dangyuan", "guifanhua", "wuhua", "chuangxing", "wugehao"]

# 武进区党支部规范化建设考核细则 (seed 002), line by line: (考核项目, 标明分值, [(考核要求, 分值), ...]).
GUIFANHUA_TABLE = [
    ("组织设置合理", 10, [("组织健全", 2), ("组织健全", 2), ("班子过硬", 3), ("按期换届", 3)]),
    ("党员管理规范", 30, [("发展党员规范", 3)] * 3 + [("党员教育规范", 3)] * 3 + [("党员管理规范", 3)] * 3
     + [("党员评议规范", 3)]),
    ("活动开展有序", 30, [("落实“三会一课”制度", 2), ("落实“三会一课”制度", 6), ("落实“三会一课”制度", 6),
                    ("落实“三会一课”制度", 2), ("落实组织生活会制度", 8), ("落实联系服务群众制度", 8)]),
    ("保障措施到位", 30, [("强化阵地建设", 3)] * 2 + [("落实经费保障", 3)] * 3 + [("规范台账管理", 5)] * 3),
]


def test_every_document_has_its_builtin():
    assert builtin_ids() == BUILTINS


@pytest.mark.parametrize("sid", BUILTINS)
def test_builtin_file_is_exactly_its_dict_form(sid):
    """The JSON on disk is what scheme_to_dict writes (nothing lost or added on load)."""
    raw = json.loads(paths.resource("schemes", f"{sid}.json").read_text(encoding="utf-8"))
    assert scheme_to_dict(scheme_from_dict(raw)) == raw


@pytest.mark.parametrize("sid", BUILTINS)
def test_builtin_round_trips_through_its_dict(sid):
    s = load_scheme(sid)
    assert scheme_from_dict(scheme_to_dict(s)) == s
    assert scheme_from_dict(json.loads(json.dumps(scheme_to_dict(s)))) == s


@pytest.mark.parametrize("sid", BUILTINS)
def test_builtin_has_no_errors(sid):
    assert [f.message for f in check(load_scheme(sid)) if f.severity == ERROR] == []


def test_guifanhua_has_the_whole_table_in_document_order():
    s = load_scheme("guifanhua")
    got = [(sec.title, sec.max, [(i.group, i.max) for i in sec.items]) for sec in s.sections]
    assert got == GUIFANHUA_TABLE
    assert s.total_max == 100
    assert sum(len(sec.items) for sec in s.sections) == 28


def test_guifanhua_item_texts_are_the_documents():
    s = load_scheme("guifanhua")
    items = [i for sec in s.sections for i in sec.items]
    assert items[0].title == "党支部职数设置合理。"
    assert items[-1].title.startswith("做好党员联系服务群众台帐。图文结合记录")
    assert [i.code for i in items[:4]] == ["A1", "A2", "A3", "A4"]
    assert s.section("D").items[1].kind == m.DEDUCTION  # 酌情扣分


def test_guifanhua_vetoes_are_an_open_list():
    s = load_scheme("guifanhua")
    assert [v.code for v in s.vetoes] == ["V1", "V2", "V3"]
    assert s.vetoes[0].title == "党支部书记缺职"
    assert s.vetoes_open is True


def test_guifanhua_reports_the_32_point_section_with_its_resolution():
    s = load_scheme("guifanhua")
    warnings = [f for f in check(s) if f.severity == WARNING]
    assert [f.key for f in warnings] == ["section_sum:C"]
    assert "32" in warnings[0].message and "30" in warnings[0].message
    assert warnings[0].resolution and "封顶" in warnings[0].resolution
    assert any("处理说明" in line and "32" in line for line in validate(s))


@pytest.mark.parametrize("sid, sections", [
    ("liuyou", [("组织建设情况", 40), ("阵地建设情况", 20), ("服务群众情况", 15), ("经济和社会发展情况", 15),
                ("廉洁自律情况", 10)]),
    ("wuhua", [("组织网格化", 20), ("工作区域化", 20), ("队伍专业化", 20), ("服务智慧化", 20), ("运转规范化", 20)]),
    ("chuangxing", [("服务经济发展", 20), ("服务社会管理", 20), ("服务文化建设", 20), ("服务平安和谐", 20),
                    ("服务生态文明", 20)]),
])
def test_five_section_schemes(sid, sections):
    s = load_scheme(sid)
    assert [(x.title, x.max) for x in s.sections] == sections
    assert all(x.whole for x in s.sections)
    assert s.total_max == 100
    assert validate(s) == []


@pytest.mark.parametrize("sid, note_fragment", [
    ("chuangxing", "每方面20分"),       # the document gives no split
    ("liuyou", "94.5分为优良"),         # 85-94 / 69分以下 leave gaps for half points
    ("xingji-zhibu", "60-79分"),        # 60 is in both 60-79 and 60分以下
    ("wuhua", "附件未收录"),
])
def test_document_ambiguities_are_stated(sid, note_fragment):
    assert any(note_fragment in n for n in load_scheme(sid).notes)


def test_wuhua_bonuses_and_quotas():
    s = load_scheme("wuhua")
    assert s.bonuses == {"五星": 10, "四星": 8, "三星": 5, "二星": 1, "一星": 0, "无星": 0}
    assert [(q.ratings, q.bound, q.percent, q.enforced) for q in s.quotas] == [
        (["五星"], "max", 15, False), (["四星"], "max", 30, False)]


def test_liuyou_quota_has_the_named_exception():
    q = load_scheme("liuyou").quotas[0]
    assert (q.ratings, q.bound, q.count, q.scope, q.exceptions) == (["六有党支部"], "max", 2, "town", {"文城镇": 5})


def test_wugehao_is_a_classification_without_points():
    s = load_scheme("wugehao")
    assert s.rating.kind == m.CLASSIFICATION
    assert [lv.name for lv in s.rating.levels] == ["先进", "中间", "后进"]
    assert s.effective_total_max() is None


@pytest.mark.parametrize("sid, most", [("chuangxing", 5), ("wuhua", 5), ("xingji-zhibu", 3), ("liuyou", None),
                                       ("wugehao", None)])
def test_the_most_stars_a_result_can_carry(sid, most):
    """The results table draws ☆ up to this many (结果报告)."""
    assert load_scheme(sid).max_stars == most


def test_section_stars_without_levels_count_one_star_per_section():
    s = load_scheme("wuhua")
    for lv in s.rating.levels:
        lv.stars = None
    assert s.rating.kind == m.SECTION_STARS and s.max_stars == len(s.sections) == 5


def test_a_renamed_level_is_followed_by_what_named_it():
    """The scheme editor renames a level (评定规则): the award, quotas, bonuses, consequences and the
    veto rating keep pointing at it."""
    s = load_scheme("liuyou")
    top = s.rating.levels[0]
    assert top.name == "优秀" and s.rating.award.levels == ["优秀"]
    s.rename_level(top, "特优")
    assert top.name == "特优" and s.rating.award.levels == ["特优"]
    w = load_scheme("wuhua")
    w.rename_level(w.rating.levels[1], "四星级")
    assert "四星级" in w.bonuses and "四星" not in w.bonuses
    assert [q.ratings for q in w.quotas] == [["五星"], ["四星级"]]
    g = load_scheme("guifanhua")
    g.rename_level(g.rating.level(g.rating.veto_rating), "未达标")
    assert g.rating.veto_rating == "未达标" and g.consequences[0].ratings == ["未达标"]
    assert [lv.name for lv in g.rating.levels] == ["合格", "未达标"]


def test_renaming_a_code_carries_the_veto_check_and_the_resolution():
    g = load_scheme("guifanhua")
    d3 = g.section("D").items[2]
    g.rename_code(d3, "D3-1")
    assert g.veto("V3").check == "item_zero:D3-1"
    g.rename_code(g.section("C"), "C0")
    assert g.resolution("section_sum:C0") is not None
    assert [f.severity for f in check(g)] == [f.severity for f in check(load_scheme("guifanhua"))]


def test_a_level_cannot_be_renamed_to_another_levels_name():
    w = load_scheme("wuhua")
    with pytest.raises(ValueError, match="已有名为“四星”的等次"):
        w.rename_level(w.rating.levels[0], "四星")
    assert w == load_scheme("wuhua")  # nothing merged: the bonuses and quotas of 五星 and 四星 are kept
