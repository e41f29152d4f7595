"""The 党员积分 tab: 积分细则, 会议与考勤, 积分台账, 年度汇总 and 三会一课, over one town and year.

The top bar chooses the town (county databases), the year and a branch; every sub-tab shows
that selection. Writes go through the points and meetings core; after each committed change
the main window calls on_data_changed and the visible sub-tab reloads (the others on showing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QSplitter, QTabWidget, QVBoxLayout, QWidget)

from .. import dates
from ..db import Database
from ..errors import UserError
from ..filesave import write_bytes
from ..pinyin import sort_key
from ..points import catalogue as cat
from ..points.batch import undo_last_batch, undoable_batch
from ..points.common import fmt_points, town_offices
from ..points.ledger import (delete_entry, evidence, export_ledger_xlsx, import_ledger_xlsx, list_entries)
from ..points.totals import member_breakdown, totals
from .common import close_dialog
from .points_common import (ALIGN_CENTER, ALIGN_RIGHT, GREEN, GREY, RED, Col, Messages, RowsModel, fit, selected_row,
                            slot, stars_text, table_view)
from .points_dialogs import EntryDialog, ItemDialog
from .points_meeting import MeetingsWidget
from .points_year import ComplianceWidget, TotalsWidget

POINTS_TABLES = {"points_item", "points_year", "points_entry", "points_batch", "points_exemption", "points_result",
                 "meeting", "meeting_attendance", "meeting_photo", "member_review", "member", "org", "office",
                 "committee_member", "committee_term", "member_event"}


# ---- 积分细则 ------------------------------------------------------------------------------------

ITEM_COLUMNS = (
    Col("编号", lambda i: i.code),
    Col("类别", lambda i: i.kind, ALIGN_CENTER, lambda i: GREEN if i.kind == "加分" else RED),
    Col("积分项目", lambda i: i.title),
    Col("分值", lambda i: fmt_points(i.signed_points, signed=True), ALIGN_RIGHT, sort=lambda i: i.signed_points),
    Col("计分单位", lambda i: cat.UNITS[i.unit], ALIGN_CENTER),
    Col("年度上限", lambda i: fmt_points(i.effective_cap) if i.effective_cap else "不限", ALIGN_RIGHT),
    Col("免计类别", lambda i: "、".join(i.exempt_classes)),
    Col("关联会议考勤", lambda i: ("、".join(i.meeting_types) + f" {i.on_status}") if i.on_status else ""),
    Col("状态", lambda i: "启用" if i.active else "停用", ALIGN_CENTER, lambda i: None if i.active else GREY),
    Col("备注", lambda i: i.note),
)


class CatalogueWidget(QWidget):
    """积分细则: the year's items, the base score, Excel import/export, reset to the default."""

    def __init__(self, tab, parent=None):
        super().__init__(parent)
        self.tab = tab
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("基础分(&B)："))
        self.base = QLineEdit()
        self.base.setMaximumWidth(70)
        row.itemAt(0).widget().setBuddy(self.base)
        row.addWidget(self.base)
        self.base_button = QPushButton("设置基础分")
        row.addWidget(self.base_button)
        row.addSpacing(16)
        self.add_button = QPushButton("新增项目(&A)…")
        self.edit_button = QPushButton("修改(&E)…")
        self.delete_button = QPushButton("删除/停用")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.import_button = QPushButton("从 Excel 导入…")
        self.export_button = QPushButton("导出 Excel…")
        self.reset_button = QPushButton("恢复默认细则")
        for b in (self.add_button, self.edit_button, self.delete_button, self.up_button, self.down_button,
                  self.import_button, self.export_button, self.reset_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color: #555555;")
        lay.addWidget(self.info)
        self.model = RowsModel(ITEM_COLUMNS, self)
        self.view = table_view(self.model, sorting=False)
        self.view.doubleClicked.connect(lambda *_a: self.edit())
        lay.addWidget(self.view, 1)
        self.base_button.clicked.connect(self.set_base)
        self.base.returnPressed.connect(self.set_base)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.import_button.clicked.connect(self.import_dialog)
        self.export_button.clicked.connect(self.export_dialog)
        self.reset_button.clicked.connect(self.reset)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

    def refresh(self) -> None:
        tab = self.tab
        keep = self.selected()
        if tab.db is None or tab.office_id is None:
            self.model.set_rows([])
            self.base.clear()
            self.info.clear()
            self._update_buttons()
            return
        if not tab.db.readonly:
            cat.ensure_catalogue(tab.db, tab.office_id, tab.year)
        self.model.set_rows(cat.items(tab.db, tab.office_id, tab.year))
        fit(self.view, 360)
        s = tab.settings()
        self.base.setText(fmt_points(s.base_score))
        d = cat.default_catalogue()
        self.info.setText(f"年度总积分 = 基础分 + 各项加分（每项不超过年度上限）− 各项扣分（每项不超过年度上限）；"
                          f"免计类别中的党员不计该项。{'本年度已锁定，不能修改。' if s.locked else ''}"
                          f"<br>默认细则说明：{d['source']}")
        if keep is not None:
            for r, it in enumerate(self.model.rows):
                if it.id == keep.id:
                    self.view.selectRow(r)
        self._update_buttons()

    def selected(self):
        return selected_row(self.view)

    def _update_buttons(self, *_args) -> None:
        db = self.tab.db
        editable = db is not None and not db.readonly and self.tab.office_id is not None and not self.tab.settings().locked
        one = self.selected() is not None
        for b in (self.base_button, self.add_button, self.import_button, self.reset_button):
            b.setEnabled(editable)
        self.base.setReadOnly(not editable)
        for b in (self.edit_button, self.delete_button, self.up_button, self.down_button):
            b.setEnabled(editable and one)
        self.export_button.setEnabled(db is not None and self.tab.office_id is not None)

    @slot
    def set_base(self, *_args) -> None:
        cat.set_base_score(self.tab.db, self.tab.office_id, self.tab.year, self.base.text())
        self.tab.data_written()

    @slot
    def add(self, *_args) -> None:
        self.tab.open_dialog(ItemDialog(self.tab.db, self.tab.office_id, self.tab.year, self))

    @slot
    def edit(self, *_args) -> None:
        it = self.selected()
        if it is None or not self.edit_button.isEnabled():
            return
        self.tab.open_dialog(ItemDialog(self.tab.db, self.tab.office_id, self.tab.year, self, item_id=it.id))

    @slot
    def delete(self, *_args) -> None:
        it = self.selected()
        if it is None:
            return
        used = cat.item_usage(self.tab.db, it.id)
        text = (f"项目 {it.code} 已有 {used} 条积分记录，将改为“停用”（已有记录仍计入）。" if used
                else f"删除项目 {it.code} {it.title}？")

        def do() -> None:
            done = cat.delete_item(self.tab.db, it.id)
            self.tab.status(f"已{done}积分项目 {it.code}")
            self.tab.data_written()

        self.tab.confirm("删除积分项目", text, do, "停用" if used else "删除")

    @slot
    def move(self, step: int) -> None:
        it = self.selected()
        if it is None:
            return
        cat.move_item(self.tab.db, it.id, step)
        self.tab.data_written()
        for r, row in enumerate(self.model.rows):
            if row.id == it.id:
                self.view.selectRow(r)

    @slot
    def import_dialog(self, *_args) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入积分细则", "", "Excel 文件 (*.xlsx)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        try:
            report = cat.import_xlsx(self.tab.db, path, self.tab.office_id, self.tab.year)
        except Exception as e:  # noqa: BLE001
            self.tab.show_error(e, "导入积分细则")
            return
        self.tab.data_written()
        self.tab.show_message("导入积分细则", f"已导入{report['year']}年度积分细则：新增{len(report['added'])}项，"
                                            f"修改{len(report['updated'])}项，删除{len(report['deleted'])}项，"
                                            f"停用{len(report['deactivated'])}项，未变{report['unchanged']}项。")

    @slot
    def export_dialog(self, *_args) -> None:
        name = f"{self.tab.year}年度党员积分细则.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出积分细则", name, "Excel 文件 (*.xlsx)")
        if path:
            cat.export_xlsx(self.tab.db, self.tab.office_id, self.tab.year, path)
            self.tab.status(f"已导出 {path}")

    @slot
    def reset(self, *_args) -> None:
        def do() -> None:
            cat.reset_to_default(self.tab.db, self.tab.office_id, self.tab.year)
            self.tab.data_written()

        self.tab.confirm("恢复默认细则", f"把{self.tab.year}年度的积分细则恢复为默认细则？\n"
                                       f"本年度自己添加的项目将被删除（已有积分记录的改为停用）。", do, "恢复默认")


