"""Evaluating many sheets under one prepared scheme gives exactly what evaluating each sheet
afresh gives, validates the scheme once, and never serves an edited scheme an old preparation.

The oracle below is the per-sheet evaluator as it was before schemes were prepared (every
lookup, maximum and text rebuilt from the scheme for every sheet), kept small and unchanged.
"""

from __future__ import annotations

import math
import random
import sys
import uuid
from decimal import Decimal

import pytest

from dangjian_desktop.assessment import results as round_results
from dangjian_desktop.errors import UserError
from dangjian_desktop.schemes import (Award, Item, Level, RatingRule, Scheme, Section, Veto, copy_scheme, evaluate,
                                      evaluate_many, list_schemes, load_scheme)
from dangjian_desktop.schemes import model as m
import dangjian_desktop.schemes.validate  # noqa: F401  (the module, not the function of that name)
from dangjian_desktop.schemes.evaluate import Result, ScoreError, SectionResult, prepare, section_scores
from dangjian_desktop.schemes.model import fmt_num
from dangjian_desktop.schemes.rounding import band_value, rounding_label

validate_module = sys.modules["dangjian_desktop.schemes.validate"]


# ---- the oracle: the per-sheet evaluator ----------------------------------------------------------
def _dec(v):
    return Decimal(str(v)) if isinstance(v, float) else Decimal(v)


def _out(d):
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def _unit_score(code, title, kind, mx, value, problems):
    label = f"“{title}”（{code}）"
    if kind == m.YESNO:
        if isinstance(value, bool):
            yes = value
        elif isinstance(value, (int, float)) and value in (0, 1):
            yes = value == 1
        elif isinstance(value, (int, float)) and mx is not None and value == mx:
            yes = True
        else:
            problems.append(f"{label} 为“是否”项，只能填 1（是）或 0（否），现为 {value!r}。")
            return None
        return (_dec(mx) if mx is not None else Decimal(1)) if yes else Decimal(0)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.append(f"{label} 的分数“{value}”不是数字。")
        return None
    v = _dec(value)
    what = "扣分" if kind == m.DEDUCTION else "得分"
    if v < 0:
        problems.append(f"{label} 的{what} {fmt_num(value)} 不能为负数。")
        return None
    if mx is not None and v > _dec(mx):
        problems.append(f"{label} 的{what} {fmt_num(value)} 超过满分 {fmt_num(mx)} 分。")
        return None
    return _dec(mx) - v if kind == m.DEDUCTION else v


def _earned(known, scores, problems):
    earned, missing = {}, []
    for code, (s, i) in known.items():
        unit = i or s
        if code not in scores or scores[code] is None:
            missing.append(code)
            earned[code] = Decimal(0) if unit.max is not None or unit.kind != m.YESNO else None
            continue
        earned[code] = _unit_score(code, unit.title, unit.kind, unit.max, scores[code], problems)
    return earned, missing


def _sections(scheme, earned, points_scheme, reasons):
    results, total = [], Decimal(0)
    for s in scheme.sections:
        if s.items:
            raw = sum((v for v in (earned[i.code] for i in s.items) if v is not None), Decimal(0))
            items = {i.code: _out(earned[i.code]) for i in s.items}
        else:
            raw, items = earned[s.code], {}
        if raw is None or not points_scheme:
            results.append(SectionResult(s.code, s.title, _out(raw), s.max, _out(raw), False, None, items))
            continue
        score, capped = raw, False
        if s.max is not None and raw > _dec(s.max):
            score, capped = _dec(s.max), True
            reasons.append(f"“{s.title}”细项合计 {fmt_num(_out(raw))} 分，超过本部分满分 {fmt_num(s.max)} 分，"
                           f"按 {fmt_num(s.max)} 分计。")
        total += score
        results.append(SectionResult(s.code, s.title, _out(score), s.max, _out(raw), capped, None, items))
    return results, total


