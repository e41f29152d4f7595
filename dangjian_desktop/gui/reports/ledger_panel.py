"""整改台账: the rectification ledger (ui/reports_ledger.ui), of every round or the current one,
open entries only on request; overdue entries in red.

The panel reads the ledger itself (assessment.rectification.list_rectifications) for the page's
database and round (`host.db`, `host.round_id`; `host.writable()`), and sends the clerk's requests up: `add_requested`,
`edit_requested(entry)`, `close_requested(entry)`, `reopen_requested(entry)`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QWidget

from ...assessment.rectification import Rectification, list_rectifications
from ..forms import load_form
from ..kit.palette import RED_HEX
from ..kit.row_model import set_rows_in_place
from ..table_columns import hide_when_uniform
from ..table_export import add_table_export, tool_buttons
from .models import L_MEASURE, L_PROBLEM, L_TOWN, LedgerModel

ALL_ROUNDS, THIS_ROUND = 0, 1  # the scope combo: problems outlive the round that found them


class LedgerPanel(QWidget):
    add_requested = Signal()
    edit_requested = Signal(object)  # Rectification
    close_requested = Signal(object)
    reopen_requested = Signal(object)

    def __init__(self, host: Any, parent: QWidget | None = None):
        """`host` is the page: its database and round, where the export's errors are shown."""
        super().__init__(parent)
        self.host = host
        self.form = f = load_form("reports_ledger.ui", self)
        self.scope, self.open_only, self.counts = f.scopeCombo, f.openOnlyCheck, f.countsLabel
        self.add_button, self.edit_button = f.addButton, f.editButton
        self.close_button, self.reopen_button = f.closeButton, f.reopenButton
        self.model = LedgerModel(self)
        self.view = view = f.ledgerView
        view.setModel(self.model)
        header = view.horizontalHeader()
        header.setSectionResizeMode(L_PROBLEM, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(L_MEASURE, QHeaderView.ResizeMode.Stretch)
        view.doubleClicked.connect(lambda *_: self._request(self.edit_requested))
        view.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        hide_when_uniform(view, L_TOWN)  # 乡镇
        row = f.findChild(QHBoxLayout, "buttonRow")
        for n, b in enumerate(tool_buttons(add_table_export(view, host, "整改台账"))):
            row.insertWidget(n, b)
        self.scope.currentIndexChanged.connect(lambda *_: self.refresh(place=False))
        self.open_only.toggled.connect(lambda *_: self.refresh(place=False))
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(lambda: self._request(self.edit_requested))
        self.close_button.clicked.connect(lambda: self._request(self.close_requested))
        self.reopen_button.clicked.connect(lambda: self._request(self.reopen_requested))

    def clear(self) -> None:
        self.model.set_rows([])

    def refresh(self, *_args, place: bool = True) -> None:
        """Read the entries again; the chosen ones stay chosen. After an edit (`place`), one no
        longer listed (销号 under 只看未销号) leaves the cursor on the entry in its place."""
        db = self.host.db
        if db is None:
            return
        round_id = self.host.round_id if self.scope.currentIndex() == THIS_ROUND else None
        rows = list_rectifications(db, round_id=round_id, open_only=self.open_only.isChecked())
        # The entry worked on stays current after its edit (销号 then acts on it, not the first one).
        set_rows_in_place(self.view, rows, "id", place=place)
        overdue = sum(1 for r in rows if r.overdue)
        open_n = sum(1 for r in rows if not r.closed)
        text = f"共 {len(rows)} 项，未销号 {open_n} 项"
        if overdue:
            text += f"，<span style='color:{RED_HEX}'><b>逾期 {overdue} 项</b></span>"
        self.counts.setText(text)
        self.update_buttons()

    def selected(self) -> Rectification | None:
        idx = self.view.currentIndex()
        return self.model.rows[idx.row()] if idx.isValid() else None

    def _request(self, signal) -> None:
        r = self.selected()
        if r is not None:
            signal.emit(r)

    def update_buttons(self) -> None:
        r = self.selected()
        writable = self.host.writable()
        self.add_button.setEnabled(writable)
        self.edit_button.setEnabled(writable and r is not None and not r.closed)
        self.close_button.setEnabled(writable and r is not None and not r.closed)
        self.reopen_button.setEnabled(writable and r is not None and r.closed)
