"""名额决定 (QuotaDecisionDialog), opened from 考核检查 and 结果报告: who holds a capped title or
level (六有党支部 1–2 per town, 五化 五星 ≤ 15 %). The reviewer ticks the holders within the cap,
writes the reason and 确定名单 (or 无人获得); who and when are recorded by the core
(assessment.quota_decisions)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ...assessment import quota_decisions as qd
from ...db import Database
from ..kit.formatting import format_date, format_score
from ..kit.messages import MessageHost, slot
from ..kit.operations import Operation
from ..kit.palette import AMBER, GREEN_HEX, GREY, HINT_HEX, RED_HEX, css

Q_HOLDS, Q_BRANCH, Q_TOTAL, Q_RATING, Q_STATE, Q_DECISION = range(6)
Q_HEADERS = ("获得", "党组织", "总分", "评定", "环节", "决定（理由、经办人、时间）")


class QuotaDecisionDialog(QDialog, MessageHost):
    """名额决定: one capped title or level per scope; the reviewer ticks the holders within the cap."""

    changed = Signal()

    def __init__(self, db: Database, round_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.round_id = db, round_id
        self.views: list[qd.QuotaView] = []
        self.setWindowTitle("名额决定")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        lay = QVBoxLayout(self)
        intro = QLabel("方案限定获得人数的称号或等次：符合条件的超过名额时，由审核人在名额内确定获得者并写明理由，"
                       "程序记录经办人和时间；确定之前这些党组织的结果不能“确定”，公示表也不能打印。")
        intro.setWordWrap(True)
        intro.setStyleSheet(css(HINT_HEX))
        lay.addWidget(intro)
        row = QHBoxLayout()
        pick = QLabel("称号与范围(&T)：")
        self.scope_combo = QComboBox()
        self.scope_combo.setAccessibleName("称号与范围")
        pick.setBuddy(self.scope_combo)
        row.addWidget(pick)
        row.addWidget(self.scope_combo, 1)
        lay.addLayout(row)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        lay.addWidget(self.status_label)
        self.table = QTableWidget(0, len(Q_HEADERS))
        self.table.setHorizontalHeaderLabels(Q_HEADERS)
        self.table.setAccessibleName("符合条件的党组织")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(Q_DECISION, QHeaderView.ResizeMode.Stretch)
        for col, w in ((Q_HOLDS, 48), (Q_BRANCH, 190), (Q_TOTAL, 56), (Q_RATING, 70), (Q_STATE, 50)):
            self.table.setColumnWidth(col, w)
        self.table.itemChanged.connect(lambda *_: self._count_ticks())
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        reason = QLabel("理由(&R)：")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("必填，如：按总分排名；镇党委会议研究决定")
        self.reason_edit.setAccessibleName("理由")
        reason.setBuddy(self.reason_edit)
        row.addWidget(reason)
        row.addWidget(self.reason_edit, 1)
        lay.addLayout(row)
        row = QHBoxLayout()
        self.tick_label = QLabel()
        row.addWidget(self.tick_label, 1)
        self.save_button = QPushButton("确定名单(&S)")
        self.nobody_button = QPushButton("无人获得(&N)")
        self.close_button = QPushButton("关闭")
        for b in (self.save_button, self.nobody_button, self.close_button):
            row.addWidget(b)
        lay.addLayout(row)
        self.save_button.clicked.connect(self.save_list)
        self.nobody_button.clicked.connect(self.save_nobody)
        self.close_button.clicked.connect(self.accept)
        self.scope_combo.currentIndexChanged.connect(lambda _i: self._show_scope())
        self.resize(820, 520)
        self.reload()

    # ---- showing --------------------------------------------------------------------------------
    def reload(self) -> None:
        keep = self.scope_combo.currentIndex()
        self.views = qd.quota_overview(self.db, self.round_id)
        self.scope_combo.blockSignals(True)
        self.scope_combo.clear()
        for v in self.views:
            where = f"{v.scope} · " if v.scope else ""
            self.scope_combo.addItem(f"{where}{v.title}（限 {v.limit} 个，符合 {len(v.qualified)} 个）— {v.status}")
        pending = next((n for n, v in enumerate(self.views) if v.needs_decision), None)
        self.scope_combo.setCurrentIndex(keep if 0 <= keep < len(self.views) else (pending or 0))
        self.scope_combo.blockSignals(False)
        self._show_scope()

    @property
    def view(self) -> qd.QuotaView | None:
        n = self.scope_combo.currentIndex()
        return self.views[n] if 0 <= n < len(self.views) else None

    def _show_scope(self) -> None:
        v = self.view
        t = self.table
        t.blockSignals(True)
        t.setRowCount(0)
        if v is None:
            self.status_label.setText("本轮的评分方案没有限制获得人数的称号或等次。")
            self.status_label.setStyleSheet(css(HINT_HEX))
            t.blockSignals(False)
            self._update_buttons()
            return
        self.status_label.setText(v.text())
        self.status_label.setStyleSheet(css(RED_HEX) if v.needs_decision else css(GREEN_HEX if v.over else HINT_HEX))
        rows = v.qualified + v.stale
        t.setRowCount(len(rows))
        writable = not self.db.readonly and v.over
        for r, h in enumerate(rows):
            stale = h in v.stale
            tick = QTableWidgetItem()
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if writable and not stale and h.state != "确定":
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            tick.setFlags(flags)
            tick.setCheckState(Qt.CheckState.Checked if h.named and not stale else Qt.CheckState.Unchecked)
            tick.setData(Qt.ItemDataRole.UserRole, h.sheet_id)
            t.setItem(r, Q_HOLDS, tick)
            decision = ""
            if h.named:
                decision = f"{h.reason}；{h.decided_by}，{format_date(h.decided_at)}"
            if stale:
                decision = "曾被确定，现已不符合条件"
            elif h in v.unconsidered:
                decision = (decision + "；" if decision else "") + "决定之后才符合条件，请重新确定"
            name = (f"{h.town} " if v.scope is None and h.town else "") + h.org_name
            for c, text in ((Q_BRANCH, name), (Q_TOTAL, format_score(h.total)), (Q_RATING, h.rating or ""),
                            (Q_STATE, h.state), (Q_DECISION, decision)):
                it = QTableWidgetItem(text)
                if stale:
                    it.setForeground(QBrush(GREY))
                elif h in v.unconsidered:
                    it.setForeground(QBrush(AMBER))
                t.setItem(r, c, it)
        if v.nobody is not None and not v.named:
            self.status_label.setText(v.text() + f"（{v.nobody.reason}；{v.nobody.decided_by}，"
                                      f"{format_date(v.nobody.decided_at)}）")
        t.blockSignals(False)
        self._count_ticks()

    def ticked(self) -> list[str]:
        """The ticked branches (a confirmed holder, not tickable any more, stays one)."""
        items = (self.table.item(r, Q_HOLDS) for r in range(self.table.rowCount()))
        return [it.data(Qt.ItemDataRole.UserRole) for it in items
                if it is not None and it.checkState() == Qt.CheckState.Checked]

    def set_ticked(self, sheet_ids: list[str]) -> None:
        """Tick exactly these branches (for keyboard users and tests)."""
        for r in range(self.table.rowCount()):
            it = self.table.item(r, Q_HOLDS)
            if it.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                it.setCheckState(Qt.CheckState.Checked if it.data(Qt.ItemDataRole.UserRole) in sheet_ids
                                 else Qt.CheckState.Unchecked)

    def _count_ticks(self) -> None:
        v = self.view
        if v is None or not v.over:
            self.tick_label.setText("符合条件的都获得，无需决定。" if v is not None else "")
            self.tick_label.setStyleSheet(css(HINT_HEX))
        else:
            n = len(self.ticked())
            self.tick_label.setText(f"已勾选 {n} 个，名额 {v.limit} 个")
            self.tick_label.setStyleSheet(css(RED_HEX if n > v.limit else HINT_HEX))
        self._update_buttons()

    def _update_buttons(self) -> None:
        v = self.view
        can = v is not None and v.over and not self.db.readonly
        self.save_button.setEnabled(can)
        self.nobody_button.setEnabled(can)

    # ---- deciding -----------------------------------------------------------------------------
    def _run(self, label: str, fn) -> None:
        def done(_r) -> None:
            self.reason_edit.clear()
            self.reload()
            self.changed.emit()

        Operation(self, label, fn, db=self.db).success(done).run()

    @slot
    def save_list(self) -> None:
        v = self.view
        if v is None:
            return
        ids, reason = self.ticked(), self.reason_edit.text()
        if not ids:
            self.show_message("没有勾选获得者。如果本范围无人获得，请写明理由后按“无人获得”。", "名额决定")
            return
        self._run("确定名单", lambda db: qd.set_holders(db, self.round_id, v.title.split("、")[0], ids, town=v.scope,
                                                      reason=reason))

    @slot
    def save_nobody(self) -> None:
        v = self.view
        if v is None:
            return
        reason = self.reason_edit.text()
        self._run("确定无人获得", lambda db: qd.set_holders(db, self.round_id, v.title.split("、")[0], [], town=v.scope,
                                                        reason=reason))
