"""冲突: rows changed on both sides, side by side, with 保留本地 / 采用对方 on each row (the core's
resolve, which logs the choice in the change log), each an Operation."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from ...exchange import list_conflicts, resolve
from ..kit.operations import Operation
from ..kit.row_model import Col, RowModel
from .models import CONFLICT_COLUMNS


class ConflictsPanel(QWidget):
    def __init__(self, tab: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.tab = tab
        layout = QVBoxLayout(self)
        self.hint = QLabel("", self)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.model = RowModel([*CONFLICT_COLUMNS, Col("选择", lambda _c: "")], self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for col in (3, 4):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.buttons: dict[str, tuple[QPushButton, QPushButton]] = {}

    def reload(self, db: Any) -> None:
        items = list_conflicts(db)
        self.model.set_rows(items)
        self.buttons.clear()
        for n, c in enumerate(self.model.rows):
            box = QWidget(self.table)
            row = QHBoxLayout(box)
            row.setContentsMargins(2, 2, 2, 2)
            keep = QPushButton("保留本地", box)
            take = QPushButton("采用对方", box)
            keep.clicked.connect(lambda _=False, cid=c.id: self.choose(cid, "local"))
            take.clicked.connect(lambda _=False, cid=c.id: self.choose(cid, "remote"))
            row.addWidget(keep)
            row.addWidget(take)
            self.table.setIndexWidget(self.model.index(n, len(self.model.columns) - 1), box)
            self.buttons[c.id] = (keep, take)
        self.table.resizeRowsToContents()
        self.hint.setText(f"有 {len(items)} 条记录两边都改过，请逐条选择保留哪一边（选择记入变更日志）。" if items
                          else "没有待处理的冲突。")

    def choose(self, conflict_id: str, keep: str) -> Operation:
        side = "本单位" if keep == "local" else "对方"
        op = Operation(self.tab, f"保留{side}的版本", lambda db: resolve(db, conflict_id, keep), db=self.tab.db)
        return op.run()