def reference(scheme, scores, vetoes=(), classification=None):
    bad = validate_module.errors(scheme)
    if bad:
        raise UserError("方案有错误，不能试算：\n" + "\n".join(f"  - {f.message}" for f in bad), exit_code=2)
    rule, problems = scheme.rating, []
    known = {(i or s).code: (s, i) for s, i in scheme.scored_units()}
    with_items = {s.code: s for s in scheme.sections if s.items}
    for code in scores:
        if code in with_items:
            problems.append(f"“{with_items[code].title}”（{code}）按细项计分，请填写各细项的分数，不要填写整个部分的分数。")
        elif code not in known:
            problems.append(f"编号“{code}”不是本方案的细项或部分。")
    veto_codes = list(dict.fromkeys(vetoes))
    problems += [f"否决项编号“{c}”不在本方案的否决项中。" for c in veto_codes if scheme.veto(c) is None]
    names = "、".join(lv.name for lv in rule.levels)
    if rule.kind == m.CLASSIFICATION:
        if classification is None:
            problems.append(f"本方案为分类评定，请指定类别（{names}）。")
        elif rule.level(classification) is None:
            problems.append(f"类别“{classification}”不存在（可选：{names}）。")
    elif classification is not None:
        problems.append("本方案按分数评定，不能直接指定等次。")
    earned, missing = _earned(known, scores, problems)
    if problems:
        raise ScoreError(problems)
    reasons, warnings = [], []
    if missing:
        warnings.append(f"有 {len(missing)} 项未填分，按 0 分计："
                        + "、".join(f"{c} {(known[c][1] or known[c][0]).title}"[:40] for c in missing))
    points = rule.kind != m.CLASSIFICATION
    results, total = _sections(scheme, earned, points, reasons)
    total_out = total if points else None
    if points and scheme.total_max is not None and total > _dec(scheme.total_max):
        reasons.append(f"各部分合计 {fmt_num(_out(total))} 分，超过总分 {fmt_num(scheme.total_max)} 分，"
                       f"按 {fmt_num(scheme.total_max)} 分计。")
        total_out = _dec(scheme.total_max)
    if total_out is not None:
        tm = scheme.effective_total_max()
        reasons.insert(0, f"总分 {fmt_num(_out(total_out))} 分" + (f"（满分 {fmt_num(tm)} 分）。" if tm is not None else "。"))
    levels, stars = rule.levels, None
    if rule.kind == m.THRESHOLDS:
        banded = band_value(total_out, rule.rounding)
        idx = next((n for n, lv in enumerate(levels) if banded >= _dec(lv.min)), len(levels) - 1)
        lv = levels[idx]
        t = fmt_num(_out(total_out)) + (f" 分按{rounding_label(rule.rounding)}计为 {fmt_num(_out(banded))} 分，"
                                         if banded != total_out else " 分")
        where = (f"达到 {fmt_num(lv.min)} 分" if idx == 0 else f"低于 {fmt_num(levels[idx - 1].min)} 分" if lv.min <= 0
                 else f"达到 {fmt_num(lv.min)} 分、低于 {fmt_num(levels[idx - 1].min)} 分")
        reasons.append(f"{t}{where}，评定为“{lv.name}”。")
        stars = lv.stars
    elif rule.kind == m.SECTION_STARS:
        stars = 0
        for s, r in zip(scheme.sections, results):
            bar = s.star_bar if s.star_bar is not None else rule.bar
            banded = None if r.score is None else band_value(r.score, rule.rounding)
            r.star = banded is not None and banded >= _dec(bar)
            stars += bool(r.star)
            read = "" if banded is None or banded == _dec(r.score) else (
                f"按{rounding_label(rule.rounding)}计为 {fmt_num(_out(banded))} 分，")
            reasons.append(f"“{s.title}”{fmt_num(r.score)} 分，{read}" + (
                f"达到 {fmt_num(bar)} 分，得一星。" if r.star else f"未达到 {fmt_num(bar)} 分，不得星。"))
        idx = next(n for n, lv in enumerate(levels) if lv.stars == stars)
        lv = levels[idx]
        reasons.append(f"共得 {stars} 颗星，评定为“{lv.name}”。")
    else:
        idx = next(n for n, lv in enumerate(levels) if lv.name == classification)
        lv = levels[idx]
        reasons.append(f"分类评定为“{lv.name}”。")
    rating, rank = lv.name, len(levels) - 1 - idx
    vetoed = bool(veto_codes)
    for code in veto_codes:
        v = scheme.veto(code)
        if rule.veto_rating:
            reasons.append(f"否决项 {code}“{v.title}”：评定为“{rule.veto_rating}”。")
        elif rule.award and rule.award.revoked_by_veto:
            reasons.append(f"否决项 {code}“{v.title}”：取消“{rule.award.name}”资格，等次不变。")
        else:
            reasons.append(f"否决项 {code}“{v.title}”。")
    if vetoed and rule.veto_rating:
        vetoed_level = rule.level(rule.veto_rating)
        rating = rule.veto_rating
        if vetoed_level is not None:
            stars = vetoed_level.stars
            rank = min(rank, len(levels) - 1 - levels.index(vetoed_level))
        else:
            stars, rank = (0 if rule.has_stars else None), -1
    if rule.has_stars and stars is None:
        stars = 0
    award = None
    if rule.award:
        award = rating in rule.award.levels and not (vetoed and rule.award.revoked_by_veto)
        if award:
            reasons.append(f"可评为“{rule.award.name}”（以名额规则为准）。")
    bonus = scheme.bonuses.get(rating)
    if bonus is not None and bonus != 0:
        reasons.append(f"“{rating}”年度党建考核加 {fmt_num(bonus)} 分。")
    final = rule.level(rating)
    return Result(label=final.label if final is not None and final.label else rating, scheme_id=scheme.id,
                  total=_out(total_out), total_max=scheme.effective_total_max() if points else None, rating=rating,
                  stars=stars, vetoed=vetoed, rank=rank, vetoes=veto_codes, award=award, bonus=bonus,
                  reasons=reasons, warnings=warnings, missing=missing, sections=results)


