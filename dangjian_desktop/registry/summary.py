"""The office's figures at a glance (`dangjian stats`): offices, organisations by type, members."""

from __future__ import annotations

from ..db import Database
from .status import active_sql
from .offices import held_office, own_orgs_sql

ORG_KEYS = {"党委": "party_committees", "党总支": "general_branches", "党支部": "branches", "党小组": "groups"}


def summary(db: Database) -> dict:
    """Counts of offices, organisations (all and by type) and active members (all, 正式, 预备),
    with every member record and the schema version."""
    own = held_office(db)  # a town's count leaves out the towns whose sheets it assesses by lot
    offices = db.one("SELECT count(*) AS n, ifnull(sum(level = 'town'), 0) AS towns FROM office "
                     "WHERE ? IS NULL OR level != 'town' OR id = ?", (own, own))
    by_type = {r["org_type"]: r["n"] for r in db.query(
        f"SELECT org_type, count(*) AS n FROM org WHERE {own_orgs_sql(db, '')} GROUP BY org_type")}
    members = db.one(f"SELECT count(*) AS n, ifnull(sum({active_sql('m')}), 0) AS active, "
                     f"ifnull(sum({active_sql('m')} AND m.category = '正式党员'), 0) AS full, "
                     f"ifnull(sum({active_sql('m')} AND m.category = '预备党员'), 0) AS probationary "
                     f"FROM member m")
    return {
        "offices": offices["n"],
        "towns": offices["towns"],
        "orgs": sum(by_type.values()),
        **{key: by_type.get(org_type, 0) for org_type, key in ORG_KEYS.items()},
        "members": members["active"],
        "members_full": members["full"],
        "members_probationary": members["probationary"],
        "members_all_records": members["n"],
        "schema_version": db.schema_version,
    }
