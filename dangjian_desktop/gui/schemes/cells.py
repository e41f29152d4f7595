"""What the scheme editor's tables share: reading a typed number, the 计分方式 combo and read-only
cells, rows one text line high, short tables as tall as their rows, a widget put in the place a
Designer form keeps for it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QTableWidget, QWidget

from ...schemes import model as m

ROLE = Qt.ItemDataRole.UserRole


def parse_number(text: str) -> float | int | None:
    """'12', '12.5', '3分' -> the number; '' -> None; anything else (also 'nan' and numbers beyond
    MAX_NUMBER) -> ValueError naming the text."""
    t = text.strip().replace("分", "")
    if not t:
        return None
    try:
        v = float(t)
    except ValueError:
        raise ValueError(f"“{text}”不是数字") from None
    if v != v or abs(v) > m.MAX_NUMBER:
        raise ValueError(f"“{text}”不是合理的分数（不能超过 {m.MAX_NUMBER}）")
    return m.norm_number(v)


def compact(table: QTableWidget) -> None:
    """Rows one text line high (the default leaves a lot of air)."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)


def fit_height(table: QTableWidget, max_rows: int = 8) -> None:
    """Make a short table exactly as tall as its rows (up to max_rows, then scroll)."""
    rows = max(1, min(table.rowCount(), max_rows))
    h = table.horizontalHeader().sizeHint().height() + rows * table.verticalHeader().defaultSectionSize()
    table.setFixedHeight(h + 2 * table.frameWidth() + 2)


def put_in_place(placeholder: QWidget, widget: QWidget) -> QWidget:
    """`widget` takes the place of the form's `placeholder` in its layout (the placeholder goes)."""
    layout = placeholder.parentWidget().layout()
    layout.replaceWidget(placeholder, widget)
    placeholder.setParent(None)
    placeholder.deleteLater()
    return widget


class KindDelegate(QStyledItemDelegate):
    """A combo box for the 计分方式 column."""

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt API
        box = QComboBox(parent)
        box.addItems(list(m.SCORING_LABELS.values()))
        return box

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentText(index.data() or m.SCORING_LABELS[m.POINTS])

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentText())


class ReadOnlyDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):  # noqa: N802
        return None
