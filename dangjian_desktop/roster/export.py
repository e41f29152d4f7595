"""花名册 export: the roster in the standard layout, ready to print and to import again unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

from .. import dates
from ..db import Database
from ..errors import Cancelled, UserError, file_error
from ..filesave import save_file
from ..xlsx_safe import StyledCells, removes_rows_on_failure, streamed_workbook
from .columns import Column, spec
from .reader import column_letter
from .selection import roster_selection

FONT_NAME = "宋体"
TITLE_ROW, UNIT_ROW, HEADER_ROW = 1, 2, 3
SHEET_TITLE = "花名册"


class ExportCancelled(Cancelled):
    """The user stopped an export; no file was written."""

    def __init__(self):
        super().__init__("导出已取消，没有生成文件。")


class Styles:
    """Shared cell styles (one object each, so 50,000 rows do not create 50,000 styles)."""

    def __init__(self):
        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(name=FONT_NAME, size=16, bold=True)
        self.unit = Font(name=FONT_NAME, size=10.5)
        self.header = Font(name=FONT_NAME, size=10.5, bold=True)
        self.header_required = Font(name=FONT_NAME, size=10.5, bold=True, color="C00000")
        self.body = Font(name=FONT_NAME, size=10.5)
        self.header_fill = PatternFill("solid", fgColor="D9E1F2")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)


def setup_page(ws, columns: int) -> None:
    """A4 landscape, one page wide, header row repeated on every page, page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _value(col: Column, row, seq: int):
    f = col.field
    if f == "seq":
        return seq
    if f == "branch":
        return row["org_name"]
    if f == "group":
        return row["group_name"] or None
    if col.flag:
        return "是" if row[f] else None
    v = row[f]
    return v if v not in ("",) else None


def roster_rows(db: Database, *, org_id: str | None = None, member_ids: Iterable[str] | None = None,
                include_inactive: bool = False):
    """Members to export, by branch order then pinyin: a cursor (rows are streamed)."""
    selection, params = roster_selection(db, org_id=org_id, member_ids=member_ids, include_inactive=include_inactive)
    sql = (f"SELECT m.*, o.name AS org_name, g.name AS group_name, o.sort_order AS org_order "
           f"{selection} ORDER BY o.sort_order, o.name, m.name_pinyin")
    return db.conn.execute(sql, params)


def roster_unit(db: Database, org_id: str | None = None) -> str | None:
    """The unit a roster is named after: the organisation's name (None when there is no such
    organisation), or for the whole office its 党委 (the office's name when it has none)."""
    if org_id:
        org = db.get("org", org_id)
        return org["name"] if org else None
    root = db.one("SELECT name FROM org WHERE parent_id IS NULL AND office_id = ?", (db.local_office_id,))
    office = db.one("SELECT name FROM office WHERE id = ?", (db.local_office_id,))
    return root["name"] if root else (office["name"] if office else "")


def _title(db: Database, org_id: str | None, member_ids) -> tuple[str, str]:
    unit = roster_unit(db, org_id)
    if unit is None:
        raise UserError("要导出的组织不存在")
    title = f"{unit}党员花名册" if member_ids is None else f"{unit}党员花名册（筛选结果）"
    return title, unit


@removes_rows_on_failure
def export_roster(db: Database, path: str | Path, *, org_id: str | None = None,
                  member_ids: Iterable[str] | None = None, include_inactive: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None) -> int:
    """Write the roster of the office, of one organisation's subtree, or of the given members.
    Returns the number of members written. `progress(done, total)` is called now and then;
    when `cancel()` returns true, ExportCancelled is raised and no file is left behind."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError("花名册请保存为 .xlsx 文件")
    member_ids = list(member_ids) if member_ids is not None else None
    cols = spec().layout
    st = Styles()
    title, unit = _title(db, org_id, member_ids)
    total = len(member_ids) if member_ids is not None else None
    wb = streamed_workbook()
    ws = wb.create_sheet(SHEET_TITLE)
    for i, c in enumerate(cols):
        ws.column_dimensions[column_letter(i)].width = c.width
    setup_page(ws, len(cols))
    last = column_letter(len(cols) - 1)
    ws.row_dimensions[TITLE_ROW].height = 30
    cell = StyledCells(ws).cell
    ws.append([cell(title, st.title, st.center)])
    ws.merged_cells.add(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.append([cell(f"填报单位：{unit}    导出日期：{dates.format_cn(dates.today())}", st.unit)])
    ws.merged_cells.add(f"A{UNIT_ROW}:{last}{UNIT_ROW}")
    ws.append([cell(c.label, st.header, st.center, st.border, st.header_fill) for c in cols])
    # Each column's style: centred when narrow, ID numbers and dates stored as text.
    body = [(c, st.center if c.width <= 11 else st.left, "@" if c.text or c.date else None) for c in cols]
    n = 0
    rows = roster_rows(db, org_id=org_id, member_ids=member_ids, include_inactive=include_inactive)
    if total is None and progress is not None:
        selection, params = roster_selection(db, org_id=org_id, include_inactive=include_inactive)
        total = db.scalar(f"SELECT count(*) {selection}", params)
    for row in rows:
        n += 1
        if n % 500 == 0:
            if progress:
                progress(n, total or n)
            if cancel and cancel():
                raise ExportCancelled()
        ws.append([cell(_value(c, row, n), st.body, align, st.border, None, number_format)
                   for c, align, number_format in body])
    try:
        save_file(path, wb.save)
        if progress:
            progress(n, max(total or 0, n))
    except OSError as e:
        raise file_error(e, path) from None
    return n
