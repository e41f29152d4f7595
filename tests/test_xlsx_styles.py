"""Styled cells of the large exports: every cell keeps its font, alignment, border, fill and number
format, while each combination is set up once per sheet, not once per cell (a county's roster
spent more than half of its 20 seconds styling cell by cell)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles import styleable

from dangjian_desktop.ledgers import dues
from dangjian_desktop.ledgers.dues_excel import HEADER_ROW, SHEET, export_dues
from dangjian_desktop.roster import export_roster
from dangjian_desktop.tables import NUMBER, Col, Table
from dangjian_desktop.tables.excel import write_excel
from dangjian_desktop.xlsx_safe import StyledCells

from points_util import add_branch

Y = 2025


def _look(c):
    return (c.value, c.font.name, c.font.b, c.font.sz, c.alignment.horizontal, c.alignment.wrap_text,
            c.border.left.style, c.fill.fgColor.rgb if c.fill.fill_type else None, c.number_format, c.quotePrefix)


def test_styled_cells_keep_each_cells_style_and_its_own_quote_prefix(tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("表")
    cells = StyledCells(ws).cell
    bold, plain = Font(name="宋体", size=12, bold=True), Font(name="宋体", size=10.5)
    centre, thin = Alignment(horizontal="center", wrap_text=True), Side(style="thin", color="000000")
    box, blue = Border(left=thin, right=thin, top=thin, bottom=thin), PatternFill("solid", fgColor="D9E1F2")
    ws.append([cells("序号", bold, centre, box, blue), cells("姓名", bold, centre, box, blue)])
    ws.append([cells(1, plain, centre, box), cells("=HYPERLINK(\"x\")", plain, None, box, None, "@")])
    ws.append([cells(2, plain, centre, box), cells("张三", plain, None, box, None, "@")])
    ws.append([cells(None, plain, centre, box), cells(2.5, plain, None, box, None, "0.00")])
    wb.save(tmp_path / "t.xlsx")
    got = [[_look(c) for c in row] for row in load_workbook(tmp_path / "t.xlsx")["表"].iter_rows()]
    assert got == [
        [("序号", "宋体", True, 12, "center", True, "thin", "00D9E1F2", "General", False),
         ("姓名", "宋体", True, 12, "center", True, "thin", "00D9E1F2", "General", False)],
        [(1, "宋体", False, 10.5, "center", True, "thin", None, "General", False),
         ("=HYPERLINK(\"x\")", "宋体", False, 10.5, None, None, "thin", None, "@", True)],
        # The same style as the cell above, without its quote prefix.
        [(2, "宋体", False, 10.5, "center", True, "thin", None, "General", False),
         ("张三", "宋体", False, 10.5, None, None, "thin", None, "@", False)],
        # An empty cell keeps its border; a number its format.
        [(None, "宋体", False, 10.5, "center", True, "thin", None, "General", False),
         (2.5, "宋体", False, 10.5, None, None, "thin", None, "0.00", False)],
    ]


@pytest.fixture
def style_sets(monkeypatch):
    """How many times a font, fill, border, alignment or protection is set on a cell."""
    calls = [0]
    original = styleable.StyleDescriptor.__set__

    def counted(self, instance, value):
        calls[0] += 1
        return original(self, instance, value)

    monkeypatch.setattr(styleable.StyleDescriptor, "__set__", counted)
    return calls


def _members(db, name, n):
    b = add_branch(db, name, n=n)
    for m in b.members[::2]:
        dues.set_base(db, m, Y, base=3000, rate_class="在职", fixed_on=f"{Y}-01-05")
        dues.record_payment(db, m, Y, "1-6", paid_on=f"{Y}-01-10")
    return b


@pytest.mark.parametrize("export", ["roster", "dues"])
def test_a_larger_export_sets_no_more_styles(db, tmp_path, style_sets, export):
    """Styling cell by cell made the number grow with the rows (a font, an alignment and a
    border for each cell)."""
    def run(name):
        style_sets[0] = 0
        if export == "roster":
            export_roster(db, tmp_path / name)
        else:
            export_dues(db, Y, tmp_path / name, as_of=dt.date(Y + 1, 1, 1))
        return style_sets[0]

    _members(db, "东村党支部", 3)
    few = run("few.xlsx")
    _members(db, "西村党支部", 40)
    assert run("many.xlsx") == few > 0
    ws = load_workbook(tmp_path / "many.xlsx").worksheets[0]
    last = ws.max_row
    if export == "roster":  # the body's last cell styled like the first
        assert _look(ws.cell(last, 2))[1:] == _look(ws.cell(4, 2))[1:]
        assert ws.cell(last, 2).border.left.style == "thin" and ws.cell(3, 2).font.b
    else:
        assert ws.title == SHEET and ws.cell(HEADER_ROW, 1).font.b and ws.cell(HEADER_ROW, 1).fill.fill_type
        assert ws["A1"].font.sz == 16 and ws.freeze_panes == f"D{HEADER_ROW + 1}"
        paid = [ws.cell(r, 8) for r in range(HEADER_ROW + 1, last + 1) if ws.cell(r, 8).value]
        assert paid and all(c.number_format == "0.00" and c.border.left.style == "thin" for c in paid)


def test_a_longer_table_sets_no_more_styles(tmp_path, style_sets):
    cols = [Col("姓名"), Col("人数", kind=NUMBER)]

    def run(rows):
        style_sets[0] = 0
        write_excel([Table("表", cols, [(f"第{k}支部", k) for k in range(rows)])], tmp_path / f"{rows}.xlsx")
        return style_sets[0]

    assert run(500) == run(5) > 0
    ws = load_workbook(tmp_path / "500.xlsx").worksheets[0]
    first, last = next(r for r in range(1, 10) if ws.cell(r, 1).value == "第0支部"), ws.max_row
    assert _look(ws.cell(last, 2))[1:] == _look(ws.cell(first, 2))[1:]
    assert ws.cell(last, 2).alignment.horizontal == "right" and ws.cell(last, 2).border.left.style == "thin"


def test_a_long_sheet_lets_a_waiting_thread_have_the_interpreter_now_and_then(tmp_path, monkeypatch):
    """A write-only sheet streams its XML in small writes that give Python's lock up and take it
    straight back: the window's thread, waiting for it during a background export, got it only
    now and then (pauses of 0.2-2.7 s at a prefecture). The cells hand it over on purpose, the
    styled ones and those of plain rows (the points ledger)."""
    from dangjian_desktop import xlsx_safe

    slept = []
    monkeypatch.setattr(xlsx_safe.time, "sleep", slept.append)
    monkeypatch.setattr(xlsx_safe, "YIELD_CELLS", 50)
    monkeypatch.setattr(xlsx_safe, "_made", [0])
    write_excel([Table("名单", [Col("序号", kind=NUMBER), Col("姓名")], [(n, f"张{n}") for n in range(600)])],
                tmp_path / "t.xlsx")
    cells = 600 * 2 + 3  # the rows, the title and the header's two cells
    assert slept == [0] * (cells // 50)
    assert load_workbook(tmp_path / "t.xlsx").worksheets[0].max_row == 602
    slept.clear()
    xlsx_safe._made[0] = 0
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    for n in range(100):  # plain rows, as the points ledger writes them
        xlsx_safe.append(ws, [n, "张三", None])
    wb.save(tmp_path / "plain.xlsx")
    assert slept == [0] * 6
