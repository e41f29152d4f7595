"""Which office's rows travel where: ownership per kind of data, and the office a row is about.

Every row with the identity columns (id, owner, rev, updated_at; see db.audit.identity_tables)
is a row that can travel. Its `owner` column names the office that owns it; only that office
changes it, and its changes travel from there. The table's kind says which offices may own its
rows, and so in which direction the table travels:

- "town":   only towns own these rows (the registry, members, meetings, points, the town's
            self-assessment and its rectification ledger). Town → county.
- "county": only the county owns them (adjustments of confirmed results, lots, the holiday
            calendar). County → town.
- "both":   rows owned by whichever office made them (offices, attachments, assessment rounds
            and sheets: a county round is the county's, a town's own round the town's; a score
            row entered by a town's team is that town's). Each row travels from its owner.
- "local":  this office's own bookkeeping (settings, the exchange ledger): never travels.

A table added later (a ledger, quota decisions …) with the identity columns and no entry below
follows its rows' owner ("both"): it travels without code changes. tests/test_exchange_ownership
fails until it gets an explicit entry, so that someone decides.
"""

from __future__ import annotations

import sqlite3

from ..db import audit
from ..db.table_labels import TABLE_LABELS

TOWN, COUNTY, BOTH, LOCAL = "town", "county", "both", "local"

KINDS: dict[str, str] = {
    "office": BOTH,
    "org": TOWN,
    "member": TOWN,
    "member_event": TOWN,
    "committee_term": TOWN,
    "committee_member": TOWN,
    "setting": LOCAL,
    "attachment": BOTH,
    "assessment_round": BOTH,
    "round_branch": BOTH,
    "round_score": BOTH,
    "round_veto": BOTH,
    "round_self_report": TOWN,
    "round_history": BOTH,
    "round_appeal": BOTH,
    "round_adjustment": COUNTY,
    "round_lot": COUNTY,
    "round_evidence": BOTH,
    "holiday": COUNTY,
    "holiday_year": COUNTY,
    "rectification": TOWN,
    "points_year": TOWN,
    "points_item": TOWN,
    "points_batch": TOWN,
    "meeting": TOWN,
    "meeting_attendance": TOWN,
    "meeting_photo": TOWN,
    "points_entry": TOWN,
    "points_exemption": TOWN,
    "member_review": TOWN,
    "points_result": TOWN,
    # v8: the reviewer's decisions belong to whoever reviews the round (the county, or a town
    # for its own round).
    "round_quota_decision": BOTH,
    "round_veto_review": BOTH,
    # v9: the ledgers behind the checklists are the town's.
    "dues_base": TOWN,
    "dues_payment": TOWN,
    "dues_exemption": TOWN,
    "dev_person": TOWN,
    "dev_step": TOWN,
    "dev_plan": TOWN,
    "training_record": TOWN,
    "reward_record": TOWN,
    "care_visit": TOWN,
    "talk_record": TOWN,
    "ledger_photo": TOWN,
    "fund_entry": TOWN,
    "reserve_cadre": TOWN,
    "plaque": BOTH,  # hung by whoever confirmed the result: a county round's are the county's
    "exchange_peer": LOCAL,
    "exchange_key": LOCAL,
    "exchange_package": LOCAL,
    "exchange_history": LOCAL,
    "exchange_conflict": LOCAL,
}

#: The rule for an identity table not listed above: its rows travel from their owner.
DEFAULT_KIND = BOTH

#: Tables whose rows change hands with a county round's stage (assessment.stage_owner): the
#: county makes a sheet and hands it to the town for 自评 and 初审; the town hands it back with
#: 提交审核; the county may return it (退回初审). Such a row travels from the office that handed
#: it over, owned by the receiver; the receiver takes it when it comes from the row's last owner
#: and is newer than its own copy (exchange.merge).
HANDOVER = frozenset({"round_branch", "round_score", "round_veto"})

#: Town tables the county passes on to another town: the organisations named by the sheets a
#: town's team assesses by lot (exchange.export.relayed_rows). Read-only there.
RELAYED = frozenset({"org"})