# ---- 积分台账 ---------------------------------------------------------------------------------------

MEMBER_COLUMNS = (
    Col("姓名", lambda t: t.name, sort=lambda t: t.name_pinyin),
    Col("党支部", lambda t: t.org_name, sort=lambda t: sort_key(t.org_name or "")),
    Col("总分", lambda t: fmt_points(t.total), ALIGN_RIGHT, sort=lambda t: t.total),
    Col("星级", lambda t: stars_text(t.stars), ALIGN_CENTER,
        lambda t: RED if t.stars == 0 else None, sort=lambda t: -1 if t.stars is None else t.stars),
)
ENTRY_COLUMNS = (
    Col("日期", lambda e: dates.format_cn(e.date), sort=lambda e: e.date),
    Col("姓名", lambda e: e.member_name),
    Col("积分项目", lambda e: f"{e.item_code} {e.item_title}"),
    Col("分值", lambda e: fmt_points(e.points, signed=True), ALIGN_RIGHT,
        lambda e: GREEN if e.points > 0 else RED, sort=lambda e: e.points),
    Col("备注", lambda e: e.note),
    Col("来源", lambda e: f"{e.meeting_type}考勤" if e.meeting_type else "录入"),
    Col("佐证", lambda e: "有" if e.has_evidence else "", ALIGN_CENTER),
    Col("录入人", lambda e: e.entered_by),
)
BREAKDOWN_COLUMNS = (
    Col("积分项目", lambda r: f"{r['code']} {r['title']}"),
    Col("次数", lambda r: r["count"], ALIGN_CENTER),
    Col("合计", lambda r: fmt_points(r["raw"], signed=True), ALIGN_RIGHT),
    Col("计入", lambda r: fmt_points(r["counted"], signed=True), ALIGN_RIGHT,
        lambda r: GREEN if r["counted"] > 0 else (RED if r["counted"] < 0 else GREY)),
    Col("说明", lambda r: r["note"]),
)
MAX_ENTRIES = 3000


