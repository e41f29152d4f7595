"""试算 / evaluation: scores and vetoes in, total, rating, stars and the reasons out.

Arithmetic is decimal (a total of 0.1 + 0.2 is exactly 0.3, so a threshold is never
missed by binary rounding). Thresholds are inclusive lower bounds, met by the score read in
whole points under the scheme's declared rounding (rounding.py): under 六有 (去尾) 95 is
优秀, 94.5 is 优良 and 69.5 is 差; a scheme that rounds half up reads 94.5 as 95.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Mapping

from ..errors import UserError
from . import model as m
from .model import Scheme, fmt_num
from .rounding import band_value, rounding_label
from .validate import errors as validation_errors

_STAR_WORDS = "零一二三四五六七八九十"


class ScoreError(UserError):
    """Scores that cannot be evaluated (above the maximum, negative, unknown code). Exit code 2."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("分数有误，无法试算：\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass
class SectionResult:
    code: str
    title: str
    score: m.Number | None  # after the cap; None for a classification criterion
    max: m.Number | None
    raw: m.Number | None = None  # before the cap
    capped: bool = False
    star: bool | None = None  # section_stars: did this section earn its star
    items: dict[str, m.Number | None] = field(default_factory=dict)  # points earned per item


@dataclass
class Result:
    scheme_id: str
    total: m.Number | None
    total_max: m.Number | None
    rating: str | None
    stars: int | None
    vetoed: bool
    rank: int  # higher is better; a vetoed result with a veto rating is -1
    label: str | None = None  # the long title for sheets and plaques (三星党支部), else the rating
    vetoes: list[str] = field(default_factory=list)
    award: bool | None = None  # None: the scheme names no award
    bonus: m.Number | None = None
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    sections: list[SectionResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme_id,
            "total": self.total,
            "total_max": self.total_max,
            "rating": self.rating,
            "label": self.label,
            "stars": self.stars,
            "vetoed": self.vetoed,
            "vetoes": list(self.vetoes),
            "award": self.award,
            "bonus": self.bonus,
            "rank": self.rank,
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
            "missing": list(self.missing),
            "sections": [{"code": s.code, "title": s.title, "score": s.score, "max": s.max, "raw": s.raw,
                          "capped": s.capped, "star": s.star, "items": dict(s.items)} for s in self.sections],
        }


def star_word(n: int) -> str:
    return ("无星" if n == 0 else f"{_STAR_WORDS[n]}星") if 0 <= n <= 10 else f"{n}星"


def _dec(v: m.Number) -> Decimal:
    return Decimal(str(v)) if isinstance(v, float) else Decimal(v)


def _out(d: Decimal | None) -> m.Number | None:
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def _unit_score(code: str, title: str, kind: str, mx: m.Number | None, value: Any,
                problems: list[str]) -> Decimal | None:
    """Points earned by one item (or whole section); None when the entry is unusable."""
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
    if kind == m.DEDUCTION:
        return _dec(mx) - v
    return v


def evaluate(scheme: Scheme, scores: Mapping[str, Any], vetoes: Iterable[str] = (),
             classification: str | None = None) -> Result:
    """Evaluate one branch's scores under a scheme.

    `scores` maps item codes (or the codes of sections scored as a whole) to numbers;
    a deduction item takes the points deducted, a yes-no item 1/0 (or true/false).
    Missing entries earn 0 and are listed in `warnings`. Raises ScoreError for a
    score above its maximum, a negative score, an unknown code or an unknown veto.
    """
    _require_valid(scheme)
    return _evaluate(scheme, scores, vetoes, classification)


def evaluate_many(scheme: Scheme, sheets: Iterable[tuple[Mapping[str, Any], Iterable[str]]]) -> list[Result]:
    """evaluate() for many branches at once: the scheme is checked once, not per branch.

    `sheets`: (scores, vetoes) pairs. The first bad sheet raises ScoreError, like evaluate().
    """
    _require_valid(scheme)
    return [_evaluate(scheme, scores, vetoes, None) for scores, vetoes in sheets]


