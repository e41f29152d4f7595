"""Excel import of the dated record ledgers (教育培训, 奖惩, 走访慰问, 谈心谈话): one column-mapped
reader for all four, all or nothing like the roster and the dues register.

A sheet holds a header row (within its first 15 rows) and one record a row below it. The
header names the columns; each ledger knows its columns and the other names offices give them
(日期 / 培训日期 / 时间 …), so the lists the program exports (导出 Excel, `ledger print`), the
import template and an office's own sheet are all read. Member ledgers find the member of a
row by 身份证号, else by 姓名 (with 党支部 to tell two namesakes apart); 谈心谈话 rows find their
branch by 党支部. 序号 and columns the ledger does not keep are skipped (and named in a note).

Each row is checked by the same code the entry forms use (records.*_values). A row that is the
same record as one already kept (same member, date and content; for rewards the title; for
talks the branch, date and topic) is counted as already recorded and not written again, so an
exported list imported again changes nothing; when such a row differs in another filled-in
column, that is an error (kept records are corrected in the program, never by a file). Every
problem is listed with its row, column and a suggestion, and nothing is written while any
remains; otherwise the new records are written in one unit of work.

The development pipeline is read by the same sheet reader (read_sheet) but applied by
ledgers/pipeline_import.py: its rows are people with steps, not plain dated records.
ledgers/ledger_import.py takes either (import_ledger); the import templates are
tables/ledger_templates.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..db import Database
from ..errors import UserError
from ..registry import idcard
from ..roster.dateparse import parse_date
from ..roster.report import Problem, ProblemReport, save_error_report, shown  # noqa: F401 - save_error_report: the import's own
from . import records
from .common import ACTIVE_STATUSES, text
from ..registry.offices import held_office


@dataclass(frozen=True)
class Field:
    key: str  # the stored column, or name / id_number / branch to find the member or the branch
    label: str  # the header of the template and of the exported lists
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Kind:
    kind: str
    title: str
    table: str
    fields: tuple[Field, ...]
    identity: tuple[str, ...]  # stored columns that make two rows the same record
    build: Callable[[Any, dict], dict] | None  # (member row, or (org_id, owner) for talks; values) -> stored row
    by_member: bool = True
    dates: tuple[str, ...] = ("date",)  # the date columns (text cells in the template)
    hint: str = ""  # how to fill it in, when the general sentence does not fit
    ignored: tuple[str, ...] = ("序号",)  # columns of the exported lists the import need not read

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


NAME = Field("name", "姓名", ("党员姓名",))
ID_NUMBER = Field("id_number", "身份证号", ("身份证号码", "公民身份号码", "身份证"))
BRANCH = Field("branch", "党支部", ("所在党支部", "支部", "党组织", "所在党组织", "村党组织"))
NOTE = Field("note", "备注", ("说明",))
DATE_ALIASES = ("时间", "日期（年月日）")


def _training(m, v: dict) -> dict:
    return records.training_values(m, date=v["date"], kind=v.get("kind") or "集中培训", content=v.get("content"),
                                   hours=v.get("hours"), organiser=v.get("organiser", ""), note=v.get("note", ""))


def _reward(m, v: dict) -> dict:
    kind = v.get("kind") or (records.PUNISHMENT if records.severity(text(v.get("title"))) >= 0 else records.REWARD)
    return records.reward_values(m, date=v["date"], kind=kind, title=v.get("title"), issuer=v.get("issuer"),
                                 decision=v.get("decision", ""), note=v.get("note", ""))


def _visit(m, v: dict) -> dict:
    return records.visit_values(m, date=v["date"], kind=v.get("kind") or "走访慰问", content=v.get("content"),
                                visitor=v.get("visitor", ""), amount=v.get("amount_fen"), note=v.get("note", ""))


def _talk(target, v: dict) -> dict:
    org_id, owner = target
    return records.talk_values(org_id, owner, date=v["date"], talker=v.get("talker"),
                               participants=v.get("participants"), topic=v.get("topic"),
                               content=v.get("content", ""), note=v.get("note", ""))


KINDS: dict[str, Kind] = {k.kind: k for k in (
    Kind("training", "教育培训", "training_record", (
        NAME, ID_NUMBER, BRANCH,
        Field("date", "日期", ("培训日期", "培训时间", "学习日期", *DATE_ALIASES), True),
        Field("kind", "形式", ("培训形式", "培训方式", "方式", "类型")),
        Field("content", "内容", ("培训内容", "学习内容", "培训主题", "主题"), True),
        Field("hours", "学时", ("培训学时", "课时", "学时数"), True),
        Field("organiser", "组织单位", ("主办单位", "举办单位", "培训单位", "组织者")),
        NOTE), ("member_id", "date", "content"), _training),
    Kind("rewards", "奖惩", "reward_record", (
        NAME, ID_NUMBER, BRANCH,
        Field("date", "日期", ("决定日期", "奖惩日期", "批准日期", *DATE_ALIASES), True),
        Field("kind", "类别", ("奖惩类别", "奖惩", "类型")),
        Field("title", "名称或种类", ("奖励名称", "处分种类", "奖惩名称", "名称", "奖惩内容"), True),
        Field("issuer", "决定机关", ("作出决定的机关", "批准机关", "决定单位", "授予单位"), True),
        Field("decision", "决定", ("决定文号", "文号", "决定内容")),
        NOTE), ("member_id", "date", "kind", "title"), _reward),
    Kind("visits", "走访慰问", "care_visit", (
        NAME, ID_NUMBER, BRANCH,
        Field("date", "日期", ("走访日期", "慰问日期", "帮扶日期", *DATE_ALIASES), True),
        Field("kind", "形式", ("走访形式", "帮扶形式", "方式")),
        Field("visitor", "走访人", ("慰问人", "走访人员", "帮扶人")),
        Field("content", "内容", ("走访内容", "帮扶内容", "慰问内容", "走访、帮扶内容"), True),
        Field("amount_fen", "金额", ("慰问金额", "慰问金", "帮扶金额")),
        NOTE), ("member_id", "date", "content"), _visit, ignored=("序号", "类别", "照片")),
    Kind("talks", "谈心谈话", "talk_record", (
        Field("branch", "党支部", BRANCH.aliases, True),
        Field("date", "日期", ("谈话日期", "谈话时间", *DATE_ALIASES), True),
        Field("talker", "谈话人", (), True),
        Field("participants", "谈话对象", ("参加人", "参加人员", "谈话对像"), True),
        Field("topic", "主题", ("谈话主题",), True),
        Field("content", "内容", ("谈话内容", "主要内容")),
        NOTE), ("org_id", "date", "topic"), _talk, by_member=False, ignored=("序号", "照片")),
)}

#: Header notes of the template: what a column takes.
HINTS = {"date": "日期写作 2026-03-01 或 2026年3月1日", "hours": "学时为数字，如 4 或 1.5",
         "amount_fen": "金额单位为元", "kind": "奖惩类别为“奖励”或“处分”（不填时按名称判断）"}


def kind_of(kind: str) -> Kind:
    """The import of one of the record ledgers (KINDS); ledgers.ledger_import.kind_of also knows
    the development pipeline."""
    if kind not in KINDS:
        raise UserError(f"没有可导入的台账“{kind}”（可选：{'、'.join(KINDS)}、pipeline）。")
    return KINDS[kind]


def _norm(h: Any) -> str:
    t = re.sub(r"\s+", "", text(h)).lstrip("*＊").rstrip("*＊")
    return re.sub(r"[（(][^）)]*[）)]$", "", t)  # 金额（元） -> 金额


# ---- the report --------------------------------------------------------------------------------
@dataclass
class RecordImportReport(ProblemReport):
    path: Path
    kind: str
    title: str
    dry_run: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: int = 0
    added: int = 0
    unchanged: int = 0
    written: bool = False

    def summary(self) -> str:
        if self.errors:
            return f"文件中发现 {len(self.errors)} 处错误，未导入任何数据。请按错误清单修改后重新导入。"
        same = f"，{self.unchanged} 条已登记（未重复导入）" if self.unchanged else ""
        if self.dry_run:
            return f"检查通过（试导入，未写入数据库）：共读取 {self.rows} 行，将新增{self.title}记录 {self.added} 条{same}。"
        if not self.written:
            return f"共读取 {self.rows} 行，都已登记，数据库没有改动。"
        return f"已导入{self.title}记录：共读取 {self.rows} 行，新增 {self.added} 条{same}。"

    def to_text(self) -> str:
        lines = self.error_lines()
        if self.warnings:
            lines.append("提示：")
            lines += [f"  {p.problem}" for p in self.warnings]
            lines.append("")
        lines.append(self.summary())
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"file": str(self.path), "kind": self.kind, "ok": self.ok, "written": self.written, "rows": self.rows,
                "added": self.added, "unchanged": self.unchanged, "errors": [x.to_dict() for x in self.sorted_errors()],
                "warnings": [x.problem for x in self.warnings]}



# ---- reading -----------------------------------------------------------------------------------
def _find_header(kind: Kind, rows: list[list]) -> tuple[int, dict[str, int]] | None:
    """The first row naming every required column (and, for a member ledger, 姓名 or 身份证号)."""
    for i, row in enumerate(rows[:15]):
        names = [_norm(c) for c in row]
        cols: dict[str, int] = {}
        taken: set[int] = set()
        for f in kind.fields:
            for alias in f.names:
                k = next((k for k, h in enumerate(names) if h == alias and k not in taken), None)
                if k is not None:
                    cols[f.key] = k
                    taken.add(k)
                    break
        has_member = not kind.by_member or "name" in cols or "id_number" in cols
        if has_member and all(f.key in cols for f in kind.fields if f.required):
            return i, cols
    return None


def _looks_like_other(spec: Kind, header: list) -> tuple[str, str] | None:
    """(title, column) of another ledger whose own required column the header has."""
    mine = {n for f in spec.fields for n in f.names} | set(spec.ignored)
    names = {_norm(h) for h in header}
    for other in KINDS.values():
        for f in other.fields:
            if other is not spec and f.required and not set(f.names) & mine and set(f.names) & names:
                return other.title, f.label
    return None


def _skip(row: list) -> bool:
    """Blank rows, and the footer lines an exported list carries (注：…, 填表人：…, 合计)."""
    filled = [text(v) for v in row if text(v)]
    if not filled:
        return True
    first = filled[0]
    return len(filled) == 1 and (first.startswith(("注：", "注:", "填表人", "说明：", "说明:")) or first in ("合计", "总计"))


class _Members:
    """Members of the scope by ID number and by name, as the dues import finds them."""

    def __init__(self, db: Database, office_id: str | None):
        where, params = ("WHERE o.office_id = ?", [office_id]) if office_id else ("", [])
        rows = db.query(f"""SELECT m.id, m.name, m.id_number, m.status, m.owner, o.name AS org_name FROM member m
                            JOIN org o ON o.id = m.org_id {where}""", params)
        self.by_idn, self.by_name = {}, {}
        for r in sorted(rows, key=lambda r: r["status"] in ACTIVE_STATUSES):
            self.by_idn[r["id_number"]] = r  # an active member wins over their transferred-out record
        for r in rows:
            self.by_name.setdefault(r["name"], []).append(r)

    def find(self, name: str, idn: str, branch: str) -> tuple[Any, str | None, str, str]:
        """(member, None) or (None, problem, suggestion, the column at fault)."""
        if idn:
            m = self.by_idn.get(idn) or self.by_idn.get(idcard.upgrade(idn) or idn)
            if m is None:
                return None, f"身份证号 {idn} 不是已登记的党员。", "核对身份证号；新党员请先在花名册中登记。", "id_number"
            if name and m["name"] != name:
                return None, f"姓名与身份证号登记的“{m['name']}”不符。", "核对姓名和身份证号。", "name"
            return m, None, "", ""
        hits = self.by_name.get(name, [])
        if not hits:
            return None, f"没有名为“{name}”的党员。", "核对姓名，或填写身份证号。", "name"
        if branch:
            there = [h for h in hits if h["org_name"] == branch]
            if not there:
                where = "、".join(dict.fromkeys(h["org_name"] for h in hits))
                return None, f"“{name}”登记在{where}，不在“{branch}”。", "核对党支部，或填写身份证号。", "branch"
            hits = there
        if len(hits) > 1:
            active = [h for h in hits if h["status"] in ACTIVE_STATUSES]
            hits = active if len(active) == 1 else hits
        if len(hits) > 1:
            return None, f"有{len(hits)}名党员叫“{name}”。", "请填写身份证号以区分。", "name"
        return hits[0], None, "", ""


def _branches(db: Database, office_id: str | None) -> dict[str, list]:
    office_id = office_id or held_office(db)
    where, params = ("AND office_id = ?", [office_id]) if office_id else ("", [])
    out: dict[str, list] = {}
    for r in db.query(f"SELECT id, name, owner, office_id FROM org WHERE org_type != '党小组' {where}", params):
        out.setdefault(r["name"], []).append(r)
    return out


def _value(f: Field, raw: Any) -> Any:
    """A cell as the ledger's check takes it: dates to ISO (or the cell when unreadable), numbers as typed."""
    if f.key in ("hours", "amount_fen"):
        return None if raw in (None, "") else raw
    return shown(raw).strip()


