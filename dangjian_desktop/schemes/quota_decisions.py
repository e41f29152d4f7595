"""Titles and levels within a quota are chosen: who holds them when more qualify than allowed.

Where a scheme caps how many may hold a title or level (六有党支部 1–2 per town, 文城镇 up to 5;
五化 五星 ≤ 15 %, 四星 ≤ 30 %), qualifying is not holding. While the qualifiers fit the cap,
all of them hold it. When more qualify, a reviewer names the holders (within the cap, with a
reason; the database layer records who and when), or decides that nobody holds it (a cap of
15 % of 6 allows none); until then the scope is *undecided* and the result cannot be
confirmed. A decision covers the qualifiers the reviewer saw: one that qualifies later
reopens it. Named holders keep the title or level; the other qualifiers do not
get the title, or go down one level, and that lower level's own cap is checked next (a 五星
not named counts among the 四星). Nothing here is automatic: without a decision nothing changes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable

from . import model as m
from .evaluate import Result
from .model import Scheme
from .quotas import QuotaEntry, _limit, _sort_key, scope_groups


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision in one scope: `key` holds the title (None: nobody in the scope holds
    it); `considered` are the qualifiers the reviewer had before them."""

    quota: str
    scope: str | None
    key: str | None
    considered: frozenset = frozenset()


@dataclass
class QuotaScope:
    """One capped title or level in one scope (a town, or the whole round)."""

    quota: str  # the quota's code
    titles: list[str]  # the ratings or award it counts
    scope: str | None  # the town, or None for the whole round
    limit: int
    assessed: int
    enforced: bool
    qualified: list[str] = field(default_factory=list)  # entry keys, best first
    named: list[str] = field(default_factory=list)  # named and still qualified
    stale: list[str] = field(default_factory=list)  # named but no longer qualified
    award: bool = False  # a title (六有党支部) rather than a level (五星)
    decisions: int = 0  # decision rows in this scope
    unconsidered: list[str] = field(default_factory=list)  # qualifiers the decision did not see
    nobody: bool = False  # decided that nobody in the scope holds it

    @property
    def title(self) -> str:
        return "、".join(self.titles)

    @property
    def over(self) -> bool:
        return len(self.qualified) > self.limit

    @property
    def decided(self) -> bool:
        return self.decisions > 0 and not self.unconsidered and (bool(self.named) or self.nobody)

    @property
    def needs_decision(self) -> bool:
        return self.over and not self.decided

    @property
    def holders(self) -> list[str]:
        if not self.over:
            return list(self.qualified)
        return list(self.named) if self.decided else []

    @property
    def status(self) -> str:
        if not self.over:
            return "未超名额"
        return "已决定" if self.decided else "待决定"


def capped_quotas(scheme: Scheme) -> list[m.Quota]:
    """The caps (上限) of a scheme, levels from the highest down, then titles (an award needs its level)."""
    rule = scheme.rating
    order = {lv.name: n for n, lv in enumerate(rule.levels)}
    award = rule.award.name if rule.award else None
    caps = [q for q in scheme.quotas if q.bound == m.BOUND_MAX]
    return sorted(caps, key=lambda q: (award in q.ratings, min((order.get(r, 99) for r in q.ratings), default=99)))


def quota_for_title(scheme: Scheme, title: str) -> m.Quota | None:
    """The cap that counts a title or level (None when the scheme does not cap it)."""
    return next((q for q in capped_quotas(scheme) if title in q.ratings), None)


def _demoted(scheme: Scheme, res: Result, q: m.Quota, scope: str | None, limit: int) -> Result:
    rule = scheme.rating
    where = f"{scope}" if scope else "本轮"
    if rule.award is not None and rule.award.name in q.ratings:
        return replace(res, award=False, reasons=res.reasons + [
            f"名额：{where}“{rule.award.name}”限 {limit} 个，本组织未被确定，不授予该称号。"],
            warnings=list(res.warnings), vetoes=list(res.vetoes), missing=list(res.missing))
    names = [lv.name for lv in rule.levels]
    idx = names.index(res.rating)
    lower = next((n for n in range(idx + 1, len(names)) if names[n] not in q.ratings), None)
    if lower is None:
        return res
    lv = rule.levels[lower]
    return replace(res, rating=lv.name, stars=lv.stars if lv.stars is not None else res.stars,
                   label=lv.label or lv.name, bonus=scheme.bonuses.get(lv.name), rank=len(names) - 1 - lower,
                   award=(lv.name in rule.award.levels and res.award is not None and not res.vetoed)
                   if rule.award else res.award,
                   reasons=res.reasons + [f"名额：{where}“{res.rating}”限 {limit} 个，本组织未被确定，按“{lv.name}”计。"],
                   warnings=list(res.warnings), vetoes=list(res.vetoes), missing=list(res.missing))


def _counts(scheme: Scheme, res: Result, names: set[str]) -> bool:
    if res.rating in names:
        return True
    award = scheme.rating.award
    return bool(award and award.name in names and res.award)


def apply_quota_decisions(scheme: Scheme, entries: Iterable[QuotaEntry], decisions: Iterable[Decision]
                          ) -> tuple[dict[str, Result], list[QuotaScope]]:
    """The results as decided, and every capped scope with who qualifies and who was named.

    `entries`: (key, town, result) for each assessed branch; `decisions`: the reviewers'. A scope
    over its cap is decided when it has decisions that saw every current qualifier and name a
    holder (or nobody). Returns key -> Result (the raw result where nothing changed) and the scopes.
    """
    rows = [e if isinstance(e, QuotaEntry) else QuotaEntry(*e) for e in entries]
    current: dict[str, Result] = {e.branch: e.result for e in rows}
    by_scope: dict[tuple[str, str | None], list[Decision]] = defaultdict(list)
    for d in decisions:
        by_scope[(d.quota, d.scope)].append(d)
    scopes: list[QuotaScope] = []
    award = scheme.rating.award
    for q in capped_quotas(scheme):
        names = set(q.ratings)
        for scope, group in scope_groups(q, rows):
            keyed = [QuotaEntry(e.branch, e.town, current[e.branch]) for e in group]
            qualified = [e.branch for e in sorted((e for e in keyed if _counts(scheme, e.result, names)),
                                                  key=_sort_key, reverse=True)]
            limit = _limit(q, scope, len(group))
            mine = by_scope.get((q.code, scope), [])
            named = {d.key for d in mine if d.key is not None}
            seen = frozenset().union(*(d.considered for d in mine)) if mine else frozenset()
            sc = QuotaScope(q.code, list(q.ratings), scope, limit, len(group), q.enforced, qualified,
                            [k for k in qualified if k in named], sorted(k for k in named if k not in qualified),
                            award is not None and award.name in names, len(mine),
                            [k for k in qualified if k not in seen], any(d.key is None for d in mine))
            scopes.append(sc)
            if sc.over and sc.decided:
                for k in qualified:
                    if k not in sc.named:
                        current[k] = _demoted(scheme, current[k], q, scope, limit)
    return current, scopes