class LedgerWidget(QWidget):
    """积分台账: members with their totals; a member's (or the branch's) entries; add and delete."""

    def __init__(self, tab, parent=None):
        super().__init__(parent)
        self.tab = tab
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.add_button = QPushButton("录入积分(&N)…")
        self.add_button.setToolTip("为选中的党员录入积分；选中多人时作为一批录入")
        self.delete_button = QPushButton("删除记录")
        self.evidence_button = QPushButton("查看佐证")
        self.import_button = QPushButton("导入台账 Excel…")
        self.export_button = QPushButton("导出台账 Excel…")
        self.undo_button = QPushButton("撤销上一批")
        for b in (self.add_button, self.delete_button, self.evidence_button, self.import_button, self.export_button,
                  self.undo_button):
            row.addWidget(b)
        row.addWidget(QLabel("查找(&F)："))
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名或拼音首字母")
        self.search.setMaximumWidth(160)
        row.itemAt(row.count() - 1).widget().setBuddy(self.search)
        row.addWidget(self.search)
        row.addStretch(1)
        lay.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.member_model = RowsModel(MEMBER_COLUMNS, self)
        self.member_view = table_view(self.member_model, multi=True)
        split.addWidget(self.member_view)
        right = QSplitter(Qt.Orientation.Vertical)
        self.entry_model = RowsModel(ENTRY_COLUMNS, self)
        self.entry_view = table_view(self.entry_model)
        self.entry_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        right.addWidget(self.entry_view)
        self.breakdown_model = RowsModel(BREAKDOWN_COLUMNS, self)
        self.breakdown_view = table_view(self.breakdown_model, sorting=False)
        right.addWidget(self.breakdown_view)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        lay.addWidget(split, 1)
        self.caption = QLabel()
        lay.addWidget(self.caption)
        self.all_members: list = []
        self.add_button.clicked.connect(self.add)
        self.delete_button.clicked.connect(self.delete)
        self.evidence_button.clicked.connect(self.show_evidence)
        self.import_button.clicked.connect(self.import_dialog)
        self.export_button.clicked.connect(self.export_dialog)
        self.undo_button.clicked.connect(self.undo)
        self.search.textChanged.connect(self._filter)
        self.member_view.selectionModel().selectionChanged.connect(self._members_selected)
        self.entry_view.selectionModel().selectionChanged.connect(self._update_buttons)

    def refresh(self) -> None:
        tab = self.tab
        keep = {t.member_id for t in self.selected_members()}
        if tab.db is None or tab.office_id is None:
            self.all_members = []
            self._filter()
            return
        self.all_members = totals(tab.db, tab.year, org_id=tab.org_id, office_id=None if tab.org_id else tab.office_id)
        self._filter(keep=keep)

    def _filter(self, *_args, keep: set[str] | None = None) -> None:
        from ..pinyin import initials

        text = self.search.text().strip().lower()
        rows = self.all_members
        if text:
            rows = [t for t in rows if text in t.name or initials(t.name).startswith(text)
                    or t.name_pinyin.replace(" ", "").startswith(text)]
        self.member_model.set_rows(rows)
        self.member_view.setColumnHidden(1, self.tab.org_id is not None)
        fit(self.member_view, 200)
        if keep:
            sel = self.member_view.selectionModel()
            for r, t in enumerate(rows):
                if t.member_id in keep:
                    self.member_view.selectRow(r) if len(keep) == 1 else sel.select(
                        self.member_model.index(r, 0), sel.SelectionFlag.Select | sel.SelectionFlag.Rows)
        self._members_selected()

    def selected_members(self) -> list:
        sel = self.member_view.selectionModel()
        return [self.member_model.row(i.row()) for i in sel.selectedRows()] if sel else []

    def _members_selected(self, *_args) -> None:
        tab = self.tab
        chosen = self.selected_members()
        if tab.db is None or tab.office_id is None:
            self.entry_model.set_rows([])
            self.breakdown_model.set_rows([])
            self.caption.clear()
            self._update_buttons()
            return
        if len(chosen) == 1:
            t = chosen[0]
            self.entry_model.set_rows(list_entries(tab.db, tab.year, member_id=t.member_id))
            self.breakdown_model.set_rows(member_breakdown(tab.db, t.member_id, tab.year))
            fit(self.breakdown_view, 360)
            self.caption.setText(f"{t.name}：基础分{fmt_points(t.base)} + 各项计入{fmt_points(t.items, signed=True)}"
                                 f" = {fmt_points(t.total)}分，{t.label}" +
                                 (f"（免评：{t.exempt_reason}）" if t.exempt_reason else ""))
        else:
            org = tab.org_id or tab.root_org_id()
            rows = list_entries(tab.db, tab.year, org_id=org, limit=MAX_ENTRIES) if org else []
            self.entry_model.set_rows(rows)
            self.breakdown_model.set_rows([])
        fit(self.entry_view, 300)
        if len(chosen) != 1:
            more = "（只显示最近的记录；选择党员查看其全部记录）" if len(rows) >= MAX_ENTRIES else ""
            self.caption.setText((f"已选 {len(chosen)} 人；" if chosen else "") + f"{len(rows)} 条积分记录{more}")
        self._update_buttons()

    def _update_buttons(self, *_args) -> None:
        db = self.tab.db
        writable = db is not None and not db.readonly and self.tab.office_id is not None and not self.tab.settings().locked
        entry = self.selected_entry()
        self.add_button.setEnabled(writable and bool(self.selected_members()))
        self.delete_button.setEnabled(writable and entry is not None and not entry.meeting_id)
        self.delete_button.setToolTip("会议考勤生成的记录请在“会议与考勤”中更正考勤" if entry and entry.meeting_id else "")
        self.evidence_button.setEnabled(entry is not None and entry.has_evidence)
        self.import_button.setEnabled(writable)
        self.export_button.setEnabled(db is not None and self.tab.office_id is not None)
        b = undoable_batch(db, self.tab.office_id) if db is not None and self.tab.office_id else None
        self.undo_button.setEnabled(writable and b is not None)
        self.undo_button.setToolTip(f"上一批：{b.describe()}" if b else "")

    def selected_entry(self):
        return selected_row(self.entry_view)

    @slot
    def add(self, *_args) -> None:
        members = [(t.member_id, t.name) for t in self.selected_members()]
        if not members:
            return
        self.tab.open_dialog(EntryDialog(self.tab.db, self.tab.office_id, self.tab.year, members, self))

    @slot
    def delete(self, *_args) -> None:
        e = self.selected_entry()
        if e is None:
            return

        def do() -> None:
            delete_entry(self.tab.db, e.id)
            self.tab.data_written()

        self.tab.confirm("删除积分记录", f"删除{e.member_name}{dates.format_cn(e.date)}的"
                                       f"“{e.item_code} {e.item_title}”{fmt_points(e.points, signed=True)}分？", do, "删除")

    @slot
    def show_evidence(self, *_args) -> None:
        e = self.selected_entry()
        found = evidence(self.tab.db, e.id) if e else None
        if found is None:
            return
        name, _mime, data = found
        path, _ = QFileDialog.getSaveFileName(self, "保存佐证材料", name)
        if path:
            write_bytes(path, data)
            self.tab.status(f"已保存 {path}")

    @slot
    def import_dialog(self, *_args) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入积分台账", "", "Excel 文件 (*.xlsx)")
        if path:
            batch = import_ledger_xlsx(self.tab.db, path, self.tab.office_id)
            self.tab.data_written()
            self.tab.show_message("导入积分台账", f"已导入{batch.row_count}条积分记录（作为一批，可用“撤销上一批”撤销）。")

    @slot
    def export_dialog(self, *_args) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出积分台账", f"{self.tab.year}年度积分台账.xlsx",
                                              "Excel 文件 (*.xlsx)")
        if path:
            export_ledger_xlsx(self.tab.db, self.tab.year, path, org_id=self.tab.org_id or self.tab.root_org_id())
            self.tab.status(f"已导出 {path}")

    @slot
    def undo(self, *_args) -> None:
        self.tab.undo_last()


