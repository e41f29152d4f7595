"""党员变动历史: every dated event of one member, with 修改记录… for every change of the record."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ...db import Database
from ...registry.members import history
from ..kit.formatting import format_date
from ..screen_fit import fit_to_screen
from ..table_export import add_table_export
from .dialog_base import existing


class HistoryDialog(QDialog):
    """党员变动历史: every dated event of one member, oldest first."""

    HEADERS = ("日期", "变动", "原组织", "新组织", "原状态", "新状态", "说明")

    def __init__(self, db: Database, member_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db  # the export's Query reads through it
        self.current_dialog = None
        m = existing(db, "member", member_id)
        self.setWindowTitle(f"党员变动历史 — {m['name']}")
        fit_to_screen(self, 760, 320)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{escape(m['name'])}</b>　身份证号 {escape(str(m['id_number']))}　入党日期 "
                                f"{format_date(m['join_date'])}　当前状态：{escape(m['status'])}", self))
        rows = history(db, member_id)
        self.table = QTableWidget(len(rows), len(self.HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        for i, e in enumerate(rows):
            cells = (format_date(e["event_date"]), e["event_type"], e["from_org"] or "", e["to_org"] or "",
                     e["from_status"] or "", e["to_status"] or "", e["note"] or "")
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(len(self.HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        bb.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        bb.rejected.connect(self.reject)
        self.changes_button = bb.addButton("修改记录…", QDialogButtonBox.ButtonRole.ActionRole)
        self.changes_button.setToolTip("每一次修改了哪一项、由谁、在何时、为什么")
        self.changes_button.clicked.connect(lambda: self._show_changes(db, member_id, m["name"]))
        # 导出 Excel / 打印/PDF of the history as shown, also from the table's context menu.
        for action in add_table_export(self.table, self, f"党员变动历史（{m['name']}）"):
            button = bb.addButton(action.text(), QDialogButtonBox.ButtonRole.ActionRole)
            button.clicked.connect(action.trigger)
        layout.addWidget(bb)

    def _show_changes(self, db: Database, member_id: str, name: str) -> None:
        from ..data_check import ChangeHistoryDialog

        self.changes_dialog = ChangeHistoryDialog(db, "member", member_id, f"党员 {name}", self)
        self.changes_dialog.open()
