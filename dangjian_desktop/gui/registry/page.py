"""The 组织台账 tab: the organisation tree, the selected node's details, its members, the warnings.

The page composes its panels (tree_panel, details_panel, members_panel, warnings_panel) and keeps
them in step: which node is current, which members are selected. What it shows comes from the
core (registry.tree.org_tree, registry.warnings.compute_warnings, the member table's queries);
what the actions do is in editing.py. It re-reads the registry when a unit of work changed one of
REGISTRY_TABLES (on_data_changed: the main window passes on its operation bus's `changed`; on its
own, the page calls it after its own operations), and never otherwise. A change to members or
committees only re-reads the member table and details at once; the tree's counts and the warnings
follow off the GUI thread (figures.py), so a save does not wait for them.
"""

from __future__ import annotations

import time
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMessageBox, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from ...db import Database
from ...errors import UserError
from ...registry import offices as office_api
from ...registry.status import is_active
from ...registry.tree import OrgTree, org_tree
from ...registry.warnings import compute_warnings
from ..common import close_dialog
from ..kit.messages import MessageHost
from ..kit.operations import commit_mark
from .actions import MEMBER_MENU, TREE_MENU, actions_named, build_actions, update_actions
from .details_panel import DetailsPanel
from .editing import EditingMixin
from .figures import FiguresRefresh
from .members_panel import MembersPanel
from .models import Key
from .tree_panel import TreePanel
from .warnings_panel import WarningsPanel

# dev_step: a 延长预备期 recorded in the 发展党员 ledger moves the probation warning.
REGISTRY_TABLES = {"office", "org", "member", "member_event", "committee_term", "committee_member", "dev_step"}
STRUCTURE_TABLES = {"office", "org"}  # a change to these re-reads the tree itself, on the GUI thread
EMPTY = "<h3>尚未打开数据库</h3><p>请通过“文件 → 新建数据库”或“打开数据库”开始。</p>"


