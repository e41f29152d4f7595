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
between branches is a 转接 with its own history entry).

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
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterator

from .. import dates, pinyin
from ..db import Database, new_id
from ..db.backup import backup_before_import
from ..errors import UserError
from ..registry import codes, idcard
from ..registry.members import MEMBER_FIELDS
from ..registry.orgs import KINDS, add_org
from ..registry.validation import FIELD_LABELS, clean_name, validate_member
from .columns import (branch_stem, field_for_header, guess_kind, half_width, label, spec, squeeze,
                      strip_spaces)
from .dateparse import parse_date
from .header import SCAN_ROWS, SheetLayout, detect
from .reader import Workbook
from .report import ImportReport, MemberChange, Problem, SheetSummary, shown

BATCH = 2000
PROGRESS_EVERY = 250
DATE_FIELDS = ("birth_date", "join_date", "full_date")
TEXT_FIELDS = ("address", "workplace", "note", "mobile_whereabouts")
FLAG_FIELDS = ("is_mobile", "is_hardship")
ROSTER_ONLY = ("seq", "branch", "group", "branch_kind")
CODED_FIELDS = {"sex": "sex", "ethnicity": "ethnicity", "education": "education", "category": "category",
                "person_class": "person_class", "job": "job"}
# Columns a sheet needs before it can register new members (sex and birth date come from the ID;
# 民族, 学历 … may be missing: those members are registered as 信息不全, see registry.completeness).
REQUIRED_COLUMNS = ("join_date", "category")
# Fields compared with a registered member (the party group is compared by name apart).
COMPARED = tuple(f for f in MEMBER_FIELDS if f != "group_id")
_TRUE = {"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "有"}
_FALSE = {"否", "×", "✗", "N", "NO", "0", "FALSE", "无", "不是"}
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.I)
_ID_LIKE = re.compile(r"\d{15}")
_BLANK = " \t\r\n\u3000\u00a0\u200b\u200c\u200d\ufeff"
# A bigger page cache for the import's connection: 50,000 members with their indexes and
# change log outgrow SQLite's default 2 MB and the unit of work would spill to disk.
IMPORT_CACHE_KIB = 65536


class _Rollback(Exception):
    """Raised inside the unit of work to undo it (errors found, dry run, nothing to do)."""


@dataclass
class ImportOptions:
    dry_run: bool = False
    update: bool = False
    create_branches: bool = False
    branch: str | None = None            # a branch name chosen by the user (CLI --branch)
    branch_id: str | None = None         # or its id (GUI)
    mapping: dict[str, str | None] = field(default_factory=dict)  # header key -> field ('' = ignore)
    sheets: list[str] | None = None      # only these sheets (None: every visible sheet)
    reader: str = "calamine"
    today: dt.date | None = None
    actor: str | None = None


@dataclass(eq=False)
class _Org:
    id: str | None               # None until this import creates it
    name: str
    org_type: str
    kind: str | None
    owner: str
    parent_id: str | None = None


@dataclass(eq=False)
class _Group:
    """A party group (党小组) this import will create."""
    org: _Org
    name: str
    id: str | None = None


class _SheetState:
    def __init__(self, sheet: str, layout: SheetLayout, month_cells: set):
        self.sheet = sheet
        self.layout = layout
        self.fields = layout.fields()
        self.month_cells = month_cells
        self.sheet_branch: _Org | None = None
        self.last_branch_text = ""
        self.rows = 0
        self.skipped = 0
        self.missing_required: dict[str, int] = {}
        self.unknown_regions: dict[str, list[int]] = {}   # region code -> rows (a warning each code)


