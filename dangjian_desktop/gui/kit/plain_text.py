"""Texts a clerk typed or another office sent, shown as written and never read as markup.

QLabel, QMessageBox and tooltips take a text as rich text (HTML) whenever Qt.mightBeRichText()
says it looks like some, so a name such as "<b>张三</b>" would show in bold, and an <img> or <a> in
a note would load a file or make a link. Where a program's own rich text holds such a text, escape
it (html.escape); a label that shows data alone is made plain (`plain`); a tooltip, or a message
given to a static QMessageBox, goes through `literal`.
"""

from __future__ import annotations

from html import escape

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def plain(label: QLabel) -> QLabel:
    """`label`, set to show its text as written (Qt.TextFormat.PlainText)."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def literal(text: str | None) -> str:
    """`text` for a place that guesses whether a text is rich (a tooltip, a message box's text):
    unchanged when Qt would read it as plain text anyway, else as rich text that shows it as written
    (escaped, its line breaks and spaces kept)."""
    text = text or ""
    if not QtGui.Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{escape(text, quote=False)}</p>"
