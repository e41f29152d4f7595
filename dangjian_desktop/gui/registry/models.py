"""The 组织台账 page's small Qt models: the organisation tree and the warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QHeaderView, QTableView

from ...registry.offices import LEVELS
from ...registry.tree import OrgTree
from ...registry.warnings import LABELS
from ..kit.palette import AMBER, RED
from ..kit.plain_text import literal

Key = tuple[str, str]  # ("office" | "org", id)


def read_only_rows(view: QTableView) -> None:
    """A table of whole rows, one text line a row, with fixed row heights (the view never asks
    the model for every row to measure it). Selection and edit behaviour come from the form."""
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)


class _Headers:
    """Column titles of a model from its HEADERS."""

    HEADERS: tuple[str, ...] = ()

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None


class WarningModel(_Headers, QAbstractTableModel):
    """预警: level, kind and message of each registry warning, the serious ones first."""

    HEADERS = ("级别", "类型", "内容")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list = []

    def set_items(self, items: list) -> None:
        self.beginResetModel()
        self.items = sorted(items, key=lambda w: (w.level != "严重", w.code, w.org_name))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.items):
            return None
        w = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (w.level, LABELS.get(w.code, w.code), w.message)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0:
            return QBrush(RED if w.level == "严重" else AMBER)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return literal(w.message + ("\n双击打开该党员的信息" if w.member_id else "\n双击在组织树中选中该组织"))
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


@dataclass
class Node:
    key: Key | None  # None for the invisible root
    name: str
    count: int
    tip: str
    parent: int
    row: int
    children: list[int] = field(default_factory=list)


class OrgTreeModel(_Headers, QAbstractItemModel):
    """The organisation tree (office → 党委 → 党总支 → 党支部 → 党小组) with member counts.

    Nodes live in a flat list; an index carries its node's position as internal id, so a
    rebuild after a change is one model reset, not thousands of item objects.
    """

    HEADERS = ("组织", "党员")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.nodes: list[Node] = [Node(None, "", 0, "", -1, 0)]
        self.by_key: dict[Key, int] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_tree(self, tree: OrgTree | None) -> None:
        """Show `tree` (None: nothing): the local office's organisations, then one node per office."""
        nodes = [Node(None, "", 0, "", -1, 0)]
        by_key: dict[Key, int] = {}

        def add(parent: int, key: Key, name: str, count: int, tip: str) -> int:
            siblings = nodes[parent].children
            nodes.append(Node(key, name, count, tip, parent, len(siblings)))
            number = len(nodes) - 1
            siblings.append(number)
            by_key[key] = number
            return number

        def add_org(parent: int, oid: str) -> None:
            o = tree.orgs[oid]
            number = add(parent, ("org", oid), o["name"], tree.count(oid).total,
                         o["org_type"] + (f"（{o['kind']}）" if o["kind"] else ""))
            for k in tree.children.get(oid, []):
                add_org(number, k)

        if tree is not None:
            for oid in tree.own:
                add_org(0, oid)
            for office_id in tree.office_order:
                office = tree.offices[office_id]
                number = add(0, ("office", office_id), office["name"], tree.office_counts(office_id).total,
                             LEVELS.get(office["level"], ""))
                for oid in tree.office_tops[office_id]:
                    add_org(number, oid)
        self.beginResetModel()
        self.nodes, self.by_key = nodes, by_key
        self.endResetModel()

    def set_counts(self, tree: OrgTree) -> None:
        """New member counts for the nodes shown (the tree itself unchanged): only the changed cells repaint."""
        changed: dict[int, list[int]] = {}  # parent node -> rows whose count changed
        for key, number in self.by_key.items():
            count = tree.office_counts(key[1]).total if key[0] == "office" else tree.count(key[1]).total
            node = self.nodes[number]
            if node.count != count:
                node.count = count
                changed.setdefault(node.parent, []).append(node.row)
        for parent, rows in changed.items():
            first, last = min(rows), max(rows)
            kids = self.nodes[parent].children
            self.dataChanged.emit(self.createIndex(first, 1, kids[first]), self.createIndex(last, 1, kids[last]))

    def index_of(self, key: Key | None) -> QModelIndex:
        number = self.by_key.get(key) if key is not None else None
        if number is None:
            return QModelIndex()
        return self.createIndex(self.nodes[number].row, 0, number)

    def key(self, index: QModelIndex) -> Key | None:
        return self.nodes[index.internalId()].key if index.isValid() else None

    def node(self, key: Key) -> Node | None:
        number = self.by_key.get(key)
        return self.nodes[number] if number is not None else None

    def top_keys(self) -> list[Key]:
        return [self.nodes[n].key for n in self.nodes[0].children]

    # -- Qt model API
    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(self.HEADERS):
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        children = self.nodes[parent.internalId() if parent.isValid() else 0].children
        if not 0 <= row < len(children):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = self.nodes[index.internalId()].parent
        if up <= 0:
            return QModelIndex()
        return self.createIndex(self.nodes[up].row, 0, up)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.nodes[parent.internalId() if parent.isValid() else 0].children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return len(self.HEADERS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.nodes[index.internalId()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.name if col == 0 else str(node.count)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and node.key[0] == "office":
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return literal(node.tip) or None
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

