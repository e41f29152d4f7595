"""Shared pieces of the 党员积分 tab: table views, error text, stars; the row model, colours and
messages it used to define here come from the kit (gui/kit/) and are re-exported until the tab moves."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

from . import common, errors
from .common import date_edit, iso_of, set_date, slot  # noqa: F401 - the points pages import them from here
from .kit.palette import AMBER, GREEN, GREY, RED, STAR_GOLD  # noqa: F401
from .kit.row_model import ALIGN_CENTER, ALIGN_RIGHT, Col  # noqa: F401
from .kit.row_model import RowModel as RowsModel  # noqa: F401


def table_view(model, *, sorting: bool = True, multi: bool = False) -> QTableView:
    """A read-only table of whole rows over `model` (sorted by its first column unless `sorting` is off)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setSortingEnabled(sorting)
    if sorting:
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def selected_row(view: QTableView) -> Any:
    """The row object (see RowsModel.row) of the first selected row, or None."""
    idx = view.selectionModel().selectedRows()
    return view.model().row(idx[0].row()) if idx else None


def fit(view, max_width: int = 300) -> None:
    """Columns as wide as their contents (up to max_width); the last one takes the rest."""
    header = view.horizontalHeader()
    view.resizeColumnsToContents()
    for c in range(header.count() - 1):
        if header.sectionSize(c) > max_width:
            header.resizeSection(c, max_width)


def error_text(exc: BaseException) -> str:
    """A single field message is shown as it is, several as a list."""
    return errors.error_text(exc, list_from=2)


def stars_text(stars: int | None) -> str:
    if stars is None:
        return "—"
    return "★" * stars if stars else "无星"


class Messages(common.Messages):
    """Message boxes of the 党员积分 tab: a single field message is shown as it is."""

    ERROR_STYLE = {"list_from": 2}
