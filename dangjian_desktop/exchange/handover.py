"""Rows that change hands between offices: a county round's sheets (assessment.stage_owner).

Such a row travels from the office that handed it over, already owned by the receiver. Only a
row's owner changes it, so whoever imports a sheet's row whose owner differs from its copy here
(or that is new and its own) decides by ownership, not by revision numbers (each database
counts its own):

- a copy here that this office owns is kept: nobody else can have changed it since;
- a copy here that the sender owns, arriving owned by this office, was handed over by the
  sender, and is taken — unless this office changed the row after the last package of its own
  the sender has applied (a package the sender wrote before this office's change, e.g. 退回初审,
  reached it): then the sender's copy is older and changes nothing;
- either way the new owner must be the office whose stage the sheet is in: the town for 自评 and
  初审 of a county round, the county from 审核 on (a town cannot take back a sheet the county is
  reviewing, nor send one on beyond 审核);
- rows of any other office are refused.
"""

from __future__ import annotations

from ..assessment.stage_owner import assessor_in, stage_owners
from ..db import Database
from . import ownership

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
WRONG_STAGE = "考核表所处的环节不归发送单位办理（县里考核的自评、初审由乡镇办理，审核起由县里办理）"


class SheetStages:
    """The state and offices of the sheets a package's rows belong to: the package's own sheet
    rows first (a hand-over moves the sheet and its scores together), else this database's; and
    which rows this office changed after the last of its packages the sender has applied
    (`seen_tx`: this database's last transaction in that package; None: none applied)."""

    def __init__(self, db: Database, tables: dict | None = None, seen_tx: int | None = None):
        self.db = db
        self.incoming = _by_id(tables or {}, "round_branch")
        self.rounds = _by_id(tables or {}, "assessment_round")
        self.offices = _by_id(tables or {}, "office")
        self.lots = _by_id(tables or {}, "round_lot")
        self.seen_tx = seen_tx
        self._cache: dict[str, tuple | None] = {}
        self._imported: set[int] | None = None

    def changed_here_since_seen(self, table: str, row_id: str) -> bool:
        """Whether this office's own last change of the row is one the sender has not seen."""
        if self._imported is None:
            self._imported = {r[0] for r in self.db.conn.execute(
                "SELECT local_tx FROM exchange_package WHERE direction = 'in' AND local_tx IS NOT NULL")}
        tx = self.db.scalar("SELECT max(tx_id) FROM change_log WHERE tbl = ? AND row_id = ?", (table, row_id))
        return (tx is not None and tx not in self._imported
                and (self.seen_tx is None or tx > self.seen_tx))

    def allowed_owners(self, table: str, row: dict) -> tuple[str, ...] | None:
        """The offices that may hold the row's sheet in its state (None: no such sheet here)."""
        sheet_id = row.get("id") if table == "round_branch" else row.get("round_branch_id")
        if not sheet_id:
            return None
        if sheet_id not in self._cache:
            self._cache[sheet_id] = self._look_up(sheet_id)
        hit = self._cache[sheet_id]
        return None if hit is None else stage_owners(*hit)

    def _look_up(self, sheet_id: str) -> tuple | None:
        sheet = self.incoming.get(sheet_id) or self.db.one(
            "SELECT round_id, office_id, state FROM round_branch WHERE id = ?", (sheet_id,))
        if sheet is None:
            return None
        rnd = self.rounds.get(sheet["round_id"]) or self.db.one(
            "SELECT office_id FROM assessment_round WHERE id = ?", (sheet["round_id"],))
        if rnd is None:
            return None
        office = self.offices.get(rnd["office_id"]) or self.db.one(
            "SELECT level FROM office WHERE id = ?", (rnd["office_id"],))
        if office is None:
            return None
        lots = sorted((r for r in self.lots.values() if r.get("round_id") == sheet["round_id"]),
                      key=lambda r: r.get("drawn_at") or "")
        result = lots[-1].get("result_json") if lots else self.db.scalar(
            "SELECT result_json FROM round_lot WHERE round_id = ? ORDER BY drawn_at DESC, rowid DESC LIMIT 1",
            (sheet["round_id"],))
        return (rnd["office_id"], office["level"], sheet["office_id"], sheet["state"],
                assessor_in(result, sheet["office_id"]))


def _by_id(tables: dict, table: str) -> dict[str, dict]:
    """A package's rows of one table by id, as dicts."""
    tr = tables.get(table)
    if tr is None:
        return {}
    return {r[tr.index("id")]: dict(zip(tr.columns, r)) for r in tr.rows}


def concerns(table: str, row_owner: str, local_owner: str | None, sender: str) -> bool:
    """Whether a row is a hand-over case rather than an ordinary row of its sender."""
    return table in ownership.HANDOVER and (row_owner != sender or (local_owner is not None and local_owner != sender))


