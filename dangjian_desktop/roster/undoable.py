"""Taking a roster import back from 编辑 → 撤销, like any other edit.

The import is one unit of work, and its change log says everything it wrote: the members it
added (their entries written in bulk, db/bulk_log.py: an insert entry per row, as the trigger
writes), their first history entries '入党登记', the branches and party groups it created, and the
old values of the members it updated. The generic undo (dangjian_desktop/undo.py) reads that log
like any other action's: undoing deletes the added members with their history entries (their
pinyin keys are columns of the member row), gives updated members their old values back and
deletes the branches created, all in one unit of work `撤销：导入花名册（…）`; a redo writes the
same rows back with the same ids.

It is refused, with nothing written, when the data moved on since: a member the import wrote
was edited again (its revision is no longer the import's), or something now refers to a row the
undo would delete (points recorded for a new member, a meeting's attendance, a status change, a
member added to a branch the import created).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .. import undo
from ..db import Database
from ..undo import UndoableChange
from .importer import RosterImport
from .options import ImportOptions
from .report import ImportReport


def import_label(report: ImportReport) -> str:
    """How the 编辑 menu names the import: 导入花名册（新增 N 名，修改 M 名）."""
    return f"导入花名册（新增 {report.added} 名，修改 {report.updated} 名）"


def run_undoable(run: RosterImport, progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> tuple[ImportReport, UndoableChange | None]:
    """Run an import and return its report and how to take it back (None: nothing was written)."""
    since = undo.mark(run.db)
    report = run.run(progress=progress, cancel=cancel)
    if not report.written:
        return report, None
    return report, undo.change_since(run.db, since, import_label(report))


def import_roster_undoable(db: Database, path: str | Path, options: ImportOptions | None = None, *,
                           progress: Callable[[int, int], None] | None = None,
                           cancel: Callable[[], bool] | None = None) -> tuple[ImportReport, UndoableChange | None]:
    """`import_roster` that also returns the UndoableChange of a written import."""
    return run_undoable(RosterImport(db, path, options), progress=progress, cancel=cancel)
