"""What the 统计 page has counted and drawn, kept so that nothing is counted or drawn twice.

    views = counted(db, key, scope)            # None, or the views counted for that scope
    remember(db, key, scope, mark, views)      # mark: the commit mark when the counting began
    data = drawn(chart) / keep_drawing(chart, data)    # a chart's PDF, drawn once

The views of a section are kept per database and scope together with the database's commit
mark (kit.operations.commit_mark: it moves with every unit of work committed), so a scope asked
for again — the page reopened, a town picked again, a tab shown again — is laid out at once while
nothing was written meanwhile, and counted afresh as soon as anything was.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from typing import Any, Hashable

from ...db import Database
from ...statistics.charts import Chart
from ..kit.operations import commit_mark

VIEWS_KEPT = 24  # scopes kept per database
CHARTS_KEPT = 64  # chart drawings kept

_views: "weakref.WeakKeyDictionary[Database, OrderedDict[Hashable, tuple[int | None, Any]]]" = \
    weakref.WeakKeyDictionary()
_charts: "OrderedDict[int, tuple[Chart, bytes]]" = OrderedDict()


def counted(db: Database | None, key: str, scope: Hashable) -> Any | None:
    """The views counted for (section, scope) while the database has not changed since, else None."""
    if db is None:
        return None
    kept = _views.get(db)
    entry = kept.get((key, scope)) if kept is not None else None
    if entry is None:
        return None
    if entry[0] != commit_mark(db):
        del kept[(key, scope)]
        return None
    kept.move_to_end((key, scope))
    return entry[1]


def remember(db: Database, key: str, scope: Hashable, mark: int | None, views: Any) -> None:
    """Keep views counted from the database as it was at `mark` (the commit mark taken before counting)."""
    kept = _views.setdefault(db, OrderedDict())
    kept[(key, scope)] = (mark, views)
    kept.move_to_end((key, scope))
    while len(kept) > VIEWS_KEPT:
        kept.popitem(last=False)


def drawn(chart: Chart | None) -> bytes | None:
    """The chart's PDF when it has been drawn (the very chart object: the views keep their charts)."""
    if chart is None:
        return None
    entry = _charts.get(id(chart))
    if entry is None or entry[0] is not chart:
        return None
    _charts.move_to_end(id(chart))
    return entry[1]


def keep_drawing(chart: Chart, data: bytes) -> None:
    _charts[id(chart)] = (chart, data)  # the chart is held, so its id is not reused while kept
    _charts.move_to_end(id(chart))
    while len(_charts) > CHARTS_KEPT:
        _charts.popitem(last=False)


def clear() -> None:
    """Forget everything (the benchmark's cold opening)."""
    _views.clear()
    _charts.clear()