def _text(v: Any) -> str:
    """A cell as text: whole-number floats lose their '.0'; full-width digits/letters half-width."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    elif isinstance(v, (dt.datetime, dt.date, dt.time)):
        v = v.isoformat()
    return half_width(str(v))


def _looks_like_id(v: Any) -> bool:
    if isinstance(v, str):
        return bool(_ID_LIKE.search(v))
    return isinstance(v, (int, float)) and not isinstance(v, bool) and 1e14 <= abs(v) < 1e18


def _field_label(f: str) -> str:
    if f in ROSTER_ONLY:
        return label(f)
    return FIELD_LABELS.get(f, f)


def _show(f: str, value) -> str:
    if value in (None, ""):
        return ""
    if f in FLAG_FIELDS:
        return "是" if value else "否"
    if f in DATE_FIELDS:
        return dates.format_cn(value)
    return str(value)


class RosterImport:
    """One import run. `steps()` yields (done, total) as it goes; `run()` drives it."""

    def __init__(self, db: Database, path: str | Path, options: ImportOptions | None = None):
        self.db = db
        self.path = Path(path)
        self.opts = options or ImportOptions()
        self.today = self.opts.today or dates.today()
        self.report = ImportReport(self.path, dry_run=self.opts.dry_run, update=self.opts.update)
        self._seen: dict[str, tuple[str, int]] = {}
        self._existing: dict[str, str] = {}
        self._orgs: dict[str, _Org] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_stem: dict[str, list[str]] = {}
        self._groups: dict[tuple[str, str], str] = {}
        self._pending: dict[str, _Org] = {}
        self._pending_groups: dict[tuple[int, str], _Group] = {}
        self._root: _Org | None = None
        self._picked: _Org | None = None
        self._members: list[dict] = []
        self._events: list[dict] = []
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
                    done = 0
                    for sheet in sheets:
                        for n in self._import_sheet(sheet):
                            yield min(done + n, total), total
                        done += max(sheet.total_rows, 1)
                    if not self.report.rows and not self.report.errors:
                        self._error("", None, None, "", "", "文件中没有找到党员数据",
                                    "请确认表头包含“姓名”“身份证号”等列，数据从表头下一行开始")
                    if not self.report.errors:
                        if write:  # the committed state before this import (a reader of its own)
                            backup_before_import(self.db, "roster")
                        self._flush()
                        self._apply_updates()
                    changed = bool(self.report.added or self.report.created_orgs
                                   or (self.opts.update and self.report.changes))
                    if self.report.errors or not write or not changed:
                        raise _Rollback
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
        db = self.db
        self._existing = {r[0]: r[1] for r in db.query("SELECT id_number, id FROM member")}
        office = db.local_office_id
        for r in db.query("SELECT id, name, org_type, kind, owner, parent_id, office_id FROM org"):
            o = _Org(r["id"], r["name"], r["org_type"], r["kind"], r["owner"], r["parent_id"])
            if o.org_type == "党小组":
                self._groups[(o.parent_id, squeeze(o.name))] = o.id
                continue
            self._orgs[o.id] = o
            self._by_name.setdefault(squeeze(o.name), []).append(o.id)
            self._by_stem.setdefault(branch_stem(o.name), []).append(o.id)
            if o.parent_id is None and r["office_id"] == office:
                self._root = o
        self._picked = None
        if self.opts.branch_id:
            self._picked = self._orgs.get(self.opts.branch_id)
            if self._picked is None:
                raise UserError("所选的党支部不存在，或它是党小组")
        elif self.opts.branch:
            self._picked, problem = self.resolve_branch(self.opts.branch)
            if self._picked is None and (problem or not self.opts.create_branches):
                raise UserError(problem or f"党支部“{self.opts.branch}”不存在。"
                                           f"{self._branch_suggestion(self.opts.branch)}")

    def _chosen_sheets(self, book: Workbook) -> list:
        if self.opts.sheets is not None:
            names = set(self.opts.sheets)
            unknown = names - {s.name for s in book.sheets}
            if unknown:
                raise UserError(f"文件中没有工作表：{'、'.join(sorted(unknown))}")
            return [s for s in book.sheets if s.name in names]
        out = []
        for s in book.sheets:
            if s.visible:
                out.append(s)
                continue
            self.report.sheets.append(SheetSummary(s.name, skipped="隐藏的工作表，未导入"))
            head = [item for _, item in zip(range(SCAN_ROWS), s.rows())]
            if detect(s.name, head) is not None:  # a hidden roster, not a hidden code list
                self._warn(s.name, None, f"工作表“{s.name}”是隐藏的，其中的党员未导入",
                           "如需导入，请在Excel中取消隐藏该工作表")
        return out

    def resolve_branch(self, name: str) -> tuple[_Org | None, str]:
        """(branch, '') or (None, problem); (None, '') for a name that matches nothing."""
        key = squeeze(half_width(name))
        if key in self._pending:
            return self._pending[key], ""
        planned = [o for k, o in self._pending.items() if branch_stem(k) == branch_stem(key)]
        if len(planned) == 1 and not self._by_name.get(key):
            return planned[0], ""
        ids = self._by_name.get(key) or []
        if len(ids) == 1:
            return self._orgs[ids[0]], ""
        if len(ids) > 1:
            return None, f"有{len(ids)}个党组织都叫“{name}”，无法区分"
        ids = self._by_stem.get(branch_stem(key)) or []
        if len(ids) == 1:
            return self._orgs[ids[0]], ""
        if len(ids) > 1:
            names = "、".join(self._orgs[i].name for i in ids)
            return None, f"“{name}”可能是{names}中的任何一个"
        return None, ""

    def _branch_suggestion(self, name: str) -> str:
        names = [o.name for o in self._orgs.values() if o.id and o.parent_id is not None]
        hits = difflib.get_close_matches(squeeze(name), names, n=2, cutoff=0.5)
        if hits:
            return (f"是否为“{'”或“'.join(hits)}”？如是新党支部，请先在组织台账中建立，"
                    f"或导入时选择“自动新建党支部”")
        return "请先在组织台账中建立该党支部，或导入时选择“自动新建党支部”（--create-branches）"

    def _plan_branch(self, name: str, kind_text: str) -> tuple[_Org | None, str, str]:
        """A branch to create: (branch, '', '') or (None, problem, suggestion)."""
        if self._root is None:
            return None, f"党支部“{name}”不存在，数据库中没有本乡镇的党委，无法自动新建", "请先在组织台账中建立党支部"
        kind = None
        if squeeze(kind_text):
            kind = squeeze(kind_text).removesuffix("党支部").removesuffix("类")
            kind = {"两新": "社会组织", "网格党支部": "网格"}.get(kind, kind)
            if kind not in KINDS:
                return None, f"支部类别“{kind_text}”不正确", f"支部类别应为：{'、'.join(KINDS)}"
        kind = kind or guess_kind(name)
        if kind is None:
            return (None, f"党支部“{name}”不存在；自动新建时无法从名称判断支部类别",
                    f"请增加“支部类别”列并填写（{'、'.join(KINDS)}），或先在组织台账中建立该党支部")
        clean = strip_spaces(half_width(name))
        o = _Org(None, clean, "党支部", kind, self._root.owner, self._root.id)
        self._pending[squeeze(clean)] = o
        self.report.created_orgs.append(("党支部", clean, kind))
        return o, "", ""

    # ---- one sheet -----------------------------------------------------------------------
    def _import_sheet(self, sheet) -> Iterator[int]:
        rows = sheet.rows()
        head: list[tuple[int, list]] = []
        for item in rows:
            head.append(item)
            if len(head) >= SCAN_ROWS:
                break
        summary = SheetSummary(sheet.name)
        self.report.sheets.append(summary)
        layout = detect(sheet.name, head, self.opts.mapping)
        if layout is None:
            summary.skipped = "没有找到表头（需要“姓名”“身份证号”等列名），未导入"
            if any(_looks_like_id(v) for _, r in head for v in r):  # members there, header not found
                self._warn(sheet.name, None, f"工作表“{sheet.name}”中没有找到花名册表头，未导入",
                           "表头应包含“姓名”“身份证号”等列名")
            return
        summary.header_rows = layout.header_rows
        summary.readings = list(layout.readings)
        summary.mapping = [(c.letter, c.header, c.field) for c in layout.columns]
        header_row = layout.header_rows[-1]
        for note in layout.notes:
            self._warn(sheet.name, header_row, note)
        for c in layout.columns:
            if c.field is None and c.header and c.key not in self.opts.mapping:
                self._warn(sheet.name, header_row, f"列{c.letter}“{c.header}”不是花名册的列，未导入",
                           "如需导入，请在导入向导中为该列选择对应的项目")
        fields = layout.fields()
        missing = [f for f in ("name", "id_number") if f not in fields]
        if missing:
            self._error(sheet.name, header_row, None, "", "",
                        f"工作表缺少必需的列：{'、'.join(label(f) for f in missing)}",
                        "请检查表头，或在导入向导中指定对应的列")
            return
        month_cells = sheet.month_only_cells() if any(f in fields for f in DATE_FIELDS) else set()
        st = _SheetState(sheet.name, layout, month_cells)
        st.sheet_branch, problem, _ = self._sheet_branch(sheet.name, layout)
        if "branch" not in fields and st.sheet_branch is None:
            self._error(sheet.name, None, None, "所在党支部", "", problem or
                        f"无法确定工作表“{sheet.name}”中党员所在的党支部：没有“所在党支部”列，"
                        f"工作表名也不是已有党支部的名称",
                        "请增加“所在党支部”列，或在导入时指定党支部（--branch）")
            return
        count = 0
        for n, row in chain(head, rows):
            if n < layout.data_start:
                continue
            self._import_row(st, n, row)
            count += 1
            if count % self.step_rows == 0:
                yield n
        summary.rows = st.rows
        summary.skipped_rows = st.skipped
        for code, where in st.unknown_regions.items():
            rows = f"第{where[0]}行" + (f"等{len(where)}人" if len(where) > 1 else "")
            self._warn(sheet.name, where[0], f"{rows}的{idcard.region_warning(code + '0' * 12)}",
                       "号码无误时可以照常导入")
        for f, new_rows in st.missing_required.items():
            self._error(sheet.name, header_row, None, _field_label(f), "",
                        f"工作表缺少必需的列“{_field_label(f)}”，{new_rows} 名新党员无法登记",
                        "请增加该列，或在导入向导中指定对应的列")
        yield max(sheet.total_rows, 1)

    def _sheet_branch(self, sheet_name: str, layout: SheetLayout) -> tuple[_Org | None, str, str]:
        """The branch for rows that name none, the problem if there is none, and where it came from:
        the sheet's name, a 填报单位 line, then the branch the user picked."""
        for candidate, source in ((sheet_name, "工作表名"), (layout.unit_text, "填报单位")):
            if candidate:
                org, _ = self.resolve_branch(candidate)
                if org is not None and org is not self._root:
                    return org, "", source
        if self._picked is not None:
            return self._picked, "", "所选党支部"
        if self.opts.branch and self.opts.create_branches:
            org, problem, _ = self._plan_branch(self.opts.branch, "")
            self._picked = org
            return org, problem, "所选党支部（新建）"
        if self.opts.create_branches and "branch" not in layout.fields():
            for candidate, source in ((sheet_name, "工作表名"), (layout.unit_text, "填报单位")):
                if candidate and guess_kind(candidate):
                    org, problem, _ = self._plan_branch(candidate, "")
                    return org, problem, f"{source}（新建）"
        return None, "", ""

    # ---- one row ---------------------------------------------------------------------------
    def _import_row(self, st: _SheetState, n: int, row: list) -> None:
        fields = st.fields
        width = len(row)
        raw = {f: (row[i] if i < width else None) for f, i in fields.items()}
        if all(v is None or (isinstance(v, str) and not v.strip(_BLANK)) for f, v in raw.items() if f != "seq"):
            st.skipped += 1
            return
        if self._is_footer_or_header(row, raw):
            st.skipped += 1
            return
        st.rows += 1
        self.report.rows += 1
        errors: list[Problem] = []

        def err(f: str, problem: str, suggestion: str = "") -> None:
            col = st.layout.column_for(f)
            errors.append(Problem(st.sheet, n, col.letter if col else None,
                                  col.header if col else _field_label(f), shown(raw.get(f)), problem,
                                  suggestion, f))

        values: dict[str, Any] = {}
        for f, v in raw.items():
            if f in ROSTER_ONLY:
                continue
            if f == "id_number":
                values[f] = self._id_cell(v, err)
                old = values[f]
                if old and len(old) == 15 and idcard.upgrade(old):
                    values[f] = idcard.upgrade(old)
                    self._warn(st.sheet, n, f"身份证号{old}是15位旧号码，按18位新号码{values[f]}导入",
                               "请与本人身份证核对")
            elif f in DATE_FIELDS:
                p = parse_date(v, month_only_format=(n, fields[f]) in st.month_cells)
                if p.error:
                    err(f, f"{_field_label(f)}{p.error}", p.suggestion or "")
                values[f] = p.iso
            elif f in FLAG_FIELDS:
                t = squeeze(_text(v)).upper()
                if t in _TRUE:
                    values[f] = 1
                elif t in _FALSE:
                    values[f] = 0
                elif not t:
                    values[f] = None
                else:
                    err(f, f"{_field_label(f)}应填“是”或“否”，这里是“{shown(v)}”", "填写“是”或“否”（不是也可留空）")
                    values[f] = None
            elif f == "name":
                values[f] = clean_name(_text(v)) or None
            elif f in TEXT_FIELDS:
                values[f] = strip_spaces(_text(v)) or None
            else:
                values[f] = squeeze(_text(v)) or None

        idn = values.get("id_number")
        if idn and idn in self._seen:
            sheet, first = self._seen[idn]
            where = f"第{first}行" if sheet == st.sheet else f"工作表“{sheet}”第{first}行"
            err("id_number", f"身份证号与{where}重复", "同一名党员只保留一行")
            current = None
        else:
            if idn:
                self._seen[idn] = (st.sheet, n)
            existing_id = self._existing.get(idn) if idn else None
            current = self.db.get("member", existing_id) if existing_id else None

        # A month-only 出生年月 must agree with the ID number, whose day is then used.
        birth = values.get("birth_date")
        if birth and len(birth) == 7:
            values["birth_date"] = None
            born = idcard.birth_date(idn) if idn and len(idn) == 18 else None
            if born is not None and born.isoformat()[:7] != birth:
                err("birth_date", f"出生年月{dates.format_cn(birth)}与身份证号中的{dates.format_cn(born)}不符",
                    f"请核对出生年月（按身份证号应为{born.isoformat()[:7]}）")

        if current is not None:
            check = {k: current[k] for k in MEMBER_FIELDS}
            check.update({k: v for k, v in values.items() if v not in (None, "")})
        else:
            check = values
        clean, problems = validate_member(check, today=self.today)
        if idn and "id_number" not in problems and current is None and idcard.region_warning(clean["id_number"]):
            st.unknown_regions.setdefault(clean["id_number"][:6], []).append(n)
        reported = {e.field for e in errors}
        for f, message in problems.items():
            if f in reported:
                continue  # its cell was already reported (not a date, ID damaged …)
            if f in ("sex", "birth_date") and "id_number" in reported and not check.get(f):
                continue  # would have come from the ID number reported above
            if f not in fields and f in REQUIRED_COLUMNS and current is None:
                st.missing_required[f] = st.missing_required.get(f, 0) + 1
                continue
            err(f, message, self._suggest(f, check, clean))

        org, group = self._row_branch(st, raw, err, current)
        if errors:
            self._errors(errors)
            return
        if current is None:
            self._add(st, n, clean, org, group)
        else:
            self._compare(st, n, current, values, clean, org, group)

    def _id_cell(self, v: Any, err) -> str | None:
        if v is None or (isinstance(v, str) and not squeeze(v)):
            return None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            digits = f"{v:.0f}" if isinstance(v, float) and abs(v) < 1e30 else str(v)
            err("id_number",
                f"身份证号被Excel存成了数字（{digits}）。Excel的数字只保留15位有效数字，18位号码的后几位已经丢失",
                "请把“身份证号”列设置为“文本”格式（选中该列→右键→设置单元格格式→文本），"
                "再按原始档案重新输入号码；也可以在号码前加英文单引号'")
            return None
        t = idcard.normalise(_text(v))
        if _SCIENTIFIC.match(t):
            err("id_number", f"身份证号“{shown(v)}”是科学计数法，号码的后几位已经丢失",
                "请把该列设置为“文本”格式，再按原始档案重新输入号码")
            return None
        return t

    @staticmethod
    def _is_footer_or_header(row: list, raw: dict) -> bool:
        idv = raw.get("id_number")
        if isinstance(idv, str) and _ID_LIKE.search(idv):
            return False
        texts = [squeeze(v) for v in row if isinstance(v, str) and v.strip()]
        if not texts:
            return False
        if any(texts[0].startswith(k) for k in spec().footer_keywords):
            return True
        # A repeated header row (a sheet printed with its header on every page, pasted back).
        return sum(1 for t in texts if field_for_header(t)) >= 3

    def _row_branch(self, st: _SheetState, raw: dict, err, current) -> tuple[_Org | None, Any]:
        if "branch" in st.fields:
            name = strip_spaces(_text(raw.get("branch")))
            if name:
                st.last_branch_text = name
            else:
                name = st.last_branch_text
            if name:
                org, problem = self.resolve_branch(name)
                if org is None and not problem and self.opts.create_branches:
                    org, problem, suggestion = self._plan_branch(name, _text(raw.get("branch_kind")))
                    if org is None:
                        err("branch", problem, suggestion)
                        return None, None
                elif org is None:
                    err("branch", problem or f"党支部“{name}”不存在", self._branch_suggestion(name))
                    return None, None
            else:
                org = st.sheet_branch
                if org is None and current is None:
                    err("branch", "所在党支部为空", "请填写党员所在的党支部")
                    return None, None
        else:
            org = st.sheet_branch
        group = None
        gname = squeeze(_text(raw.get("group"))) if "group" in st.fields else ""
        if gname and org is not None:
            group = self._groups.get((org.id, gname)) if org.id else None
            if group is None:
                group = self._pending_groups.get((id(org), gname))
            if group is None:
                if self.opts.create_branches:
                    group = _Group(org, gname)
                    self._pending_groups[(id(org), gname)] = group
                    self.report.created_orgs.append(("党小组", f"{org.name}/{gname}", ""))
                else:
                    err("group", f"“{org.name}”下没有名为“{gname}”的党小组",
                        "请先在组织台账中建立该党小组，或导入时选择“自动新建党支部”")
        return org, group

    def _suggest(self, f: str, values: dict, clean: dict) -> str:
        idn = clean.get("id_number") or ""
        if f == "sex" and len(idn) == 18 and clean.get("sex") in ("男", "女"):
            return f"按身份证号应为“{idcard.sex(idn)}”，请核对"
        tid = CODED_FIELDS.get(f)
        if tid:
            hint = codes.table(tid).suggest(str(values.get(f) or ""))
            if hint:
                return f"改为“{hint}”"
            options = codes.values(tid)
            return "可选：" + "、".join(options[:12]) + ("……" if len(options) > 12 else "")
        born = idcard.birth_date(idn) if len(idn) == 18 else None
        if f == "birth_date" and born:
            return f"按身份证号应为{born.isoformat()}，请核对"
        return {
            "id_number": "请按身份证原件核对号码",
            "join_date": "请核对入党日期和出生日期",
            "full_date": "预备党员不填转正日期；正式党员的转正日期应晚于入党日期",
            "name": "姓名中不要有数字、括号等符号",
            "phone": "填写11位手机号，或“区号-号码”形式的固定电话",
            "mobile_whereabouts": "填写流动去向（地区和单位）",
        }.get(f, "")

    # ---- writing -------------------------------------------------------------------------
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

    def _ensure_org(self, org: _Org) -> str:
        if org.id is None:
            # add_org joins the import's unit of work and is rolled back with it.
            org.id = add_org(self.db, parent_id=org.parent_id, name=org.name, org_type=org.org_type,
                             kind=org.kind, note="花名册导入时新建")
            self._orgs[org.id] = org
        return org.id

    def _ensure_group(self, group) -> str | None:
        if not isinstance(group, _Group):
            return group
        if group.id is None:
            parent = self._ensure_org(group.org)
            group.id = add_org(self.db, parent_id=parent, name=group.name, org_type="党小组",
                               note="花名册导入时新建")
            self._groups[(parent, group.name)] = group.id
        return group.id

    def _add(self, st: _SheetState, n: int, v: dict, org: _Org, group) -> None:
        self.report.added += 1
        if not self._writing:
            return
        org_id = self._ensure_org(org)
        row = {k: v.get(k) for k in MEMBER_FIELDS}
        row.update(id=new_id(), group_id=self._ensure_group(group), name_pinyin=pinyin.sort_key(v["name"]),
                   name_initials=pinyin.initials(v["name"]), org_id=org_id, status="正常",
                   note=v.get("note") or "", is_mobile=v.get("is_mobile") or 0,
                   is_hardship=v.get("is_hardship") or 0, owner=org.owner)
        self._members.append(row)
        self._events.append({"member_id": row["id"], "event_type": "入党登记", "event_date": v["join_date"],
                             "to_org_id": org_id, "to_status": "正常", "owner": org.owner,
                             "note": f"花名册导入：{self.path.name}（{st.sheet} 第{n}行）"})
        if len(self._members) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._writing or not self._members:
            return
        self._tx.insert_many("member", self._members)
        self._tx.insert_many("member_event", self._events)
        self._members.clear()
        self._events.clear()

    def _compare(self, st: _SheetState, n: int, current, values: dict, clean: dict, org: _Org | None,
                 group) -> None:
        if current["status"] not in ("正常", "失联"):
            self._warn(st.sheet, n, f"{current['name']}（{current['id_number']}）已登记，党籍状态为“{current['status']}”")
        same_branch = org is None or org.id == current["org_id"]
        if not same_branch:
            now = self._orgs.get(current["org_id"])
            self._warn(st.sheet, n, f"{current['name']}已登记在“{now.name if now else '其他组织'}”，"
                                    f"文件中为“{org.name}”；导入不改变所在党支部",
                       "如需调整，请在组织台账中办理组织关系转接")
        changes = []
        new_values: dict[str, Any] = {}
        for f in COMPARED:
            if codes.is_missing(values.get(f)):
                continue  # an empty cell (or 未填) never erases a stored value
            new = clean.get(f)
            if f == "note":
                new = new or ""
            if new != current[f]:
                changes.append((f, _field_label(f), _show(f, current[f]), _show(f, new)))
                new_values[f] = new
        if group is not None and same_branch:
            gid = group.id if isinstance(group, _Group) else group
            if gid is None or gid != current["group_id"]:
                old = (self.db.scalar("SELECT name FROM org WHERE id = ?", (current["group_id"],))
                       if current["group_id"] else "")
                new_name = group.name if isinstance(group, _Group) else self.db.scalar(
                    "SELECT name FROM org WHERE id = ?", (gid,))
                changes.append(("group_id", "所在党小组", old or "", new_name or ""))
                new_values["group_id"] = group
        if not changes:
            self.report.unchanged += 1
            return
        if "name" in new_values:
            new_values["name_pinyin"] = pinyin.sort_key(new_values["name"])
            new_values["name_initials"] = pinyin.initials(new_values["name"])
        self.report.changes.append(MemberChange(current["id"], current["name"], current["id_number"], st.sheet, n,
                                                changes, new_values))

    def _apply_updates(self) -> None:
        if not self.opts.update:
            return
        for c in self.report.changes:
            self.report.updated += 1
            if not self._writing:
                continue
            values = dict(c.values)
            if "group_id" in values:
                values["group_id"] = self._ensure_group(values["group_id"])
            self._tx.update("member", c.member_id, values)


