"""Charts: one description (Chart), one renderer (reportlab.graphics), the same picture everywhere.

A Chart holds only data and labels. `drawing(chart)` turns it into a reportlab Drawing that
is placed in printed PDFs as it is; `chart_pdf(chart)` is the same drawing as a one-page PDF,
which the GUI rasterises (QtPdf) for the screen and for PNG export. So a chart on screen, on
paper and in a PNG is one drawing with one font: same data, same labels, same glyphs.

Every string of a chart goes through the document's PrivacyGuard before it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Sequence

from ..privacy import PrivacyGuard
from ..tables.model import format_number, percent_text

if TYPE_CHECKING:
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing

    from ..reports.fonts import FontSet

def _reportlab() -> None:
    """Import reportlab's graphics into this module on the first drawing: they take about 0.2 s to
    import, which the window's start (the statistics page imports Chart) does not wait for. Plain
    import statements, so that the installer's analysis still finds the modules."""
    if "_drawn" in globals():
        return
    from reportlab.graphics import renderPDF
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing, Group, Rect, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    # At once: a drawing in another thread sees all of them or none.
    globals().update(renderPDF=renderPDF, HorizontalBarChart=HorizontalBarChart, VerticalBarChart=VerticalBarChart,
                     Legend=Legend, HorizontalLineChart=HorizontalLineChart, Pie=Pie, Drawing=Drawing, Group=Group,
                     Rect=Rect, String=String, makeMarker=makeMarker, colors=colors, stringWidth=stringWidth,
                     _drawn=True)


BAR, HBAR, PIE, LINE, STACKED, HSTACKED, GRID = "bar", "hbar", "pie", "line", "stacked", "hstacked", "grid"
KINDS = (BAR, HBAR, PIE, LINE, STACKED, HSTACKED, GRID)

#: Series colours (a calm palette that stays apart in grey print too).
PALETTE = ("#C0392B", "#2E86C1", "#F39C12", "#27AE60", "#8E44AD", "#16A085", "#D35400", "#7F8C8D",
           "#2C3E50", "#E84393", "#A0522D", "#6C7A89")
TITLE_SIZE, LABEL_SIZE, SMALL_SIZE = 13, 9, 8


@dataclass
class Series:
    name: str
    values: list[float | int | None]


@dataclass
class Chart:
    """What a chart shows. `categories` run along the axis (or are the pie's slices, or the
    grid's columns); each Series is a row of values (a grid's rows, a line, a stack level)."""

    kind: str
    title: str
    categories: list[str]
    series: list[Series]
    unit: str = ""  # after values in labels: 人, 分, 个
    note: str = ""  # a line under the title (unit of the scope, date)
    width: float = 480.0
    height: float = 250.0
    cells: list[list[str]] | None = None  # GRID: the text in each cell (rows × columns)
    colors: list[str] = field(default_factory=list)  # optional per-series (or per-slice) colours

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"chart kind must be one of {KINDS}, not {self.kind!r}")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(self.categories)} categories")

    def texts(self) -> list[str]:
        out = [self.title, self.note, self.unit, *self.categories, *(s.name for s in self.series)]
        for row in self.cells or []:
            out += row
        return [t for t in out if t]

    def drawing(self, fonts: FontSet | None = None, guard: PrivacyGuard | None = None) -> Drawing:
        """The reportlab drawing (what tables.pdf places under a table)."""
        return drawing(self, fonts, guard)

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s.values)


def _colour(chart: Chart, i: int):
    c = chart.colors[i] if i < len(chart.colors) else PALETTE[i % len(PALETTE)]
    return colors.HexColor(c)


def chart_font(chart: Chart, fonts: FontSet) -> str:
    """The one font (reportlab name) that draws every string of the chart."""
    text = "".join(chart.texts()) + "0123456789.%（）"
    font = fonts.single_font(text)
    if font is None:
        from ..reports.fonts import MissingGlyphsError

        raise MissingGlyphsError(fonts.missing(text) or set(text), f"图表“{chart.title}”")
    return font


def _label(v) -> str:
    return "" if v is None else format_number(v)


