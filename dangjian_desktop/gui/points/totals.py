"""年度汇总: totals and stars per member, the 不合格 list, exemptions, branch averages (支部评星参考),
民主评议, the year lock and the 星级党员 publicity sheet (ui/points_totals.ui)."""

from __future__ import annotations

from ...points.ledger import has_entries
from ...points.review import grades
from ...points.scope import org_name
from ...points.totals import branch_summary, not_rated_exemption, rating_counts, star_levels, star_rule, totals
from ...points.undoable import remove_exemption_undoable
from ..kit.formatting import format_date, format_score
from ..kit.messages import slot
from ..kit.palette import AMBER_HEX, HINT_HEX, RED_HEX
from ..kit.row_model import RowModel, set_rows_in_place
from ..undo_menu import push_undo
from .dialogs import ExemptionDialog, LockDialog, ReviewDialog
from .models import BRANCH_COLUMNS, TOTAL_COLUMNS
from .stars_sheet import StarsSheetDialog
from .views import Panel, fit, selected_row, setup_table, table_out


class TotalsPanel(Panel):
    FORM = "points_totals.ui"
    FILTERS = (("全部党员", "all"), ("不合格（无星）党员", "failing"), ("免评党员", "exempt"))

    def __init__(self, tab, parent=None):
        super().__init__(tab, parent)
        f = self.form
        self.filter, self.summary, self.view, self.branch_view = f.filterCombo, f.summaryLabel, f.totalView, f.branchView
        self.exempt_button, self.unexempt_button, self.review_button = f.exemptButton, f.unexemptButton, f.reviewButton
        self.print_button, self.lock_button = f.printButton, f.lockButton
        for text, key in self.FILTERS:
            self.filter.addItem(text, key)
        self.model = RowModel(TOTAL_COLUMNS, self)
        setup_table(self.view, self.model, multi=True)
        self.branch_model = RowModel(BRANCH_COLUMNS, self)
        setup_table(self.branch_view, self.branch_model, multi=True)
        f.splitter.setStretchFactor(0, 3)
        f.splitter.setStretchFactor(1, 1)
        self.all_rows: list = []
        self._scope: tuple | None = None  # the year and branch listed
        self.filter.currentIndexChanged.connect(self._apply_filter)
        self.exempt_button.clicked.connect(self.exempt)
        self.unexempt_button.clicked.connect(self.unexempt)
        self.review_button.clicked.connect(self.review)
        self.print_button.clicked.connect(self.print_sheet)
        self.lock_button.clicked.connect(self.lock)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        table_out(self, self.view, lambda: f"{self.tab.year}年度党员积分汇总及星级", "buttonRow")
        table_out(self, self.branch_view, lambda: f"{self.tab.year}年度支部评星参考")

    def refresh(self) -> None:
        tab = self.tab
        db = tab.db
        if not self.ready():
            self.all_rows = []
            self.model.set_rows([])
            self.branch_model.set_rows([])
            self.summary.clear()
            self._update_buttons()
            return
        rows = totals(db, tab.year, org_id=tab.org_id, office_id=None if tab.org_id else tab.office_id, detail=True)
        graded = grades(db, tab.year)
        for t in rows:
            t.review = graded.get(t.member_id) or ""
        self.all_rows = rows
        self.branch_model.set_rows(branch_summary(db, tab.year, rows=rows))
        scope, self._scope = self._scope, (tab.year, tab.org_id, tab.office_id)
        self._apply_filter(place=scope == self._scope)  # a save, not another branch or year
        fit(self.view)
        fit(self.branch_view)
        self.summary.setText(self._summary(rows))
        self.lock_button.setText("解除锁定…" if tab.settings().locked else "锁定年度…")
        self._update_buttons()

    def _summary(self, rows: list) -> str:
        tab = self.tab
        settings = tab.settings()
        counts = rating_counts(rows)
        rated = sum(counts.values())
        locked = (f"　<b style='color:{RED_HEX}'>已于{format_date(settings.locked_on[:10])}锁定</b>"
                  f"（公示{format_date(settings.publicity_start)}至{format_date(settings.publicity_end)}）"
                  if settings.locked else "")
        warn = ("" if has_entries(tab.db, tab.office_id, tab.year) else
                f"<b style='color:{AMBER_HEX}'>本年度还没有任何积分记录，下面的总分都只是基础分。</b><br>")
        return (warn + f"{tab.year}年度：{len(rows)}名党员，参评{rated}人，"
                + "，".join(f"{k}{v}人" for k, v in counts.items())
                + f"，免评{len(rows) - rated}人。基础分{format_score(settings.base_score)}分。{locked}<br>"
                + f"<span style='color:{HINT_HEX}'>星级分数线（{star_levels()[1]}）：{star_rule()}。</span>")

    def _apply_filter(self, *_args, place: bool = False) -> None:
        """The rows the filter keeps; the chosen members still listed stay chosen. After a save
        (`place`), one no longer listed leaves the cursor on the member in their place."""
        key = self.filter.currentData()
        rows = self.all_rows
        if key == "failing":
            rows = [t for t in rows if t.failing]
        elif key == "exempt":
            rows = [t for t in rows if t.stars is None]
        set_rows_in_place(self.view, rows, "member_id", place=place)
        self._update_buttons()

    def selected(self):
        return selected_row(self.view)

    def _update_buttons(self, *_args) -> None:
        editable = self.editable()
        t = self.selected()
        branch = self.tab.branch_id()
        self.exempt_button.setEnabled(editable and t is not None)
        self.unexempt_button.setEnabled(editable and t is not None and bool(t.exempt_reason))
        self.review_button.setEnabled(editable and branch is not None)
        self.print_button.setEnabled(self.db is not None and branch is not None)
        self.lock_button.setEnabled(self.writable())
        tip = "" if branch else "请先在上方选择一个党支部"
        self.review_button.setToolTip(tip)
        self.print_button.setToolTip(tip)

    # ---- actions ----------------------------------------------------------------------------------
    @slot
    def exempt(self, *_args) -> None:
        t = self.selected()
        if t is not None:
            dlg = ExemptionDialog(self.db, self.tab.year, t.member_id, t.name, self)
            dlg.saved.connect(lambda _id: push_undo(self, dlg.undo_change))  # offered on 编辑 → 撤销
            self.tab.open_dialog(dlg)

    @slot
    def unexempt(self, *_args) -> None:
        t = self.selected()
        row = not_rated_exemption(self.db, t.member_id, self.tab.year) if t is not None else None
        if row is None:
            return
        self.tab.ask(f"取消{t.name}{self.tab.year}年度的免评（原因：{row['reason']}）？", "取消免评",
                     lambda: self.change(f"取消{t.name}的免评", lambda db: remove_exemption_undoable(db, row["id"]),
                                         lambda result: push_undo(self, result[1])),
                     yes_text="取消免评")

    @slot
    def review(self, *_args) -> None:
        branch = self.tab.branch_id()
        if branch is not None:
            dlg = ReviewDialog(self.db, self.tab.year, branch, org_name(self.db, branch), self)
            dlg.saved.connect(lambda _n: push_undo(self, dlg.undo_change))  # offered on 编辑 → 撤销
            self.tab.open_dialog(dlg)

    @slot
    def print_sheet(self, *_args) -> None:
        branch = self.tab.branch_id()
        if branch is not None:
            self.tab.open_dialog(StarsSheetDialog(self.db, self.tab.year, branch, org_name(self.db, branch), self))

    @slot
    def lock(self, *_args) -> None:
        unlock = self.tab.settings().locked
        self.tab.open_dialog(LockDialog(self.db, self.tab.office_id, self.tab.year, unlock=unlock, parent=self))
