"""公示表: the publicity sheet's options (paper, orientation, start of the period), its preview and the
line that says what it holds (ui/reports_preview.ui).

The page builds the PDF (off the GUI thread) and hands the bytes to `show_pdf`; the panel shows
them and keeps them for 保存 PDF. It sends up `options_changed` (paper, orientation or start
changed: the preview is out of date), `preview_requested` and `save_requested`.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from ... import dates
from ...reports.round_publicity import PublicityOptions
from ..common import date_edit, iso_of, set_date
from ..forms import load_form
from ..kit.palette import AMBER_HEX, GREEN_HEX, HINT_HEX, RED_HEX, css
from ..kit.plain_text import plain

try:  # QtPdf comes with the pyside6-pdf wheel; without it the sheet can still be saved
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    HAVE_QTPDF = True
except ImportError:  # pragma: no cover - depends on the installed wheels
    HAVE_QTPDF = False

ZOOMS = (("整页", "page"), ("适合宽度", "width"), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0), ("150%", 1.5))


class PreviewPanel(QWidget):
    options_changed = Signal()
    preview_requested = Signal()
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = f = load_form("reports_preview.ui", self)
        self.paper_combo, self.orientation_combo, self.start_edit = f.paperCombo, f.orientationCombo, f.startEdit
        self.preview_button, self.save_pdf_button, self.zoom_combo = f.previewButton, f.savePdfButton, f.zoomCombo
        self.info: QLabel = plain(f.previewInfo)  # an error, a warning or a file's path, as written
        self.pdf_bytes: bytes | None = None  # the sheet shown, saved as it is
        self.error: str | None = None  # why the sheet could not be made
        self.warnings: list[str] = []  # what is wrong with the publicity period (asked about before saving)
        self._buffer: QBuffer | None = None
        self.paper_combo.addItems(["A4", "A3"])
        self.orientation_combo.addItem("纵向", False)
        self.orientation_combo.addItem("横向", True)
        date_edit(self.start_edit)
        set_date(self.start_edit, dates.today())
        for text, value in ZOOMS:
            self.zoom_combo.addItem(text, value)
        holder = f.viewHolder.layout()
        if HAVE_QTPDF:
            self.pdf_document: QPdfDocument | None = QPdfDocument(self)
            self.pdf_view = QPdfView()
            self.pdf_view.setDocument(self.pdf_document)
            self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
            self.pdf_view.setPageSpacing(12)
        else:  # pragma: no cover - depends on the installed wheels
            self.pdf_document = None
            self.pdf_view = QLabel("本机缺少 PDF 预览组件，无法在程序内预览；仍可保存 PDF 后用其他软件打开查看。")
            self.pdf_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        holder.addWidget(self.pdf_view)
        self.zoom_combo.currentIndexChanged.connect(self._zoom_changed)
        for combo in (self.paper_combo, self.orientation_combo):
            combo.currentIndexChanged.connect(lambda _i: self.options_changed.emit())
        self.start_edit.dateChanged.connect(lambda _d: self.options_changed.emit())
        self.preview_button.clicked.connect(self.preview_requested)
        self.save_pdf_button.clicked.connect(self.save_requested)

    # ---- options ----------------------------------------------------------------------------------
    def options(self) -> PublicityOptions:
        return PublicityOptions(paper=self.paper_combo.currentText(),
                                landscape=bool(self.orientation_combo.currentData()), start=iso_of(self.start_edit))

    def paper_text(self, joiner: str = " ") -> str:
        """'A4 纵向' (joiner ''): the paper as chosen."""
        return f"{self.paper_combo.currentText()}{joiner}{self.orientation_combo.currentText()}"

    def set_start(self, day: dt.date) -> None:
        """The start of the publicity period, without telling that the options changed."""
        self.start_edit.blockSignals(True)
        set_date(self.start_edit, day)
        self.start_edit.blockSignals(False)

    def _zoom_changed(self, *_args) -> None:
        if not HAVE_QTPDF:
            return
        value = self.zoom_combo.currentData()
        if value == "page":
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
        elif value == "width":
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        else:
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.pdf_view.setZoomFactor(float(value))

    # ---- the sheet ----------------------------------------------------------------------------------
    def clear(self) -> None:
        """No sheet shown (the options or the data changed)."""
        self.pdf_bytes = None
        self.error = None
        self.warnings = []
        if self.pdf_document is not None:
            self.pdf_document.close()
        self._release_buffer()
        self.info.clear()

    def _release_buffer(self) -> None:
        """The closed document no longer reads its buffer: the buffer (the whole PDF) is freed now."""
        buf, self._buffer = self._buffer, None
        if buf is not None:
            buf.close()
            buf.deleteLater()

    def show_building(self) -> None:
        self.info.setStyleSheet("")
        self.info.setText("正在生成公示表…")

    def show_error(self, text: str) -> None:
        self.clear()
        self.error = text
        self.info.setStyleSheet(css(RED_HEX))
        self.info.setText(text)

    def show_pdf(self, data: bytes, *, note: str = "", warnings: list[str] | None = None) -> None:
        """Show the sheet; `note` says what it holds, `warnings` what is wrong with its period."""
        self.pdf_bytes = data
        self.error = None
        pages = 0
        if self.pdf_document is not None:
            self.pdf_document.close()
            self._release_buffer()
            buf = QBuffer(self)
            buf.setData(QByteArray(data))
            buf.open(QIODevice.OpenModeFlag.ReadOnly)
            self._buffer = buf  # the document reads from it for as long as it is shown
            self.pdf_document.load(buf)
            pages = self.pdf_document.pageCount()
        self.info.setStyleSheet(css(AMBER_HEX) if warnings else css(HINT_HEX))
        self.info.setText(note + f"预览：{self.paper_text()}" + (f"，共 {pages} 页" if pages else "") +
                          f"，{len(data) / 1024:.0f} KB。核对无误后点“保存 PDF”。"
                          + "".join(f"\n{w}" for w in warnings or ()))

    def show_saved(self, path) -> None:
        self.info.setStyleSheet(css(GREEN_HEX))
        self.info.setText(f"已保存：{path}")
