"""三会一课: for each branch how many meetings of each kind were due and held by a date, the missing
months and quarters named (ui/points_compliance.ui)."""

from __future__ import annotations

import datetime as dt
from html import escape

from ... import dates
from ...meetings.compliance import compliance_table
from ..common import date_edit, iso_of, set_date
from ..kit.formatting import format_date
from ..kit.palette import GREEN_HEX, RED_HEX
from ..kit.row_model import RowModel
from .models import compliance_columns
from .views import Panel, fit, selected_row, setup_table, table_out


class CompliancePanel(Panel):
    FORM = "points_compliance.ui"

    def __init__(self, tab, parent=None):
        super().__init__(tab, parent)
        f = self.form
        self.as_of, self.view, self.detail = date_edit(f.asOfEdit), f.branchView, f.detailBrowser
        set_date(self.as_of, dates.today())
        self.model = RowModel(compliance_columns(), self)
        setup_table(self.view, self.model, multi=True)
        f.splitter.setStretchFactor(0, 3)
        f.splitter.setStretchFactor(1, 1)
        self.as_of.dateChanged.connect(lambda *_a: self.refresh())
        self.view.selectionModel().selectionChanged.connect(self._show_detail)
        table_out(self, self.view, lambda: f"{self.tab.year}年三会一课落实情况（截至"
                  f"{format_date(self.as_of_date().isoformat())}）", "asOfRow")

    def as_of_date(self) -> dt.date:
        return dates.parse_iso(iso_of(self.as_of))

    def refresh(self) -> None:
        tab = self.tab
        if not self.ready():
            self.model.set_rows([])
            self.detail.clear()
            return
        rows = compliance_table(tab.db, tab.year, office_id=tab.office_id, org_id=tab.org_id, as_of=self.as_of_date())
        self.model.set_rows(rows)
        fit(self.view, 260)
        if rows:
            self.view.selectRow(0)
        self._show_detail()

    def _show_detail(self, *_args) -> None:
        b = selected_row(self.view)
        if b is None:
            self.detail.clear()
            return
        lines = [f"<b>{escape(b.org_name)}</b>（{self.tab.year}年，截至{format_date(self.as_of_date().isoformat())}）"]
        for t in b.types.values():
            lines.append(f"<span style='color:{RED_HEX if t.missing else GREEN_HEX}'>{t.summary()}</span>")
        self.detail.setHtml("<br>".join(lines))
