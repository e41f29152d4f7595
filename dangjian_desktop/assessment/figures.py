"""What the program's records say about each item of an assessment sheet: the meeting ledger's
compliance lines (meetings.compliance) and the other ledgers' figures (ledgers.evidence), as the
sheet on screen and the branch's Excel self-assessment form show them next to the item."""

from __future__ import annotations

import datetime as dt

from ..db import Database
from ..ledgers.evidence import BranchFigures


class ChecklistFigures(BranchFigures):
    """The figures of one branch and year for many checklist items, each ledger (and the meeting
    compliance) computed once."""

    def __init__(self, db: Database, org_id: str, year: int, as_of: dt.date | None = None):
        super().__init__(db, org_id, year, as_of)
        self._as_of_given = as_of
        self._compliance = None

    def for_text(self, text: str) -> list[str]:
        from ..meetings.compliance import compliance, kinds_in_text

        lines: list[str] = []
        kinds = kinds_in_text(text)
        if kinds:
            if self._compliance is None:
                self._compliance = compliance(self.db, self.org_id, self.year, self._as_of_given)
            lines = [self._compliance[k].summary() for k in kinds if k in self._compliance]
        return lines + super().for_text(text)


def item_text(title: str | None, standard: str | None) -> str:
    """The wording of a checklist item that figures are looked up by."""
    return " ".join(t for t in (title, standard) if t)


def sheet_figures(db: Database, sheet, as_of: dt.date | None = None) -> dict[str, list[str]]:
    """Item code -> the lines the records offer to that item of an assessment sheet
    (assessment.sheets.Sheet); items the records say nothing about are left out."""
    figures = ChecklistFigures(db, sheet.org_id, sheet.year, as_of)
    out = {}
    for it in sheet.items:
        lines = figures.for_text(item_text(it.title, it.standard))
        if lines:
            out[it.code] = lines
    return out
