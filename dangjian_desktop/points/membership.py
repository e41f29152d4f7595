"""Who was a member on a given day, and of which branch: what a meeting's attendance and a points
entry dated that day may name (a meeting entered weeks later lists the branch as it was then).

The history is read the way the statistics read it for a past day (statistics.as_of.members_on,
which the points cannot import: the statistics read the points). On or after today the roster
as it stands counts: an active member (正常, 失联) of their branch now. Before today a member
counts at the end of the day when

- they had joined: the join date is on or before the day (a month alone stands for its first day);
- their status was 正常 or 失联: the status after their last event dated on or before the day;
  with no event by then, the status before their first later event, where a first event with no
  status before it is the record's start: 入党登记 counts the member from the join date (it is
  dated the day the record was entered), 转入 from outside the office means not here yet. A
  member who left (转出, 死亡, 出党, 停止党籍) on the day itself no longer counts;
- their branch was the one they were moved out of by the first transfer within the office
  (转入 from another branch) after the day, else the branch they are in now.

Party groups (党小组) have no history: a group's members on a day are the branch's members that
day who are in the group now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from .. import dates
from ..db import Database
from .common import ACTIVE_STATUSES

#: How a departure reads in a sentence ("2025年3月1日去世").
LEFT_WORDS = {"死亡": "去世", "转出": "转出", "出党": "出党", "停止党籍": "停止党籍"}


@dataclass(frozen=True)
class Standing:
    """A member on one day: the branch they were a member of (None: not a member of the party
    here that day) and, when not, why in a few words ("2025年5月1日入党")."""

    member_id: str
    name: str
    org_id: str | None
    why: str = ""

    @property
    def member(self) -> bool:
        return self.org_id is not None


class History:
    """The members' records and status histories, read once; `on(member_id, day)` answers for any day."""

    def __init__(self, db: Database, member_ids: Iterable[str], *, today: dt.date | None = None):
        self.db = db
        self.today = (today or dates.today()).isoformat()
        ids = list(dict.fromkeys(member_ids))
        self.members: dict[str, dict] = {}
        self.events: dict[str, list] = {i: [] for i in ids}
        for k in range(0, len(ids), 500):
            part = ids[k:k + 500]
            marks = ",".join("?" * len(part))
            for r in db.query(f"SELECT id, name, join_date, status, org_id FROM member WHERE id IN ({marks})", part):
                self.members[r["id"]] = dict(r)
            for r in db.query(f"""SELECT member_id, event_type, event_date, from_org_id, to_org_id, from_status,
                                         to_status FROM member_event WHERE member_id IN ({marks})
                                  ORDER BY event_date, rowid""", part):
                self.events[r["member_id"]].append(r)
        self._names: dict[str, str] = {}

    def on(self, member_id: str, day: str | dt.date) -> Standing:
        """The member's standing at the end of `day` (a member unknown here: not a member)."""
        iso = day.isoformat() if isinstance(day, dt.date) else str(day)
        m = self.members.get(member_id)
        if m is None:
            return Standing(member_id, "", None, "记录不存在")
        name = m["name"]
        if iso >= self.today:  # the roster as it stands
            if m["status"] in ACTIVE_STATUSES:
                return Standing(member_id, name, m["org_id"])
            return Standing(member_id, name, None, self._left(member_id, m["status"]))
        joined = m["join_date"] or ""
        if not joined or joined > iso:
            return Standing(member_id, name, None, f"{dates.format_cn(joined)}入党" if joined else "入党日期未登记")
        events = self.events.get(member_id, [])
        before = [e for e in events if e["event_date"] <= iso]
        after = [e for e in events if e["event_date"] > iso]
        status = before[-1]["to_status"] if before else None
        if status is None and after:
            first = after[0]
            if first["from_status"] is not None:
                status = first["from_status"]
            elif first["event_type"] == "入党登记":
                status = first["to_status"] or "正常"
            else:  # the record starts with a transfer in from outside the office: not here yet
                return Standing(member_id, name, None, f"{dates.format_cn(first['event_date'])}{first['event_type']}本镇")
        if status is None:
            status = m["status"]
        if status not in ACTIVE_STATUSES:
            return Standing(member_id, name, None, self._left(member_id, status, before))
        moved = next((e for e in after if e["event_type"] == "转入" and e["from_org_id"]
                      and e["from_org_id"] != e["to_org_id"]), None)
        return Standing(member_id, name, moved["from_org_id"] if moved else m["org_id"])

    def _left(self, member_id: str, status: str, events: list | None = None) -> str:
        """How the member came to a status that does not count: "2025年3月1日去世", or the status."""
        events = self.events.get(member_id, []) if events is None else events
        last = next((e for e in reversed(events) if e["to_status"] == status and e["event_type"] in LEFT_WORDS), None)
        if last is None:
            return f"党籍状态为“{status}”"
        return f"{dates.format_cn(last['event_date'])}{LEFT_WORDS[last['event_type']]}"

    def left_on(self, member_id: str) -> str:
        """For a member who does not count now: when and how they left ("2026年1月10日转出")."""
        m = self.members.get(member_id)
        return self._left(member_id, m["status"]) if m else ""

    def not_in_branch(self, member_id: str, org_id: str, day: str | dt.date) -> str | None:
        """None when the member was a member of the branch at the end of `day`; else why not, in
        words naming the member and the dates ("张三（2025年5月1日入党）")."""
        s = self.on(member_id, day)
        if s.org_id == org_id:
            return None
        if s.member:  # a member of the party here, in another branch that day
            return f"{s.name}（当时在{self.org_name(s.org_id)}{self._moved(member_id, org_id, day)}）"
        return f"{s.name}（{s.why}）" if s.why else s.name

    def _moved(self, member_id: str, org_id: str, day: str | dt.date) -> str:
        """"，2025年5月1日转入本支部" (a transfer after the day brought the member to the branch) or
        "，2025年2月1日已从本支部转出" (one on or before the day took them away), else ""."""
        iso = day.isoformat() if isinstance(day, dt.date) else str(day)
        events = [e for e in self.events.get(member_id, []) if e["event_type"] == "转入" and e["from_org_id"]
                  and e["from_org_id"] != e["to_org_id"]]
        came = next((e for e in events if e["event_date"] > iso and e["to_org_id"] == org_id), None)
        if came:
            return f"，{dates.format_cn(came['event_date'])}转入本支部"
        went = next((e for e in reversed(events) if e["event_date"] <= iso and e["from_org_id"] == org_id), None)
        return f"，{dates.format_cn(went['event_date'])}已从本支部转出" if went else ""

    def org_name(self, org_id: str | None) -> str:
        if not org_id:
            return ""
        if org_id not in self._names:
            self._names[org_id] = self.db.scalar("SELECT name FROM org WHERE id = ?", (org_id,)) or "其他党组织"
        return self._names[org_id]


def branch_pool(db: Database, org_id: str) -> list[str]:
    """Everyone who may have been a member of the branch on some day: its members now (of any
    status) and those transferred from it to another branch, by pinyin."""
    return [r[0] for r in db.query(
        """SELECT m.id FROM member m WHERE m.org_id = ? OR m.id IN (
               SELECT e.member_id FROM member_event e WHERE e.event_type = '转入' AND e.from_org_id = ?
               AND e.to_org_id IS NOT e.from_org_id)
           ORDER BY m.name_pinyin""", (org_id, org_id))]


def members_on(db: Database, org_id: str, day: str | dt.date, *, group_id: str | None = None,
               today: dt.date | None = None) -> list[str]:
    """The ids of the members of a branch at the end of `day` (a 党小组 given: those of them in
    the group now), by pinyin."""
    pool = branch_pool(db, org_id)
    history = History(db, pool, today=today)
    out = [mid for mid in pool if history.on(mid, day).org_id == org_id]
    if group_id:
        in_group = {r[0] for r in db.query("SELECT id FROM member WHERE group_id = ? AND org_id = ?", (group_id, org_id))}
        out = [mid for mid in out if mid in in_group]
    return out
