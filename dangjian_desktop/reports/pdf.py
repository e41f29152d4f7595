"""Publicity sheets (公示) for notice boards: title, opening, results table, period, objection contact, seal space.

Used for the results of assessment rounds (星级党组织评定) and member stars (星级党员).
The table is scanned by a privacy guard before anything is drawn: a publicity sheet must
never show a member's ID number, phone number or home address. Every string drawn (title,
opening, cells, notes, contact, issuer, footer, PDF properties) also goes through the
document's PrivacyGuard (privacy): no ID-shaped or mobile-shaped run and no number of
a member in the database; only the contact's phone field may hold the office's mobile.

    sheet = PublicitySheet(title=..., issuer=..., columns=[Column("姓名", 1.2), ...],
                           rows=[...], period_start="2026-03-01", period_end="2026-03-07",
                           contact=ObjectionContact(office="镇党委组织办", phone="0123-4567890"))
    build_publicity_pdf(sheet, "out.pdf")      # or build_publicity_pdf(sheet) -> bytes
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..dates import format_cn, parse_iso
from ..errors import UserError
from ..filesave import write_bytes
from ..numbers import format_score
from .fonts import FontSet, MissingGlyphsError, load_fonts
from .pdf_table import EMPTY_STAR, STAR, STAR_SCALE, CellParagraph, PagedTable, at_rows, fitted_widths
from .pdf_table import StarCell as _StarCell
from ..privacy import PrivacyGuard, PrivateNumbers, check_privacy, find_private_data

__all__ = [
    "Column",
    "ObjectionContact",
    "PublicitySheet",
    "build_publicity_pdf",
    "check_privacy",
    "find_private_data",
    "stars",
    "guarded_paragraph",
    "verify_story",
    "contact_from_settings",
    "SETTING_CONTACT_OFFICE",
    "SETTING_CONTACT_PHONE",
    "SETTING_CONTACT_ADDRESS",
]

#: Setting keys (table `setting`) for the office that takes objections during publicity.
SETTING_CONTACT_OFFICE = "publicity_contact_office"
SETTING_CONTACT_PHONE = "publicity_contact_phone"
SETTING_CONTACT_ADDRESS = "publicity_contact_address"

PAPERS = {"A4": A4, "A3": A3}
ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}

# Sizes in points for A4 (A3 is scaled by √2 so it reads the same from further away).
TITLE_SIZE = 22  # 二号, the size of an official document title
BODY_SIZE = 16  # 三号, the size of 仿宋 body text in official documents
TABLE_SIZE = 12  # 小四
NOTE_SIZE = 14  # 四号
FOOTER_SIZE = 10.5  # 五号



def stars(count: int, out_of: int | None = None) -> str:
    """Stars as characters: stars(3) -> '★★★'; stars(2, 5) -> '★★☆☆☆'."""
    count = max(0, int(count))
    if out_of is None:
        return STAR * count
    return STAR * min(count, out_of) + EMPTY_STAR * max(0, out_of - count)


@dataclass(frozen=True)
class Column:
    """One table column: header text, width as a ratio of the table width, alignment."""

    header: str
    width: float = 1.0
    align: str = "center"  # "left" | "center" | "right"

    def __post_init__(self):
        if self.align not in ALIGNMENTS:
            raise ValueError(f"align must be one of {sorted(ALIGNMENTS)}, not {self.align!r}")
        if not self.width > 0:
            raise ValueError("column width ratio must be positive")


@dataclass(frozen=True)
class ObjectionContact:
    """Where to raise an objection during publicity (the office's, never a member's)."""

    office: str = ""  # 受理单位, e.g. 镇党委组织办
    phone: str = ""  # 受理电话
    address: str = ""  # 来信地址 / 来访地点

    @property
    def is_empty(self) -> bool:
        return not (self.phone.strip() or self.address.strip())


@dataclass
class PublicitySheet:
    """A publicity sheet (公示). Dates are ISO strings or datetime.date."""

    title: str
    issuer: str  # 发布单位, shown bottom right over the seal, e.g. 中共某某镇委员会
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    period_start: str | dt.date
    period_end: str | dt.date
    contact: ObjectionContact
    opening: str = ""  # paragraphs separated by newlines, each indented two characters
    notes: Sequence[str] | str = ()
    issue_date: str | dt.date | None = None  # 落款日期; defaults to period_start
    # Printed in brackets after the last day, e.g. 未确认：2027年放假安排尚未录入 (a deadline counted
    # through a year without a holiday table).
    period_end_note: str = ""
    paper: str = "A4"  # "A4" | "A3"
    orientation: str = "portrait"  # "portrait" | "landscape"
    font_path: str | None = None  # setting pdf_font_path; None = bundled font
    table_font_size: float | None = None  # points before A3 scaling; default 12
    on_warning: Callable[[str], None] | None = field(default=None, repr=False)
    # Loads the database's ID numbers and phones (privacy.load_private_numbers) when the
    # document is built; set by the sheets' prepare(). None: shape rules only.
    privacy_source: Callable[[], PrivateNumbers] | None = field(default=None, repr=False)


# ---- building ----------------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return format_score(value)
    if isinstance(value, dt.date):
        return format_cn(value)
    return str(value)


def _as_date(value: str | dt.date | None, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return parse_iso(value or "")
    except ValueError:
        raise UserError(f"{what}“{value or ''}”不是有效日期，应为 2026-03-01 这样的格式。") from None


class _Layout:
    """Sizes and styles for one paper size, orientation and font set."""

    def __init__(self, sheet: PublicitySheet, fonts: FontSet, guard: PrivacyGuard | None = None):
        # One guard per document: the database's numbers live as long as the layout.
        self.guard = guard or PrivacyGuard(sheet.privacy_source() if sheet.privacy_source else PrivateNumbers())
        if sheet.paper not in PAPERS:
            raise ValueError(f"paper must be one of {sorted(PAPERS)}")
        if sheet.orientation not in ("portrait", "landscape"):
            raise ValueError("orientation must be portrait or landscape")
        base = PAPERS[sheet.paper]
        self.pagesize = landscape(base) if sheet.orientation == "landscape" else portrait(base)
        self.scale = 1.0 if sheet.paper == "A4" else 2 ** 0.5
        s = self.scale
        self.fonts = fonts
        self.margin_x = 20 * mm * s
        self.margin_top = 22 * mm * s
        self.margin_bottom = 20 * mm * s
        self.width = self.pagesize[0] - 2 * self.margin_x
        self.title_size = TITLE_SIZE * s
        self.body_size = BODY_SIZE * s
        self.note_size = NOTE_SIZE * s
        self.table_size = (sheet.table_font_size or TABLE_SIZE) * s
        self.footer_size = FOOTER_SIZE * s
        f = fonts.primary
        self.title = ParagraphStyle("title", fontName=f, fontSize=self.title_size,
                                    leading=self.title_size * 1.45, alignment=TA_CENTER,
                                    wordWrap="CJK", spaceAfter=self.body_size * 0.9)
        self.body = ParagraphStyle("body", fontName=f, fontSize=self.body_size,
                                   leading=self.body_size * 1.6, alignment=TA_JUSTIFY,
                                   firstLineIndent=2 * self.body_size, wordWrap="CJK")
        self.body_tail = ParagraphStyle("body_tail", parent=self.body, spaceAfter=self.body_size * 0.5)
        self.note = ParagraphStyle("note", fontName=f, fontSize=self.note_size,
                                   leading=self.note_size * 1.5, alignment=TA_JUSTIFY, wordWrap="CJK")
        self.sign = ParagraphStyle("sign", fontName=f, fontSize=self.body_size,
                                   leading=self.body_size * 1.6, alignment=TA_CENTER, wordWrap="CJK")
        self.pad_x = 4 * s
        self.pad_y = 3 * s
        self.marks: dict[str, int] = {}  # _PageMark name -> the page it landed on
        self.table: PagedTable | None = None  # the sheet's rows, made once for every pass
        self.cell = {
            name: ParagraphStyle(f"cell_{name}", fontName=f, fontSize=self.table_size,
                                 leading=self.table_size * 1.3, alignment=al, wordWrap="CJK")
            for name, al in ALIGNMENTS.items()
        }


class _HeavyParagraph(CellParagraph):
    """A paragraph drawn with fill and a thin stroke: the heavy look of a notice title or a
    header cell, with fonts (like the bundled one) that have no bold face."""

    def draw(self):
        canv = self.canv
        canv.saveState()
        mode = canv.beginText()
        mode.setTextRenderMode(2)  # fill, then stroke; stays in the graphics state until restore
        canv.drawText(mode)
        canv.setLineWidth(self.style.fontSize * 0.035)
        canv.setStrokeColor(self.style.textColor)
        super().draw()
        canv.restoreState()


def guarded_paragraph(text: str, style: ParagraphStyle, fonts: FontSet, guard: PrivacyGuard, field_name: str, *,
                      heavy: bool = False, allow: Sequence[str] = (), cls: type[Paragraph] | None = None) -> Paragraph:
    """The one way text becomes a paragraph of a printed document: the privacy guard refuses
    ID numbers and private phones (naming `field_name`), then the text is set in `fonts`."""
    guard.check(text, field_name, allow=allow)
    p = (cls or (_HeavyParagraph if heavy else Paragraph))(fonts.markup(text), style)
    p._privacy_checked = True
    return p


def _paragraph(text: str, style: ParagraphStyle, lay: "_Layout", field_name: str, heavy: bool = False,
               allow: Sequence[str] = ()) -> Paragraph:
    return guarded_paragraph(text, style, lay.fonts, lay.guard, field_name, heavy=heavy, allow=allow)


def verify_story(story: Sequence, guard: PrivacyGuard) -> None:
    """Backstop before rendering: scan any text in the flowables that did not come through
    guarded_paragraph or a checked table cell (a field added later cannot bypass the guard)."""
    for item in story:
        if isinstance(item, (list, tuple)):
            verify_story(item, guard)
        elif isinstance(item, str):
            guard.check(item, "表格")
        elif isinstance(item, Paragraph):
            if not getattr(item, "_privacy_checked", False):
                guard.check(item.getPlainText(), "正文")
        elif isinstance(item, Table):
            for row in item._cellvalues:
                verify_story(row, guard)
        elif isinstance(item, KeepTogether):
            verify_story(item._content, guard)
        elif isinstance(item, PagedTable):
            verify_story(list(item.cells()), guard)
        elif isinstance(item, _StarCell):
            guard.check(item.text, "表格")


class _PageMark(Flowable):
    """Draws nothing; notes the page it lands on (lay.marks[name]), so a layout can be checked."""

    def __init__(self, marks: dict, name: str):
        super().__init__()
        self.marks, self.name = marks, name

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self):
        self.marks[self.name] = self.canv.getPageNumber()


def _width_or_zero(lay: _Layout, text: str, size: float) -> float:
    """A text's width for fitting the columns; 0 for one with characters no font has (the cell's
    own check names its row and column)."""
    try:
        return lay.fonts.width(text, size)
    except MissingGlyphsError:
        return 0.0


def _table(sheet: PublicitySheet, lay: _Layout, table_class=None, rows: Sequence | None = None,
           first: int = 1) -> Flowable:
    """The results table; `rows` (default: all) numbered from `first` in the privacy messages.
    A PagedTable (one reportlab Table per page), or one `table_class` table of all rows."""
    fonts = lay.fonts
    ratios = [c.width for c in sheet.columns]
    size = lay.table_size
    col_widths = fitted_widths(sheet.columns, sheet.rows if rows is None else rows,
                               [lay.width * r / sum(ratios) for r in ratios], lambda t: _width_or_zero(lay, t, size),
                               min_flex=4 * size + 2 * lay.pad_x + 1, pad=2 * lay.pad_x + 1)
    room = [w - 2 * lay.pad_x - 0.5 for w in col_widths]
    header = [_paragraph(c.header, lay.cell["center"], lay, "表头", heavy=True) for c in sheet.columns]
    data: list[list[Any]] = [header]
    cmds: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), fonts.primary, size, size * 1.3),
        ("GRID", (0, 0), (-1, -1), 0.5 * lay.scale, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.0 * lay.scale, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 1.0 * lay.scale, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), lay.pad_x),
        ("RIGHTPADDING", (0, 0), (-1, -1), lay.pad_x),
        ("TOPPADDING", (0, 0), (-1, -1), lay.pad_y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), lay.pad_y),
    ]
    for i, col in enumerate(sheet.columns):
        cmds.append(("ALIGN", (i, 1), (i, -1), col.align.upper()))
    gaps: dict[str, str] = {}
    cell_cmds: dict[int, list[tuple]] = {}  # data row -> commands for its cells, as for row 1
    paras: dict[tuple[str, str], Paragraph] = {}
    ncols = len(sheet.columns)
    for r, row in enumerate(sheet.rows if rows is None else rows, start=first):
        if len(row) != ncols:
            raise ValueError(f"row {r} has {len(row)} cells, expected {ncols}")
        out = []
        for c, value in enumerate(row):
            text = lay.guard.check(_cell_text(value), f"第{r}行“{sheet.columns[c].header}”")
            # Plain strings draw much faster than Paragraphs; use them when the text fits on
            # one line in a single font.
            font = fonts.single_font(text) if "\n" not in text else None
            if text and font is not None and not text.strip(STAR + EMPTY_STAR) \
                    and stringWidth(text, font, size * STAR_SCALE) <= room[c]:
                out.append(_StarCell(text, font, size, sheet.columns[c].align))
                continue
            if font is not None and stringWidth(text, font, size) <= room[c]:
                out.append(text)
                if font != fonts.primary:
                    cell_cmds.setdefault(r - first, []).append(("FONTNAME", (c, 1), (c, 1), font))
                continue
            missing = fonts.missing(text)
            if missing:
                for ch in missing:
                    gaps.setdefault(ch, f"第{r}行“{sheet.columns[c].header}”")
                out.append("")
                continue
            align = sheet.columns[c].align
            para = paras.get((text, align))
            if para is None:  # the text was checked above; equal texts share one paragraph
                para = paras[text, align] = guarded_paragraph(text, lay.cell[align], fonts, lay.guard, "表格",
                                                              cls=CellParagraph)
            out.append(para)
        data.append(out)
    if gaps:
        where = "；".join(f"“{ch}”在{place}" for ch, place in sorted(gaps.items())[:5])
        raise MissingGlyphsError(set(gaps), where)
    if table_class is None:
        # No row is lower than one line of text between the paddings.
        return PagedTable(header, data[1:], col_widths, cmds, size * 1.3 + 2 * lay.pad_y, cell_cmds=cell_cmds)
    cmds += at_rows(cell_cmds)
    table = table_class(data, colWidths=col_widths, repeatRows=1, hAlign="CENTER")
    table.setStyle(TableStyle(cmds))
    return table


def _signature(sheet: PublicitySheet, lay: _Layout, issue: dt.date) -> Table:
    fonts = lay.fonts
    lines = [ln for ln in sheet.issuer.splitlines() if ln.strip()] + [format_cn(issue)]
    width = max(fonts.width(ln, lay.body_size) for ln in lines)
    # A little air so the name never wraps; a very long name wraps within 60 % of the line.
    width = min(width + lay.body_size, lay.width * 0.6)
    cells = [[_paragraph(ln, lay.sign, lay, "落款"), ""] for ln in lines]
    # GB/T 9704: the date sits four characters from the right edge; the issuer is centred over it.
    t = Table(cells, colWidths=[width, 4 * lay.body_size], hAlign="RIGHT")
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.primary, lay.body_size),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _contact_text(contact: ObjectionContact, start: dt.date, end: dt.date, end_note: str = "") -> list[str]:
    office = contact.office.strip() or "我们"
    note = f"（{end_note.strip()}）" if end_note and end_note.strip() else ""
    paras = [
        f"公示时间：{format_cn(start)}至{format_cn(end)}{note}。",
        f"公示期间，如有异议，请以来电、来信、来访等方式向{office}反映。"
        "反映情况要实事求是，以个人名义反映的请署真实姓名，以单位名义反映的请加盖公章。",
    ]
    ways = []
    if contact.phone.strip():
        ways.append(f"受理电话：{contact.phone.strip()}")
    if contact.address.strip():
        ways.append(f"来信来访地址：{contact.address.strip()}")
    paras.append("；".join(ways) + "。")
    return paras


def _numbered_canvas(lay: _Layout) -> type[Canvas]:
    """A canvas that draws '第X页 共Y页' on every page once it knows how many pages there are."""
    fonts = lay.fonts
    sample = "第页共 0123456789"
    font = fonts.primary if not fonts.missing(sample) and fonts.single_font(sample) == fonts.primary \
        else fonts.fallback
    size, y = lay.footer_size, lay.margin_bottom / 2 - lay.footer_size / 2
    centre = lay.pagesize[0] / 2

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            # The document template passes None for these; without a font of ours the file
            # would name an unembedded Helvetica.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font
            kwargs["initialFontSize"] = kwargs.get("initialFontSize") or size
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(font, size)
                fonts.draw(self, centre, y, lay.guard.check(f"第{number}页 共{total}页", "页码"), size, "center")
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def build_story(sheet: PublicitySheet, fonts: FontSet, lay: _Layout, table_class=None, *,
                keep_rows: int = 0) -> list:
    """The flowables of a sheet (exposed for the benchmark and for documents that add pages).

    With `keep_rows`, the table's last rows (under a repeated header) go with the notes, the
    objection contact and the signature, so the signature block never stands alone on a page.
    """
    start = _as_date(sheet.period_start, "公示开始日期")
    end = _as_date(sheet.period_end, "公示结束日期")
    if end < start:
        raise UserError(f"公示结束日期（{format_cn(end)}）早于开始日期（{format_cn(start)}）。")
    issue = _as_date(sheet.issue_date, "落款日期") if sheet.issue_date else start
    guard = lay.guard
    # The settings printed on every sheet, each checked under its own name first.
    guard.check(sheet.issuer, "发布单位（落款）")
    guard.check(sheet.contact.office, "异议受理单位")
    guard.check_contact_phone(sheet.contact.phone, "异议受理电话")
    guard.check(sheet.contact.address, "来信来访地址")
    story: list = [_paragraph(sheet.title, lay.title, lay, "标题", heavy=True)]
    for para in (sheet.opening or "").splitlines():
        if para.strip():
            story.append(_paragraph(para.strip(), lay.body_tail, lay, "开头"))
    story.append(Spacer(1, lay.body_size * 0.3))
    keep_rows = min(max(0, keep_rows), len(sheet.rows))
    head_rows = len(sheet.rows) - keep_rows
    if table_class is None:
        if lay.table is None:
            lay.table = _table(sheet, lay)
        head = lay.table.until(head_rows)
        last = lay.table.table(head_rows, len(sheet.rows)) if keep_rows else None
    else:
        head = _table(sheet, lay, table_class, sheet.rows[:head_rows])
        last = _table(sheet, lay, Table, sheet.rows[head_rows:], head_rows + 1) if keep_rows else None
    if head_rows:
        story.append(head)
    story.append(_PageMark(lay.marks, "table"))
    tail: list = []
    if keep_rows:
        tail.append(last)
    notes = [sheet.notes] if isinstance(sheet.notes, str) else list(sheet.notes)
    notes = [n.strip() for n in notes if n and n.strip()]
    if notes:
        tail.append(Spacer(1, lay.note_size * 0.6))
        if len(notes) == 1:
            tail.append(_paragraph(f"备注：{notes[0]}", lay.note, lay, "备注"))
        else:
            tail.append(_paragraph("备注：", lay.note, lay, "备注"))
            tail += [_paragraph(f"{i}. {n}", lay.note, lay, f"备注{i}") for i, n in enumerate(notes, 1)]
    tail.append(Spacer(1, lay.body_size * 0.8))
    contact = _contact_text(sheet.contact, start, end, sheet.period_end_note)
    tail += [_paragraph(p, lay.body, lay, "异议受理方式") for p in contact[:-1]]
    # The last paragraph stays with the signature so the seal never lands on a page without text,
    # and the block keeps room above the issuer for a 42 mm seal pressed over the issuer and the
    # date. The seal's lower part needs no room in the frame: below the date there is the 20 mm
    # bottom margin, blank beside the centred page number.
    seal = 42 * mm * lay.scale
    block = [
        _PageMark(lay.marks, "signature"),
        # Only here may the office's objection phone (checked above) be printed.
        _paragraph(contact[-1], lay.body, lay, "异议受理方式", allow=(sheet.contact.phone.strip(),)),
        Spacer(1, seal * 0.45),
        _signature(sheet, lay, issue),
    ]
    if keep_rows:
        story.append(KeepTogether(tail + block))  # the last rows, notes, contact and signature together
    else:
        story += tail
        story.append(KeepTogether(block))
    return story


#: How many of the table's last rows go along with a signature block that would stand alone: two,
#: so the signature page shows rows of the table (not one row under a repeated header) while the
#: page before keeps as many rows as it can.
KEEP_ROWS = 2


def render(sheet: PublicitySheet, lay: _Layout, story: list) -> bytes:
    """Lay out the flowables on pages with the '第X页 共Y页' footer; the PDF bytes (lay.marks
    says on which pages the marked flowables landed)."""
    verify_story(story, lay.guard)
    for text, name in ((sheet.title, "标题"), (sheet.issuer, "发布单位（落款）")):
        lay.guard.check(text, name)  # also written into the PDF's document properties
    canvas = _numbered_canvas(lay)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=lay.pagesize,
        leftMargin=lay.margin_x, rightMargin=lay.margin_x,
        topMargin=lay.margin_top, bottomMargin=lay.margin_bottom,
        title=sheet.title, author=sheet.issuer, subject="公示", creator="党建台账",
    )
    doc.build(story, canvasmaker=canvas)
    return buf.getvalue()


def _validate(sheet: PublicitySheet) -> None:
    if not sheet.title.strip():
        raise UserError("公示标题不能为空。")
    if not sheet.issuer.strip():
        raise UserError("请填写发布单位（落款）。")
    if not sheet.columns:
        raise UserError("公示表没有列。")
    if not sheet.rows:
        raise UserError("没有可公示的记录。")
    if sheet.contact is None or sheet.contact.is_empty:
        raise UserError("公示须写明异议受理方式：请先在设置中填写公示受理电话或来信来访地址。")
    check_privacy(sheet.columns, sheet.rows)


def build_publicity_pdf(sheet: PublicitySheet, out: str | os.PathLike | None = None, *,
                        fonts: FontSet | None = None) -> bytes | Path:
    """Build the sheet; write it to `out` (atomically) and return the path, or return the PDF bytes.

    Raises UserError for privacy violations, characters no font can print, bad dates or a
    missing objection contact. A chosen font that cannot be used falls back to the bundled
    font; the reason goes to `sheet.on_warning` (and is returned by load_fonts).
    """
    _validate(sheet)
    if fonts is None:
        fonts = load_fonts(sheet.font_path)
    if fonts.warning and sheet.on_warning:
        sheet.on_warning(fonts.warning)
    lay = _Layout(sheet, fonts)
    data = render(sheet, lay, build_story(sheet, fonts, lay))
    # When the signature block (and whatever text precedes it) started a page of its own, the
    # sheet is rendered again with the table's last rows kept together with it (the pages the
    # table was cut into are reused). Most sheets are rendered once.
    if lay.marks.get("signature", 0) > lay.marks.get("table", 0):
        lay.marks.clear()
        data = render(sheet, lay, build_story(sheet, fonts, lay, keep_rows=KEEP_ROWS))
    if out is None:
        return data
    target = Path(out)
    return write_bytes(target, data)  # all or nothing; a full disk says 磁盘空间不足


def contact_from_settings(db) -> ObjectionContact:
    """The objection contact saved in settings (keys SETTING_CONTACT_*)."""
    from ..registry import get_setting

    def value(key: str) -> str:
        return (get_setting(db, key) or "").strip()

    return ObjectionContact(office=value(SETTING_CONTACT_OFFICE), phone=value(SETTING_CONTACT_PHONE),
                            address=value(SETTING_CONTACT_ADDRESS))
