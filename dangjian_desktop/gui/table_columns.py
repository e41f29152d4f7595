"""Columns that say nothing: a town database's 乡镇 column holds one town in every row and only takes
the room the branch names need. Such a column is hidden while all rows hold the same value."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView


def hide_when_uniform(view: QTableView, column: int) -> None:
    """Hide `column` of the view while every row shows the same text in it (shown again when they differ).

    Follows the view's model (resets, rows added or removed, re-sorting, edits).
    """
    model = view.model()

    def update(*_args) -> None:
        values = {model.index(row, column).data(Qt.ItemDataRole.DisplayRole) for row in range(model.rowCount())}
        view.setColumnHidden(column, len(values) <= 1)

    for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged, model.dataChanged):
        signal.connect(update)
    update()
