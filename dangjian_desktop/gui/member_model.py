"""The member table (党员花名册) as a Qt model over SQL: keeps only row ids, fetches rows on demand in pages.

Like Anki's browser table model, the model holds the ordered list of member ids matching the
current node and search; the rows themselves are read in pages of PAGE_SIZE when the view asks
for them and kept in a small LRU cache. Sorting re-queries the ordered ids in SQL.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush

from .. import dates
from ..db import Database
from ..registry.members import ACTIVE_STATUSES, member_query
from .kit.palette import GREY

PAGE_SIZE = 100
MAX_PAGES = 40  # pages kept in the cache (4,000 rows)


def _date(value: Any) -> str:
    return dates.format_cn(value) if value else ""


def _flags(row) -> str:
    parts = []
    if row["is_mobile"]:
        parts.append("流动")
    if row["is_hardship"]:
        parts.append("困难")
    return "、".join(parts)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    order_by: str  # SQL expression the ids are ordered by (fixed text, never user input)
    show: Callable[[Any], str]
    needs_org: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "m.name_pinyin", lambda r: r["name"]),
    Column("sex", "性别", "m.sex", lambda r: r["sex"] or ""),
    Column("ethnicity", "民族", "m.ethnicity", lambda r: r["ethnicity"] or ""),
    Column("birth_date", "出生日期", "m.birth_date", lambda r: _date(r["birth_date"])),
    Column("id_number", "身份证号", "m.id_number", lambda r: r["id_number"] or ""),
    Column("education", "学历", "m.education", lambda r: r["education"] or ""),
    Column("join_date", "入党日期", "m.join_date", lambda r: _date(r["join_date"])),
    Column("category", "党员类别", "m.category", lambda r: r["category"] or ""),
    Column("org", "所在党支部", "dj_org_rank(m.org_id)", lambda r: r["org_name"] or "", needs_org=True),
    Column("group", "党小组", "dj_org_rank(m.group_id)", lambda r: r["group_name"] or "", needs_org=True),
    Column("status", "党籍状态", "m.status", lambda r: r["status"] or ""),
    Column("phone", "联系电话", "m.phone", lambda r: r["phone"] or ""),
    Column("flags", "标记", "(m.is_mobile * 2 + m.is_hardship)", _flags),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)

_INACTIVE = GREY  # members no longer counted (transferred out, deceased, …)


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
        if db is not None:
            # Orders the org columns as the tree shows them (pinyin is meaningless for 村/社区 mixes).
            db.conn.create_function("dj_org_rank", 1, self._rank, deterministic=True)
        self._org_ids, self._group_id = None, None
        if reload or db is None:
            self.reload()

    def set_org_rank(self, rank: dict[str, int]) -> None:
        """Tree order of organisations, used when sorting by branch or party group."""
        self._org_rank = dict(rank)

    def _rank(self, org_id: str | None) -> int:
        return self._org_rank.get(org_id, 1 << 30) if org_id else 1 << 30

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

    # ---- queries -------------------------------------------------------------------
    def _where(self) -> tuple[str, list]:
        where, params = member_query(self.db, org_id=None, text=self._text,
                                     include_inactive=self._include_inactive)
        clauses = [where[len(" WHERE "):]] if where else []
        if self._group_id is not None:
            clauses.append("m.group_id = ?")
            params.append(self._group_id)
        elif self._org_ids is not None:
            if self._org_ids:
                clauses.append(f"m.org_id IN ({','.join('?' * len(self._org_ids))})")
                params += self._org_ids
            else:
                clauses.append("0")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _query_ids(self) -> list[str]:
        if self.db is None:
            return []
        where, params = self._where()
        col = COLUMNS[self._sort_column]
        direction = "DESC" if self._sort_order == Qt.SortOrder.DescendingOrder else "ASC"
        # The unary + keeps SQLite from walking the name_pinyin index in order (a table lookup
        # per member): a scan with the filter, then sorting the matches, is several times faster.
        order = f"+{col.order_by} {direction}"
        if col.key != "name":
            order += f", m.name_pinyin {direction}"
        sql = f"SELECT m.id FROM member m{where} ORDER BY {order}, m.id"
        cur = self.db.conn.cursor()
        cur.row_factory = None  # plain tuples: no sqlite3.Row per id
        try:
            return [r[0] for r in cur.execute(sql, params)]
        finally:
            cur.close()

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
            sql = (f"SELECT m.*, o.name AS org_name, g.name AS group_name FROM member m "
                   f"LEFT JOIN org o ON o.id = m.org_id LEFT JOIN org g ON g.id = m.group_id "
                   f"WHERE m.id IN ({','.join('?' * len(ids))})")
            rows = {r["id"]: r for r in self.db.conn.execute(sql, ids)}
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
            return None if row["status"] in ACTIVE_STATUSES else QBrush(_INACTIVE)
        if role == Qt.ItemDataRole.ToolTipRole:
            if row["is_mobile"] and row["mobile_whereabouts"]:
                return f"流动党员，去向：{row['mobile_whereabouts']}"
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
