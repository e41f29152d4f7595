"""The 结果报告 tab: a round's results (ratings, stars, ranks, quotas, year-over-year, consequences),
the rectification ledger (整改台账) and the publicity sheet (公示) preview and save."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QBuffer, QByteArray, QIODevice, QModelIndex, QSortFilterProxyModel,
                            Qt, Signal)
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QFileDialog, QHBoxLayout,
                               QHeaderView, QLabel, QListWidget, QListWidgetItem, QPushButton, QSplitter,
                               QStackedWidget, QTableView, QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from .. import dates
from ..assessment import rectification as rect_api
from ..assessment import rounds as rounds_api
from ..assessment.results import BranchRating, RoundRating, rate_round
from ..db import Database
from ..filesave import write_bytes
from .assessment_common import (AMBER, GREEN, GREY, LIGHT_AMBER, LIGHT_RED, RED, RoundTab, cn_date, fmt_score,
                                open_dialog, slot)
from .assessment_dialogs import CloseRectificationDialog, RectificationDialog, iso_of, set_date
from .kit.tasks import Task
from .table_columns import hide_when_uniform
from .table_export import add_table_export, tool_buttons

try:  # QtPdf comes with the pyside6-pdf wheel; without it the sheet can still be saved
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    HAVE_QTPDF = True
except ImportError:  # pragma: no cover - depends on the installed wheels
    HAVE_QTPDF = False

REPORT_TABLES = {"assessment_round", "round_branch", "round_score", "round_veto", "round_history",
                 "round_appeal", "round_adjustment", "rectification", "round_evidence", "setting", "org",
                 "round_quota_decision", "round_veto_review", "holiday", "holiday_year"}

TREND_ARROWS = {"up": "↑", "down": "↓", "same": "→"}
(R_TOWN, R_BRANCH, R_KIND, R_STATE, R_TOTAL, R_RATING, R_STARS, R_VETO, R_RANK_TOWN, R_RANK_COUNTY, R_PREV,
 R_TREND, R_QUOTA, R_CONSEQ) = range(14)
R_HEADERS = ("乡镇", "党组织", "类别", "环节", "总分", "评定", "星级", "否决", "镇内排名", "全县排名", "上年",
             "升降", "名额", "后果")
SHEET_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


def stars_text(stars: int | None, out_of: int | None = None) -> str:
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
        self.max_stars = None
        if rating is not None and rating.scheme.rating.has_stars:
            levels = [lv.stars for lv in rating.scheme.rating.levels if lv.stars is not None]
            self.max_stars = max(levels) if levels else len(rating.scheme.sections) or None
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
            return fmt_score(b.total)
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
            from ..assessment.rounds import STATE_ORDER

            return STATE_ORDER.get(b.state, 0)
        from ..pinyin import sort_key

        return str(sort_key(self.text(b, col)))

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
        if role == Qt.ItemDataRole.ToolTipRole:
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
        if role == Qt.ItemDataRole.TextAlignmentRole and col not in (R_BRANCH, R_CONSEQ):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
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


R_COLS = ("乡镇", "党组织", "存在问题", "整改措施", "责任人", "整改时限", "状态", "销号日期", "佐证")


class LedgerModel(QAbstractTableModel):
    """整改台账 entries; overdue ones in red."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[rect_api.Rectification] = []

    def set_rows(self, rows: list[rect_api.Rectification]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(R_COLS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return R_COLS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            status = r.status + ("（逾期）" if r.overdue else "")
            return (r.town, r.org_name, r.problem, r.measure, r.responsible, cn_date(r.deadline), status,
                    cn_date(r.closed_on), str(r.evidence_count) if r.evidence_count else "")[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (2, 3, 7):
            return {2: r.problem, 3: r.measure, 7: r.close_note or None}[col]
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.overdue and col in (5, 6):
                return QBrush(RED)
            if r.status == "已销号":
                return QBrush(GREY)
        if role == Qt.ItemDataRole.BackgroundRole and r.overdue:
            return QBrush(LIGHT_RED)
        return None


class ReportsTab(QWidget, RoundTab):
    """结果报告: 评定结果 | 整改台账 | 公示表."""

    TAB_TITLE = "结果报告"
    NO_ROUNDS_HTML = "<h3>还没有考核轮次</h3><p>请先在“考核检查”中新建轮次并录入评分。</p>"
    rated = Signal()  # the results table was refreshed
    preview_ready = Signal()  # the publicity preview was rebuilt (or failed: see preview_error)

    def __init__(self, parent: QWidget | None = None):
        QWidget.__init__(self, parent)
        self._init_round_tab()
        self.rating: RoundRating | None = None
        self.pdf_bytes: bytes | None = None
        self.preview_error: str | None = None
        self._stale = False
        self._pdf_buffer: QBuffer | None = None
        self._build()
        self.set_database(None)

    # ================================================================== layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        lbl = QLabel("考核轮次(&L)：")
        self.round_combo = QComboBox()
        self.round_combo.setMinimumWidth(320)
        lbl.setBuddy(self.round_combo)
        self.round_combo.currentIndexChanged.connect(lambda _i: self.select_round(self.round_combo.currentData()))
        bar.addWidget(lbl)
        bar.addWidget(self.round_combo, 1)
        self.refresh_button = QPushButton("重新评定(&R)")
        self.refresh_button.setToolTip("按最新分数重新计算评定、排名和名额")
        self.refresh_button.clicked.connect(self.refresh)
        bar.addWidget(self.refresh_button)
        self.quota_button = QPushButton("名额决定(&Q)…")
        self.quota_button.setToolTip("称号或等次超过名额时，由审核人确定获得者并写明理由")
        self.quota_button.clicked.connect(self.quota_dialog)
        bar.addWidget(self.quota_button)
        self.settings_button = QPushButton("公示设置(&S)…")
        self.settings_button.clicked.connect(self.settings_dialog)
        bar.addWidget(self.settings_button)
        outer.addLayout(bar)

        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack.addWidget(self.empty_label)
        self.tabs = QTabWidget()
        self.stack.addWidget(self.tabs)

        # 评定结果
        page = QWidget()
        lay = QVBoxLayout(page)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        lay.addWidget(self.summary_label)
        self.quota_list = QListWidget()
        self.quota_list.setWordWrap(True)
        self.quota_list.setAccessibleName("名额检查")
        lay.addWidget(self.quota_list)
        split = QSplitter(Qt.Orientation.Vertical)
        self.results_model = ResultsModel(self)
        self.results_proxy = QSortFilterProxyModel(self)
        self.results_proxy.setSourceModel(self.results_model)
        self.results_proxy.setSortRole(SORT_ROLE)
        self.results_view = QTableView()
        self.results_view.setModel(self.results_proxy)
        self.results_view.setAccessibleName("评定结果")
        self.results_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.verticalHeader().setVisible(False)
        self.results_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.results_view.horizontalHeader()
        hh.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the registry's order until a header is clicked
        self.results_view.setSortingEnabled(True)
        hh.setStretchLastSection(True)
        for col, w in ((R_TOWN, 70), (R_BRANCH, 190), (R_KIND, 60), (R_STATE, 50), (R_TOTAL, 50), (R_RATING, 80),
                       (R_STARS, 90), (R_VETO, 50), (R_RANK_TOWN, 64), (R_RANK_COUNTY, 64), (R_PREV, 90),
                       (R_TREND, 40), (R_QUOTA, 80)):
            self.results_view.setColumnWidth(col, w)
        self.results_view.selectionModel().currentRowChanged.connect(self._show_details)
        hide_when_uniform(self.results_view, 0)  # 乡镇: one town in a town database
        export = add_table_export(self.results_view, self, lambda: f"{self.round_combo.currentText()}评定结果")
        split.addWidget(self.results_view)
        low = QWidget()
        ll = QVBoxLayout(low)
        ll.setContentsMargins(0, 0, 0, 0)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        ll.addWidget(self.details, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.to_ledger_button = QPushButton("列入整改台账(&Z)…")
        self.to_ledger_button.setToolTip("为所选党组织登记问题清单、整改措施和时限")
        self.to_ledger_button.clicked.connect(self.add_rectification_for_selected)
        row.addWidget(self.to_ledger_button)
        for b in tool_buttons(export):  # 导出 Excel / 打印/PDF of the results as shown
            row.addWidget(b)
        ll.addLayout(row)
        split.addWidget(low)
        split.setSizes([420, 160])
        lay.addWidget(split, 1)
        self.tabs.addTab(page, "评定结果(&J)")

        # 整改台账
        page = QWidget()
        lay = QVBoxLayout(page)
        row = QHBoxLayout()
        self.ledger_scope = QComboBox()
        self.ledger_scope.addItems(["全部轮次", "本轮次"])  # problems outlive the round that found them
        self.ledger_open_only = QCheckBox("只看未销号")
        self.ledger_scope.currentIndexChanged.connect(self.refresh_ledger)
        self.ledger_open_only.toggled.connect(self.refresh_ledger)
        row.addWidget(self.ledger_scope)
        row.addWidget(self.ledger_open_only)
        self.ledger_counts = QLabel()
        row.addWidget(self.ledger_counts, 1)
        lay.addLayout(row)
        self.ledger_model = LedgerModel(self)
        self.ledger_view = QTableView()
        self.ledger_view.setModel(self.ledger_model)
        self.ledger_view.setAccessibleName("整改台账")
        self.ledger_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ledger_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.ledger_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ledger_view.verticalHeader().setVisible(False)
        self.ledger_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.ledger_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.ledger_view.doubleClicked.connect(lambda *_: self.edit_rectification())
        self.ledger_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        hide_when_uniform(self.ledger_view, 0)  # 乡镇
        lay.addWidget(self.ledger_view, 1)
        row = QHBoxLayout()
        for b in tool_buttons(add_table_export(self.ledger_view, self, "整改台账")):
            row.addWidget(b)
        self.ledger_add = QPushButton("新增(&A)…")
        self.ledger_edit = QPushButton("修改(&E)…")
        self.ledger_close = QPushButton("销号(&X)…")
        self.ledger_reopen = QPushButton("重新打开")
        for b, fn in ((self.ledger_add, self.add_rectification), (self.ledger_edit, self.edit_rectification),
                      (self.ledger_close, self.close_rectification), (self.ledger_reopen, self.reopen_rectification)):
            b.clicked.connect(fn)
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.tabs.addTab(page, "整改台账(&G)")

        # 公示表
        page = QWidget()
        lay = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addWidget(QLabel("纸张："))
        self.paper_combo = QComboBox()
        self.paper_combo.addItems(["A4", "A3"])
        row.addWidget(self.paper_combo)
        row.addWidget(QLabel("方向："))
        self.orientation_combo = QComboBox()
        self.orientation_combo.addItem("纵向", False)
        self.orientation_combo.addItem("横向", True)
        row.addWidget(self.orientation_combo)
        row.addWidget(QLabel("公示开始："))
        self.start_edit = QDateEdit()
        set_date(self.start_edit, dates.today())
        row.addWidget(self.start_edit)
        self.preview_button = QPushButton("生成预览(&V)")
        self.preview_button.clicked.connect(self.build_preview)
        row.addWidget(self.preview_button)
        self.save_pdf_button = QPushButton("保存 PDF(&P)…")
        self.save_pdf_button.clicked.connect(self.save_pdf_dialog)
        row.addWidget(self.save_pdf_button)
        row.addStretch(1)
        row.addWidget(QLabel("显示："))
        self.zoom_combo = QComboBox()
        for text, value in (("整页", "page"), ("适合宽度", "width"), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0),
                            ("150%", 1.5)):
            self.zoom_combo.addItem(text, value)
        self.zoom_combo.currentIndexChanged.connect(self._zoom_changed)
        row.addWidget(self.zoom_combo)
        lay.addLayout(row)
        self.preview_info = QLabel()
        self.preview_info.setWordWrap(True)
        lay.addWidget(self.preview_info)
        if HAVE_QTPDF:
            self.pdf_document = QPdfDocument(self)
            self.pdf_view = QPdfView()
            self.pdf_view.setDocument(self.pdf_document)
            self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
            self.pdf_view.setPageSpacing(12)
            lay.addWidget(self.pdf_view, 1)
        else:  # pragma: no cover - depends on the installed wheels
            self.pdf_document = None
            self.pdf_view = QLabel("本机缺少 PDF 预览组件，无法在程序内预览；仍可保存 PDF 后用其他软件打开查看。")
            self.pdf_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
            lay.addWidget(self.pdf_view, 1)
        for w in (self.paper_combo, self.orientation_combo):
            w.currentIndexChanged.connect(self._options_changed)
        self.start_edit.dateChanged.connect(self._options_changed)
        self.tabs.addTab(page, "公示表(&H)")
        self.tabs.currentChanged.connect(self._tab_shown)

    # ================================================================== database
    def _clear_views(self) -> None:
        self.rating = None
        self.results_model.set_rating(None)
        self.ledger_model.set_rows([])
        self._clear_preview()

    def _tables_changed(self, tables: set[str] | None) -> None:
        if tables and not (set(tables) & REPORT_TABLES):
            return
        if set(tables or ()) & {"assessment_round"} or not tables:
            self._fill_rounds(keep=self._round_id)
            return
        self._stale = True
        self._clear_preview()
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale and self.db is not None and self._round_id:
            self.refresh()

    # ================================================================== rounds
    def _round_label(self, r: rounds_api.Round) -> str:
        return f"{r.title}（{r.scheme_name}，{r.state}）"

    @slot
    def select_round(self, round_id: str | None, *, force: bool = False) -> None:
        if round_id is None or (round_id == self._round_id and not force):
            return
        self._enter_round(round_id)
        rnd = rounds_api.get_round(self.db, round_id)
        from ..reports.round_publicity import default_start

        self.start_edit.blockSignals(True)
        set_date(self.start_edit, default_start(rnd))  # the round's date while still ahead, else today
        self.start_edit.blockSignals(False)
        self._clear_preview()
        self.refresh()

    # ================================================================== results
    @slot
    def refresh(self) -> None:
        """Re-rate the round off the GUI thread (a separate read-only connection), then the ledger."""
        if self.db is None or self._round_id is None:
            return
        self._stale = False
        self.refresh_ledger()
        path, rid = self.db.path, self._round_id
        t0 = time.perf_counter()

        def work(progress) -> RoundRating:
            reader = Database.open(path, mode="read")
            try:
                return rate_round(reader, rid)
            finally:
                reader.close()

        def done(rating: RoundRating) -> None:
            if rid != self._round_id:
                return
            self.last_timings["rate"] = time.perf_counter() - t0
            self.show_rating(rating)

        self.run_task("正在计算评定结果…", work, done)

    def show_rating(self, rating: RoundRating) -> None:
        current_branch = self.selected_branch()
        current = -1
        self.rating = rating
        self.results_model.set_rating(rating)
        if current_branch is not None:
            src = next((n for n, b in enumerate(self.results_model.rows) if b.sheet_id == current_branch.sheet_id), -1)
            current = self.results_proxy.mapFromSource(self.results_model.index(src, 0)).row() if src >= 0 else -1
        self.quota_list.clear()
        for f in rating.quota_flags:
            text = f.message
            if f.candidates:
                text += f"　超出名额的候选（排名靠后者在前）：{'、'.join(f.candidates)}"
                if f.tie:
                    text += "（与名额内最后一名同分）"
                text += "。是否调整由审核人决定，程序不自动降级。"
            it = QListWidgetItem(("⚠ " if f.candidates else "") + text)
            if f.candidates:
                it.setForeground(QBrush(RED))
            self.quota_list.addItem(it)
        for t in rating.town_consequences:
            it = QListWidgetItem(f"{t.town}：{t.applied.title}（{t.applied.reason}）")
            it.setForeground(QBrush(AMBER))
            self.quota_list.addItem(it)
        if self.quota_list.count() == 0:
            self.quota_list.addItem("名额检查：无超出或不足。")
        line = self.quota_list.sizeHintForRow(0) if self.quota_list.count() else self.fontMetrics().height()
        self.quota_list.setFixedHeight(min(self.quota_list.count(), 4) * line + 2 * self.quota_list.frameWidth() + 4)
        counts: dict[str, int] = {}
        for b in rating.branches:
            counts[b.rating or "未评定"] = counts.get(b.rating or "未评定", 0) + 1
        vetoed = sum(1 for b in rating.branches if b.vetoed)
        confirmed = sum(1 for b in rating.branches if b.state == "确定")
        text = (f"{rating.year}年度 · {rating.scheme.name}：共 {len(rating.branches)} 个党组织，"
                f"已确定 {confirmed} 个。评定：" + "，".join(f"{k} {v}" for k, v in counts.items()))
        if vetoed:
            text += f"；触发否决 {vetoed} 个"
        if rating.provisional_count:
            text += f"；其中 {rating.provisional_count} 个审核尚未完成，评定为暂定（灰色）"
        pending = sum(1 for b in rating.branches if b.quota_pending)
        if pending:
            text += f"；{pending} 个超名额待决定（点“名额决定”）"
        if rating.veto_proposals:
            text += f"；{len(rating.veto_proposals)} 项据台账提出的否决项待审核"
        if rating.previous_round_id:
            prev = rounds_api.get_round(self.db, rating.previous_round_id)
            text += f"；升降与 {prev.year} 年度比较"
        self.summary_label.setText(text)
        if 0 <= current < self.results_model.rowCount():
            self.results_view.selectRow(current)
        elif self.results_model.rowCount():
            self.results_view.selectRow(0)
        self._show_details()
        self._update_actions()
        self.rated.emit()

    def selected_branch(self) -> BranchRating | None:
        idx = self.results_view.currentIndex()
        return self.results_model.rows[self.results_proxy.mapToSource(idx).row()] if idx.isValid() else None

    def _show_details(self, *_args) -> None:
        b = self.selected_branch()
        if b is None:
            self.details.clear()
            return
        esc = lambda s: (s or "").replace("&", "&amp;").replace("<", "&lt;")  # noqa: E731
        parts = [f"<b>{esc(b.town)} {esc(b.org_name)}</b>　{esc(b.rating_text if b.rating else '')} {stars_text(b.stars)}"
                 f"　总分 {fmt_score(b.total)}/{fmt_score(b.total_max)}"]
        if b.previous:
            parts.append(f"上年（{b.previous.get('year')}）：{esc(b.previous.get('rating') or '')}"
                         f" {fmt_score(b.previous.get('total'))} 分 → {b.trend_label}")
        parts += [esc(r) for r in b.reasons]
        parts += [f"<span style='color:#c62828'>否决：{esc(v)}</span>" for v in b.veto_facts]
        parts += [f"<span style='color:#b26a00'>{esc(w)}</span>" for w in b.warnings]
        if b.quota_flags and self.rating:
            for f in self.rating.quota_flags:
                if f.quota in b.quota_flags:
                    parts.append(f"<span style='color:#c62828'>名额：{esc(f.message)}（本组织是超出名额的候选之一，"
                                 f"由审核人决定）</span>")
        if b.provisional:
            parts.insert(1, "<span style='color:#666666'><i>暂定：审核尚未完成，以下评定和结果运用均按现有分数，"
                            "确定后才生效。</i></span>")
        parts += [f"<span style='color:#c62828'>待审核：据台账提出否决项 {esc(p.code)}“{esc(p.title)}”："
                  f"{esc(p.fact)}</span>" for p in b.veto_proposals]
        if b.quota_pending:
            parts.append(f"<span style='color:#c62828'>名额待决定：{esc('、'.join(b.quota_pending))}</span>")
        if b.consequences:
            head = "<b>后果（如确定）：</b>" if b.provisional else "<b>后果：</b>"
            parts.append(head + "".join(f"<br>• {esc(c.title)}（{esc(c.reason)}）" for c in b.consequences))
        self.details.setHtml("<br>".join(parts))
        self._update_actions()

    @slot
    def quota_dialog(self) -> None:
        from .round_decisions import QuotaDecisionDialog

        if self._round_id is None:
            return
        dlg = QuotaDecisionDialog(self.db, self._round_id, self)
        dlg.changed.connect(lambda: (self._clear_preview(), self.refresh()))
        open_dialog(self, dlg)

    @slot
    def add_rectification_for_selected(self) -> None:
        b = self.selected_branch()
        if b is None:
            return
        problem = "；".join(b.veto_facts) if b.vetoed else ""
        open_dialog(self, RectificationDialog(self.db, self, round_id=self._round_id, org_id=b.org_id,
                                              problem=problem), self._ledger_written)

    # ================================================================== ledger
    def refresh_ledger(self, *_args) -> None:
        if self.db is None:
            return
        round_id = self._round_id if self.ledger_scope.currentIndex() == 1 else None
        rows = rect_api.list_rectifications(self.db, round_id=round_id, open_only=self.ledger_open_only.isChecked())
        self.ledger_model.set_rows(rows)
        overdue = sum(1 for r in rows if r.overdue)
        open_n = sum(1 for r in rows if r.status != "已销号")
        text = f"共 {len(rows)} 项，未销号 {open_n} 项"
        if overdue:
            text += f"，<span style='color:#c62828'><b>逾期 {overdue} 项</b></span>"
        self.ledger_counts.setText(text)
        self._update_actions()

    def selected_rectification(self) -> rect_api.Rectification | None:
        idx = self.ledger_view.currentIndex()
        return self.ledger_model.rows[idx.row()] if idx.isValid() else None

    def _ledger_written(self, _result: Any = None) -> None:
        self._seen_tx = self._tx_mark()
        self.refresh_ledger()

    @slot
    def add_rectification(self) -> None:
        open_dialog(self, RectificationDialog(self.db, self, round_id=self._round_id), self._ledger_written)

    @slot
    def edit_rectification(self) -> None:
        r = self.selected_rectification()
        if r is None:
            return
        if r.status == "已销号":
            self.show_message("已销号的事项不能修改；如需修改，请先“重新打开”。", "整改台账")
            return
        open_dialog(self, RectificationDialog(self.db, self, rect=r), self._ledger_written)

    @slot
    def close_rectification(self) -> None:
        r = self.selected_rectification()
        if r is None or r.status == "已销号":
            return
        open_dialog(self, CloseRectificationDialog(self.db, r, self), self._ledger_written)

    @slot
    def reopen_rectification(self) -> None:
        r = self.selected_rectification()
        if r is None or r.status != "已销号":
            return

        def do() -> None:
            rect_api.reopen_rectification(self.db, r.id)
            self._ledger_written()

        self.ask(f"重新打开已销号的整改事项？\n{r.org_name}：{r.problem}", "整改台账", do, yes_text="重新打开")

    # ================================================================== publicity sheet
    def options(self):
        from ..reports.round_publicity import PublicityOptions

        return PublicityOptions(paper=self.paper_combo.currentText(),
                                landscape=bool(self.orientation_combo.currentData()),
                                start=iso_of(self.start_edit))

    def _zoom_changed(self, *_args) -> None:
        if not HAVE_QTPDF:
            return
        value = self.zoom_combo.currentData()
        if value == "page":
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
        elif value == "width":
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        else:
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.pdf_view.setZoomFactor(float(value))

    def _options_changed(self, *_args) -> None:
        self._clear_preview()
        if self.tabs.currentIndex() == 2 and self.db is not None and self._round_id:
            self.build_preview()

    def _tab_shown(self, index: int) -> None:
        if index == 2 and self.pdf_bytes is None and self.db is not None and self._round_id and self.task is None:
            self.build_preview()

    def _clear_preview(self) -> None:
        self.pdf_bytes = None
        self.preview_error = None
        self.preview_warnings = []
        if self.pdf_document is not None:
            self.pdf_document.close()
        self._release_pdf_buffer()
        self.preview_info.clear()

    def _release_pdf_buffer(self) -> None:
        """The closed document no longer reads its buffer: the buffer (the whole PDF) is freed now."""
        buf, self._pdf_buffer = self._pdf_buffer, None
        if buf is not None:
            buf.close()
            buf.deleteLater()

    @slot
    def build_preview(self) -> None:
        """Build the publicity PDF off the GUI thread and show its pages."""
        if self.db is None or self._round_id is None:
            return
        from ..reports.pdf import build_publicity_pdf
        from ..reports.round_publicity import prepare

        path, rid, opts = self.db.path, self._round_id, self.options()
        t0 = time.perf_counter()

        def work(progress) -> tuple:
            reader = Database.open(path, mode="read")
            warnings: list[str] = []
            try:
                info = prepare(reader, rid, opts)
                info.sheet.on_warning = warnings.append
                # Built while the database is open: the privacy guard reads its members' numbers.
                data = build_publicity_pdf(info.sheet)
            finally:
                reader.close()
            return data, info, warnings

        def done(result: tuple) -> None:
            data, info, warnings = result
            self.preview_warnings = list(info.warnings)
            warnings = list(info.warnings) + list(warnings)
            self.last_timings["publicity"] = time.perf_counter() - t0
            note = (f"公示 {info.rows} 个党组织，公示期 {dates.format_cn(info.start)} 至 {dates.format_cn(info.end)}。"
                    + (f"另有 {info.left_out} 个尚未审核完毕，不列入本次公示。" if info.left_out else ""))
            self.show_pdf(data, note=note, warnings=warnings)

        def failed(exc: BaseException) -> None:
            from .assessment_common import error_text

            self._clear_preview()
            self.preview_error = error_text(exc)
            self.preview_info.setStyleSheet("color: #c62828;")
            self.preview_info.setText(self.preview_error)
            self._update_actions()
            self.preview_ready.emit()

        self.preview_info.setStyleSheet("")
        self.preview_info.setText("正在生成公示表…")
        self.run_task("正在生成公示表…", work, done, failed)

    def show_pdf(self, data: bytes, *, note: str = "", warnings: list[str] | None = None) -> None:
        self.pdf_bytes = data
        self.preview_error = None
        pages = 0
        if self.pdf_document is not None:
            self.pdf_document.close()
            self._release_pdf_buffer()
            buf = QBuffer(self)
            buf.setData(QByteArray(data))
            buf.open(QIODevice.OpenModeFlag.ReadOnly)
            self._pdf_buffer = buf  # the document reads from it for as long as it is shown
            self.pdf_document.load(buf)
            pages = self.pdf_document.pageCount()
        paper = f"{self.paper_combo.currentText()} {self.orientation_combo.currentText()}"
        self.preview_info.setStyleSheet("color: #b26a00;" if warnings else "color: #555555;")
        self.preview_info.setText(note + f"预览：{paper}" + (f"，共 {pages} 页" if pages else "") +
                                  f"，{len(data) / 1024:.0f} KB。核对无误后点“保存 PDF”。"
                                  + "".join(f"\n{w}" for w in warnings or ()))
        self._update_actions()
        self.preview_ready.emit()

    @slot
    def save_pdf_dialog(self) -> None:
        if self._round_id is None:
            return
        warnings = getattr(self, "preview_warnings", [])
        if warnings and not getattr(self, "_warned_ok", False):
            def go_on() -> None:
                self._warned_ok = True
                try:
                    self.save_pdf_dialog()
                finally:
                    self._warned_ok = False

            self.ask("公示期有问题：\n" + "\n".join(f"• {w}" for w in warnings) + "\n\n仍要保存这张公示表吗？",
                     "保存公示表", go_on, yes_text="仍然保存")
            return
        rnd = rounds_api.get_round(self.db, self._round_id)
        name = f"{rnd.title}公示-{self.paper_combo.currentText()}{self.orientation_combo.currentText()}.pdf"
        dlg = QFileDialog(self, "保存公示表", str(Path.home() / name), "PDF 文件 (*.pdf)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("pdf")
        dlg.fileSelected.connect(self.save_pdf)
        open_dialog(self, dlg)

    @slot
    def save_pdf(self, path: str) -> Path:
        """Write the sheet with the chosen paper and orientation (the preview's bytes when current)."""
        from ..reports.round_publicity import build_round_publicity

        target = Path(path)
        if self.pdf_bytes is not None:
            write_bytes(target, self.pdf_bytes)
        else:
            build_round_publicity(self.db, self._round_id, target, self.options())
        self.preview_info.setStyleSheet("color: #2e7d32;")
        self.preview_info.setText(f"已保存：{target}")
        return target

    @slot
    def settings_dialog(self) -> None:
        from .settings_dialog import SettingsDialog

        def saved(_values: Any) -> None:
            self._seen_tx = self._tx_mark()
            self._clear_preview()
            if self.tabs.currentIndex() == 2:
                self.build_preview()

        open_dialog(self, SettingsDialog(self.db, self), saved)

    # ================================================================== helpers
    def _update_actions(self) -> None:
        has = self.db is not None and self._round_id is not None
        writable = has and not self.db.readonly
        self.refresh_button.setEnabled(has)
        self.quota_button.setEnabled(has)
        self.settings_button.setEnabled(self.db is not None)
        self.to_ledger_button.setEnabled(writable and self.selected_branch() is not None)
        r = self.selected_rectification()
        self.ledger_add.setEnabled(writable)
        self.ledger_edit.setEnabled(writable and r is not None and r.status != "已销号")
        self.ledger_close.setEnabled(writable and r is not None and r.status != "已销号")
        self.ledger_reopen.setEnabled(writable and r is not None and r.status == "已销号")
        self.preview_button.setEnabled(has)
        self.save_pdf_button.setEnabled(has)

    def _task_started(self) -> None:
        """Long work off the GUI thread (rating a county round, building a long PDF)."""
        self.refresh_button.setEnabled(False)
        self.preview_button.setEnabled(False)

    def _task_ended(self, task: Task) -> None:
        super()._task_ended(task)
        self._update_actions()
