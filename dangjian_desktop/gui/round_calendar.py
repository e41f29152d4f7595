"""The calendar's edge in the GUI: a deadline in a year without a holiday table is shown as
unconfirmed, 确定 asks for the year's 放假安排 (or an explicit Monday–Friday), and the holiday
editor takes the State Council's notice pasted as text, day by day.

    deadline_text(window)              the last day, marked 未确认 with the years it rests on
    ask_for_calendar(host, db, years, on_resolved)   the prompt 确定 opens
    install_notice_button(holiday_dialog)            "粘贴国务院通知…" in the holiday editor
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QPlainTextEdit,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from .. import dates
from ..assessment import workdays
from ..assessment.holiday_notice import parse_notice
from ..db import Database
from .kit.messages import MessageHost, slot
from .kit.operations import Operation
from .kit.palette import AMBER_HEX, HINT_HEX, RED_HEX, css


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
        from .assessment_dialogs import HolidayDialog
        from .common import open_dialog

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


class NoticeDialog(QDialog, MessageHost):
    """Paste the State Council's notice; the days it names are listed for checking before they go
    into the holiday editor."""

    def __init__(self, year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("粘贴国务院放假安排通知")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.days: list[workdays.Holiday] = []
        lay = QVBoxLayout(self)
        intro = QLabel("把《国务院办公厅关于××年部分节假日安排的通知》正文粘贴到下面（“一、元旦：1月1日至3日放假调休，"
                       "共3天。1月4日（周日）上班。”这样的各条），程序逐日列出放假和调休上班的日子，核对无误后填入节假日表。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(QLabel("年度："))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, 2200)
        self.year_spin.setValue(year)
        row.addWidget(self.year_spin)
        row.addStretch(1)
        lay.addLayout(row)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName("通知正文")
        self.text_edit.setMinimumHeight(160)
        lay.addWidget(self.text_edit, 1)
        self.read_button = QPushButton("逐日读出(&R)")
        self.read_button.clicked.connect(self.read)
        lay.addWidget(self.read_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.days_list = QListWidget()
        self.days_list.setAccessibleName("读出的日期")
        lay.addWidget(self.days_list, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("填入节假日表")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(620, 560)

    @property
    def year(self) -> int:
        return self.year_spin.value()

    def read(self) -> bool:
        self.days_list.clear()
        self.days = []
        try:
            days = parse_notice(self.text_edit.toPlainText(), self.year)
        except Exception as e:  # noqa: BLE001 - a UserError says what is expected
            from .errors import error_text

            self.status.setStyleSheet(css(RED_HEX))
            self.status.setText(error_text(e))
            return False
        mine = [h for h in days if h.day.startswith(f"{self.year:04d}-")]
        other = [h for h in days if h not in mine]
        for h in mine:
            weekday = "一二三四五六日"[dates.parse_iso(h.day).weekday()]
            self.days_list.addItem(f"{dates.format_cn(h.day)}（周{weekday}）  {workdays.KIND_LABELS[h.kind]}  {h.name}")
        self.days = mine
        off = sum(h.kind == workdays.OFF for h in mine)
        text = f"读出 {self.year} 年 {len(mine)} 天：放假 {off} 天，调休上班 {len(mine) - off} 天。请逐日核对。"
        if other:
            text += f"另有 {len(other)} 天属于其他年度（如 {dates.format_cn(other[0].day)}），不填入本年。"
        self.status.setStyleSheet(css(HINT_HEX) if mine else css(AMBER_HEX))
        self.status.setText(text if mine else f"通知中没有 {self.year} 年的日期，请核对年度。")
        return bool(mine)

    def _accept(self) -> None:
        if (self.days or self.read()) and self.days:
            self.accept()


def install_notice_button(holiday_dialog) -> QPushButton:
    """Add "粘贴国务院通知…" to the holiday editor (assessment_dialogs.HolidayDialog): the notice's days
    replace the table's rows for the year, to be checked and saved with the editor's 确定."""
    from PySide6.QtWidgets import QHBoxLayout as _Row

    f = holiday_dialog.dialog
    button = QPushButton("粘贴国务院通知(&P)…", f)
    button.setToolTip("粘贴国务院办公厅放假安排通知的正文，逐日填入本表，核对后按“确定”保存")
    row = f.findChild(_Row, "buttonRow")
    if row is not None:
        row.insertWidget(2, button)
    button.setEnabled(not holiday_dialog.db.readonly)

    def fill(dlg: NoticeDialog) -> None:
        if dlg.year != holiday_dialog.year:
            f.yearSpin.setValue(dlg.year)
            if holiday_dialog.year != dlg.year:
                return  # unsaved edits of another year: the editor said so
        t = f.table
        t.blockSignals(True)
        t.setRowCount(0)
        for h in dlg.days:
            holiday_dialog._append(h.day, h.kind, h.name)
        t.blockSignals(False)
        holiday_dialog.dirty = True
        f.sourceLabel.setText(f"已从通知读入 {len(dlg.days)} 天，核对后按“确定”保存")

    def open_notice() -> None:
        dlg = NoticeDialog(holiday_dialog.year, f)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: fill(dlg))
        holiday_dialog.notice_dialog = dlg
        dlg.open()

    button.clicked.connect(open_notice)
    holiday_dialog.notice_button = button
    return button


def year_note(db: Database, year: int) -> tuple[str, str]:
    """The holiday editor's line about a year, and its style: unknown years in red."""
    status = workdays.year_status(db, year)
    return status.text, ("" if status.known else css(RED_HEX))
