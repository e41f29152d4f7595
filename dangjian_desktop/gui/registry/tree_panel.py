"""组织机构: the organisation tree with member counts; says which node the clerk chose."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QGroupBox, QHeaderView, QTreeView, QVBoxLayout, QWidget

from ...registry.tree import OrgTree
from .models import Key, OrgTreeModel


class TreePanel(QGroupBox):
    """The tree (office → 党委 → 党总支 → 党支部 → 党小组). `node_changed` after the clerk (or
    `select`) moves the current node, unless the tree is being rebuilt."""

    node_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("组织机构", parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.model = OrgTreeModel(self)
        self.view = QTreeView(self)
        self.view.setObjectName("orgTree")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        layout.addWidget(self.view)
        self.tree: OrgTree | None = None
        self._rebuilding = False

    # ---- showing --------------------------------------------------------------------------
    def set_tree(self, tree: OrgTree | None, *, keep: Key | None = None, expanded: list[Key] | None = None) -> None:
        """Show `tree`; expand `expanded` (None: the first level, as on opening) and make `keep`
        current (when it was deleted: its nearest surviving ancestor), without `node_changed`."""
        self._rebuilding = True
        try:
            old, self.tree = self.tree, tree
            self.model.set_tree(tree)
            if expanded is None:
                tops = self.model.top_keys()
                expanded = [k for k in tops if len(tops) == 1 or k[0] == "org"]
            for k in expanded:
                self.view.setExpanded(self.model.index_of(k), True)
            target = keep if keep in self.model.by_key else self._surviving_ancestor(old, keep)
            if target is not None:
                self.view.setCurrentIndex(self.model.index_of(target))
        finally:
            self._rebuilding = False

    def _surviving_ancestor(self, old: OrgTree | None, key: Key | None) -> Key | None:
        """After the current organisation was deleted: its nearest ancestor still shown (else the
        first top node)."""
        if old is not None and key is not None and key[0] == "org":
            parent = old.orgs[key[1]]["parent_id"] if key[1] in old.orgs else None
            while parent is not None:
                if ("org", parent) in self.model.by_key:
                    return ("org", parent)
                parent = old.orgs[parent]["parent_id"] if parent in old.orgs else None
        tops = self.model.top_keys()
        return tops[0] if tops else None

    def expanded_keys(self) -> list[Key]:
        return [k for k in self.model.by_key if self.view.isExpanded(self.model.index_of(k))]

    def current_key(self) -> Key | None:
        return self.model.key(self.view.currentIndex())

    def count(self, key: Key) -> int:
        """Active members under a node, as the tree shows it."""
        node = self.model.node(key)
        return node.count if node is not None else 0

    def name(self, key: Key) -> str:
        node = self.model.node(key)
        return node.name if node is not None else ""

    def select(self, key: Key, *, quietly: bool = False) -> bool:
        """Make a node current (expanding its ancestors); `quietly`: without `node_changed`."""
        index = self.model.index_of(key)
        if not index.isValid():
            return False
        was, self._rebuilding = self._rebuilding, self._rebuilding or quietly
        try:
            self.view.scrollTo(index)  # expands collapsed ancestors
            self.view.setCurrentIndex(index)
        finally:
            self._rebuilding = was
        return True

    def _current_changed(self, *_args) -> None:
        if not self._rebuilding:
            self.node_changed.emit()
