"""导出 Excel and 打印/PDF for any table a clerk sees, through the one shared writer (tables.save_tables).

    actions = add_table_export(view, page, "2025年度评定结果")   # context menu; the actions for a toolbar

The table is taken as shown: the view's rows in their current order (its proxy's filter and
sort), its visible columns, the texts as displayed. A column is kept as numbers when every cell
of it reads as a number (a percentage as a fraction), as exact text when its header names an ID
number or a phone, and as text otherwise; the writer makes the title row, frozen header,
filter and print titles, and the PDF goes through the privacy guard.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QTableView, QToolButton, QWidget

from .. import dates
from ..errors import UserError
from ..tables import EXACT, NUMBER, PERCENT, TEXT, Col, Table
from ..tables.sources import office_name
from .kit.messages import report_error
from .kit.operations import Query
from .kit.row_model import MUTED_ROLE, RowModel

# A table read in the background: reader(db, progress) -> Table (progress(done, total, text)).
TableReader = Callable[..., Table]

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_PERCENT = re.compile(r"^[+-]?\d+(?:\.\d+)?%$")
READ_STEP = 5000  # rows between two progress reports of a table read in the background
EXACT_HEADERS = ("身份证", "电话", "手机", "证件", "数据包编号", "指纹")  # codes stay exact text


def _code_like(text: str) -> bool:
    """Digits that are a code, not a quantity: a leading zero, or more than Excel's 15 digits (an ID number)."""
    t = text.strip()
    return t.isdigit() and ((len(t) > 1 and t[0] == "0") or len(t) > 15)


def _kind(header: str, texts: list[str]) -> str:
    if any(word in header for word in EXACT_HEADERS):
        return EXACT
    filled = [t for t in texts if t.strip()]
    if any(_code_like(t) for t in filled):
        return EXACT
    if filled and all(_NUMBER.match(t.strip()) for t in filled):
        return NUMBER
    if filled and all(_PERCENT.match(t.strip()) for t in filled):
        return PERCENT
    return TEXT


def _value(text: str, kind: str):
    t = text.strip()
    if not t:
        return None
    if kind == NUMBER:
        return int(t) if re.fullmatch(r"[+-]?\d+", t) else float(t)
    if kind == PERCENT:
        return float(t[:-1]) / 100
    return text


def _shown_columns(view: QTableView) -> tuple[list[int], list[str]]:
    """The view's visible columns in their on-screen order, and their headers."""
    model = view.model()
    header = view.horizontalHeader()
    columns = [header.logicalIndex(v) for v in range(header.count())]
    columns = [c for c in columns if not view.isColumnHidden(c)]
    heads = [str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "") for c in columns]
    return columns, heads


def _table(title: str, heads: list[str], texts: list[list[str]], muted: frozenset[int], *, unit, at,
           notes: tuple[str, ...]) -> Table:
    kinds = [_kind(h, [row[i] for row in texts]) for i, h in enumerate(heads)]
    rows = [[_value(t, k) for t, k in zip(row, kinds)] for row in texts]
    return Table(title, [Col(h, k) for h, k in zip(heads, kinds)], rows, unit=unit, at=at, notes=list(notes),
                 muted_rows=muted)


def table_of_view(view: QTableView, title: str, *, unit: str | None = None, at=None,
                  notes: tuple[str, ...] = ()) -> Table:
    """The table as the view shows it now (rows in view order, visible columns, displayed texts)."""
    model = view.model()
    columns, heads = _shown_columns(view)
    shown = [r for r in range(model.rowCount()) if not view.isRowHidden(r)]
    texts = [[str(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole) or "") for c in columns] for r in shown]
    muted = frozenset(n for n, r in enumerate(shown) if model.data(model.index(r, 0), MUTED_ROLE))
    return _table(title, heads, texts, muted, unit=unit, at=at, notes=notes)


