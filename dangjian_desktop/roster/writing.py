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

Rows are gathered as tuples in the column order of the INSERT (what Tx.insert_many would do with
a dict per row: id, owner, revision 1 and the unit of work's time). Their ids are local ids from
the unit of work (db/local_ids.py) and their global ids random ids like db.new_id's (db/ids.py),
made from one os.urandom call per batch (before version 15 the global id is the id).

NewMembers is a part of importer.RosterImport: it writes only while the run `_writing` (a dry
run, or a run that has found an error, only counts).
"""

from __future__ import annotations

from .. import pinyin
from ..db import seal
from ..db.bulk_log import BulkInserts
from ..db.ids import new_ids
from ..registry.members import MEMBER_FIELDS
from .branches import Org
from .sheets import SheetState

BATCH = 2000  # members inserted at a time
PINYIN_MEMO = 16384  # names whose sort key and initials a run remembers
# Member fields copied from the checked row as they are; the others are set below.
_COPIED = tuple(f for f in MEMBER_FIELDS if f not in ("group_id", "note", "is_mobile", "is_hardship"))
_MEMBER = ("id", "org_id", "group_id", "name_pinyin", "name_initials", "status", "note", "is_mobile",
           "is_hardship", "owner", "rev", "updated_at", *_COPIED)
_EVENT = ("id", "member_id", "event_type", "event_date", "to_org_id", "to_status", "note", "owner", "rev",
          "updated_at")


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" for _ in columns)})'


_INSERTS = (("member", _insert("member", _MEMBER)), ("member_event", _insert("member_event", _EVENT)))
# From schema version 15: local ids, each row's global id last (db/local_ids.py).
_INSERTS_GID = (("member", _insert("member", (*_MEMBER, "gid"))),
                ("member_event", _insert("member_event", (*_EVENT, "gid"))))


class NewMembers:
    """Members the file registers for the first time."""

    def _add(self, st: SheetState, n: int, v: dict, org: Org, group) -> None:
        self.report.added += 1
        if not self._writing:
            return
        if not self._ids:
            self._ids = new_ids(2 * BATCH)
        ids, tx = self._ids, self._tx
        gm, ge = ids.pop(), ids.pop()
        local = tx.ids.local
        mid, eid, gids = (tx.ids(), tx.ids(), ((gm,), (ge,))) if local else (gm, ge, ((), ()))
        org_id = self.branches.ensure_org(org)
        name = v["name"]
        spelled = self._pinyin.get(name)
        if spelled is None:
            if len(self._pinyin) >= PINYIN_MEMO:  # bounded: the memory does not grow with the file
                self._pinyin.clear()
            spelled = self._pinyin[name] = (pinyin.sort_key(name), pinyin.initials(name))
        get = v.get
        self._members.append((mid, org_id, self.branches.ensure_group(group), *spelled, "正常", get("note") or "",
                              get("is_mobile") or 0, get("is_hardship") or 0, org.owner, 1, tx.now,
                              *map(get, _COPIED), *gids[0]))
        self._events.append((eid, mid, "入党登记", v["join_date"], org_id, "正常",
                             f"花名册导入：{self.path.name}（{st.sheet} 第{n}行）", org.owner, 1, tx.now, *gids[1]))
        if len(self._members) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._writing or not self._members:
            return
        inserts = _INSERTS_GID if len(self._members[0]) > len(_MEMBER) else _INSERTS
        conn, batches = self.db.conn, ((self._members, *inserts[0]), (self._events, *inserts[1]))
        self._tx.tables.update(t for _, t, _ in batches)
        if self.db.schema_version < seal.SEAL_FROM_VERSION:  # an old schema (tests of migrations): by trigger
            for rows, _, sql in batches:
                conn.executemany(sql, rows)
        else:
            with BulkInserts(conn, self._tx.id, [t for _, t, _ in batches]) as bulk:
                for rows, table, sql in batches:
                    since = bulk.mark(table)
                    conn.executemany(sql, rows)
                    bulk.logged(table, since, len(rows))
        self._members.clear()
        self._events.clear()
