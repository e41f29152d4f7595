"""The roster's scope: which members a 花名册 export of an organisation (or of the office) lists.

Kept apart from the export (no openpyxl here) so that the membership statistics select through
the very same function without paying for the Excel library.
"""

from __future__ import annotations

import json
from typing import Iterable

from ..db import Database
from ..registry.members import member_query


def roster_selection(db: Database, *, org_id: str | None = None, member_ids: Iterable[str] | None = None,
                     include_inactive: bool = False) -> tuple[str, list]:
    """The members a roster export of this scope lists: a FROM … WHERE clause over `member m`
    (with its branch `o` and party group `g`) and its parameters.

    The one definition of the roster's scope: the export and the membership statistics
    (statistics.structure) both select through it, so they always count the same people."""
    where, params = member_query(db, org_id=org_id, include_inactive=include_inactive)
    if member_ids is not None:
        where += (" AND " if where else " WHERE ") + "m.id IN (SELECT value FROM json_each(?))"
        params = [*params, json.dumps(list(member_ids))]
    return ("FROM member m JOIN org o ON o.id = m.org_id LEFT JOIN org g ON g.id = m.group_id" + where), params
