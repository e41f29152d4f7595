"""Charts on screen: the chart's one-page PDF (statistics.charts.chart_pdf, the drawing the printed
report places) rasterised by QtPdf, so the screen, a saved PNG and the paper show the same
picture with the same embedded font.

    image = chart_image(chart, width_px)      # QImage on white
    save_png(chart, "图.png")                 # 200 dpi
    view = ChartView(); view.set_chart(chart) # a widget that scales the chart to fit

The view draws a chart's PDF off the GUI thread (reportlab is pure Python: 30 to 40 ms a chart,
more for the first, which loads the font): the page lays out its table at once and the chart
follows, `ready` saying when it is there. A chart drawn once is kept (cache.py).
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QMenu, QSizePolicy, QWidget

from ...errors import UserError, file_error
from ...filesave import write_bytes
from ...statistics.charts import Chart, chart_pdf, drawn_size
from ..kit.palette import HINT_HEX
from ..kit.plain_text import literal
from ..kit.tasks import Task
from . import cache

PNG_DPI = 200


def pdf_image(data: bytes, width_px: int, *, background: QColor | None = QColor("white")) -> QImage:
    """The first page of a PDF as an image `width_px` wide (height as the page's proportions)."""
    doc = QPdfDocument()
    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buf)
    try:
        if doc.pageCount() < 1:
            raise UserError("图表无法显示：生成的图表文件是空的。")
        page = doc.pagePointSize(0)
        width = max(1, int(width_px))
        height = max(1, round(width * page.height() / page.width()))
        image = doc.render(0, QSize(width, height))
    finally:
        doc.close()
        buf.close()
    if background is None:
        return image
    out = QImage(image.size(), QImage.Format.Format_RGB32)
    out.fill(background)
    painter = QPainter(out)
    painter.drawImage(QPointF(0, 0), image)
    painter.end()
    return out


def chart_image(chart: Chart, width_px: int, data: bytes | None = None) -> QImage:
    return pdf_image(data if data is not None else chart_pdf(chart), width_px)


