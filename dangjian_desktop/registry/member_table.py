"""The member table's two queries: the ordered ids of the members under a node that match a search,
and the rows of some of them (a page the screen shows).

Like Anki's browser, the table keeps only the ids; rows are read when they come into view.
"""

from __future__ import annotations

import json
from typing import Iterable, Mapping

from ..db import Database
from .member_search import matching_rowids, ordered_ids
from .members import member_query

LAST = 1 << 30  # the rank of an organisation the tree does not show (and of no organisation)

#: What the ids can be ordered by (fixed SQL, never user input); ties go by name.
SORT_KEYS = {
    "name": "m.name_pinyin",
    "sex": "m.sex",
    "ethnicity": "m.ethnicity",
    "birth_date": "m.birth_date",
    "id_number": "m.id_number",
    "education": "m.education",
    "join_date": "m.join_date",
    "category": "m.category",
    "org": "dj_org_rank(m.org_id)",  # the branch in tree order (pinyin means nothing for 村/社区 mixes)
    "group": "dj_org_rank(m.group_id)",
    "status": "m.status",
    "phone": "m.phone",
    "flags": "(m.is_mobile * 2 + m.is_hardship)",
}


def member_ids(db: Database, *, org_ids: Iterable[str] | None = None, group_id: str | None = None,
               text: str = "", include_inactive: bool = False, sort: str = "name", descending: bool = False,
               org_rank: Mapping[str, int] | None = None) -> list[str]:
    """Ids of the members of a party group, or whose branch is one of `org_ids` (None: every
    member), matching `text` (members.member_query), ordered by SORT_KEYS[sort] then name.
    `org_rank` orders the branch and party-group columns (the tree's order)."""
    if sort == "name" and not descending and group_id is None and org_ids is None:
        fast = ordered_ids(db, text, include_inactive=include_inactive)  # a large database, searched whole
        if fast is not None:
            return fast
    hits = matching_rowids(db, text)  # a large database: the matches found in memory
    where, params = member_query(db, org_id=None, text=text if hits is None else "",
                                 include_inactive=include_inactive)
    clauses = [where[len(" WHERE "):]] if where else []
    if hits is not None:
        clauses.insert(0, "m.rowid IN (SELECT value FROM json_each(?))")
        params.insert(0, json.dumps(hits))
    if group_id is not None:
        clauses.append("m.group_id = ?")
        params.append(group_id)
    elif org_ids is not None:
        ids = list(org_ids)
        if ids:
            clauses.append(f"m.org_id IN ({','.join('?' * len(ids))})")
            params += ids
        else:
            clauses.append("0")
    rank = dict(org_rank or {})
    db.conn.create_function("dj_org_rank", 1, lambda oid: rank.get(oid, LAST) if oid else LAST,
                            deterministic=True)
    direction = "DESC" if descending else "ASC"
    # The unary + keeps SQLite from walking the name_pinyin index in order (a table lookup per
    # member): a scan with the filter, then sorting the matches, is several times faster.
    order = f"+{SORT_KEYS[sort]} {direction}"
    if sort != "name":
        order += f", m.name_pinyin {direction}"
    where_sql = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return [r[0] for r in db.tuples(f"SELECT m.id FROM member m{where_sql} ORDER BY {order}, m.id", params)]


def member_rows(db: Database, ids: list[str]) -> dict[str, object]:
    """The rows of these members by id, each with org_name and group_name (missing ids left out)."""
    if not ids:
        return {}
    sql = (f"SELECT m.*, o.name AS org_name, g.name AS group_name FROM member m "
           f"LEFT JOIN org o ON o.id = m.org_id LEFT JOIN org g ON g.id = m.group_id "
           f"WHERE m.id IN ({','.join('?' * len(ids))})")
    return {r["id"]: r for r in db.conn.execute(sql, ids)}