@dataclass
class Sheet:
    """The sheet of a workbook that holds a ledger: its header row found and its columns mapped."""

    spec: Kind
    report: RecordImportReport
    name: str
    rows: list[list]
    hrow: int  # the header row's index
    cols: dict[str, int]  # field key -> column index

    @property
    def header(self) -> list:
        return self.rows[self.hrow]

    def cell(self, row: list, key: str) -> Any:
        k = self.cols.get(key)
        return row[k] if k is not None and k < len(row) else None

    def text(self, row: list, key: str) -> str:
        return text(shown(self.cell(row, key)))

    def err(self, n: int, key: str | None, value: Any, problem: str, suggestion: str = "") -> None:
        """A problem of row `n` (Excel's number) in the column of field `key`."""
        from openpyxl.utils import get_column_letter

        k = self.cols.get(key) if key else None
        label = self.spec.field(key).label if key and any(f.key == key for f in self.spec.fields) else ""
        self.report.errors.append(Problem(self.name, n, get_column_letter(k + 1) if k is not None else None,
                                          text(self.header[k]) if k is not None else label, shown(value), problem,
                                          suggestion))

    def data(self):
        """(Excel row number, row) of every record row, counted in the report; blank rows, footer
        lines and a header repeated over printed pages are skipped."""
        head = [_norm(c) for c in self.header]
        for n, row in enumerate(self.rows[self.hrow + 1:], start=self.hrow + 2):
            if _skip(row) or [_norm(c) for c in row] == head:
                continue
            self.report.rows += 1
            yield n, row

    def date(self, n: int, row: list, key: str, *, required: bool = True) -> str | None:
        """The ISO day of a date cell; None (and the error told) when it cannot be read, or when
        it is empty and not required."""
        raw = self.cell(row, key)
        d = parse_date(raw)
        if d.iso is None and d.error is None and not required:
            return None
        if d.iso is None or d.month_only:
            problem = d.error or ("只写到月份，需要具体日期" if d.month_only else "没有填写日期")
            self.err(n, key, raw, f"{problem}。", d.suggestion or "日期写作 2026-03-01 或 2026年3月1日。")
            return None
        return d.iso

    def branch(self, n: int, row: list, branches: dict[str, list]):
        """The branch (org row) the 党支部 cell names; None (and the error told) otherwise."""
        bname = self.text(row, "branch")
        hits = branches.get(bname, [])
        if not bname:
            self.err(n, "branch", "", "没有填写党支部。", "填写党支部的名称。")
        elif not hits:
            self.err(n, "branch", bname, f"没有名为“{bname}”的党组织。", "按程序中党组织的名称填写。")
        elif len(hits) > 1:
            self.err(n, "branch", bname, f"有{len(hits)}个党组织叫“{bname}”。", "请在界面上先选择乡镇，或用 --town 指明。")
        else:
            return hits[0]
        return None


