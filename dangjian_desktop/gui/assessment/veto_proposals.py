"""据台账提出的否决项 on a sheet's 否决项 page (VetoProposalsPanel): the vetoes the registry's data
proves for the sheet shown, each with its fact, confirmed or dismissed with a reason as a kit
Operation (assessment.veto_proposals); and the summary's notes while they wait or while the
rating is provisional."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ...assessment import veto_proposals as vp
from ...db import Database
from ..kit.formatting import format_date
from ..kit.messages import MessageHost, slot
from ..kit.operations import Operation
from ..kit.palette import AMBER_HEX, GREY, HINT_HEX, RED, RED_HEX, css

V_STATUS, V_VETO, V_FACT, V_DECISION = range(4)


class VetoProposalsPanel(QWidget, MessageHost):
    """据台账提出的否决项 of the sheet shown: each with its fact; 确认 / 驳回 with a reason."""

    decided = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.db: Database | None = None
        self.sheet = None
        self.proposals: list[vp.VetoProposal] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel()
        self.header.setWordWrap(True)
        lay.addWidget(self.header)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["状态", "否决项", "依据的事实（来自组织台账或本表）", "处理"])
        self.table.setAccessibleName("据台账提出的否决项")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(V_FACT, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(V_STATUS, 56)
        self.table.setColumnWidth(V_VETO, 150)
        self.table.setColumnWidth(V_DECISION, 160)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        reason = QLabel("理由(&Y)：")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("必填：核实的情况，或不成立的原因")
        self.reason_edit.setAccessibleName("否决项处理理由")
        reason.setBuddy(self.reason_edit)
        self.confirm_button = QPushButton("确认否决(&C)")
        self.dismiss_button = QPushButton("驳回(&X)")
        row.addWidget(reason)
        row.addWidget(self.reason_edit, 1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.dismiss_button)
        lay.addLayout(row)
        self.confirm_button.clicked.connect(lambda: self.decide(True))
        self.dismiss_button.clicked.connect(lambda: self.decide(False))
        self.setVisible(False)

    @property
    def pending(self) -> list[vp.VetoProposal]:
        return [p for p in self.proposals if p.pending]

    def load(self, db: Database | None, sheet) -> None:
        """Check the sheet's data (when it is opened, or after a change) and show what it proves."""
        self.db, self.sheet = db, sheet
        self.proposals = vp.propose_vetoes(db, sheet.id) if db is not None and sheet is not None else []
        self.setVisible(bool(self.proposals))
        n = len(self.pending)
        self.header.setText(
            f"据组织台账和本表数据，以下否决情形有事实依据，须由审核人逐项确认或驳回（写明理由）："
            + (f"<b>{n} 项待决定</b>" if n else "已全部处理"))
        self.header.setStyleSheet(css(RED_HEX if n else HINT_HEX))
        t = self.table
        t.setRowCount(len(self.proposals))
        for r, p in enumerate(self.proposals):
            decision = f"{p.reason}（{p.decided_by}，{format_date(p.decided_at)}）" if p.reason else (
                "已在下表中登记" if p.status == vp.MARKED else "")
            for c, text in ((V_STATUS, p.status), (V_VETO, f"{p.code} {p.title}"), (V_FACT, p.fact),
                            (V_DECISION, decision)):
                it = QTableWidgetItem(text)
                if c == V_STATUS:
                    it.setForeground(QBrush(RED if p.pending else GREY))
                t.setItem(r, c, it)
        t.resizeRowsToContents()
        # As tall as its rows (at most four), so the sheet's own veto table keeps its room.
        rows = sum(t.rowHeight(r) for r in range(min(4, t.rowCount())))
        t.setFixedHeight(t.horizontalHeader().height() + rows + 2 * t.frameWidth() + 2)
        if self.pending:
            t.selectRow(self.proposals.index(self.pending[0]))
        self._update_buttons()

    def selected(self) -> vp.VetoProposal | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.proposals[min(rows)] if rows else None

    def _update_buttons(self) -> None:
        p = self.selected()
        ok = (self.db is not None and not self.db.readonly and p is not None and p.pending
              and self.sheet is not None and not self.sheet.locked)
        self.confirm_button.setEnabled(ok)
        self.dismiss_button.setEnabled(ok)

    @slot
    def decide(self, confirm: bool) -> None:
        p = self.selected()
        if p is None or self.db is None:
            return
        reason = self.reason_edit.text()
        fn = vp.confirm_veto if confirm else vp.dismiss_veto

        def done(_r) -> None:
            self.reason_edit.clear()
            self.decided.emit()

        Operation(self, "确认否决项" if confirm else "驳回否决项",
                  lambda db: fn(db, p.sheet_id, p.code, reason=reason), db=self.db).success(done).run()


def pending_note(panel: VetoProposalsPanel) -> str:
    """A line for the sheet's summary while proposals wait (rich text), else ''."""
    n = len(panel.pending)
    if not n:
        return ""
    return (f"<span style='{css(RED_HEX)}'>有 {n} 项据台账提出的否决项待审核人确认或驳回（见“否决项”），"
            f"处理前不能公示、不能确定。</span>")


def provisional_note(sheet) -> str:
    """A muted line: the rating shown is provisional until the review is complete."""
    if sheet is None or sheet.state in ("公示", "申诉", "确定"):
        return ""
    return f"<span style='{css(AMBER_HEX)}'>（暂定：审核尚未完成）</span>"
