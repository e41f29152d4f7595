"""A long publicity sheet is laid out one page of rows at a time, drawn once, with shared cell paragraphs."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table

from dangjian_desktop.privacy import PrivacyError, PrivateNumbers
from dangjian_desktop.reports import pdf as sheetpdf
from dangjian_desktop.reports.fonts import load_fonts
from dangjian_desktop.reports.pdf import Column, ObjectionContact, PublicitySheet, build_publicity_pdf, stars
from dangjian_desktop.reports.pdf_table import CellParagraph, PagedTable

COLUMNS = [Column("序号", 0.7), Column("党组织名称", 3.0, "left"), Column("总分", 0.8), Column("星级", 2.0)]
LONG_NAME = "某某县某某镇某某村第三村民小组联合党支部委员会"
MEMBER_ID = "110101199003077774"


def rows(n: int, name: str = "城关村党支部") -> list[list]:
    return [[i, name, f"{60 + i % 40}.5", stars(i % 5) or "—"] for i in range(1, n + 1)]


def sheet(data: list[list], **kw) -> PublicitySheet:
    args = dict(title="关于城关镇2025年度星级党组织评定结果的公示", issuer="中共城关镇委员会", columns=COLUMNS, rows=data,
                opening="经党组织自评、初审、审核评定，现予公示。", notes=["评定标准：按细则评分。"],
                period_start="2026-03-01", period_end="2026-03-07",
                contact=ObjectionContact(office="镇党委组织办", phone="0738-1234567"))
    args.update(kw)
    return PublicitySheet(**args)


def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text().replace(" ", "").replace("\n", "") for p in PdfReader(io.BytesIO(pdf)).pages]


def test_no_table_is_built_with_more_rows_than_a_page_holds(monkeypatch):
    built: list[int] = []
    init = Table.__init__

    def counting(self, data, *args, **kwargs):
        built.append(len(data))
        init(self, data, *args, **kwargs)

    monkeypatch.setattr(Table, "__init__", counting)
    pdf = build_publicity_pdf(sheet(rows(400)))
    text = pages_text(pdf)
    # A4 portrait holds about 30 rows; reportlab alone would rebuild a table of every row left at each page.
    assert max(built) < 40
    assert len(text) > 10
    assert all("序号党组织名称总分星级" in page for page in text)  # the header on every page
    assert "1城关村党支部" in text[0] and "400城关村党支部" in text[-1]
    assert "中共城关镇委员会" in text[-1] and f"第{len(text)}页共{len(text)}页" in text[-1]


KEPT: dict[int, bool] = {}  # row count -> whether its sheet kept the last rows with the signature


@pytest.mark.parametrize("count", range(18, 34))
def test_the_sheet_is_drawn_once_unless_the_signature_would_stand_alone(monkeypatch, count):
    saves: list[int] = []
    keeps: list[int] = []
    save, story = Canvas.save, sheetpdf.build_story

    def counting(self):
        saves.append(1)
        save(self)

    def building(*args, keep_rows=0, **kwargs):
        keeps.append(keep_rows)
        return story(*args, keep_rows=keep_rows, **kwargs)

    monkeypatch.setattr(Canvas, "save", counting)
    monkeypatch.setattr(sheetpdf, "build_story", building)
    text = pages_text(build_publicity_pdf(sheet(rows(count))))
    # Drawn once; only a sheet whose signature block began a page of its own is drawn again,
    # with the last rows kept together with it.
    assert keeps in ([0], [0, sheetpdf.KEEP_ROWS])
    assert len(saves) == len(keeps)
    KEPT[count] = len(keeps) == 2
    assert f"{count}城关村党支部" in text[-1] and "中共城关镇委员会" in text[-1]


def test_the_counts_above_include_sheets_drawn_once_and_drawn_again():
    if len(KEPT) < 16:
        pytest.skip("runs after the parametrised test in the same process")
    assert any(KEPT.values()) and not all(KEPT.values())


def test_cells_with_the_same_text_share_one_paragraph():
    s = sheet(rows(120, LONG_NAME))
    fonts = load_fonts()
    lay = sheetpdf._Layout(s, fonts)
    sheetpdf.build_story(s, fonts, lay)
    table = lay.table
    assert isinstance(table, PagedTable)
    cells = [row[1] for row in table.rows]
    assert isinstance(cells[0], CellParagraph)  # too long for one line: it wraps
    assert len({id(c) for c in cells}) == 1
    text = "".join(pages_text(sheetpdf.render(s, lay, sheetpdf.build_story(s, fonts, lay))))
    assert text.count("联合党支部委员会") == 120


def test_the_backstop_scans_every_row_of_a_paged_table():
    s = sheet(rows(60))
    fonts = load_fonts()
    lay = sheetpdf._Layout(s, fonts, sheetpdf.PrivacyGuard(PrivateNumbers(frozenset({MEMBER_ID}))))
    story = sheetpdf.build_story(s, fonts, lay)
    lay.table.rows[45][1] = f"城关村 {MEMBER_ID}"  # a cell that bypassed the builder's checks
    with pytest.raises(PrivacyError, match="党员的身份证号码"):
        sheetpdf.render(s, lay, story)


def test_page_tables_draw_the_operators_reportlab_writes():
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    from dangjian_desktop.reports.pdf_table import _PageTable, _Pages

    fonts = load_fonts()
    style = ParagraphStyle("cell", fontName=fonts.primary, fontSize=12, leading=15.6, alignment=TA_LEFT,
                           wordWrap="CJK")
    para = CellParagraph(LONG_NAME, style)
    data = [["序号", "名称", "总分"]] + [[str(i), para if i % 2 else "城关村党支部", f"{i}.5"] for i in range(1, 9)]
    cmds = [("FONT", (0, 0), (-1, -1), fonts.primary, 12, 15.6), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
            ("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (2, 1), (2, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    code = []
    for cls in (Table, _PageTable):
        t = cls(data, colWidths=[40, 120, 60])
        t.setStyle(cmds)
        t.pages = _Pages()
        canvas = Canvas(io.BytesIO())
        canvas.setFont(fonts.primary, 12)
        t.wrapOn(canvas, 220, 800)
        t.drawOn(canvas, 10, 10)
        t.drawOn(canvas, 10, 300)  # the second time from the document's caches
        code.append(canvas._code)
    assert code[0] == code[1]


def test_a_long_sheet_encodes_each_distinct_text_once(monkeypatch):
    from reportlab.pdfgen.textobject import PDFTextObject

    made: list[int] = []
    init = PDFTextObject.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        init(self, *args, **kwargs)

    monkeypatch.setattr(PDFTextObject, "__init__", counting)
    data = [[i % 7 + 1, LONG_NAME if i % 2 else "城关村党支部", "80.5", stars(3)] for i in range(300)]
    build_publicity_pdf(sheet(data))
    # 300 rows × 4 cells drawn; reportlab alone would begin a text object for every cell.
    assert len(made) < 300