def read_sheet(spec: Kind, path: Path, report: RecordImportReport) -> Sheet | None:
    """The first sheet of the workbook with the ledger's header; None (the error in the report)
    when there is none, or when the header is another ledger's. Unknown columns are noted."""
    from ..points.common import read_workbook

    if not path.is_file():
        raise UserError(f"找不到文件：{path}")
    book = read_workbook(path, what=f"{spec.title}台账")
    for name in book.sheet_names:
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if found := _find_header(spec, data):
            sheet = Sheet(spec, report, name, data, *found)
            break
    else:
        need = "、".join(f.label for f in spec.fields if f.required)
        who = "“姓名”或“身份证号”、" if spec.by_member else ""
        report.errors.append(Problem(path.name, None, None, "", "",
                                     f"没有找到{spec.title}台账的表头：需要一行表头，含{who}{need}等列。",
                                     "请用“导入模板”或本程序导出的表格填写。"))
        return None
    if (other := _looks_like_other(spec, sheet.header)) is not None:
        report.errors.append(Problem(sheet.name, sheet.hrow + 1, None, "", "", f"这份表格像是{other[0]}台账（有“{other[1]}”列），"
                                     f"不是{spec.title}台账。", f"请在{other[0]}台账中导入它。"))
        return None
    known = set(sheet.cols.values())
    extra = [text(h) for k, h in enumerate(sheet.header) if text(h) and k not in known and _norm(h) not in spec.ignored]
    if extra:
        report.warnings.append(Problem(sheet.name, sheet.hrow + 1, None, "", "",
                                       f"以下列不属于{spec.title}台账，未读取：{'、'.join(extra)}。"))
    return sheet


