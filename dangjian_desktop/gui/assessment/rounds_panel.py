"""The round bar on top of 考核轮次 (ui/assessment_rounds.ui): the round picked, 新建轮次, 抽签交叉考核,
名额决定, the 更多 menu (holidays, the Excel self-assessment forms, deleting the round) and the
round's line (scheme, deadlines, progress, the draw). Each button asks the page (signals)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from ...assessment import rounds as rounds_api
from ...assessment.lots import LotDraw
from ..forms import load_form
from ..kit.formatting import format_date
from .calendar import deadline_text


class RoundsPanel(QWidget):
    picked = Signal(object)  # the round id chosen in the combo
    new_round = Signal()
    lots = Signal()
    quota = Signal()
    holidays = Signal()
    export_form = Signal()
    export_forms = Signal()
    import_form = Signal()
    delete_round = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        f = load_form("assessment_rounds.ui", self)
        self.combo, self.info = f.roundCombo, f.roundInfo
        self.new_round_button, self.lots_button, self.quota_button = f.newRoundButton, f.lotsButton, f.quotaButton
        self.more_button = f.moreButton
        self.combo.currentIndexChanged.connect(lambda _i: self.picked.emit(self.combo.currentData()))
        self.new_round_button.clicked.connect(lambda: self.new_round.emit())
        self.lots_button.clicked.connect(lambda: self.lots.emit())
        self.quota_button.clicked.connect(lambda: self.quota.emit())
        menu = QMenu(self.more_button)

        def action(text: str, signal) -> QAction:
            return QAction(text, self, triggered=lambda _=False: signal.emit())

        self.action_holidays = action("节假日与调休(&H)…", self.holidays)
        self.action_export_form = action("导出所选支部的自评表(&E)…", self.export_form)
        self.action_export_forms = action("导出全部自评表到文件夹…", self.export_forms)
        self.action_import_form = action("导入自评表(&I)…", self.import_form)
        self.action_delete_round = action("删除本轮次…", self.delete_round)
        for a in (self.action_holidays, None, self.action_export_form, self.action_export_forms,
                  self.action_import_form, None, self.action_delete_round):
            menu.addSeparator() if a is None else menu.addAction(a)
        self.more_button.setMenu(menu)

    def show_round(self, r: rounds_api.Round | None, draw: LotDraw | None = None, window=None) -> None:
        """The round's line: its frozen scheme, deadlines, appeal days (and the last day counted from the
        round's publicity date, marked 未确认 on a year without a holiday table), progress, the draw's seed."""
        self.info.setToolTip("")
        if r is None:
            self.info.clear()
            return
        parts = [f"方案：{r.scheme_name}（已冻结）"]
        for label, value in (("自评截止", r.self_due), ("初审截止", r.initial_due), ("审核截止", r.review_due),
                             ("公示开始", r.publicity_start)):
            if value:
                parts.append(f"{label} {format_date(value)}")
        parts.append(f"申诉期 {r.appeal_days} 个工作日" + (f"，至 {deadline_text(window)}" if window else ""))
        if window is not None and window.unconfirmed:
            self.info.setToolTip("截止日是按周一至周五推算的：请在“更多 → 节假日与调休”中录入该年的放假安排，"
                                 "或确认按周一至周五计算。")
        counts = "、".join(f"{s} {r.state_counts[s]}" for s in rounds_api.STATES if r.state_counts.get(s))
        parts.append(f"进度：{counts}" if counts else "")
        if draw is not None:
            parts.append(f"已抽签（种子 {draw.seed}）")
        self.info.setText("　".join(p for p in parts if p))

    def update_actions(self, *, has_db: bool, writable: bool, has_round: bool, has_sheet: bool) -> None:
        self.new_round_button.setEnabled(writable)
        self.lots_button.setEnabled(has_round)
        self.quota_button.setEnabled(has_round)
        self.more_button.setEnabled(has_db)
        self.action_holidays.setEnabled(has_db)
        self.action_export_form.setEnabled(has_round and has_sheet)
        self.action_export_forms.setEnabled(has_round)
        self.action_import_form.setEnabled(writable and has_round)
        self.action_delete_round.setEnabled(writable and has_round)
