"""The 党员积分 tab: 积分细则, 会议与考勤, 积分台账, 年度汇总 and 三会一课 over one town, year and branch.

The bar on top chooses the town (county databases), the year and a branch; every panel shows that
selection. The page owns no rule: it composes the panels, hosts their message boxes and dialogs,
and takes 撤销上一批 (button or Ctrl+Z inside the tab; the 编辑 menu leaves Ctrl+Z to it here). A
change of the points records offered on 编辑 → 撤销 (免评, 积分细则, 民主评议) and newer than the
last batch is what Ctrl+Z takes back instead: the newest change first.
Every change is a kit Operation; the page hears each committed unit of work on the database's
OperationBus (`changed`) and reloads the panel on show, the others when they are shown next.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QTabWidget, QVBoxLayout, QWidget

from ... import dates
from ...db import Database
from ...errors import UserError
from ...points import catalogue as cat
from ...points import scope
from ...points.batch import undo_last_batch, undoable_batch
from ...points.common import town_offices
from ..common import close_dialog, open_dialog
from ..kit.formatting import format_score
from ..kit.messages import MessageHost, slot
from ..kit.operations import Changes, Operation, OperationBus, bus_for
from ..kit.palette import GREEN_HEX, RED_HEX, css
from ..undo_menu import undo_owner
from .catalogue import CataloguePanel
from .compliance import CompliancePanel
from .ledger import LedgerPanel
from .meetings import MeetingsPanel
from .totals import TotalsPanel
from .views import Panel

#: Tables whose change the page shows.
POINTS_TABLES = frozenset({
    "points_item", "points_year", "points_entry", "points_batch", "points_exemption", "points_result", "meeting",
    "meeting_attendance", "meeting_photo", "member_review", "member", "org", "office", "committee_member",
    "committee_term", "member_event"})


def _points_record(table: str) -> bool:
    """A table of the points records themselves (not the registry they name): what the tab's own
    Ctrl+Z may take back through the 编辑 menu."""
    return table.startswith("points_") or table == "member_review"


class PointsTab(QWidget, MessageHost):
    """党员积分: catalogue, meetings and attendance, ledger, yearly totals and stars, 三会一课."""

    status_message = Signal(str)
    ERROR_STYLE = {"list_from": 2}  # a single field message is shown as it is

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.db: Database | None = None
        self.bus: OperationBus | None = None
        self.office_id: str | None = None
        self.year = dates.today().year
        self.org_id: str | None = None  # the chosen branch; None: the whole town
        self.current_dialog: Any = None
        self._stale: set[int] = set()
        self._settings = None
        self._refreshing = False
        self._again = False
        lay = QVBoxLayout(self)
        lay.addLayout(self._bar())
        self.tabs = QTabWidget()
        self.catalogue = CataloguePanel(self)
        self.meetings = MeetingsPanel(self)
        self.ledger = LedgerPanel(self)
        self.totals = TotalsPanel(self)
        self.compliance = CompliancePanel(self)
        for panel, title in ((self.catalogue, "积分细则"), (self.meetings, "会议与考勤"), (self.ledger, "积分台账"),
                             (self.totals, "年度汇总"), (self.compliance, "三会一课")):
            self.tabs.addTab(panel, title)
            panel.status.connect(self.status)
            panel.undo_requested.connect(self.undo_last)
        self.tabs.setCurrentWidget(self.meetings)
        lay.addWidget(self.tabs, 1)
        self.message = QLabel()
        self.message.setStyleSheet(css(GREEN_HEX))
        lay.addWidget(self.message)
        self.town_combo.currentIndexChanged.connect(self._town_changed)
        self.year_spin.valueChanged.connect(self._year_changed)
        self.branch_combo.currentIndexChanged.connect(self._branch_changed)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current())
        QShortcut(QKeySequence("Ctrl+Z"), self, activated=self.undo_key,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._set_enabled(False)

    def _bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.town_label = QLabel("乡镇：")
        self.town_combo = QComboBox()
        year_label = QLabel("年度(&Y)：")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, 2200)
        self.year_spin.setValue(self.year)
        self.year_spin.setSuffix(" 年")
        year_label.setBuddy(self.year_spin)
        branch_label = QLabel("党支部(&B)：")
        self.branch_combo = QComboBox()
        self.branch_combo.setMinimumWidth(240)
        branch_label.setBuddy(self.branch_combo)
        self.state_label = QLabel()
        for w in (self.town_label, self.town_combo, year_label, self.year_spin, branch_label, self.branch_combo):
            bar.addWidget(w)
        bar.addWidget(self.state_label, 1)
        return bar

    # ---- the database and the selection --------------------------------------------------------
    def set_database(self, db: Database | None) -> None:
        close_dialog(self)
        if self.bus is not None:
            if shiboken6.isValid(self.bus):  # the main window's bus may be gone with the window
                self.bus.changed.disconnect(self._on_changed)
            self.bus = None
        self.db = db
        self.office_id = None
        self.org_id = None
        self._settings = None
        self.message.clear()
        self.town_combo.blockSignals(True)
        self.town_combo.clear()
        if db is not None:
            self.bus = bus_for(db)  # the main window's bus (or one of its own when shown alone)
            self.bus.changed.connect(self._on_changed)
            try:
                offices = town_offices(db)
            except UserError:
                offices = []
            for o in offices:
                self.town_combo.addItem(o["name"], o["id"])
            self.office_id = offices[0]["id"] if offices else None
            self.year = scope.default_year(db, self.office_id)
            self.year_spin.blockSignals(True)
            self.year_spin.setValue(self.year)
            self.year_spin.blockSignals(False)
        self.town_combo.blockSignals(False)
        several = self.town_combo.count() > 1
        self.town_label.setVisible(several)
        self.town_combo.setVisible(several)
        self._fill_branches()
        self._set_enabled(db is not None and self.office_id is not None)
        self.refresh_all()

    def _fill_branches(self) -> None:
        keep = self.org_id
        self.branch_combo.blockSignals(True)
        self.branch_combo.clear()
        self.branch_combo.addItem("（全部党支部）", None)
        if self.db is not None and self.office_id is not None:
            for b in scope.branches(self.db, self.office_id):
                self.branch_combo.addItem(b.label, b.id)
        i = self.branch_combo.findData(keep) if keep else 0
        self.branch_combo.setCurrentIndex(max(0, i))
        self.org_id = self.branch_combo.currentData()
        self.branch_combo.blockSignals(False)

    def _set_enabled(self, on: bool) -> None:
        self._hold(not on)
        if not on:
            self.state_label.setText("未打开数据库" if self.db is None else "数据库中还没有乡镇")

    def _hold(self, held: bool) -> None:
        for w in (self.tabs, self.year_spin, self.branch_combo, self.town_combo):
            w.setEnabled(not held)

    def hold(self, held: bool) -> None:
        """While one of the page's changes runs off the GUI thread, nothing else is changed or read here."""
        self._hold(held or self.db is None or self.office_id is None)

    def _town_changed(self, *_args) -> None:
        self.office_id = self.town_combo.currentData()
        self.org_id = None
        self._fill_branches()
        self.refresh_all()

    def _year_changed(self, value: int) -> None:
        self.year = int(value)
        self.refresh_all()

    def _branch_changed(self, *_args) -> None:
        self.org_id = self.branch_combo.currentData()
        self.refresh_all()

    def select_branch(self, org_id: str | None) -> None:
        i = self.branch_combo.findData(org_id)
        if i >= 0:
            self.branch_combo.setCurrentIndex(i)

    def branch_id(self) -> str | None:
        return self.org_id

    def root_org_id(self) -> str | None:
        if self.db is None or self.office_id is None:
            return None
        return scope.root_org(self.db, self.office_id)

    def settings(self):
        """The year's settings (base score, lock), read once per refresh."""
        if self._settings is None and self.db is not None and self.office_id is not None:
            self._settings = cat.year_settings(self.db, self.office_id, self.year)
        return self._settings

    # ---- refreshing ---------------------------------------------------------------------------------
    def panels(self) -> list[Panel]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def refresh_all(self) -> None:
        """Everything shows the selection anew: the panel on show now, the others when shown."""
        if self._refreshing:  # a change made while a panel loads (its year's catalogue): once more after
            self._again = True
            return
        self._settings = None
        self._stale = set(range(self.tabs.count()))
        self._update_state()
        self._refresh_current()

    def _refresh_current(self) -> None:
        i = self.tabs.currentIndex()
        if i not in self._stale or not self.isVisible():
            # Behind another page of the window (a member saved in 组织台账): read when shown. At a
            # prefecture the meetings list alone took 70 ms of every save there.
            return
        self._stale.discard(i)
        self._refreshing = True
        try:
            self.tabs.widget(i).refresh()
        except Exception as e:  # noqa: BLE001 - a broken view must not take the window down
            self.show_error(e, "无法显示")
        finally:
            self._refreshing = False
        if self._again:
            self._again = False
            self.refresh_all()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._refresh_current()  # what changed while another page was shown

    def _update_state(self) -> None:
        s = self.settings()
        if s is None:
            return
        self.state_label.setText(f"　{self.year}年度基础分{format_score(s.base_score)}分" +
                                 (f"　<b style='color:{RED_HEX}'>已锁定</b>" if s.locked else "") +
                                 ("　（只读）" if self.db is not None and self.db.readonly else ""))

    def _on_changed(self, changes: Changes) -> None:
        """A unit of work was committed on the database (from this page or anywhere else)."""
        if self.db is None or not changes.touches(POINTS_TABLES):
            return
        if changes.touches("org", "office"):
            self._fill_branches()
        self.refresh_all()

    def status(self, text: str) -> None:
        self.message.setText(text)
        self.status_message.emit(text)

    # ---- dialogs and 撤销上一批 ---------------------------------------------------------------------
    def open_dialog(self, wrapper) -> Any:
        """Open a panel's dialog window-modally; it is kept in `current_dialog` while open."""
        return open_dialog(self, wrapper)

    @slot
    def undo_key(self, *_args) -> None:
        """Ctrl+Z inside the tab: the 编辑 menu's next undo when it is a change of the points records
        made after the last batch (a 免评 just marked, a catalogue item, a review), else 撤销上一批."""
        menu, db = undo_owner(self), self.db
        change = menu.stack.next_undo() if menu is not None and menu.action_undo.isEnabled() else None
        if db is not None and change is not None and all(_points_record(c.table) for c in change.rows):
            b = undoable_batch(db, self.office_id) if self.office_id else None
            if b is None or b.tx_id < change.tx_ids[-1]:
                menu.action_undo.trigger()
                return
        self.undo_last()

    @slot
    def undo_last(self, *_args) -> None:
        db, office = self.db, self.office_id
        b = undoable_batch(db, office) if db is not None and office else None
        if b is None or db.readonly:
            return
        what = "会议、考勤和" if b.kind == "会议" else ""
        self.ask(f"撤销上一批录入？\n{b.describe()}\n\n{what}这批积分记录将被删除（操作会记入变更日志）。", "撤销上一批",
                 lambda: Operation(self, "撤销上一批", lambda d: undo_last_batch(d, office)).success(
                     lambda _r: self.status(f"已撤销：{b.title}")).run(),
                 yes_text="撤销")
