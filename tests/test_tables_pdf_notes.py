"""A printed table's notes and 填表人 line never begin a page alone: when the table ends at the
foot of a page, its last rows go to the next page with them, under the repeated header."""

from __future__ import annotations

import io

from pypdf import PdfReader

from dangjian_desktop.tables import NUMBER, Col, Table
from dangjian_desktop.tables import pdf as tables_pdf


def _table(rows: int, signatures: bool = False) -> Table:
    cols = [Col("序号", kind=NUMBER), Col("党支部", width=40), Col("收入（元）", kind=NUMBER, width=30),
            Col("支出（元）", kind=NUMBER, width=30)]
    data = [(k + 1, f"第{k + 1}村党支部", 1000 + k, 500 + k) for k in range(rows)]
    return Table("党建工作经费台账", cols, data, unit="某某镇党委", at="2026年度",
                 notes=["机关、事业单位党组织党建工作经费应达到人均600元/年。"], signatures=signatures)


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text().replace(" ", "") for p in PdfReader(io.BytesIO(pdf)).pages]


def _check(rows: int, signatures: bool = False) -> list[str]:
    pages = _pages(tables_pdf.pdf_bytes([_table(rows, signatures)]))
    last = pages[-1]
    assert "注：" in last
    assert f"第{rows}村党支部" in last, f"{rows} rows: the notes began a page without the table"
    if len(pages) > 1:
        assert "序号" in last and "党支部" in last  # the rows under their header
    if signatures:
        assert "填表人" in last
    return pages


def test_the_notes_of_a_short_table_keep_its_last_rows():
    # A landscape page holds about 25 such rows: somewhere here the table ends at the foot of page 1.
    counts = [len(_check(n)) for n in range(20, 32)]
    assert 1 in counts and 2 in counts


def test_the_notes_of_a_long_table_laid_out_a_page_at_a_time_keep_its_last_rows():
    # More than 60 rows: a PagedTable; about 28 rows on each later page.
    counts = [len(_check(n, signatures=True)) for n in range(74, 88)]
    assert 3 in counts and 4 in counts
