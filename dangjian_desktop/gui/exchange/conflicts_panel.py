"""冲突: rows changed on both sides, side by side, with 保留本地 / 采用对方 on each row (the core's
resolve, which logs the choice in the change log), each an Operation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from ...exchange import list_conflicts, resolve
from ..kit.operations import Operation
from ..kit.row_model import Col, RowModel
from ..table_export import add_table_export, table_of_view, tool_buttons
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
        # 导出 Excel / 打印/PDF of the conflicts as shown (without the column of choice buttons), also
        # from the table's context menu: a list to check with the other office before choosing.
        row = QHBoxLayout()
        row.addStretch(1)
        for b in tool_buttons(add_table_export(self.table, tab, "数据交换冲突", take=self._shown)):
            row.addWidget(b)
        layout.addLayout(row)
        self.buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        self._pending_focus: tuple[int, str] | None = None  # (row, side) to focus once the list is back

    def _shown(self, title: str, unit: str, at):
        table = table_of_view(self.table, title, unit=unit, at=at)
        table.columns = table.columns[:-1]  # 选择: buttons, no text
        table.rows = [row[:-1] for row in table.rows]
        return table

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
        place = next((n for n, c in enumerate(self.model.rows) if c.id == conflict_id), 0)
        op = Operation(self.tab, f"保留{side}的版本", lambda db: resolve(db, conflict_id, keep), db=self.tab.db)
        # The list is read again with new buttons (the one pressed is gone): the keyboard goes on
        # with the same button of the conflict now in that place, once the panel, disabled while
        # the choice is saved, is enabled again.
        self._pending_focus = (place, keep)
        op.run()
        QTimer.singleShot(0, self._focus_pending)
        return op

    def _focus_pending(self) -> None:
        if self._pending_focus is None or not self.isEnabled():
            return  # (when enabled again: changeEvent)
        place, keep = self._pending_focus
        self._pending_focus = None
        self.focus_row(place, keep)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.EnabledChange and self.isEnabled() and self._pending_focus is not None:
            QTimer.singleShot(0, self._focus_pending)

    def focus_row(self, row: int, keep: str = "local") -> None:
        """The conflict at `row` (the last one when fewer are left) current, its 保留本地 or 采用对方
        button focused; the table focused when none is left."""
        if not self.model.rows:
            self.table.setFocus()
            return
        n = min(max(row, 0), len(self.model.rows) - 1)
        self.table.setCurrentIndex(self.model.index(n, 0))
        pair = self.buttons.get(self.model.rows[n].id)
        if pair is not None:
            (pair[0] if keep == "local" else pair[1]).setFocus()
