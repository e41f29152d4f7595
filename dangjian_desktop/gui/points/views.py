"""What the panels of the 党员积分 page share: the Panel base (its Designer form, the page's
selection, changes run as kit Operations) and the set-up of their read-only tables."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QTableView, QWidget

from ...db import Database
from ..forms import load_form
from ..kit.operations import Operation
from ..table_export import add_table_export, tool_buttons


def setup_table(view: QTableView, model: QAbstractItemModel, *, sorting: bool = True, multi: bool = False,
                row_numbers: bool = True) -> QTableView:
    """A read-only table of whole rows over `model` (sorted by its first column unless `sorting` is off)."""
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSortingEnabled(sorting)
    if sorting:
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.verticalHeader().setVisible(row_numbers)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def selected_row(view: QTableView) -> Any:
    """The row object (RowModel.row) of the first selected row, or None."""
    sel = view.selectionModel()
    idx = sel.selectedRows() if sel is not None else []
    return view.model().row(idx[0].row()) if idx else None


def select_where(view: QTableView, found: Callable[[Any], bool]) -> None:
    """Select the first row for which `found(row)` holds (none: the selection stays as it is)."""
    for r, row in enumerate(view.model().rows):
        if found(row):
            view.selectRow(r)
            return


#: Rows a column's width is measured on (Qt's default, 1000, read 10,000 cells of a prefecture's
#: meeting list after every save: 0.34 s on the GUI thread); the texts of a column are alike.
FIT_ROWS = 100


def fit(view: QTableView, max_width: int = 300) -> None:
    """Columns as wide as their contents (up to max_width; measured on FIT_ROWS rows); the last
    one takes the rest."""
    header = view.horizontalHeader()
    header.setResizeContentsPrecision(FIT_ROWS)
    view.resizeColumnsToContents()
    for c in range(header.count() - 1):
        if header.sectionSize(c) > max_width:
            header.resizeSection(c, max_width)


def run_change(parent: QWidget | None, label: str, fn: Callable[[Database], Any], db: Database) -> Any:
    """Run the change `fn(db)` now as one Operation and return its result; its failure is raised
    (a dialog's save() shows it under its fields and stays open)."""
    op = Operation(parent, label, fn, db=db).failure(lambda _e: None).run()
    if op.error is not None:
        raise op.error
    return op.result


class Panel(QWidget):
    """One sub-tab of the page. It reads the page's selection (tab.db, office_id, year, org_id,
    settings()), tells what it did with `status` and asks for 撤销上一批 with `undo_requested`;
    message boxes and dialogs go to the page (`tab`, as kit.messages.slot expects). Every change
    runs as a kit Operation: the page hears it on the OperationBus and refreshes."""

    status = Signal(str)
    undo_requested = Signal()
    FORM = ""  # its Designer form in ui/

    def __init__(self, tab: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.tab = tab
        self.form = load_form(self.FORM, self)

    # ---- the page's selection ------------------------------------------------------------------
    @property
    def db(self) -> Database | None:
        return self.tab.db

    def ready(self) -> bool:
        """A database and a town to show."""
        return self.tab.db is not None and self.tab.office_id is not None

    def writable(self) -> bool:
        return self.ready() and not self.tab.db.readonly

    def editable(self) -> bool:
        """Writable, and the year is not locked."""
        return self.writable() and not self.tab.settings().locked

    # ---- changes ---------------------------------------------------------------------------------
    def change(self, label: str, fn: Callable[[Database], Any],
               done: Callable[[Any], None] | None = None) -> Operation:
        """Run `fn(db)` now as one Operation; `done(result)` after it succeeded (the page has refreshed)."""
        return Operation(self, label, fn, db=self.tab.db).success(done).run()

    def change_in_background(self, label: str, fn: Callable[[Database], Any],
                             done: Callable[[Any], None] | None = None,
                             failed: Callable[[BaseException], None] | None = None) -> Operation:
        """A change that may take long (an Excel import): off the GUI thread, progress after a delay;
        the page is held still until it ends. `failed(exc)` instead of the standard report."""
        op = Operation(self, label, fn, db=self.tab.db).success(done).failure(failed)
        self.tab.hold(True)
        return op.after(lambda: self.tab.hold(False)).run_in_background()

    def refresh(self) -> None:  # pragma: no cover - every panel defines it
        raise NotImplementedError


def table_out(panel: "Panel", view: QTableView, title: Callable[[], str], toolbar: str | None = None) -> list:
    """导出 Excel / 打印/PDF of `view` as shown (context menu; buttons at the end of the form's
    `toolbar` row when named), titled `title()` and the page's branch."""
    def named() -> str:
        tab = panel.tab
        text = title()
        if tab.db is not None and getattr(tab, "org_id", None):
            from ...points.scope import org_name

            text += f"（{org_name(tab.db, tab.org_id)}）"
        return text

    actions = add_table_export(view, panel.tab, named)
    if toolbar:
        row = panel.form.findChild(QHBoxLayout, toolbar)
        for b in tool_buttons(actions):
            row.addWidget(b)
    return actions
