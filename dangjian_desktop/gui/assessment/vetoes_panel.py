"""否决项, a sheet's page (ui/assessment_vetoes.ui): the vetoes the registry's data proves, for the
reviewer to confirm or dismiss (veto_proposals.VetoProposalsPanel), and the scheme's vetoes with
the facts of those triggered. Marking, clearing and adjusting are asked of the editor (signals)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QHeaderView, QTableWidgetItem, QWidget

from ...assessment import sheets as sh
from ...db import Database
from ..forms import load_form
from ..kit.formatting import format_date
from ..kit.palette import RED
from .veto_proposals import VetoProposalsPanel


class VetoesPanel(QWidget):
    mark_requested = Signal(object)  # the SheetVeto to mark triggered (or to adjust, once locked)
    clear_requested = Signal(object)  # the SheetVeto to clear
    adjust_requested = Signal(object)  # the SheetVeto to adjust after 确定
    decided = Signal()  # a proposal was confirmed or dismissed
    selection_changed = Signal()

    def __init__(self, tab: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.sheet: sh.Sheet | None = None
        f = load_form("assessment_vetoes.ui", self)
        self.table, self.hint = f.vetoTable, f.vetoHint
        self.set_button, self.clear_button, self.adjust_button = f.setButton, f.clearButton, f.adjustButton
        # The vetoes the registry's data proves, each for the reviewer to confirm or dismiss.
        self.proposals = VetoProposalsPanel(f)
        self.proposals.tab = tab  # its messages are the editor's
        self.proposals.decided.connect(self.decided)
        f.layout().insertWidget(0, self.proposals)
        t = self.table
        t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        t.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        t.setColumnWidth(0, 48)
        t.setColumnWidth(3, 120)
        self.set_button.clicked.connect(lambda: self._ask(self.mark_requested))
        self.clear_button.clicked.connect(lambda: self._ask(self.clear_requested))
        self.adjust_button.clicked.connect(lambda: self._ask(self.adjust_requested))
        t.doubleClicked.connect(lambda *_: self._ask(self.mark_requested))
        t.itemSelectionChanged.connect(self.selection_changed)

    def _ask(self, signal) -> None:
        v = self.selected()
        if v is not None:
            signal.emit(v)

    @property
    def pending(self) -> list:
        """The proposals waiting for the reviewer."""
        return self.proposals.pending

    def show_sheet(self, db: Database | None, sheet: sh.Sheet | None) -> None:
        """The sheet's vetoes; opening a sheet checks what its data proves."""
        self.sheet = sheet
        self.proposals.load(db if sheet is not None else None, sheet)
        t = self.table
        t.setRowCount(0)
        if sheet is None:
            return
        t.setRowCount(len(sheet.vetoes))
        for r, v in enumerate(sheet.vetoes):
            mark = QTableWidgetItem("✔" if v.triggered else "")
            mark.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if v.triggered:
                mark.setForeground(QBrush(RED))
            title = QTableWidgetItem(f"{v.code} {v.title}")
            title.setData(Qt.ItemDataRole.UserRole, v.code)
            fact = QTableWidgetItem(v.fact)
            day = QTableWidgetItem(format_date(v.found_on))
            for c, it in enumerate((mark, title, fact, day)):
                t.setItem(r, c, it)
        t.resizeRowsToContents()

    def selected(self) -> sh.SheetVeto | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if not rows or self.sheet is None:
            return None
        return self.sheet.vetoes[min(rows)]

    def update_buttons(self, writable: bool, locked: bool) -> None:
        v = self.selected()
        self.set_button.setEnabled(writable and not locked and v is not None)
        self.clear_button.setEnabled(writable and not locked and v is not None and v.triggered)
        self.adjust_button.setEnabled(writable and locked and v is not None)
