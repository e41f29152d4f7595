"""Scheme <-> Excel workbook that county staff can edit (one sheet per part of the scheme).

Export then import gives back the same scheme. Import reads the sheets by their
header names (columns may be moved), and reports every problem in Chinese naming
the sheet, the row and the column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import UserError
from ..filesave import save_file
from ..xlsx_guard import SMALL, check_workbook
from ..xlsx_safe import append
from . import model as m
from .model import Scheme
from .validate import ERROR, check

SHEET_HELP = "填写说明"
SHEET_INFO = "方案信息"
SHEET_ITEMS = "评分细则"
SHEET_LEVELS = "评定规则"
SHEET_VETOES = "否决项"
SHEET_QUOTAS = "名额"
SHEET_BONUSES = "加分"
SHEET_CONSEQ = "后果"
SHEET_RESOLUTIONS = "处理说明"

ITEM_COLS = ["部分编号", "部分名称", "部分满分", "得星分数线", "细项编号", "考核要求", "细项内容", "分值",
             "计分方式", "考核标准", "佐证材料"]
LEVEL_COLS = ["等次", "最低分（含）", "星数", "全称"]
VETO_COLS = ["编号", "内容", "说明", "数据核对"]
QUOTA_COLS = ["编号", "适用等次", "上限或下限", "个数", "比例（%）", "范围", "例外乡镇", "强制", "说明"]
BONUS_COLS = ["等次", "加分"]
CONSEQ_COLS = ["编号", "条件", "等次", "最少连续年数", "最多连续年数", "星数", "内容"]
RES_COLS = ["问题键", "处理方式", "当前问题（导出时生成，导入时不读）"]

INFO_ROWS = [  # label, hint
    ("编号", "方案编号：小写英文字母、数字、- 或 _；导入后若与内置方案同号，会自动改为新编号"),
    ("名称", "方案名称"),
    ("年度", "适用年度（整数，可空）"),
    ("版本", "文号或版本（可空）"),
    ("来源文件", "所依据文件的标题"),
    ("发文单位", ""),
    ("发文日期", "如 2016-12-02"),
    ("所在部分", "文件中的章节（可空）"),
    ("原始文件", ""),
    ("评定对象", "如 党支部、村(社区)党组织"),
    ("总分", "满分（可空：等于各部分满分之和）"),
    ("评定方式", "分数线 / 按部分计星 / 分类评定"),
    ("得星分数线", "按部分计星时，每部分达到此分得一星"),
    ("否决后评定", "有否决项时的评定结果，如 不合格；空：否决只取消表彰"),
    ("表彰名称", "如 六有党支部（可空）"),
    ("表彰适用等次", "用“、”分隔"),
    ("否决取消表彰", "是 / 否"),
    ("评定规则说明", "文件中关于评定的原文"),
    ("分数取整", "带小数的分数如何对照整数分数线：去尾（不足1分的部分不计） / 四舍五入到整数分"),
    ("否决项可补充", "是 / 否（文件列举后写“等等”的为是）"),
    ("备注", "每条备注占一行，可以有多行“备注”"),
]

HELP_TEXT = [
    "本工作簿是一份评分方案（考核细则），可以直接修改后在“评分方案”中导入。",
    "",
    "【方案信息】方案编号、名称、来源、总分和评定方式；“备注”可写多行。",
    "【评分细则】按文件顺序填写：先写一行“部分”（填部分编号、部分名称、部分满分），"
    "其下每行一个细项（填部分编号、细项编号、细项内容、分值）。没有细项的部分按整体打分。",
    "　计分方式：得分（填得到的分数）、扣分（填扣除的分数，得分 = 分值 − 扣分）、是否（满分或 0 分）。",
    "【评定规则】等次从高到低排列；“最低分（含）”写分数线，如 95 表示 95 分及以上。"
    "最低一档写 0。星级方案写星数。按部分计星时不写最低分，只写星数。",
    "【否决项】一票否决情形，编号不能重复。“数据核对”（可空）：程序据台账提出该否决项供审核人确认，"
    "可填 书记空缺（核对组织台账）、书记空缺满一年（核对组织台账）、任期届满未按期换届（核对组织台账）、某细项得0分:细项编号。",
    "【名额】上限如“五星不超过15%”，下限（目标）如“每镇至少1个”；个数和比例只写一个；"
    "例外乡镇写成“文城镇:5”，多个用“；”分隔；强制填 是 / 否。",
    "【加分】各等次的年度党建考核加分。",
    "【后果】条件：连续评为（写等次和连续年数）、评为（写等次）、星级不高于（写星数）、减星、全镇连续无表彰（写年数）。",
    "【处理说明】文件数字不一致时如何处理；“问题键”与检查结果对应，请勿随意修改。",
    "",
    "分数可以有小数（如 0.5 分）。不要修改各工作表第一行的列名。",
]

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
_SECTION_FONT = Font(bold=True)
_SECTION_FILL = PatternFill("solid", fgColor="FCE4D6")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def _yn(v: bool) -> str:
    return "是" if v else "否"


def _join(values) -> str | None:
    return "、".join(values) or None


def _table(ws, headers: list[str], rows: list[list[Any]], widths: list[int], wrap: set[int] = frozenset()):
    ws.append(headers)
    for c in ws[1]:
        c.font, c.fill = _HEAD_FONT, _HEAD_FILL
    for r in rows:
        append(ws, r)
    for n, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(n)].width = w
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = _WRAP if c.column - 1 in wrap else _TOP
    ws.freeze_panes = "A2"


def _choice(ws, col: int, options: list[str], rows: int = 500):
    dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="输入有误", error="请从下拉列表中选择：" + "、".join(options))
    letter = get_column_letter(col)
    dv.add(f"{letter}2:{letter}{rows}")
    ws.add_data_validation(dv)


def export_xlsx(scheme: Scheme, path: str | Path) -> Path:
    """Write the scheme as an editable workbook (atomically: a half-written file never appears)."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_HELP
    for line in HELP_TEXT:
        ws.append([line])
    ws.column_dimensions["A"].width = 110
    for row in ws.iter_rows():
        row[0].alignment = Alignment(wrap_text=True)

    rule = scheme.rating
    src = scheme.source
    values = {
        "编号": scheme.id, "名称": scheme.name, "年度": scheme.year, "版本": scheme.version,
        "来源文件": src.title, "发文单位": src.issuer, "发文日期": src.date, "所在部分": src.part,
        "原始文件": src.file, "评定对象": scheme.unit, "总分": scheme.total_max,
        "评定方式": m.RULE_LABELS.get(rule.kind, rule.kind), "得星分数线": rule.bar,
        "否决后评定": rule.veto_rating, "表彰名称": rule.award.name if rule.award else None,
        "表彰适用等次": _join(rule.award.levels) if rule.award else None,
        "否决取消表彰": _yn(rule.award.revoked_by_veto) if rule.award else None,
        "评定规则说明": rule.note, "否决项可补充": _yn(scheme.vetoes_open),
        "分数取整": m.ROUNDING_LABELS.get(rule.rounding, rule.rounding),
    }
    ws = wb.create_sheet(SHEET_INFO)
    rows = [[label, values[label], hint] for label, hint in INFO_ROWS if label != "备注"]
    rows += [["备注", note, ""] for note in scheme.notes]
    _table(ws, ["项目", "内容", "填写提示"], rows, [16, 80, 50], wrap={1, 2})

    ws = wb.create_sheet(SHEET_ITEMS)
    rows, section_rows = [], []
    for s in scheme.sections:
        section_rows.append(len(rows) + 2)
        rows.append([s.code, s.title, s.max, s.star_bar, None, None, None, None,
                     m.SCORING_LABELS.get(s.kind, s.kind), s.standard, s.evidence])
        for i in s.items:
            rows.append([s.code, None, None, None, i.code, i.group, i.title, i.max,
                         m.SCORING_LABELS.get(i.kind, i.kind), i.standard, i.evidence])
    _table(ws, ITEM_COLS, rows, [9, 18, 9, 10, 9, 16, 50, 7, 9, 50, 30], wrap={1, 5, 6, 9, 10})
    for r in section_rows:
        for c in ws[r]:
            c.font, c.fill = _SECTION_FONT, _SECTION_FILL
    _choice(ws, ITEM_COLS.index("计分方式") + 1, list(m.SCORING_LABELS.values()))

    ws = wb.create_sheet(SHEET_LEVELS)
    _table(ws, LEVEL_COLS, [[lv.name, lv.min, lv.stars, lv.label] for lv in rule.levels], [14, 14, 8, 30])

    ws = wb.create_sheet(SHEET_VETOES)
    _table(ws, VETO_COLS, [[v.code, v.title, v.note, m.check_label(v.check)] for v in scheme.vetoes],
           [8, 70, 30, 30], wrap={1, 2})

    ws = wb.create_sheet(SHEET_QUOTAS)
    _table(ws, QUOTA_COLS, [[q.code, _join(q.ratings), m.BOUND_LABELS.get(q.bound, q.bound), q.count, q.percent,
                             m.SCOPE_LABELS.get(q.scope, q.scope),
                             "；".join(f"{t}:{n}" for t, n in q.exceptions.items()) or None, _yn(q.enforced), q.note]
                            for q in scheme.quotas], [8, 16, 11, 8, 10, 8, 20, 8, 60], wrap={8})
    _choice(ws, 3, list(m.BOUND_LABELS.values()))
    _choice(ws, 6, list(m.SCOPE_LABELS.values()))
    _choice(ws, 8, ["是", "否"])

    ws = wb.create_sheet(SHEET_BONUSES)
    _table(ws, BONUS_COLS, [[k, v] for k, v in scheme.bonuses.items()], [14, 10])

    ws = wb.create_sheet(SHEET_CONSEQ)
    _table(ws, CONSEQ_COLS, [[c.code, m.CONDITION_LABELS.get(c.kind, c.kind), _join(c.ratings), c.min_years,
                              c.max_years, c.stars, c.title] for c in scheme.consequences],
           [8, 16, 16, 12, 12, 8, 80], wrap={6})
    _choice(ws, 2, list(m.CONDITION_LABELS.values()))

    ws = wb.create_sheet(SHEET_RESOLUTIONS)
    current = {f.key: f.message for f in check(scheme)}
    _table(ws, RES_COLS, [[r.key, r.text, current.get(r.key, "（已无此问题）")] for r in scheme.resolutions],
           [22, 70, 60], wrap={1, 2})

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        save_file(path, wb.save)
    except PermissionError:
        raise UserError(f"无法写入 {path.name}：文件可能正被 Excel 打开，请关闭后重试。") from None
    return path


