"""The tables of the 结果报告 page: the rated round (ResultsModel, one row per branch) and the
rectification ledger (LedgerModel). Both only show what the core computed (assessment.results,
assessment.rectification)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from ...assessment.rectification import Rectification
from ...assessment.results import BranchRating, RoundRating
from ...assessment.rounds import STATE_ORDER
from ...pinyin import sort_key as pinyin_key
from ..kit.formatting import format_date, format_score
from ..kit.palette import AMBER, GREEN, GREY, LIGHT_AMBER, LIGHT_RED, RED
from ..kit.plain_text import literal
from ..kit.row_model import MUTED_ROLE

TREND_ARROWS = {"up": "↑", "down": "↓", "same": "→"}
(R_TOWN, R_BRANCH, R_KIND, R_STATE, R_TOTAL, R_RATING, R_STARS, R_VETO, R_RANK_TOWN, R_RANK_COUNTY, R_PREV,
 R_TREND, R_QUOTA, R_CONSEQ) = range(14)
R_HEADERS = ("乡镇", "党组织", "类别", "环节", "总分", "评定", "星级", "否决", "镇内排名", "全县排名", "上年",
             "升降", "名额", "后果")
#: The starting widths of the results columns (the last one, 后果, takes the rest).
R_WIDTHS = ((R_TOWN, 70), (R_BRANCH, 190), (R_KIND, 60), (R_STATE, 50), (R_TOTAL, 50), (R_RATING, 80),
            (R_STARS, 90), (R_VETO, 50), (R_RANK_TOWN, 64), (R_RANK_COUNTY, 64), (R_PREV, 90), (R_TREND, 40),
            (R_QUOTA, 80))
SHEET_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


def stars_text(stars: int | None, out_of: int | None = None) -> str:
    """★★★ (with ☆ up to `out_of` when given); 无星 for none; '' when the result carries no stars."""
    if stars is None:
        return ""
    if out_of:
        return "★" * stars + "☆" * max(0, out_of - stars)
    return "★" * stars if stars else "无星"


class ResultsModel(QAbstractTableModel):
    """One row per branch of the rated round."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rating: RoundRating | None = None
        self.rows: list[BranchRating] = []
        self.max_stars: int | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_rating(self, rating: RoundRating | None) -> None:
        self.beginResetModel()
        self.rating = rating
        self.rows = list(rating.branches) if rating else []
        self.max_stars = rating.scheme.max_stars if rating is not None else None
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(R_HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return R_HEADERS[section]
        return None

    def text(self, b: BranchRating, col: int) -> str:
        if col == R_TOWN:
            return b.town
        if col == R_BRANCH:
            return b.org_name
        if col == R_KIND:
            return b.kind or ""
        if col == R_STATE:
            return b.state
        if col == R_TOTAL:
            return format_score(b.total)
        if col == R_RATING:
            # A rating of a sheet still being filled is provisional (暂定); a quota decision shows as decided.
            return (b.rating_text if b.rating else "") + ("（否决）" if b.vetoed else "")
        if col == R_STARS:
            return stars_text(b.stars, self.max_stars)
        if col == R_VETO:
            return "、".join(b.vetoes)
        if col == R_RANK_TOWN:
            return "" if b.rank_town is None else str(b.rank_town)
        if col == R_RANK_COUNTY:
            return "" if b.rank_county is None else str(b.rank_county)
        if col == R_PREV:
            p = b.previous or {}
            if not p:
                return ""
            return f"{p.get('year', '')}年 {p.get('rating') or ''}".strip()
        if col == R_TREND:
            return TREND_ARROWS.get(b.trend or "", "")
        if col == R_QUOTA:
            if b.quota_pending:
                return "待决定·超名额候选" if b.quota_flags else "名额待决定"
            if b.named:
                return "已确定获得"
            return "超名额候选" if b.quota_flags else ""
        if col == R_CONSEQ:
            return (b.consequence_prefix if b.consequences else "") + "；".join(c.title for c in b.consequences)
        return ""

    def sort_key(self, b: BranchRating, col: int) -> Any:
        """Numbers sort as numbers (missing ones last), text by its pinyin."""
        big = 10 ** 9
        if col == R_TOTAL:
            return -1.0 if b.total is None else float(b.total)
        if col in (R_RATING, R_STARS):
            return -1 if b.result is None else b.result.rank
        if col == R_RANK_TOWN:
            return big if b.rank_town is None else b.rank_town
        if col == R_RANK_COUNTY:
            return big if b.rank_county is None else b.rank_county
        if col == R_TREND:
            return {"up": 2, "same": 1, "down": 0}.get(b.trend or "", -1)
        if col == R_QUOTA:
            return len(b.quota_flags)
        if col == R_STATE:
            return STATE_ORDER.get(b.state, 0)
        return str(pinyin_key(self.text(b, col)))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        b = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(b, col)
        if role == SHEET_ROLE:
            return b.sheet_id
        if role == SORT_ROLE:
            return self.sort_key(b, col)
        if role == MUTED_ROLE:
            return bool(b.provisional and b.rating)
        if role == Qt.ItemDataRole.ToolTipRole:
            return literal(self._tooltip(b, col)) or None  # names and reasons shown as written
        if role == Qt.ItemDataRole.TextAlignmentRole and col not in (R_BRANCH, R_CONSEQ):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(b, col)
        if role == Qt.ItemDataRole.BackgroundRole:
            if b.quota_flags:
                return QBrush(LIGHT_AMBER)
            if b.vetoed:
                return QBrush(LIGHT_RED)
        if role == Qt.ItemDataRole.FontRole and col == R_TREND:
            return self._bold
        if role == Qt.ItemDataRole.FontRole and b.provisional and col in (R_RATING, R_STARS, R_CONSEQ):
            return self._italic
        return None

    def _tooltip(self, b: BranchRating, col: int) -> str | None:
        if col == R_TREND and b.trend:
            return f"与上年相比：{b.trend_label}"
        if col == R_VETO and b.veto_facts:
            return "\n".join(b.veto_facts)
        if col == R_CONSEQ and b.consequences:
            return "\n".join(f"{c.title}（{c.reason}）" for c in b.consequences)
        if col == R_QUOTA and b.quota_flags and self.rating:
            return "\n".join(f.message for f in self.rating.quota_flags if f.quota in b.quota_flags)
        if col in (R_TOTAL, R_RATING):
            head = ["暂定：审核尚未完成（未进入公示或考核分未填完），按现有分数计算。"] if b.provisional else []
            return "\n".join(head + b.reasons + b.warnings) or None
        return None

    def _foreground(self, b: BranchRating, col: int) -> QBrush | None:
        if b.provisional and col in (R_TOTAL, R_RATING, R_STARS, R_CONSEQ):
            return QBrush(GREY)  # provisional: muted, never in the colours of a confirmed result
        if col == R_STARS:
            return QBrush(RED)
        if col == R_TREND:
            return QBrush({"up": GREEN, "down": RED}.get(b.trend or "", GREY))
        if col in (R_VETO, R_RATING) and b.vetoed:
            return QBrush(RED)
        if col == R_QUOTA and b.quota_flags:
            return QBrush(AMBER)
        return None


L_HEADERS = ("乡镇", "党组织", "存在问题", "整改措施", "责任人", "整改时限", "状态", "销号日期", "佐证")
L_TOWN, L_BRANCH, L_PROBLEM, L_MEASURE, L_RESPONSIBLE, L_DEADLINE, L_STATUS, L_CLOSED, L_EVIDENCE = range(9)


class LedgerModel(QAbstractTableModel):
    """整改台账 entries; overdue ones in red, closed ones muted."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Rectification] = []

    def set_rows(self, rows: list[Rectification]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(L_HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return L_HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            status = r.status + ("（逾期）" if r.overdue else "")
            return (r.town, r.org_name, r.problem, r.measure, r.responsible, format_date(r.deadline), status,
                    format_date(r.closed_on), str(r.evidence_count) if r.evidence_count else "")[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (L_PROBLEM, L_MEASURE, L_CLOSED):
            return literal({L_PROBLEM: r.problem, L_MEASURE: r.measure, L_CLOSED: r.close_note}[col]) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.overdue and col in (L_DEADLINE, L_STATUS):
                return QBrush(RED)
            if r.closed:
                return QBrush(GREY)
        if role == Qt.ItemDataRole.BackgroundRole and r.overdue:
            return QBrush(LIGHT_RED)
        return None
