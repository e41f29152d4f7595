"""The import report: problems with their sheet, Excel row, column, value and a suggestion;
printed for the CLI and saved as an xlsx with the bad cells highlighted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import dates
from ..errors import UserError
from ..filesave import save_file
from ..xlsx_guard import REPORT_COPY, check_workbook
from ..xlsx_safe import append, put
from .reader import column_index

PROBLEM_HEADERS = ("工作表", "行号", "列", "列名", "内容", "问题", "建议")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None          # Excel row number; None for a problem of the whole sheet or file
    column: str | None       # column letter ('F'); None when no single cell is at fault
    header: str              # the column's header text (or the field's label)
    value: str               # the cell as the user sees it
    problem: str
    suggestion: str = ""
    field: str | None = None

    def cells(self) -> tuple:
        return (self.sheet, self.row or "", self.column or "", self.header, self.value, self.problem,
                self.suggestion)

    def sort_key(self) -> tuple:
        return (self.sheet, self.row or 0, column_index(self.column) if self.column else -1)

    def to_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "header": self.header,
                "value": self.value, "problem": self.problem, "suggestion": self.suggestion}


class ProblemReport:
    """What every all-or-nothing import report shares (the roster's, the dues register's, the
    ledgers'): its `errors` and `warnings` (Problem lists), ok, sorted errors and their table."""

    errors: list[Problem]
    warnings: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted_errors(self) -> list[Problem]:
        return sorted(self.errors, key=Problem.sort_key)

    def error_lines(self, limit: int | None = None) -> list[str]:
        """The errors as a tab-separated table (header first) and a blank line; none: nothing."""
        if not self.errors:
            return []
        errors = self.sorted_errors()
        lines = ["\t".join(PROBLEM_HEADERS)] + ["\t".join(_shortened(str(c)) for c in p.cells())
                                                 for p in errors[:limit]]
        if limit and len(errors) > limit:
            lines.append(f"……另有 {len(errors) - limit} 处错误未列出")
        return lines + [""]


SHOWN_CHARS = 60  # a cell's text in the terminal's table of errors (the Excel report keeps it whole)


def _shortened(text: str) -> str:
    """A long cell (32,000 characters pasted by mistake) as its beginning and its length."""
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}……（共{len(text)}个字）"


@dataclass
class MemberChange:
    """A member already in the database whose row in the file differs."""
    member_id: str
    name: str
    id_number: str
    sheet: str
    row: int
    fields: list[tuple[str, str, str, str]]   # (field, label, old shown, new shown)
    values: dict = field(default_factory=dict, repr=False)   # the new stored values

    def describe(self) -> str:
        parts = [f"{lab}：{old or '（空）'} → {new or '（空）'}" for _, lab, old, new in self.fields]
        return f"{self.name}（{self.id_number}）" + "；".join(parts)


@dataclass
class SheetSummary:
    name: str
    header_rows: tuple[int, ...] = ()
    mapping: list[tuple[str, str, str | None]] = field(default_factory=list)  # (letter, header, field)
    rows: int = 0             # member rows read
    skipped_rows: int = 0     # blank, footer and repeated header rows
    skipped: str | None = None  # why the whole sheet was skipped
    readings: list[str] = field(default_factory=list)  # columns read by their values, missing optional columns