def section_scores(scheme: Scheme, scores: Mapping[str, Any]) -> list[SectionResult]:
    """Each section's points from the scores given, as evaluate() counts them: an item's points (a
    deduction item earns its maximum less the deduction, a missing item 0), summed per section and
    held to the section's maximum (`score`; `raw` before the cap). For subtotals shown beside the
    items while a sheet is being filled: no rating, no classification asked for, unknown codes
    ignored. Raises ScoreError for a score that cannot count (above the maximum, negative)."""
    known = {(i or s).code: (s, i) for s, i in scheme.scored_units()}
    problems: list[str] = []
    earned, _missing = _earned(known, {c: v for c, v in scores.items() if c in known}, problems)
    if problems:
        raise ScoreError(problems)
    results, _total = _sections(scheme, earned, scheme.rating.kind != m.CLASSIFICATION, [])
    return results


def _earned(known: Mapping[str, tuple], scores: Mapping[str, Any],
            problems: list[str]) -> tuple[dict[str, Decimal | None], list[str]]:
    """(item code -> points earned, codes not scored); unusable scores are added to `problems`."""
    earned: dict[str, Decimal | None] = {}
    missing: list[str] = []
    for code, (s, i) in known.items():
        unit = i or s
        if code not in scores or scores[code] is None:
            missing.append(code)
            earned[code] = Decimal(0) if unit.max is not None or unit.kind != m.YESNO else None
            continue
        earned[code] = _unit_score(code, unit.title, unit.kind, unit.max, scores[code], problems)
    return earned, missing


def _sections(scheme: Scheme, earned: Mapping[str, Decimal | None], points_scheme: bool,
              reasons: list[str]) -> tuple[list[SectionResult], Decimal]:
    """The sections' results (held to their maxima in a points scheme, saying so in `reasons`) and
    the sum of their points."""
    results: list[SectionResult] = []
    total = Decimal(0)
    for s in scheme.sections:
        if s.items:
            vals = [earned[i.code] for i in s.items]
            raw = sum((v for v in vals if v is not None), Decimal(0))
            items = {i.code: _out(earned[i.code]) for i in s.items}
        else:
            raw = earned[s.code]
            items = {}
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


def _require_valid(scheme: Scheme) -> None:
    bad = validation_errors(scheme)
    if bad:
        raise UserError("方案有错误，不能试算：\n" + "\n".join(f"  - {f.message}" for f in bad), exit_code=2)