def reference_sections(scheme, scores):
    known = {(i or s).code: (s, i) for s, i in scheme.scored_units()}
    problems = []
    earned, _ = _earned(known, {c: v for c, v in scores.items() if c in known}, problems)
    if problems:
        raise ScoreError(problems)
    return _sections(scheme, earned, scheme.rating.kind != m.CLASSIFICATION, [])[0]


# ---- schemes of every kind --------------------------------------------------------------------
def _thresholds(rounding=m.ROUND_TRUNCATE, veto_rating="差", stars=False) -> Scheme:
    """Capped sections (items over the section's maximum), deduction, yes-no and whole sections, a
    total cap, labels, an award a veto revokes, bonuses."""
    sections = [
        Section("A", "组织建设", 20, items=[Item("A1", "班子健全", 12), Item("A2", "制度落实", 12.5),
                                         Item("A3", "扣分项", 5, kind=m.DEDUCTION)]),
        Section("B", "党员管理", 30, items=[Item("B1", "按期交纳党费", 4, kind=m.YESNO), Item("B2", "发展党员", 26),
                                         Item("B3", "一个很长很长的细项标题用来检验未填分时的截断长度", 0.5)]),
        Section("C", "整体评价", 40),
        Section("D", "加分部分", 15, kind=m.DEDUCTION),
    ]
    levels = [Level("优秀", 90, 3 if stars else None, "三星党支部" if stars else None),
              Level("良好", 75.5, 2 if stars else None), Level("一般", 60, 1 if stars else None),
              Level("差", 0, 0 if stars else None)]
    return Scheme(id="t-" + rounding.replace("_", "-"), name="分数线测试", total_max=100, sections=sections,
                  rating=RatingRule(m.THRESHOLDS, levels, veto_rating=veto_rating, rounding=rounding,
                                    award=Award("先进党支部", ["优秀", "良好"], revoked_by_veto=True)),
                  vetoes=[Veto("V1", "班子瘫痪"), Veto("V2", "违纪")], bonuses={"优秀": 2, "良好": 0.5, "差": 0})


