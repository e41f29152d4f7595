"""Under a branch's checklist: what the program's records say about the item the cursor is on
(assessment.figures: 三会一课 compliance, dues, the development pipeline, training, 民主评议,
visits, funds, talks, cadres), with a link that opens the 台账 page at that ledger for the branch.

It follows the sheet's table by itself (the model's reset, the view's current cell), so the items
panel only places it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView, QWidget

from ...assessment.figures import ChecklistFigures, item_text
from ...ledgers.evidence import topics_in_text
from ..kit.palette import HINT_HEX


class ItemFigures(QLabel):
    """The records' figures for the current checklist item (empty when they have none)."""

    def __init__(self, view: QTableView, model: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.view, self.model = view, model
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setAccessibleName("台账数据")
        self.figures: ChecklistFigures | None = None
        self.lines: list[str] = []
        self.topic: str | None = None
        model.modelReset.connect(self._reset)
        view.selectionModel().currentChanged.connect(lambda *_: self.show_current())
        self.linkActivated.connect(self.open_ledger)
        self.setVisible(False)

    def _reset(self) -> None:
        sheet, db = getattr(self.model, "sheet", None), getattr(self.model, "db", None)
        self.figures = ChecklistFigures(db, sheet.org_id, sheet.year) if sheet is not None and db is not None else None
        self.show_current()

    def show_current(self) -> None:
        idx = self.view.currentIndex()
        item = self.model.item_at(idx.row()) if idx.isValid() else None
        self.lines, self.topic = [], None
        if item is not None and self.figures is not None:
            text = item_text(item.title, item.standard)
            self.lines = self.figures.for_text(text)
            topics = topics_in_text(text)
            self.topic = topics[0] if topics else None
        if not self.lines:
            self.clear()
            self.setVisible(False)
            return
        link = (f"　<a href='ledger:{self.topic}'>在“台账”页查看</a>" if self.topic and self._ledgers_page() else "")
        body = "<br>".join(line.replace("&", "&amp;").replace("<", "&lt;") for line in self.lines)
        self.setText(f"<span style='color:{HINT_HEX}'><b>台账数据：</b>{body}</span>{link}")
        self.setVisible(True)

    def _ledgers_page(self):
        return getattr(self.window(), "ledgers_tab", None)

    def open_ledger(self, href: str) -> None:
        """Show the 台账 page at this ledger, for the sheet's branch and year."""
        page, win, sheet = self._ledgers_page(), self.window(), getattr(self.model, "sheet", None)
        if page is None or sheet is None or not hasattr(page, "show_ledger"):
            return
        page.show_ledger(href.split(":", 1)[-1], sheet.org_id, sheet.year)
        win.tabs.setCurrentWidget(page)
