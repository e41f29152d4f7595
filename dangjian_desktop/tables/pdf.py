"""Tables to PDF: A4, the embedded CJK font, every printed string through the privacy guard.

Each table prints as its title, the 填报单位 / 统计时间 line, the table (header repeated on
every page), its notes, its chart (statistics.charts, the same drawing as on screen) and,
when asked, the 填表人 / 审核人 line; pages are numbered 第X页 共Y页. The fonts, the privacy
guard (one per document, refusing members' ID numbers and phones and anything shaped like
them) and the page numbering are those of the publicity sheets (reports.pdf).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, KeepTogether, LongTable, PageBreak, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PlainTable

from ..filesave import write_bytes
from ..reports.fonts import FontSet, MissingGlyphsError, load_fonts
from ..reports.pdf import _numbered_canvas, guarded_paragraph, verify_story
from ..reports.pdf_table import PagedTable, TableWithTail, at_rows
from ..privacy import PrivacyGuard, PrivateNumbers
from ..progress import Progress
from .model import TEXT, Table, at_text, display_text

TITLE_SIZE, LINE_SIZE, TABLE_SIZE, FOOTER_SIZE = 16, 10.5, 9.5, 9
LANDSCAPE_FROM = 95  # characters of column width (as in excel.py)
KEEP_TOGETHER_ROWS = 60
MUTED = colors.Color(0.45, 0.45, 0.45)  # the text of a provisional row


@dataclass
class _Page:
    """What the page-numbering canvas of reports.pdf needs to know about the page."""

    fonts: FontSet
    guard: PrivacyGuard
    pagesize: tuple[float, float]
    margin_bottom: float
    footer_size: float = FOOTER_SIZE


class _Styles:
    def __init__(self, font: str):
        self.title = ParagraphStyle("t", fontName=font, fontSize=TITLE_SIZE, leading=TITLE_SIZE * 1.4,
                                    alignment=TA_CENTER, wordWrap="CJK", spaceAfter=4)
        self.line = ParagraphStyle("l", fontName=font, fontSize=LINE_SIZE, leading=LINE_SIZE * 1.5,
                                   alignment=TA_LEFT, wordWrap="CJK")
        self.line_right = ParagraphStyle("lr", parent=self.line, alignment=TA_RIGHT)
        self.cell = ParagraphStyle("c", fontName=font, fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.3,
                                   alignment=TA_CENTER, wordWrap="CJK")
        self.cell_left = ParagraphStyle("cl", parent=self.cell, alignment=TA_LEFT)
        self.muted = ParagraphStyle("cm", parent=self.cell, textColor=MUTED)  # a provisional row
        self.muted_left = ParagraphStyle("cml", parent=self.cell_left, textColor=MUTED)


def _orientation(tables: Sequence[Table]) -> tuple[float, float]:
    wide = any(sum(t.widths()) > LANDSCAPE_FROM for t in tables)
    return landscape(A4) if wide else portrait(A4)


PROGRESS_ROWS = 2000  # rows checked between two progress reports


def _table(t: Table, width: float, fonts: FontSet, guard: PrivacyGuard, st: _Styles,
           progress: Progress | None = None) -> LongTable | PagedTable:
    """The table's grid: a longer table (a county's 党费 or training ledger, tens of thousands of
    rows) as a PagedTable, laid out a page at a time, since reportlab's own split of one long
    table grows with the square of its rows (a 67,753-row ledger took 4 minutes); a shorter one
    as one reportlab table, as before (kept on one page with its chart when it can)."""
    ratios = t.widths()
    col_widths = [width * r / sum(ratios) for r in ratios]
    room = [w - 6.5 for w in col_widths]
    cmds: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), fonts.primary, TABLE_SIZE, TABLE_SIZE * 1.3),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
    ]
    for i, col in enumerate(t.columns):
        cmds.append(("ALIGN", (i, 1), (i, -1), "RIGHT" if col.numeric else "LEFT" if col.kind == TEXT else "CENTER"))
    data: list[list[Any]] = [[guarded_paragraph(c.label, st.cell, fonts, guard, "表头", heavy=True)
                              for c in t.columns]]
    gaps: dict[str, str] = {}
    cell_cmds: dict[int, list[tuple]] = {}  # data row (0-based) -> its own commands, written for row 1
    total = len(t.rows)
    for r, row in enumerate(t.rows, start=1):
        if progress is not None and r % PROGRESS_ROWS == 0:
            progress(r, total, f"已检查 {r} / {total} 行")
        out = []
        muted = (r - 1) in t.muted_rows
        if muted:
            cell_cmds.setdefault(r - 1, []).append(("TEXTCOLOR", (0, 1), (-1, 1), MUTED))
        for c, (value, col) in enumerate(zip(row, t.columns)):
            where = f"{t.title}第{r}行“{col.label}”"
            text = guard.check(display_text(value, col), where)
            font = fonts.single_font(text) if "\n" not in text else None
            if font is not None and stringWidth(text, font, TABLE_SIZE) <= room[c]:
                out.append(text)  # plain strings draw much faster than paragraphs
                if font != fonts.primary:
                    cell_cmds.setdefault(r - 1, []).append(("FONTNAME", (c, 1), (c, 1), font))
                continue
            missing = fonts.missing(text)
            if missing:
                for ch in missing:
                    gaps.setdefault(ch, where)
                out.append("")
                continue
            style = (st.muted_left if muted else st.cell_left) if col.kind == TEXT else (st.muted if muted else st.cell)
            out.append(guarded_paragraph(text, style, fonts, guard, where))
        data.append(out)
    if gaps:
        raise MissingGlyphsError(set(gaps), "；".join(f"“{ch}”在{p}" for ch, p in sorted(gaps.items())[:5]))
    if len(t.rows) > KEEP_TOGETHER_ROWS:
        # No row is lower than one line of text between the paddings.
        return PagedTable(data[0], data[1:], col_widths, cmds, TABLE_SIZE * 1.3 + 2 + 2, cell_cmds=cell_cmds,
                          rendered_once=True)
    cmds += at_rows(cell_cmds)
    table = LongTable(data, colWidths=col_widths, repeatRows=1, hAlign="CENTER")
    table.setStyle(TableStyle(cmds))
    return table


def _line(parts: list[str], width: float, fonts: FontSet, guard: PrivacyGuard, st: _Styles, *,
          spread: bool = False) -> PlainTable:
    """A line of the form: 填报单位 at the left and 统计时间 at the right, or fields spread evenly."""
    n = len(parts)
    cells = [guarded_paragraph(p, st.line if (spread or i < n - 1 or n == 1) else st.line_right, fonts, guard,
                               "表头说明") for i, p in enumerate(parts)]
    t = PlainTable([cells], colWidths=[width / n] * n, hAlign="CENTER")
    t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                           ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return t


def story_of(tables: Sequence[Table], fonts: FontSet, guard: PrivacyGuard, width: float, *,
             page_per_table: bool = False, progress: Progress | None = None,
             frame_height: float | None = None) -> list:
    """The flowables of the tables (and their charts), each string checked by the guard;
    `progress` hears the rows checked of a long table. A short table is kept on one page with
    its notes and its chart; when they are more than a page (`frame_height`) the chart follows
    on its own (kept together, they left a blank page before them)."""
    st = _Styles(fonts.primary)
    story: list = []
    for k, t in enumerate(tables):
        if k:
            story.append(PageBreak() if page_per_table else CondPageBreak(120))
            story.append(Spacer(1, 8))
        head = [guarded_paragraph(t.title, st.title, fonts, guard, "标题", heavy=True)]
        ends = [s for s in (f"填报单位：{t.unit}" if t.unit else "", f"统计时间：{at_text(t.at)}" if t.at else "") if s]
        if ends:
            head.append(_line(ends, width, fonts, guard, st))
        head.append(Spacer(1, 4))
        grid = _table(t, width, fonts, guard, st, progress)
        tail: list = []
        notes = [n.strip() for n in t.notes if n and n.strip()]
        for i, note in enumerate(notes):
            tail.append(guarded_paragraph(("注：" if i == 0 else "　　") + note, st.line, fonts, guard, "注"))
        if t.signatures:
            tail.append(Spacer(1, 6))
            tail.append(_line(["填表人：", "审核人：", "填报日期："], width, fonts, guard, st, spread=True))
        # The notes and the 填表人 line never start a page without the table's last rows.
        section: list = [TableWithTail(grid, tail) if tail else grid]
        chart: list = []
        if t.chart is not None:
            d = t.chart.drawing(fonts, guard)  # a statistics.charts.Chart
            if d.width > width:
                scale = width / d.width
                d.scale(scale, scale)
                d.width, d.height = d.width * scale, d.height * scale
            d.hAlign = "CENTER"
            chart = [Spacer(1, 10), d]
        if len(t.rows) <= KEEP_TOGETHER_ROWS:  # a form with its chart stays on one page when it can
            whole = head + section + chart
            if chart and frame_height is not None and _height(whole, width) > frame_height:
                story += [KeepTogether(head + section), KeepTogether(chart)]
            else:
                story.append(KeepTogether(whole))
        else:
            story += [KeepTogether(head)] + section + chart
    return story


def _height(flowables: list, width: float) -> float:
    """How tall the flowables are, laid out `width` wide."""
    return sum(f.wrap(width, 1e6)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


def pdf_bytes(tables: Sequence[Table], *, title: str | None = None, numbers: PrivateNumbers | None = None,
              font_path: str | None = None, fonts: FontSet | None = None, page_per_table: bool = False,
              extra: Sequence = (), progress: Progress | None = None) -> bytes:
    """The tables as an A4 PDF. `numbers`: the database's ID numbers and phones for the guard
    (privacy.load_private_numbers); `extra`: flowables (charts) to add at the end; `progress`
    hears the rows checked, then each page laid out (how many there will be is not known before)."""
    if not tables and not extra:
        raise ValueError("nothing to print")
    fonts = fonts or load_fonts(font_path)
    guard = PrivacyGuard(numbers or PrivateNumbers())
    pagesize = _orientation(tables)
    margin_x, margin_y = 15 * mm, 15 * mm
    width = pagesize[0] - 2 * margin_x
    frame = pagesize[1] - 2 * margin_y - 4 * mm - 12  # (the frame's own padding)
    story = story_of(tables, fonts, guard, width, page_per_table=page_per_table, progress=progress,
                     frame_height=frame) + list(extra)
    verify_story(story, guard)
    doc_title = guard.check(title or (tables[0].title if tables else "统计表"), "标题")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=margin_x, rightMargin=margin_x,
                            topMargin=margin_y, bottomMargin=margin_y + 4 * mm,
                            title=doc_title, author="党建台账", creator="党建台账")
    if progress is not None:
        doc.setProgressCallBack(lambda kind, n: progress(0, 0, f"已排好 {n} 页") if kind == "PAGE" else None)
    doc.build(story, canvasmaker=_numbered_canvas(_Page(fonts, guard, pagesize, margin_y + 4 * mm)))
    return buf.getvalue()


def write_pdf(tables: Sequence[Table], path: str | os.PathLike, **kw) -> Path:
    return write_bytes(Path(path), pdf_bytes(tables, **kw))
