"""流程与历史, a sheet's page (ui/assessment_workflow.ui): where the sheet stands with its appeal
window (an unconfirmed deadline in red), one button per step the rules allow now
(workflow.allowed_moves; the editor opens the step's dialog), the appeals and the history."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QHeaderView, QListWidgetItem, QPushButton, QTableWidgetItem, QWidget

from ...assessment import sheets as sh
from ...assessment import workflow as wf
from ...db import Database
from ..forms import load_form
from ..kit.formatting import format_date
from ..kit.palette import AMBER, RED
from .calendar import deadline_style, deadline_text


class WorkflowPanel(QWidget):
    move_requested = Signal(str, str)  # target state, the step's label

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        f = load_form("assessment_workflow.ui", self)
        self.state_label, self.move_box, self.appeal_list = f.stateLabel, f.moveBox, f.appealList
        self.history_table, self.splitter = f.historyTable, f.splitter
        self.move_buttons: list[QPushButton] = []
        t = self.history_table
        t.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        t.setColumnWidth(0, 160)
        self.splitter.setSizes([90, 400])

    def show_sheet(self, db: Database | None, s: sh.Sheet | None, readonly: bool) -> None:
        if s is None or db is None:
            self.state_label.clear()
            self._fill_moves([])
            self.appeal_list.clear()
            self.history_table.setRowCount(0)
            return
        text = f"当前环节：<b>{s.state}</b>（自 {format_date(s.state_since)}）"
        window = wf.appeal_window(db, s.id)
        if window is not None:
            end = deadline_text(window)
            if window.unconfirmed:
                end = f"<span style='{deadline_style(window)}'>{end}</span>"
            text += f"；公示及申诉期：{format_date(window.start.isoformat())} 至 {end}（{window.days} 个工作日）"
        self.state_label.setText(text)
        self._fill_moves([] if readonly else wf.allowed_moves(db, s.id))
        self.appeal_list.clear()
        for a in wf.appeals(db, s.id):
            status = "待处理" if a.open else f"{a.outcome}（{format_date(a.decided_on)} {a.decided_by or ''}）"
            it = QListWidgetItem(f"{format_date(a.lodged_on)} {a.lodged_by}：{a.reason}　—　{status}"
                                 + (f"\n　处理意见：{a.decision}" if a.decision else ""))
            it.setData(Qt.ItemDataRole.UserRole, a.id)
            if a.open:
                it.setForeground(QBrush(RED))
            self.appeal_list.addItem(it)
        entries = wf.history(db, s.id)
        self.history_table.setRowCount(len(entries))
        for r, h in enumerate(entries):
            what = h.text + (f"；{h.note}" if h.note and h.note not in h.text else "")
            for c, value in enumerate((format_date(h.at), h.actor, what)):
                it = QTableWidgetItem(value)
                if h.what == "adjustment":
                    it.setForeground(QBrush(AMBER))
                self.history_table.setItem(r, c, it)
        self.history_table.resizeRowsToContents()

    def _fill_moves(self, moves: list[tuple[str, str]]) -> None:
        for b in self.move_buttons:
            self.move_box.removeWidget(b)
            b.hide()
            b.setParent(None)
            b.deleteLater()
        self.move_buttons = []
        for target, label in moves:
            b = QPushButton(f"{label}（→ {target}）")
            b.setProperty("target", target)
            b.clicked.connect(lambda _=False, t=target, lb=label: self.move_requested.emit(t, lb))
            self.move_box.insertWidget(self.move_box.count() - 1, b)
            self.move_buttons.append(b)
        if not moves:
            hint = QPushButton("（当前没有可执行的流程操作）")
            hint.setEnabled(False)
            hint.setFlat(True)
            self.move_box.insertWidget(self.move_box.count() - 1, hint)
            self.move_buttons.append(hint)

    def move_button(self, target: str) -> QPushButton | None:
        return next((b for b in self.move_buttons if b.property("target") == target), None)
