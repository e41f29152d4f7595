"""What must be decided by a person before a sheet is published (公示) or confirmed (确定).

- 公示 and 确定: every veto the registry's data proves (veto_proposals) is confirmed or
  dismissed by the reviewer — a result is never published with an unread proposal.
- 确定: the appeal deadline does not rest on a year without a holiday table (enter the year's
  放假安排 or confirm Monday–Friday: workdays.confirm_weekdays); a capped title or level the
  branch qualifies for is decided where more qualify than allowed (quota_decisions).

One Gates object serves a whole batch (move_many): the round is rated once for its quotas.
"""

from __future__ import annotations

import datetime as dt

from .. import dates
from ..db import Database
from ..errors import UserError
from .workdays import CalendarUnconfirmedError, calendar_advice


class Gates:
    def __init__(self, db: Database, day: dt.date):
        self.db, self.day = db, day
        self._undecided: dict[str, dict[str, str]] = {}

    def _pending_vetoes(self, row, what: str) -> None:
        from .veto_proposals import pending_vetoes

        pending = pending_vetoes(self.db, row["id"], today=self.day)
        if pending:
            listed = "；".join(f"{p.code}“{p.title}”：{p.fact}" for p in pending[:3])
            raise UserError(f"“{row['org_name']}”有 {len(pending)} 项据组织台账提出的否决项待审核人决定（{listed}）。"
                            f"请先逐项确认或驳回并写明理由，再{what}。")

    def before_publicity(self, row) -> None:
        self._pending_vetoes(row, "开始公示")

    def undecided(self, round_id: str) -> dict[str, str]:
        """Sheet id -> what is undecided, for every branch in a capped scope without a decision."""
        if round_id not in self._undecided:
            from .results import rate_round

            out: dict[str, str] = {}
            rating = rate_round(self.db, round_id, proposals=False)
            for sc in rating.quota_scopes:
                if sc.needs_decision:
                    where = f"{sc.scope}" if sc.scope else "本轮"
                    text = (f"{where}“{sc.title}”符合条件的有 {len(sc.qualified)} 个，名额为 {sc.limit} 个，"
                            f"尚未确定由谁获得")
                    for k in sc.qualified:
                        out.setdefault(k, text)
            self._undecided[round_id] = out
        return self._undecided[round_id]

    def before_confirm(self, row, window) -> None:
        if window is not None and window.unconfirmed:
            years = "、".join(str(y) for y in window.unconfirmed)
            raise CalendarUnconfirmedError(
                window.unconfirmed,
                f"“{row['org_name']}”的申诉期截止日 {dates.format_cn(window.end)} 是按周一至周五推算的："
                f"{years} 年的放假安排还没有录入。" + calendar_advice(window.unconfirmed, "确定结果"))
        self._pending_vetoes(row, "确定结果")
        why = self.undecided(row["round_id"]).get(row["id"])
        if why:
            raise UserError(f"“{row['org_name']}”的结果还不能确定：{why}。请先在“名额决定”中确定名单并写明理由。")