def import_roster(db: Database, path: str | Path, options: ImportOptions | None = None, *,
                  progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None) -> ImportReport:
    """Import a roster file (see the module docstring). Bad rows never raise: they are in
    report.errors and nothing was written. Raises UserError for an unreadable file."""
    return RosterImport(db, path, options).run(progress=progress, cancel=cancel)


def find_branch(db: Database, name: str) -> str:
    """The id of the organisation a user named (exact name, or unique stem), else UserError."""
    run = RosterImport(db, "")
    run._load_registry()
    org, problem = run.resolve_branch(name)
    if org is None:
        raise UserError(problem or f"党组织“{name}”不存在。{run._branch_suggestion(name)}")
    return org.id


def branch_choices(db: Database) -> list[tuple[str, str]]:
    """(id, name) of the branches members can belong to (党支部, 党总支), in tree order."""
    return [(r[0], r[1]) for r in db.query("SELECT id, name FROM org WHERE org_type IN ('党支部', '党总支') "
                                           "ORDER BY sort_order, name")]


def branch_names(db: Database) -> list[str]:
    """Names of the branches members can belong to (党支部, 党总支), in tree order."""
    return [name for _id, name in branch_choices(db)]


@dataclass
class SheetPreview:
    """The first rows of a sheet as the importer understands them (the wizard's preview)."""
    name: str
    visible: bool
    rows: list[tuple[int, list]]          # (Excel row number, values) from the top of the sheet
    layout: SheetLayout | None            # None: no header row found
    branch: str | None = None             # where rows without a 所在党支部 go
    branch_source: str = ""               # 工作表名 / 填报单位 / 所选党支部 …
    total_rows: int = 0


def preview_file(db: Database, path: str | Path, options: ImportOptions | None = None, *,
                 max_rows: int = 40) -> list[SheetPreview]:
    """Read the top of every sheet: header, column mapping (with the user's overrides) and the
    branch its members would go to. Nothing is written."""
    run = RosterImport(db, path, options or ImportOptions(dry_run=True))
    run._load_registry()
    out = []
    with Workbook(run.path, reader=run.opts.reader) as book:
        for s in book.sheets:
            head = [item for _, item in zip(range(max(max_rows, SCAN_ROWS)), s.rows())]
            layout = detect(s.name, head[:SCAN_ROWS], run.opts.mapping)
            p = SheetPreview(s.name, s.visible, head, layout, total_rows=s.total_rows)
            if layout is not None:
                org, _, source = run._sheet_branch(s.name, layout)
                if org is not None:
                    p.branch, p.branch_source = org.name, source
            out.append(p)
    return out
