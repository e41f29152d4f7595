"""The 组织台账 page's figures re-read off the GUI thread after a change to members or committees.

After a save the member table and the details follow at once (the clerk sees the member saved);
the tree's member counts and the warnings are re-read by a quiet kit Query on its own read-only
connection, so the save returns at once and the panels update when the figures are ready. The
counts go on from the last read (registry.tree.counts_refreshed: the branches of the members
changed since are counted again, not 294,000 members at a prefecture), and so do the warnings
about terms, committees and group leaders (registry.warnings.warnings_refreshed: kept while no
organisation or committee changed). A change heard while
a read runs makes it read once more (its result is stale and dropped); a change to the
organisations themselves is re-read in full on the GUI thread by the page (`refresh`), which also
drops a read still running.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from ...registry.tree import CountsRead, counts_refreshed, tree_counts
from ...registry.warnings import WarningsRead, warnings_refreshed
from ..kit.operations import Query

if TYPE_CHECKING:
    from .page import RegistryTab

log = logging.getLogger(__name__)


def read_figures(db, previous: tuple[CountsRead | None, WarningsRead | None] = (None, None)
                 ) -> tuple[dict, list, dict, tuple[CountsRead, WarningsRead]]:
    """The tree's counts and the warnings as the page shows them, each brought up to date from
    `previous` (what the last read gave), with how long each took and what the next read goes
    on from."""
    t0 = time.perf_counter()
    read = counts_refreshed(db, previous[0])
    counts = tree_counts(db, read)
    t1 = time.perf_counter()
    warnings, warnings_read = warnings_refreshed(db, previous[1], counts=counts)
    return counts, warnings, {"tree": t1 - t0, "warnings": time.perf_counter() - t1}, (read, warnings_read)


class FiguresRefresh:
    """At most one background read of the figures at a time for `page`; `generation` says whose result counts."""

    def __init__(self, page: "RegistryTab"):
        self.page = page
        self.query: Query | None = None
        self.again = False
        self.generation = 0
        self.counts_read: CountsRead | None = None  # what the last figures shown were counted from
        self.warnings_read: WarningsRead | None = None

    @property
    def running(self) -> bool:
        return self.query is not None

    def drop(self) -> None:
        """What a read still running brings is no longer wanted (a full refresh, another database)."""
        self.generation += 1
        self.again = False
        self.counts_read = None  # the page's tree, read afresh, is where the next read goes on from
        self.warnings_read = None

    def start(self) -> None:
        page = self.page
        if page.db is None:
            return
        self.generation += 1
        if self.query is not None:
            self.again = True
            return
        db, generation = page.db, self.generation
        own = db.path is not None and str(db.path) != ":memory:"
        tree = page.org_tree
        previous = (self.counts_read or (tree.counts_read if tree is not None else None), self.warnings_read)

        def done(result) -> None:
            if page.db is not db or generation != self.generation:
                return
            counts, warnings, timings, (self.counts_read, self.warnings_read) = result
            page.last_timings.update(timings)
            page.show_figures(counts, warnings)

        def finished() -> None:
            self.query = None
            if self.again and page.db is not None:
                self.again = False
                self.start()

        self.query = (Query(page, "", lambda reader: read_figures(reader, previous), progress=False,
                            own_connection=own)
                      .success(done).failure(lambda e: log.warning("registry figures not re-read: %s", e))
                      .after(finished).run_in_background())