def _stars(rounding=m.ROUND_HALF_UP) -> Scheme:
    sections = [Section("S1", "政治功能", 25, star_bar=20.5, items=[Item("S11", "学习", 15), Item("S12", "教育", 15)]),
                Section("S2", "组织力", 25, items=[Item("S21", "三会一课", 25, kind=m.DEDUCTION)]),
                Section("S3", "服务群众", 20, kind=m.YESNO)]
    levels = [Level("三星", stars=3, label="三星党组织"), Level("二星", stars=2), Level("一星", stars=1),
              Level("无星", stars=0)]
    return Scheme(id="s-" + rounding.replace("_", "-"), name="计星测试", sections=sections,
                  rating=RatingRule(m.SECTION_STARS, levels, bar=16, veto_rating="不评星", rounding=rounding),
                  vetoes=[Veto("X1", "否决一")])


def _classification() -> Scheme:
    sections = [Section("K1", "有无书记", None, kind=m.YESNO), Section("K2", "活动开展", None),
                Section("K3", "台账", None, items=[Item("K31", "会议记录", None, kind=m.YESNO), Item("K32", "材料", 5)])]
    levels = [Level("先进", label="先进党组织"), Level("合格"), Level("后进")]
    return Scheme(id="c-test", name="分类测试", sections=sections,
                  rating=RatingRule(m.CLASSIFICATION, levels, award=Award("红旗", ["先进"], revoked_by_veto=False)),
                  vetoes=[Veto("Z1", "否决")], bonuses={"先进": 1})


def _schemes() -> list[Scheme]:
    made = [_thresholds(), _thresholds(m.ROUND_HALF_UP, veto_rating="取消资格", stars=True),
            _thresholds(veto_rating=None), _stars(), _stars(m.ROUND_TRUNCATE), _classification()]
    for s in made:
        assert not validate_module.errors(s), [f.message for f in validate_module.errors(s)]
    return made + [load_scheme(info.id) for info in list_schemes()]


def _value(rnd: random.Random, unit):
    """A score as a clerk or a file might give it: mostly fine, sometimes missing or wrong."""
    mx = unit.max if unit.max is not None else 50
    roll = rnd.random()
    if roll < 0.08:
        return None
    if unit.kind == m.YESNO:
        return rnd.choice([True, False, 0, 1, 1.0, unit.max] if roll < 0.97 else [2, "是", 0.5])
    if roll < 0.94:
        return rnd.choice([rnd.randint(0, int(mx)), rnd.randint(0, int(mx * 2)) / 2, round(rnd.uniform(0, mx), 2),
                           mx, 0, 0.1 + 0.2 if mx >= 0.3 else 0])
    return rnd.choice([mx + 0.5, -1, float("nan"), float("inf"), "十", True])


def _sheet(rnd: random.Random, scheme: Scheme, clean: bool):
    scores = {}
    for s, i in scheme.scored_units():
        unit = i or s
        if rnd.random() < 0.1:
            continue  # not scored at all
        for _ in range(20):
            v = _value(rnd, unit)
            if not clean:
                break
            problems: list[str] = []
            if v is None or _unit_score(unit.code, unit.title, unit.kind, unit.max, v, problems) is not None:
                break
        else:
            v = None
        scores[unit.code] = v
    codes = [v.code for v in scheme.vetoes]
    vetoes = rnd.sample(codes, rnd.randint(0, len(codes))) if codes and rnd.random() < 0.25 else []
    names = [lv.name for lv in scheme.rating.levels]
    cls = rnd.choice(names) if scheme.rating.kind == m.CLASSIFICATION else None
    if not clean:
        roll = rnd.random()
        if roll < 0.1:
            scores["NOPE"] = 1
        elif roll < 0.2 and any(s.items for s in scheme.sections):
            scores[next(s.code for s in scheme.sections if s.items)] = 1
        elif roll < 0.3:
            vetoes = vetoes + ["VX", vetoes[0] if vetoes else "VY"]
        elif roll < 0.4:
            cls = rnd.choice([None, "没有这个类别", names[0]])
    return scores, vetoes, cls