def _axis_max(values: Sequence[float]) -> float:
    top = max([v for v in values if v is not None] or [0])
    if top <= 0:
        return 1
    step = 10 ** max(0, len(str(int(top))) - 1)
    return ((top * 1.15) // step + 1) * step


def _style_axis(axis, font: str, size: float = LABEL_SIZE) -> None:
    axis.labels.fontName = font
    axis.labels.fontSize = size
    axis.strokeColor = colors.HexColor("#555555")


def _legend(chart: Chart, font: str, x: float, y: float, pairs, columns: int = 1) -> Legend:
    lg = Legend()
    lg.fontName, lg.fontSize = font, LABEL_SIZE
    lg.x, lg.y = x, y
    lg.alignment = "right"
    lg.boxAnchor = "nw"
    lg.columnMaximum = max(1, -(-len(pairs) // columns))
    lg.dx, lg.dy, lg.dxTextSpace = 8, 8, 5
    lg.deltay = 12
    lg.colorNamePairs = pairs
    lg.strokeWidth = 0
    return lg


def _fit(text: str, font: str, room: float, size: float = LABEL_SIZE) -> str:
    """The text as it fits in `room` points: whole, or its start and its last three characters
    (党支部) around an ellipsis."""
    if stringWidth(text, font, size) <= room or len(text) <= 4:
        return text
    tail = text[-3:]
    head = text[:-3]
    while head and stringWidth(f"{head}…{tail}", font, size) > room:
        head = head[:-1]
    return f"{head}…{tail}"


def _bars(chart: Chart, font: str, d: Drawing, top: float) -> None:
    horizontal = chart.kind in (HBAR, HSTACKED)
    stacked = chart.kind in (STACKED, HSTACKED)
    many = len(chart.series) > 1
    legend_w = 0.0
    if many:
        legend_w = max(stringWidth(s.name, font, LABEL_SIZE) for s in chart.series) + 24
    bc = HorizontalBarChart() if horizontal else VerticalBarChart()
    cats = list(chart.categories)
    data = [[0 if v is None else v for v in s.values] for s in chart.series]
    if horizontal:  # reportlab stacks categories bottom-up; the first should read at the top
        cats, data = cats[::-1], [row[::-1] for row in data]
    bc.data = data
    bc.categoryAxis.categoryNames = cats
    _style_axis(bc.categoryAxis, font)
    _style_axis(bc.valueAxis, font, SMALL_SIZE)
    if stacked:
        bc.categoryAxis.style = "stacked"
        totals = [sum(col) for col in zip(*data)] if data else [0]
        bc.valueAxis.valueMax = _axis_max(totals)
    else:
        bc.valueAxis.valueMax = _axis_max([v for row in data for v in row])
    bc.valueAxis.valueMin = 0
    if bc.valueAxis.valueMax <= 5 and all(float(v).is_integer() for row in data for v in row):
        bc.valueAxis.valueStep = 1  # counts: no 0.5 of a member or a branch on the axis
    bc.valueAxis.visibleGrid = True
    bc.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    bc.valueAxis.labelTextFormat = _label
    longest = max((stringWidth(c, font, LABEL_SIZE) for c in cats), default=0)
    if horizontal:
        bc.x = min(longest + 12, chart.width * 0.45)
        # A name longer than the room left of the axis is shortened in its middle, never cut at the edge.
        bc.categoryAxis.categoryNames = [_fit(c, font, bc.x - 10) for c in cats]
        bc.y = 24
        bc.width = chart.width - bc.x - 40 - legend_w
        bc.height = top - bc.y - 6
        bc.categoryAxis.labels.boxAnchor = "e"
        bc.categoryAxis.labels.dx = -4
        bc.valueAxis.labels.dy = -2
    else:
        room = (chart.width - 60 - legend_w) / max(1, len(cats))
        tilt = longest > room - 4
        bc.x = 40
        bc.y = 18 + (min(longest, 110) * 0.6 + 6 if tilt else 4)
        bc.width = chart.width - bc.x - 14 - legend_w
        bc.height = top - bc.y - 14
        if tilt:
            bc.categoryAxis.labels.angle = 30
            bc.categoryAxis.labels.boxAnchor = "ne"
            bc.categoryAxis.labels.dx, bc.categoryAxis.labels.dy = 4, -2
        else:
            bc.categoryAxis.labels.boxAnchor = "n"
            bc.categoryAxis.labels.dy = -4
    for i in range(len(data)):
        bc.bars[i].fillColor = _colour(chart, i)
        bc.bars[i].strokeColor = None
    if not stacked:
        bc.barLabelFormat = _label
        bc.barLabels.fontName, bc.barLabels.fontSize = font, SMALL_SIZE
        bc.barLabels.boxAnchor = "w" if horizontal else "s"
        bc.barLabels.dx, bc.barLabels.dy = (3, 0) if horizontal else (0, 2)
    bc.barSpacing = 1
    bc.groupSpacing = 6 if len(cats) < 12 else 3
    d.add(bc)
    if many:
        d.add(_legend(chart, font, chart.width - legend_w + 4, top,
                      [(_colour(chart, i), s.name) for i, s in enumerate(chart.series)]))


def _pie(chart: Chart, font: str, d: Drawing, top: float) -> None:
    values = chart.series[0].values if chart.series else []
    total = sum(v or 0 for v in values)
    shown = [(i, c, v) for i, (c, v) in enumerate(zip(chart.categories, values)) if v]
    size = min(top - 12, chart.width * 0.45)
    pie = Pie()
    pie.x, pie.y = 20, (top - size) / 2
    pie.width = pie.height = size
    pie.data = [v for _, _, v in shown]
    pie.labels = None
    pie.startAngle = 90
    pie.direction = "clockwise"
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 1
    for k, (i, _, _) in enumerate(shown):
        pie.slices[k].fillColor = _colour(chart, i)
    d.add(pie)
    pairs = [(_colour(chart, i), f"{c}  {_label(v)}{chart.unit}  {percent_text(v / total)}") for i, c, v in shown]
    d.add(_legend(chart, font, pie.x + size + 30, top - 8, pairs, columns=1 if len(pairs) <= 12 else 2))


def _line(chart: Chart, font: str, d: Drawing, top: float) -> None:
    legend_w = max((stringWidth(s.name, font, LABEL_SIZE) for s in chart.series), default=0) + 24
    lc = HorizontalLineChart()
    lc.x, lc.y = 40, 24
    lc.width = chart.width - lc.x - 14 - legend_w
    lc.height = top - lc.y - 14
    lc.data = [list(s.values) for s in chart.series]
    lc.categoryAxis.categoryNames = list(chart.categories)
    _style_axis(lc.categoryAxis, font)
    lc.categoryAxis.labels.boxAnchor = "n"
    lc.categoryAxis.labels.dy = -4
    _style_axis(lc.valueAxis, font, SMALL_SIZE)
    values = [v for s in chart.series for v in s.values if v is not None]
    # Scores move within a few points: the axis starts near the lowest, a multiple of 10.
    lowest = min(values, default=0)
    lc.valueAxis.valueMin = max(0, (lowest - 5) // 10 * 10) if lowest > 20 else 0
    lc.valueAxis.valueMax = _axis_max(values)
    lc.valueAxis.visibleGrid = True
    lc.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    lc.valueAxis.labelTextFormat = _label
    lc.lineLabelFormat = _label
    lc.lineLabels.fontName, lc.lineLabels.fontSize = font, SMALL_SIZE
    lc.lineLabels.dy = 6
    for i in range(len(chart.series)):
        lc.lines[i].strokeColor = _colour(chart, i)
        lc.lines[i].strokeWidth = 1.8
        lc.lines[i].symbol = makeMarker("FilledCircle")
        lc.lines[i].symbol.fillColor = _colour(chart, i)
        lc.lines[i].symbol.size = 5
    d.add(lc)
    d.add(_legend(chart, font, chart.width - legend_w + 4, top,
                  [(_colour(chart, i), s.name) for i, s in enumerate(chart.series)]))


def grid_colour(rate: float | None):
    """A cell's colour: grey when nothing was due, red (none held) through amber to green (all held)."""
    _reportlab()
    if rate is None:
        return colors.HexColor("#EEEEEE")
    r = max(0.0, min(1.0, float(rate)))
    if r >= 1:
        return colors.HexColor("#58B368")
    if r >= 0.5:
        return colors.HexColor("#F4D35E")
    return colors.HexColor("#E4572E") if r == 0 else colors.HexColor("#F29E4C")


def _grid(chart: Chart, font: str, d: Drawing, top: float) -> None:
    rows = chart.series
    label_w = min(max((stringWidth(s.name, font, LABEL_SIZE) for s in rows), default=0) + 8, chart.width * 0.4)
    head_h = 14
    cell_w = (chart.width - label_w - 4) / max(1, len(chart.categories))
    cell_h = max(6.0, min(18.0, (top - head_h - 4) / max(1, len(rows))))
    g = Group()
    for j, c in enumerate(chart.categories):
        g.add(String(label_w + cell_w * (j + 0.5), top - head_h + 3, c, fontName=font, fontSize=SMALL_SIZE,
                     textAnchor="middle"))
    text_size = min(SMALL_SIZE, cell_h - 3)
    for i, s in enumerate(rows):
        y = top - head_h - (i + 1) * cell_h
        g.add(String(label_w - 4, y + cell_h / 2 - LABEL_SIZE * 0.35, s.name, fontName=font,
                     fontSize=min(LABEL_SIZE, cell_h - 1), textAnchor="end"))
        for j, v in enumerate(s.values):
            g.add(Rect(label_w + cell_w * j, y, cell_w, cell_h, fillColor=grid_colour(v),
                       strokeColor=colors.white, strokeWidth=0.8))
            text = chart.cells[i][j] if chart.cells else ""
            if text and text_size >= 5:
                g.add(String(label_w + cell_w * (j + 0.5), y + cell_h / 2 - text_size * 0.35, text, fontName=font,
                             fontSize=text_size, textAnchor="middle"))
    d.add(g)


def drawn_size(chart: Chart) -> tuple[float, float]:
    """The drawing's size in points: a grid is as tall as its rows need (up to a page)."""
    if chart.kind == GRID:
        return chart.width, max(chart.height, min(700.0, 48 + 16 * len(chart.series)))
    return chart.width, chart.height


def drawing(chart: Chart, fonts: FontSet | None = None, guard: PrivacyGuard | None = None) -> Drawing:
    """The chart as a reportlab Drawing (a flowable of its own in a printed document)."""
    _reportlab()
    if fonts is None:
        from ..reports.fonts import load_fonts

        fonts = load_fonts(None)
    font = chart_font(chart, fonts)
    if guard is not None:
        for text in chart.texts():
            guard.check(text, f"图表“{chart.title}”")
    width, height = drawn_size(chart)
    d = Drawing(width, height)
    d.add(String(chart.width / 2, height - TITLE_SIZE - 2, chart.title, fontName=font, fontSize=TITLE_SIZE,
                 textAnchor="middle"))
    top = height - TITLE_SIZE - 12
    if chart.note:
        d.add(String(chart.width / 2, top - SMALL_SIZE + 2, chart.note, fontName=font, fontSize=SMALL_SIZE,
                     textAnchor="middle", fillColor=colors.HexColor("#555555")))
        top -= SMALL_SIZE + 6
    if chart.empty or not chart.categories:
        d.add(String(chart.width / 2, top / 2, "没有可显示的数据", fontName=font, fontSize=LABEL_SIZE,
                     textAnchor="middle", fillColor=colors.HexColor("#777777")))
    elif chart.kind in (BAR, HBAR, STACKED, HSTACKED):
        _bars(chart, font, d, top)
    elif chart.kind == PIE:
        _pie(chart, font, d, top)
    elif chart.kind == LINE:
        _line(chart, font, d, top)
    else:
        _grid(chart, font, d, top)
    if guard is not None:
        for text in drawn_strings(d):
            guard.check(text, f"图表“{chart.title}”")
    return d


def drawn_strings(d) -> Iterator[str]:
    """Every string a drawing will draw (the charts' own labels and legends included)."""
    _reportlab()
    stack = [d]
    while stack:
        node = stack.pop()
        if isinstance(node, String):
            yield node.text
            continue
        if hasattr(node, "getContents"):
            stack.extend(node.getContents())
        elif hasattr(node, "draw") and hasattr(node, "demo"):  # a chart widget: its drawn form
            stack.append(node.draw())


def chart_pdf(chart: Chart, fonts: FontSet | None = None, guard: PrivacyGuard | None = None) -> bytes:
    """The chart alone as a one-page PDF the size of the drawing (screen, PNG, single print)."""
    _reportlab()
    d = drawing(chart, fonts, guard if guard is not None else PrivacyGuard())
    return renderPDF.drawToString(d, title=chart.title, author="党建台账")
