"""One section of the 统计 page: a list of views (statistics.views.View) on the left, the picked
view's table and its chart on the right. The table's context menu takes that table out (in the
order shown); the chart's takes the chart out (PNG, PDF)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QListWidget, QMenu, QSplitter,
                               QTableView, QVBoxLayout, QWidget)

from ...statistics.views import View
from ...tables.model import Table
from ..kit.messages import slot
from ..kit.palette import HINT_HEX, css
from .chart_view import ChartView
from .models import TableModel


class StatSection(QWidget):
    """Views of one kind; `stale` until loaded for the page's current scope."""

    export_table_requested = Signal(str)  # "xlsx" | "pdf": the shown table alone
    export_chart_requested = Signal(str)  # "png" | "pdf": the shown chart

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.views: list[View] = []
        self.stale = True
        self.loading = False
        self.loaded_scope: tuple | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setFixedWidth(140)
        self.list.currentRowChanged.connect(self._show_view)
        row.addWidget(self.list)
        right = QSplitter(Qt.Orientation.Vertical)
        self.model = TableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.table.selectionModel().currentRowChanged.connect(self._row_picked)
        self.chart = ChartView()
        self.chart.export_png_requested.connect(lambda: self.export_chart_requested.emit("png"))
        self.chart.export_pdf_requested.connect(lambda: self.export_chart_requested.emit("pdf"))
        right.addWidget(self.table)
        right.addWidget(self.chart)
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 3)
        row.addWidget(right, 1)
        lay.addLayout(row, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(css(HINT_HEX))
        lay.addWidget(self.note)

    # ---- content ---------------------------------------------------------------------------
    def set_views(self, views: list[View], scope: tuple | None = None) -> None:
        keep = self.list.currentRow()
        self.views = list(views)
        self.stale = False
        self.loaded_scope = scope
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems([v.name for v in self.views])
        self.list.blockSignals(False)
        row = keep if 0 <= keep < len(self.views) else 0
        self.list.blockSignals(True)  # shown once, below (the signal would lay the view out twice)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._show_view(row)

    def clear(self, text: str = "") -> None:
        self.views = []
        self.list.clear()
        self.model.set_table(None)
        self.chart.set_chart(None)
        self.note.setText(text)

    def current_view(self) -> View | None:
        row = self.list.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def shown_table(self) -> Table | None:
        """The shown table in the order shown."""
        return self.model.current()

    def tables(self) -> list[Table]:
        """Every table of the section (the shown one as sorted on screen), each with its view's chart
        (drawn under it when printed), for 导出 / 打印."""
        shown = self.current_view()
        out = []
        for v in self.views:
            t = self.model.current() if v is shown else v.table
            if t is not None and t.chart is None and v.chart is not None:
                t = dataclasses.replace(t, chart=v.chart)
            out.append(t)
        return out

    @slot
    def _show_view(self, row: int) -> None:
        view = self.views[row] if 0 <= row < len(self.views) else None
        self.model.set_table(view.table if view else None)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.resizeColumnsToContents()
        for c in range(self.model.columnCount()):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c) + 8, 320))
        self.chart.set_chart(view.chart if view else None)
        if view is None:
            self.note.setText("")
            return
        notes = [n for n in view.table.notes if n]
        if view.row_chart is not None:
            notes.append("选中一行，图表显示该党组织逐年的总分。")
        self.note.setText("　".join(notes))

    @slot
    def _row_picked(self, current, _previous) -> None:
        view = self.current_view()
        if view is None or view.row_chart is None or not current.isValid():
            return
        row = self.model.row(current.row())
        index = next((i for i, r in enumerate(view.table.rows) if r is row), None)
        if index is not None:
            self.chart.set_chart(view.row_chart(index))

    def _table_menu(self, pos) -> None:
        if self.model.table is None:
            return
        menu = QMenu(self)
        menu.addAction(QAction("导出 Excel…", menu, triggered=lambda: self.export_table_requested.emit("xlsx")))
        menu.addAction(QAction("打印/PDF…", menu, triggered=lambda: self.export_table_requested.emit("pdf")))
        menu.popup(self.table.viewport().mapToGlobal(pos))
