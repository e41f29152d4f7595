"""The branch's self-assessment form (自评表) as Excel: exported for a branch, filled in by it,
imported back all-or-nothing with an error report (sheet / row / column / value / problem /
suggestion, the same structure as the roster import).

Layout of a form (sheet names are part of the format):
    自评表        title rows, then 编号 | 考核项目 | 考核内容 | 计分方式 | 满分 | 自评分 | 说明（扣分原因）
    否决项        编号 | 否决项 | 是否存在（是/否） | 事实说明
    自我评价报告  部分 | 内容 (自我评价情况 / 存在问题及原因 / 整改措施及下步打算)
    _key          (very hidden) form version, round id, sheet id, the scheme's item codes
Only the 自评分, 说明, veto and report cells are unlocked; the sheets are protected without a
password so that the structure survives a branch's editing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..db import Database
from ..errors import UserError, file_error
from ..filesave import save_file
from ..roster.report import Problem, ProblemReport, save_error_report, shown  # noqa: F401 - save_error_report: the form import's own
from ..schemes.model import SCORING_LABELS, fmt_num
from ..xlsx_guard import SMALL, check_workbook
from ..xlsx_safe import append, put

FORM_VERSION = "dangjian-self-assessment-1"
MAIN, VETO, REPORT, KEY = "自评表", "否决项", "自我评价报告", "_key"
HEADERS = ("编号", "考核项目", "考核内容", "计分方式", "满分", "自评分", "说明（扣分原因）")
HEADER_ROW = 4
REPORT_PARTS = (("situation", "自我评价情况"), ("problems", "存在问题及原因"), ("measures", "整改措施及下步打算"))
VETO_HEADERS = ("编号", "否决项", "是否存在（是/否）", "事实说明")
# Column H, after the columns the import reads: what the program's ledgers hold about each item
# (meetings, dues, the development pipeline …: assessment.figures), printed for the branch to see.
FIGURES_HEADER = "台账数据（供参考）"

@dataclass
class FormImportReport(ProblemReport):
    path: Path
    sheet_id: str | None = None
    org_name: str = ""
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    scores: dict[str, float | int] = field(default_factory=dict)  # item code -> self score read
    reasons: dict[str, str] = field(default_factory=dict)
    vetoes: dict[str, str] = field(default_factory=dict)  # veto code -> fact
    cleared_vetoes: list[str] = field(default_factory=list)  # veto codes answered 否
    report: dict[str, str] = field(default_factory=dict)
    report_read: bool = False
    changed: int = 0
    written: bool = False

    def text(self) -> str:
        """The report as plain text for the CLI."""
        lines = [f"文件：{self.path}" + (f"（{self.org_name}）" if self.org_name else "")]
        for title, items in (("错误", self.sorted_errors()), ("提示", self.warnings)):
            if items:
                lines.append(f"{title}（{len(items)}）：")
                for p in items:
                    where = f"{p.sheet}" + (f" 第{p.row}行" if p.row else "") + (f" {p.column}列" if p.column else "")
                    lines.append(f"  {where}" + (f"“{p.header}”" if p.header else "") +
                                 (f" 内容“{p.value}”" if p.value else "") + f"：{p.problem}" +
                                 (f"（建议：{p.suggestion}）" if p.suggestion else ""))
        if self.errors:
            lines.append("有错误，未导入任何内容。请改正后重新导入。")
        elif self.written:
            lines.append(f"已导入：{len(self.scores)} 项自评分，{len(self.vetoes)} 个否决项"
                         + ("，自我评价报告" if self.report_read else "") + "。")
        else:
            lines.append(f"检查通过（未写入）：{len(self.scores)} 项自评分，{len(self.vetoes)} 个否决项。")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        def p(x: Problem) -> dict:
            return {"sheet": x.sheet, "row": x.row, "column": x.column, "header": x.header, "value": x.value,
                    "problem": x.problem, "suggestion": x.suggestion}

        return {"file": str(self.path), "sheet": self.sheet_id, "branch": self.org_name, "ok": self.ok,
                "written": self.written, "scores": self.scores, "reasons": self.reasons, "vetoes": self.vetoes,
                "report": self.report_read, "changed": self.changed,
                "errors": [p(x) for x in self.sorted_errors()], "warnings": [p(x) for x in self.warnings]}


def rule_lines(scheme) -> list[str]:
    """The scheme's bands and its rounding rule (分数取整) for the branch filling in the form: how a
    score with a fraction meets bands written in whole points."""
    from ..schemes.model import CLASSIFICATION
    from ..schemes.rounding import rounding_text

    out = []
    if scheme.rating.note:
        out.append(f"评定标准：{scheme.rating.note}")
    if scheme.rating.kind != CLASSIFICATION:
        out.append(rounding_text(scheme.rating.rounding))
    return out


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "党支部"


def export_form(db: Database, sheet_id: str, target: str | Path) -> Path:
    """Write the branch's self-assessment form: items with 满分, a 自评分 and 说明 column to fill in,
    the veto items, the self-evaluation report, and hidden keys binding it to this round and branch."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from .figures import sheet_figures
    from .rounds import get_round
    from .sheets import open_sheet

    sheet = open_sheet(db, sheet_id)
    rnd = get_round(db, sheet.round_id)
    figures = sheet_figures(db, sheet)
    target = Path(target)
    wb = Workbook()
    ws = wb.active
    ws.title = MAIN
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    input_fill = PatternFill("solid", fgColor="FFF2CC")
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)

    ws.merge_cells("A1:G1")
    put(ws, 1, 1, f"{rnd.title} 党组织自评表")  # titles and names are the user's text
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A2:G2")
    put(ws, 2, 1, f"党组织：{sheet.org_name}　　所属：{sheet.town}　　评分方案：{sheet.scheme.name}")
    ws.merge_cells("A3:G3")
    lines = ["填写说明：只在黄色单元格填写。自评分最多保留一位小数，不得为负数，不得超过满分；“扣分”项填写扣去的分数；"
             "“是否”项填 1（是）或 0（否）。有扣分的请在“说明”列写明原因。请勿增删行列或修改编号。"]
    lines += rule_lines(sheet.scheme)
    put(ws, 3, 1, "\n".join(lines))  # a scheme's note is the user's text
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    # About 70 characters fit on a line of the merged A:G cell.
    ws.row_dimensions[3].height = 15 * sum(len(x) // 70 + 1 for x in lines) + 6
    for c, h in enumerate(HEADERS + (FIGURES_HEADER,), start=1):
        cell = ws.cell(HEADER_ROW, c, h)
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for n, it in enumerate(sheet.items, start=HEADER_ROW + 1):
        lines = figures.get(it.code, [])
        cell = put(ws, n, len(HEADERS) + 1, "\n".join(lines) or None)  # names of branches and members
        cell.border = border
        cell.alignment = wrap
        section = it.section_title if it.code == it.section_code else f"{it.section_title}：{it.title}"
        values = (it.code, section, it.standard or "", SCORING_LABELS.get(it.kind, it.kind),
                  it.max, it.self_score, it.reason or None)
        for c, v in enumerate(values, start=1):
            cell = put(ws, n, c, v)
            cell.border = border
            cell.alignment = wrap if c in (2, 3, 7) else Alignment(horizontal="center", vertical="top")
        for c in (6, 7):
            ws.cell(n, c).fill = input_fill
            ws.cell(n, c).protection = unlocked
        ws.row_dimensions[n].height = max(30, min(160, 15 * max(len(it.standard or "") // 38 + 1,
                                                                sum(len(x) // 30 + 1 for x in lines))))
        if it.kind == "yesno":
            dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1", allow_blank=True,
                                showErrorMessage=True, errorTitle="分数有误", error="“是否”项只能填 1 或 0。")
        elif it.max is not None:
            dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=fmt_num(it.max),
                                allow_blank=True, showErrorMessage=True, errorTitle="分数有误",
                                error=f"分数应在 0 到 {fmt_num(it.max)} 之间，最多一位小数。")
        else:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle="分数有误", error="分数不能为负数。")
        ws.add_data_validation(dv)
        dv.add(ws.cell(n, 6))
    for letter, width in zip("ABCDEFGH", (7, 22, 60, 9, 7, 9, 30, 42)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    wv = wb.create_sheet(VETO)
    for c, h in enumerate(VETO_HEADERS, start=1):
        cell = wv.cell(1, c, h)
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.border = border
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                            errorTitle="请选择", error="请填写“是”或“否”。")
    wv.add_data_validation(yes_no)
    for n, v in enumerate(sheet.vetoes, start=2):
        for c, value in enumerate((v.code, v.title, "是" if v.triggered else "否", v.fact or None), start=1):
            cell = put(wv, n, c, value)
            cell.border = border
            cell.alignment = wrap
        for c in (3, 4):
            wv.cell(n, c).fill = input_fill
            wv.cell(n, c).protection = unlocked
        yes_no.add(wv.cell(n, 3))
    if not sheet.vetoes:
        wv.cell(2, 1, "本方案没有否决项。")
    for letter, width in zip("ABCD", (7, 50, 16, 50)):
        wv.column_dimensions[letter].width = width
    wv.protection.sheet = True

    wr = wb.create_sheet(REPORT)
    wr["A1"], wr["B1"] = "部分", "内容（自我评价报告应客观、真实，不得漏报、瞒报、虚报、拒报）"
    for c in (wr["A1"], wr["B1"]):
        c.font = Font(bold=True)
        c.fill = head_fill
        c.border = border
    for n, (key, label) in enumerate(REPORT_PARTS, start=2):
        wr.cell(n, 1, label).alignment = wrap
        cell = put(wr, n, 2, getattr(sheet.report, key) or None)
        cell.alignment = wrap
        cell.fill = input_fill
        cell.protection = unlocked
        wr.row_dimensions[n].height = 150
        for c in (1, 2):
            wr.cell(n, c).border = border
    wr.column_dimensions["A"].width = 18
    wr.column_dimensions["B"].width = 90
    wr.protection.sheet = True

    wk = wb.create_sheet(KEY)
    for k, v in (("form", FORM_VERSION), ("round", sheet.round_id), ("sheet", sheet.id), ("org", sheet.org_id),
                 ("branch", sheet.org_name), ("year", sheet.year),
                 ("items", json.dumps([i.code for i in sheet.items])),
                 ("vetoes", json.dumps([v.code for v in sheet.vetoes]))):
        append(wk, [k, v])
    wk.sheet_state = "veryHidden"
    wb.active = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        save_file(target, wb.save)
    except OSError as e:
        raise file_error(e, target) from None
    return target


def export_forms(db: Database, round_id: str, folder: str | Path) -> list[Path]:
    """One form per branch of the round still in 自评, named after the branch."""
    from .rounds import get_round, round_branches

    rnd = get_round(db, round_id)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    branches = [b for b in round_branches(db, round_id) if b.state == "自评"]
    if not branches:
        raise UserError("没有处于自评环节的党组织，无需导出自评表。")
    names = [b.org_name for b in branches]
    out = []
    for b in branches:
        name = b.org_name if names.count(b.org_name) == 1 else f"{b.town}{b.org_name}"
        out.append(export_form(db, b.id, folder / f"{rnd.year}年自评表-{_safe_name(name)}.xlsx"))
    return out


def _text(v) -> str:
    return "" if v is None else str(v).strip()


def import_form(db: Database, path: str | Path, *, round_id: str | None = None, dry_run: bool = False,
                actor: str | None = None) -> FormImportReport:
    """Read a filled-in form; if it has no errors (and not dry_run) write every self score, reason,
    veto fact and the report in one unit of work. With errors nothing is written."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from .sheets import STAGE_STATES, open_sheet, parse_score, set_scores, set_self_report, set_veto, clear_veto

    path = Path(path)
    report = FormImportReport(path=path)
    err = report.errors.append

    def whole(problem: str, suggestion: str = "") -> FormImportReport:
        err(Problem(path.name, None, None, "", "", problem, suggestion))
        return report

    if not path.is_file():
        raise UserError(f"找不到文件：{path}")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return whole("自评表应为本程序导出的 .xlsx 文件。", "请用“导出自评表”生成的文件填写后导入。")
    try:
        check_workbook(path, "自评表", SMALL)  # a hostile or broken file is refused before openpyxl reads it
    except UserError as e:
        return whole(e.message, "请用“导出自评表”生成的文件填写后导入。")
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable workbook is the user's file problem
        return whole(f"无法打开文件（{e.__class__.__name__}），文件可能已损坏或不是 Excel 文件。")
    try:
        if KEY not in wb.sheetnames or MAIN not in wb.sheetnames:
            return whole("这不是本程序导出的党组织自评表（缺少识别信息）。",
                         "请用“导出自评表”生成的文件填写，不要另建表格或复制到新文件。")
        key = {_text(r[0]): r[1] for r in wb[KEY].iter_rows(values_only=True) if r and r[0]}
        if key.get("form") != FORM_VERSION:
            return whole("自评表的格式版本不受支持。", "请重新导出自评表。")
        sheet_id = _text(key.get("sheet"))
        row = db.get("round_branch", sheet_id)
        if row is None:
            return whole(f"自评表对应的考核表（{_text(key.get('branch'))}）在本数据库中不存在。",
                         "请确认导入到了正确的数据库。")
        report.sheet_id, report.org_name = sheet_id, row["org_name"]
        if round_id is not None and row["round_id"] != round_id:
            return whole(f"这是“{row['org_name']}”另一轮考核的自评表，与所选考核轮次不符。")
        if row["state"] not in STAGE_STATES["self"]:
            return whole(f"“{row['org_name']}”已进入“{row['state']}”环节，不能再导入自评分。")
        sheet = open_sheet(db, sheet_id)
        expected = [i.code for i in sheet.items]
        if json.loads(key.get("items") or "[]") != expected:
            return whole("自评表的考核细项与本轮考核方案不一致。", "请重新导出自评表后填写。")
        units = {i.code: i for i in sheet.items}

        ws = wb[MAIN]
        header = [_text(c) for c in next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True))]
        if tuple(header[:len(HEADERS)]) != HEADERS:
            err(Problem(MAIN, HEADER_ROW, None, "", "、".join(h for h in header if h), "表头被修改过。",
                        f"表头应为：{'、'.join(HEADERS)}"))
            return report
        seen: dict[str, int] = {}
        for n, values in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True), start=HEADER_ROW + 1):
            values = list(values) + [None] * (len(HEADERS) - len(values))
            code = _text(values[0])
            if not code and all(v in (None, "") for v in values[:7]):
                continue
            if code not in units:
                err(Problem(MAIN, n, "A", "编号", shown(values[0]), f"编号“{code}”不是本表的细项。",
                            "请勿修改编号列；请重新导出自评表。"))
                continue
            if code in seen:
                err(Problem(MAIN, n, "A", "编号", code, f"编号 {code} 重复（第{seen[code]}行已有）。",
                            "删去重复的行。"))
                continue
            seen[code] = n
            unit = units[code]
            raw = values[5]
            try:
                value = parse_score(raw, unit.max, title=f"{unit.code} {unit.title}", kind=unit.kind)
            except UserError as e:
                mx = f"0 到 {fmt_num(unit.max)}" if unit.max is not None else "不小于 0"
                err(Problem(MAIN, n, get_column_letter(6), "自评分", shown(raw), e.message,
                            f"填写 {mx} 之间的数，最多一位小数（如 8.5）。"))
                continue
            if value is None:
                report.warnings.append(Problem(MAIN, n, "F", "自评分", "", f"{code} {unit.title} 未填写自评分。",
                                               "如确实不得分请填 0。"))
            else:
                report.scores[code] = value
            reason = _text(values[6])
            if reason or unit.reason:
                report.reasons[code] = reason
            if value is not None and unit.kind == "points" and unit.max is not None and value < unit.max \
                    and not reason:
                report.warnings.append(Problem(MAIN, n, "G", "说明（扣分原因）", "",
                                               f"{code} 自评有扣分，未写扣分原因。"))
        for code in expected:
            if code not in seen:
                err(Problem(MAIN, None, "A", "编号", code, f"缺少细项 {code} {units[code].title} 的行。",
                            "请勿删除行；请重新导出自评表。"))

        if sheet.vetoes:
            if VETO not in wb.sheetnames:
                err(Problem(VETO, None, None, "", "", "缺少“否决项”工作表。", "请重新导出自评表。"))
            else:
                known = {v.code: v for v in sheet.vetoes}
                for n, values in enumerate(wb[VETO].iter_rows(min_row=2, values_only=True), start=2):
                    values = list(values) + [None] * 4
                    code = _text(values[0])
                    if not code:
                        continue
                    if code not in known:
                        err(Problem(VETO, n, "A", "编号", code, f"否决项编号“{code}”不在本方案中。",
                                    "请勿修改编号列。"))
                        continue
                    answer, fact = _text(values[2]), _text(values[3])
                    if answer in ("是", "有", "存在", "1"):
                        if not fact:
                            err(Problem(VETO, n, "D", "事实说明", "", f"否决项“{known[code].title}”选了“是”，"
                                        f"但没有写明事实。", "写明发生的时间和经过。"))
                        else:
                            report.vetoes[code] = fact
                    elif answer in ("", "否", "无", "不存在", "0"):
                        report.cleared_vetoes.append(code)
                    else:
                        err(Problem(VETO, n, "C", "是否存在（是/否）", answer, "只能填“是”或“否”。", "填“是”或“否”。"))
        if REPORT in wb.sheetnames:
            labels = dict((label, key) for key, label in REPORT_PARTS)
            for n, values in enumerate(wb[REPORT].iter_rows(min_row=2, values_only=True), start=2):
                values = list(values) + [None, None]
                part = labels.get(_text(values[0]))
                if part:
                    report.report[part] = _text(values[1])
            report.report_read = any(report.report.values())
        if not report.report_read:
            report.warnings.append(Problem(REPORT, None, None, "", "", "没有填写自我评价报告。",
                                           "自我评价报告应包括自我评价情况、存在问题及原因、整改措施及下步打算。"))
    finally:
        wb.close()
    if report.errors or dry_run:
        return report
    with db.transaction(f"导入自评表 {report.org_name}", actor=actor):
        report.changed = set_scores(db, sheet_id, "self", report.scores,
                                    reasons={c: r for c, r in report.reasons.items()}, actor=actor)
        for code, fact in report.vetoes.items():
            set_veto(db, sheet_id, code, fact, actor=actor)
        for code in report.cleared_vetoes:
            clear_veto(db, sheet_id, code, actor=actor)
        if report.report_read:
            set_self_report(db, sheet_id, **report.report, actor=actor)
    report.written = True
    return report