def save_png(chart: Chart, path: str | Path, *, dpi: int = PNG_DPI, data: bytes | None = None) -> Path:
    """The chart as a PNG at `dpi` (its printed size: the drawing's points at 72 per inch)."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise UserError(f"无法保存为“{path.name}”：图片请保存为 .png 文件。")
    image = chart_image(chart, round(drawn_size(chart)[0] * dpi / 72), data)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise UserError("图片生成失败。")
    try:
        return write_bytes(path, bytes(buf.data()))
    except OSError as e:
        raise file_error(e, path) from None


def save_chart_pdf(chart: Chart, path: str | Path, *, data: bytes | None = None) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise UserError(f"无法保存为“{path.name}”：请保存为 .pdf 文件。")
    try:
        return write_bytes(path, data if data is not None else chart_pdf(chart))
    except OSError as e:
        raise file_error(e, path) from None


class ChartView(QWidget):
    """One chart, scaled to the widget keeping its proportions; re-rasterised when resized."""

    export_png_requested = Signal()
    export_pdf_requested = Signal()
    ready = Signal()  # the chart on show is drawn (its PDF made; painted on the next paint)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.chart: Chart | None = None
        self.pdf: bytes | None = None
        self.problem = ""  # why the chart could not be drawn
        self.task: Task | None = None
        self._image: QImage | None = None
        self._image_key: tuple | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(self.backgroundRole(), QColor("white"))
        self.setPalette(pal)

    def set_chart(self, chart: Chart | None) -> None:
        """Show a chart: at once when it was drawn before, else once drawn off the GUI thread."""
        self.chart = chart
        self.pdf = cache.drawn(chart)
        self.problem = ""
        self._image = self._image_key = None
        self.setToolTip(literal(chart.title if chart else ""))  # a title may name an organisation
        self.update()
        if chart is not None and self.pdf is None:
            self.task = Task(self, "正在绘制图表……", lambda _progress: chart_pdf(chart),
                             lambda data: self._drawn(chart, data), lambda exc: self._failed(chart, exc),
                             delay_ms=None)
        elif chart is not None:
            self.ready.emit()

    def _drawn(self, chart: Chart, data: bytes) -> None:
        cache.keep_drawing(chart, data)
        if shiboken6.isValid(self) and self.chart is chart:
            self.pdf = data
            self._image = self._image_key = None
            self.update()
            self.ready.emit()

    def _failed(self, chart: Chart, exc: BaseException) -> None:
        if shiboken6.isValid(self) and self.chart is chart:
            self.problem = f"图表无法绘制：{exc}" if isinstance(exc, UserError) else "图表无法绘制。"
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        if self.chart is None:
            return QSize(480, 260)
        w, h = drawn_size(self.chart)
        return QSize(int(w * 1.25), int(h * 1.25))

    def _target(self) -> QRectF:
        if self.chart is None:
            return QRectF()
        w, h = self.width() - 8, self.height() - 8
        cw, ch = drawn_size(self.chart)
        ratio = ch / cw
        if w * ratio > h:
            w = h / ratio
        else:
            h = w * ratio
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.pdf is None:
            if self.chart is not None:  # drawn off the GUI thread, on show in a moment
                painter = QPainter(self)
                painter.setPen(QColor(HINT_HEX))
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.problem or "正在绘制图表……")
                painter.end()
            return
        target = self._target()
        dpr = self.devicePixelRatioF()
        key = (round(target.width() * dpr), round(target.height() * dpr))
        if self._image is None or self._image_key != key:
            self._image = pdf_image(self.pdf, key[0])
            self._image.setDevicePixelRatio(dpr)
            self._image_key = key
        painter = QPainter(self)
        painter.drawImage(target.topLeft(), self._image)
        painter.end()

    def _menu(self, pos) -> None:
        if self.chart is None:
            return
        menu = QMenu(self)
        menu.addAction(QAction("导出图片（PNG）…", menu, triggered=self.export_png_requested.emit))
        menu.addAction(QAction("打印/PDF…", menu, triggered=self.export_pdf_requested.emit))
        menu.popup(self.mapToGlobal(pos))


#: What the self-test's chart shows: hanzi, digits and the labels of an age chart.
SELF_CHECK_LABELS = ("30岁及以下", "31至35岁", "61岁及以上")


def self_check(workdir: Path, failed: type[Exception] = UserError) -> str:
    """The self-test's 图表 step: a chart drawn in the bundled font as the printed report draws it
    (font embedded, every hanzi mapped), rasterised by QtPdf as this page shows it, saved as a
    PNG. Raises `failed` with a Chinese reason; returns the detail line."""
    from ...reports.fonts import BUNDLED_FONT_FILE, bundled_font_path
    from ...reports.pdf_text import unicode_maps
    from ...statistics.charts import BAR, Series

    if not bundled_font_path().is_file():
        raise failed(f"找不到内置字体文件 {BUNDLED_FONT_FILE}，图表无法绘制。请重新安装程序")
    chart = Chart(BAR, "自检图表：党员年龄构成", list(SELF_CHECK_LABELS), [Series("人数", [12, 7, 30])], unit="人",
                  note="党建台账自检")
    data = chart_pdf(chart)
    if b"/FontFile2" not in data:
        raise failed("图表 PDF 中没有嵌入字体")
    wanted = {ch for ch in chart.title + "".join(SELF_CHECK_LABELS) if not ch.isspace()}
    unmapped = sorted(wanted - {chr(c) for c in unicode_maps(data)})
    if unmapped:
        raise failed(f"图表中这些字没有用内置字体排出：{'、'.join(unmapped)}")
    image = chart_image(chart, 960, data)
    colours = {image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}
    if image.isNull() or len(colours) < 4:
        raise failed("图表无法在界面中绘制（QtPdf 没有画出内容）")
    path = save_png(chart, Path(workdir) / "selftest-chart.png", data=data)
    return f"柱状图 PDF {len(data) // 1024} KB，界面绘制 {image.width()}×{image.height()}，PNG {path.stat().st_size // 1024} KB"
