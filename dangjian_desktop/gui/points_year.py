"""年度汇总 and 三会一课 sub-tabs: totals and stars per member, 不合格 list, exemptions, branch
averages, 民主评议, year lock, the 星级党员 sheet; and the meeting compliance table."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QTextBrowser, QVBoxLayout,
                               QWidget)

from .. import dates
from ..meetings.compliance import ORDER, compliance_table
from ..numbers import format_score
from ..points.common import fmt_points
from ..points.totals import branch_summary, exemptions, remove_exemption, star_levels, totals
from .points_common import (ALIGN_CENTER, ALIGN_RIGHT, GREEN, GREY, RED, STAR_GOLD, Col, RowsModel, date_edit, fit,
                            iso_of, selected_row, set_date, slot, stars_text, table_view)
from .points_dialogs import ExemptionDialog, LockDialog, ReviewDialog, StarsSheetDialog


def _rating_color(t):
    if t.stars is None:
        return GREY
    return RED if t.stars == 0 else (STAR_GOLD if t.stars else None)


def _org_key(name: str) -> str:
    from ..pinyin import sort_key

    return sort_key(name or "")


TOTAL_COLUMNS = (
    Col("党支部", lambda t: t.org_name, sort=lambda t: _org_key(t.org_name)),
    Col("姓名", lambda t: t.name, sort=lambda t: t.name_pinyin),
    Col("基础分", lambda t: fmt_points(t.base), ALIGN_RIGHT, sort=lambda t: t.base),
    Col("加分", lambda t: fmt_points(t.plus, signed=True) if t.plus is not None else "", ALIGN_RIGHT,
        lambda t: GREEN, sort=lambda t: t.plus or 0),
    Col("扣分", lambda t: fmt_points(t.minus) if t.minus else "", ALIGN_RIGHT, lambda t: RED,
        sort=lambda t: t.minus or 0),
    Col("总分", lambda t: fmt_points(t.total), ALIGN_RIGHT, sort=lambda t: t.total),
    Col("星级", lambda t: stars_text(t.stars), ALIGN_CENTER, _rating_color, sort=lambda t: -1 if t.stars is None else t.stars),
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
    Col("平均分", lambda b: format_score(b.average, empty="—"), ALIGN_RIGHT,
        sort=lambda b: b.average or 0),
    Col("三星", lambda b: b.stars.get(3, 0), ALIGN_CENTER, sort=lambda b: b.stars.get(3, 0)),
    Col("二星", lambda b: b.stars.get(2, 0), ALIGN_CENTER, sort=lambda b: b.stars.get(2, 0)),
    Col("一星", lambda b: b.stars.get(1, 0), ALIGN_CENTER, sort=lambda b: b.stars.get(1, 0)),
    Col("无星", lambda b: b.stars.get(0, 0), ALIGN_CENTER, lambda b: RED if b.stars.get(0) else None,
        sort=lambda b: b.stars.get(0, 0)),
    Col("最低分", lambda b: fmt_points(b.lowest), ALIGN_RIGHT, sort=lambda b: b.lowest or 0),
)


class TotalsWidget(QWidget):
    """年度汇总: totals with stars per member, the 不合格 list, exemptions, branch averages, year end."""

    FILTERS = (("全部党员", "all"), ("不合格（无星）党员", "failing"), ("免评党员", "exempt"))

    def __init__(self, tab, parent=None):
        super().__init__(parent)
        self.tab = tab
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("显示："))
        self.filter = QComboBox()
        for text, key in self.FILTERS:
            self.filter.addItem(text, key)
        self.filter.currentIndexChanged.connect(self._apply_filter)
        row.addWidget(self.filter)
        self.exempt_button = QPushButton("免评/免计…")
        self.unexempt_button = QPushButton("取消免评")
        self.review_button = QPushButton("民主评议…")
        self.print_button = QPushButton("星级党员公示(&P)…")
        self.lock_button = QPushButton("锁定年度…")
        for b in (self.exempt_button, self.unexempt_button, self.review_button, self.print_button, self.lock_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.model = RowsModel(TOTAL_COLUMNS, self)
        self.view = table_view(self.model, multi=True)
        split.addWidget(self.view)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel("各党支部党员积分情况（支部评星参考：支部评星以党员积分制管理考核和年终目标考核为基准）："))
        self.branch_model = RowsModel(BRANCH_COLUMNS, self)
        self.branch_view = table_view(self.branch_model, multi=True)
        ll.addWidget(self.branch_view)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        self.all_rows: list = []
        self.exempt_button.clicked.connect(self.exempt)
        self.unexempt_button.clicked.connect(self.unexempt)
        self.review_button.clicked.connect(self.review)
        self.print_button.clicked.connect(self.print_sheet)
        self.lock_button.clicked.connect(self.lock)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

    def refresh(self) -> None:
        tab = self.tab
        db = tab.db
        if db is None or tab.office_id is None:
            self.all_rows = []
            self.model.set_rows([])
            self.branch_model.set_rows([])
            self.summary.clear()
            self._update_buttons()
            return
        rows = totals(db, tab.year, org_id=tab.org_id, office_id=None if tab.org_id else tab.office_id, detail=True)
        grades = {r["member_id"]: r["grade"] for r in db.query(
            "SELECT member_id, grade FROM member_review WHERE year = ?", (tab.year,))}
        for t in rows:
            t.review = grades.get(t.member_id) or ""
        self.all_rows = rows
        self.branch_model.set_rows(branch_summary(db, tab.year, rows=rows))
        self._apply_filter()
        fit(self.view)
        fit(self.branch_view)
        levels, source = star_levels()
        rated = [t for t in rows if t.stars is not None]
        counts = {lv.label: sum(1 for t in rated if t.stars == lv.stars) for lv in levels}
        settings = tab.settings()
        locked = (f"　<b style='color:#c62828'>已于{dates.format_cn(settings.locked_on[:10])}锁定</b>"
                  f"（公示{dates.format_cn(settings.publicity_start)}至{dates.format_cn(settings.publicity_end)}）"
                  if settings.locked else "")
        rule = "，".join(f"≥{fmt_points(lv.min)}分{lv.name}" for lv in levels if lv.stars) + \
            f"，低于{fmt_points(levels[-2].min)}分无星（不合格）"
        empty = not db.scalar("""SELECT 1 FROM points_entry e JOIN points_item i ON i.id = e.item_id
                                 WHERE e.year = ? AND i.office_id = ? LIMIT 1""", (tab.year, tab.office_id))
        warn = (f"<b style='color:#b26a00'>本年度还没有任何积分记录，下面的总分都只是基础分。</b><br>" if empty else "")
        self.summary.setText(
            warn + f"{tab.year}年度：{len(rows)}名党员，参评{len(rated)}人，"
            + "，".join(f"{k}{v}人" for k, v in counts.items())
            + f"，免评{len(rows) - len(rated)}人。基础分{fmt_points(settings.base_score)}分。{locked}<br>"
            + f"<span style='color:#555555'>星级分数线（{source}）：{rule}。</span>")
        self.lock_button.setText("解除锁定…" if settings.locked else "锁定年度…")
        self._update_buttons()

    def _apply_filter(self, *_args) -> None:
        key = self.filter.currentData()
        rows = self.all_rows
        if key == "failing":
            rows = [t for t in rows if t.failing]
        elif key == "exempt":
            rows = [t for t in rows if t.stars is None]
        self.model.set_rows(rows)
        self._update_buttons()

    def selected(self):
        return selected_row(self.view)

    def _update_buttons(self, *_args) -> None:
        db = self.tab.db
        writable = db is not None and not db.readonly
        locked = db is not None and self.tab.office_id is not None and self.tab.settings().locked
        t = self.selected()
        self.exempt_button.setEnabled(writable and not locked and t is not None)
        self.unexempt_button.setEnabled(writable and not locked and t is not None and bool(t.exempt_reason))
        self.review_button.setEnabled(writable and not locked and self.tab.branch_id() is not None)
        self.print_button.setEnabled(db is not None and self.tab.branch_id() is not None)
        self.lock_button.setEnabled(writable and self.tab.office_id is not None)
        tip = "" if self.tab.branch_id() else "请先在上方选择一个党支部"
        self.review_button.setToolTip(tip)
        self.print_button.setToolTip(tip)

    @slot
    def exempt(self, *_args) -> None:
        t = self.selected()
        if t is None:
            return
        self.tab.open_dialog(ExemptionDialog(self.tab.db, self.tab.year, t.member_id, t.name, self))

    @slot
    def unexempt(self, *_args) -> None:
        t = self.selected()
        if t is None:
            return
        rows = [x for x in exemptions(self.tab.db, self.tab.year, office_id=self.tab.office_id)
                if x["member_id"] == t.member_id and x["kind"] == "不参评"]
        if rows:
            self.tab.confirm("取消免评", f"取消{t.name}{self.tab.year}年度的免评（原因：{rows[0]['reason']}）？",
                             lambda: (remove_exemption(self.tab.db, rows[0]["id"]), self.tab.data_written()), "取消免评")

    @slot
    def review(self, *_args) -> None:
        branch = self.tab.branch_id()
        if branch is None:
            return
        name = self.tab.db.scalar("SELECT name FROM org WHERE id = ?", (branch,))
        self.tab.open_dialog(ReviewDialog(self.tab.db, self.tab.year, branch, name, self))

    @slot
    def print_sheet(self, *_args) -> None:
        branch = self.tab.branch_id()
        if branch is None:
            return
        name = self.tab.db.scalar("SELECT name FROM org WHERE id = ?", (branch,))
        self.tab.open_dialog(StarsSheetDialog(self.tab.db, self.tab.year, branch, name, self))

    @slot
    def lock(self, *_args) -> None:
        unlock = self.tab.settings().locked
        self.tab.open_dialog(LockDialog(self.tab.db, self.tab.office_id, self.tab.year, unlock=unlock, parent=self))


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


class ComplianceWidget(QWidget):
    """三会一课: for each branch how many meetings of each kind were due and held, the missing periods named."""

    def __init__(self, tab, parent=None):
        super().__init__(parent)
        self.tab = tab
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("统计截至："))
        self.as_of = date_edit()
        set_date(self.as_of, dates.today())
        self.as_of.dateChanged.connect(lambda *_a: self.refresh())
        row.addWidget(self.as_of)
        note = QLabel("（支委会、党小组会每月一次；支部党员大会、党课每季度一次；组织生活会每半年一次；"
                      "未结束的月份、季度不算缺）")
        note.setStyleSheet("color: #555555;")
        row.addWidget(note, 1)
        lay.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        self.model = RowsModel(compliance_columns(), self)
        self.view = table_view(self.model, multi=True)
        split.addWidget(self.view)
        self.detail = QTextBrowser()
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        self.view.selectionModel().selectionChanged.connect(self._show_detail)

    def as_of_date(self) -> dt.date:
        return dates.parse_iso(iso_of(self.as_of))

    def refresh(self) -> None:
        tab = self.tab
        if tab.db is None or tab.office_id is None:
            self.model.set_rows([])
            self.detail.clear()
            return
        rows = compliance_table(tab.db, tab.year, office_id=tab.office_id, org_id=tab.org_id, as_of=self.as_of_date())
        self.model.set_rows(rows)
        fit(self.view, 260)
        if rows:
            self.view.selectRow(0)
        self._show_detail()

    def _show_detail(self, *_args) -> None:
        b = selected_row(self.view)
        if b is None:
            self.detail.clear()
            return
        lines = [f"<b>{b.org_name}</b>（{self.tab.year}年，截至{dates.format_cn(self.as_of_date())}）"]
        for t in b.types.values():
            color = "#c62828" if t.missing else "#2e7d32"
            lines.append(f"<span style='color:{color}'>{t.summary()}</span>")
        self.detail.setHtml("<br>".join(lines))