def import_records(db: Database, kind: str, path: str | Path, *, office_id: str | None = None,
                   dry_run: bool = False, actor: str | None = None) -> RecordImportReport:
    """Read one ledger's sheet and, when it has no errors (and not dry_run), write its new records
    in one unit of work. `office_id` narrows the members and branches to a town."""
    spec = kind_of(kind)
    path = Path(path)
    report = RecordImportReport(path=path, kind=spec.kind, title=spec.title, dry_run=dry_run)
    sheet = read_sheet(spec, path, report)
    if sheet is None:
        return report
    cols, err = sheet.cols, sheet.err
    members = _Members(db, office_id) if spec.by_member else None
    branches = None if spec.by_member else _branches(db, office_id)
    parsed: list[tuple[int, dict, dict]] = []  # (row number, stored row, the file's values by key)
    for n, row in sheet.data():
        before = len(report.errors)
        if spec.by_member:
            name, branch = sheet.text(row, "name"), sheet.text(row, "branch")
            idn = idcard.normalise(sheet.text(row, "id_number"))
            if not name and not idn:
                err(n, "name" if "name" in cols else "id_number", "", "没有填写姓名或身份证号。", "每行填写一名党员。")
                continue
            target, problem, suggestion, at = members.find(name, idn, branch)
            if target is None:
                err(n, at, {"name": name, "id_number": idn, "branch": branch}[at], problem, suggestion)
        else:
            org = sheet.branch(n, row, branches)
            target = (org["id"], org["owner"] or org["office_id"]) if org is not None else None
        values: dict[str, Any] = {}
        for f in spec.fields:
            if f.key in ("name", "id_number", "branch") or f.key not in cols:
                continue
            values[f.key] = sheet.date(n, row, "date") if f.key == "date" else _value(f, sheet.cell(row, f.key))
        if len(report.errors) > before:
            continue
        try:
            stored = spec.build(target, values)
        except UserError as e:
            key = records.field_of(e)
            err(n, key if key in cols else None, sheet.cell(row, key) if key in cols else "", e.message)
            continue
        parsed.append((n, stored, values))
    _compare(db, spec, parsed, cols, report, err)
    if report.errors or dry_run or not report.added:
        return report
    new = [stored for _, stored, _v in parsed if stored is not None]
    with db.transaction(f"导入{spec.title}台账（{path.name}，{len(new)}条）", actor=actor) as tx:
        tx.insert_many(spec.table, new)
    report.written = True
    return report