# ---- the tab -----------------------------------------------------------------------------------------

class PointsTab(QWidget, Messages):
    """党员积分: catalogue, meetings and attendance, ledger, yearly totals and stars, 三会一课."""

    status_message = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.db: Database | None = None
        self.office_id: str | None = None
        self.year = dates.today().year
        self.org_id: str | None = None  # the chosen branch (or 党总支); None: the whole town
        self.current_dialog: Any = None
        self.message_box = None
        self._stale: set[int] = set()
        self._settings = None
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.town_label = QLabel("乡镇：")
        self.town_combo = QComboBox()
        bar.addWidget(self.town_label)
        bar.addWidget(self.town_combo)
        year_label = QLabel("年度(&Y)：")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, 2200)
        self.year_spin.setValue(self.year)
        self.year_spin.setSuffix(" 年")
        year_label.setBuddy(self.year_spin)
        bar.addWidget(year_label)
        bar.addWidget(self.year_spin)
        branch_label = QLabel("党支部(&B)：")
        self.branch_combo = QComboBox()
        self.branch_combo.setMinimumWidth(240)
        branch_label.setBuddy(self.branch_combo)
        bar.addWidget(branch_label)
        bar.addWidget(self.branch_combo)
        self.state_label = QLabel()
        bar.addWidget(self.state_label, 1)
        lay.addLayout(bar)
        self.tabs = QTabWidget()
        self.catalogue = CatalogueWidget(self)
        self.meetings = MeetingsWidget(self)
        self.ledger = LedgerWidget(self)
        self.totals = TotalsWidget(self)
        self.compliance = ComplianceWidget(self)
        for w, title in ((self.catalogue, "积分细则"), (self.meetings, "会议与考勤"), (self.ledger, "积分台账"),
                         (self.totals, "年度汇总"), (self.compliance, "三会一课")):
            self.tabs.addTab(w, title)
        self.tabs.setCurrentWidget(self.meetings)
        lay.addWidget(self.tabs, 1)
        self.message = QLabel()
        self.message.setStyleSheet("color: #2e7d32;")
        lay.addWidget(self.message)
        self.town_combo.currentIndexChanged.connect(self._town_changed)
        self.year_spin.valueChanged.connect(self._year_changed)
        self.branch_combo.currentIndexChanged.connect(self._branch_changed)
        self.tabs.currentChanged.connect(self._tab_shown)
        QShortcut(QKeySequence("Ctrl+Z"), self, activated=self.undo_last,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._set_enabled(False)

    # ---- selection -------------------------------------------------------------------------------
    def set_database(self, db: Database | None) -> None:
        close_dialog(self)
        self.db = db
        self.office_id = None
        self.org_id = None
        self._settings = None
        self.message.clear()
        self.town_combo.blockSignals(True)
        self.town_combo.clear()
        if db is not None:
            try:
                offices = town_offices(db)
            except UserError:
                offices = []
            for o in offices:
                self.town_combo.addItem(o["name"], o["id"])
            self.office_id = offices[0]["id"] if offices else None
            self.year = self._default_year()
            self.year_spin.blockSignals(True)
            self.year_spin.setValue(self.year)
            self.year_spin.blockSignals(False)
        self.town_combo.blockSignals(False)
        several = self.town_combo.count() > 1
        self.town_label.setVisible(several)
        self.town_combo.setVisible(several)
        self._fill_branches()
        self._set_enabled(db is not None and self.office_id is not None)
        self.refresh_all()

    def _default_year(self) -> int:
        """The latest year with points or meetings, else this year."""
        today = dates.today().year
        if self.db is None or self.office_id is None:
            return today
        latest = self.db.scalar("SELECT max(year) FROM points_batch WHERE office_id = ?", (self.office_id,))
        return int(latest) if latest and int(latest) < today and not self.db.scalar(
            "SELECT 1 FROM points_batch WHERE office_id = ? AND year = ? LIMIT 1", (self.office_id, today)) else today

    def _fill_branches(self) -> None:
        keep = self.org_id
        self.branch_combo.blockSignals(True)
        self.branch_combo.clear()
        self.branch_combo.addItem("（全部党支部）", None)
        if self.db is not None and self.office_id is not None:
            for r in self.db.query("""SELECT o.id, o.name, p.org_type AS parent_type, p.name AS parent_name FROM org o
                                      LEFT JOIN org p ON p.id = o.parent_id
                                      WHERE o.office_id = ? AND o.org_type = '党支部'
                                      ORDER BY ifnull(p.sort_order, 0), o.sort_order, o.name""", (self.office_id,)):
                label = r["name"] if r["parent_type"] != "党总支" else f"{r['name']}（{r['parent_name']}）"
                self.branch_combo.addItem(label, r["id"])
        i = self.branch_combo.findData(keep) if keep else 0
        self.branch_combo.setCurrentIndex(max(0, i))
        self.org_id = self.branch_combo.currentData()
        self.branch_combo.blockSignals(False)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.tabs, self.year_spin, self.branch_combo, self.town_combo):
            w.setEnabled(on)
        if not on:
            self.state_label.setText("未打开数据库" if self.db is None else "数据库中还没有乡镇")

    def _town_changed(self, *_args) -> None:
        self.office_id = self.town_combo.currentData()
        self.org_id = None
        self._settings = None
        self._fill_branches()
        self.refresh_all()

    def _year_changed(self, value: int) -> None:
        self.year = int(value)
        self._settings = None
        self.refresh_all()

    def _branch_changed(self, *_args) -> None:
        self.org_id = self.branch_combo.currentData()
        self.refresh_all()

    def select_branch(self, org_id: str | None) -> None:
        i = self.branch_combo.findData(org_id)
        if i >= 0:
            self.branch_combo.setCurrentIndex(i)

    def branch_id(self) -> str | None:
        return self.org_id

    def root_org_id(self) -> str | None:
        if self.db is None or self.office_id is None:
            return None
        return self.db.scalar("SELECT id FROM org WHERE office_id = ? AND parent_id IS NULL", (self.office_id,))

    def settings(self):
        if self._settings is None and self.db is not None and self.office_id is not None:
            self._settings = cat.year_settings(self.db, self.office_id, self.year)
        return self._settings

    # ---- refreshing ---------------------------------------------------------------------------------
    def widgets(self) -> list[QWidget]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def refresh_all(self) -> None:
        self._settings = None
        self._stale = set(range(self.tabs.count()))
        self._update_state()
        self._refresh_current()

    def _refresh_current(self) -> None:
        i = self.tabs.currentIndex()
        if i in self._stale:
            self._stale.discard(i)
            try:
                self.tabs.widget(i).refresh()
            except Exception as e:  # noqa: BLE001 - a broken view must not take the window down
                self.show_error(e, "无法显示")

    def _tab_shown(self, _index: int) -> None:
        self._refresh_current()

    def _update_state(self) -> None:
        s = self.settings()
        if s is None:
            return
        self.state_label.setText(f"　{self.year}年度基础分{fmt_points(s.base_score)}分" +
                                 ("　<b style='color:#c62828'>已锁定</b>" if s.locked else "") +
                                 ("　（只读）" if self.db is not None and self.db.readonly else ""))

    def on_data_changed(self, tables: set[str] | None = None) -> None:
        if self.db is None:
            return
        if tables and not (set(tables) & POINTS_TABLES):
            return
        if tables and set(tables) & {"org", "office"}:
            self._fill_branches()
        self.refresh_all()

    def data_written(self) -> None:
        """After a write from this tab: the main window's commit signal refreshes; without a window, do it here."""
        window = self.window()
        if not hasattr(window, "data_changed"):
            self.refresh_all()

    def status(self, text: str) -> None:
        self.message.setText(text)
        self.status_message.emit(text)

    # ---- dialogs ----------------------------------------------------------------------------------------
    def open_dialog(self, wrapper) -> Any:
        close_dialog(self)
        dialog = wrapper.dialog
        self.current_dialog = wrapper

        def finished(_result: int) -> None:
            if self.current_dialog is wrapper:
                self.current_dialog = None

        dialog.finished.connect(finished)
        saved = getattr(wrapper, "saved", None)
        if saved is not None and not hasattr(wrapper, "save_to"):
            saved.connect(lambda _r: self.data_written())
        wrapper.open()
        return wrapper

    @slot
    def undo_last(self, *_args) -> None:
        db = self.db
        b = undoable_batch(db, self.office_id) if db is not None and self.office_id else None
        if b is None or db.readonly:
            return

        def do() -> None:
            undo_last_batch(db, self.office_id)
            self.status(f"已撤销：{b.title}")
            self.data_written()

        self.confirm("撤销上一批", f"撤销上一批录入？\n{b.describe()}\n\n"
                                  f"{'会议、考勤和' if b.kind == '会议' else ''}这批积分记录将被删除（操作会记入变更日志）。",
                     do, "撤销")
