"""A long table written to Excel or PDF tells how far it got, so the progress dialog of a
county's ledger (28,812 rows to Excel, 2,420 pages of PDF) moves instead of standing still."""

from __future__ import annotations

from openpyxl import load_workbook
from pypdf import PdfReader

from dangjian_desktop.tables import NUMBER, Col, Table, save_tables
from dangjian_desktop.tables import excel as tables_excel
from dangjian_desktop.tables import pdf as tables_pdf


def _table(rows: int) -> Table:
    return Table("党员教育培训台账", [Col("序号", kind=NUMBER), Col("姓名"), Col("内容")],
                 [(k + 1, f"张{'一二三四五六七八九'[k % 9]}明", "集中学习") for k in range(rows)], unit="某某镇党委")


def test_excel_tells_the_rows_written(tmp_path, monkeypatch):
    monkeypatch.setattr(tables_excel, "PROGRESS_ROWS", 100)
    told = []
    out = save_tables([_table(450)], tmp_path / "t.xlsx", progress=lambda *a: told.append(a))
    assert told == [(n, 450, f"已写入 {n} / 450 行") for n in (100, 200, 300, 400)]
    assert load_workbook(out).worksheets[0].max_row == 453  # title, unit line, header, 450 rows


def test_pdf_tells_the_rows_checked_then_each_page_laid_out(tmp_path, monkeypatch):
    monkeypatch.setattr(tables_pdf, "PROGRESS_ROWS", 100)
    told = []
    out = save_tables([_table(300)], tmp_path / "t.pdf", progress=lambda *a: told.append(a))
    pages = len(PdfReader(out).pages)
    assert pages > 3
    assert told == [(n, 300, f"已检查 {n} / 300 行") for n in (100, 200, 300)] + \
        [(0, 0, f"已排好 {n} 页") for n in range(1, pages + 1)]


def test_without_a_listener_nothing_is_told(tmp_path):
    assert save_tables([_table(30)], tmp_path / "t.pdf").exists()
    assert save_tables([_table(30)], tmp_path / "t.xlsx").exists()