@dataclass
class ImportReport(ProblemReport):
    path: Path
    dry_run: bool = False
    update: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    sheets: list[SheetSummary] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[MemberChange] = field(default_factory=list)
    created_orgs: list[tuple[str, str, str]] = field(default_factory=list)  # (type, name, kind)
    rows: int = 0
    written: bool = False
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.cancelled

    def summary(self) -> str:
        if self.cancelled:
            return "导入已取消，数据库没有任何改动。"
        if self.errors:
            return (f"文件中发现 {len(self.errors)} 处错误，未导入任何数据。"
                    f"请按错误清单修改Excel文件后重新导入。")
        if not self.dry_run and not self.written:
            return (f"共读取 {self.rows} 名党员，都已登记" + ("且没有变化" if not self.changes else
                    f"，其中 {len(self.changes)} 名的信息与文件不同（未修改）") + "，数据库没有改动。")
        verb = "将" if self.dry_run else "已"
        parts = [f"共读取 {self.rows} 名党员", f"{verb}新增 {self.added} 名"]
        if self.created_orgs:
            parts.append(f"{verb}新建 {len(self.created_orgs)} 个党组织")
        if self.update:
            parts.append(f"{verb}修改 {self.updated} 名")
        elif self.changes:
            parts.append(f"{len(self.changes)} 名已登记党员的信息与文件不同（未修改）")
        parts.append(f"{self.unchanged} 名已登记且无变化")
        text = "，".join(parts) + "。"
        if self.dry_run:
            text = "检查通过（试导入，未写入数据库）：" + text
        return text

    def to_text(self, *, limit: int | None = None) -> str:
        """The report as plain text (the CLI prints it)."""
        lines = self.error_lines(limit)
        readings = [(s.name, r) for s in self.sheets for r in s.readings]
        if readings:
            lines.append("列的理解：")
            grouped_readings: dict[str, list[str]] = {}
            for sheet, r in readings:  # the same reading on many sheets is printed once
                grouped_readings.setdefault(r, []).append(sheet)
            for r, sheets in grouped_readings.items():
                lines.append(f"  工作表{'、'.join(sheets)}：{r}")
            lines.append("")
        if self.warnings:
            lines.append("提示：")
            # The same note on many sheets (one sheet per branch) is printed once.
            grouped: dict[object, list[Problem]] = {}
            for i, p in enumerate(self.warnings):
                key = (p.problem, p.suggestion) if p.problem.startswith("列") else i  # column notes
                grouped.setdefault(key, []).append(p)
            for ps in grouped.values():
                p = ps[0]
                if len(ps) > 1:
                    where = "工作表" + "、".join(dict.fromkeys(x.sheet for x in ps)) + " "
                else:
                    where = f"{p.sheet} 第{p.row}行 " if p.row else (f"{p.sheet} " if p.sheet else "")
                lines.append(f"  {where}{p.problem}" + (f"（{p.suggestion}）" if p.suggestion else ""))
            lines.append("")
        if self.created_orgs and not self.errors:
            verb = "将新建" if self.dry_run else "新建"
            for org_type, name, kind in self.created_orgs:
                lines.append(f"{verb}{org_type}：{name}" + (f"（类别：{kind}）" if kind else ""))
            lines.append("")
        if self.changes and not self.errors:
            lines.append("已登记党员的信息变化：" if self.update else
                         "以下已登记党员的信息与文件不同，未修改（确认后加 --update 重新导入即可更新）：")
            for c in self.changes:
                lines.append(f"  {c.sheet} 第{c.row}行 {c.describe()}")
            lines.append("")
        lines.append(self.summary())
        return "\n".join(lines)


def shown(value) -> str:
    """A cell value as a clerk would read it in Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return dates.format_cn(value.date())
        return f"{dates.format_cn(value.date())} {value:%H:%M}"
    if isinstance(value, dt.date):
        return dates.format_cn(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


ERROR_FILL = "FFC7CE"
ERROR_FONT = "9C0006"


def save_error_report(report: ImportReport, target: str | Path) -> Path:
    """An xlsx with a 错误清单 sheet (sortable, filterable, linked to the cells) followed by a copy
    of the imported sheets with every bad cell filled red and commented."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import quote_sheetname
    from openpyxl.worksheet.hyperlink import Hyperlink

    target = Path(target)
    source = Path(report.path)
    wb = None
    try:
        check_workbook(source, "花名册", REPORT_COPY)  # a hostile, broken or huge file is not copied
        copy = True
    except UserError:
        copy = False
    if copy and source.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            wb = load_workbook(source)
        except Exception:
            wb = None
    if wb is None:
        wb = _values_copy(source) if copy else Workbook()
        if not copy:
            wb.remove(wb.active)
    fill = PatternFill("solid", fgColor=ERROR_FILL)
    font = Font(color=ERROR_FONT, bold=True)
    errors = report.sorted_errors()
    by_cell: dict[tuple[str, int, str], list[Problem]] = {}
    for p in errors:
        if p.row and p.column and p.sheet in wb.sheetnames:
            by_cell.setdefault((p.sheet, p.row, p.column), []).append(p)
    for (sheet, row, col), probs in by_cell.items():
        cell = wb[sheet][f"{col}{row}"]
        cell.fill = fill
        cell.font = font
        text = "\n".join(p.problem + (f"（建议：{p.suggestion}）" if p.suggestion else "") for p in probs)
        cell.comment = Comment(text[:2000], "党建台账")
    ws = wb.create_sheet("错误清单", 0)
    ws.append(list(PROBLEM_HEADERS))
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    for p in errors:
        append(ws, p.cells())  # the cell's content and the sheet name are the user's text
        if p.row and p.column and p.sheet in wb.sheetnames:
            link = ws.cell(ws.max_row, 3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(p.sheet)}!{p.column}{p.row}")
            link.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCDEFG", (14, 7, 6, 12, 22, 60, 40)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for c in row[5:7]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    if errors:
        ws.auto_filter.ref = f"A1:G{ws.max_row}"
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    target.parent.mkdir(parents=True, exist_ok=True)
    return save_file(target, wb.save)


def _values_copy(source: Path):
    """A new workbook holding the values of an .xls/.ods file, at the same cell addresses."""
    from openpyxl import Workbook

    from .reader import Workbook as Reader

    wb = Workbook()
    wb.remove(wb.active)
    try:
        with Reader(source) as book:
            for s in book.sheets:
                ws = wb.create_sheet(s.name[:31])
                for n, row in s.rows():
                    for i, v in enumerate(row):
                        if v is not None:
                            put(ws, n, i + 1, v if not isinstance(v, dt.time) else v.isoformat())
    except (UserError, OSError):
        pass  # the 错误清单 sheet alone still says everything
    return wb
