"""党费收缴登记表 as Excel, in the layout offices keep: one row per member, one column per month.

    row 1   title (…年度党费收缴登记表)
    row 2   说明
    row 3   序号 | 党支部 | 姓名 | 身份证号 | 党费类别 | 月基数（元） | 月应交（元） | 1月 … 12月 | 合计（元） | 欠缴（元） | 备注
    row 4…  one member each; a month's cell is what was paid for that month (blank: nothing)
    _key    (very hidden) format and year

Import reads such a file (ours, or an office's own with the same headers; only 姓名 and the
month columns are required) all or nothing: every problem is reported with its row, column and
a suggestion, and nothing is written while any remains. What it writes:
- a base and class where the year has none yet (the yearly 核定); a base that differs from the
  one fixed is an error (a change within the year is made in the program, from a month on);
- for a month showing more than is recorded, a payment of the difference (consecutive months
  with the same difference become one payment); a month showing less than recorded is an error
  (recorded payments are corrected in the program, never by a file).
月应交, 合计, 欠缴 and 备注 are computed on export and ignored on import. An exported file
imported again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import dates
from ..db import Database
from ..errors import UserError
from ..progress import Progress
from ..registry import idcard
from ..roster.report import Problem, ProblemReport, save_error_report, shown  # noqa: F401 - save_error_report: the import's own
from ..xlsx_safe import StyledCells, removes_rows_on_failure, streamed_workbook, text_cell
from . import dues
from .common import check_year, fmt_yuan, months_label, text, to_fen

FORMAT = "dangjian-dues-1"
SHEET = "党费收缴"
KEY = "_key"
HEADER_ROW = 3
FIXED = ("序号", "党支部", "姓名", "身份证号", "党费类别", "月基数（元）", "月应交（元）")
MONTHS = tuple(f"{m}月" for m in range(1, 13))
TAIL = ("合计（元）", "欠缴（元）", "备注")
HEADERS = FIXED + MONTHS + TAIL

_ALIASES = {
    "name": ("姓名",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "branch": ("党支部", "所在党支部", "支部", "所在支部"),
    "rate_class": ("党费类别", "缴费类别", "类别", "人员类别（党费）"),
    "base": ("月基数", "基数", "月缴纳基数", "党费基数", "缴费基数", "月工资基数"),
}


def _norm(h: Any) -> str:
    t = re.sub(r"\s+", "", text(h))
    return re.sub(r"[（(][^）)]*[）)]$", "", t)  # 月基数（元） -> 月基数


def _month_of(h: str) -> int | None:
    m = re.fullmatch(r"0?(\d{1,2})月(?:份)?", h)
    if m and 1 <= int(m[1]) <= 12:
        return int(m[1])
    return None


# ---- export --------------------------------------------------------------------------------------
@removes_rows_on_failure
def export_dues(db: Database, year: int, target: str | Path, *, office_id: str | None = None,
                org_id: str | None = None, as_of: dt.date | None = None,
                progress: Progress | None = None) -> Path:
    """Write the year's 党费收缴登记表 (every member listed by status()) to `target`.
    `progress(done, total, text)` is told how many members are written (a county's take seconds)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from ..points.common import save_workbook

    y = check_year(year)
    tell = progress or (lambda _done, _total, _text: None)
    tell(0, 0, "正在计算每名党员的党费……")
    data = dues.status(db, y, office_id=office_id, org_id=org_id, as_of=as_of)
    total = len(data.members)
    scope = (db.scalar("SELECT name FROM org WHERE id = ?", (org_id,)) if org_id else
             db.scalar("SELECT name FROM office WHERE id = ?", (office_id,)) if office_id else
             db.scalar("SELECT name FROM office WHERE parent_id IS NULL LIMIT 1")) or ""
    ids = {r["id"]: r["id_number"] for r in db.query(
        "SELECT id, id_number FROM member WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps([m.member_id for m in data.members]),))}
    # Write-only: the rows stream to the file (a county's 30,000 members took 400 MB as a
    # workbook in memory), each cell with a style made once (xlsx_safe.StyledCells).
    wb = streamed_workbook()
    ws = wb.create_sheet(SHEET)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    last = get_column_letter(len(HEADERS))
    widths = [6, 22, 10, 21, 10, 11, 10] + [8] * 12 + [10, 10, 36]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = f"D{HEADER_ROW + 1}"
    ws.row_dimensions[2].height = 32
    cell = StyledCells(ws).cell
    ws.append([cell(f"{scope}{y}年度党费收缴登记表", Font(size=16, bold=True), Alignment(horizontal="center"))])
    ws.merged_cells.add(f"A1:{last}1")
    ws.append([cell("说明：月份栏填写为该月交纳的党费（元），提前交纳的填在所交月份下；未交的留空。"
                    "党费基数一年一核定，年内调整请在程序中办理。月应交、合计、欠缴、备注由程序计算，导入时不读取。"
                    f"欠缴按截至{dates.format_cn(data.as_of)}已结束的月份计算。", alignment=Alignment(wrap_text=True))])
    ws.merged_cells.add(f"A2:{last}2")
    head = (Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True), border,
            PatternFill("solid", fgColor="DDEBF7"))
    ws.append([cell(h, *head) for h in HEADERS])
    money = "0.00"
    for n, m in enumerate(data.members, start=1):
        if n % 500 == 1:
            tell(n - 1, total, f"已写入 {n - 1} / {total} 名党员")
        notes = []
        if len(m.bases) > 1:
            notes.append("基数调整：" + "；".join(f"{b[0]}月起{b[1]} 基数{fmt_yuan(b[2]) or '—'} 月交{fmt_yuan(b[3])}"
                                              for b in m.bases))
        if m.months_exempt:
            notes.append(f"减免：{months_label(m.months_exempt)}")
        if m.late_months:
            notes.append(f"逾期交纳：{months_label(m.late_months)}")
        if m.base_missing:
            notes.append("基数未核定")
        values = [n, m.org_name, m.name, ids.get(m.member_id, ""), m.rate_class or None,
                  None if m.base_fen is None else m.base_fen / 100,
                  None if m.monthly_fen is None else m.monthly_fen / 100]
        values += [m.paid[k] / 100 if m.paid[k] else None for k in range(12)]
        values += [m.paid_fen / 100, m.arrears_fen / 100, "；".join(notes) or None]
        ws.append([cell(v, border=border, number_format=money if isinstance(v, float) else None) for v in values])
    wk = wb.create_sheet(KEY)
    wk.sheet_state = "veryHidden"
    wk.append([text_cell(wk, "format"), text_cell(wk, FORMAT)])
    wk.append([text_cell(wk, "year"), y])
    tell(total, total, "正在保存文件……")
    return save_workbook(wb, target)


# ---- import ------------------------------------------------------------------------------------
@dataclass
class DuesImportReport(ProblemReport):
    path: Path
    year: int | None = None
    dry_run: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: int = 0
    bases: list[dues.BaseInput] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)  # member_id, name, from, to, amount_fen
    unchanged: int = 0
    written: bool = False

    def summary(self) -> str:
        if self.errors:
            return f"文件中发现 {len(self.errors)} 处错误，未导入任何数据。请按错误清单修改后重新导入。"
        total = sum(p["amount_fen"] for p in self.payments)
        what = (f"核定基数 {len(self.bases)} 人，新增缴费 {len(self.payments)} 笔共 {fmt_yuan(total)} 元，"
                f"{self.unchanged} 人无变化")
        if self.dry_run:
            return f"检查通过（试导入，未写入数据库）：共读取 {self.rows} 名党员，将{what}。"
        if not self.written:
            return f"共读取 {self.rows} 名党员，与已登记的一致，数据库没有改动。"
        return f"已导入{self.year}年度党费：共读取 {self.rows} 名党员，{what}。"

    def to_text(self) -> str:
        lines = self.error_lines()
        if self.warnings:
            lines.append("提示：")
            lines += [f"  {p.sheet} 第{p.row}行 {p.problem}" if p.row else f"  {p.problem}" for p in self.warnings]
            lines.append("")
        lines.append(self.summary())
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"file": str(self.path), "year": self.year, "ok": self.ok, "written": self.written,
                "rows": self.rows, "bases": len(self.bases), "payments": len(self.payments),
                "amount": round(sum(x["amount_fen"] for x in self.payments) / 100, 2), "unchanged": self.unchanged,
                "errors": [x.to_dict() for x in self.sorted_errors()], "warnings": [x.to_dict() for x in self.warnings]}


