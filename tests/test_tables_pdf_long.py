"""A long table printed to PDF (a county's 党费 or training ledger): laid out a page at a time,
with the same pages as one reportlab table gives, grey provisional rows and cells in the
fallback font kept. One reportlab table of every row is split again at every page break,
copying every row still to come: a 67,753-row ledger took 4 minutes."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.platypus import Table as ReportlabTable

from dangjian_desktop.privacy import PrivacyGuard, PrivateNumbers
from dangjian_desktop.reports.fonts import load_fonts
from dangjian_desktop.reports.pdf_table import PagedTable, TableWithTail
from dangjian_desktop.tables import DATE, NUMBER, Col, Table
from dangjian_desktop.tables import pdf as tables_pdf

LONG_NOTE = "参加县委党校组织的为期三天的集中轮训，学习全会精神并撰写心得体会，交流发言"


def _table(rows: int) -> Table:
    data = [(k + 1, "王𠮷" if k % 11 == 0 else f"张{'一二三四五六七八九'[k % 9]}明", f"第{k % 13}村党支部",
             f"2026-03-{k % 28 + 1:02d}", LONG_NOTE if k % 7 == 0 else "集中学习", round(k * 0.37, 1))
            for k in range(rows)]
    cols = [Col("序号", kind=NUMBER), Col("姓名"), Col("党支部"), Col("日期", kind=DATE), Col("内容"),
            Col("学时", kind=NUMBER)]
    return Table("党员教育培训台账", cols, data, unit="某某镇党委", at="2026年度", notes=["学时按实际参加计算"],
                 signatures=True, muted_rows=frozenset(range(0, rows, 5)))


@pytest.fixture(scope="module")
def fonts():
    return load_fonts()


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_a_long_table_prints_the_same_pages_as_one_reportlab_table(fonts, monkeypatch):
    table = _table(150)
    paged = tables_pdf.pdf_bytes([table], fonts=fonts)
    monkeypatch.setattr(tables_pdf, "KEEP_TOGETHER_ROWS", 10**9)  # every table as one reportlab table
    whole = tables_pdf.pdf_bytes([table], fonts=fonts)
    assert len(_pages(paged)) == len(_pages(whole)) > 3
    assert _pages(paged) == _pages(whole)


def test_rows_are_laid_out_once_not_again_at_every_page(fonts, monkeypatch):
    laid_out = [0]
    init = ReportlabTable.__init__

    def counted(self, data, *a, **k):
        laid_out[0] += len(data)
        init(self, data, *a, **k)

    monkeypatch.setattr(ReportlabTable, "__init__", counted)
    table = _table(900)
    pdf = tables_pdf.pdf_bytes([table], fonts=fonts)
    pages = len(_pages(pdf))
    assert pages > 20
    # Each page's rows a few times at most (fitted, split); one table of all rows splits 30 times.
    assert laid_out[0] < 4 * len(table.rows)


def test_provisional_rows_stay_grey_and_rare_characters_keep_their_font(fonts, monkeypatch):
    single = type(fonts).single_font
    # A name with a character of the fallback font (here the primary font has them all).
    monkeypatch.setattr(type(fonts), "single_font",
                        lambda self, text: "Helvetica" if "𠮷" in text else single(self, text))
    table = _table(120)
    story = tables_pdf.story_of([table], fonts, PrivacyGuard(PrivateNumbers()), 700)
    # The grid comes with its notes (TableWithTail), which keep its last rows.
    flowables = [g for f in story for g in (f._content if isinstance(f, TableWithTail) else [f])]
    grid = next(f for f in flowables if isinstance(f, PagedTable))
    page = grid.table(0, len(table.rows))
    page.wrap(700, 10**6)
    for n in (0, 1, 5, 6, 110):
        assert (page._cellStyles[n + 1][1].color == tables_pdf.MUTED) == (n in table.muted_rows)
    names = [page._cellStyles[n + 1][1].fontname for n in (0, 1, 11, 12)]  # rows 0 and 11 are 王𠮷
    assert names == ["Helvetica", fonts.primary, "Helvetica", fonts.primary]


def test_a_table_printed_once_keeps_no_page_tables(fonts):
    """The publicity sheet keeps each page's table for its second rendering; a ledger printed once
    does not (a county's would hold every page to the end: 330 MB instead of 195 MB)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    def pages_kept(**kw):
        grid = PagedTable(["序号", "姓名"], [[str(k), "张三"] for k in range(400)], [60, 120],
                          [("FONT", (0, 0), (-1, -1), fonts.primary, 9.5, 12.35)], 9.5 * 1.3, **kw)
        SimpleDocTemplate(io.BytesIO(), pagesize=A4).build([grid])
        return len(grid.pages.cut)

    assert pages_kept() > 5
    assert pages_kept(rendered_once=True) == 0
