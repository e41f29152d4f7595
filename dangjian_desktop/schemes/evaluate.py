"""试算 / evaluation: scores and vetoes in, total, rating, stars and the reasons out.

Arithmetic is decimal (a total of 0.1 + 0.2 is exactly 0.3, so a threshold is never
missed by binary rounding). Thresholds are inclusive lower bounds, met by the score read in
whole points under the scheme's declared rounding (rounding.py): under 六有 (去尾) 95 is
优秀, 94.5 is 优良 and 69.5 is 差; a scheme that rounds half up reads 94.5 as 95.

What depends only on the scheme (is it valid, which codes are scored, the maxima as decimals,
the sections' caps, the levels' bands, the reasons' wording) is worked out once by
`prepare(scheme)` and kept, keyed by the scheme's full text (its repr: every field of every
section, item, level and rule), so a round's 6,250 sheets cost one validation, and a scheme
edited in place is prepared again, never served an earlier preparation. A preparation holds
no reference to the scheme's objects, only numbers and texts copied from them.
"""

from __future__ import annotations

import math
import threading
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


_ZERO, _ONE = Decimal(0), Decimal(1)
_NUMBER = (int, float)


class Prepared:
    """One scheme's evaluation, prepared (build it with prepare(scheme)). `evaluate` gives exactly
    what evaluating the sheet against the scheme afresh gives: the same Result, reasons and
    warnings, the same ScoreError problems in the same order."""

    def __init__(self, scheme: Scheme):
        rule = scheme.rating
        bad = validation_errors(scheme)
        self.error = ("方案有错误，不能试算：\n" + "\n".join(f"  - {f.message}" for f in bad)) if bad else None
        self.scheme_id = scheme.id
        self.kind = rule.kind
        self.points = rule.kind != m.CLASSIFICATION
        known: dict[str, tuple] = {}
        for s, i in scheme.scored_units():
            known[(i or s).code] = (s, i)
        # (code, label, kind, max, max as a decimal, word for the score, max as written, points when missing)
        self.units = tuple(
            (code, f"“{u.title}”（{code}）", u.kind, u.max, None if u.max is None else _dec(u.max),
             "扣分" if u.kind == m.DEDUCTION else "得分", fmt_num(u.max),
             _ZERO if u.max is not None or u.kind != m.YESNO else None)
            for code, u in ((c, i or s) for c, (s, i) in known.items()))
        self.known = frozenset(known)
        self.missing_names = {c: f"{c} {(i or s).title}"[:40] for c, (s, i) in known.items()}
        self.whole_items = {s.code: s.title for s in scheme.sections if s.items}
        # (code, title, max, max as a decimal, item codes or None, the cap's reason after the points)
        self.sections = tuple(
            (s.code, s.title, s.max, None if s.max is None else _dec(s.max),
             tuple(i.code for i in s.items) if s.items else None,
             f" 分，超过本部分满分 {fmt_num(s.max)} 分，按 {fmt_num(s.max)} 分计。")
            for s in scheme.sections)
        self.total_max_dec = None if scheme.total_max is None else _dec(scheme.total_max)
        self.total_max_text = fmt_num(scheme.total_max)
        self._fmt: dict[Decimal, str] = {}
        if self.error is None:  # an invalid scheme is only asked for its sections' points
            self._prepare_rating(scheme)

    def _prepare_rating(self, scheme: Scheme) -> None:
        """What rating a sheet asks of a valid scheme: levels, bands, stars, vetoes, award, bonuses."""
        rule = scheme.rating
        tm = scheme.effective_total_max()
        self.result_total_max = tm if self.points else None
        self.total_tail = f"（满分 {fmt_num(tm)} 分）。" if tm is not None else "。"
        self.level_names = "、".join(lv.name for lv in rule.levels)
        levels = rule.levels
        self.level_count = len(levels)
        self.level_index: dict[str, int] = {}
        for n, lv in enumerate(levels):
            self.level_index.setdefault(lv.name, n)
        self.level_name = tuple(lv.name for lv in levels)
        self.level_stars = tuple(lv.stars for lv in levels)
        self.label_of = {lv.name: (lv.label if lv.label else lv.name) for lv in reversed(levels)}
        self.rounding = rule.rounding
        self.rounding_label = rounding_label(rule.rounding)
        self.has_stars = rule.has_stars
        self.veto_rating = rule.veto_rating
        self.veto_index = self.level_index.get(rule.veto_rating) if rule.veto_rating else None
        self.veto_reason: dict[str, str] = {}
        for v in scheme.vetoes:
            if v.code in self.veto_reason:
                continue
            if rule.veto_rating:
                text = f"否决项 {v.code}“{v.title}”：评定为“{rule.veto_rating}”。"
            elif rule.award and rule.award.revoked_by_veto:
                text = f"否决项 {v.code}“{v.title}”：取消“{rule.award.name}”资格，等次不变。"
            else:
                text = f"否决项 {v.code}“{v.title}”。"
            self.veto_reason[v.code] = text
        award = rule.award
        self.award = None if award is None else (
            frozenset(award.levels), award.revoked_by_veto, f"可评为“{award.name}”（以名额规则为准）。")
        self.bonuses = dict(scheme.bonuses)
        self.bonus_reason = {k: f"“{k}”年度党建考核加 {fmt_num(b)} 分。" for k, b in scheme.bonuses.items()
                             if b is not None and b != 0}
        self.bands: tuple = ()
        self.stars_plan: tuple = ()
        if rule.kind == m.THRESHOLDS:
            # (lower bound as a decimal, the words after the score); valid: every level has a bound
            self.bands = tuple(
                (_dec(lv.min), f"达到 {fmt_num(lv.min)} 分" if n == 0 else
                 f"低于 {fmt_num(levels[n - 1].min)} 分" if lv.min <= 0 else
                 f"达到 {fmt_num(lv.min)} 分、低于 {fmt_num(levels[n - 1].min)} 分")
                for n, lv in enumerate(levels))
        elif rule.kind == m.SECTION_STARS:
            plan = []
            for s in scheme.sections:
                bar = s.star_bar if s.star_bar is not None else rule.bar
                plan.append((s.title, _dec(bar), f"达到 {fmt_num(bar)} 分，得一星。", f"未达到 {fmt_num(bar)} 分，不得星。"))
            self.stars_plan = tuple(plan)

    # ---- helpers -------------------------------------------------------------------------
    def fmt(self, d: Decimal) -> str:
        """fmt_num(_out(d)), remembered: a round's totals repeat."""
        text = self._fmt.get(d)
        if text is None:
            if len(self._fmt) > 4096:
                self._fmt.clear()
            text = self._fmt[d] = fmt_num(_out(d))
        return text

    def check(self) -> None:
        """Raise the UserError evaluate() raises for an invalid scheme."""
        if self.error is not None:
            raise UserError(self.error, exit_code=2)

    def earned(self, scores: Mapping[str, Any], problems: list[str]) -> tuple[dict[str, Decimal | None], list[str]]:
        """(item code -> points earned, codes not scored); unusable scores are added to `problems`."""
        earned: dict[str, Decimal | None] = {}
        missing: list[str] = []
        yesno, deduction, get = m.YESNO, m.DEDUCTION, scores.get
        for code, label, kind, mx, mxd, what, mx_text, default in self.units:
            if (value := get(code)) is None:
                missing.append(code)
                earned[code] = default
                continue
            if kind == yesno:
                if isinstance(value, bool):
                    yes = value
                elif isinstance(value, _NUMBER) and value in (0, 1):
                    yes = value == 1
                elif isinstance(value, _NUMBER) and mx is not None and value == mx:
                    yes = True
                else:
                    problems.append(f"{label} 为“是否”项，只能填 1（是）或 0（否），现为 {value!r}。")
                    earned[code] = None
                    continue
                earned[code] = (mxd if mx is not None else _ONE) if yes else _ZERO
                continue
            if isinstance(value, bool) or not isinstance(value, _NUMBER) or not math.isfinite(value):
                problems.append(f"{label} 的分数“{value}”不是数字。")
                earned[code] = None
                continue
            v = _dec(value)
            if v < 0:
                problems.append(f"{label} 的{what} {fmt_num(value)} 不能为负数。")
                earned[code] = None
            elif mx is not None and v > mxd:
                problems.append(f"{label} 的{what} {fmt_num(value)} 超过满分 {mx_text} 分。")
                earned[code] = None
            elif kind == deduction:  # (a valid scheme gives every deduction item a maximum)
                earned[code] = mxd - v
            else:
                earned[code] = v
        return earned, missing

    def section_results(self, earned: Mapping[str, Decimal | None], points: bool,
                        reasons: list[str]) -> tuple[list[SectionResult], Decimal]:
        """The sections' results (held to their maxima in a points scheme, saying so in `reasons`)
        and the sum of their points."""
        results: list[SectionResult] = []
        total = Decimal(0)
        for code, title, mx, mxd, item_codes, cap_tail in self.sections:
            if item_codes:
                raw = Decimal(0)
                items = {}
                for c in item_codes:
                    v = earned[c]
                    if v is None:
                        items[c] = None
                    else:
                        raw = raw + v
                        items[c] = int(v) if v == v.to_integral_value() else float(v)  # _out(v)
            else:
                raw = earned[code]
                items = {}
            raw_out = _out(raw)
            if raw is None or not points:
                results.append(SectionResult(code, title, raw_out, mx, raw_out, False, None, items))
                continue
            if mx is not None and raw > mxd:
                reasons.append(f"“{title}”细项合计 {self.fmt(raw)}{cap_tail}")
                total += mxd
                results.append(SectionResult(code, title, _out(mxd), mx, raw_out, True, None, items))
            else:
                total += raw
                results.append(SectionResult(code, title, raw_out, mx, raw_out, False, None, items))
        return results, total

    # ---- one sheet -----------------------------------------------------------------------
    def evaluate(self, scores: Mapping[str, Any], vetoes: Iterable[str] = (),
                 classification: str | None = None) -> Result:
        """evaluate.evaluate(scheme, scores, vetoes, classification), the scheme prepared."""
        self.check()
        problems: list[str] = []
        known = self.known
        for code in scores:
            if code in self.whole_items:
                problems.append(f"“{self.whole_items[code]}”（{code}）按细项计分，请填写各细项的分数，"
                                f"不要填写整个部分的分数。")
            elif code not in known:
                problems.append(f"编号“{code}”不是本方案的细项或部分。")
        veto_codes = list(dict.fromkeys(vetoes))
        for code in veto_codes:
            if code not in self.veto_reason:
                problems.append(f"否决项编号“{code}”不在本方案的否决项中。")
        kind = self.kind
        if kind == m.CLASSIFICATION:
            if classification is None:
                problems.append(f"本方案为分类评定，请指定类别（{self.level_names}）。")
            elif classification not in self.level_index:
                problems.append(f"类别“{classification}”不存在（可选：{self.level_names}）。")
        elif classification is not None:
            problems.append("本方案按分数评定，不能直接指定等次。")

        earned, missing = self.earned(scores, problems)
        if problems:
            raise ScoreError(problems)

        reasons: list[str] = []
        warnings: list[str] = []
        if missing:
            names = "、".join(self.missing_names[c] for c in missing)
            warnings.append(f"有 {len(missing)} 项未填分，按 0 分计：{names}")

        # ---- sections and total ----------------------------------------------------------
        points = self.points
        results, total = self.section_results(earned, points, reasons)
        total_out: Decimal | None = total if points else None
        if points and self.total_max_dec is not None and total > self.total_max_dec:
            reasons.append(f"各部分合计 {self.fmt(total)} 分，超过总分 {self.total_max_text} 分，"
                           f"按 {self.total_max_text} 分计。")
            total_out = self.total_max_dec
        if total_out is not None:
            reasons.insert(0, f"总分 {self.fmt(total_out)} 分{self.total_tail}")

        # ---- rating -----------------------------------------------------------------------
        stars: int | None = None
        if kind == m.THRESHOLDS:
            banded = band_value(total_out, self.rounding)
            bands = self.bands
            idx = len(bands) - 1
            for n, (low, _where) in enumerate(bands):
                if banded >= low:
                    idx = n
                    break
            t = self.fmt(total_out)
            if banded != total_out:
                t += f" 分按{self.rounding_label}计为 {self.fmt(banded)} 分，"
            else:
                t += " 分"
            name = self.level_name[idx]
            reasons.append(f"{t}{bands[idx][1]}，评定为“{name}”。")
            stars = self.level_stars[idx]
        elif kind == m.SECTION_STARS:
            stars = 0
            for (title, bar, got, not_got), r in zip(self.stars_plan, results):
                banded = None if r.score is None else band_value(r.score, self.rounding)
                r.star = banded is not None and banded >= bar
                stars += bool(r.star)
                read = "" if banded is None or banded == _dec(r.score) else (
                    f"按{self.rounding_label}计为 {self.fmt(banded)} 分，")
                reasons.append(f"“{title}”{fmt_num(r.score)} 分，{read}" + (got if r.star else not_got))
            idx = next(n for n, s in enumerate(self.level_stars) if s == stars)
            reasons.append(f"共得 {stars} 颗星，评定为“{self.level_name[idx]}”。")
        else:
            idx = self.level_index[classification]
            reasons.append(f"分类评定为“{self.level_name[idx]}”。")
        rating = self.level_name[idx]
        rank = self.level_count - 1 - idx

        # ---- vetoes, award, bonus -----------------------------------------------------------
        vetoed = bool(veto_codes)
        for code in veto_codes:
            reasons.append(self.veto_reason[code])
        if vetoed and self.veto_rating:
            rating = self.veto_rating
            if self.veto_index is not None:
                stars = self.level_stars[self.veto_index]
                rank = min(rank, self.level_count - 1 - self.veto_index)
            else:
                stars = 0 if self.has_stars else None
                rank = -1
        if self.has_stars and stars is None:
            stars = 0

        award: bool | None = None
        if self.award is not None:
            levels, revoked, text = self.award
            award = rating in levels and not (vetoed and revoked)
            if award:
                reasons.append(text)
        bonus = self.bonuses.get(rating)
        if rating in self.bonus_reason:
            reasons.append(self.bonus_reason[rating])
        return Result(
            label=self.label_of.get(rating, rating), scheme_id=self.scheme_id, total=_out(total_out),
            total_max=self.result_total_max, rating=rating, stars=stars, vetoed=vetoed, rank=rank,
            vetoes=veto_codes, award=award, bonus=bonus, reasons=reasons, warnings=warnings, missing=missing,
            sections=results)


