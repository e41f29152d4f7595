"""Writing new members: rows are gathered and inserted in batches of BATCH inside the import's
one unit of work, each with a first history entry '入党登记' dated with the join date (so that
later status events, which must not predate the previous one, keep their real dates), naming
the file in its note. Branches and party groups the import planned are created on first use.

NewMembers is a part of importer.RosterImport: it writes only while the run `_writing` (a dry
run, or a run that has found an error, only counts).
"""

from __future__ import annotations

from .. import pinyin
from ..db import new_id
from ..registry.members import MEMBER_FIELDS
from .branches import Org
from .sheets import SheetState

BATCH = 2000  # members inserted at a time


class NewMembers:
    """Members the file registers for the first time."""

    def _add(self, st: SheetState, n: int, v: dict, org: Org, group) -> None:
        self.report.added += 1
        if not self._writing:
            return
        org_id = self.branches.ensure_org(org)
        row = {k: v.get(k) for k in MEMBER_FIELDS}
        row.update(id=new_id(), group_id=self.branches.ensure_group(group), name_pinyin=pinyin.sort_key(v["name"]),
                   name_initials=pinyin.initials(v["name"]), org_id=org_id, status="正常",
                   note=v.get("note") or "", is_mobile=v.get("is_mobile") or 0,
                   is_hardship=v.get("is_hardship") or 0, owner=org.owner)
        self._members.append(row)
        self._events.append({"member_id": row["id"], "event_type": "入党登记", "event_date": v["join_date"],
                             "to_org_id": org_id, "to_status": "正常", "owner": org.owner,
                             "note": f"花名册导入：{self.path.name}（{st.sheet} 第{n}行）"})
        if len(self._members) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._writing or not self._members:
            return
        self._tx.insert_many("member", self._members)
        self._tx.insert_many("member_event", self._events)
        self._members.clear()
        self._events.clear()
