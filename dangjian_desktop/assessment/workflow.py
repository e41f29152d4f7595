"""The workflow of a sheet: 自评 → 初审 → 审核 → 公示 → 确定, with 申诉 during the appeal window.

Every change records who and when (round_history). States cannot be skipped. An appeal
(申诉) can be lodged only within the appeal window: `appeal_days` (15) working days counted
from the first day of publicity. A sheet is confirmed (确定) only after the window has closed
with no open appeal. Once confirmed, scores are locked; a correction is an adjustment
(调整) with a reason, who and when, shown in the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from ..db import Database
from ..errors import LockedError, UserError
from .rounds import STATES

# Forward steps (推进) and steps back (退回) a sheet may take.
FORWARD = {"自评": "初审", "初审": "审核", "审核": "公示", "公示": "确定", "申诉": None, "确定": None}
BACK = {"初审": "自评", "审核": "初审", "公示": "审核"}
ACTION_LABELS = {
    ("自评", "初审"): "提交初审",
    ("初审", "审核"): "提交审核",
    ("审核", "公示"): "开始公示",
    ("公示", "申诉"): "登记申诉",
    ("申诉", "公示"): "申诉处理完毕",
    ("公示", "确定"): "确定结果",
    ("初审", "自评"): "退回自评",
    ("审核", "初审"): "退回初审",
    ("公示", "审核"): "撤回公示",
}


@dataclass
class HistoryEntry:
    """One line of a sheet's history: a state change, an appeal or an adjustment."""

    at: str  # timestamp (ISO)
    on_date: str  # the business date (ISO day)
    actor: str
    what: str  # 'state' | 'appeal' | 'decision' | 'adjustment'
    text: str  # Chinese description, e.g. "自评 → 初审（提交初审）"
    from_state: str | None = None
    to_state: str | None = None
    note: str = ""


@dataclass
class Appeal:
    """申诉."""

    id: str
    sheet_id: str
    lodged_on: str
    lodged_by: str
    reason: str
    material: str
    recorded_by: str
    decision: str | None
    outcome: str | None  # 维持 | 调整 | None (open)
    decided_on: str | None
    decided_by: str | None

    @property
    def open(self) -> bool:
        return self.outcome is None


@dataclass
class Adjustment:
    """A correction after 确定."""

    id: str
    sheet_id: str
    target: str  # 'score' | 'veto'
    code: str
    old_value: str | None
    new_value: str | None
    reason: str
    actor: str
    at: str


@dataclass
class Window:
    """The publicity / appeal window of a sheet."""

    start: dt.date
    end: dt.date  # last day an appeal may be lodged
    days: int  # working days

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def appeal_window(db: Database, sheet_id: str) -> Window | None:
    """The window of a sheet in publicity (None before 公示)."""
    raise NotImplementedError


def allowed_moves(db: Database, sheet_id: str, *, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(target state, Chinese action label) the sheet may move to now, for the GUI's buttons.

    Includes steps back (退回). 申诉 is offered only inside the window; 确定 only after it.
    """
    raise NotImplementedError


def move(db: Database, sheet_id: str, to_state: str, *, note: str = "", actor: str | None = None,
         today: dt.date | None = None) -> None:
    """Move one sheet to `to_state` (the next state, or one step back), recording who and when.

    Use `start_publicity`, `lodge_appeal`, `resolve_appeal` and `confirm` for the steps that
    need more than a note; `move` delegates to them with defaults. Raises UserError for a
    skipped state or a move the rules forbid, LockedError for a confirmed sheet.
    """
    raise NotImplementedError


def move_many(db: Database, sheet_ids: Iterable[str], to_state: str, *, note: str = "",
              actor: str | None = None, today: dt.date | None = None) -> int:
    """Move several sheets in one unit of work (all or nothing); returns how many moved."""
    raise NotImplementedError


def start_publicity(db: Database, round_id: str, start: dt.date | str | None = None, *,
                    sheet_ids: Iterable[str] | None = None, actor: str | None = None) -> Window:
    """Move every sheet in 审核 (or the given ones) to 公示 starting on `start` (default today).

    Sets the round's publicity start when it has none. Returns the window.
    """
    raise NotImplementedError


def lodge_appeal(db: Database, sheet_id: str, *, lodged_by: str, reason: str, material: str = "",
                 lodged_on: dt.date | str | None = None, actor: str | None = None) -> str:
    """申诉: record an objection within the window; the sheet moves 公示 → 申诉. Returns the appeal id.

    Raises UserError outside the window (naming its last day) or when the sheet is not in 公示.
    """
    raise NotImplementedError


def resolve_appeal(db: Database, appeal_id: str, *, decision: str, outcome: str,
                   decided_on: dt.date | str | None = None, actor: str | None = None) -> None:
    """Decide an appeal: outcome 维持 (kept) or 调整 (scores were changed in 申诉 state, which
    allows the final stage). The sheet goes back to 公示."""
    raise NotImplementedError


def confirm(db: Database, sheet_id: str, *, today: dt.date | None = None, actor: str | None = None,
            note: str = "") -> None:
    """确定: lock the sheet. Only from 公示, after the appeal window has closed, with no open appeal."""
    raise NotImplementedError


def confirm_round(db: Database, round_id: str, *, today: dt.date | None = None,
                  actor: str | None = None) -> int:
    """Confirm every sheet of the round in 公示 whose window has closed; returns how many."""
    raise NotImplementedError


def appeals(db: Database, sheet_id: str) -> list[Appeal]:
    raise NotImplementedError


def adjust_score(db: Database, sheet_id: str, item_code: str, new_value, *, reason: str,
                 actor: str | None = None) -> str:
    """Correct the final score (考核分) of a confirmed sheet: records old, new, reason, who, when.

    Only for sheets in 确定 (before that, enter the score normally). Reason is required.
    Returns the adjustment id.
    """
    raise NotImplementedError


def adjust_veto(db: Database, sheet_id: str, code: str, *, triggered: bool, fact: str = "", reason: str,
                actor: str | None = None) -> str:
    """Correct a veto of a confirmed sheet (add with its fact, or remove), recorded like adjust_score."""
    raise NotImplementedError


def adjustments(db: Database, sheet_id: str) -> list[Adjustment]:
    raise NotImplementedError


def history(db: Database, sheet_id: str) -> list[HistoryEntry]:
    """State changes, appeals, decisions and adjustments of a sheet, oldest first."""
    raise NotImplementedError
