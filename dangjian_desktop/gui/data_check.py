"""检查数据 (verify the database and its sealed change log) and 修改记录 (one row's change history)."""

from __future__ import annotations

import threading
from html import escape

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from .. import dates
from ..db import Database, VerifyCancelled
from ..db.seal import KEY_MISSING
from ..db.history import label, referenced_names, row_history
from .kit.plain_text import literal
from .kit.tasks import Task
from .screen_fit import fit_to_screen
from .table_export import add_table_export


def _check(path, progress=None, cancelled=None) -> list[str]:
    # A connection of its own: the window's connection stays free for the GUI thread. The bar
    # follows the change-log checks (minutes for a prefecture's file, seconds for a town's);
    # 取消 stops them (cancelled()).
    with Database.open(path, mode="read") as db:
        return db.verify(progress, cancelled)


def check_data(window) -> Task | None:
    """Run verify off the GUI thread; show what it found. Returns the task (tests wait for it)."""
    if window.db is None:
        QMessageBox.information(window, "检查数据", "请先打开数据库。")
        return None
    path = window.db.path

    def done(problems: list[str]) -> None:
        box = QMessageBox(window)
        box.setWindowTitle("检查数据")
        if problems and all(p.startswith(KEY_MISSING) for p in problems):
            # Data brought from another computer without its key: nothing found wrong, nothing proved.
            box.setIcon(QMessageBox.Icon.Information)
            box.setText("这台电脑上没有写入这些数据时用的签章密钥，所以无法确认数据是否在本程序之外被改动过"
                        "（这并不表示数据有问题）。\n如果数据库是从另一台电脑带来的，请把那台电脑用户数据文件夹中的"
                        "密钥文件一并带来，再检查一次。")
            box.setDetailedText("\n\n".join(problems))
        elif problems:
            box.setIcon(QMessageBox.Icon.Warning)
            box.setText(f"发现 {len(problems)} 个问题：数据库在本程序之外被改动过，或已损坏。\n"
                        f"请不要继续录入，先从“文件 → 备份与恢复”找回可靠的备份，并报告单位负责人。")
            box.setDetailedText("\n\n".join(problems))
        else:
            box.setIcon(QMessageBox.Icon.Information)
            box.setText("✓ 数据库完好：完整性检查通过，外键完整，每一条修改都有本单位的签章，"
                        "没有发现本程序之外的改动。")
        window.current_dialog = box
        box.open()

    def failed(e: BaseException) -> None:
        if isinstance(e, VerifyCancelled):  # the clerk's own 取消: said in the status bar only
            window.statusBar().showMessage(e.message, 10000)
        else:
            QMessageBox.warning(window, "检查数据", literal(str(e)))

    cancel = threading.Event()
    return Task(window, "正在检查数据…", lambda progress: _check(path, progress, cancel.is_set), done, failed,
                cancel=cancel)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return dates.format_cn(value)
    return str(value)


class ChangeHistoryDialog(QDialog):
    """修改记录: every change of one row — when, who, why, which item from what to what."""

    HEADERS = ("时间", "操作人", "原因", "操作", "项目", "原值", "新值")

    def __init__(self, db: Database, table: str, row_id: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db  # the export's Query reads through it
        self.current_dialog = None
        self.setWindowTitle(f"修改记录 — {title}")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{escape(title)}</b>　每一次修改的时间、操作人、原因和改动的项目（来自带签章的变更日志）", self))
        lines = []
        entries = row_history(db.conn, table, row_id)
        names = referenced_names(db.conn, table, entries)  # a branch, a member: by name, not by id
        for e in entries:
            when = f"{dates.format_cn(e.at[:10])} {e.at[11:16]}"
            changes = e.changes or [("", None, None)]
            for col, old, new in changes:
                lines.append((when, e.actor, e.reason, e.op_label, label(col) if col else "",
                              _text(names.get((col, old), old)), _text(names.get((col, new), new))))
        self.table = QTableWidget(len(lines), len(self.HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        for i, cells in enumerate(lines):
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        bb.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        bb.rejected.connect(self.reject)
        # 导出 Excel / 打印/PDF of the changes as shown, also from the table's context menu.
        for action in add_table_export(self.table, self, f"修改记录（{title}）"):
            bb.addButton(action.text(), QDialogButtonBox.ButtonRole.ActionRole).clicked.connect(action.trigger)
        layout.addWidget(bb)
        fit_to_screen(self, 860, 360)
