"""The round's dashboard (进度): where each branch stands, what is missing, what is overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..db import Database


@dataclass
class DashboardRow:
    sheet_id: str
    org_id: str
    org_name: str
    town: str
    kind: str | None
    state: str
    state_since: str  # ISO timestamp of the last state change
    missing: list[str] = field(default_factory=list)  # Chinese notes: "3项自评分未填", "缺少自我评价报告" …
    overdue: list[str] = field(default_factory=list)  # Chinese notes: "自评已逾期（截止2025年11月30日）" …
    next_step: str = ""  # what should happen next, e.g. "待提交初审"
    open_appeal: bool = False
    window_end: str | None = None  # last day of the appeal window while in 公示/申诉

    @property
    def ok(self) -> bool:
        return not self.missing and not self.overdue


@dataclass
class Dashboard:
    round_id: str
    today: dt.date
    rows: list[DashboardRow]
    counts: dict[str, int]  # state -> number of sheets
    overdue_rectifications: int = 0

    @property
    def problems(self) -> int:
        return sum(1 for r in self.rows if not r.ok)


def dashboard(db: Database, round_id: str, *, today: dt.date | None = None) -> Dashboard:
    """Per branch: state, missing scores/report/veto facts for the current stage, overdue deadlines."""
    raise NotImplementedError
