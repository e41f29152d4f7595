"""A branch's checklist sheet (考核检查表): item scores at three stages, reasons, vetoes, the
self-evaluation report (自我评价报告).

Stages: self (自评分, entered by the branch), initial (初评分, the town's or the drawn team's),
final (考核分, the county's). A stage is editable only while the sheet is in its state
(self: 自评; initial: 初审; final: 审核 or 申诉). After 确定 nothing changes except through
`workflow.adjust_score` / `workflow.adjust_veto` (recorded with reason, who and when).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from ..db import Database
from ..errors import LockedError, UserError
from ..schemes import Scheme
from ..schemes.model import Number, fmt_num

STAGES = ("self", "initial", "final")
STAGE_LABELS = {"self": "自评分", "initial": "初评分", "final": "考核分"}
STAGE_COLUMNS = {"self": "self_score", "initial": "initial_score", "final": "final_score"}
# The sheet states in which a stage's scores may be entered.
STAGE_STATES = {"self": ("自评",), "initial": ("初审",), "final": ("审核", "申诉")}


@dataclass
class SheetItem:
    """One scored line: an item of a section, or a section scored as a whole."""

    code: str
    section_code: str
    section_title: str
    title: str
    max: Number | None
    kind: str  # points | deduction | yesno (see schemes.model)
    standard: str | None
    evidence_hint: str | None  # 佐证材料 the scheme asks for
    self_score: Number | None = None
    initial_score: Number | None = None
    final_score: Number | None = None
    reason: str = ""  # 扣分原因 / 说明
    evidence_count: int = 0

    def score(self, stage: str) -> Number | None:
        return getattr(self, STAGE_COLUMNS[stage])

    @property
    def effective(self) -> Number | None:
        """The score that counts now: 考核分, else 初评分, else 自评分."""
        for v in (self.final_score, self.initial_score, self.self_score):
            if v is not None:
                return v
        return None


@dataclass
class SheetVeto:
    """A veto item of the scheme and whether it is triggered on this sheet, with the fact."""

    code: str
    title: str
    triggered: bool = False
    fact: str = ""
    found_on: str | None = None


@dataclass
class SelfReport:
    """自我评价报告: 自我评价情况, 存在问题及原因, 整改措施及下步打算."""

    situation: str = ""
    problems: str = ""
    measures: str = ""

    @property
    def empty(self) -> bool:
        return not (self.situation.strip() or self.problems.strip() or self.measures.strip())


@dataclass
class Sheet:
    """Everything the 考核检查 tab shows for one branch."""

    id: str
    round_id: str
    year: int
    org_id: str
    org_name: str
    kind: str | None
    town: str
    state: str
    state_since: str
    rev: int
    scheme: Scheme
    items: list[SheetItem] = field(default_factory=list)
    vetoes: list[SheetVeto] = field(default_factory=list)
    report: SelfReport = field(default_factory=SelfReport)
    classification: str | None = None  # only for classification schemes (五个好: 先进/中间/后进)

    @property
    def locked(self) -> bool:
        return self.state == "确定"

    @property
    def editable_stages(self) -> tuple[str, ...]:
        return tuple(s for s in STAGES if self.state in STAGE_STATES[s])

    def item(self, code: str) -> SheetItem:
        for i in self.items:
            if i.code == code:
                return i
        raise UserError(f"编号“{code}”不是本考核表的细项。")

    def scores(self, stage: str | None = None) -> dict[str, Number]:
        """Item code -> score of a stage (None: the effective score); unscored items left out."""
        out = {}
        for i in self.items:
            v = i.effective if stage is None else i.score(stage)
            if v is not None:
                out[i.code] = v
        return out

    def triggered_vetoes(self) -> list[str]:
        return [v.code for v in self.vetoes if v.triggered]


_SCORE_TEXT = re.compile(r"^\d+(?:\.\d)?$|^\.\d$")


def parse_score(text: Any, maximum: Number | None, *, title: str = "", kind: str = "points") -> Number | None:
    """A score as typed (text or number) -> int/float with at most one decimal, or None when blank.

    Refuses with a Chinese UserError: not a number, negative, more than one decimal, above
    the item's maximum, and for yes-no items anything but 0/1 (or the maximum).
    The GUI calls this on every keystroke-commit so a bad number is refused as typed.
    """
    raise NotImplementedError


def open_sheet(db: Database, sheet_id: str) -> Sheet:
    """Load a sheet with every item (in the scheme's order), vetoes, report and evidence counts."""
    raise NotImplementedError


def sheet_id_for(db: Database, round_id: str, org_id: str) -> str:
    """The sheet of a branch in a round; UserError when the branch is not in the round."""
    raise NotImplementedError


def set_score(db: Database, sheet_id: str, item_code: str, stage: str, value: Any, *,
              reason: str | None = None, actor: str | None = None) -> Number | None:
    """Enter (or clear with None/'') one item's score at a stage; returns the stored number.

    Validated with `parse_score`; the stage must be editable in the sheet's state
    (UserError otherwise); a confirmed sheet raises LockedError (use adjust_score).
    `reason` (扣分原因), when given, is stored with it. One unit of work.
    """
    raise NotImplementedError


def set_scores(db: Database, sheet_id: str, stage: str, scores: Mapping[str, Any], *,
               reasons: Mapping[str, str] | None = None, actor: str | None = None) -> int:
    """Enter several scores of one stage at once (all or nothing); returns how many changed."""
    raise NotImplementedError


def set_reason(db: Database, sheet_id: str, item_code: str, reason: str, *, actor: str | None = None) -> None:
    """The deduction reason / remark of one item (editable until 确定)."""
    raise NotImplementedError


def set_veto(db: Database, sheet_id: str, code: str, fact: str, *, found_on: str | None = None,
             actor: str | None = None) -> None:
    """Mark a veto item as triggered, with the fact that triggers it (required)."""
    raise NotImplementedError


def clear_veto(db: Database, sheet_id: str, code: str, *, actor: str | None = None) -> None:
    """Un-mark a veto item."""
    raise NotImplementedError


def set_classification(db: Database, sheet_id: str, classification: str | None, *,
                       actor: str | None = None) -> None:
    """For classification schemes (五个好): the class given (先进 / 中间 / 后进)."""
    raise NotImplementedError


def get_self_report(db: Database, sheet_id: str) -> SelfReport:
    raise NotImplementedError


def set_self_report(db: Database, sheet_id: str, *, situation: str | None = None, problems: str | None = None,
                    measures: str | None = None, actor: str | None = None) -> None:
    """Save the self-evaluation report's parts given (None leaves a part unchanged)."""
    raise NotImplementedError


def require_unlocked(db: Database, sheet_id: str):
    """The sheet row, or LockedError when it is confirmed; UserError when it does not exist."""
    row = db.get("round_branch", sheet_id)
    if row is None:
        raise UserError("找不到这个考核表，可能已被删除。")
    if row["state"] == "确定":
        raise LockedError(f"“{row['org_name']}”的考核结果已确定，不能再修改；如需更正，请使用“调整分数”并填写原因。")
    return row