def _outcome(fn, *args):
    """What a call gives, in a form two calls can be compared by: repr tells 1 from 1.0."""
    try:
        return "ok", repr(fn(*args).to_dict())
    except ScoreError as e:
        return "score", e.problems, e.message
    except UserError as e:
        return "user", e.message, e.exit_code


@pytest.mark.parametrize("scheme", _schemes(), ids=lambda s: f"{s.id}-{s.rating.kind}")
def test_prepared_gives_what_the_per_sheet_evaluator_gives(scheme):
    rnd = random.Random(f"{scheme.id}:{scheme.rating.rounding}:{scheme.rating.veto_rating}")
    sheets = [_sheet(rnd, scheme, clean=n % 3 != 0) for n in range(400)]
    prepared = prepare(scheme)
    outcomes = []
    for scores, vetoes, cls in sheets:
        want = _outcome(reference, scheme, scores, vetoes, cls)
        outcomes.append(want)
        assert _outcome(evaluate, scheme, scores, vetoes, cls) == want, (scores, vetoes, cls)
        assert _outcome(prepared.evaluate, scores, vetoes, cls) == want
        assert _outcome(evaluate, copy_scheme(scheme), scores, vetoes, cls) == want
        try:
            ref = ("ok", repr([vars(r) for r in reference_sections(scheme, scores)]))
        except ScoreError as e:
            ref = ("score", e.problems)
        try:
            got = ("ok", repr([vars(r) for r in section_scores(scheme, scores)]))
        except ScoreError as e:
            got = ("score", e.problems)
        assert got == ref
    assert {o[0] for o in outcomes} >= {"ok", "score"}  # the sheets did reach both paths

    # many at once: evaluate_many (points schemes) and the round's results
    clean = [(sc, v) for (sc, v, cls), o in zip(sheets, outcomes) if o[0] == "ok" and cls is None]
    if clean:
        assert [repr(r.to_dict()) for r in evaluate_many(scheme, clean)] == \
            [repr(reference(scheme, sc, v).to_dict()) for sc, v in clean]
    many = round_results._evaluate_all(scheme, [(sc, list(v), cls) for sc, v, cls in sheets])
    assert any(o[0] != "ok" for o in outcomes)  # so the round's sheets were evaluated one by one
    for want, got in zip(outcomes, many):
        assert (repr(got.to_dict()) if isinstance(got, Result) else got) == (want[2] if want[0] == "score" else want[1])


def _count_validations(monkeypatch) -> list:
    calls = []
    real = validate_module.check

    def counting(scheme):
        calls.append(scheme.id)
        return real(scheme)

    monkeypatch.setattr(validate_module, "check", counting)
    return calls


def _fresh(scheme: Scheme) -> Scheme:
    scheme.name = f"{scheme.name} {uuid.uuid4().hex}"  # never prepared before
    return scheme


def test_the_scheme_is_validated_once_for_many_sheets(monkeypatch):
    calls = _count_validations(monkeypatch)
    scheme = _fresh(_thresholds())
    rnd = random.Random(7)
    sheets = [_sheet(rnd, scheme, clean=True) for _ in range(300)]
    for scores, vetoes, _cls in sheets:
        evaluate(scheme, scores, vetoes)
    evaluate_many(scheme, [(sc, v) for sc, v, _ in sheets])
    assert calls == [scheme.id]


def test_a_round_validates_its_scheme_once_whatever_its_kind(monkeypatch):
    calls = _count_validations(monkeypatch)
    scheme = _fresh(_classification())
    rnd = random.Random(8)
    sheets = [_sheet(rnd, scheme, clean=True) for _ in range(200)]
    out = round_results._evaluate_all(scheme, [(sc, list(v), cls) for sc, v, cls in sheets])
    assert all(isinstance(r, Result) for r in out) and calls == [scheme.id]

    calls.clear()
    scheme = _fresh(_thresholds())
    sheets = [_sheet(rnd, scheme, clean=True) for _ in range(200)]
    sheets[100] = ({"NOPE": 1}, [], None)  # one bad sheet: the rest are evaluated one by one
    out = round_results._evaluate_all(scheme, [(sc, list(v), cls) for sc, v, cls in sheets])
    assert isinstance(out[100], str) and "NOPE" in out[100]
    assert sum(isinstance(r, Result) for r in out) == 199 and calls == [scheme.id]


