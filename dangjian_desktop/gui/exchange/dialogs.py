"""The receipt (回执) of one package: its text on screen, 打印 and 保存PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)

from ...exchange import find_entry, receipt_pdf, receipt_text
from ..kit.messages import MessageHost, slot


class ReceiptDialog(QDialog, MessageHost):
    """数据交换回执 of one package, as the core words it (the same text the CLI prints)."""

    def __init__(self, db: Any, package_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.package_id = package_id
        self.setWindowTitle("数据交换回执")
        self.text = receipt_text(db, find_entry(db, package_id))
        layout = QVBoxLayout(self)
        self.view = QPlainTextEdit(self.text, self)
        self.view.setReadOnly(True)
        font = QFont(self.view.font())
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.view.setFont(font)
        layout.addWidget(self.view)
        buttons = QDialogButtonBox(self)
        self.print_button = QPushButton("打印…", self)
        self.pdf_button = QPushButton("保存PDF…", self)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button.clicked.connect(self.choose_pdf)
        layout.addWidget(buttons)
        self.resize(720, 520)

    @slot
    def choose_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "保存回执", f"回执-{self.package_id}.pdf", "PDF 文件 (*.pdf)")
        if path:
            self.save_pdf(path)

    def save_pdf(self, path: str | Path) -> Path:
        """Write the receipt as an A4 PDF (the core's layout) and say where."""
        out = receipt_pdf(self.db, self.package_id, path)
        self.inform(f"已保存回执：{out}", "保存PDF")
        return Path(out)

    @slot
    def print_receipt(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dlg = QPrintDialog(printer, self)
        self._print_dialog = dlg

        def chosen() -> None:
            doc = QTextDocument()
            doc.setPlainText(self.text)
            doc.print_(printer)

        dlg.accepted.connect(chosen)
        dlg.open()
