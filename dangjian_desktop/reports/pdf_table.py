"""Table pieces of the publicity sheets: a star-rating cell, and a long table that builds its
reportlab Tables one page at a time.

reportlab splits a long table by building a new Table of every row still to come at each page
break, re-applying the style to all of them: thousands of rows cost seconds, growing with the
square of the rows. PagedTable hands the frame one page's rows at a time (the header repeated
on every page), each split by reportlab's own Table.split, so the pages come out the same.
Those tables draw a one-line text cell with the operators reportlab would write, its text
encoded once per document, and a paragraph shared by many cells is set once per document.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import _Container

STAR, EMPTY_STAR = "★", "☆"
STAR_SCALE = 1.3


class StarCell(Flowable):
    """A star rating (★★☆) drawn a little larger than the table text and centred on the
    hanzi of the row, without making the row taller."""

    def __init__(self, text: str, font: str, size: float, align: str):
        super().__init__()
        self.text, self.font, self.size, self.align = text, font, size, align

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        return availWidth, self.size * 1.3  # the leading of a plain text cell

    def draw(self):
        # Drawn in its own graphics state (Flowable.drawOn), setting its own font: the same
        # stars in the same column give the same operators.
        done = _document_cache(self.canv, "stars")
        key = (self.text, self.font, self.size, self.align, self.width)
        code = done.get(key)
        if code is None:
            start = len(self.canv._code)
            self._draw()
            done[key] = self.canv._code[start:]
        else:
            self.canv._code.extend(code)

    def _draw(self):
        big = self.size * STAR_SCALE
        # A plain cell's hanzi are centred about 0.1 em above the cell middle; a ★ glyph's
        # centre sits at about 0.39 em above its baseline.
        middle = self.size * 1.3 / 2 + 0.1 * self.size
        y = middle - 0.39 * big
        self.canv.setFont(self.font, big)
        if self.align == "left":
            self.canv.drawString(0, y, self.text)
        elif self.align == "right":
            self.canv.drawRightString(self.width, y, self.text)
        else:
            self.canv.drawCentredString(self.width / 2, y, self.text)


class CellParagraph(Paragraph):
    """A table cell's paragraph. One is made per distinct text and shared by every cell showing
    that text (a town's name on thousands of rows), so its lines are broken once per width and
    set once per document: later cells repeat the drawing operators of the first."""

    _wrapped: tuple | None = None

    def wrap(self, availWidth, availHeight):
        # A paragraph's lines depend on the width alone.
        if self._wrapped is None or self._wrapped[0] != availWidth:
            self._wrapped = (availWidth, super().wrap(availWidth, availHeight))
        return self._wrapped[1]

    def draw(self):
        if type(self) is not CellParagraph:
            return super().draw()
        canv = self.canv
        # Drawn in its own translated graphics state (Flowable.drawOn): the operators depend on
        # the width and on the canvas's font and colours, nothing else.
        key = (id(self), self.width, canv._fontname, canv._fontsize, canv._leading, str(canv._fillColorObj))
        done = _document_cache(canv, "paragraphs")
        code = done.get(key)
        if code is None:
            start = len(canv._code)
            super().draw()
            done[key] = canv._code[start:]
        else:
            canv._code.extend(code)


def _document_cache(canv, name: str) -> dict:
    """A cache that lives as long as the canvas (one document): subset font codes are per document."""
    caches = canv.__dict__.setdefault("_cell_caches", {})
    return caches.setdefault(name, {})


_TEXT_HEAD = "BT 1 0 0 1 0 0 Tm "
_SHIFT = {"LEFT": 0, "CENTRE": 0.5, "CENTER": 0.5, "RIGHT": 1}


class _Pages:
    """What the tables cut from one PagedTable share: the cut tables by (first row, last row + 1,
    height offered), reused when the sheet is rendered again. `keep` False: a document rendered
    once keeps none (a county's ledger of 67,753 rows would hold every page's table to the end)."""

    def __init__(self, keep: bool = True):
        self.cut: dict[tuple, tuple[Table, int]] = {}
        self.keep = keep

    def get(self, key: tuple, make: Callable[[], tuple[Table | None, int]]) -> tuple[Table | None, int]:
        got = self.cut.get(key)
        if got is None:
            got = make()
            if self.keep:
                self.cut[key] = got
        return got


class _PageTable(Table):
    """One page's table: its size depends on the width alone, and it is cut and measured once
    however often the sheet is rendered."""

    pages: _Pages
    _size: tuple | None = None

    def wrap(self, availWidth, availHeight):
        if self._size is None or self._size[0] != availWidth:
            self._size = (availWidth, super().wrap(availWidth, availHeight))
        return self._size[1]

    def split(self, availWidth, availHeight):
        self._size = None
        return super().split(availWidth, availHeight)

    def _drawCell(self, cellval, cellstyle, pos, size):
        # A one-line text cell, drawn as Table._drawCell draws it (same position, same operators),
        # its text encoded once per document.
        shift = _SHIFT.get(cellstyle.alignment)
        if (type(cellval) is not str or "\n" in cellval or shift is None or cellstyle.valign != "MIDDLE"
                or cellstyle.href or cellstyle.destination or cellstyle.direction or cellstyle.shaping):
            return super()._drawCell(cellval, cellstyle, pos, size)
        canv = self.canv
        if self._curcellstyle is not cellstyle:
            cur = self._curcellstyle
            if cur is None or cellstyle.color != cur.color:
                canv.setFillColor(cellstyle.color)
            if cur is None or cellstyle.leading != cur.leading or cellstyle.fontname != cur.fontname \
                    or cellstyle.fontsize != cur.fontsize:
                canv.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            self._curcellstyle = cellstyle
        texts = _document_cache(canv, "texts")
        key = (cellval, canv._fontname, canv._fontsize, canv._leading)
        known = texts.get(key)
        if known is None:
            t = canv.beginText(0, 0)
            t.textLine(cellval)
            code = t.getCode()
            body = code[len(_TEXT_HEAD):] if code.startswith(_TEXT_HEAD) else None
            known = texts[key] = (body, stringWidth(cellval, canv._fontname, canv._fontsize))
        body, width = known
        if body is None:
            return super()._drawCell(cellval, cellstyle, pos, size)
        colpos, rowpos = pos
        colwidth, rowheight = size
        if shift == 0:
            x = colpos + cellstyle.leftPadding
        elif shift == 1:
            x = colpos + colwidth - cellstyle.rightPadding - width
        else:
            x = colpos + (colwidth + cellstyle.leftPadding - cellstyle.rightPadding) * 0.5 - 0.5 * width
        y = rowpos + (cellstyle.bottomPadding + rowheight - cellstyle.topPadding + cellstyle.leading) / 2.0 \
            - cellstyle.fontsize
        canv._code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm {body}")


def at_rows(cell_cmds: dict[int, list[tuple]], start: int = 0, stop: int | None = None) -> list[tuple]:
    """The commands of data rows `start`…`stop` (all rows: None), each written in `cell_cmds` as
    for row 1, placed at their rows of a table of those rows under one header row."""
    rows = range(start, stop) if stop is not None else sorted(i for i in cell_cmds if i >= start)
    return [(cmd[0], (cmd[1][0], i - start + 1), (cmd[2][0], i - start + 1), *cmd[3:])
            for i in rows for cmd in cell_cmds.get(i, ())]


class PagedTable(Flowable):
    """Rows under one header row, laid out as one reportlab Table per page.

    `cmds` style the whole table (row 0 is the header, -1 the last row of each page's table);
    `cell_cmds[i]` are commands for data row i alone, written as for row 1. `min_row_height`
    must not exceed any row's height (it bounds how many rows a page can hold). The table
    shows rows[start:end] (end: all rows). `rendered_once`: the document is not rendered again,
    so the pages' tables are not kept for it.
    """

    def __init__(self, header: Sequence[Any], rows: Sequence[Sequence[Any]], col_widths: Sequence[float],
                 cmds: Sequence[tuple], min_row_height: float, *, cell_cmds: dict[int, list[tuple]] | None = None,
                 hAlign: str = "CENTER", start: int = 0, end: int | None = None, pages: _Pages | None = None,
                 rendered_once: bool = False):
        super().__init__()
        self.header, self.rows, self.col_widths = header, rows, col_widths
        self.cmds, self.min_row_height, self.cell_cmds = cmds, min_row_height, cell_cmds or {}
        self.hAlign, self.start = hAlign, start
        self.end = len(rows) if end is None else end
        self.pages = pages or _Pages(keep=not rendered_once)
        self._fitted: Table | None = None

    def _with(self, start: int, end: int) -> "PagedTable":
        return PagedTable(self.header, self.rows, self.col_widths, self.cmds, self.min_row_height,
                          cell_cmds=self.cell_cmds, hAlign=self.hAlign, start=start, end=end, pages=self.pages)

    def until(self, end: int) -> "PagedTable":
        """The same table ending before row `end` (sharing what was laid out)."""
        return self._with(self.start, end)

    def table(self, start: int, stop: int, table_class: type[Table] = Table) -> Table:
        """A reportlab table of the header and rows[start:stop]."""
        cmds = [*self.cmds, *at_rows(self.cell_cmds, start, stop)]
        t = table_class([list(self.header)] + [list(r) for r in self.rows[start:stop]],
                        colWidths=list(self.col_widths), repeatRows=1, hAlign=self.hAlign)
        t.setStyle(TableStyle(cmds))
        if isinstance(t, _PageTable):
            t.pages = self.pages
        return t

    def _page_stop(self, availHeight: float) -> int:
        # One row more than can possibly fit, so a table of them never fits when rows remain.
        fit = availHeight / self.min_row_height
        return self.end if fit >= self.end - self.start else min(self.end, self.start + int(fit) + 2)

    def wrap(self, availWidth, availHeight):
        self._fitted = None
        stop = self._page_stop(availHeight)
        if stop == self.end:
            t = self.pages.get((self.start, stop, None),
                               lambda: (self.table(self.start, stop, _PageTable), stop - self.start))[0]
            w, h = t.wrap(availWidth, availHeight)
            if h <= availHeight:
                self._fitted, self.width, self.height = t, w, h
                return w, h
        # More than the frame holds: the frame asks for a split.
        self.width, self.height = sum(self.col_widths), availHeight + self.min_row_height
        return self.width, self.height

    def split(self, availWidth, availHeight):
        stop = self._page_stop(availHeight)

        def cut() -> tuple[Table | None, int]:
            parts = self.table(self.start, stop, _PageTable).split(availWidth, availHeight)
            return (parts[0], len(parts[0]._cellvalues) - 1) if parts else (None, 0)

        first, used = self.pages.get((self.start, stop, availHeight), cut)
        if first is None:
            return []
        first.pages = self.pages
        if self.start + used >= self.end:
            return [first]
        return [first, self._with(self.start + used, self.end)]

    def drawOn(self, canvas, x, y, _sW=0):
        if self._fitted is None:
            raise RuntimeError("PagedTable drawn without fitting")
        self._fitted.drawOn(canvas, x, y, _sW)

    def cells(self):
        """Every cell value, the header first (for the privacy backstop)."""
        yield from self.header
        for row in self.rows[self.start:self.end]:
            yield from row


class TableWithTail(_Container, KeepTogether):
    """A table followed by its notes (and a 填表人 line): the notes never start a page without
    the table's last rows above them. When the table ends on a page that has no room left for
    the notes, its last `keep` rows go to the next page with them (under the repeated header).

    The table is a reportlab Table (header row repeated) or a PagedTable; it is only ever asked
    for its height on the page at hand, so a long PagedTable is still laid out a page at a time.
    """

    def __init__(self, table: Flowable, tail: Sequence[Flowable], *, keep: int = 2, moved: bool = False):
        super().__init__([table, *tail])
        self.keep, self.moved = keep, moved

    def _tail_height(self, availWidth) -> float:
        return sum(f.wrap(availWidth, 0xfffffff)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                   for f in self._content[1:])

    def wrap(self, availWidth, availHeight):
        table_height = self._content[0].wrap(availWidth, availHeight)[1]
        self.width, self.height = availWidth, table_height + self._tail_height(availWidth)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        table, tail = self._content[0], self._content[1:]
        table_height = table.wrap(availWidth, availHeight)[1]
        if table_height > availHeight:  # the table goes on: its notes stay with what remains of it
            parts = table.split(availWidth, availHeight)
            if len(parts) < 2:
                return [*parts, *tail] if parts else []
            return [parts[0], TableWithTail(parts[1], tail, keep=self.keep)]
        if self.moved or table_height + self._tail_height(availWidth) <= availHeight:
            return [table, *tail]
        # The table ends here and its notes would begin the next page alone.
        laid = table._fitted if isinstance(table, PagedTable) else table
        heights = laid._rowHeights  # after wrap: the header row, then the rows
        if len(heights) - 1 <= self.keep:
            return [table, *tail]
        parts = table.split(availWidth, sum(heights[:len(heights) - self.keep]) + 0.5)
        if len(parts) != 2:
            return [table, *tail]
        return [parts[0], PageBreak(), TableWithTail(parts[1], tail, keep=self.keep, moved=True)]


def fitted_widths(columns: Sequence, rows: Sequence, widths: list[float], text_width: Callable[[str], float], *,
                  min_flex: float, pad: float) -> list[float]:
    """The columns' widths with each short (centred or right-aligned) column widened to its
    longest text on one line — header included — so that a 序号 of 1000, a town's three-character
    name or 评定等次 never breaks; the room comes from the left-aligned columns (the names, which
    may wrap), each keeping at least `min_flex`. Widths that fit already are left alone."""
    flex = [i for i, c in enumerate(columns) if c.align == "left"]
    if not flex:
        return widths
    need: dict[int, float] = {}
    for i, c in enumerate(columns):
        if c.align == "left":
            continue
        texts = {c.header} | {str(r[i]) for r in rows
                              if i < len(r) and isinstance(r[i], (str, int)) and not isinstance(r[i], bool)}
        widest = max(text_width(t) for t in texts if t) + pad
        if widest > widths[i]:
            need[i] = widest - widths[i]
    spare = sum(max(0.0, widths[i] - min_flex) for i in flex)
    if not need or spare <= 0:
        return widths
    scale = min(1.0, spare / sum(need.values()))
    out = list(widths)
    for i, extra in need.items():
        out[i] += extra * scale
    taken = sum(need.values()) * scale
    for i in flex:
        out[i] -= taken * max(0.0, widths[i] - min_flex) / spare
    return out
