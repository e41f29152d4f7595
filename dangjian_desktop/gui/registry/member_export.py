"""导出 Excel / 打印/PDF of the member table: every member matching the node and search, not only the
rows the on-demand model has fetched.

The model keeps the core's ordered id list (registry.member_table.member_ids, the current node,
search and sort); the rows are read for all of them here in chunks (member_rows), in that order,
in the background after the clerk chose the file,
with the view's visible columns in their on-screen order. ID numbers and phones stay exact text,
dates are kept as ISO dates (text in Excel), the rest as shown.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTableView

from ...db import Database
from ...progress import Progress
from ...registry.member_table import member_rows
from ...tables import DATE, EXACT, TEXT, Col, Table
from ..table_export import TableReader
from .member_model import COLUMNS, MemberTableModel

CHUNK = 500  # ids per query (well under SQLite's variable limit)
PROGRESS_CHUNKS = 20  # chunks between two progress reports
EXACT_KEYS = {"id_number", "phone"}
DATE_KEYS = {"birth_date": "birth_date", "join_date": "join_date"}


def _cell(column, row):
    if column.key in DATE_KEYS:
        return row[DATE_KEYS[column.key]] or None
    return column.show(row) or None


def member_table(view: QTableView, model: MemberTableModel, title: str, *, unit: str | None = None,
                 at=None) -> TableReader:
    """The member table as the view shows it, with every matching member (the model's whole id list).

    The columns and the members are taken now, on the GUI thread; the returned `read(db, progress)`
    reads their rows, to be run in the background (a prefecture's 294,000 members take seconds)."""
    header = view.horizontalHeader()
    shown = [header.logicalIndex(v) for v in range(header.count())]
    columns = [COLUMNS[c] for c in shown if not view.isColumnHidden(c)]
    kinds = [EXACT if c.key in EXACT_KEYS else DATE if c.key in DATE_KEYS else TEXT for c in columns]
    ids = list(model.ids)

    def read(db: Database, progress: Progress = lambda *_a: None) -> Table:
        rows = []
        for start in range(0, len(ids), CHUNK):
            if start and start % (CHUNK * PROGRESS_CHUNKS) == 0:
                progress(start, len(ids), f"已读出 {start} / {len(ids)} 名党员")
            chunk = ids[start:start + CHUNK]
            found = member_rows(db, chunk)
            rows.extend([_cell(c, found[mid]) for c in columns] for mid in chunk if mid in found)
        return Table(title, [Col(c.title, k) for c, k in zip(columns, kinds)], rows, unit=unit, at=at)

    return read
