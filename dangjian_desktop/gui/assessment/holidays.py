"""节假日与调休: the holiday editor (ui/assessment_holidays.ui), and the State Council's notice
pasted into it and read day by day (NoticeDialog) before it is saved. A year without a holiday
table is said to leave its deadlines unconfirmed (assessment.workdays.year_status)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                               QPlainTextEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from ... import dates
from ...assessment import workdays
from ...assessment.holiday_notice import parse_notice
from ...db import Database
from ...errors import UserError
from ..common import normalise_date_text
from ..errors import error_text
from ..kit.messages import MessageHost
from ..kit.palette import AMBER_HEX, HINT_HEX, RED_HEX, css
from .dialog_base import ChangeDialog


def year_note(db: Database, year: int) -> tuple[str, str]:
    """The holiday editor's line about a year, and its style: unknown years in red."""
    status = workdays.year_status(db, year)
    return status.text, ("" if status.known else css(RED_HEX))


class HolidayDialog(ChangeDialog):
    """节假日与调休: the year's days off and make-up working days (defaults until edited)."""

    FORM = "assessment_holidays.ui"

    def __init__(self, db: Database, parent: QWidget | None = None, *, year: int | None = None):
        super().__init__(db, parent)
        self.dirty = False
        self.notice_dialog: NoticeDialog | None = None
        f = self.dialog
        t: QTableWidget = f.table
        t.setColumnCount(3)
        t.setHorizontalHeaderLabels(["日期", "类型", "名称"])
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        t.setColumnWidth(0, 150)
        t.setColumnWidth(1, 120)
        t.setMinimumHeight(320)
        t.itemChanged.connect(self._edited)
        self.year = year or dates.today().year
        f.yearSpin.setValue(self.year)
        f.yearSpin.valueChanged.connect(self._year_changed)
        f.addButton.clicked.connect(self.add_row)
        f.removeButton.clicked.connect(self.remove_rows)
        f.resetButton.clicked.connect(self.reset)
        # The State Council's notice, pasted and read day by day.
        self.notice_button = QPushButton("粘贴国务院通知(&P)…", f)
        self.notice_button.setToolTip("粘贴国务院办公厅放假安排通知的正文，逐日填入本表，核对后按“确定”保存")
        f.buttonRow.insertWidget(2, self.notice_button)
        self.notice_button.clicked.connect(self.open_notice)
        if db.readonly:
            for b in (f.addButton, f.removeButton, f.resetButton, self.ok_button, self.notice_button):
                b.setEnabled(False)
        self.load()

    def load(self) -> None:
        f = self.dialog
        entries = workdays.holidays(self.db, self.year)
        edited = self.year in workdays.edited_years(self.db)
        f.resetButton.setEnabled(edited and not self.db.readonly)
        note, style = year_note(self.db, self.year)  # an unknown year says its deadlines are unconfirmed
        f.sourceLabel.setText(note)
        f.sourceLabel.setStyleSheet(style or "color: #555555;")
        t: QTableWidget = f.table
        t.blockSignals(True)
        t.setRowCount(0)
        for h in entries:
            self._append(h.day, h.kind, h.name)
        t.blockSignals(False)
        self.dirty = False

    def _append(self, day: str, kind: str, name: str) -> int:
        t: QTableWidget = self.dialog.table
        r = t.rowCount()
        t.insertRow(r)
        t.setItem(r, 0, QTableWidgetItem(dates.format_cn(day)))
        combo = QComboBox()
        for k, label in workdays.KIND_LABELS.items():
            combo.addItem(label, k)
        combo.setCurrentIndex(max(0, combo.findData(kind)))
        combo.currentIndexChanged.connect(self._edited)
        t.setCellWidget(r, 1, combo)
        t.setItem(r, 2, QTableWidgetItem(name))
        return r

    def _edited(self, *_args) -> None:
        self.dirty = True

    def _year_changed(self, year: int) -> None:
        if self.dirty:
            self.dialog.yearSpin.blockSignals(True)
            self.dialog.yearSpin.setValue(self.year)
            self.dialog.yearSpin.blockSignals(False)
            self.set_error(f"{self.year} 年的修改尚未保存：请先按“确定”保存，或按“取消”放弃。")
            return
        self.set_error("")
        self.year = year
        self.load()

    def add_row(self) -> None:
        t: QTableWidget = self.dialog.table
        day = dt.date(self.year, 1, 1) if self.year != dates.today().year else dates.today()
        r = self._append(day.isoformat(), workdays.OFF, "")
        t.setCurrentCell(r, 0)
        t.editItem(t.item(r, 0))
        self.dirty = True

    def remove_rows(self) -> None:
        t: QTableWidget = self.dialog.table
        for r in sorted({i.row() for i in t.selectedIndexes()}, reverse=True):
            t.removeRow(r)
            self.dirty = True

    def reset(self) -> None:
        year = self.year
        try:
            self.change("恢复默认节假日", lambda db: workdays.reset_year(db, year))
        except Exception as e:  # noqa: BLE001 - shown in the dialog
            self.set_error(error_text(e))
            return
        self.load()

    def entries(self) -> list[tuple[str, str, str]]:
        t: QTableWidget = self.dialog.table
        out = []
        for r in range(t.rowCount()):
            raw = (t.item(r, 0).text() if t.item(r, 0) else "").strip()
            day = normalise_date_text(raw) or ""
            if not dates.is_iso_date(day):
                raise UserError(f"第 {r + 1} 行的日期“{raw}”无效，应为 2026-10-01 或 2026年10月1日。")
            out.append((day, t.cellWidget(r, 1).currentData(), (t.item(r, 2).text() if t.item(r, 2) else "")))
        return out

    def save(self) -> int:
        if self.dirty:
            year, entries = self.year, self.entries()
            self.change("节假日与调休", lambda db: workdays.set_holidays(db, year, entries))
        return self.year

    # ---- the State Council's notice -------------------------------------------------------------
    def open_notice(self) -> None:
        dlg = NoticeDialog(self.year, self.dialog)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.fill_from_notice(dlg))
        self.notice_dialog = dlg
        dlg.open()

    def fill_from_notice(self, dlg: "NoticeDialog") -> None:
        """The notice's days replace the table's rows for the year, to be checked and saved with 确定."""
        f = self.dialog
        if dlg.year != self.year:
            f.yearSpin.setValue(dlg.year)
            if self.year != dlg.year:
                return  # unsaved edits of another year: the editor said so
        t = f.table
        t.blockSignals(True)
        t.setRowCount(0)
        for h in dlg.days:
            self._append(h.day, h.kind, h.name)
        t.blockSignals(False)
        self.dirty = True
        f.sourceLabel.setText(f"已从通知读入 {len(dlg.days)} 天，核对后按“确定”保存")


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
