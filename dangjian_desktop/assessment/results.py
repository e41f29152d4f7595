"""Results of a round (结果报告): totals, ratings, vetoes, rankings in the town and the county,
quota flags, comparison with the previous year and the consequences the scheme lists.

All rating rules come from the schemes package (evaluate, check_quotas, consequences_for,
town_consequences_for); this module only gathers the scores and puts the pieces together.
Quota checks only flag: nothing is demoted here — the reviewer decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..db import Database
from ..schemes import Applied, QuotaFlag, Result, Scheme


@dataclass
class BranchRating:
    """One branch's line of the results."""

    sheet_id: str
    org_id: str
    org_name: str
    kind: str | None
    office_id: str
    town: str
    state: str
    total: float | int | None
    total_max: float | int | None
    rating: str | None
    stars: int | None
    vetoed: bool
    vetoes: list[str] = field(default_factory=list)  # veto codes
    veto_facts: list[str] = field(default_factory=list)  # "V1 一年内没有党组织书记：fact"
    award: bool | None = None
    bonus: float | int | None = None
    rank_town: int | None = None  # 1 = best; ties share a rank
    rank_county: int | None = None
    missing: int = 0  # items without any score
    previous: dict | None = None  # {"year", "rating", "stars", "total"} of the previous year's round
    trend: str | None = None  # 'up' | 'down' | 'same' | None (no earlier result)
    quota_flags: list[str] = field(default_factory=list)  # codes of quotas naming this branch as candidate
    consequences: list[Applied] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    result: Result | None = field(default=None, repr=False)

    TREND_LABELS = {"up": "上升", "down": "下降", "same": "持平"}

    @property
    def trend_label(self) -> str:
        return self.TREND_LABELS.get(self.trend or "", "—")

    def to_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet_id, "org_id": self.org_id, "branch": self.org_name, "kind": self.kind,
            "town": self.town, "state": self.state, "total": self.total, "total_max": self.total_max,
            "rating": self.rating, "stars": self.stars, "vetoed": self.vetoed, "vetoes": list(self.vetoes),
            "veto_facts": list(self.veto_facts), "award": self.award, "bonus": self.bonus,
            "rank_town": self.rank_town, "rank_county": self.rank_county, "missing": self.missing,
            "previous": self.previous, "trend": self.trend, "quota_flags": list(self.quota_flags),
            "consequences": [{"code": c.code, "title": c.title, "reason": c.reason} for c in self.consequences],
            "reasons": list(self.reasons), "warnings": list(self.warnings),
        }


@dataclass
class TownConsequence:
    office_id: str
    town: str
    applied: Applied


@dataclass
class RoundRating:
    """The whole round rated."""

    round_id: str
    year: int
    scheme: Scheme
    branches: list[BranchRating]
    quota_flags: list[QuotaFlag] = field(default_factory=list)
    town_consequences: list[TownConsequence] = field(default_factory=list)
    previous_round_id: str | None = None

    def by_sheet(self) -> dict[str, BranchRating]:
        return {b.sheet_id: b for b in self.branches}

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round_id, "year": self.year, "scheme": self.scheme.id,
            "previous_round": self.previous_round_id,
            "branches": [b.to_dict() for b in self.branches],
            "quota_flags": [{"quota": f.quota, "scope": f.scope, "bound": f.bound, "limit": f.limit,
                             "count": f.count, "assessed": f.assessed, "enforced": f.enforced,
                             "candidates": list(f.candidates), "tie": f.tie, "message": f.message}
                            for f in self.quota_flags],
            "town_consequences": [{"town": t.town, "code": t.applied.code, "title": t.applied.title,
                                   "reason": t.applied.reason} for t in self.town_consequences],
        }


def rate_round(db: Database, round_id: str) -> RoundRating:
    """Rate every branch of the round from its effective scores (考核分, else 初评分, else 自评分)
    and triggered vetoes; rank in town and county (by rating, then total); check the scheme's
    quotas; compare with the previous year's round of the same scheme; list consequences from
    the branch's history of confirmed results plus this year."""
    raise NotImplementedError


def rate_sheet(db: Database, sheet_id: str, stage: str | None = None) -> Result:
    """Evaluate one sheet (试算) with a stage's scores (self / initial / final) or the effective ones."""
    raise NotImplementedError
