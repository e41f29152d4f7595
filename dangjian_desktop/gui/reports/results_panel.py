"""评定结果: the rated round (ui/reports_results.ui): a summary line, the quota checks, the table of
branches (sortable, exportable as shown) and the selected branch's reasons, vetoes and consequences.

The panel shows a RoundRating the page hands it (show_rating) and sends up what the clerk asks
for: `selection_changed` when another branch is selected, `rectify_requested(BranchRating)` for
列入整改台账."""

from __future__ import annotations

from html import escape
from typing import Any, Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QHBoxLayout, QListWidgetItem, QWidget

from ...assessment.results import BranchRating, RoundRating
from ..forms import load_form
from ..kit.formatting import format_score
from ..kit.palette import AMBER, AMBER_HEX, GREY_HEX, RED, RED_HEX
from ..kit.plain_text import plain
from ..table_columns import hide_when_uniform
from ..table_export import add_table_export, tool_buttons
from .models import R_TOWN, R_WIDTHS, SORT_ROLE, ResultsModel, stars_text

QUOTA_ROWS = 4  # the quota checks show up to four lines, then scroll


class ResultsPanel(QWidget):
    selection_changed = Signal()
    rectify_requested = Signal(object)  # the BranchRating to put on the rectification ledger

    def __init__(self, host: Any, title: Callable[[], str], parent: QWidget | None = None):
        """`host` has the database and shows the export's errors (the page); `title` names an export."""
        super().__init__(parent)
        self.form = f = load_form("reports_results.ui", self)
        self.summary_label, self.quota_list, self.details = f.summaryLabel, f.quotaList, f.details
        plain(self.summary_label)  # the scheme's name and level names, from its file, as written
        self.to_ledger_button = f.toLedgerButton
        self.rating: RoundRating | None = None
        self.model = ResultsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = view = f.resultsView
        view.setModel(self.proxy)
        view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the registry's order until a header is clicked
        view.setSortingEnabled(True)
        for col, width in R_WIDTHS:
            view.setColumnWidth(col, width)
        view.selectionModel().currentRowChanged.connect(self._current_changed)
        hide_when_uniform(view, R_TOWN)  # 乡镇: one town in a town database
        row = f.findChild(QHBoxLayout, "buttonRow")
        for b in tool_buttons(add_table_export(view, host, title)):  # 导出 Excel / 打印/PDF of the results as shown
            row.addWidget(b)
        f.splitter.setSizes([420, 160])
        self.to_ledger_button.clicked.connect(self._rectify)

    # ---- showing ----------------------------------------------------------------------------------
    def clear(self) -> None:
        self.rating = None
        self.model.set_rating(None)

    def show_rating(self, rating: RoundRating) -> None:
        """Show the rated round; the branch selected before stays selected."""
        keep = self.selected_branch()
        self.rating = rating
        self.model.set_rating(rating)
        current = -1
        if keep is not None:
            src = next((n for n, b in enumerate(self.model.rows) if b.sheet_id == keep.sheet_id), -1)
            current = self.proxy.mapFromSource(self.model.index(src, 0)).row() if src >= 0 else -1
        self._show_quota_checks(rating)
        self.summary_label.setText(summary_text(rating))
        if 0 <= current < self.model.rowCount():
            self.view.selectRow(current)
        elif self.model.rowCount():
            self.view.selectRow(0)
        self.show_details()

    def _show_quota_checks(self, rating: RoundRating) -> None:
        lst = self.quota_list
        lst.clear()
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
            lst.addItem(it)
        for t in rating.town_consequences:
            it = QListWidgetItem(f"{t.town}：{t.applied.title}（{t.applied.reason}）")
            it.setForeground(QBrush(AMBER))
            lst.addItem(it)
        if lst.count() == 0:
            lst.addItem("名额检查：无超出或不足。")
        line = lst.sizeHintForRow(0) if lst.count() else self.fontMetrics().height()
        lst.setFixedHeight(min(lst.count(), QUOTA_ROWS) * line + 2 * lst.frameWidth() + 4)

    def selected_branch(self) -> BranchRating | None:
        idx = self.view.currentIndex()
        return self.model.rows[self.proxy.mapToSource(idx).row()] if idx.isValid() else None

    def _current_changed(self, *_args) -> None:
        self.show_details()

    def show_details(self) -> None:
        b = self.selected_branch()
        if b is None:
            self.details.clear()
        else:
            self.details.setHtml(details_html(b, self.rating))
        self.selection_changed.emit()

    def _rectify(self) -> None:
        b = self.selected_branch()
        if b is not None:
            self.rectify_requested.emit(b)


def summary_text(rating: RoundRating) -> str:
    """The line above the table: how many, rated how, what waits for a decision."""
    counts: dict[str, int] = {}
    for b in rating.branches:
        counts[b.rating or "未评定"] = counts.get(b.rating or "未评定", 0) + 1
    # In the scheme's own order (五星 first … 一星, then the veto rating), not in table order.
    order = {name: n for n, name in enumerate(rating.scheme.rating.names())}
    counts = dict(sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order))))
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
    if rating.previous_year:
        text += f"；升降与 {rating.previous_year} 年度比较"
    return text


def details_html(b: BranchRating, rating: RoundRating | None) -> str:
    """The selected branch below the table: total, last year, reasons, vetoes, quotas, consequences."""
    def esc(s: str | None) -> str:
        return escape(s or "", quote=False)

    def coloured(hex_color: str, text: str) -> str:
        return f"<span style='color:{hex_color}'>{text}</span>"

    parts = [f"<b>{esc(b.town)} {esc(b.org_name)}</b>　{esc(b.rating_text if b.rating else '')} {stars_text(b.stars)}"
             f"　总分 {format_score(b.total)}/{format_score(b.total_max)}"]
    if b.previous:
        parts.append(f"上年（{b.previous.get('year')}）：{esc(b.previous.get('rating') or '')}"
                     f" {format_score(b.previous.get('total'))} 分 → {b.trend_label}")
    parts += [esc(r) for r in b.reasons]
    parts += [coloured(RED_HEX, f"否决：{esc(v)}") for v in b.veto_facts]
    parts += [coloured(AMBER_HEX, esc(w)) for w in b.warnings]
    if b.quota_flags and rating is not None:
        parts += [coloured(RED_HEX, f"名额：{esc(f.message)}（本组织是超出名额的候选之一，由审核人决定）")
                  for f in rating.quota_flags if f.quota in b.quota_flags]
    if b.provisional:
        parts.insert(1, coloured(GREY_HEX, "<i>暂定：审核尚未完成，以下评定和结果运用均按现有分数，确定后才生效。</i>"))
    parts += [coloured(RED_HEX, f"待审核：据台账提出否决项 {esc(p.code)}“{esc(p.title)}”：{esc(p.fact)}")
              for p in b.veto_proposals]
    if b.quota_pending:
        parts.append(coloured(RED_HEX, f"名额待决定：{esc('、'.join(b.quota_pending))}"))
    if b.consequences:
        head = "<b>后果（如确定）：</b>" if b.provisional else "<b>后果：</b>"
        parts.append(head + "".join(f"<br>• {esc(c.title)}（{esc(c.reason)}）" for c in b.consequences))
    return "<br>".join(parts)
