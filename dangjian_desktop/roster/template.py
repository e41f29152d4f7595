"""A blank 花名册 import template: the columns, drop-down lists for code-table columns, ID and
date columns formatted as text, and a sheet of instructions."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import UserError
from ..filesave import save_file
from ..registry import codes
from ..registry.orgs import KINDS
from ..xlsx_safe import put
from .columns import spec
from .export import HEADER_ROW, SHEET_TITLE, TITLE_ROW, UNIT_ROW, Styles, setup_page
from .reader import column_letter

TEMPLATE_ROWS = 1000
CODE_SHEET = "代码表"
HELP_SHEET = "填写说明"

_HINTS = {
    "seq": "可不填",
    "name": "必填。两个字的姓名中间不要加空格（导入时会自动去掉）",
    "sex": "可不填，按身份证号自动判断；填写时须与身份证号一致",
    "ethnicity": "从下拉列表选择，如“汉族”；暂不清楚可空着，导入后列入“信息不全”，以后补全",
    "birth_date": "可不填，按身份证号自动填写；填写时须与身份证号一致",
    "id_number": "必填，18位。本列已设为文本格式，请勿改为数字格式，否则后几位会丢失",
    "education": "从下拉列表选择；可暂缺，以后补全",
    "join_date": "必填。如2001-07-01；只知道月份时写2001-07",
    "full_date": "正式党员填写，须晚于入党日期；预备党员不填",
    "category": "必填：正式党员或预备党员",
    "person_class": "从下拉列表选择",
    "job": "从下拉列表选择",
    "workplace": "",
    "phone": "11位手机号或“区号-号码”",
    "address": "",
    "branch": "党员所在的党支部全称，须是组织台账中已有的党支部（或导入时选择自动新建）",
    "group": "可不填；填写时须是该党支部下的党小组",
    "is_mobile": "是 或 否",
    "mobile_whereabouts": "流动党员必填：流动去向",
    "is_hardship": "是 或 否",
    "note": "",
}
_REQUIRED = {"name", "id_number", "join_date", "category", "branch"}

_RULES = [
    "1. 每行一名党员，从表头下一行开始填写；表头（第3行）请勿修改。",
    "2. 身份证号、日期列已设为“文本”格式。身份证号若被Excel存成数字，后几位会丢失，导入时会报错。",
    "3. 日期写作2001-07-01、2001年7月1日或2001/7/1；只知道月份时写2001-07或2001.07，不要编造日期。"
    "不要写两位年份（如01.7.1）。",
    "4. 导入时逐行检查：身份证号校验位、出生日期和性别与身份证号是否一致、入党时是否年满18周岁、"
    "转正日期是否晚于入党日期、代码表中的取值、文件内和数据库中是否重复。",
    "5. 只要有一处错误，整个文件都不会导入；程序会列出每处错误所在的工作表、行号、列和修改建议。",
    "6. 已登记的党员按身份证号识别，重复导入不会重复登记；信息有变化时会列出差异，确认后才修改。",
    "7. 可以每个党支部一个工作表（工作表名写党支部名称），也可以全部放在一个工作表中并填写“所在党支部”列。",
    "8. 表格最下方的“合计”“制表人”“审核人”等行会被自动跳过。",
]


def write_template(path: str | Path, *, branches: Sequence[str] = ()) -> Path:
    """Save the template; `branches` (names) become the drop-down list of 所在党支部."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError("模板请保存为 .xlsx 文件")
    cols = spec().layout
    st = Styles()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    last = column_letter(len(cols) - 1)
    ws.cell(TITLE_ROW, 1, "党员花名册").font = st.title
    ws.cell(TITLE_ROW, 1).alignment = st.center
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.row_dimensions[TITLE_ROW].height = 30
    ws.cell(UNIT_ROW, 1, "填报单位：").font = st.unit
    ws.merge_cells(f"A{UNIT_ROW}:{last}{UNIT_ROW}")
    first, end = HEADER_ROW + 1, HEADER_ROW + TEMPLATE_ROWS

    codes_ws = wb.create_sheet(CODE_SHEET)
    lists: dict[str, str] = {}
    code_cols = [c for c in cols if c.code] + ([None] if branches else [])
    for j, c in enumerate(code_cols):
        values = list(codes.values(c.code)) if c else list(branches)
        letter = column_letter(j)
        put(codes_ws, 1, j + 1, c.label if c else "所在党支部")
        for k, v in enumerate(values, start=2):
            put(codes_ws, k, j + 1, v)  # branch names are the user's text
        # A workbook-level name for each list: Excel (2007 too) accepts it in data validation.
        name = f"list_{c.field if c else 'branch'}"
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{CODE_SHEET}'!${letter}$2:${letter}${len(values) + 1}")
        lists[c.field if c else "branch"] = name
    codes_ws.sheet_state = "hidden"

    for i, c in enumerate(cols):
        letter = column_letter(i)
        h = ws.cell(HEADER_ROW, i + 1, c.label)
        h.font = st.header_required if c.field in _REQUIRED else st.header
        h.fill = st.header_fill
        h.border = st.border
        h.alignment = st.center
        hint = _HINTS.get(c.field, "")
        if hint:
            h.comment = Comment(hint, "党建台账", width=220, height=80)
        ws.column_dimensions[letter].width = c.width
        if c.text or c.date:
            ws.column_dimensions[letter].number_format = "@"
            for r in range(first, end + 1):
                ws.cell(r, i + 1).number_format = "@"
        formula = lists.get(c.field)
        if c.flag:
            formula = '"是,否"'
        if formula:
            # A branch not yet in the registry may be typed (it can be created on import).
            style = "warning" if c.field == "branch" else "stop"
            dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                errorStyle=style, errorTitle="请从列表中选择",
                                error=f"{c.label}请从下拉列表中选择" + ("；新的党支部请在导入时选择自动新建"
                                                                       if c.field == "branch" else ""))
            dv.add(f"{letter}{first}:{letter}{end}")
            ws.add_data_validation(dv)
    setup_page(ws, len(cols))

    help_ws = wb.create_sheet(HELP_SHEET, 1)
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["B"].width = 10
    help_ws.column_dimensions["C"].width = 80
    help_ws.cell(1, 1, "花名册导入说明").font = st.title
    row = 3
    for line in _RULES:
        help_ws.cell(row, 1, line).alignment = Alignment(wrap_text=False)
        row += 1
    row += 1
    for k, text in enumerate(("列名", "是否必填", "填写要求")):
        help_ws.cell(row, k + 1, text).font = Font(bold=True)
    for c in cols:
        row += 1
        help_ws.cell(row, 1, f"【{c.label}】")
        help_ws.cell(row, 2, "必填" if c.field in _REQUIRED else "")
        help_ws.cell(row, 3, _HINTS.get(c.field, "")).alignment = Alignment(wrap_text=True)
    row += 2
    help_ws.cell(row, 1, f"支部类别（自动新建党支部时使用，可在表格末尾增加“支部类别”列）：{'、'.join(KINDS)}")
    wb.active = 0
    try:
        save_file(path, wb.save)
    except PermissionError:
        raise UserError(f"无法写入“{path.name}”：文件可能正在Excel中打开，请关闭后再试") from None
    return path
