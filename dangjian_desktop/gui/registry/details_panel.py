"""组织信息: the selected node's details, its committee and term, with the buttons that change them.

The layout is the Designer form ui/registry_details.ui; the buttons send signals up to the page.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidgetItem, QWidget

from ... import dates
from ...db import Database
from ...registry.offices import LEVELS
from ...registry.orgs import TermInfo, committee, current_term
from ...registry.tree import GROUP, OrgTree
from ...registry.warnings import DUE_SOON_DAYS
from ..forms import load_form
from ..kit.formatting import format_date
from ..kit.palette import AMBER_HEX, RED_HEX
from .models import Key

KEY_ROLE = Qt.ItemDataRole.UserRole
ORG_TYPES_SHOWN = ("党委", "党总支", "党支部", "党小组")


def _red(text: str) -> str:
    return f"<span style='color:{RED_HEX}'>{text}</span>"


def term_state(term: TermInfo) -> str:
    """'还有120天届满', amber when the term ends within DUE_SOON_DAYS, red once it is over."""
    left = term.days_left(dates.today())
    if left < 0:
        return _red(f"已超期{-left}天未换届")
    if left <= DUE_SOON_DAYS:
        return f"<span style='color:{AMBER_HEX}'>还有{left}天届满</span>"
    return f"还有{left}天届满"


class DetailsPanel(QWidget):
    """The details of one node of the tree; `show_node` fills them in."""

    new_term = Signal()
    extend_term = Signal()
    appoint = Signal()
    end_committee_member = Signal()
    set_group_leader = Signal()
    committee_selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.box = load_form("registry_details.ui", self)
        f = self.box
        self.labels: dict[str, QLabel] = {k: getattr(f, f"{k}Value") for k in (
            "name", "type", "kind", "founded", "leader", "phone", "address", "orgs", "members")}
        for k, label in self.labels.items():  # the clerks' texts as written, never as markup
            label.setTextFormat(Qt.TextFormat.RichText if k == "leader" else Qt.TextFormat.PlainText)
        self.forms = (f.leftForm, f.rightForm)
        self.term_label = f.termLabel
        self.committee_table = ct = f.committeeTable
        self.button_group_leader = f.groupLeaderButton
        self.button_new_term, self.button_extend_term = f.newTermButton, f.extendTermButton
        self.button_appoint, self.button_end_cm = f.appointButton, f.endCommitteeButton
        ct.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        ct.verticalHeader().setDefaultSectionSize(ct.fontMetrics().height() + 6)
        ct.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # The buttons stand beside the table, so it shows four members in the height of the four buttons.
        ct.setMaximumHeight(ct.verticalHeader().defaultSectionSize() * 7
                            + ct.horizontalHeader().sizeHint().height() + 4)
        ct.itemSelectionChanged.connect(self.committee_selection_changed)
        for button, signal in ((self.button_new_term, self.new_term), (self.button_extend_term, self.extend_term),
                               (self.button_appoint, self.appoint), (self.button_end_cm, self.end_committee_member),
                               (self.button_group_leader, self.set_group_leader)):
            button.clicked.connect(lambda _c=False, s=signal: s.emit())
        self.term_widgets = (self.term_label, ct, self.button_new_term, self.button_extend_term,
                             self.button_appoint, self.button_end_cm)
        self.current_term: TermInfo | None = None  # of the organisation shown

    def add_export(self, host: QWidget) -> list:
        """导出 Excel / 打印/PDF of the committee as shown, from the table's context menu (the buttons
        beside it are as tall as the table: no room for more)."""
        from ..table_export import add_table_export

        return add_table_export(self.committee_table, host, lambda: f"{self.labels['name'].text()}支委班子成员")

    def _row_visible(self, widget: QWidget, visible: bool) -> None:
        for form in self.forms:
            if form.indexOf(widget) >= 0:
                form.setRowVisible(widget, visible)

    def clear(self) -> None:
        for lbl in self.labels.values():
            lbl.clear()
        self.committee_table.setRowCount(0)
        self.term_label.clear()
        self.current_term = None

    def show_member_count(self, tree, key) -> None:
        """The members under the node shown (also when only the counts were re-read after a change)."""
        if tree is None or key is None:
            return
        if key[0] == "office":
            self.labels["members"].setText(f"{tree.office_counts(key[1]).total} 人（不含已转出、去世等）")
            return
        org = tree.orgs.get(key[1])
        if org is None:
            return
        counts = tree.count(key[1])
        self.labels["members"].setText(f"{counts.total} 人" if org["org_type"] == GROUP else
                                       f"{counts.total} 人（正式党员 {counts.full}，预备党员 {counts.probationary}）")

    def show_node(self, db: Database, tree: OrgTree, key: Key | None, *, writable: bool) -> None:
        """Show an office or organisation of `tree` (None: nothing)."""
        self.clear()
        if key is None:
            return
        labels = self.labels
        office_node = key[0] == "office"
        for k in ("kind", "founded", "phone", "address"):
            self._row_visible(labels[k], not office_node)
        org = None if office_node else db.get("org", key[1])
        is_group = org is not None and org["org_type"] == GROUP
        self._row_visible(labels["leader"], is_group)
        self._row_visible(self.button_group_leader, is_group)
        self.button_group_leader.setEnabled(is_group and writable)
        ids = tree.office_org_ids(key[1]) if office_node else tree.subtree(key[1])
        per_type = tree.kinds_below(ids, exclude=key[1])
        labels["orgs"].setText("，".join(f"{t} {per_type[t]} 个" for t in ORG_TYPES_SHOWN if per_type.get(t)) or "无")
        if office_node:
            office = tree.offices[key[1]]
            labels["name"].setText(office["name"])
            labels["type"].setText(LEVELS.get(office["level"], office["level"]))
            self.show_member_count(tree, key)
            for w in self.term_widgets:
                w.setVisible(False)
            return
        if org is None:
            return
        labels["name"].setText(org["name"])
        labels["type"].setText(org["org_type"])
        labels["kind"].setText(org["kind"] or "—")
        labels["founded"].setText(format_date(org["founded_on"]) or "—")
        labels["phone"].setText(org["phone"] or "—")
        labels["address"].setText(org["address"] or "—")
        if is_group:
            leader = db.get("member", org["leader_member_id"]) if org["leader_member_id"] else None
            labels["leader"].setText(escape(leader["name"]) if leader is not None else _red("空缺"))
        self.show_member_count(tree, key)
        for w in self.term_widgets:
            w.setVisible(not is_group)
        if not is_group:
            self._show_term(db, org["id"])

    def _show_term(self, db: Database, org_id: str) -> None:
        term = self.current_term = current_term(db, org_id)
        if term is None:
            self.term_label.setText(f"<b>本届支委班子：</b>{_red('未录入换届信息')}")
        else:
            ext = (f"；经批准延期{term.extension_months}个月（{escape(str(term.extension_approval))}）"
                   if term.extension_months else "")
            self.term_label.setText(
                f"<b>本届支委班子：</b>{dates.format_cn(term.start)}换届，任期{term.years}年，"
                f"<b>{dates.format_cn(term.due)}</b>届满{ext}　{term_state(term)}")
        rows = committee(db, org_id)
        self.committee_table.setRowCount(len(rows))
        for i, cm in enumerate(rows):
            for j, text in enumerate((cm["role"], cm["name"], format_date(cm["start_date"]))):
                item = QTableWidgetItem(text)
                item.setData(KEY_ROLE, cm["id"])
                self.committee_table.setItem(i, j, item)

    def selected_committee_member(self) -> str | None:
        rows = self.committee_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.committee_table.item(rows[0].row(), 0).data(KEY_ROLE)

    def update_buttons(self, *, writable: bool, committee_org: bool) -> None:
        """换届 for an organisation with a committee; the others only while it has a term."""
        has_term = writable and committee_org and self.current_term is not None
        self.button_new_term.setEnabled(writable and committee_org)
        self.button_extend_term.setEnabled(has_term)
        self.button_appoint.setEnabled(has_term)
        self.button_end_cm.setEnabled(has_term and self.selected_committee_member() is not None)
