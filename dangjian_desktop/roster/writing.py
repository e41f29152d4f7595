"""Writing new members: rows are gathered and inserted in batches of BATCH inside the import's
one unit of work, each with a first history entry '入党登记' dated with the join date (so that
later status events, which must not predate the previous one, keep their real dates), naming
the file in its note. Branches and party groups the import planned are created on first use.

The change-log entries of a batch's members and history entries are written in bulk, each with
the digest of its row already set (db/bulk_log.py, as the exchange import does), instead of by an
insert trigger per row and a look-up per row when the unit of work is sealed. The insert triggers
are dropped only while one batch is written and are back before anything else runs (a progress
step, a branch created, an update, the seal); a failure rolls the batch, its entries and the
dropped triggers back with the rest of the unit of work.

NewMembers is a part of importer.RosterImport: it writes only while the run `_writing` (a dry
run, or a run that has found an error, only counts).
"""

from __future__ import annotations

from .. import pinyin
from ..db import new_id, seal
from ..db.bulk_log import BulkInserts
from ..registry.members import MEMBER_FIELDS
from .branches import Org
from .sheets import SheetState

BATCH = 2000  # members inserted at a time
_TABLES = ("member", "member_event")  # written in bulk, each logged by BulkInserts


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
        batches = (("member", self._members), ("member_event", self._events))
        if self.db.schema_version < seal.SEAL_FROM_VERSION:  # an old schema (tests of migrations): by trigger
            for table, rows in batches:
                self._tx.insert_many(table, rows)
        else:
            with BulkInserts(self.db.conn, self._tx.id, _TABLES) as bulk:
                for table, rows in batches:
                    since = bulk.mark(table)
                    self._tx.insert_many(table, rows)
                    bulk.logged(table, since, len(rows))
        self._members.clear()
        self._events.clear()
