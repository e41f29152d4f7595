"""The 台账 page: one tab per ledger (党费, 发展党员, 教育培训, 奖惩, 走访慰问, 谈心谈话, 党建工作经费,
后备干部与班子, 挂牌) over one scope (the town of a county database, a branch or all, a year).

Each sub-page reads its rows off the GUI thread and refreshes when the database's OperationBus says
one of its tables changed, whatever made the change; the page's own changes are kit Operations made
by the sub-pages' dialogs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QTabWidget, QVBoxLayout, QWidget

from ... import dates
from ...db import Database
from ...ledgers.common import FIRST_YEAR
from ..kit.messages import MessageHost
from ..kit.operations import bus_for
from ..kit.plain_text import plain
from ..scope_combos import fill_towns
from .dues_panel import DuesPanel
from .panels import (CadresPanel, FundsPanel, LedgerPanel, PlaquesPanel, RewardsPanel, TalksPanel, TrainingPanel,
                     VisitsPanel)
from .pipeline_panel import PipelinePanel

PANELS = ((DuesPanel, "党费(&D)"), (PipelinePanel, "发展党员(&Z)"), (TrainingPanel, "教育培训(&T)"),
          (RewardsPanel, "奖惩(&J)"), (VisitsPanel, "走访慰问(&W)"), (TalksPanel, "谈心谈话(&K)"),
          (FundsPanel, "党建工作经费(&M)"), (CadresPanel, "后备干部与班子(&G)"), (PlaquesPanel, "挂牌(&Q)"))


#: The sub-page of each topic a checklist item's figures come from (assessment sheet → 台账).
TOPIC_PANELS = {"dues": DuesPanel, "pipeline": PipelinePanel, "training": TrainingPanel, "rewards": RewardsPanel,
                "care": VisitsPanel, "talks": TalksPanel, "funds": FundsPanel, "cadres": CadresPanel,
                "committee": CadresPanel}


class LedgersPage(QWidget, MessageHost):
    exported = Signal(object)  # the Path of a file written

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.db: Database | None = None
        self._bus = None
        self.current_dialog = None
        self.last_receiver = ""
        self._county = False
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.town_label = QLabel("乡镇：")
        self.town_combo = QComboBox()
        self.town_combo.setMinimumContentsLength(8)
        self.org_combo = QComboBox()
        self.org_combo.setMinimumContentsLength(16)
        self.org_combo.setMaxVisibleItems(25)
        self.org_combo.setAccessibleName("党组织")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(FIRST_YEAR, 2100)  # the ledgers' first year: no record is dated before it
        self.year_spin.setValue(dates.today().year)
        self.year_spin.setSuffix(" 年")
        self.year_spin.setAccessibleName("年度")
        org_label, year_label = QLabel("党组织(&O)："), QLabel("年度(&Y)：")
        org_label.setBuddy(self.org_combo)
        year_label.setBuddy(self.year_spin)
        for w in (self.town_label, self.town_combo, org_label, self.org_combo, year_label, self.year_spin):
            bar.addWidget(w)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.tabs = QTabWidget()
        self.panels: list[LedgerPanel] = []
        for cls, title in PANELS:
            panel = cls(self)
            self.panels.append(panel)
            self.tabs.addTab(panel, title)
        lay.addWidget(self.tabs, 1)
        self.status = plain(QLabel())  # a file's path, shown as written
        lay.addWidget(self.status)
        self.town_combo.currentIndexChanged.connect(self._town_changed)
        self.org_combo.currentIndexChanged.connect(self._scope_changed)
        self.year_spin.valueChanged.connect(self._scope_changed)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())

    def panel(self, cls: type) -> LedgerPanel:
        return next(p for p in self.panels if isinstance(p, cls))

    # ---- database and scope ------------------------------------------------------------------
    def set_database(self, db: Database | None) -> None:
        if self._bus is not None:
            try:
                self._bus.changed.disconnect(self._heard)
            except (RuntimeError, TypeError):
                pass
        self.db = db
        # The page hears every change of its database from the bus (the main window's when there is one).
        self._bus = bus_for(db) if db is not None else None
        if self._bus is not None:
            self._bus.changed.connect(self._heard)
        for p in self.panels:
            p.stale = True
            p.forget()
        self._fill_scope()
        if self.isVisible():
            self.refresh()

    def _heard(self, changes) -> None:
        self.tables_changed(changes.tables)

    def tables_changed(self, tables) -> None:
        """Mark the sub-pages whose tables changed, and read the one on show again."""
        tables = set(tables or ())
        if tables & {"org", "office"}:
            self._fill_scope()
        for p in self.panels:
            if not tables or tables & (p.WATCHED | {"org", "office"}):
                p.stale = True
        if self.isVisible():
            self.refresh()

    def _fill_scope(self) -> None:
        self.town_combo.blockSignals(True)
        self._county = fill_towns(self.db, self.town_label, self.town_combo)
        self._fill_orgs()
        self.town_combo.blockSignals(False)

    def _fill_orgs(self) -> None:
        from ...ledgers.common import branches

        self.org_combo.blockSignals(True)
        self.org_combo.clear()
        self.org_combo.addItem("全部党组织", None)
        office = self.town_combo.currentData() if self._county else None
        if self.db is not None and self.db.local_office_id and (office or not self._county):
            for b in branches(self.db, office_id=office):
                self.org_combo.addItem(b["name"], b["id"])
        self.org_combo.blockSignals(False)

    def scope(self) -> dict:
        return {"office_id": self.town_combo.currentData() if self._county else None,
                "org_id": self.org_combo.currentData(), "year": self.year_spin.value(), "county": self._county}

    def _town_changed(self, _i: int) -> None:
        self._fill_orgs()
        self._scope_changed()

    def _scope_changed(self, *_a) -> None:
        for p in self.panels:
            p.stale = True
        self.refresh()

    # ---- showing -----------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Read the sub-page on show again when its scope or its data changed."""
        if self.isVisible():
            self.prepare()

    def prepare(self) -> None:
        """Read the current sub-page if its rows are not read yet: on show, or while the page is
        hidden and the window idle (tab_preparer.py)."""
        panel = self.tabs.currentWidget()
        if isinstance(panel, LedgerPanel) and panel.stale:
            panel.refresh()

    def show_ledger(self, topic: str, org_id: str, year: int) -> None:
        """Show a ledger (by its evidence topic) for a branch and year: the assessment sheet's link."""
        from ...ledgers.common import branch_row

        if self.db is None:
            return
        office = branch_row(self.db, org_id)["office_id"]
        if self._county:
            self.town_combo.setCurrentIndex(max(0, self.town_combo.findData(office)))
        self.org_combo.setCurrentIndex(max(0, self.org_combo.findData(org_id)))
        self.year_spin.setValue(int(year))
        cls = TOPIC_PANELS.get(topic)
        if cls is not None:
            self.tabs.setCurrentWidget(self.panel(cls))

    def saved_file(self, path) -> None:
        self.status.setText(f"已保存：{path}")
        self.exported.emit(Path(path))
