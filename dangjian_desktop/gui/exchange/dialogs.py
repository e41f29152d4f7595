"""The receipt (回执) of one package: its text on screen, 打印 and 保存PDF."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from ...exchange import find_entry, receipt_pdf, receipt_text
from ...exchange.receipt import receipt_facts
from ..kit.messages import MessageHost, slot


def receipt_html(title: str, facts: list[tuple[str, str]], header: list[str], rows: list[list[str]]) -> str:
    """The core's receipt facts as a page: the facts, then the counts per kind of data."""
    cell = "style='padding: 3px 10px'"
    head = "".join(f"<th {cell}>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + f"<td {cell}>{escape(r[0])}</td>"
                   + "".join(f"<td {cell} align='right'>{escape(v)}</td>" for v in r[1:]) + "</tr>" for r in rows)
    lines = "".join(f"<tr><td {cell}>{escape(k)}</td><td {cell}><b>{escape(v)}</b></td></tr>" for k, v in facts)
    return (f"<h2 align='center'>{escape(title)}</h2><table>{lines}</table><br>"
            f"<table border='1' cellspacing='0'><tr>{head}</tr>{body}</table>"
            f"<p>请与对方通过电话核对双方的密钥指纹：指纹一致，才能确认数据包确实来自对方、只有对方能打开。</p>"
            f"<p>经办人签字：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿</p>")


class ReceiptDialog(QDialog, MessageHost):
    """数据交换回执 of one package, as the core words it (the same text the CLI prints)."""

    def __init__(self, db: Any, package_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.package_id = package_id
        self.setWindowTitle("数据交换回执")
        entry = find_entry(db, package_id)
        self.text = receipt_text(db, entry)
        self.html = receipt_html(*receipt_facts(db, entry))
        layout = QVBoxLayout(self)
        self.view = QTextBrowser(self)
        self.view.setHtml(self.html)
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
        self.resize(760, 660)

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
            doc.setHtml(self.html)
            doc.print_(printer)

        dlg.accepted.connect(chosen)
        dlg.open()