_lock = threading.Lock()
_prepared: dict[str, Prepared] = {}  # by the scheme's repr


def prepare(scheme: Scheme) -> Prepared:
    """The scheme prepared for evaluation, shared by every scheme with the same text. Cheap to call
    again (one repr of the scheme); an edited scheme gets a new preparation."""
    key = repr(scheme)
    with _lock:
        hit = _prepared.get(key)
    if hit is not None:
        return hit
    prepared = Prepared(scheme)
    with _lock:
        if len(_prepared) >= 32:
            _prepared.pop(next(iter(_prepared)))
        _prepared[key] = prepared
    return prepared


def evaluate(scheme: Scheme, scores: Mapping[str, Any], vetoes: Iterable[str] = (),
             classification: str | None = None) -> Result:
    """Evaluate one branch's scores under a scheme.

    `scores` maps item codes (or the codes of sections scored as a whole) to numbers;
    a deduction item takes the points deducted, a yes-no item 1/0 (or true/false).
    Missing entries earn 0 and are listed in `warnings`. Raises ScoreError for a
    score above its maximum, a negative score, an unknown code or an unknown veto.
    """
    return prepare(scheme).evaluate(scores, vetoes, classification)


def evaluate_many(scheme: Scheme, sheets: Iterable[tuple[Mapping[str, Any], Iterable[str]]]) -> list[Result]:
    """evaluate() for many branches at once: the scheme is checked once, not per branch.

    `sheets`: (scores, vetoes) pairs. The first bad sheet raises ScoreError, like evaluate().
    """
    prepared = prepare(scheme)
    prepared.check()
    return [prepared.evaluate(scores, vetoes, None) for scores, vetoes in sheets]


def section_scores(scheme: Scheme, scores: Mapping[str, Any]) -> list[SectionResult]:
    """Each section's points from the scores given, as evaluate() counts them: an item's points (a
    deduction item earns its maximum less the deduction, a missing item 0), summed per section and
    held to the section's maximum (`score`; `raw` before the cap). For subtotals shown beside the
    items while a sheet is being filled: no rating, no classification asked for, unknown codes
    ignored. Raises ScoreError for a score that cannot count (above the maximum, negative)."""
    prepared = prepare(scheme)
    problems: list[str] = []
    earned, _missing = prepared.earned({c: v for c, v in scores.items() if c in prepared.known}, problems)
    if problems:
        raise ScoreError(problems)
    results, _total = prepared.section_results(earned, prepared.points, [])
    return results


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
