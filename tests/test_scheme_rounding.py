"""Fractions at the bands' edges: each scheme declares how a score with a fraction meets bands
written in whole points (去尾 or 四舍五入), and every place that bands a score applies the same rule."""

from __future__ import annotations

import json

import pytest

from dangjian_desktop.points import totals as pt
from dangjian_desktop.schemes import (check, copy_scheme, evaluate, export_xlsx, import_xlsx, load_scheme,
                                      scheme_from_dict, scheme_to_dict)
from dangjian_desktop.schemes import model as m
from dangjian_desktop.schemes.rounding import band_value, rounding_text

BUILTINS = ["liuyou", "xingji-zhibu", "xingji-dangyuan", "guifanhua", "wuhua", "chuangxing", "wugehao"]


@pytest.mark.parametrize("sid", BUILTINS)
def test_every_builtin_declares_the_documents_reading(sid):
    # "95分以上为优秀", "达到16分的获得一颗星": 94.5 and 15.5 have not reached the line.
    assert load_scheme(sid).rating.rounding == m.ROUND_TRUNCATE


def test_a_frozen_copy_without_the_rule_reads_as_truncate():
    d = scheme_to_dict(load_scheme("liuyou"))
    del d["rating"]["rounding"]
    assert scheme_from_dict(d).rating.rounding == m.ROUND_TRUNCATE


def _liuyou(rounding):
    s = copy_scheme(load_scheme("liuyou"))
    s.rating.rounding = rounding
    return s


def test_94_5_is_good_when_truncated_and_excellent_when_rounded_half_up():
    scores = {"A": 40, "B": 20, "C": 15, "D": 15, "E": 4.5}
    low = evaluate(_liuyou(m.ROUND_TRUNCATE), scores)
    high = evaluate(_liuyou(m.ROUND_HALF_UP), scores)
    assert (low.total, low.rating, low.award) == (94.5, "优良", False)
    assert (high.total, high.rating, high.award) == (94.5, "优秀", True)
    assert any("去尾" in r and "计为 94 分" in r for r in low.reasons)
    assert any("四舍五入" in r and "计为 95 分" in r for r in high.reasons)
    # Whole scores are not touched by either rule.
    assert evaluate(_liuyou(m.ROUND_HALF_UP), {**scores, "E": 4}).rating == "优良"


def test_section_stars_use_the_rule_for_each_section():
    s = copy_scheme(load_scheme("wuhua"))
    scores = {"A": 15.5, "B": 20, "C": 20, "D": 20, "E": 20}
    assert evaluate(s, scores).stars == 4
    s.rating.rounding = m.ROUND_HALF_UP
    assert evaluate(s, scores).stars == 5


@pytest.mark.parametrize("rounding", [m.ROUND_TRUNCATE, m.ROUND_HALF_UP])
@pytest.mark.parametrize("total", [59.995, 59.996, 59.5, 59.4999, 89.5, 89.995, 60, 90, 0.5])
def test_points_totals_and_scheme_evaluation_give_the_same_stars(monkeypatch, rounding, total):
    pt.star_levels()
    monkeypatch.setattr(pt, "_rounding_cache", rounding)
    scheme = copy_scheme(load_scheme(pt.STARS_SCHEME))
    scheme.rating.rounding = rounding
    assert pt.rate(total).stars == evaluate(scheme, {"A": total}).stars


def test_59_995_has_no_star_in_both_under_the_documents_reading():
    scheme = load_scheme(pt.STARS_SCHEME)
    for total in (59.995, 59.996):
        assert evaluate(scheme, {"A": total}).stars == 0
        assert pt.rate(total).stars == 0


def test_band_value_is_exact_for_decimal_scores():
    assert band_value(59.995, m.ROUND_HALF_UP) == 60
    assert band_value(59.4999, m.ROUND_HALF_UP) == 59
    assert band_value(0.1 + 0.2 + 94.2, m.ROUND_TRUNCATE) == 94
    assert "94.5 分按 94 分" in rounding_text(m.ROUND_TRUNCATE)
    assert "94.5 分按 95 分" in rounding_text(m.ROUND_HALF_UP)


def test_validator_refuses_an_unknown_rule_and_warns_about_fractional_lines():
    s = copy_scheme(load_scheme("liuyou"))
    s.rating.rounding = "ceiling"
    assert any(f.key == "rounding" and f.severity == "error" for f in check(s))
    s.rating.rounding = m.ROUND_TRUNCATE
    s.rating.levels[1].min = 85.5
    assert any(f.key == "rounding_bar" and f.severity == "warning" and "86" in f.message for f in check(s))


def test_rule_and_veto_checks_survive_excel_and_json(tmp_path):
    s = copy_scheme(load_scheme("guifanhua"))
    s.rating.rounding = m.ROUND_HALF_UP
    back = import_xlsx(export_xlsx(s, tmp_path / "g.xlsx"))
    assert back.rating.rounding == m.ROUND_HALF_UP
    assert [(v.code, v.check) for v in back.vetoes] == [(v.code, v.check) for v in s.vetoes]
    checks = {v.code: v.check for v in back.vetoes}
    assert (checks["V1"], checks["V3"]) == ("secretary_vacant", "item_zero:D3")
    assert scheme_from_dict(json.loads(json.dumps(scheme_to_dict(back)))) == back