def _find_header(rows: list[list]) -> tuple[int, dict[str, int], dict[int, int]] | None:
    for i, row in enumerate(rows[:15]):
        names = [_norm(c) for c in row]
        months = {m: k for k, h in enumerate(names) if (m := _month_of(h))}
        if "姓名" in names and months:
            cols: dict[str, int] = {}
            for key, aliases in _ALIASES.items():
                for k, h in enumerate(names):
                    if h in aliases and key not in cols:
                        cols[key] = k
            return i, cols, months
    return None


PROGRESS_ROWS = 2000  # rows checked between two progress reports


def import_dues(db: Database, path: str | Path, *, year: int | None = None, office_id: str | None = None,
                paid_on: str | None = None, receiver: str = "", dry_run: bool = False,
                actor: str | None = None,
                progress: Progress | None = None) -> DuesImportReport:
    """Read a 党费收缴登记表 and, when it has no errors (and not dry_run), write its new bases and
    payments in one unit of work. `progress(done, total, text)` hears each step and the rows
    checked (a county's register of 28,812 members takes seconds)."""
    from openpyxl.utils import get_column_letter

    from ..points.common import read_workbook
    from .common import check_day

    path = Path(path)
    report = DuesImportReport(path=path, dry_run=dry_run)

    def whole(problem: str, suggestion: str = "") -> DuesImportReport:
        report.errors.append(Problem(path.name, None, None, "", "", problem, suggestion))
        return report

    if not path.is_file():
        raise UserError(f"找不到文件：{path}")
    day = check_day(paid_on or dates.today().isoformat(), "缴费日期")
    tell = progress or (lambda _done, _total, _text: None)
    tell(0, 0, "正在读取文件……")
    book = read_workbook(path, what="党费收缴登记表")
    sheet_name, rows, found = None, [], None
    for name in book.sheet_names:
        if name == KEY:
            continue
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        found = _find_header(data)
        if found:
            sheet_name, rows = name, data
            break
    if found is None:
        return whole("没有找到党费登记表：需要一行表头，含“姓名”和“1月”…“12月”等月份列。",
                     "请用“导出党费表”生成的文件填写。")
    hrow, cols, months = found
    key = {}
    if KEY in book.sheet_names:
        key = {text(r[0]): r[1] for r in book.get_sheet_by_name(KEY).to_python() if r and r[0]}
    file_year = None
    if key.get("year") not in (None, ""):
        try:
            file_year = int(float(key["year"]))
        except (TypeError, ValueError):
            file_year = None
    if file_year is None:
        for row in rows[:hrow]:
            for c in row:
                if (m := re.search(r"(\d{4})\s*年", text(c))):
                    file_year = int(m[1])
                    break
            if file_year:
                break
    if year is not None and file_year is not None and int(year) != file_year:
        return whole(f"文件是{file_year}年度的党费表，与指定的{int(year)}年度不符。")
    y = year if year is not None else file_year
    if y is None:
        return whole("无法确定文件的年度。", "在标题中写明年度（如“2026年度党费收缴登记表”），或用 --year 指明。")
    report.year = y = check_year(y)

    def cell(row: list, k: int | None) -> Any:
        return row[k] if k is not None and k < len(row) else None

    def err(n: int, k: int | None, header: str, value: Any, problem: str, suggestion: str = "") -> None:
        report.errors.append(Problem(sheet_name, n, get_column_letter(k + 1) if k is not None else None, header,
                                     shown(value), problem, suggestion))

    members = {}
    where = "WHERE o.office_id = ?" if office_id else ""
    for r in db.query(f"""SELECT m.id, m.name, m.id_number, m.status, m.person_class, m.owner, o.name AS org_name
                          FROM member m JOIN org o ON o.id = m.org_id {where}""", [office_id] if office_id else []):
        members[r["id"]] = r
    by_idn = {}
    for r in sorted(members.values(), key=lambda r: r["status"] in dues.ACTIVE_STATUSES):
        by_idn[r["id_number"]] = r  # an active member wins over their transferred-out record
    by_name: dict[str, list] = {}
    for r in members.values():
        by_name.setdefault(r["name"], []).append(r)
    table = dues.rate_table()
    parsed: list[tuple[int, Any, str | None, int | None, dict[int, int]]] = []
    seen: dict[str, int] = {}
    total = len(rows) - hrow - 1
    for n, row in enumerate(rows[hrow + 1:], start=hrow + 2):
        checked = n - hrow - 2
        if checked and checked % PROGRESS_ROWS == 0:
            tell(checked, total, f"已核对 {checked} / {total} 行")
        name = text(cell(row, cols["name"]))
        idn = idcard.normalise(text(cell(row, cols.get("id_number"))))
        if not name and not idn and all(v in (None, "") for v in row):
            continue
        if name in ("合计", "总计", "小计") or (not name and not idn):
            continue
        report.rows += 1
        if idn:
            m = by_idn.get(idn)
            if m is None:
                err(n, cols.get("id_number"), "身份证号", idn, f"身份证号 {idn} 不是已登记的党员。",
                    "核对身份证号；新党员请先在花名册中登记。")
                continue
            if name and m["name"] != name:
                err(n, cols["name"], "姓名", name, f"姓名与身份证号登记的“{m['name']}”不符。", "核对姓名和身份证号。")
                continue
        else:
            hits = by_name.get(name, [])
            branch = text(cell(row, cols.get("branch")))
            if branch and len(hits) > 1:
                hits = [h for h in hits if h["org_name"] == branch]
            if len(hits) > 1:
                active = [h for h in hits if h["status"] in dues.ACTIVE_STATUSES]
                hits = active if len(active) == 1 else hits
            if not hits:
                err(n, cols["name"], "姓名", name, f"没有名为“{name}”的党员。", "核对姓名，或填写身份证号。")
                continue
            if len(hits) > 1:
                err(n, cols["name"], "姓名", name, f"有{len(hits)}名党员叫“{name}”。", "请填写身份证号以区分。")
                continue
            m = hits[0]
        if m["id"] in seen:
            err(n, cols["name"], "姓名", name or m["name"], f"{m['name']}在第{seen[m['id']]}行已经出现过。", "删去重复的行。")
            continue
        seen[m["id"]] = n
        bad = False
        cls_text = text(cell(row, cols.get("rate_class")))
        cls = None
        if cls_text:
            try:
                cls = table.get(cls_text).name
            except UserError as e:
                err(n, cols.get("rate_class"), "党费类别", cls_text, e.message, f"可选：{'、'.join(table.names)}")
                bad = True
        base_raw = cell(row, cols.get("base"))
        base_fen = None
        if base_raw not in (None, ""):
            try:
                base_fen = to_fen(base_raw, what="月基数")
            except UserError as e:
                err(n, cols.get("base"), "月基数", base_raw, e.message, "填写税后月收入，单位元，如 4500 或 4500.50。")
                bad = True
        amounts: dict[int, int] = {}
        for month, k in months.items():
            raw = cell(row, k)
            if raw in (None, ""):
                continue
            try:
                amounts[month] = to_fen(raw, what=f"{month}月交纳金额")
            except UserError as e:
                err(n, k, f"{month}月", raw, e.message, "填写该月交纳的党费金额（元），未交的留空。")
                bad = True
        if not bad:
            parsed.append((n, m, cls, base_fen, amounts))
    # The rows that read well are compared with what is recorded even when others did not:
    # every problem of the file is told at once.
    tell(total, total, "正在与已登记的缴费比对……")
    current = {md.member_id: md for md in dues.status(db, y, as_of=dt.date(y + 1, 1, 1),
                                                          member_ids=[p[1]["id"] for p in parsed]).members} \
        if parsed else {}
    for n, m, cls, base_fen, amounts in parsed:
        md = current.get(m["id"])
        changed = False
        if cls is not None or base_fen is not None:
            if md is None or not md.bases:
                entry = dues.BaseInput(m["id"], cls, None if base_fen is None else fmt_yuan(base_fen))
                try:
                    dues.prepare_base(db, y, entry, fixed_on=day, member=m)
                except UserError as e:
                    err(n, cols.get("base"), "月基数", "" if base_fen is None else fmt_yuan(base_fen), e.message,
                        "填写月基数，或选择按固定金额交纳的党费类别。")
                    continue
                report.bases.append(entry)
                changed = True
            else:
                if cls is not None and cls != md.rate_class:
                    err(n, cols.get("rate_class"), "党费类别", cls, f"与已核定的类别“{md.rate_class}”不同。",
                        "年内调整类别或基数请在程序中办理（从某月起）。")
                    continue
                if base_fen is not None and base_fen != md.base_fen:
                    err(n, cols.get("base"), "月基数", fmt_yuan(base_fen),
                        f"与已核定的基数（{fmt_yuan(md.base_fen) or '未填'}元）不同。",
                        "党费基数一年一核定；年内调整请在程序中办理（从某月起）。")
                    continue
        paid = md.paid if md is not None else [0] * 12
        extra: dict[int, int] = {}
        short = False
        for month, fen in sorted(amounts.items()):
            have = paid[month - 1]
            if fen < have:
                err(n, months[month], f"{month}月", fmt_yuan(fen),
                    f"{month}月已登记交纳{fmt_yuan(have)}元，表中为{fmt_yuan(fen)}元。",
                    "已登记的缴费不能通过导入减少；如确有错误，请在程序中删除那笔缴费记录。")
                short = True
            elif fen > have:
                extra[month] = fen - have
        if short:
            continue
        run: list[int] = []
        for month in sorted(extra) + [None]:
            if run and (month is None or month != run[-1] + 1 or extra[month] != extra[run[0]]):
                report.payments.append({"member_id": m["id"], "name": m["name"], "from": run[0], "to": run[-1],
                                        "amount_fen": extra[run[0]] * len(run)})
                changed = True
                run = []
            if month is not None:
                run.append(month)
        report.unchanged += not changed
    if report.errors or dry_run or not (report.bases or report.payments):
        return report
    tell(0, 0, f"正在写入 {len(report.payments)} 笔缴费……")
    with db.transaction(f"导入{y}年度党费收缴登记表（{path.name}）", actor=actor) as tx:
        if report.bases:
            dues.set_bases(db, y, report.bases, fixed_on=day, actor=actor)
        for p in report.payments:
            tx.insert("dues_payment", {"member_id": p["member_id"], "year": y, "from_month": p["from"],
                                       "to_month": p["to"], "amount_fen": p["amount_fen"], "paid_on": day,
                                       "receiver": (receiver or "").strip(), "note": f"从{path.name}导入",
                                       "owner": members[p["member_id"]]["owner"]})
    report.written = True
    return report

