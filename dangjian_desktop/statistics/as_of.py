"""The members of a scope as they were on a past day, rebuilt from the status history the
registry keeps (member_event: every 入党登记, 转入, 转出, 预备转正, 停止党籍, 出党, 死亡, 失联 and
恢复联系 with its date, the status before and after, the branch before and after).

On or after today the statistics count the roster as it stands (roster.selection, the very
members the 花名册 export lists). Before today a member is counted when, at the end of that day:

- they had joined: the join date is on or before the day (a month alone stands for its first day);
- their status was 正常 or 失联: the status after their last event dated on or before the day; with
  no event by then, the status before their first later event. A first later event with no status
  before it is the record's start: 入党登记 (the day the record was entered, or the join date when
  a roster was imported) leaves the member counted from the join date; 转入 from outside the
  office means they were not here yet. So a member who left (转出, 死亡, 出党, 停止党籍) on the day
  itself is no longer counted; one who left the day after still is;
- their branch: the branch they were transferred out of by the first transfer (转入 within the
  office) after the day, else the branch they are in now; the scope is the organisation's
  subtree as it is now;
- their category: 预备党员 when they are 预备党员 now, or when the conversion date (转正日期, set by
  预备转正) is after the day.

Ages are reckoned at the day by the caller. What has no history is taken as it stands: 流动党员
and 困难党员 flags, the other fields of the member, and the organisation tree.
"""

from __future__ import annotations

import datetime as dt

from .. import dates
from ..db import Database
from ..registry.orgs import subtree_ids
from ..registry.status import ACTIVE_STATUSES


def counts_roster(as_of: dt.date, today: dt.date | None = None) -> bool:
    """True when the day is today or later: the roster as it stands is counted."""
    return as_of >= (today or dates.today())


# One event of the member's on a side of the day (?: the day): the latest on or before it, the
# earliest after it. Same-day events keep the order they were recorded in (rowid).
_BEFORE = ("(SELECT e.to_status FROM member_event e WHERE e.member_id = m.id AND e.event_date <= ? "
           "ORDER BY e.event_date DESC, e.rowid DESC LIMIT 1)")
_AFTER = ("(SELECT CASE WHEN e.from_status IS NOT NULL THEN e.from_status "
          "WHEN e.event_type = '入党登记' THEN coalesce(e.to_status, '正常') ELSE '' END "
          "FROM member_event e WHERE e.member_id = m.id AND e.event_date > ? "
          "ORDER BY e.event_date, e.rowid LIMIT 1)")
_BRANCH = ("(SELECT e.from_org_id FROM member_event e WHERE e.member_id = m.id AND e.event_date > ? "
           "AND e.event_type = '转入' AND e.from_org_id IS NOT NULL AND e.from_org_id != e.to_org_id "
           "ORDER BY e.event_date, e.rowid LIMIT 1)")
_CATEGORY = ("CASE WHEN m.category = '正式党员' AND m.full_date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]*' "
             "AND m.full_date > ? THEN '预备党员' ELSE m.category END")


def members_on(db: Database, day: dt.date, org_id: str | None = None) -> tuple[str, list]:
    """The members of the scope (an organisation's subtree, or everyone) who were members at the
    end of `day`: a FROM … WHERE clause over `m` (with the columns sex, ethnicity, birth_date,
    education, join_date, category, person_class, job, is_mobile, is_hardship, status, org_id as
    they were)
    and its parameters, the same shape as roster.selection.roster_selection."""
    iso = day.isoformat()
    inner = (f"SELECT m.id, m.sex, m.ethnicity, m.birth_date, m.education, m.join_date, m.person_class, m.job, "
             f"m.is_mobile, m.is_hardship, {_CATEGORY} AS category, "
             f"coalesce({_BEFORE}, {_AFTER}, m.status) AS status, "
             f"coalesce({_BRANCH}, m.org_id) AS org_id FROM member m")
    params: list = [iso, iso, iso, iso]
    where = [f"m.status IN ({', '.join('?' * len(ACTIVE_STATUSES))})", "m.join_date <= ?"]
    params += [*ACTIVE_STATUSES, iso]
    if org_id:
        ids = subtree_ids(db, org_id)
        where.append(f"m.org_id IN ({', '.join('?' * len(ids))})")
        params += ids
    return f"FROM ({inner}) m WHERE " + " AND ".join(where), params