def _compare(db: Database, spec: Kind, parsed: list, cols: dict, report: RecordImportReport, err) -> None:
    """Rows that are records already kept become None in `parsed` (counted as unchanged); a row
    repeating another row of the file, or a kept record with another value, is an error."""
    owner_col = spec.identity[0]
    ids = sorted({stored[owner_col] for _, stored, _v in parsed})
    kept: dict[tuple, Any] = {}
    if ids:
        for r in db.query(f"SELECT * FROM {spec.table} WHERE {owner_col} IN (SELECT value FROM json_each(?))",
                          (json.dumps(ids),)):
            kept.setdefault(tuple(r[c] for c in spec.identity), r)
    seen: dict[tuple, int] = {}
    for i, (n, stored, values) in enumerate(parsed):
        key = tuple(stored[c] for c in spec.identity)
        if key in seen:
            err(n, "date", values.get("date"), f"与第{seen[key]}行是同一条记录（{_what(spec, stored)}）。", "删去重复的行。")
            continue
        seen[key] = n
        old = kept.get(key)
        if old is None:
            report.added += 1
            continue
        differs = [c for c in values if c not in spec.identity and c in cols and values[c] not in (None, "")
                   and stored[c] != old[c]]
        if differs:
            c = differs[0]
            err(n, c, values[c], f"这条记录已经登记，但{spec.field(c).label}与已登记的“{_shown(c, old[c])}”不同。",
                "已登记的记录不能通过导入修改；如确有错误，请先在程序中删除那条记录再导入。")
            continue
        parsed[i] = (n, None, values)
        report.unchanged += 1


def _shown(key: str, value: Any) -> str:
    if key == "amount_fen":
        from .common import fmt_yuan

        return fmt_yuan(value)
    return f"{value:g}" if isinstance(value, float) else text(value)


def _what(spec: Kind, stored: dict) -> str:
    from .. import dates

    return "，".join(dates.format_cn(stored[c]) if c == "date" else text(stored[c]) for c in spec.identity[1:])