def reader_of_view(view: QTableView, title: str, *, unit: str | None = None, at=None) -> TableReader | None:
    """The table as the view shows it now, read in the background: for a plain RowModel (its texts
    are its columns' functions of its rows) the rows in their order and the visible columns are
    taken at once, and the texts made off the GUI thread (a county's 党费 or 教育培训 ledger holds
    30,000 to 70,000 rows: asking the model for each cell took 1.5 to 2.5 s before the file dialog
    opened). None for any other model (table_of_view reads it as shown)."""
    model = view.model()
    if (not isinstance(model, RowModel) or type(model).data is not RowModel.data
            or view.verticalHeader().hiddenSectionCount()):
        return None
    columns, heads = _shown_columns(view)
    cols = [model.columns[c] for c in columns]
    rows = list(model.rows)  # as sorted on screen: a RowModel sorts its own rows

    def read(_db, progress) -> Table:
        texts = []
        for n, row in enumerate(rows):
            if n % READ_STEP == 0:
                progress(n, len(rows), f"正在读取第 {n + 1} 行")
            texts.append([col.text(row) for col in cols])
        return _table(title, heads, texts, frozenset(), unit=unit, at=at, notes=())

    return read


def add_table_export(view: QTableView, host: QWidget, title: str | Callable[[], str], *,
                     take: Callable[[str, str, object], "Table | TableReader"] | None = None) -> list[QAction]:
    """Put 导出 Excel… and 打印/PDF… on the view's context menu; returns them (a toolbar may add them too).
    `host` has the database (`host.db`) and shows the errors; `title` may be a function (the round, the year).
    `take(title, unit, at)` builds the table itself when the view holds only part of it (a model that
    fetches its rows on demand asks the core for the same selection), or returns a TableReader that
    reads it in the background once the file is chosen; default: table_of_view."""
    def export(kind: str) -> None:
        name = title() if callable(title) else title
        if host.db is None or view.model() is None or view.model().rowCount() == 0:
            report_error(host, UserError("没有可导出的表格。"))
            return
        unit, at = office_name(host.db), dates.today()
        table = (take(name, unit, at) if take is not None
                 else reader_of_view(view, name, unit=unit, at=at) or table_of_view(view, name, unit=unit, at=at))
        dlg = QFileDialog(host, "保存", str(Path.home() / f"{name}.{kind}"),
                          "Excel 工作簿 (*.xlsx)" if kind == "xlsx" else "PDF 文件 (*.pdf)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix(kind)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.fileSelected.connect(lambda path: save_view_table(host, table, path))
        dlg.finished.connect(lambda _r: _forget(host, dlg))  # the page never closes a deleted dialog
        host.current_dialog = dlg
        dlg.open()

    excel = QAction("导出 Excel…", view, triggered=lambda: export("xlsx"))
    pdf = QAction("打印/PDF…", view, triggered=lambda: export("pdf"))
    if view.contextMenuPolicy() != Qt.ContextMenuPolicy.CustomContextMenu:
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.addAction(excel)
        view.addAction(pdf)
    return [excel, pdf]


def _forget(host: QWidget, dlg: QFileDialog) -> None:
    if getattr(host, "current_dialog", None) is dlg:
        host.current_dialog = None


def save_view_table(host: QWidget, table: "Table | TableReader", path: str | Path) -> Query:
    """Write the table off the GUI thread (the PDF's privacy guard reads the database's numbers);
    a TableReader reads the table there first, telling how far it got."""
    from ..tables import save_tables

    target = Path(path)

    def work(db, progress) -> Path:
        whole = table(db, progress) if callable(table) else table
        progress(0, 0, f"共 {len(whole.rows)} 行")
        return save_tables([whole], target, db=db, progress=progress)

    return Query(host, f"正在保存“{target.name}”……", work, takes_progress=True,
                 stops_at_progress=True).run_in_background()


def tool_buttons(actions: list[QAction]) -> list[QToolButton]:
    """The actions as buttons for a page's row of buttons (the toolbar of a table)."""
    out = []
    for action in actions:
        b = QToolButton()
        b.setDefaultAction(action)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        out.append(b)
    return out
