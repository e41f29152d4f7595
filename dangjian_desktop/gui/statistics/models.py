"""A tables.Table on screen: the kit's RowModel with the table's columns, shown as printed
(display_text), sorted by value; `current()` gives the table back in the order shown, which
is what 导出 Excel / 打印 write."""

from __future__ import annotations

from dataclasses import replace

from ...tables.model import Table, display_text
from ..kit.row_model import ALIGN_RIGHT, Col, RowModel


def _sort_value(value):
    if value is None or value == "":
        return None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def columns_of(table: Table) -> list[Col]:
    out = []
    for i, col in enumerate(table.columns):
        out.append(Col(col.label, (lambda r, i=i, col=col: display_text(r[i], col)),
                       ALIGN_RIGHT if col.numeric else None, sort=(lambda r, i=i: _sort_value(r[i]))))
    return out


class TableModel(RowModel):
    """The rows of one Table; sorting keeps the numbers' order (10 after 9)."""

    def __init__(self, parent=None):
        super().__init__([], parent)
        self.table: Table | None = None

    def set_table(self, table: Table | None) -> None:
        self.beginResetModel()
        self.table = table
        self.columns = columns_of(table) if table is not None else []
        self._sorted = None
        self.rows = list(table.rows) if table is not None else []
        self.endResetModel()

    def current(self) -> Table | None:
        """The table as shown now (the clerk's sort), for export."""
        if self.table is None:
            return None
        return replace(self.table, rows=list(self.rows))
