"""积分台账: members with their totals; a member's (or the branch's) entries and per-item breakdown;
entering points for one member or several (one batch), deleting, evidence, Excel (ui/points_ledger.ui)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from ...filesave import write_bytes
from ...points.batch import undoable_batch
from ...points.ledger import delete_entry, evidence, export_ledger_xlsx, import_ledger_xlsx, list_entries
from ...points.totals import find_members, member_breakdown, totals
from ..kit.formatting import format_date, format_score
from ..kit.messages import slot
from ..kit.operations import Operation, Query
from ..kit.row_model import RowModel, set_rows_in_place
from .dialogs import EntryDialog
from .models import BREAKDOWN_COLUMNS, ENTRY_COLUMNS, MEMBER_COLUMNS, signed
from .views import Panel, fit, selected_row, setup_table, table_out

MAX_ENTRIES = 3000  # the branch's latest entries shown when no single member is chosen


class LedgerPanel(Panel):
    FORM = "points_ledger.ui"

    def __init__(self, tab, parent=None):
        super().__init__(tab, parent)
        self._entries_of: tuple | None = None  # the year and whose entries are listed (a member, or the branch)
        f = self.form
        self.add_button, self.delete_button, self.evidence_button = f.addButton, f.deleteButton, f.evidenceButton
        self.import_button, self.export_button, self.undo_button = f.importButton, f.exportButton, f.undoButton
        self.search, self.caption = f.searchEdit, f.captionLabel
        self.member_view, self.entry_view, self.breakdown_view = f.memberView, f.entryView, f.breakdownView
        self.member_model = RowModel(MEMBER_COLUMNS, self)
        setup_table(self.member_view, self.member_model, multi=True)
        self.entry_model = RowModel(ENTRY_COLUMNS, self)
        setup_table(self.entry_view, self.entry_model)
        self.entry_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.breakdown_model = RowModel(BREAKDOWN_COLUMNS, self)
        setup_table(self.breakdown_view, self.breakdown_model, sorting=False)
        f.mainSplitter.setStretchFactor(0, 2)
        f.mainSplitter.setStretchFactor(1, 5)
        f.rightSplitter.setStretchFactor(0, 3)
        f.rightSplitter.setStretchFactor(1, 2)
        self.all_members: list = []
        self.add_button.clicked.connect(self.add)
        self.delete_button.clicked.connect(self.delete)
        self.evidence_button.clicked.connect(self.show_evidence)
        self.import_button.clicked.connect(self.import_dialog)
        self.export_button.clicked.connect(self.export_dialog)
        self.undo_button.clicked.connect(self.undo_requested.emit)
        self.search.textChanged.connect(self._filter)
        self.member_view.selectionModel().selectionChanged.connect(self._members_selected)
        self.entry_view.selectionModel().selectionChanged.connect(self._update_buttons)
        table_out(self, self.entry_view, lambda: f"{self.tab.year}年度积分台账", "buttonRow")
        table_out(self, self.member_view, lambda: f"{self.tab.year}年度党员积分")
        table_out(self, self.breakdown_view, lambda: f"{self.tab.year}年度积分构成")

    def refresh(self) -> None:
        tab = self.tab
        if not self.ready():
            self.all_members = []
            self._filter()
            return
        self.all_members = totals(tab.db, tab.year, org_id=tab.org_id, office_id=None if tab.org_id else tab.office_id)
        self._filter()

    def _filter(self, *_args) -> None:
        """The members matching the search; the chosen ones still listed stay chosen (a save, a
        character typed in 查找), the current one current."""
        rows = find_members(self.all_members, self.search.text())
        set_rows_in_place(self.member_view, rows, "member_id", place=False)
        self.member_view.setColumnHidden(1, self.tab.org_id is not None)
        fit(self.member_view, 200)
        self._members_selected()

    def selected_members(self) -> list:
        sel = self.member_view.selectionModel()
        return [self.member_model.row(i.row()) for i in sel.selectedRows()] if sel else []

    def selected_entry(self):
        return selected_row(self.entry_view)

    def _members_selected(self, *_args) -> None:
        tab = self.tab
        chosen = self.selected_members()
        if not self.ready():
            self.entry_model.set_rows([])
            self.breakdown_model.set_rows([])
            self.caption.clear()
            self._update_buttons()
            return
        # The entries of the same member (or branch) read again, after a deletion: the place kept.
        shown, self._entries_of = self._entries_of, (tab.year, chosen[0].member_id if len(chosen) == 1 else tab.org_id)
        if len(chosen) == 1:
            t = chosen[0]
            set_rows_in_place(self.entry_view, list_entries(tab.db, tab.year, member_id=t.member_id), "id",
                              place=shown == self._entries_of)
            self.breakdown_model.set_rows(member_breakdown(tab.db, t.member_id, tab.year))
            fit(self.breakdown_view, 360)
            self.caption.setText(f"{t.name}：基础分{format_score(t.base)} + 各项计入{signed(t.items)}"
                                 f" = {format_score(t.total)}分，{t.label}" +
                                 (f"（免评：{t.exempt_reason}）" if t.exempt_reason else ""))
        else:
            org = tab.org_id or tab.root_org_id()
            rows = list_entries(tab.db, tab.year, org_id=org, limit=MAX_ENTRIES) if org else []
            set_rows_in_place(self.entry_view, rows, "id", place=shown == self._entries_of)
            self.breakdown_model.set_rows([])
        fit(self.entry_view, 300)
        if len(chosen) != 1:
            more = "（只显示最近的记录；选择党员查看其全部记录）" if len(rows) >= MAX_ENTRIES else ""
            self.caption.setText((f"已选 {len(chosen)} 人；" if chosen else "") + f"{len(rows)} 条积分记录{more}")
        self._update_buttons()

    def _update_buttons(self, *_args) -> None:
        editable = self.editable()
        entry = self.selected_entry()
        self.add_button.setEnabled(editable and bool(self.selected_members()))
        self.delete_button.setEnabled(editable and entry is not None and not entry.meeting_id)
        self.delete_button.setToolTip("会议考勤生成的记录请在“会议与考勤”中更正考勤" if entry and entry.meeting_id else "")
        self.evidence_button.setEnabled(entry is not None and entry.has_evidence)
        self.import_button.setEnabled(editable)
        self.export_button.setEnabled(self.ready())
        b = undoable_batch(self.db, self.tab.office_id) if self.ready() else None
        self.undo_button.setEnabled(editable and b is not None)
        self.undo_button.setToolTip(f"上一批：{b.describe()}" if b else "")

    # ---- actions ----------------------------------------------------------------------------------
    @slot
    def add(self, *_args) -> None:
        members = [(t.member_id, t.name) for t in self.selected_members()]
        if members:
            self.tab.open_dialog(EntryDialog(self.db, self.tab.office_id, self.tab.year, members, self))

    @slot
    def delete(self, *_args) -> None:
        e = self.selected_entry()
        if e is None:
            return
        what = f"{e.member_name}{format_date(e.date)}的“{e.item_code} {e.item_title}”{signed(e.points)}分"
        self.tab.ask(f"删除{what}？", "删除积分记录",
                     lambda: self.change(f"删除积分记录 {what}", lambda db: delete_entry(db, e.id)), yes_text="删除")

    @slot
    def show_evidence(self, *_args) -> None:
        e = self.selected_entry()
        found = evidence(self.db, e.id) if e else None
        if found is None:
            return
        name, _mime, data = found
        path, _ = QFileDialog.getSaveFileName(self, "保存佐证材料", name)
        if path:
            write_bytes(path, data)
            self.status.emit(f"已保存 {path}")

    @slot
    def import_dialog(self, *_args) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入积分台账", "", "Excel 文件 (*.xlsx)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> Operation:
        """All rows of the workbook as one batch, off the GUI thread; nothing is written when a row is wrong."""
        office = self.tab.office_id
        return self.change_in_background("正在导入积分台账…", lambda db: import_ledger_xlsx(db, path, office),
                                         lambda batch: self.tab.inform(
                                             f"已导入{batch.row_count}条积分记录（作为一批，可用“撤销上一批”撤销）。",
                                             "导入积分台账"))

    @slot
    def export_dialog(self, *_args) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出积分台账", f"{self.tab.year}年度积分台账.xlsx",
                                              "Excel 文件 (*.xlsx)")
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> Query:
        """The year's entries of the branch (or the whole town) as a workbook, read off the GUI thread."""
        year, org = self.tab.year, self.tab.org_id or self.tab.root_org_id()
        return Query(self, "正在导出积分台账…", lambda db: export_ledger_xlsx(db, year, path, org_id=org),
                     db=self.db).success(lambda saved: self.status.emit(f"已导出 {saved}")).run_in_background()
