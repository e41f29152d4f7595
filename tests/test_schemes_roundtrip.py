"""Every field of a scheme survives dict/JSON (a round's frozen copy) and Excel."""

from __future__ import annotations

import json

import pytest

from dangjian_desktop.errors import UserError
from dangjian_desktop.schemes import export_xlsx, import_xlsx, scheme_from_dict, scheme_to_dict
from dangjian_desktop.schemes import model as m


def kitchen_sink() -> m.Scheme:
    return m.Scheme(
        id="county-2026_a", name="某县党支部考核（2026 修订）", year=2026, version="县组发〔2026〕1号",
        source=m.Source("某县考核细则", "某县委组织部", "2026-01-05", "附件2", "county.xlsx"),
        unit="党支部", total_max=50,
        sections=[
            m.Section("S1", "组织建设", 20.5, standard="标准\n第二行", evidence="会议记录", star_bar=15,
                      items=[m.Item("S1.1", "班子健全", 10.5, m.POINTS, "班子", "说明", "名册"),
                             m.Item("S1.2", "有阵地", 4, m.YESNO),
                             m.Item("S1.3", "台账", 6, m.DEDUCTION, group="台账")]),
            m.Section("S2", "服务群众", 29.5, kind=m.DEDUCTION, star_bar=20),
        ],
        rating=m.RatingRule(m.THRESHOLDS, [m.Level("好", 40.5, 2, "好支部"), m.Level("中", 30, 1),
                                           m.Level("差", 0, 0, "差支部")],
                            veto_rating="差", award=m.Award("示范支部", ["好"], False), note="原文"),
        vetoes=[m.Veto("V1", "书记缺职", "说明"), m.Veto("V2", "重大事故")], vetoes_open=True,
        quotas=[m.Quota("Q1", ["好", "示范支部"], m.BOUND_MAX, percent=12.5, enforced=True, note="原则上"),
                m.Quota("Q2", ["示范支部"], m.BOUND_MAX, count=1, scope=m.SCOPE_TOWN,
                        exceptions={"城关镇": 3, "新区": 2}),
                m.Quota("Q3", ["差"], m.BOUND_MIN, count=0, scope=m.SCOPE_TOWN)],
        bonuses={"好": 2.5, "中": 1},
        consequences=[m.Consequence("C1", "通报", m.RUN, ["差"], 2, 2),
                      m.Consequence("C2", "诫勉", m.STAR_LOSS),
                      m.Consequence("C3", "清单", m.STARS_AT_MOST, stars=1),
                      m.Consequence("C4", "批评", m.TOWN_NO_AWARD, min_years=2),
                      m.Consequence("C5", "表扬", m.RATING_IN, ["好", "中"])],
        notes=["第一条", "第二条\n续"],
        resolutions=[m.Resolution("section_sum:S1", "按 20.5 分封顶")],
    )


def test_dict_and_json_round_trip_is_exact():
    s = kitchen_sink()
    assert scheme_from_dict(scheme_to_dict(s)) == s
    assert scheme_from_dict(json.loads(json.dumps(scheme_to_dict(s), ensure_ascii=False))) == s


def test_excel_round_trip_is_exact(tmp_path):
    s = kitchen_sink()
    assert import_xlsx(export_xlsx(s, tmp_path / "k.xlsx")) == s


def test_integral_floats_become_ints():
    d = scheme_to_dict(kitchen_sink())
    d["sections"][1]["max"] = 29.0
    assert scheme_from_dict(d).sections[1].max == 29
    assert isinstance(scheme_from_dict(d).sections[1].max, int)


@pytest.mark.parametrize("path, value, fragment", [
    (("name",), None, "name 不能为空"),
    (("sections", 0, "max"), "二十", "sections[1].max 应为数字"),
    (("sections", 0, "items", 1, "code"), 7, "sections[1].items[2].code 应为文字"),
    (("rating", "levels", 0, "stars"), 1.5, "rating.levels[1].stars 应为整数"),
    (("vetoes_open",), "是", "vetoes_open 应为 true 或 false"),
    (("format",), 99, "格式版本 99 不受支持"),
])
def test_structural_errors_name_the_path(path, value, fragment):
    d = scheme_to_dict(kitchen_sink())
    target = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(UserError) as e:
        scheme_from_dict(d)
    assert fragment in e.value.message
