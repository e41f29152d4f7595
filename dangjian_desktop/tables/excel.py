"""Tables to Excel: one sheet per table, laid out like the 党内统计 forms.

    title (merged, bold)
    填报单位：…                     统计时间：…        (when given)
    header row                                          (frozen, filtered, printed on every page)
    rows: numbers as numbers, ID numbers and dates as text, user text never a formula
    注：…                                               (notes)
    填表人：        审核人：        填报日期：            (when the table asks for it)

Written in openpyxl's write-only mode, so 30,000 rows stream through.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

from ..roster.reader import column_letter
from ..progress import Progress
from ..xlsx_safe import StyledCells, removes_rows_on_failure, streamed_workbook
from .model import DATE, EXACT, NUMBER, PERCENT, Col, Table, at_text, iso_date

FONT_NAME = "宋体"
# Wider than this many characters (the sum of the columns): printed landscape.
LANDSCAPE_FROM = 95
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


class _Styles:
    def __init__(self):
        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(name=FONT_NAME, size=16, bold=True)
        self.line = Font(name=FONT_NAME, size=10.5)
        self.header = Font(name=FONT_NAME, size=10.5, bold=True)
        self.body = Font(name=FONT_NAME, size=10.5)
        self.muted = Font(name=FONT_NAME, size=10.5, italic=True, color="808080")  # a provisional row
        self.fill = PatternFill("solid", fgColor="D9E1F2")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center")
        self.plain_left = Alignment(horizontal="left", vertical="center")
        self.plain_right = Alignment(horizontal="right", vertical="center")


def sheet_names(tables: Sequence[Table]) -> list[str]:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    out: list[str] = []
    for t in tables:
        base = _BAD_SHEET_CHARS.sub("_", (t.sheet_name or t.title or "表").strip())[:31].strip("'") or "表"
        name, k = base, 2
        while name.lower() in (n.lower() for n in out):
            suffix = f"({k})"
            name, k = base[:31 - len(suffix)] + suffix, k + 1
        out.append(name)
    return out


#: How a date cell shows: 2026年3月1日 (the value itself a date).
DATE_FORMAT = 'yyyy"年"m"月"d"日"'


def _number_format(col: Col, value: Any) -> str | None:
    if col.kind == PERCENT:
        return "0.0%"
    if col.decimals is not None:
        return "0" if col.decimals == 0 else "0." + "0" * col.decimals
    if isinstance(value, float) and not value.is_integer():
        return "0.0#"
    return None


def _body_cell(cell, value: Any, col: Col, st: _Styles, font: Font | None = None):
    """One value kept as its kind says: numbers numeric, exact text and dates as text cells.
    `cell`: the sheet's StyledCells.cell."""
    body = font or st.body
    if value is None or value == "":
        return cell(None, body, st.center, st.border)
    if col.kind in (NUMBER, PERCENT):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return cell(value, body, st.right, st.border, number_format=_number_format(col, value))
        return cell(str(value), body, st.center, st.border)  # —, 免评: text in a number column
    if col.kind == DATE:
        # A real date (sorts and filters as one), shown as 2026年3月1日; a text that is no ISO date
        # (a month, 2026-03) stays text.
        text = iso_date(value)
        try:
            day = dt.date.fromisoformat(text[:10]) if len(text) >= 10 else None
        except ValueError:
            day = None
        if day is None:
            return cell(text, body, st.center, st.border, number_format="@")
        return cell(day, body, st.center, st.border, number_format=DATE_FORMAT)
    if col.kind == EXACT:
        return cell(str(value), body, st.center, st.border, number_format="@")
    if isinstance(value, bool):
        value = "是" if value else "否"
    elif not isinstance(value, str):
        value = str(value)
    return cell(value, body, st.left, st.border)


def _setup_page(ws, widths: list[float], header_row: int) -> None:
    ws.page_setup.orientation = "landscape" if sum(widths) > LANDSCAPE_FROM else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.freeze_panes = f"A{header_row + 1}"


PROGRESS_ROWS = 2000  # rows between two progress reports


def write_sheet(wb: Workbook, table: Table, name: str, st: _Styles, progress: Progress | None = None) -> None:
    ws = wb.create_sheet(name)
    cols = list(table.columns)
    ncols = len(cols)
    widths = table.widths()
    for i, w in enumerate(widths):
        ws.column_dimensions[column_letter(i)].width = w
    last = column_letter(ncols - 1)
    lines = [s for s in (f"填报单位：{table.unit}" if table.unit else "",
                         f"统计时间：{at_text(table.at)}" if table.at else "") if s]
    header_row = 2 + (1 if lines else 0)
    _setup_page(ws, widths, header_row)

    row = 1
    ws.row_dimensions[row].height = 30
    cell = StyledCells(ws).cell
    ws.append([cell(table.title, st.title, st.center)])
    if ncols > 1:
        ws.merged_cells.add(f"A{row}:{last}{row}")
    if lines:
        row += 1
        if len(lines) == 2 and ncols >= 2:
            split = max(1, ncols // 2)
            cells = [cell(lines[0], st.line, st.plain_left)] + [None] * (split - 1) \
                + [cell(lines[1], st.line, st.plain_right)]
            ws.append(cells)
            if split > 1:
                ws.merged_cells.add(f"A{row}:{column_letter(split - 1)}{row}")
            if ncols - split > 1:
                ws.merged_cells.add(f"{column_letter(split)}{row}:{last}{row}")
        else:
            ws.append([cell("    ".join(lines), st.line, st.plain_left)])
            if ncols > 1:
                ws.merged_cells.add(f"A{row}:{last}{row}")
    row += 1
    ws.append([cell(c.label, st.header, st.center, st.border, st.fill) for c in cols])
    total = len(table.rows)
    for n, values in enumerate(table.rows):
        if progress is not None and n and n % PROGRESS_ROWS == 0:
            progress(n, total, f"已写入 {n} / {total} 行")
        font = st.muted if n in table.muted_rows else st.body
        ws.append([_body_cell(cell, v, c, st, font) for v, c in zip(values, cols)])
        row += 1
    ws.auto_filter.ref = f"A{header_row}:{last}{max(row, header_row)}"
    notes = [n.strip() for n in table.notes if n and n.strip()]
    for i, note in enumerate(notes):
        row += 1
        ws.append([cell(("注：" if i == 0 else "    ") + note, st.line, st.plain_left)])
        if ncols > 1:
            ws.merged_cells.add(f"A{row}:{last}{row}")
    if table.signatures:
        ws.append([])
        row += 2
        ws.append([cell("填表人：                审核人：                填报日期：", st.line, st.plain_left)])
        if ncols > 1:
            ws.merged_cells.add(f"A{row}:{last}{row}")


def build_workbook(tables: Sequence[Table], progress: Progress | None = None):
    """The workbook of the tables, ready for filesave.save_file(path, wb.save). `progress(done,
    total, text)` hears how far a long table got."""
    if not tables:
        raise ValueError("no tables")
    st = _Styles()
    wb = streamed_workbook()
    for table, name in zip(tables, sheet_names(tables)):
        write_sheet(wb, table, name, st, progress)
    return wb


@removes_rows_on_failure
def write_excel(tables: Sequence[Table], path: str | Path, progress: Progress | None = None) -> Path:
    from ..filesave import save_file

    wb = build_workbook(tables, progress)
    return save_file(Path(path), wb.save)
