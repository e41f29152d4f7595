"""The stored quota decisions of a round (table round_quota_decision), as the rating reads them.

results.rate_round applies them; quota_decisions (which rates the round to check a decision)
writes them. Both read through here, so neither needs the other to read them.

    load_rows(db, round_id)      the rows, oldest first
    decisions_of(db, round_id)   as schemes.quota_decisions.Decision (scopes by town name)
    fingerprint(db, round_id)    changes whenever a decision of the round changes (results' cache key)
"""

from __future__ import annotations

import json

from ..db import Database
from ..schemes.quota_decisions import Decision


def load_rows(db: Database, round_id: str) -> list:
    return db.query("SELECT * FROM round_quota_decision WHERE round_id = ? ORDER BY decided_at, rowid", (round_id,))


def town_names(db: Database) -> dict[str, str]:
    """office id -> name (a decision's scope is stored as the town's office id)."""
    return {r[0]: r[1] for r in db.query("SELECT id, name FROM office")}


def decisions_of(db: Database, round_id: str) -> list[Decision]:
    """The round's decisions for schemes.quota_decisions (scopes by town name)."""
    rows = load_rows(db, round_id)
    if not rows:
        return []
    towns = town_names(db)
    return [Decision(r["quota_code"], towns.get(r["scope"], r["scope"]) if r["scope"] else None,
                     r["round_branch_id"], frozenset(json.loads(r["considered"] or "[]"))) for r in rows]


def fingerprint(db: Database, round_id: str) -> str:
    r = db.one("SELECT count(*), ifnull(sum(rev), 0), ifnull(max(updated_at), ''), group_concat(id) "
               "FROM round_quota_decision WHERE round_id = ?", (round_id,))
    return ":".join(str(x) for x in tuple(r))
