"""The calendar's edge in the GUI: a deadline in a year without a holiday table is shown as
unconfirmed, and 确定 asks for the year's 放假安排 (the holiday editor, holidays.py) or an
explicit Monday–Friday first.

    deadline_text(window)              the last day, marked 未确认 with the years it rests on
    ask_for_calendar(host, db, years, on_resolved)   the prompt 确定 opens
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...assessment import workdays
from ...db import Database
from ..common import open_dialog
from ..kit.messages import MessageHost, slot
from ..kit.operations import Operation
from ..kit.palette import RED_HEX, css
from .holidays import HolidayDialog


def deadline_text(window) -> str:
    """'2027年1月4日（未确认：…）' for a window resting on a year without a table, else the plain date."""
    return window.end_text() if window is not None else ""


def deadline_style(window) -> str:
    return css(RED_HEX) if window is not None and window.unconfirmed else ""


class CalendarPrompt(QDialog, MessageHost):
    """Before 确定: the year(s) the appeal deadline rests on have no holiday table. Enter the year's
    放假安排 (the holiday editor, the State Council's notice) or confirm Monday–Friday (logged)."""

    resolved = Signal()

    def __init__(self, db: Database, years: list[int], parent: QWidget | None = None, *, reason: str = ""):
        super().__init__(parent)
        self.db = db
        self.years = sorted(set(years))
        self.current_dialog = None
        self.setWindowTitle("放假安排未录入")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        lay = QVBoxLayout(self)
        ys = "、".join(str(y) for y in self.years)
        text = (reason + "\n\n" if reason else "") + (
            f"{ys} 年的放假安排（国务院办公厅通知）还没有录入，申诉期的截止日只是按周一至周五推算的，"
            f"遇到元旦等假日会算错。请录入该年的放假安排；如果确实没有需要录入的放假安排，"
            f"也可以确认按周一至周五计算（会记入变更日志）。")
        self.text_label = QLabel(text)
        self.text_label.setWordWrap(True)
        lay.addWidget(self.text_label)
        row = QHBoxLayout()
        self.enter_button = QPushButton(f"录入 {self.years[0]} 年放假安排(&E)…")
        self.weekdays_button = QPushButton("确认按周一至周五计算(&W)")
        self.cancel_button = QPushButton("取消")
        for b in (self.enter_button, self.weekdays_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)
        self.enter_button.clicked.connect(self.enter_holidays)
        self.weekdays_button.clicked.connect(self.confirm_weekdays)
        self.cancel_button.clicked.connect(self.reject)
        if db.readonly:
            self.enter_button.setEnabled(False)
            self.weekdays_button.setEnabled(False)
        self.resize(560, 200)

    def _remaining(self) -> list[int]:
        known = workdays.known_years(self.db)
        return [y for y in self.years if y not in known]

    def _after(self) -> None:
        left = self._remaining()
        if left:
            self.years = left
            self.enter_button.setText(f"录入 {left[0]} 年放假安排(&E)…")
            return
        self.resolved.emit()
        self.accept()

    @slot
    def enter_holidays(self) -> None:
        year = self._remaining()[0] if self._remaining() else self.years[0]
        open_dialog(self, HolidayDialog(self.db, self, year=year), lambda _r: self._after())

    @slot
    def confirm_weekdays(self) -> None:
        years = self._remaining()
        ys = "、".join(str(y) for y in years)

        def do() -> None:
            def work(db: Database) -> None:
                for y in years:
                    workdays.confirm_weekdays(db, y)

            Operation(self, f"确认 {ys} 年按周一至周五计算", work, db=self.db).success(lambda _r: self._after()).run()

        self.ask(f"确认 {ys} 年没有需要录入的放假安排，工作日按周一至周五计算？\n这一确认会记入变更日志。",
                 "确认按周一至周五计算", do, yes_text="确认")


def ask_for_calendar(host: QWidget, db: Database, years: list[int], on_resolved: Callable[[], None] | None = None,
                     *, reason: str = "") -> CalendarPrompt:
    """Open the prompt (window-modal, non-blocking); `on_resolved` runs once every year has a table."""
    dlg = CalendarPrompt(db, years, host, reason=reason)
    if on_resolved is not None:
        dlg.resolved.connect(on_resolved)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    host.current_dialog = dlg
    dlg.finished.connect(lambda _r: setattr(host, "current_dialog", None) if host.current_dialog is dlg else None)
    dlg.open()
    return dlg