def test_an_invalid_scheme_is_refused_every_time_with_the_same_message():
    scheme = _fresh(_thresholds())
    scheme.rating.levels[-1].min = 10  # the lowest level no longer starts at 0
    first = _outcome(evaluate, scheme, {}, [])
    assert first[0] == "user" and first == _outcome(reference, scheme, {}, [])
    assert _outcome(evaluate, scheme, {"A1": 3}, []) == _outcome(reference, scheme, {"A1": 3}, [])
    with pytest.raises(UserError):
        evaluate_many(scheme, [])
    for scores in ({"A1": 12, "A2": 12.5, "C": 30}, {"A1": 13}):  # subtotals are still counted
        try:
            want = repr([vars(r) for r in reference_sections(scheme, scores)])
        except ScoreError as e:
            want = e.problems
        try:
            got = repr([vars(r) for r in section_scores(scheme, scores)])
        except ScoreError as e:
            got = e.problems
        assert got == want


def test_an_edited_scheme_is_not_evaluated_with_the_old_preparation():
    scheme = _fresh(_thresholds())
    scores = {"A1": 12, "A2": 12.5, "A3": 1, "B1": 1, "B2": 20, "C": 31.5, "D": 2}
    before = evaluate(scheme, scores, ["V1"])
    assert before.to_dict() == reference(scheme, scores, ["V1"]).to_dict()

    edits = [
        lambda s: setattr(s.sections[0].items[0], "max", 10),  # A1 12 is now above the maximum
        lambda s: setattr(s.sections[0].items[0], "max", 15),
        lambda s: setattr(s.sections[0], "max", 35),  # no longer capped
        lambda s: setattr(s.sections[2], "title", "整体评价（修订）"),
        lambda s: setattr(s.rating.levels[1], "min", 70),
        lambda s: s.rename_level(s.rating.levels[0], "好"),
        lambda s: setattr(s.rating, "veto_rating", None),
        lambda s: setattr(s.rating, "rounding", m.ROUND_HALF_UP),
        lambda s: s.bonuses.update({"良好": 3}),
        lambda s: setattr(s.vetoes[0], "title", "班子软弱涣散"),
        lambda s: s.sections[1].items.append(Item("B4", "新增细项", 5)),
        lambda s: setattr(s, "total_max", 90),
        lambda s: setattr(s.rating.levels[0], "min", None),  # invalid now
    ]
    for edit in edits:
        edit(scheme)
        for vetoes in ([], ["V1"]):
            assert _outcome(evaluate, scheme, scores, vetoes) == _outcome(reference, scheme, scores, vetoes)
            assert _outcome(prepare(scheme).evaluate, scores, vetoes) == _outcome(reference, scheme, scores, vetoes)
    assert _outcome(evaluate, scheme, scores, [])[0] == "user"


def test_a_preparation_keeps_nothing_an_edit_of_another_copy_could_change():
    scheme = _fresh(_thresholds())
    twin = copy_scheme(scheme)  # the same text: the preparation is shared
    first = prepare(scheme)
    assert prepare(twin) is first
    scores = {"A1": 12, "B1": 1, "C": 38, "D": 0}
    want = reference(twin, scores, ["V2"]).to_dict()
    scheme.rename_level(scheme.rating.levels[0], "特优")  # edit the first copy's objects in place
    scheme.vetoes[1].title = "改了"
    scheme.sections[2].max = 45
    assert evaluate(twin, scores, ["V2"]).to_dict() == want
    assert evaluate(scheme, scores, ["V2"]).to_dict() == reference(scheme, scores, ["V2"]).to_dict()
