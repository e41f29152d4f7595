"""Texts a clerk typed or another office sent (names, notes, topics, file names) show as written in
labels, message boxes and tooltips, never read as markup: "<b>张三</b>" shows its tags."""

from __future__ import annotations

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

from dangjian_desktop.gui.kit.messages import info_box, question_box
from dangjian_desktop.gui.kit.plain_text import literal, plain
from dangjian_desktop.gui.kit.row_model import Col, RowModel

pytestmark = pytest.mark.gui

MARKUP = "<b>张三</b><img src='x.png'> & <a href='x'>链接</a>"


def shown(rich_or_plain: str) -> str:
    """What a place that guesses the format (a tooltip) shows of a text."""
    doc = QTextDocument()
    if QtGui.Qt.mightBeRichText(rich_or_plain):
        doc.setHtml(rich_or_plain)
    else:
        doc.setPlainText(rich_or_plain)
    return doc.toPlainText()


def test_literal_shows_a_text_as_written_and_leaves_plain_text_alone(qtbot):
    for text in (MARKUP, f"党员 {MARKUP}\n第二行  两个空格", "<i>备注</i>"):
        assert shown(literal(text)) == text
    assert literal("普通的备注\n第二行") == "普通的备注\n第二行"  # nothing changes where Qt reads plain text
    assert literal(None) == ""
    label = QLabel(MARKUP)
    qtbot.addWidget(label)
    assert plain(label) is label and label.textFormat() == Qt.TextFormat.PlainText


def test_message_boxes_show_their_text_as_written(qtbot):
    for box in (info_box(QMessageBox.Icon.Information, "提示", f"已删除“{MARKUP}”", None),
                question_box("删除党员", f"删除党员“{MARKUP}”？", None)):
        qtbot.addWidget(box)
        assert box.textFormat() == Qt.TextFormat.PlainText and MARKUP in box.text()


def test_a_table_tooltip_shows_a_note_as_written(qtbot):
    model = RowModel([Col("备注", "note", tip=lambda r: r["note"] or None)])
    model.set_rows([{"note": MARKUP}, {"note": "普通"}, {"note": ""}])
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert shown(tip) == MARKUP
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == "普通"
    assert model.data(model.index(2, 0), Qt.ItemDataRole.ToolTipRole) is None


def test_a_package_from_another_office_shows_its_texts_as_written(qtbot):
    """The sender, file name and refusal of a package (made by another office) show literally."""
    from dangjian_desktop.exchange import PackageRefused
    from dangjian_desktop.gui.exchange.transfer import TransferPanel

    panel = TransferPanel(None)
    qtbot.addWidget(panel)
    for label in (panel.sender_label, panel.file_label, panel.fingerprint_label, panel.date_label):
        assert label.textFormat() == Qt.TextFormat.PlainText
    panel._refused(PackageRefused("sender", f"发送单位“{MARKUP}”不是本县的乡镇"))
    assert f"发送单位“{MARKUP}”" in shown_label(panel.status_label)


def shown_label(label: QLabel) -> str:
    """What a label shows: its rich text as plain text, or its text."""
    if label.textFormat() == Qt.TextFormat.PlainText or (
            label.textFormat() == Qt.TextFormat.AutoText and not QtGui.Qt.mightBeRichText(label.text())):
        return label.text()
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()
