"""Small pieces every tab uses: slots that never raise into Qt, non-blocking message boxes,
window-modal dialogs kept in `current_dialog`."""

from __future__ import annotations

import datetime as dt
import re
from functools import wraps
from typing import Any, Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QMessageBox, QWidget

from .. import dates
from .errors import error_text

DATE_FORMAT = "yyyy年M月d日"


def date_edit(edit: QDateEdit | None = None) -> QDateEdit:
    """A date field (a new one, or `edit`) showing 2026年3月1日 with a calendar popup."""
    edit = edit if edit is not None else QDateEdit()
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    return edit


def set_date(edit: QDateEdit, value: dt.date | str | None) -> None:
    """Show an ISO date (or a date; None: today) in a date field."""
    d = dates.parse_iso(value) if isinstance(value, str) else (value or dates.today())
    edit.setDate(QDate(d.year, d.month, d.day))


def iso_of(edit: QDateEdit) -> str:
    return edit.date().toString("yyyy-MM-dd")

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:月\s*)?(?:[-./]?\s*(\d{1,2})\s*日?)?$")


def normalise_date_text(text: str | None, *, six_digit_month: bool = False) -> str | None:
    """What a clerk types ('2020.7.1', '2020年7月1日', '20200701', '2020-7') as ISO text.

    With `six_digit_month`, '202007' is read as the month 2020-07 too. Anything unrecognised is
    returned unchanged (stripped) so the core can name the problem.
    """
    t = (text or "").strip()
    if not t:
        return None
    if re.fullmatch(r"\d{8}", t):
        return f"{t[:4]}-{t[4:6]}-{t[6:]}"
    if six_digit_month and re.fullmatch(r"\d{6}", t):
        return f"{t[:4]}-{t[4:]}"
    m = _DATE_TEXT.match(t)
    if m:
        year, month, day = m.group(1), int(m.group(2)), m.group(3)
        return f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    return t


def slot(fn: Callable) -> Callable:
    """A slot that shows a UserError (or a bug) in a message box instead of raising into Qt.

    The message goes to the widget's `tab` when it has one (a page inside a tab), else to the widget.
    """

    @wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except Exception as e:  # noqa: BLE001
            owner = getattr(self, "tab", None) or self
            owner.show_error(e)
            return None

    return wrapper


def info_box(icon: QMessageBox.Icon, title: str, text: str, parent: QWidget | None) -> QMessageBox:
    """A message box with one 确定 button (not shown yet)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    return box


def question_box(title: str, text: str, parent: QWidget | None, yes_text: str = "确定") -> QMessageBox:
    """A yes/no question (not shown yet) whose default answer is 取消."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(yes_text)
    box.button(QMessageBox.StandardButton.No).setText("取消")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box


class Messages:
    """Non-blocking message and question boxes for a widget (tests find them as .message_box)."""

    message_box: QMessageBox | None = None
    ERROR_STYLE: dict[str, Any] = {}  # keyword arguments of errors.error_text for show_error

    def show_error(self, exc: BaseException, title: str = "操作未完成") -> None:
        self.show_message(title, error_text(exc, **self.ERROR_STYLE), QMessageBox.Icon.Warning)

    def show_message(self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> None:
        box = info_box(icon, title, text, self if isinstance(self, QWidget) else None)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.finished.connect(lambda _r: self._box_done(box))
        box.open()

    def confirm(self, title: str, text: str, on_yes: Callable[[], None], yes_text: str = "确定") -> QMessageBox:
        box = question_box(title, text, self if isinstance(self, QWidget) else None, yes_text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box

        def done(result: int) -> None:
            self._box_done(box)
            if result == QMessageBox.StandardButton.Yes:
                try:
                    on_yes()
                except Exception as e:  # noqa: BLE001 - never raise into the event loop
                    self.show_error(e)

        box.finished.connect(done)
        box.open()
        return box

    def _box_done(self, box: QMessageBox) -> None:
        if self.message_box is box:
            self.message_box = None


def open_dialog(host: Any, wrapper: Any, on_saved: Callable[[Any], None] | None = None) -> Any:
    """Open a FormDialog (or a plain QDialog) window-modally without blocking.

    `host.current_dialog` holds it while it is open; `on_saved(result)` runs after OK.
    """
    close_dialog(host)
    dialog = wrapper.dialog if hasattr(wrapper, "dialog") else wrapper
    host.current_dialog = wrapper

    def finished(_result: int) -> None:
        if host.current_dialog is wrapper:
            host.current_dialog = None
        dialog.deleteLater()
        if wrapper is not dialog:
            wrapper.deleteLater()

    dialog.finished.connect(finished)
    saved = getattr(wrapper, "saved", None)
    if saved is not None and on_saved is not None:
        def after(result: Any) -> None:
            try:
                on_saved(result)
            except Exception as e:  # noqa: BLE001
                host.show_error(e)

        saved.connect(after)
    dialog.open()
    return wrapper


def close_dialog(host: Any) -> None:
    """Reject the dialog in `host.current_dialog`, if any."""
    current = getattr(host, "current_dialog", None)
    if current is not None:
        dialog = getattr(current, "dialog", current)
        host.current_dialog = None
        dialog.reject()