def verdict(stages: SheetStages, table: str, row: dict, local_owner: str | None,
            sender: str, me: str, *, relayed: bool) -> tuple[str, str | None]:
    """(NEW | UPDATED | UNCHANGED, None) or ('refused', the Chinese reason). `relayed`: the sender
    is the county, which passes on the hand-overs between towns."""
    if local_owner == me:
        return UNCHANGED, None  # ours: only we change it
    if local_owner is not None and not relayed and local_owner != sender:
        return UNCHANGED, None  # not the sender's to hand over: its copy is older than ours
    if local_owner is not None and stages.changed_here_since_seen(table, str(row.get("id"))):
        return UNCHANGED, None  # the sender wrote its copy before our last change reached it
    allowed = stages.allowed_owners(table, row)
    if allowed is None:
        return "refused", "找不到这条记录所属的考核表或考核"
    if row.get("owner") not in allowed:
        return "refused", WRONG_STAGE
    return (NEW if local_owner is None else UPDATED), None


def kept_by_sender(db: Database, table: str, ids: list[str]) -> set[str]:
    """Of a town's rows missing from its complete package: the sheets of this county's rounds,
    which the county made and handed to the town (the town may not have received them yet)."""
    if table not in ownership.HANDOVER or not ids:
        return set()
    me = db.local_office_id
    out: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out |= {r[0] for r in db.conn.execute(
            f'SELECT t.id FROM "{table}" t WHERE t.id IN ({",".join("?" for _ in chunk)}) '
            f"AND {ownership.ROUND_OFFICE_SQL[table]} = ?", [*chunk, me])}
    return out


def not_yet_received(stages: SheetStages, table: str, ids: list[str]) -> set[str]:
    """Of the rows a county package no longer lists: those this town handed over to the county
    after the last change the county has acknowledged (`stages.seen_tx`): it cannot know them yet."""
    if table not in ownership.HANDOVER:
        return set()
    return {rid for rid in ids if stages.changed_here_since_seen(table, rid)}


# ---- a round the county withdrew -------------------------------------------------------------------
def cascade(db: Database, deleted: dict[str, set[str]]) -> dict[str, set[str]]:
    """The rows that go with deleted ones through `ON DELETE CASCADE` references, whoever owns
    them (a county round withdrawn: the town's sheets, scores and reports of it go too)."""
    conn = db.conn
    out: dict[str, set[str]] = {}
    todo = [(t, set(ids)) for t, ids in deleted.items() if ids]
    while todo:
        parent, ids = todo.pop()
        for child in ownership.travelling_tables(conn):
            for fk in conn.execute(f'PRAGMA foreign_key_list("{child}")').fetchall():
                if fk[2] != parent or str(fk[6]).upper() != "CASCADE":
                    continue
                found: set[str] = set()
                id_list = sorted(ids)
                for i in range(0, len(id_list), 500):
                    chunk = id_list[i:i + 500]
                    found |= {r[0] for r in conn.execute(
                        f'SELECT id FROM "{child}" WHERE "{fk[3]}" IN ({",".join("?" for _ in chunk)})', chunk)}
                found -= out.get(child, set()) | deleted.get(child, set())
                if found:
                    out.setdefault(child, set()).update(found)
                    todo.append((child, found))
    return out


#: A town's rows that belong to a round, and the column that leads to it.
ROUND_PARTS = {"round_branch": ("round_id", "assessment_round"), "round_history": ("round_id", "assessment_round"),
               "round_score": ("round_branch_id", "round_branch"), "round_veto": ("round_branch_id", "round_branch"),
               "round_self_report": ("round_branch_id", "round_branch"),
               "round_evidence": ("round_branch_id", "round_branch")}


def withdrawn(db: Database, tables: dict) -> dict[str, set[str]]:
    """Ids of a town package's rows that belong to a round or sheet gone here and not in the
    package (the county withdrew the round before the town heard of it): left out, not refused."""
    out: dict[str, set[str]] = {}
    present: dict[str, set[str]] = {t: set(_by_id(tables, t)) for t in ("assessment_round", "round_branch")}
    gone_parents: set[tuple[str, str]] = set()
    for table in ("round_branch", "round_history", "round_score", "round_veto", "round_self_report", "round_evidence"):
        tr = tables.get(table)
        if tr is None:
            continue
        col, parent = ROUND_PARTS[table]
        ci = tr.index(col)
        for r in tr.rows:
            pid = r[ci]
            if not pid:
                continue
            if (parent, pid) in gone_parents or (
                    pid not in present[parent] and db.one(f'SELECT 1 FROM "{parent}" WHERE id = ?', (pid,)) is None):
                gone_parents.add((parent, pid))
                out.setdefault(table, set()).add(r[tr.index("id")])
                if table == "round_branch":
                    gone_parents.add(("round_branch", r[tr.index("id")]))
    return out
