"""星级党员公示: preview a branch's sheet of member stars (PDF) and save it (ui/points_stars_sheet.ui).

The preview is rebuilt when the paper or the start of the publicity changes; the PDF bytes live
in one buffer, replaced (and the old one released) with each preview.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from ... import dates
from ...db import Database
from ...errors import UserError, file_error
from ...filesave import write_bytes
from ...points import catalogue as cat
from ...points.common import office_of_org
from ..common import date_edit, iso_of, set_date
from ..errors import error_text
from ..kit.form_dialog import FormDialog
from ..kit.formatting import format_date
from ..kit.palette import HINT_HEX, RED_HEX, css
from ..screen_fit import fit_to_screen

try:  # QtPdf comes with the addons wheel; without it the sheet can still be saved
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    HAVE_QTPDF = True
except ImportError:  # pragma: no cover - depends on the installed wheels
    HAVE_QTPDF = False


class StarsSheetDialog(FormDialog):
    """Preview the branch's 星级党员 sheet and save it as PDF (`saved` carries the path written)."""

    FORM = "points_stars_sheet.ui"

    def __init__(self, db: Database, year: int, org_id: str, org_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.year, self.org_id, self.org_name = db, year, org_id, org_name
        self.pdf_bytes: bytes | None = None
        self._buffer: QBuffer | None = None
        d = self.dialog
        d.setWindowTitle(f"{org_name} {year}年度星级党员公示")
        self.paper, self.info = d.paperCombo, d.infoLabel
        self.refresh_button, self.save_button = d.refreshButton, d.saveButton
        self.start = date_edit(d.startEdit)
        settings = cat.year_settings(db, office_of_org(db, org_id), year)
        set_date(self.start, settings.publicity_start or dates.today())
        host = d.previewHost.layout()
        if HAVE_QTPDF:
            self.document = QPdfDocument(d)
            self.view = QPdfView()
            self.view.setDocument(self.document)
            self.view.setPageMode(QPdfView.PageMode.MultiPage)
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            host.addWidget(self.view)
        else:  # pragma: no cover
            self.document = None
            host.addWidget(QLabel("本机缺少 PDF 预览组件；仍可保存 PDF 后用其他软件打开。"))
        self.refresh_button.clicked.connect(self.build)
        self.save_button.clicked.connect(self._save_dialog)
        self.paper.currentIndexChanged.connect(self.build)
        self.start.dateChanged.connect(self.build)
        fit_to_screen(d, 820, 900, key="StarsSheetDialog")
        self.build()

    def options(self):
        from ...reports.member_stars import MemberStarsOptions

        return MemberStarsOptions(paper=self.paper.currentText(), start=iso_of(self.start))

    def build(self, *_args) -> None:
        from ...reports.member_stars import build_member_stars, prepare

        try:
            info = prepare(self.db, self.year, self.org_id, self.options())
            data = build_member_stars(self.db, self.year, self.org_id, None, self.options())
        except Exception as e:  # noqa: BLE001 - shown in the dialog
            self.pdf_bytes = None
            self._tell(error_text(e, list_from=2), RED_HEX)
            self.save_button.setEnabled(False)
            return
        self.pdf_bytes = data
        pages = self._show_pdf(data)
        counts = "，".join(f"{k}{v}人" for k, v in info.by_rating.items())
        self._tell(f"{info.rows}名党员（{counts}）；公示期{format_date(info.start)}至{info.end_text}"
                   + (f"；共{pages}页" if pages else "") + "。", HINT_HEX)
        self.save_button.setEnabled(True)

    def _show_pdf(self, data: bytes) -> int:
        """Load the PDF into the preview (releasing the previous buffer); its number of pages."""
        if self.document is None:
            return 0
        self.document.close()
        old, self._buffer = self._buffer, QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        if old is not None:
            old.close()
            old.deleteLater()
        return self.document.pageCount()

    def _tell(self, text: str, color: str) -> None:
        self.info.setStyleSheet(css(color))
        self.info.setText(text)

    def _save_dialog(self) -> None:
        name = f"{self.org_name}{self.year}年度星级党员公示.pdf"
        path, _ = QFileDialog.getSaveFileName(self.dialog, "保存 PDF", name, "PDF 文件 (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> Path | None:
        if self.pdf_bytes is None:
            return None
        try:
            write_bytes(path, self.pdf_bytes)
        except (OSError, UserError) as e:  # UserError: 磁盘空间不足
            self._tell((e if isinstance(e, UserError) else file_error(e, path)).message, RED_HEX)
            return None
        self.info.setText(f"已保存 {path}")
        self.saved.emit(path)
        return path

    def save(self) -> None:  # no OK button: 关闭 only
        return None