class RegistryTab(EditingMixin, QWidget, MessageHost):
    """组织台账: the tree of organisations, the selected one's details, its members, the warnings."""

    ERROR_STYLE = {"blank_line": True}
    refreshed = Signal()  # after the page re-read the database (tests wait on it)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.db: Database | None = None
        self.org_tree: OrgTree | None = None
        self.current_dialog: Any = None  # the dialog opened last, while it is open (tests fill it in)
        self.message_box: QMessageBox | None = None
        self.last_timings: dict[str, float] = {}
        self._seen: int | None = None  # the commit mark of what is shown
        self.figures = FiguresRefresh(self)  # counts and warnings re-read off the GUI thread after a save
        self._build()
        self.set_database(None)

    # ================================================================== composing
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack)
        self.empty_label = QLabel(EMPTY)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty_label)
        page = QWidget(self)
        self.stack.addWidget(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        self.toolbar = build_actions(self)
        layout.addWidget(self.toolbar)

        self.main_split = QSplitter(Qt.Orientation.Vertical, page)
        self.main_split.setChildrenCollapsible(False)
        layout.addWidget(self.main_split, 1)
        self.top_split = top = QSplitter(Qt.Orientation.Horizontal, self.main_split)
        top.setChildrenCollapsible(False)
        self.tree_panel = TreePanel(top)
        self.right_split = right = QSplitter(Qt.Orientation.Vertical, top)
        right.setChildrenCollapsible(False)
        self.details = DetailsPanel(right)
        self.details.add_export(self)  # the committee table's context menu
        self.members = MembersPanel(right)
        top.setStretchFactor(0, 0)
        top.setStretchFactor(1, 1)
        top.setSizes([320, 900])
        right.setStretchFactor(0, 0)
        right.setStretchFactor(1, 1)
        # The details and the warnings start at what they need (three warnings); the member table takes
        # the rest of any screen (at least a dozen rows on a 1366×768 laptop). The splitters move them.
        right.setSizes([self.details.minimumSizeHint().height(), 600])
        self.warnings = WarningsPanel(self.main_split)
        self.warnings.add_export(self)  # before its starting height is taken: the button is beside the table
        self.main_split.setStretchFactor(0, 1)
        self.main_split.setStretchFactor(1, 0)
        self.main_split.setSizes([600, self.warnings.starting_height()])
        self._connect()

    def _connect(self) -> None:
        tree_view = self.tree_panel.view
        tree_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        tree_view.addActions(actions_named(self, TREE_MENU))
        self.tree_panel.node_changed.connect(self._node_changed)
        d = self.details
        d.new_term.connect(self.new_term)
        d.extend_term.connect(self.extend_term)
        d.appoint.connect(self.appoint_committee_member)
        d.end_committee_member.connect(self.end_committee_member)
        d.set_group_leader.connect(self.set_group_leader)
        d.committee_selection_changed.connect(self._update_actions)
        m = self.members
        m.add_actions(actions_named(self, MEMBER_MENU))
        m.add_export(self)
        m.filter_requested.connect(self.apply_filter)
        m.scope_toggled.connect(self._scope_toggled)
        m.member_activated.connect(self.edit_member)
        m.selection_changed.connect(self._update_actions)
        m.delete_requested.connect(self.remove_member)
        m.model.modelReset.connect(self._update_count)
        self.warnings.opened.connect(self.open_warning)
        self.warnings.scope_toggled.connect(self._show_warnings)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=m.focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # ================================================================== the database
    def set_database(self, db: Database | None) -> None:
        started = time.perf_counter()
        self.db = db
        self._seen = None
        self.figures.drop()
        close_dialog(self)
        self.members.model.set_database(None)
        if db is None:
            self.stack.setCurrentIndex(0)
            self._show_tree(None)
            self.warnings.show_warnings([])
            self._update_actions()
            return
        try:
            office_api.local_office(db)
        except UserError as e:
            self.empty_label.setText(f"<h3>无法显示组织台账</h3><p>{escape(e.message)}</p>")
            self.stack.setCurrentIndex(0)
            self.db = None
            self._update_actions()
            return
        self.empty_label.setText(EMPTY)
        self.stack.setCurrentIndex(1)
        self.members.reset_filter()
        self.members.model.set_database(db, reload=False)  # the ids are read once the node is known
        self._seen = commit_mark(db)
        self.refresh(initial=True)
        self.last_timings["show"] = time.perf_counter() - started

    def on_data_changed(self, tables: set[str] | None = None) -> None:
        """After a committed unit of work (here or elsewhere): re-read what changed, keep the selection."""
        if self.db is None:
            return
        mark = commit_mark(self.db)
        if mark == self._seen:
            return  # already shown (the same commit told twice: by the bus and by the main window)
        self._seen = mark
        if tables and not (set(tables) & REGISTRY_TABLES):
            return
        if tables and not (set(tables) & STRUCTURE_TABLES) and self.org_tree is not None:
            self.refresh_members()  # the tree is the same: its counts and the warnings follow off the GUI thread
            return
        self.refresh()

    def refresh_members(self) -> None:
        """After a change to members or committees: the member table and the details now (selection
        kept), the tree's counts and the warnings when their background read ends (`show_figures`)."""
        if self.db is None:
            return
        t0 = time.perf_counter()
        members, current_member = self.selected_member_ids(), self.current_member_id()
        place = self.members.view.currentIndex().row()
        self._apply_node(reload=True)
        # A member no longer listed (deleted, transferred out): the cursor on the one in their place.
        self.select_members(members, current=current_member, place=place if members else None)
        self.last_timings["members"] = time.perf_counter() - t0
        self._update_actions()
        self.figures.start()

    def show_figures(self, counts: dict, warnings: list) -> None:
        """The re-read counts and warnings: the tree's numbers and the details' count change in place."""
        tree = self.org_tree
        if tree is None:
            return
        tree.counts = counts
        self.tree_panel.model.set_counts(tree)
        self.details.show_member_count(tree, self.current_key())
        self.warnings.show_warnings(warnings, self.node_org_ids(self.current_key()))
        self.refreshed.emit()

    def refresh(self, *, initial: bool = False) -> None:
        """Re-read tree, details, members and warnings; selection and expanded nodes are kept."""
        if self.db is None:
            return
        self.figures.drop()  # read here afresh: a background read still running is stale
        t0 = time.perf_counter()
        node = self.current_key()
        expanded = None if initial else self.tree_panel.expanded_keys()
        members, current_member = self.selected_member_ids(), self.current_member_id()
        self._show_tree(org_tree(self.db), keep=node, expanded=expanded)
        t1 = time.perf_counter()
        self._apply_node(reload=True)
        t2 = time.perf_counter()
        self.select_members(members, current=current_member)
        if initial:
            # A database just opened: the window shows at once, the counts' check and the warnings
            # (every member read: 0.25 s at 296,000 members) follow off the GUI thread.
            self.warnings.show_warnings([])
            self.figures.start()
        else:
            self._load_warnings()
        t3 = time.perf_counter()
        self.last_timings.update(tree=t1 - t0, members=t2 - t1, warnings=t3 - t2)
        self._update_actions()
        self.refreshed.emit()

    def _show_tree(self, tree: OrgTree | None, *, keep: Key | None = None, expanded: list[Key] | None = None) -> None:
        self.org_tree = tree
        self.tree_panel.set_tree(tree, keep=keep, expanded=expanded)
        self.members.model.set_org_rank(tree.rank() if tree is not None else {})

    # ================================================================== the tree
    def current_key(self) -> Key | None:
        return self.tree_panel.current_key()

    def current_org(self):
        """The organisation row of the current node (None for an office or nothing)."""
        key = self.current_key()
        if key is None or key[0] != "org" or self.org_tree is None:
            return None
        return self.org_tree.orgs.get(key[1])

    def node_count(self, key: Key) -> int:
        """Active members under a node of the tree, as the tree shows it."""
        return self.tree_panel.count(key)

    def node_org_ids(self, key: Key | None) -> list[str] | None:
        """Organisation ids under a node (None: everything)."""
        if key is None or self.org_tree is None:
            return None
        if key[0] == "office":
            return self.org_tree.office_org_ids(key[1])
        return self.org_tree.subtree(key[1])

    def select_org(self, org_id: str) -> bool:
        return self.tree_panel.select(("org", org_id))

    def _node_changed(self) -> None:
        if self.db is None:
            return
        self._apply_node(reload=True)
        self._show_warnings()
        self._update_actions()

    def _apply_node(self, *, reload: bool) -> None:
        """Scope the member table to the current node and show its details."""
        key, org = self.current_key(), self.current_org()
        model = self.members.model
        if self.members.search_everywhere:
            model.set_scope(None, reload=False)
        elif org is not None and org["org_type"] == "党小组":
            model.set_scope(None, group_id=org["id"], reload=False)
        else:
            model.set_scope(self.node_org_ids(key), reload=False)
        self.details.show_node(self.db, self.org_tree, key, writable=not self.db.readonly)
        if reload:
            model.reload()

    # ================================================================== members
    def apply_filter(self) -> None:
        """Re-query the member ids for the search text now (the debounce timer calls this)."""
        if self.db is None:
            return
        started = time.perf_counter()
        keep, current = self.selected_member_ids(), self.current_member_id()
        self.members.apply_filter()
        self.select_members(keep, current=current)
        self.last_timings["filter"] = time.perf_counter() - started

    def _scope_toggled(self) -> None:
        keep, current = self.selected_member_ids(), self.current_member_id()
        self._apply_node(reload=True)
        self.select_members(keep, current=current)

    def _update_count(self) -> None:
        key = self.current_key()
        where = "全部组织" if self.members.search_everywhere or key is None else self.tree_panel.name(key)
        self.members.show_count(where)

    def selected_member_ids(self) -> list[str]:
        return self.members.selected_ids()

    def current_member_id(self) -> str | None:
        return self.members.current_id()

    def select_members(self, ids: list[str], *, current: str | None = None, place: int | None = None) -> None:
        self.members.select(ids, current=current, place=place)
        self._update_actions()

    def show_member(self, member_id: str) -> bool:
        """Select a member in the table; when the current node or search hides them, go to their branch."""
        if self.members.model.row_of(member_id) < 0:
            m = self.db.get("member", member_id)
            if m is None:
                return False
            self.members.reset_filter(include_inactive=True if not is_active(m["status"]) else None)
            self.tree_panel.select(("org", m["org_id"]), quietly=True)  # its reload is done just below
            self._apply_node(reload=True)
            self._show_warnings()
        self.select_members([member_id], current=member_id)
        return self.members.model.row_of(member_id) >= 0

    # ================================================================== warnings
    def _load_warnings(self) -> None:
        counts = self.org_tree.counts if self.org_tree is not None else None  # a branch's, counted once
        self.warnings.show_warnings(compute_warnings(self.db, counts=counts), self.node_org_ids(self.current_key()))

    def _show_warnings(self) -> None:
        self.warnings.show_warnings(self.warnings.all, self.node_org_ids(self.current_key()))

    def warning_count(self) -> int:
        return len(self.warnings.all)

    def open_warning(self, w) -> None:
        """A warning double-clicked: a member's opens their edit dialog, others select the organisation."""
        if w.member_id:
            if self.show_member(w.member_id):
                self.edit_member()
            return
        if w.org_id and self.select_org(w.org_id):
            self.tree_panel.view.setFocus()

    # ================================================================== actions state
    def _update_actions(self) -> None:
        db = self.db
        writable = db is not None and not db.readonly
        org = self.current_org()
        update_actions(self, writable=writable, has_db=db is not None, node=self.current_key() is not None,
                       org=org, members=len(self.selected_member_ids()) if db is not None else 0)
        self.details.update_buttons(writable=writable, committee_org=org is not None and org["org_type"] != "党小组")
