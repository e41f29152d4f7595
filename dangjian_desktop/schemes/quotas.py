"""Quotas (名额), bonus points (加分) and consequences (结果运用) of a scheme.

Quota checks only flag: they name the lowest-ranked candidates over a cap and never
change a result; deciding is the reviewers' job.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Mapping, NamedTuple, Sequence

from . import model as m
from .evaluate import Result, star_word
from .model import Scheme, fmt_num


class QuotaEntry(NamedTuple):
    """One assessed branch: its id (or name), its town, and its result."""

    branch: str
    town: str | None
    result: Result


@dataclass
class QuotaFlag:
    quota: str  # the quota's code
    scope: str | None  # the town, or None for the whole round
    bound: str  # "max" | "min"
    limit: int  # allowed (max) or wanted (min) count
    count: int  # how many results carry the ratings
    assessed: int  # how many results are in the scope
    enforced: bool
    candidates: list[str] = field(default_factory=list)  # over a cap: lowest-ranked first
    tie: bool = False  # a candidate ties with the last one inside the cap
    message: str = ""


def _counts(entry: QuotaEntry, names: set[str], scheme: Scheme) -> bool:
    r = entry.result
    if r.rating in names:
        return True
    award = scheme.rating.award
    return bool(award and award.name in names and r.award)


def _limit(q: m.Quota, town: str | None, assessed: int) -> int:
    if q.count is not None:
        return q.exceptions.get(town, q.count) if town is not None else q.count
    share = Fraction(str(q.percent)) / 100 * assessed
    # A cap of 15 % of 10 allows 1 (never more than the share); a target of 40 % of 10 wants 4 (at least it).
    return int(share) if q.bound == m.BOUND_MAX else -(-share.numerator // share.denominator)


def scope_groups(q: m.Quota, rows: Iterable[QuotaEntry]) -> list[tuple[str | None, list[QuotaEntry]]]:
    """The entries a quota counts together: per town for a town quota, else all in one (None),
    the towns in order and the whole last."""
    groups: dict[str | None, list[QuotaEntry]] = defaultdict(list)
    for e in rows:
        groups[e.town if q.scope == m.SCOPE_TOWN else None].append(e)
    return [(scope, groups[scope]) for scope in sorted(groups, key=lambda t: (t is None, t or ""))]


def _sort_key(e: QuotaEntry):
    total = e.result.total if e.result.total is not None else float("-inf")
    return (e.result.rank, total)


def check_quotas(scheme: Scheme,
                 entries: Iterable[QuotaEntry | tuple[str, str | None, Result]] | Mapping[str, tuple[str | None, Result]],
                 ) -> list[QuotaFlag]:
    """Flags for every quota a set of results breaks (caps exceeded, targets not reached).

    `entries`: QuotaEntry / (branch, town, result) tuples, or a mapping branch -> (town, result).
    Over a cap, `candidates` are the branches beyond the allowed count, lowest-ranked first
    (rank, then total); nothing is demoted.
    """
    if isinstance(entries, Mapping):
        rows = [QuotaEntry(b, t, r) for b, (t, r) in entries.items()]
    else:
        rows = [e if isinstance(e, QuotaEntry) else QuotaEntry(*e) for e in entries]
    flags: list[QuotaFlag] = []
    for q in scheme.quotas:
        names = set(q.ratings)
        for scope, group in scope_groups(q, rows):
            hits = [e for e in group if _counts(e, names, scheme)]
            limit = _limit(q, scope, len(group))
            what = "、".join(q.ratings)
            where = f"{scope}：" if scope is not None else ""
            rule_text = f"{fmt_num(q.percent)}%（{len(group)} 个中 {limit} 个）" if q.percent is not None else f"{limit} 个"
            kind = "须执行" if q.enforced else "原则上"
            if q.bound == m.BOUND_MAX and len(hits) > limit:
                ranked = sorted(hits, key=_sort_key, reverse=True)
                kept, over = ranked[:limit], ranked[limit:]
                candidates = [e.branch for e in reversed(over)]
                tie = bool(kept) and _sort_key(kept[-1]) == _sort_key(over[0])
                msg = (f"{where}“{what}”{len(hits)} 个，超过上限 {rule_text}（{kind}），多 {len(hits) - limit} 个；"
                       f"排名最后的是：{'、'.join(candidates)}。")
                if tie:
                    msg += "注意：名额线上有同分，需复核决定。"
                flags.append(QuotaFlag(q.code, scope, q.bound, limit, len(hits), len(group), q.enforced,
                                       candidates, tie, msg))
            elif q.bound == m.BOUND_MIN and len(hits) < limit:
                msg = f"{where}“{what}”{len(hits)} 个，未达到 {rule_text}（{kind}）。"
                flags.append(QuotaFlag(q.code, scope, q.bound, limit, len(hits), len(group), q.enforced, [], False, msg))
    return flags


def bonus_for(scheme: Scheme, rating: str | None) -> m.Number | None:
    """The yearly bonus points a rating earns (五化: 五星 +10 …); None when the scheme has none."""
    if rating is None:
        return None
    return scheme.bonuses.get(rating)


# ---- consequences over years ------------------------------------------------------------

class YearRating(NamedTuple):
    year: int
    rating: str | None
    stars: int | None = None


@dataclass
class Applied:
    code: str
    title: str
    reason: str


def _by_year(history: Iterable[Sequence]) -> dict[int, YearRating]:
    out: dict[int, YearRating] = {}
    for h in history:
        y = YearRating(*h)
        out[int(y.year)] = y
    return out


def _run(by_year: dict[int, YearRating], year: int, names: set[str]) -> int:
    n = 0
    while (y := by_year.get(year - n)) is not None and y.rating in names:
        n += 1
    return n


def _in_range(n: int, c: m.Consequence) -> bool:
    return n >= (c.min_years or 1) and (c.max_years is None or n <= c.max_years)


def consequences_for(scheme: Scheme, history: Iterable[Sequence], year: int) -> list[Applied]:
    """The consequences that apply to one branch in `year`, given its (year, rating, stars) history.

    Runs count consecutive calendar years ending in `year`; a missing year breaks a run.
    A lost star compares `year` with `year - 1`.
    """
    by_year = _by_year(history)
    now = by_year.get(year)
    out: list[Applied] = []
    if now is None:
        return out
    for c in scheme.consequences:
        reason = None
        if c.kind == m.RUN:
            n = _run(by_year, year, set(c.ratings))
            if _in_range(n, c):
                reason = f"连续 {n} 年评为“{'、'.join(c.ratings)}”（{year - n + 1}—{year} 年）。"
        elif c.kind == m.RATING_IN:
            if now.rating in c.ratings:
                reason = f"{year} 年评为“{now.rating}”。"
        elif c.kind == m.STARS_AT_MOST:
            if now.stars is not None and c.stars is not None and now.stars <= c.stars:
                reason = f"{year} 年为{star_word(now.stars)}，不高于{star_word(c.stars)}。"
        elif c.kind == m.STAR_LOSS:
            before = by_year.get(year - 1)
            if before is not None and before.stars is not None and now.stars is not None and now.stars < before.stars:
                reason = f"由 {year - 1} 年的{star_word(before.stars)}降为 {year} 年的{star_word(now.stars)}。"
        if reason:
            out.append(Applied(c.code, c.title, reason))
    return out


def town_consequences_for(scheme: Scheme, awarded_by_year: Mapping[int, int], year: int) -> list[Applied]:
    """Town-level consequences (六有: no 六有党支部 in the town for 2 years running).

    `awarded_by_year`: year -> how many of the town's branches got the scheme's award.
    """
    award = scheme.rating.award
    out: list[Applied] = []
    for c in scheme.consequences:
        if c.kind != m.TOWN_NO_AWARD or award is None:
            continue
        n = 0
        while (year - n) in awarded_by_year and awarded_by_year[year - n] == 0:
            n += 1
        if _in_range(n, c):
            out.append(Applied(c.code, c.title, f"全镇连续 {n} 年没有“{award.name}”（{year - n + 1}—{year} 年）。"))
    return out
