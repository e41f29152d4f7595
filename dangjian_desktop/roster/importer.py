"""花名册 import: read an office's Excel roster, check every row, then write all of it or nothing.

One pass over the file, streaming: each row is cleaned (full-width digits and letters made
half-width, spaces removed from names), its dates parsed (see dateparse), and checked with
the registry's own rules (registry.validation.validate_member: ID check digit, birth date and
sex against the ID, 18 or older at joining, join before full membership, required fields, code
tables), plus what only a file can get wrong: an ID number Excel stored as a number, the
same ID twice in the file, an unknown branch.

While no error has been found, rows are written in batches inside ONE unit of work; the first
error stops the writing, the rest of the file is still checked so the report is complete, and
the unit of work is rolled back — nothing is written unless every row is right. Cancelling
rolls back the same way. A run that would change nothing writes nothing (not even a log entry).

Members match by ID number: a member already registered is not added again. Differences
between the file and the database are reported and applied only with `update=True`; an empty
cell never erases a stored value; a different branch is reported, never applied (a move
between branches is a 转接 with its own history entry). A registered member's ID number on a
row with another name is an error, with or without `update`: most often the ID number was
mistyped and the row would overwrite someone else; a real change of name is made in the registry.

Branches come from a 所在党支部 column (an empty cell repeats the branch above it: the usual
vertically merged cell), else the sheet's name, else a 填报单位 line above the header, else the
branch the user picked (the office's own 党委 named by a 填报单位 line does not count). Names match exactly, or by their stem ('红星村' = '红星村党支部') when
that is unique. An unknown branch is an error unless `create_branches` is set; then it is
created under the office's 党委 inside the same unit of work, its kind (支部类别) taken from a
支部类别 column or from its name (…村… → 村, …社区… → 社区), else an error asks for it.
Unknown party groups (所在党小组) are created under their branch the same way.

Only name, ID number, join date and category are required (sex and birth date come from the ID
number): a sheet without 民族, 学历, 人员类别 or 工作岗位 registers its members with those missing
(民族 as the 未填 marker, registry.codes.MISSING) and they are listed as 信息不全. How an
ambiguous column was read (人员类别 holding 正式/预备, see values.py) is in each SheetSummary's
readings. An old 15-digit ID number is imported in its 18-digit form with a warning; an ID number
whose county code is unknown is a warning (once per code), an unknown province an error.

A month-only 出生年月 must agree with the ID number, whose day is then used. Every new member
gets a first history entry '入党登记' dated with the join date (so that later status events,
which must not predate the previous one, keep their real dates), naming the file in its note.

The parts, a module each: options.py (ImportOptions), sheets.py (which sheets, header and column
mapping, a sheet's rows), cells.py and row_check.py (reading and checking a row), branches.py
(branch and party group of a row, those to create), changes.py (a registered member: differences
and updates), writing.py (new members, in batches), preview.py (the wizard's preview).
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Callable, Iterator

from .. import dates
from ..db import Database
from ..db.backup import backup_before_import
from ..db.bulk_log import DeferredIndexes
from ..errors import UserError
from .branches import Branches, branch_choices, branch_names, find_branch
from .changes import MemberChanges
from .options import ImportOptions
from .preview import SheetPreview, preview_file
from .reader import Workbook
from .report import ImportReport, Problem
from .row_check import RowChecks
from .sheets import SheetReading
from .writing import NewMembers

PROGRESS_EVERY = 250
# A bigger page cache for the import's connection: 50,000 members with their indexes and
# change log outgrow SQLite's default 2 MB and the unit of work would spill to disk.
IMPORT_CACHE_KIB = 65536
# A file of at least this many rows, and at least as many as the members already registered,
# is written with the members' plain indexes made afresh at the end (bulk_log.DeferredIndexes):
# a town's first roster, a county's rolls.
DEFER_INDEXES_FROM = 5000

__all__ = ["ImportOptions", "RosterImport", "SheetPreview", "branch_choices", "branch_names", "find_branch",
           "import_roster", "preview_file"]


class _Rollback(Exception):
    """Raised inside the unit of work to undo it (errors found, dry run, nothing to do)."""


class RosterImport(SheetReading, RowChecks, MemberChanges, NewMembers):
    """One import run. `steps()` yields (done, total) as it goes; `run()` drives it.

    The run holds the report and the state its parts share: sheets (SheetReading), rows
    (RowChecks), registered members (MemberChanges), new members (NewMembers), branches.
    """

    def __init__(self, db: Database, path: str | Path, options: ImportOptions | None = None):
        self.db = db
        self.path = Path(path)
        self.opts = options or ImportOptions()
        self.today = self.opts.today or dates.today()
        self.report = ImportReport(self.path, dry_run=self.opts.dry_run, update=self.opts.update)
        self.branches = Branches(db, self.opts, self.report.created_orgs)
        self._seen: dict[str, tuple[str, int]] = {}   # ID number -> (sheet, row) first seen in the file
        self._existing: dict[str, str] = {}            # ID number -> id of the registered member
        self._members: list[tuple] = []   # new members to insert, and their first history entries (writing.py)
        self._events: list[tuple] = []
        self._ids: list[str] = []         # ids made ahead for them
        self._pinyin: dict[str, tuple[str, str]] = {}  # name -> (sort key, initials)
        self._writing = False
        self._tx = None
        self.step_rows = PROGRESS_EVERY  # rows between two yields of steps()
        self.finished = False             # the unit of work is committed or rolled back

    # ---- driving ---------------------------------------------------------------------
    def run(self, progress: Callable[[int, int], None] | None = None,
            cancel: Callable[[], bool] | None = None) -> ImportReport:
        """Run to the end. `progress(done, total)` is called now and then; when `cancel()`
        returns true the run stops, nothing is written and report.cancelled is set."""
        gen = self.steps()
        try:
            for done, total in gen:
                if progress:
                    progress(done, total)
                if cancel and cancel():
                    gen.close()  # GeneratorExit inside the unit of work: rolled back
                    self.mark_cancelled()
                    break
        finally:
            gen.close()
        return self.report

    def mark_cancelled(self) -> None:
        """Record a cancel; too late once the run is over (then it was written, or not, in full)."""
        if self.finished:
            return
        self.report.cancelled = True
        self.report.written = False

    def steps(self) -> Iterator[tuple[int, int]]:
        """The import as a generator: closing it before the end rolls everything back."""
        write = not self.opts.dry_run
        if write and self.db.readonly:
            raise UserError("数据库以只读方式打开（可能正被其他程序使用），不能导入。")
        self._load_registry()
        with Workbook(self.path, reader=self.opts.reader) as book:
            sheets = self._chosen_sheets(book)
            total = sum(max(s.total_rows, 1) for s in sheets) or 1
            yield 0, total
            ctx = (self.db.transaction(f"导入花名册 {self.path.name}", actor=self.opts.actor) if write
                   else nullcontext(None))
            cache = self.db.scalar("PRAGMA cache_size")
            if write and cache is not None and 0 > cache > -IMPORT_CACHE_KIB:
                self.db.conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
            try:
                with ctx as tx:
                    self._tx = tx
                    self._writing = write
                    deferred = None
                    if write and total >= max(DEFER_INDEXES_FROM, self.db.scalar("SELECT count(*) FROM member")):
                        deferred = DeferredIndexes(self.db.conn, ("member", "member_event"))
                    done = 0
                    for sheet in sheets:
                        for n in self._import_sheet(sheet):
                            yield min(done + n, total), total
                        done += max(sheet.total_rows, 1)
                    if not self.report.rows and not self.report.errors:
                        self._error("", None, None, "", "", "文件中没有找到党员数据",
                                    "请确认表头包含“姓名”“身份证号”等列，数据从表头下一行开始")
                    if not self.report.errors:
                        self._flush()
                        if deferred is not None:  # before anything reads the members again
                            deferred.restore()
                        self._apply_updates()
                    self.branches.keep_made_only()
                    changed = bool(self.report.added or self.report.created_orgs
                                   or (self.opts.update and self.report.changes))
                    if self.report.errors or not write or not changed:
                        raise _Rollback
                    # The committed state before this import, read beside the unit of work under way;
                    # only for an import that changes something (one that changed nothing had one too).
                    backup_before_import(self.db, "roster")
                    self.report.written = True
            except _Rollback:
                self.report.written = False
            finally:
                self._tx = None
                self._writing = False
                if cache is not None:
                    self.db.conn.execute(f"PRAGMA cache_size = {int(cache)}")
        if self.report.errors:
            self.report.written = False
        self.finished = True
        yield total, total

    # ---- registry lookups --------------------------------------------------------------
    def _load_registry(self) -> None:
        self._existing = {r[0]: r[1] for r in self.db.query("SELECT id_number, id FROM member")}
        self.branches.load()

    # ---- the report --------------------------------------------------------------------
    def _errors(self, problems: list[Problem]) -> None:
        self.report.errors.extend(problems)
        if self._writing:
            self._writing = False  # from now on only check; the unit of work will be rolled back
            self._members.clear()
            self._events.clear()

    def _error(self, sheet, row, column, header, value, problem, suggestion="") -> None:
        self._errors([Problem(sheet, row, column, header, value, problem, suggestion)])

    def _warn(self, sheet, row, problem, suggestion="") -> None:
        self.report.warnings.append(Problem(sheet, row, None, "", "", problem, suggestion))


def import_roster(db: Database, path: str | Path, options: ImportOptions | None = None, *,
                  progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None) -> ImportReport:
    """Import a roster file (see the module docstring). Bad rows never raise: they are in
    report.errors and nothing was written. Raises UserError for an unreadable file."""
    return RosterImport(db, path, options).run(progress=progress, cancel=cancel)
