"""The tables of the 党员积分 page: the columns of each panel's tables (kit RowModel) and the
attendance grid of the meeting screen. Scores are written by the one formatter (kit.formatting)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush

from ... import numbers
from ...meetings import STATUSES
from ...meetings.compliance import ORDER
from ...meetings.ledger import Candidate
from ...pinyin import sort_key
from ...points.catalogue import UNITS
from ..kit.formatting import format_date, format_score
from ..kit.palette import AMBER, GREEN, GREY, LIGHT_AMBER, LIGHT_RED, RED, STAR_GOLD
from ..kit.plain_text import literal
from ..kit.row_model import ALIGN_CENTER, ALIGN_RIGHT, Col


def signed(value: Any) -> str:
    """Points with their sign: +2, -3, +0.5 (the one score formatter, numbers.format_score)."""
    return numbers.format_score(value, signed=True)


def stars_text(stars: int | None) -> str:
    if stars is None:
        return "—"
    return "★" * stars if stars else "无星"


def _org_key(name: str | None) -> str:
    return sort_key(name or "")


# ---- 积分细则 -------------------------------------------------------------------------------------

ITEM_COLUMNS = (
    Col("编号", lambda i: i.code),
    Col("类别", lambda i: i.kind, ALIGN_CENTER, lambda i: GREEN if i.kind == "加分" else RED),
    Col("积分项目", lambda i: i.title),
    Col("分值", lambda i: signed(i.signed_points), ALIGN_RIGHT, sort=lambda i: i.signed_points),
    Col("计分单位", lambda i: UNITS[i.unit], ALIGN_CENTER),
    Col("年度上限", lambda i: format_score(i.effective_cap) if i.effective_cap else "不限", ALIGN_RIGHT),
    Col("免计类别", lambda i: "、".join(i.exempt_classes)),
    Col("关联会议考勤", lambda i: ("、".join(i.meeting_types) + f" {i.on_status}") if i.on_status else ""),
    Col("状态", lambda i: "启用" if i.active else "停用", ALIGN_CENTER, lambda i: None if i.active else GREY),
    Col("备注", lambda i: i.note),
)

# ---- 积分台账 -------------------------------------------------------------------------------------

MEMBER_COLUMNS = (
    Col("姓名", lambda t: t.name, sort=lambda t: t.name_pinyin),
    Col("党支部", lambda t: t.org_name, sort=lambda t: _org_key(t.org_name)),
    Col("总分", lambda t: format_score(t.total), ALIGN_RIGHT, sort=lambda t: t.total),
    Col("星级", lambda t: stars_text(t.stars), ALIGN_CENTER,
        lambda t: RED if t.stars == 0 else None, sort=lambda t: -1 if t.stars is None else t.stars),
)
ENTRY_COLUMNS = (
    Col("日期", lambda e: format_date(e.date), sort=lambda e: e.date),
    Col("姓名", lambda e: e.member_name),
    Col("积分项目", lambda e: f"{e.item_code} {e.item_title}"),
    Col("分值", lambda e: signed(e.points), ALIGN_RIGHT, lambda e: GREEN if e.points > 0 else RED,
        sort=lambda e: e.points),
    Col("备注", lambda e: e.note),
    Col("来源", lambda e: f"{e.meeting_type}考勤" if e.meeting_type else "录入"),
    Col("佐证", lambda e: "有" if e.has_evidence else "", ALIGN_CENTER),
    Col("录入人", lambda e: e.entered_by),
)
BREAKDOWN_COLUMNS = (
    Col("积分项目", lambda r: f"{r['code']} {r['title']}"),
    Col("次数", lambda r: r["count"], ALIGN_CENTER),
    Col("合计", lambda r: signed(r["raw"]), ALIGN_RIGHT),
    Col("计入", lambda r: signed(r["counted"]), ALIGN_RIGHT,
        lambda r: GREEN if r["counted"] > 0 else (RED if r["counted"] < 0 else GREY)),
    Col("说明", lambda r: r["note"]),
)

# ---- 年度汇总 -------------------------------------------------------------------------------------


def _rating_color(t):
    if t.stars is None:
        return GREY
    return RED if t.stars == 0 else (STAR_GOLD if t.stars else None)


TOTAL_COLUMNS = (
    Col("党支部", lambda t: t.org_name, sort=lambda t: _org_key(t.org_name)),
    Col("姓名", lambda t: t.name, sort=lambda t: t.name_pinyin),
    Col("基础分", lambda t: format_score(t.base), ALIGN_RIGHT, sort=lambda t: t.base),
    Col("加分", lambda t: signed(t.plus) if t.plus is not None else "", ALIGN_RIGHT,
        lambda t: GREEN, sort=lambda t: t.plus or 0),
    Col("扣分", lambda t: format_score(t.minus) if t.minus else "", ALIGN_RIGHT, lambda t: RED,
        sort=lambda t: t.minus or 0),
    Col("总分", lambda t: format_score(t.total), ALIGN_RIGHT, sort=lambda t: t.total),
    Col("星级", lambda t: stars_text(t.stars), ALIGN_CENTER, _rating_color,
        sort=lambda t: -1 if t.stars is None else t.stars),
    Col("评定", lambda t: t.label, ALIGN_CENTER, _rating_color),
    Col("民主评议", lambda t: getattr(t, "review", "") or "", ALIGN_CENTER,
        lambda t: RED if getattr(t, "review", "") in ("不合格", "基本合格") else None),
    Col("类别", lambda t: "、".join(t.classes)),
    Col("免评原因", lambda t: t.exempt_reason or ""),
)
BRANCH_COLUMNS = (
    Col("党支部", lambda b: b.org_name, sort=lambda b: _org_key(b.org_name)),
    Col("党员", lambda b: b.members, ALIGN_CENTER, sort=lambda b: b.members),
    Col("参评", lambda b: b.rated, ALIGN_CENTER, sort=lambda b: b.rated),
    Col("平均分", lambda b: format_score(b.average) or "—", ALIGN_RIGHT, sort=lambda b: b.average or 0),
    Col("三星", lambda b: b.stars.get(3, 0), ALIGN_CENTER, sort=lambda b: b.stars.get(3, 0)),
    Col("二星", lambda b: b.stars.get(2, 0), ALIGN_CENTER, sort=lambda b: b.stars.get(2, 0)),
    Col("一星", lambda b: b.stars.get(1, 0), ALIGN_CENTER, sort=lambda b: b.stars.get(1, 0)),
    Col("无星", lambda b: b.stars.get(0, 0), ALIGN_CENTER, lambda b: RED if b.stars.get(0) else None,
        sort=lambda b: b.stars.get(0, 0)),
    Col("最低分", lambda b: format_score(b.lowest), ALIGN_RIGHT, sort=lambda b: b.lowest or 0),
)

# ---- 三会一课 -------------------------------------------------------------------------------------


def _cell(t) -> str:
    if t is None:
        return "—"
    if not t.applicable:
        return t.note or "不适用"
    text = f"{t.held}/{t.required}" if t.required else ("本期已开" if t.current_held else "—")
    if t.missing:
        shown = t.missing if len(t.missing) <= 4 else t.missing[:4] + [f"等{len(t.missing)}处"]
        text += " 缺" + "、".join(shown)
    return text


def _cell_color(t):
    if t is None or not t.applicable:
        return GREY
    return RED if t.missing else (GREEN if t.required else None)


def compliance_columns() -> list[Col]:
    cols = [Col("党支部", lambda b: b.org_name, sort=lambda b: _org_key(b.org_name))]
    for name in ORDER:
        cols.append(Col(name, lambda b, n=name: _cell(b.types.get(n)), None,
                        lambda b, n=name: _cell_color(b.types.get(n)),
                        lambda b, n=name: b.types[n].summary() if n in b.types else None,
                        sort=lambda b, n=name: len(b.types[n].missing) if n in b.types else -1))
    cols.append(Col("缺少合计", lambda b: b.missing_total, ALIGN_CENTER, lambda b: RED if b.missing_total else GREEN,
                    sort=lambda b: b.missing_total))
    return cols


# ---- 会议与考勤 -----------------------------------------------------------------------------------

STATUS_COLORS = {"出席": GREEN, "请假": AMBER, "缺席": RED}
STATUS_BACKGROUNDS = {"请假": LIGHT_AMBER, "缺席": LIGHT_RED}

MEETING_COLUMNS = (
    Col("日期", lambda r: format_date(r["date"]), sort=lambda r: r["date"]),
    Col("会议类型", lambda r: r["meeting_type"]),
    Col("党小组", lambda r: r["group_name"] or ""),
    Col("主题", lambda r: r["topic"]),
    Col("地点", lambda r: r["place"]),
    Col("主持人", lambda r: r["host_name"]),
    Col("出席", lambda r: r["present"], ALIGN_CENTER, sort=lambda r: r["present"]),
    Col("请假", lambda r: r["leave"], ALIGN_CENTER, lambda r: AMBER if r["leave"] else None, sort=lambda r: r["leave"]),
    Col("缺席", lambda r: r["absent"], ALIGN_CENTER, lambda r: RED if r["absent"] else None, sort=lambda r: r["absent"]),
    Col("照片", lambda r: r["photos"] or "", ALIGN_CENTER),
)
ATTENDEE_COLUMNS = (
    Col("姓名", lambda r: r["name"], sort=lambda r: r["name_pinyin"]),
    Col("考勤", lambda r: r["status"], ALIGN_CENTER, lambda r: STATUS_COLORS.get(r["status"])),
    Col("积分", lambda r: signed(r["points"]) if r["points"] else "", ALIGN_CENTER),
)


class AttendanceModel(QAbstractTableModel):
    """The members expected at a meeting, each with a status (出席 by default), laid out as a
    grid filled column by column so that a 60-member branch fits on one screen."""

    ROWS_PER_COLUMN = 15
    MAX_COLUMNS = 6
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.people: list[Candidate] = []
        self.status: dict[str, str] = {}
        self.n_rows = 0
        self.n_cols = 0

    def set_people(self, people: list[Candidate], keep: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self.people = list(people)
        keep = keep or {}
        self.status = {p.member_id: keep.get(p.member_id, "出席") for p in self.people}
        n = len(self.people)
        self.n_cols = max(1, min(self.MAX_COLUMNS, -(-n // self.ROWS_PER_COLUMN))) if n else 0
        self.n_rows = -(-n // self.n_cols) if n else 0
        self.endResetModel()
        self.changed.emit()

    # ---- grid <-> list ------------------------------------------------------------------------
    def position(self, index: QModelIndex) -> int | None:
        """The list position of a cell (column-major), or None for an empty cell."""
        if not index.isValid():
            return None
        k = index.column() * self.n_rows + index.row()
        return k if 0 <= k < len(self.people) and index.row() < self.n_rows else None

    def index_of(self, k: int) -> QModelIndex:
        if not 0 <= k < len(self.people) or not self.n_rows:
            return QModelIndex()
        return self.index(k % self.n_rows, k // self.n_rows)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else self.n_rows

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else self.n_cols

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        k = self.position(index)
        if k is None:
            return None
        p = self.people[k]
        status = self.status[p.member_id]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "（流动）" if "流动党员" in p.classes else ""
            if p.left:  # a member on the meeting's day who has left since ("2026年1月10日转出")
                how = p.left.split("日", 1)[1] if "日" in p.left else ""
                mark += f"（已{how or '离开'}）"
            return f"{k + 1}. {p.name}{mark}　{status}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(STATUS_COLORS[status])
        if role == Qt.ItemDataRole.BackgroundRole and status != "出席":
            return QBrush(STATUS_BACKGROUNDS[status])
        if role == Qt.ItemDataRole.ToolTipRole:
            extra = "，".join(x for x in (p.group_name, p.role, "、".join(p.classes)) if x)
            left = f"\n{p.left}：只登记考勤，不记积分" if p.left else ""
            return literal(f"{p.name}{('（' + extra + '）') if extra else ''}：{status}{left}\n"
                           "按 1 出席、2 请假、3 缺席；空格或单击切换")
        if role == Qt.ItemDataRole.UserRole:
            return p.member_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < self.n_cols:
                return None
            first = section * self.n_rows + 1
            return f"第{first}–{min(len(self.people), first + self.n_rows - 1)}人"
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if self.position(index) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def _touch(self, k: int) -> None:
        idx = self.index_of(k)
        if idx.isValid():
            self.dataChanged.emit(idx, idx)

    def set_status(self, positions: list[int], status: str) -> None:
        for k in positions:
            if 0 <= k < len(self.people):
                self.status[self.people[k].member_id] = status
                self._touch(k)
        self.changed.emit()

    def cycle(self, positions: list[int]) -> None:
        for k in positions:
            if 0 <= k < len(self.people):
                mid = self.people[k].member_id
                self.status[mid] = STATUSES[(STATUSES.index(self.status[mid]) + 1) % len(STATUSES)]
                self._touch(k)
        self.changed.emit()

    def status_of(self, name: str) -> str:
        return next(self.status[p.member_id] for p in self.people if p.name == name)

    def counts(self, *, rated_only: bool = False) -> dict[str, int]:
        """Members by status; rated_only: leaving out those who have left since (no points for them)."""
        left = {p.member_id for p in self.people if p.left} if rated_only else set()
        return {s: sum(1 for m, v in self.status.items() if v == s and m not in left) for s in STATUSES}
