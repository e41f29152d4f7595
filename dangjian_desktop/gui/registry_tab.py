"""The 组织台账 tab: organisation tree, branch details with committee and term, member table, warnings."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import (QAbstractItemModel, QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt, QTimer,
                            Signal)
from PySide6.QtGui import QAction, QBrush, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QMessageBox, QPushButton, QSizePolicy, QSplitter, QStackedWidget,
                               QTableView, QTableWidget, QTableWidgetItem, QToolBar, QTreeView, QVBoxLayout,
                               QWidget)

from .. import dates, pinyin
from ..db import Database
from ..errors import UserError
from ..registry import offices as office_api
from ..registry.members import ACTIVE_STATUSES
from ..registry.orgs import committee, current_term
from ..registry.undoable import delete_org_undoable
from ..registry.warnings import LABELS, compute_warnings
from .common import Messages, close_dialog, open_dialog, question_box, slot
from .kit.operations import commit_mark
from .kit.palette import AMBER, RED
from .member_model import COLUMNS, MemberTableModel
from .registry_dialogs import (CommitteeMemberDialog, GroupLeaderDialog, HistoryDialog, MemberDialog, OrgDialog, RemoveMemberDialog,
                               StatusDialog, TermDialog, TransferDialog, available_events, term_text)
from .undo_menu import push_undo

log = logging.getLogger(__name__)

REGISTRY_TABLES = {"office", "org", "member", "member_event", "committee_term", "committee_member"}
SEARCH_DELAY_MS = 120  # light debounce: typing stays smooth, results follow within a blink
KEY_ROLE = Qt.ItemDataRole.UserRole


class _Headers:
    """Column titles of a model from its HEADERS."""

    HEADERS: tuple[str, ...] = ()

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None


def _read_only_rows(view: QTableView, selection: QAbstractItemView.SelectionMode) -> None:
    """A table of whole rows that are not edited in place, one text line a row.

    Fixed row heights: the view never asks the model for every row to measure it.
    """
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)


class WarningModel(_Headers, QAbstractTableModel):
    """预警: level, kind and message of each registry warning."""

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
            return w.message + ("\n双击打开该党员的信息" if w.member_id else "\n双击在组织树中选中该组织")
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


@dataclass
class _Node:
    key: tuple[str, str] | None  # ("office" | "org", id); None for the invisible root
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
        self.nodes: list[_Node] = [_Node(None, "", 0, "", -1, 0)]
        self.by_key: dict[tuple[str, str], int] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def rebuild(self, build: Callable[[Callable[..., int]], None]) -> None:
        """Replace every node: `build(add)` calls `add(parent_number, key, name, count, tip)` -> number."""
        nodes = [_Node(None, "", 0, "", -1, 0)]
        by_key: dict[tuple[str, str], int] = {}

        def add(parent: int, key: tuple[str, str], name: str, count: int, tip: str = "") -> int:
            siblings = nodes[parent].children
            nodes.append(_Node(key, name, count, tip, parent, len(siblings)))
            number = len(nodes) - 1
            siblings.append(number)
            by_key[key] = number
            return number

        build(add)
        self.beginResetModel()
        self.nodes, self.by_key = nodes, by_key
        self.endResetModel()

    def index_of(self, key: tuple[str, str] | None) -> QModelIndex:
        number = self.by_key.get(key) if key is not None else None
        if number is None:
            return QModelIndex()
        return self.createIndex(self.nodes[number].row, 0, number)

    def key(self, index: QModelIndex) -> tuple[str, str] | None:
        return self.nodes[index.internalId()].key if index.isValid() else None

    def node(self, key: tuple[str, str]) -> _Node | None:
        number = self.by_key.get(key)
        return self.nodes[number] if number is not None else None

    def top_keys(self) -> list[tuple[str, str]]:
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
            return node.tip or None
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class RegistryTab(QWidget, Messages):
    """组织台账: the tree of organisations, the selected one's details, its members, the warnings."""

    ERROR_STYLE = {"blank_line": True}
    refreshed = Signal()  # after the tab re-read the database (tests wait on it)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.db: Database | None = None
        self.current_dialog: Any = None  # the dialog opened last, while it is open (tests fill it in)
        self.message_box: QMessageBox | None = None
        self._seen_tx: int | None = None
        self._rebuilding = False
        self._orgs: dict[str, Any] = {}
        self._kids: dict[str | None, list[str]] = {}
        self._all_warnings: list = []
        self._deleted_parent: dict[str, str | None] = {}
        self.current_term = None  # TermInfo of the organisation shown in the details
        self.last_timings: dict[str, float] = {}
        self._build()
        self.set_database(None)

    # ================================================================== building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack)
        self.empty_label = QLabel("<h3>尚未打开数据库</h3><p>请通过“文件 → 新建数据库”或“打开数据库”开始。</p>")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty_label)
        page = QWidget(self)
        self.stack.addWidget(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        self._build_actions()
        layout.addWidget(self.toolbar)

        self.main_split = QSplitter(Qt.Orientation.Vertical, page)
        self.main_split.setChildrenCollapsible(False)
        layout.addWidget(self.main_split, 1)
        top = QSplitter(Qt.Orientation.Horizontal, self.main_split)
        top.setChildrenCollapsible(False)
        self.top_split = top

        # -- the organisation tree
        tree_box = QGroupBox("组织机构", top)
        tl = QVBoxLayout(tree_box)
        tl.setContentsMargins(4, 4, 4, 4)
        self.tree_model = OrgTreeModel(self)
        self.tree = QTreeView(tree_box)
        self.tree.setObjectName("orgTree")
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().currentChanged.connect(self._node_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for a in (self.action_add_org, self.action_edit_org, self.action_delete_org, self.action_add_member):
            self.tree.addAction(a)
        tl.addWidget(self.tree)

        right = QSplitter(Qt.Orientation.Vertical, top)
        right.setChildrenCollapsible(False)
        self.right_split = right
        self._build_details(right)
        self._build_members(right)
        top.setStretchFactor(0, 0)
        top.setStretchFactor(1, 1)
        top.setSizes([320, 900])
        right.setStretchFactor(0, 0)
        right.setStretchFactor(1, 1)
        # The details and the warnings start at what they need (three warnings); the member table takes
        # the rest of any screen (at least a dozen rows on a 1366×768 laptop). The splitters move them.
        right.setSizes([self.details_box.minimumSizeHint().height(), 600])
        self._build_warnings(self.main_split)
        self.main_split.setStretchFactor(0, 1)
        self.main_split.setStretchFactor(1, 0)
        wv = self.warning_view
        warnings_height = (self.warnings_box.minimumSizeHint().height() - wv.minimumSizeHint().height()
                           + wv.horizontalHeader().sizeHint().height() + 2 * wv.frameWidth()
                           + 3 * wv.verticalHeader().defaultSectionSize())
        self.main_split.setSizes([600, warnings_height])

        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)

    def _action(self, text: str, slot: Callable, tip: str, shortcut: QKeySequence | str | None = None) -> QAction:
        a = QAction(text, self)
        a.setToolTip(tip)
        a.setStatusTip(tip)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        a.triggered.connect(lambda _checked=False: slot())
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        self.action_add_org = self._action("新增组织", self.add_org, "在所选组织下新增党委、党总支、党支部或党小组")
        self.action_edit_org = self._action("编辑组织", self.edit_org, "修改所选组织的名称、类别、联系方式等")
        self.action_delete_org = self._action("删除组织", self.delete_org, "删除没有下级组织和党员的组织")
        self.action_add_member = self._action("新增党员", self.add_member, "在所选党支部登记党员（Ctrl+Ins）",
                                              "Ctrl+Ins")
        self.action_edit_member = self._action("编辑党员", self.edit_member, "修改所选党员的信息（F2）", "F2")
        self.action_transfer = self._action("转接", self.transfer_member, "把所选党员的组织关系转到本单位的其他党支部")
        self.action_status = self._action("党籍变动", self.change_status,
                                          "转出、预备转正、失联、死亡、出党等，按日期记入变动历史")
        self.action_remove_member = self._action("删除党员", self.remove_member,
                                                 "删除录入错误的党员记录（须说明原因）")
        self.action_history = self._action("变动历史", self.show_history, "查看所选党员的党籍变动历史")
        self.action_import = self._action("导入花名册…", self.import_roster, "从Excel花名册批量导入党员")
        self.action_export = self._action("导出花名册…", self.export_roster, "把所选组织的党员导出为Excel花名册")
        self.action_template = self._action("下载导入模板…", self.save_template, "保存空白的Excel花名册导入模板")
        self.toolbar = QToolBar("组织台账", self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for group in ((self.action_add_org, self.action_edit_org, self.action_delete_org),
                      (self.action_add_member, self.action_edit_member, self.action_transfer, self.action_status,
                       self.action_remove_member, self.action_history),
                      (self.action_import, self.action_export, self.action_template)):
            if self.toolbar.actions():
                self.toolbar.addSeparator()
            for a in group:
                self.toolbar.addAction(a)
        self.editing_actions = (self.action_add_org, self.action_edit_org, self.action_delete_org,
                                self.action_add_member, self.action_edit_member, self.action_transfer,
                                self.action_status, self.action_remove_member, self.action_import)

    def _build_details(self, parent: QWidget) -> None:
        box = QGroupBox("组织信息", parent)
        self.details_box = box
        row = QHBoxLayout(box)
        row.setContentsMargins(8, 6, 8, 6)
        # Two short forms side by side rather than one tall one: the member table below gets the room.
        forms = (QFormLayout(), QFormLayout())
        for form in forms:
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            form.setVerticalSpacing(3)
        self.detail_labels: dict[str, QLabel] = {}
        self.details_forms = forms
        for n, key, title in ((0, "name", "名称"), (0, "type", "类型"), (0, "kind", "类别"), (0, "founded", "成立日期"),
                              (0, "leader", "组长"), (1, "phone", "联系电话"), (1, "address", "地址"),
                              (1, "orgs", "下级组织"), (1, "members", "党员")):
            lbl = QLabel(box)
            lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lbl.setWordWrap(True)
            self.detail_labels[key] = lbl
            forms[n].addRow(f"{title}：", lbl)
        self.button_group_leader = QPushButton("设定组长…", box)
        self.button_group_leader.setToolTip("从本党小组的党员中设定党小组长")
        self.button_group_leader.clicked.connect(lambda _c=False: self.set_group_leader())
        self.button_group_leader.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        forms[0].addRow("", self.button_group_leader)
        bold = QFont(self.detail_labels["name"].font())
        bold.setBold(True)
        self.detail_labels["name"].setFont(bold)
        row.addLayout(forms[0], 2)
        row.addLayout(forms[1], 2)

        term_col = QVBoxLayout()
        self.term_label = QLabel(box)
        self.term_label.setWordWrap(True)
        self.term_label.setTextFormat(Qt.TextFormat.RichText)
        term_col.addWidget(self.term_label)
        self.committee_table = QTableWidget(0, 3, box)
        self.committee_table.setObjectName("committeeTable")
        self.committee_table.setHorizontalHeaderLabels(["职务", "姓名", "任职日期"])
        self.committee_table.verticalHeader().setVisible(False)
        self.committee_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.committee_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.committee_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        ct = self.committee_table
        ct.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        ct.verticalHeader().setDefaultSectionSize(ct.fontMetrics().height() + 6)
        ct.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        ct.setAlternatingRowColors(True)
        ct.setMaximumHeight(ct.verticalHeader().defaultSectionSize() * 7 + ct.horizontalHeader().sizeHint().height() + 4)
        self.committee_table.itemSelectionChanged.connect(self._update_actions)
        # The buttons stand beside the table, so it shows four members in the height of the four buttons.
        table_row = QHBoxLayout()
        table_row.addWidget(self.committee_table, 1)
        term_col.addLayout(table_row, 1)
        buttons = QVBoxLayout()
        self.button_new_term = QPushButton("换届", box)
        self.button_extend_term = QPushButton("延期换届", box)
        self.button_appoint = QPushButton("任命支委", box)
        self.button_end_cm = QPushButton("离任", box)
        for b, slot, tip in ((self.button_new_term, self.new_term, "录入新一届支委班子的换届日期和任期"),
                             (self.button_extend_term, self.extend_term, "经上级批准延期换届"),
                             (self.button_appoint, self.appoint_committee_member, "任命本届支委成员"),
                             (self.button_end_cm, self.end_committee_member, "所选支委成员离任")):
            b.setToolTip(tip)
            b.clicked.connect(lambda _c=False, s=slot: s())
            buttons.addWidget(b)
        buttons.addStretch(1)
        table_row.addLayout(buttons)
        self.term_widgets = (self.term_label, self.committee_table, self.button_new_term, self.button_extend_term,
                             self.button_appoint, self.button_end_cm)
        row.addLayout(term_col, 5)

    def _build_members(self, parent: QWidget) -> None:
        box = QGroupBox("党员", parent)
        self.members_box = box
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.search_edit = QLineEdit(box)
        self.search_edit.setObjectName("memberSearch")
        self.search_edit.setPlaceholderText("查找党员：姓名、身份证号、拼音或拼音首字母（Ctrl+F）")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_filter)
        bar.addWidget(self.search_edit, 1)
        self.search_all_check = QCheckBox("查全部组织", box)
        self.search_all_check.setToolTip("勾选后列出和查找本数据库全部组织的党员，不限于左侧所选组织")
        self.search_all_check.toggled.connect(lambda _c: self._scope_toggled())
        bar.addWidget(self.search_all_check)
        self.inactive_check = QCheckBox("含已转出/去世等", box)
        self.inactive_check.setToolTip("同时列出已转出、已去世、已出党、停止党籍的党员")
        self.inactive_check.toggled.connect(lambda _c: self.apply_filter())
        bar.addWidget(self.inactive_check)
        self.count_label = QLabel(box)
        self.count_label.setMinimumWidth(90)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)

        self.member_model = MemberTableModel(self)
        self.member_view = QTableView(box)
        self.member_view.setObjectName("memberTable")
        self.member_view.setModel(self.member_model)
        v = self.member_view
        _read_only_rows(v, QAbstractItemView.SelectionMode.ExtendedSelection)
        header = v.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        widths = {"name": 80, "sex": 44, "ethnicity": 64, "birth_date": 110, "id_number": 160, "education": 84,
                  "join_date": 110, "category": 76, "org": 180, "group": 90, "status": 70, "phone": 110}
        for i, col in enumerate(COLUMNS):
            if col.key in widths:
                v.setColumnWidth(i, widths[col.key])
        v.setSortingEnabled(True)
        v.activated.connect(lambda _i: self.edit_member())
        v.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.member_model.modelReset.connect(self._update_count)
        for a in (self.action_edit_member, self.action_transfer, self.action_status, self.action_history,
                  self.action_remove_member):
            v.addAction(a)
        v.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        # Del deletes (with the reason dialog) only while the member table has the focus.
        QShortcut(QKeySequence.StandardKey.Delete, v, activated=self.remove_member,
                  context=Qt.ShortcutContext.WidgetShortcut)
        layout.addWidget(v, 1)

    def _build_warnings(self, parent: QWidget) -> None:
        box = QGroupBox("预警", parent)
        self.warnings_box = box
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        # The filter and the hint stand beside the table, not in a row above it: the rows get the height.
        row = QHBoxLayout()
        layout.addLayout(row, 1)
        side = QVBoxLayout()
        self.warnings_scope_check = QCheckBox("只看所选组织", box)
        self.warnings_scope_check.setToolTip("只列出组织树中所选组织及其下级的预警")
        self.warnings_scope_check.toggled.connect(lambda _c: self._show_warnings())
        hint = QLabel("双击一条预警可定位到该组织或打开该党员", box)
        hint.setStyleSheet("color: #666666;")
        hint.setWordWrap(True)
        hint.setFixedWidth(self.warnings_scope_check.sizeHint().width() + 8)
        side.addWidget(self.warnings_scope_check)
        side.addWidget(hint)
        side.addStretch(1)
        self.warning_model = WarningModel(self)
        self.warning_view = QTableView(box)
        self.warning_view.setObjectName("warningTable")
        self.warning_view.setModel(self.warning_model)
        w = self.warning_view
        _read_only_rows(w, QAbstractItemView.SelectionMode.SingleSelection)
        w.horizontalHeader().setStretchLastSection(True)
        w.setColumnWidth(0, 56)
        w.setColumnWidth(1, 130)
        w.activated.connect(self.open_warning)
        w.setToolTip(hint.text())
        row.addWidget(w, 1)
        row.addLayout(side)

    # ================================================================== database
    def set_database(self, db: Database | None) -> None:
        started = time.perf_counter()
        self.db = db
        self._seen_tx = None
        close_dialog(self)
        self.member_model.set_database(None)
        if db is None:
            self.stack.setCurrentIndex(0)
            self.tree_model.rebuild(lambda add: None)
            self._orgs, self._kids = {}, {}
            self.warning_model.set_items([])
            self._update_actions()
            return
        try:
            office_api.local_office(db)
        except UserError as e:
            self.empty_label.setText(f"<h3>无法显示组织台账</h3><p>{e.message}</p>")
            self.stack.setCurrentIndex(0)
            self.db = None
            self._update_actions()
            return
        self.stack.setCurrentIndex(1)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.member_model.set_filter("", self.inactive_check.isChecked(), reload=False)
        self.member_model.set_database(db, reload=False)  # the ids are read once the node is known
        self._seen_tx = self._tx_mark()
        self.refresh(initial=True)
        self.last_timings["show"] = time.perf_counter() - started

    def on_data_changed(self, tables: set[str] | None = None) -> None:
        """After a committed unit of work (here or elsewhere): re-read what changed, keep the selection."""
        if self.db is None:
            return
        mark = self._tx_mark()
        if mark == self._seen_tx:
            return  # already shown (the same commit reported twice: by the bus and by the dialog)
        self._seen_tx = mark
        if tables and not (set(tables) & REGISTRY_TABLES):
            return
        self.refresh()

    def _tx_mark(self) -> int | None:
        return commit_mark(self.db)  # moves with every commit the operation bus hears

    def refresh(self, *, initial: bool = False) -> None:
        """Re-read tree, details, members and warnings; selection and expanded nodes are kept."""
        if self.db is None:
            return
        t0 = time.perf_counter()
        node = self.current_key()
        expanded = [k for k in self.tree_model.by_key if self.tree.isExpanded(self.tree_model.index_of(k))]
        members = self.selected_member_ids()
        current_member = self.current_member_id()
        self._rebuilding = True
        try:
            self._load_tree()
            t1 = time.perf_counter()
            if initial:
                tops = self.tree_model.top_keys()
                expanded = [k for k in tops if len(tops) == 1 or k[0] == "org"]
            for k in expanded:
                self.tree.setExpanded(self.tree_model.index_of(k), True)
            target = node if node in self.tree_model.by_key else self._fallback_key(node)
            if target is not None:
                self.tree.setCurrentIndex(self.tree_model.index_of(target))
        finally:
            self._rebuilding = False
        self._apply_node(reload=True)
        t2 = time.perf_counter()
        self.select_members(members, current=current_member)
        self._load_warnings()
        t3 = time.perf_counter()
        self.last_timings.update(tree=t1 - t0, members=t2 - t1, warnings=t3 - t2)
        self._update_actions()
        self.refreshed.emit()

    def _fallback_key(self, node: tuple[str, str] | None) -> tuple[str, str] | None:
        """After the selected organisation was deleted: its nearest surviving ancestor."""
        if node is not None and node[0] == "org":
            parent = self._deleted_parent.get(node[1])
            while parent is not None:
                if ("org", parent) in self.tree_model.by_key:
                    return ("org", parent)
                parent = self._deleted_parent.get(parent)
        tops = self.tree_model.top_keys()
        return tops[0] if tops else None

    # ================================================================== tree
    def _load_tree(self) -> None:
        db = self.db
        local = office_api.local_office(db)
        self._deleted_parent = {oid: o["parent_id"] for oid, o in self._orgs.items()}
        orgs = db.query("SELECT id, office_id, parent_id, name, org_type, kind FROM org ORDER BY sort_order, name")
        self._orgs = {o["id"]: o for o in orgs}
        self._kids = {}
        for o in orgs:
            parent = o["parent_id"] if o["parent_id"] in self._orgs else None
            self._kids.setdefault(parent, []).append(o["id"])
        direct: dict[str, int] = {}
        in_group: dict[str, int] = {}
        for org_id, group_id, n in db.query("SELECT org_id, group_id, count(*) FROM member "
                                            "WHERE status IN ('正常', '失联') GROUP BY org_id, group_id"):
            direct[org_id] = direct.get(org_id, 0) + n
            if group_id:
                in_group[group_id] = in_group.get(group_id, 0) + n
        totals: dict[str, int] = {}

        def total(oid: str) -> int:
            # A branch counts its own members; its party groups show theirs without adding them twice.
            n = in_group.get(oid, 0) if self._orgs[oid]["org_type"] == "党小组" else direct.get(oid, 0)
            for k in self._kids.get(oid, []):
                sub = total(k)
                if self._orgs[k]["org_type"] != "党小组":
                    n += sub
            totals[oid] = n
            return n

        tops = self._kids.get(None, [])
        for oid in tops:
            total(oid)
        by_office: dict[str, list[str]] = {}
        for oid in tops:
            by_office.setdefault(self._orgs[oid]["office_id"], []).append(oid)
        office_rows = {r["id"]: r for r in db.query("SELECT id, name, level, code FROM office")}
        if local["level"] == "county":
            for town in office_api.towns(db):
                by_office.setdefault(town["id"], [])
        own = by_office.pop(local["id"], [])

        def office_order(office_id: str) -> tuple:
            row = office_rows.get(office_id)
            return (row["code"] or "", pinyin.sort_key(row["name"])) if row is not None else ("", "")

        rank: dict[str, int] = {}

        def build(add: Callable[..., int]) -> None:
            def add_org(parent: int, oid: str) -> None:
                o = self._orgs[oid]
                rank[oid] = len(rank)
                number = add(parent, ("org", oid), o["name"], totals.get(oid, 0),
                             o["org_type"] + (f"（{o['kind']}）" if o["kind"] else ""))
                for k in self._kids.get(oid, []):
                    add_org(number, k)

            for oid in own:
                add_org(0, oid)
            for office_id in sorted(by_office, key=office_order):
                row = office_rows.get(office_id)
                if row is None:
                    continue
                n = sum(totals.get(oid, 0) for oid in by_office[office_id])
                number = add(0, ("office", office_id), row["name"], n, office_api.LEVELS.get(row["level"], ""))
                for oid in by_office[office_id]:
                    add_org(number, oid)

        self.tree_model.rebuild(build)
        self.member_model.set_org_rank(rank)

    def node_count(self, key: tuple[str, str]) -> int:
        """Active members under a node of the tree, as the tree shows it."""
        node = self.tree_model.node(key)
        return node.count if node is not None else 0

    def current_key(self) -> tuple[str, str] | None:
        return self.tree_model.key(self.tree.currentIndex())

    def current_org(self):
        key = self.current_key()
        return self._orgs.get(key[1]) if key and key[0] == "org" else None

    def _subtree(self, oid: str) -> list[str]:
        out, todo = [], [oid]
        while todo:
            x = todo.pop()
            out.append(x)
            todo += self._kids.get(x, [])
        return out

    def node_org_ids(self, key: tuple[str, str] | None) -> list[str] | None:
        """Organisation ids under a node (None: everything)."""
        if key is None:
            return None
        if key[0] == "office":
            return [oid for oid, o in self._orgs.items() if o["office_id"] == key[1]]
        return self._subtree(key[1])

    def select_org(self, org_id: str) -> bool:
        index = self.tree_model.index_of(("org", org_id))
        if not index.isValid():
            return False
        self.tree.scrollTo(index)  # expands collapsed ancestors
        self.tree.setCurrentIndex(index)
        return True

    def _node_changed(self, *_args) -> None:
        if self.db is None or self._rebuilding:
            return
        self._apply_node(reload=True)
        self._show_warnings()
        self._update_actions()

    def _apply_node(self, *, reload: bool) -> None:
        key = self.current_key()
        org = self.current_org()
        if self.search_all_check.isChecked():
            self.member_model.set_scope(None, reload=False)
        elif org is not None and org["org_type"] == "党小组":
            self.member_model.set_scope(None, group_id=org["id"], reload=False)
        else:
            self.member_model.set_scope(self.node_org_ids(key), reload=False)
        self._show_details()
        if reload:
            self.member_model.reload()

    # ================================================================== details
    def _detail_row_visible(self, widget: QWidget, visible: bool) -> None:
        for form in self.details_forms:
            if form.indexOf(widget) >= 0:
                form.setRowVisible(widget, visible)

    def _show_details(self) -> None:
        key = self.current_key()
        labels = self.detail_labels
        for lbl in labels.values():
            lbl.clear()
        self.committee_table.setRowCount(0)
        self.term_label.clear()
        self.current_term = None
        if key is None:
            return
        office_node = key[0] == "office"
        for k in ("kind", "founded", "phone", "address"):
            self._detail_row_visible(labels[k], not office_node)
        org_row = None if office_node else self.db.get("org", key[1])
        is_group = org_row is not None and org_row["org_type"] == "党小组"
        self._detail_row_visible(labels["leader"], is_group)
        self._detail_row_visible(self.button_group_leader, is_group)
        self.button_group_leader.setEnabled(is_group and not self.db.readonly)
        if is_group:
            leader = self.db.scalar("SELECT name FROM member WHERE id = ?", (org_row["leader_member_id"],))
            labels["leader"].setText(leader or "<span style='color:#c62828'>空缺</span>")
        ids = self.node_org_ids(key)
        per_type: dict[str, int] = {}
        for i in ids:
            if i != key[1]:
                t = self._orgs[i]["org_type"]
                per_type[t] = per_type.get(t, 0) + 1
        labels["orgs"].setText("，".join(f"{t} {per_type[t]} 个" for t in ("党委", "党总支", "党支部", "党小组")
                                        if per_type.get(t)) or "无")
        if office_node:
            office = self.db.get("office", key[1])
            labels["name"].setText(office["name"])
            labels["type"].setText(office_api.LEVELS.get(office["level"], office["level"]))
            labels["members"].setText(f"{self.node_count(key)} 人（不含已转出、去世等）")
            for w in self.term_widgets:
                w.setVisible(False)
            return
        org = self.db.get("org", key[1])
        if org is None:
            return
        labels["name"].setText(org["name"])
        labels["type"].setText(org["org_type"])
        labels["kind"].setText(org["kind"] or "—")
        labels["founded"].setText(dates.format_cn(org["founded_on"]) or "—")
        labels["phone"].setText(org["phone"] or "—")
        labels["address"].setText(org["address"] or "—")
        if org["org_type"] == "党小组":
            n = self.db.scalar("SELECT count(*) FROM member WHERE group_id = ? AND status IN ('正常', '失联')",
                               (org["id"],))
            labels["members"].setText(f"{n} 人")
        else:
            ids = self._subtree(org["id"])
            marks = ",".join("?" * len(ids))
            row = self.db.one(f"SELECT sum(category = '正式党员'), sum(category = '预备党员') FROM member "
                              f"WHERE org_id IN ({marks}) AND status IN ('正常', '失联')", ids)
            full, prob = row[0] or 0, row[1] or 0
            labels["members"].setText(f"{full + prob} 人（正式党员 {full}，预备党员 {prob}）")
        has_committee = org["org_type"] != "党小组"
        for w in self.term_widgets:
            w.setVisible(has_committee)
        if not has_committee:
            return
        term = current_term(self.db, org["id"])
        self.current_term = term
        if term is None:
            self.term_label.setText("<b>本届支委班子：</b><span style='color:#c62828'>未录入换届信息</span>")
        else:
            left = term.days_left(dates.today())
            if left < 0:
                state = f"<span style='color:#c62828'>已超期{-left}天未换届</span>"
            elif left <= 90:
                state = f"<span style='color:#b26a00'>还有{left}天届满</span>"
            else:
                state = f"还有{left}天届满"
            ext = ""
            if term.extension_months:
                approval = self.db.scalar("SELECT extension_approval FROM committee_term WHERE id = ?", (term.id,))
                ext = f"；经批准延期{term.extension_months}个月（{approval}）"
            self.term_label.setText(
                f"<b>本届支委班子：</b>{dates.format_cn(term.start)}换届，任期{term.years}年，"
                f"<b>{dates.format_cn(term.due)}</b>届满{ext}　{state}")
        rows = committee(self.db, org["id"])
        self.committee_table.setRowCount(len(rows))
        for i, cm in enumerate(rows):
            for j, text in enumerate((cm["role"], cm["name"], dates.format_cn(cm["start_date"]))):
                item = QTableWidgetItem(text)
                item.setData(KEY_ROLE, cm["id"])
                self.committee_table.setItem(i, j, item)

    def selected_committee_member(self) -> str | None:
        rows = self.committee_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.committee_table.item(rows[0].row(), 0).data(KEY_ROLE)

    # ================================================================== members
    def apply_filter(self) -> None:
        """Re-query the member ids for the search text now (the debounce timer calls this)."""
        if self.db is None:
            return
        self._search_timer.stop()
        started = time.perf_counter()
        keep = self.selected_member_ids()
        current = self.current_member_id()
        self.member_model.set_filter(self.search_edit.text(), self.inactive_check.isChecked())
        self.select_members(keep, current=current)
        self.last_timings["filter"] = time.perf_counter() - started

    def _scope_toggled(self) -> None:
        keep, current = self.selected_member_ids(), self.current_member_id()
        self._apply_node(reload=True)
        self.select_members(keep, current=current)

    def _update_count(self) -> None:
        n = self.member_model.rowCount()
        self.count_label.setText(f"共 {n} 人")
        key = self.current_key()
        if self.search_all_check.isChecked() or key is None:
            where = "全部组织"
        else:
            node = self.tree_model.node(key)
            where = node.name if node is not None else ""
        text = self.member_model.filter_text.strip()
        self.members_box.setTitle(f"党员 — {where}" + (f"，查找“{text}”" if text else ""))

    def selected_member_ids(self) -> list[str]:
        sm = self.member_view.selectionModel()
        if sm is None:
            return []
        rows = sorted(i.row() for i in sm.selectedRows())
        return [mid for mid in (self.member_model.member_id(r) for r in rows) if mid]

    def current_member_id(self) -> str | None:
        ids = self.selected_member_ids()
        if len(ids) == 1:
            return ids[0]
        index = self.member_view.currentIndex()
        if ids and index.isValid() and self.member_model.member_id(index.row()) in ids:
            return self.member_model.member_id(index.row())
        return ids[0] if ids else None

    def select_members(self, ids: list[str], *, current: str | None = None) -> None:
        sm = self.member_view.selectionModel()
        sm.clearSelection()
        first_index = None
        for mid in ids:
            row = self.member_model.row_of(mid)
            if row < 0:
                continue
            sel = self.member_model.index(row, 0)
            sm.select(sel, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
            if first_index is None or mid == current:
                first_index = sel
        if first_index is not None:
            sm.setCurrentIndex(first_index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.member_view.scrollTo(first_index)
        self._update_actions()

    def show_member(self, member_id: str) -> bool:
        """Select a member in the table; when the current node or search hides them, go to their branch."""
        if self.member_model.row_of(member_id) < 0:
            m = self.db.get("member", member_id)
            if m is None:
                return False
            if m["status"] not in ACTIVE_STATUSES and not self.inactive_check.isChecked():
                self.inactive_check.blockSignals(True)
                self.inactive_check.setChecked(True)
                self.inactive_check.blockSignals(False)
            self.search_edit.blockSignals(True)
            self.search_edit.clear()
            self.search_edit.blockSignals(False)
            self.member_model.set_filter("", self.inactive_check.isChecked(), reload=False)
            self._rebuilding = True  # select without the node's own reload: done just below
            try:
                self.select_org(m["org_id"])
            finally:
                self._rebuilding = False
            self._apply_node(reload=True)
            self._show_warnings()
        self.select_members([member_id], current=member_id)
        return self.member_model.row_of(member_id) >= 0

    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    # ================================================================== warnings
    def _load_warnings(self) -> None:
        self._all_warnings = compute_warnings(self.db)
        self._show_warnings()

    def _show_warnings(self) -> None:
        items = self._all_warnings
        if self.warnings_scope_check.isChecked():
            ids = self.node_org_ids(self.current_key())
            if ids is not None:
                wanted = set(ids)
                items = [w for w in items if w.org_id in wanted]
        self.warning_model.set_items(items)
        total = len(self._all_warnings)
        serious = sum(1 for w in items if w.level == "严重")
        shown = f"{len(items)}/{total}" if len(items) != total else str(total)
        self.warnings_box.setTitle(f"预警（{shown}）" + (f"　其中严重 {serious} 条" if serious else ""))

    def warning_count(self) -> int:
        return len(self._all_warnings)

    @slot
    def open_warning(self, index: QModelIndex) -> None:
        """Double-click on a warning: a member's opens their edit dialog, others select the organisation."""
        if not index.isValid():
            return
        w = self.warning_model.items[index.row()]
        if w.member_id:
            if self.show_member(w.member_id):
                self.edit_member()
            return
        if w.org_id and self.select_org(w.org_id):
            self.tree.setFocus()

    # ================================================================== actions state
    def _update_actions(self) -> None:
        db = self.db
        writable = db is not None and not db.readonly
        key = self.current_key()
        org = self.current_org()
        members = self.selected_member_ids() if db is not None else []
        one = len(members) == 1
        self.action_add_org.setEnabled(writable and key is not None and (org is None or org["org_type"] != "党小组"))
        self.action_edit_org.setEnabled(writable and org is not None)
        self.action_delete_org.setEnabled(writable and org is not None and org["parent_id"] is not None)
        self.action_add_member.setEnabled(writable and key is not None)
        for a in (self.action_edit_member, self.action_transfer, self.action_status, self.action_remove_member):
            a.setEnabled(writable and one)
        self.action_history.setEnabled(db is not None and one)
        self.action_import.setEnabled(writable)
        self.action_export.setEnabled(db is not None)
        self.action_template.setEnabled(True)
        committee_org = writable and org is not None and org["org_type"] != "党小组"
        has_term = committee_org and getattr(self, "current_term", None) is not None
        self.button_new_term.setEnabled(committee_org)
        self.button_extend_term.setEnabled(has_term)
        self.button_appoint.setEnabled(has_term)
        self.button_end_cm.setEnabled(has_term and self.selected_committee_member() is not None)

    # ================================================================== dialogs
    def _open(self, wrapper: Any, on_saved: Callable[[Any], None] | None = None) -> Any:
        """Open a dialog window-modally without blocking; `current_dialog` holds it while it is open.
        After it saved (or removed), the tab re-reads the registry, then `on_saved(result)` runs."""
        open_dialog(self, wrapper)
        saved = getattr(wrapper, "saved", None) or getattr(wrapper, "removed", None)
        if saved is not None:
            saved.connect(lambda result: self._after_save(result, on_saved, wrapper))
        return wrapper

    def _after_save(self, result: Any, then: Callable[[Any], None] | None, wrapper: Any = None) -> None:
        push_undo(self, getattr(wrapper, "undo_change", None))  # offered on 编辑 → 撤销
        try:
            self.on_data_changed(REGISTRY_TABLES)
            if then is not None:
                then(result)
        except Exception as e:  # noqa: BLE001
            self.show_error(e)

    def confirm(self, title: str, text: str, on_yes: Callable[[], None]) -> QMessageBox:
        box = question_box(title, text, self)

        def done(result: int) -> None:
            if self.current_dialog is box:
                self.current_dialog = None
            box.deleteLater()
            if result == QMessageBox.StandardButton.Yes:
                try:
                    on_yes()
                except Exception as e:  # noqa: BLE001
                    self.show_error(e)

        close_dialog(self)
        self.current_dialog = box
        box.finished.connect(done)
        box.open()
        return box

    # -- organisations
    def _open_new_under_current(self, dialog_class: type, under: str, on_saved: Callable[[Any], None]) -> None:
        """A dialog adding an organisation or member under the tree's current node: an office, or the
        organisation passed as keyword `under`."""
        key = self.current_key()
        if self.db is None or key is None:
            return
        if key[0] == "office":
            dlg = dialog_class(self.db, self, office_id=key[1])
        else:
            dlg = dialog_class(self.db, self, **{under: key[1]})
        self._open(dlg, on_saved)

    def _open_editor(self, dlg: Any, on_saved: Callable[[Any], None]) -> None:
        """An edit dialog, shown read-only when the database is."""
        if self.db.readonly:
            dlg.set_readonly()
        self._open(dlg, on_saved)

    @slot
    def add_org(self) -> None:
        self._open_new_under_current(OrgDialog, "parent_id", lambda oid: self.select_org(oid))

    @slot
    def edit_org(self) -> None:
        org = self.current_org()
        if self.db is None or org is None:
            return
        self._open_editor(OrgDialog(self.db, self, org_id=org["id"]), lambda oid: self.select_org(oid))

    @slot
    def delete_org(self) -> None:
        org = self.current_org()
        if self.db is None or org is None:
            return
        oid, name = org["id"], org["name"]

        def do_delete() -> None:
            _, change = delete_org_undoable(self.db, oid)
            push_undo(self, change)
            self.on_data_changed(REGISTRY_TABLES)

        self.confirm("删除组织", f"确定删除“{name}”吗？\n\n只能删除没有下级组织、也没有党员的组织。", do_delete)

    # -- committee and term
    @slot
    def new_term(self) -> None:
        org = self.current_org()
        if org is not None:
            self._open(TermDialog(self.db, self, org_id=org["id"]))

    @slot
    def extend_term(self) -> None:
        org = self.current_org()
        if org is not None:
            self._open(TermDialog(self.db, self, org_id=org["id"], extend=True))

    @slot
    def appoint_committee_member(self) -> None:
        org = self.current_org()
        if org is not None:
            self._open(CommitteeMemberDialog(self.db, self, org_id=org["id"]))

    @slot
    def set_group_leader(self) -> None:
        org = self.current_org()
        if org is not None and org["org_type"] == "党小组":
            self._open(GroupLeaderDialog(self.db, self, group_id=org["id"]))

    @slot
    def end_committee_member(self) -> None:
        org = self.current_org()
        cm = self.selected_committee_member()
        if org is None or cm is None:
            self.show_message("离任", "请先在支委名单中选中离任的成员。")
            return
        self._open(CommitteeMemberDialog(self.db, self, org_id=org["id"], end_cm_id=cm))

    # -- members
    def _one_member(self, title: str) -> str | None:
        mid = self.current_member_id()
        if mid is None:
            self.show_message(title, "请先在党员列表中选中一名党员。")
        return mid

    @slot
    def add_member(self) -> None:
        self._open_new_under_current(MemberDialog, "org_id", lambda mid: self.show_member(mid))

    @slot
    def edit_member(self) -> None:
        if self.db is None:
            return
        mid = self._one_member("编辑党员")
        if mid is None:
            return
        self._open_editor(MemberDialog(self.db, self, member_id=mid), lambda m: self.show_member(m))

    @slot
    def transfer_member(self) -> None:
        mid = self._one_member("转接")
        if mid is not None:
            self._open(TransferDialog(self.db, self, member_id=mid), lambda m: self.show_member(m))

    @slot
    def change_status(self) -> None:
        mid = self._one_member("党籍变动")
        if mid is None:
            return
        m = self.db.get("member", mid)
        if m is not None and not available_events(m):
            self.show_message("党籍变动", f"{m['name']}的党籍状态为“{m['status']}”，没有可办理的变动。")
            return
        # A member who left (转出, 死亡 …) drops out of the list unless 含已转出 is ticked.
        self._open(StatusDialog(self.db, self, member_id=mid), lambda m: self.select_members([m], current=m))

    @slot
    def remove_member(self) -> None:
        if self.db is None or self.db.readonly:
            return
        mid = self._one_member("删除党员")
        if mid is not None:
            self._open(RemoveMemberDialog(self.db, mid, self))

    @slot
    def show_history(self) -> None:
        mid = self._one_member("党员变动历史")
        if mid is not None:
            self._open(HistoryDialog(self.db, mid, self))

    # -- roster (another module; imported when used so the tab works without it)
    def _roster(self, name: str):
        import importlib

        try:
            roster_wizard = importlib.import_module(".roster_wizard", __package__)
        except ModuleNotFoundError as e:
            if e.name and e.name.endswith("roster_wizard"):
                self.show_message("花名册", "本版本尚未包含花名册导入导出功能。")
                return None
            raise
        return getattr(roster_wizard, name)

    def _selected_branch_id(self) -> str | None:
        org = self.current_org()
        if org is None:
            return None
        if org["org_type"] == "党小组":
            return org["parent_id"]
        return org["id"]

    @slot
    def import_roster(self) -> None:
        wizard_cls = self._roster("RosterImportWizard")
        if wizard_cls is None or self.db is None:
            return
        wizard = wizard_cls(self.db, parent=self, default_org_id=self._selected_branch_id())
        wizard.finished.connect(lambda _r: self.on_data_changed(REGISTRY_TABLES))
        self._open(wizard)

    @slot
    def export_roster(self) -> None:
        export = self._roster("export_roster_dialog")
        if export is None or self.db is None:
            return
        key = self.current_key()
        org_id = key[1] if key and key[0] == "org" else None
        member_ids = None
        if self.member_model.filter_text.strip() or (key and key[0] == "office"):
            member_ids = self.member_model.ids  # what the table shows
        export(self, self.db, org_id=org_id, member_ids=member_ids)

    @slot
    def save_template(self) -> None:
        template = self._roster("save_template_dialog")
        if template is None:
            return
        import inspect

        # With the database the template's drop-down lists name this office's branches.
        if self.db is not None and len(inspect.signature(template).parameters) > 1:
            template(self, self.db)
        else:
            template(self)
