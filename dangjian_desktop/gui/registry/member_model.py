"""The member table (党员花名册) as a Qt model: keeps only row ids, fetches rows on demand in pages.

Like Anki's browser table model, the model holds the ordered list of member ids matching the
current node and search (registry.member_table.member_ids); the rows themselves are read in
pages of PAGE_SIZE when the view asks for them (member_rows) and kept in a small LRU cache.
Sorting re-queries the ordered ids.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush

from ...db import Database
from ...registry.member_table import member_ids, member_rows
from ...registry.status import is_active
from ..kit.formatting import format_date
from ..kit.palette import GREY
from ..kit.plain_text import literal

PAGE_SIZE = 100
MAX_PAGES = 40  # pages kept in the cache (4,000 rows)


def _flags(row) -> str:
    parts = []
    if row["is_mobile"]:
        parts.append("流动")
    if row["is_hardship"]:
        parts.append("困难")
    return "、".join(parts)


@dataclass(frozen=True)
class Column:
    key: str  # also the sort key the core orders the ids by (member_table.SORT_KEYS)
    title: str
    show: Callable[[Any], str]


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", lambda r: r["name"]),
    Column("sex", "性别", lambda r: r["sex"] or ""),
    Column("ethnicity", "民族", lambda r: r["ethnicity"] or ""),
    Column("birth_date", "出生日期", lambda r: format_date(r["birth_date"])),
    Column("id_number", "身份证号", lambda r: r["id_number"] or ""),
    Column("education", "学历", lambda r: r["education"] or ""),
    Column("join_date", "入党日期", lambda r: format_date(r["join_date"])),
    Column("category", "党员类别", lambda r: r["category"] or ""),
    Column("org", "所在党支部", lambda r: r["org_name"] or ""),
    Column("group", "党小组", lambda r: r["group_name"] or ""),
    Column("status", "党籍状态", lambda r: r["status"] or ""),
    Column("phone", "联系电话", lambda r: r["phone"] or ""),
    Column("flags", "标记", _flags),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


class MemberTableModel(QAbstractTableModel):
    """Members of one node of the organisation tree matching a search text."""

    ids_reloaded = Signal()  # after the id list was re-queried (filter, node or data changed)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.db: Database | None = None
        self._ids: list[str] = []
        self._row_of: dict[str, int] | None = None
        self._pages: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._org_ids: list[str] | None = None  # None: every member of the database
        self._group_id: str | None = None
        self._text = ""
        self._include_inactive = False
        self._sort_column = 0
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._org_rank: dict[str, int] = {}
        self.pages_fetched = 0  # for tests and benchmarks: how many page queries ran

    # ---- configuration -------------------------------------------------------------
    def set_database(self, db: Database | None, *, reload: bool = True) -> None:
        """Show the members of `db` (every member until a scope is set)."""
        self.db = db
        self._org_ids, self._group_id = None, None
        if reload or db is None:
            self.reload()

    def set_org_rank(self, rank: dict[str, int]) -> None:
        """Tree order of organisations, used when sorting by branch or party group."""
        self._org_rank = dict(rank)

    def set_scope(self, org_ids: list[str] | None = None, *, group_id: str | None = None,
                  reload: bool = True) -> None:
        """Members whose branch is one of `org_ids` (None: all), or of one party group."""
        self._org_ids = list(org_ids) if org_ids is not None else None
        self._group_id = group_id
        if reload:
            self.reload()

    def set_filter(self, text: str, include_inactive: bool, *, reload: bool = True) -> None:
        self._text = text or ""
        self._include_inactive = bool(include_inactive)
        if reload:
            self.reload()

    @property
    def filter_text(self) -> str:
        return self._text

    @property
    def include_inactive(self) -> bool:
        return self._include_inactive

    # ---- reading -------------------------------------------------------------------
    def _query_ids(self) -> list[str]:
        if self.db is None:
            return []
        return member_ids(self.db, org_ids=self._org_ids, group_id=self._group_id, text=self._text,
                          include_inactive=self._include_inactive, sort=COLUMNS[self._sort_column].key,
                          descending=self._sort_order == Qt.SortOrder.DescendingOrder, org_rank=self._org_rank)

    def reload(self) -> None:
        """Re-query the ids (after a change of node, search or data); rows are fetched again lazily."""
        self.beginResetModel()
        self._ids = self._query_ids()
        self._row_of = None
        self._pages.clear()
        self.endResetModel()
        self.ids_reloaded.emit()

    def _page(self, page: int) -> dict[str, Any]:
        cached = self._pages.get(page)
        if cached is not None:
            self._pages.move_to_end(page)
            return cached
        ids = self._ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        rows: dict[str, Any] = {}
        if ids and self.db is not None:
            rows = member_rows(self.db, ids)
            self.pages_fetched += 1
        self._pages[page] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def row_data(self, row: int):
        """The sqlite3.Row of a table row (None when it disappeared meanwhile)."""
        if not 0 <= row < len(self._ids):
            return None
        return self._page(row // PAGE_SIZE).get(self._ids[row])

    def member_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, member_id: str) -> int:
        if self._row_of is None:
            self._row_of = {mid: i for i, mid in enumerate(self._ids)}
        return self._row_of.get(member_id, -1)

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    # ---- Qt model API --------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids) or index.column() >= len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                        Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return None if is_active(row["status"]) else QBrush(GREY)  # transferred out, deceased, …
        if role == Qt.ItemDataRole.ToolTipRole:
            if row["is_mobile"] and row["mobile_whereabouts"]:
                return literal(f"流动党员，去向：{row['mobile_whereabouts']}")
            return None
        return COLUMNS[index.column()].show(row)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].title if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column, self._sort_order = column, order
        if self.db is None:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        keep = [self._ids[p.row()] if 0 <= p.row() < len(self._ids) else None for p in persistent]
        self._ids = self._query_ids()
        self._row_of = None
        self._pages.clear()
        moved = []
        for p, mid in zip(persistent, keep):
            row = self.row_of(mid) if mid is not None else -1
            moved.append(self.index(row, p.column()) if row >= 0 else QModelIndex())
        if persistent:
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order