#: For each table in HANDOVER: SQL giving the office that made the row's round (alias t).
ROUND_OFFICE_SQL = {
    "round_branch": "(SELECT r.office_id FROM assessment_round r WHERE r.id = t.round_id)",
    "round_score": "(SELECT r.office_id FROM round_branch b JOIN assessment_round r ON r.id = b.round_id "
                   "WHERE b.id = t.round_branch_id)",
    "round_veto": "(SELECT r.office_id FROM round_branch b JOIN assessment_round r ON r.id = b.round_id "
                  "WHERE b.id = t.round_branch_id)",
}

LABELS = TABLE_LABELS  # (db/table_labels.py: the one list of the tables' names in words)


def kind_of(table: str) -> str:
    return KINDS.get(table, DEFAULT_KIND)


def label(table: str) -> str:
    return LABELS.get(table, table)


_travelling: dict[int, tuple[tuple[int, int], list[str]]] = {}


def travelling_tables(conn: sqlite3.Connection) -> list[str]:
    """Identity tables whose rows can travel, in the database's order (cached per connection
    until its schema changes)."""
    key = (conn.execute("PRAGMA schema_version").fetchone()[0], conn.execute("PRAGMA user_version").fetchone()[0])
    hit = _travelling.get(id(conn))
    if hit is None or hit[0] != key:
        hit = (key, [t for t in audit.identity_tables(conn) if kind_of(t) != LOCAL])
        _travelling[id(conn)] = hit
    return list(hit[1])


def sent_by(level: str, table: str) -> bool:
    """Whether an office of this level ('town' or 'county') sends rows of `table` it owns."""
    k = kind_of(table)
    return k == BOTH or k == level


def unmapped_tables(conn: sqlite3.Connection) -> list[str]:
    """Identity tables that have no explicit ownership decision (the test keeps this empty)."""
    return [t for t in audit.identity_tables(conn) if t not in KINDS]


# ---- the office a row is about -------------------------------------------------------------------
def foreign_keys(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, str]]:
    """(column, parent table, parent column) of a table's foreign keys."""
    return [(r[3], r[2], r[4] or "id") for r in conn.execute(f'PRAGMA foreign_key_list("{table}")')]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def scope_sql(conn: sqlite3.Connection, table: str, alias: str = "t", depth: int = 0) -> str | None:
    """An SQL expression giving the town a row of `table` is about; NULL when it is about the
    county as a whole (the named parameter :general is the county's office id). None when the
    table has no path to an office at all (a calendar: the whole county's too).

    The office is the row's own `office_id`, an office row itself, or — following the foreign
    keys, the first that leads to a town — its parent's office (a score → its sheet → the
    sheet's town; a member → the branch → the town; a rectification → the branch's town even
    when it also names a county round). Attachments are about no office of their own: they go
    wherever a row that uses them goes.
    """
    cols = _columns(conn, table)
    if table == "office":
        return f'nullif({alias}."id", :general)'
    if "office_id" in cols:
        return f'nullif({alias}."office_id", :general)'
    if depth > 4:
        return None
    parts = []
    for n, (col, parent, pcol) in enumerate(foreign_keys(conn, table)):
        if parent in (table, "attachment") or parent.startswith("exchange_"):
            continue
        sub_alias = f"p{depth}{n}"
        inner = scope_sql(conn, parent, sub_alias, depth + 1)
        if inner is None:
            continue
        parts.append(f'(SELECT {inner} FROM "{parent}" {sub_alias} WHERE {sub_alias}."{pcol}" = {alias}."{col}")')
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def referenced_only(conn: sqlite3.Connection, table: str) -> bool:
    """A table with no office of its own that other travelling tables refer to (attachments):
    its rows travel with the rows that use them."""
    if scope_sql(conn, table) is not None:
        return False
    return any(parent == table for t in travelling_tables(conn) if t != table
               for _c, parent, _p in foreign_keys(conn, t))


def references_to(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(table, column) of the travelling tables' foreign keys that point at `table`."""
    return [(t, col) for t in travelling_tables(conn) if t != table
            for col, parent, _p in foreign_keys(conn, t) if parent == table]
