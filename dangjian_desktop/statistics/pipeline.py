"""发展党员 in the membership's structure: how many 入党申请人, 入党积极分子 and 发展对象 a scope has
on the statistics date, read from the development pipeline ledger (ledgers.pipeline).

A person's stage on a day is the ledger's own (Person.stage) over the steps dated on or before
that day, closed (已终止, 已取消) only when the record was closed by then; someone whose first step
is after the day was not in the pipeline yet. 预备党员 are counted from the roster by the caller
(the 党员类别 of the same day), not here: the roster is what says who is a member.

Only the people not yet accepted on the day are read (those accepted since are 预备党员 or later
on the roster), so the ledger's full history — every member accepted over the years — is not.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from ..db import Database
from ..ledgers.pipeline import STAGES, people

#: The stages counted from the ledger, in the procedure's order.
COUNTED = tuple(name for name, _step in STAGES[:3])  # 入党申请人, 入党积极分子, 发展对象
PROBATIONARY = STAGES[3][0]  # 预备党员: from the roster
#: The step that makes someone a 预备党员: a person with it on or before the day is not read.
_ACCEPTED = STAGES[3][1]
_CHUNK = 5000  # person ids per read (SQLite's limit on parameters)


def stages_on(db: Database, org_id: str | None, as_of: dt.date) -> dict[str, int]:
    """{入党申请人: n, 入党积极分子: n, 发展对象: n} of an organisation's subtree (or everyone the
    database holds) at the end of `as_of`."""
    day = as_of.isoformat()
    ids = [r[0] for r in db.conn.execute(
        "SELECT p.id FROM dev_person p WHERE NOT (p.closed IS NOT NULL AND coalesce(p.closed_on, '') <= ?) "
        "AND NOT EXISTS (SELECT 1 FROM dev_step s WHERE s.person_id = p.id AND s.step = ? AND s.date <= ?)",
        (day, _ACCEPTED, day))]
    found: Counter = Counter()
    for k in range(0, len(ids), _CHUNK):
        for p in people(db, org_id=org_id, person_ids=ids[k:k + _CHUNK]):
            steps = [s for s in p.steps if s.date and s.date <= day]
            if not steps:
                continue  # applied after the day
            closed = p.closed if p.closed and (not p.closed_on or p.closed_on <= day) else None
            found[dataclasses.replace(p, steps=steps, closed=closed).stage] += 1
    return {name: found.get(name, 0) for name in COUNTED}