def _evaluate(scheme: Scheme, scores: Mapping[str, Any], vetoes: Iterable[str],
              classification: str | None) -> Result:
    rule = scheme.rating
    problems: list[str] = []
    known = {}
    for s, i in scheme.scored_units():
        known[(i or s).code] = (s, i)
    section_codes_with_items = {s.code: s for s in scheme.sections if s.items}
    for code in scores:
        if code in section_codes_with_items:
            problems.append(f"“{section_codes_with_items[code].title}”（{code}）按细项计分，请填写各细项的分数，"
                            f"不要填写整个部分的分数。")
        elif code not in known:
            problems.append(f"编号“{code}”不是本方案的细项或部分。")
    veto_codes = list(dict.fromkeys(vetoes))
    for code in veto_codes:
        if scheme.veto(code) is None:
            problems.append(f"否决项编号“{code}”不在本方案的否决项中。")
    if rule.kind == m.CLASSIFICATION:
        if classification is None:
            problems.append(f"本方案为分类评定，请指定类别（{'、'.join(lv.name for lv in rule.levels)}）。")
        elif rule.level(classification) is None:
            problems.append(f"类别“{classification}”不存在（可选：{'、'.join(lv.name for lv in rule.levels)}）。")
    elif classification is not None:
        problems.append("本方案按分数评定，不能直接指定等次。")

    earned, missing = _earned(known, scores, problems)
    if problems:
        raise ScoreError(problems)

    reasons: list[str] = []
    warnings: list[str] = []
    if missing:
        names = "、".join(f"{c} {(known[c][1] or known[c][0]).title}"[:40] for c in missing)
        warnings.append(f"有 {len(missing)} 项未填分，按 0 分计：{names}")

    # ---- sections and total --------------------------------------------------------
    points_scheme = rule.kind != m.CLASSIFICATION
    results, total = _sections(scheme, earned, points_scheme, reasons)

    total_out: Decimal | None = total if points_scheme else None
    if points_scheme and scheme.total_max is not None and total > _dec(scheme.total_max):
        reasons.append(f"各部分合计 {fmt_num(_out(total))} 分，超过总分 {fmt_num(scheme.total_max)} 分，"
                       f"按 {fmt_num(scheme.total_max)} 分计。")
        total_out = _dec(scheme.total_max)
    if total_out is not None:
        tm = scheme.effective_total_max()
        reasons.insert(0, f"总分 {fmt_num(_out(total_out))} 分" + (f"（满分 {fmt_num(tm)} 分）。" if tm is not None else "。"))

    # ---- rating ---------------------------------------------------------------------
    levels = rule.levels
    stars: int | None = None
    if rule.kind == m.THRESHOLDS:
        banded = band_value(total_out, rule.rounding)
        idx = next((n for n, lv in enumerate(levels) if banded >= _dec(lv.min)), len(levels) - 1)
        lv = levels[idx]
        t = fmt_num(_out(total_out))
        if banded != total_out:
            t += f" 分按{rounding_label(rule.rounding)}计为 {fmt_num(_out(banded))} 分，"
        else:
            t += " 分"
        if idx == 0:
            where = f"达到 {fmt_num(lv.min)} 分"
        elif lv.min <= 0:
            where = f"低于 {fmt_num(levels[idx - 1].min)} 分"
        else:
            where = f"达到 {fmt_num(lv.min)} 分、低于 {fmt_num(levels[idx - 1].min)} 分"
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
    rating = lv.name
    rank = len(levels) - 1 - idx

    # ---- vetoes, award, bonus ---------------------------------------------------------
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
            stars = 0 if rule.has_stars else None
            rank = -1
    if rule.has_stars and stars is None:
        stars = 0

    award: bool | None = None
    if rule.award:
        award = rating in rule.award.levels and not (vetoed and rule.award.revoked_by_veto)
        if award:
            reasons.append(f"可评为“{rule.award.name}”（以名额规则为准）。")
    bonus = scheme.bonuses.get(rating)
    if bonus is not None and bonus != 0:
        reasons.append(f"“{rating}”年度党建考核加 {fmt_num(bonus)} 分。")

    final_level = rule.level(rating)
    label = (final_level.label if final_level is not None and final_level.label else rating)
    return Result(
        label=label, scheme_id=scheme.id, total=_out(total_out), total_max=scheme.effective_total_max() if points_scheme else None,
        rating=rating, stars=stars, vetoed=vetoed, rank=rank, vetoes=veto_codes, award=award, bonus=bonus,
        reasons=reasons, warnings=warnings, missing=missing, sections=results)


def parse_scores_document(data: Any) -> tuple[dict[str, Any], list[str], str | None]:
    """The CLI's SCORES.json: {"scores": {...}, "vetoes": [...], "rating": "先进"?}."""
    if not isinstance(data, dict):
        raise UserError('分数文件格式错误：应为 {"scores": {...}, "vetoes": [...]}。', exit_code=2)
    unknown = set(data) - {"scores", "vetoes", "rating"}
    if unknown:
        raise UserError(f"分数文件中有无法识别的键：{'、'.join(sorted(unknown))}（可用：scores、vetoes、rating）。",
                        exit_code=2)
    scores = data.get("scores", {})
    if not isinstance(scores, dict):
        raise UserError("分数文件格式错误：scores 应为 {编号: 分数} 的对象。", exit_code=2)
    vetoes = data.get("vetoes", [])
    if not isinstance(vetoes, list) or not all(isinstance(v, str) for v in vetoes):
        raise UserError("分数文件格式错误：vetoes 应为否决项编号的列表。", exit_code=2)
    rating = data.get("rating")
    if rating is not None and not isinstance(rating, str):
        raise UserError("分数文件格式错误：rating 应为文字。", exit_code=2)
    return scores, vetoes, rating
