"""Small pieces every tab uses: date fields, window-modal dialogs kept in `current_dialog`; and,
until the tabs move onto the kit (gui/kit/messages.py), the older names of its slot and message host."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QMessageBox

from .. import dates
from .forms import release
from .kit.messages import MessageHost, info_box, question_box, slot  # noqa: F401 - the tabs import them from here
from .kit.plain_text import literal, plain  # noqa: F401 - data shown as written, never as markup

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


class Messages(MessageHost):
    """The older message host of the registry and points tabs (kit.messages.MessageHost) with its
    argument order: show_message(title, text) and confirm(title, text, on_yes). Kept until those
    tabs move onto the kit."""

    def show_message(self, title: str, text: str,  # type: ignore[override]
                     icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> QMessageBox:
        return self.inform(text, title, icon)

    def confirm(self, title: str, text: str, on_yes: Callable[[], None], yes_text: str = "确定") -> QMessageBox:
        return self.ask(text, title, on_yes, yes_text=yes_text)


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
        release(dialog)  # with the wrappers Python holds of it (forms.release)
        if wrapper is not dialog and shiboken6.isValid(wrapper):
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