# ---- import ---------------------------------------------------------------------------

class SchemeImportError(UserError):
    """Every problem found in a workbook, each naming sheet, row and column."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("评分方案 Excel 有误，未导入：\n" + "\n".join(f"  - {p}" for p in self.problems))


class _Sheet:
    """Rows of one sheet as {header: value}, with converters that record problems."""

    def __init__(self, wb, name: str, headers: list[str], problems: list[str], required: bool = True,
                 optional_headers: tuple[str, ...] = ()):
        self.name = name
        self.problems = problems
        self.rows: list[tuple[int, dict[str, Any]]] = []
        if name not in wb.sheetnames:
            if required:
                problems.append(f"缺少工作表“{name}”。")
            return
        ws = wb[name]
        it = ws.iter_rows(values_only=True)
        head = next(it, None) or ()
        index: dict[str, int] = {}
        for n, h in enumerate(head):
            if isinstance(h, str) and h.strip():
                index[h.strip()] = n
        missing = [h for h in headers if h not in index and h not in optional_headers]
        if missing:
            problems.append(f"工作表“{name}”第 1 行缺少列：{'、'.join(missing)}（请不要修改列名）。")
            return
        for rn, row in enumerate(it, start=2):
            rec = {h: (row[index[h]] if h in index and index[h] < len(row) else None) for h in headers}
            rec = {k: (v.strip() if isinstance(v, str) else v) for k, v in rec.items()}
            rec = {k: (None if v == "" else v) for k, v in rec.items()}
            if all(v is None for v in rec.values()):
                continue
            self.rows.append((rn, rec))

    def bad(self, row: int, col: str, msg: str):
        self.problems.append(f"工作表“{self.name}”第 {row} 行“{col}”列：{msg}")

    def text(self, row: int, rec: dict, col: str, required: bool = False) -> str | None:
        v = rec.get(col)
        if v is None:
            if required:
                self.bad(row, col, "不能为空。")
            return None
        if isinstance(v, bool):
            return "是" if v else "否"
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v)

    def code(self, row: int, rec: dict, col: str, required: bool = True) -> str | None:
        return self.text(row, rec, col, required)

    def number(self, row: int, rec: dict, col: str, required: bool = False, integer: bool = False):
        v = rec.get(col)
        if v is None:
            if required:
                self.bad(row, col, "不能为空。")
            return None
        if isinstance(v, str):
            t = v.replace("分", "").replace("％", "").replace("%", "").strip()
            try:
                v = float(t) if re.fullmatch(r"-?\d+(\.\d+)?", t) else None
            except ValueError:
                v = None
            if v is None:
                self.bad(row, col, f"“{rec.get(col)}”不是数字。")
                return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.bad(row, col, f"“{v}”不是数字。")
            return None
        if v != v or abs(v) > m.MAX_NUMBER:
            self.bad(row, col, f"数值过大（不能超过 {m.MAX_NUMBER}）。")
            return None
        n = m.norm_number(v)
        if integer and not isinstance(n, int):
            self.bad(row, col, f"“{v}”应为整数。")
            return None
        return n

    def boolean(self, row: int, rec: dict, col: str, default: bool) -> bool:
        v = rec.get(col)
        if v is None:
            return default
        if isinstance(v, bool):
            return v
        t = str(v).strip().lower()
        if t in ("是", "true", "1", "y", "yes"):
            return True
        if t in ("否", "false", "0", "n", "no"):
            return False
        self.bad(row, col, f"“{v}”应填“是”或“否”。")
        return default

    def label(self, row: int, rec: dict, col: str, labels: dict[str, str], default: str | None) -> str | None:
        v = rec.get(col)
        if v is None:
            if default is None:
                self.bad(row, col, "不能为空。")
            return default
        k = m.label_to_kind(labels, str(v))
        if k is None:
            self.bad(row, col, f"“{v}”无法识别，可选：{'、'.join(labels.values())}。")
            return default
        return k

    def names(self, row: int, rec: dict, col: str) -> list[str]:
        v = self.text(row, rec, col)
        if not v:
            return []
        return [x.strip() for x in re.split(r"[、,，;；\n]", v) if x.strip()]


def _info_sheet(wb, problems: list[str]) -> tuple[_Sheet, dict[str, tuple[int, dict]], list[str]]:
    """方案信息: label -> (row, {"内容": value}); notes are the repeated 备注 rows."""
    sh = _Sheet(wb, SHEET_INFO, ["项目", "内容"], problems)
    known = {label for label, _ in INFO_ROWS}
    values: dict[str, tuple[int, dict]] = {}
    notes: list[str] = []
    for rn, rec in sh.rows:
        label = sh.text(rn, rec, "项目")
        if label is None:
            sh.bad(rn, "项目", "不能为空。")
        elif label not in known:
            sh.bad(rn, "项目", f"“{label}”无法识别（可用：{'、'.join(lb for lb, _ in INFO_ROWS)}）。")
        elif label == "备注":
            if (t := sh.text(rn, rec, "内容")) is not None:
                notes.append(t)
        elif label in values:
            sh.bad(rn, "项目", f"“{label}”与第 {values[label][0]} 行重复。")
        else:
            values[label] = (rn, {"内容": rec.get("内容")})
    return sh, values, notes


def import_xlsx(path: str | Path, *, strict: bool = True) -> Scheme:
    """Read a workbook written by export_xlsx (and edited by hand).

    Raises SchemeImportError listing every problem (sheet, row, column). With `strict`,
    the validator's errors are refused too; its disagreements (不一致) are allowed.
    """
    path = Path(path)
    try:
        check_workbook(path, "评分方案", SMALL)  # a hostile or broken file is refused before openpyxl reads it
    except UserError as e:
        raise UserError(e.message, exit_code=2) from None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise UserError(f"找不到文件：{path}", exit_code=2) from None
    except Exception as e:  # openpyxl raises many types for a non-workbook
        raise UserError(f"无法打开 {path.name}：不是有效的 Excel 工作簿（.xlsx）。（{type(e).__name__}）",
                        exit_code=2) from None
    try:
        return _import(wb, strict)
    except ET.ParseError:  # a sheet's XML is damaged (read-only sheets are parsed row by row)
        raise UserError(f"无法读取 {path.name}：文件已损坏（工作表内容无法解析）。请用Excel打开修复后另存。",
                        exit_code=2) from None
    finally:
        wb.close()


def _import(wb, strict: bool) -> Scheme:
    problems: list[str] = []
    info, values, notes = _info_sheet(wb, problems)

    def iv(label: str, conv: str, *args, required: bool = False, **kw):
        if label not in values:
            if required and info.name in wb.sheetnames:
                problems.append(f"工作表“{SHEET_INFO}”缺少“{label}”一行。")
            return getattr(info, conv)(0, {"内容": None}, "内容", *args, **kw) if conv in ("boolean", "label") \
                else None
        rn, rec = values[label]
        return getattr(info, conv)(rn, rec, "内容", *args, **kw)

    scheme_id = iv("编号", "text", True, required=True)
    name = iv("名称", "text", True, required=True)
    year = iv("年度", "number", integer=True)
    total_max = iv("总分", "number")
    kind = iv("评定方式", "label", m.RULE_LABELS, m.THRESHOLDS, required=True)
    bar = iv("得星分数线", "number")
    award_name = iv("表彰名称", "text")
    award_levels = iv("表彰适用等次", "names") or []
    revoked = iv("否决取消表彰", "boolean", True)
    vetoes_open = iv("否决项可补充", "boolean", False)
    if award_levels and not award_name:
        problems.append(f"工作表“{SHEET_INFO}”：写了“表彰适用等次”，但没有“表彰名称”。")

    # sections and items
    sh = _Sheet(wb, SHEET_ITEMS, ITEM_COLS, problems)
    sections: list[m.Section] = []
    by_code: dict[str, m.Section] = {}
    seen_codes: dict[str, tuple[str, int]] = {}
    current: m.Section | None = None

    def claim(code: str, rn: int, col: str):
        if code in seen_codes:
            where = seen_codes[code]
            sh.bad(rn, col, f"编号“{code}”与第 {where[1]} 行重复。")
        else:
            seen_codes[code] = (col, rn)

    for rn, rec in sh.rows:
        item_code = sh.code(rn, rec, "细项编号", required=False)
        sec_code = sh.code(rn, rec, "部分编号", required=False)
        if item_code is None:
            if sec_code is None:
                sh.bad(rn, "部分编号", "部分行须填部分编号；细项行须填细项编号。")
                continue
            claim(sec_code, rn, "部分编号")
            current = m.Section(
                code=sec_code, title=sh.text(rn, rec, "部分名称", required=True) or "",
                max=sh.number(rn, rec, "部分满分"), kind=sh.label(rn, rec, "计分方式", m.SCORING_LABELS, m.POINTS),
                standard=sh.text(rn, rec, "考核标准"), evidence=sh.text(rn, rec, "佐证材料"),
                star_bar=sh.number(rn, rec, "得星分数线"))
            for col in ("细项内容", "分值", "考核要求"):
                if rec.get(col) is not None:
                    sh.bad(rn, col, "部分行（细项编号为空）不填此列；若是细项，请填写细项编号。")
            if sec_code not in by_code:
                by_code[sec_code] = current
                sections.append(current)
            continue
        owner = by_code.get(sec_code) if sec_code is not None else current
        if owner is None:
            sh.bad(rn, "部分编号", f"细项“{item_code}”所属的部分" +
                   (f"“{sec_code}”尚未定义（部分行须写在其细项之前）。" if sec_code else "不明：请先写一行部分。"))
            continue
        claim(item_code, rn, "细项编号")
        for col in ("部分名称", "部分满分", "得星分数线"):
            if rec.get(col) is not None:
                sh.bad(rn, col, "细项行不填此列（部分的信息写在部分行）。")
        owner.items.append(m.Item(
            code=item_code, title=sh.text(rn, rec, "细项内容", required=True) or "",
            max=sh.number(rn, rec, "分值", required=kind != m.CLASSIFICATION),
            kind=sh.label(rn, rec, "计分方式", m.SCORING_LABELS, m.POINTS),
            group=sh.text(rn, rec, "考核要求"), standard=sh.text(rn, rec, "考核标准"),
            evidence=sh.text(rn, rec, "佐证材料")))

    sh = _Sheet(wb, SHEET_LEVELS, LEVEL_COLS, problems)
    levels = [m.Level(name=sh.text(rn, r, "等次", True) or "", min=sh.number(rn, r, "最低分（含）"),
                      stars=sh.number(rn, r, "星数", integer=True), label=sh.text(rn, r, "全称"))
              for rn, r in sh.rows]

    sh = _Sheet(wb, SHEET_VETOES, VETO_COLS, problems, required=False, optional_headers=("数据核对",))
    vetoes = []
    veto_rows: dict[str, int] = {}
    for rn, r in sh.rows:
        code = sh.code(rn, r, "编号")
        if code in veto_rows:
            sh.bad(rn, "编号", f"否决项编号“{code}”与第 {veto_rows[code]} 行重复。")
        elif code:
            veto_rows[code] = rn
        vetoes.append(m.Veto(code=code or "", title=sh.text(rn, r, "内容", True) or "", note=sh.text(rn, r, "说明"),
                             check=m.check_from_label(sh.text(rn, r, "数据核对"))))

    sh = _Sheet(wb, SHEET_QUOTAS, QUOTA_COLS, problems, required=False)
    quotas = []
    for rn, r in sh.rows:
        exceptions: dict[str, int] = {}
        for part in sh.names(rn, r, "例外乡镇"):
            mt = re.fullmatch(r"(.+?)\s*[:：]\s*(\d+)\s*个?", part)
            if not mt:
                sh.bad(rn, "例外乡镇", f"“{part}”应写成“镇名:个数”，如 文城镇:5。")
                continue
            exceptions[mt.group(1).strip()] = int(mt.group(2))
        quotas.append(m.Quota(
            code=sh.code(rn, r, "编号") or "", ratings=sh.names(rn, r, "适用等次"),
            bound=sh.label(rn, r, "上限或下限", m.BOUND_LABELS, m.BOUND_MAX),
            count=sh.number(rn, r, "个数", integer=True), percent=sh.number(rn, r, "比例（%）"),
            scope=sh.label(rn, r, "范围", m.SCOPE_LABELS, m.SCOPE_ALL), exceptions=exceptions,
            enforced=sh.boolean(rn, r, "强制", False), note=sh.text(rn, r, "说明")))

    sh = _Sheet(wb, SHEET_BONUSES, BONUS_COLS, problems, required=False)
    bonuses: dict[str, m.Number] = {}
    for rn, r in sh.rows:
        k = sh.text(rn, r, "等次", True)
        v = sh.number(rn, r, "加分", required=True)
        if k in bonuses:
            sh.bad(rn, "等次", f"“{k}”重复出现。")
        elif k is not None and v is not None:
            bonuses[k] = v

    sh = _Sheet(wb, SHEET_CONSEQ, CONSEQ_COLS, problems, required=False)
    consequences = [m.Consequence(
        code=sh.code(rn, r, "编号") or "", title=sh.text(rn, r, "内容", True) or "",
        kind=sh.label(rn, r, "条件", m.CONDITION_LABELS, None) or "", ratings=sh.names(rn, r, "等次"),
        min_years=sh.number(rn, r, "最少连续年数", integer=True), max_years=sh.number(rn, r, "最多连续年数", integer=True),
        stars=sh.number(rn, r, "星数", integer=True)) for rn, r in sh.rows]

    sh = _Sheet(wb, SHEET_RESOLUTIONS, RES_COLS[:2], problems, required=False)
    resolutions = [m.Resolution(key=sh.text(rn, r, "问题键", True) or "", text=sh.text(rn, r, "处理方式", True) or "")
                   for rn, r in sh.rows]

    if problems:
        raise SchemeImportError(problems)

    scheme = Scheme(
        id=scheme_id, name=name, year=year, version=iv("版本", "text"),
        source=m.Source(title=iv("来源文件", "text"), issuer=iv("发文单位", "text"), date=iv("发文日期", "text"),
                        part=iv("所在部分", "text"), file=iv("原始文件", "text")),
        unit=iv("评定对象", "text"), total_max=total_max, sections=sections,
        rating=m.RatingRule(kind=kind, levels=levels, bar=bar, veto_rating=iv("否决后评定", "text"),
                            award=m.Award(award_name, award_levels, revoked) if award_name else None,
                            note=iv("评定规则说明", "text"),
                            rounding=iv("分数取整", "label", m.ROUNDING_LABELS, m.DEFAULT_ROUNDING)),
        vetoes=vetoes, vetoes_open=vetoes_open, quotas=quotas, bonuses=bonuses, consequences=consequences,
        notes=notes, resolutions=resolutions)
    if strict:
        bad = [f for f in check(scheme) if f.severity == ERROR]
        if bad:
            raise SchemeImportError([f"{_sheet_of(f.key)}{f.message}" for f in bad])
    return scheme


def _sheet_of(key: str) -> str:
    prefix = key.split(":", 1)[0]
    sheet = {
        "id": SHEET_INFO, "rule_kind": SHEET_INFO, "total_max": SHEET_INFO, "veto_rating": SHEET_INFO,
        "award_level": SHEET_INFO, "no_sections": SHEET_ITEMS, "dup_code": SHEET_ITEMS, "kind": SHEET_ITEMS,
        "max": SHEET_ITEMS, "dup_veto": SHEET_VETOES, "dup_quota": SHEET_QUOTAS, "quota": SHEET_QUOTAS,
        "dup_consequence": SHEET_CONSEQ, "consequence": SHEET_CONSEQ, "bonus": SHEET_BONUSES,
        "rounding": SHEET_INFO, "veto_check": SHEET_VETOES,
    }.get(prefix, SHEET_LEVELS if prefix.startswith(("level", "dup_level", "bar")) else None)
    return f"工作表“{sheet}”：" if sheet else ""
