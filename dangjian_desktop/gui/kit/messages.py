"""Telling the clerk things: one message host, one `slot` decorator, one place that reports a failure.

Every box is non-blocking and window-modal (`open()`, never `exec()`): the event loop keeps running,
so background work finishes and tests can read and close the box. The box on show is kept in
`current_message` (and, under its older name, `message_box`).
"""

from __future__ import annotations

import inspect
from functools import wraps
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ...errors import Cancelled
from ..errors import error_text

ERROR_TITLE = "操作未完成"


def info_box(icon: QMessageBox.Icon, title: str, text: str, parent: QWidget | None) -> QMessageBox:
    """A message box with one 确定 button (not shown yet)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names and notes in the text show as written, never as markup
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    return box


def question_box(title: str, text: str, parent: QWidget | None, yes_text: str = "确定") -> QMessageBox:
    """A yes/no question (not shown yet) whose default answer is 取消."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.button(QMessageBox.StandardButton.Yes).setText(yes_text)
    box.button(QMessageBox.StandardButton.No).setText("取消")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box


def _open(box: QMessageBox) -> QMessageBox:
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class MessageHost:
    """Mixin for widgets (and helpers that own widgets): non-blocking message and question boxes.

    `ERROR_STYLE` holds keyword arguments of errors.error_text (how a ValidationError is listed).
    """

    current_message: QMessageBox | None = None
    message_box: QMessageBox | None = None  # the older name of current_message
    ERROR_STYLE: dict[str, Any] = {}

    def _message_parent(self) -> QWidget | None:
        return self if isinstance(self, QWidget) else None

    def _keep(self, box: QMessageBox) -> None:
        self.current_message = self.message_box = box

    def _forget(self, box: QMessageBox) -> None:
        if self.current_message is box:
            self.current_message = None
        if self.message_box is box:
            self.message_box = None

    def inform(self, text: str, title: str = "提示",
               icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> QMessageBox:
        """Show `text` with one 确定 button."""
        box = info_box(icon, title, text, self._message_parent())
        self._keep(box)
        box.finished.connect(lambda _r: self._forget(box))
        return _open(box)

    def show_message(self, text: str, title: str = "提示",
                     icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> QMessageBox:
        return self.inform(text, title, icon)

    def show_error(self, exc: BaseException, title: str = ERROR_TITLE) -> QMessageBox:
        """A UserError's message as it is; a bug as a short apology (its traceback goes to the log file)."""
        return self.inform(error_text(exc, **self.ERROR_STYLE), title, QMessageBox.Icon.Warning)

    def ask(self, text: str, title: str, on_yes: Callable[[], None], *, yes_text: str = "确定") -> QMessageBox:
        """A yes/no question; `on_yes` runs (its failure shown, never raised) when the clerk confirms."""
        box = question_box(title, text, self._message_parent(), yes_text)
        self._keep(box)

        def done(result: int) -> None:
            self._forget(box)
            if result == QMessageBox.StandardButton.Yes:
                try:
                    on_yes()
                except Exception as e:  # noqa: BLE001 - never raise into the event loop
                    self.show_error(e)

        box.finished.connect(done)
        return _open(box)


def report_error(parent: Any, exc: BaseException, title: str = ERROR_TITLE) -> QMessageBox | None:
    """The one place a failure reaches the clerk: through the parent's message host when it has one
    (so tests find the box where they look for it), else in a window-modal box of its own."""
    if isinstance(exc, Cancelled):  # the clerk's own 取消: nothing to tell
        return None
    host = getattr(parent, "tab", None) or parent
    if hasattr(host, "show_error"):
        return host.show_error(exc, title)
    box = info_box(QMessageBox.Icon.Warning, title, error_text(exc, blank_line=True),
                   host if isinstance(host, QWidget) else None)
    return _open(box)


def slot(fn: Callable) -> Callable:
    """A slot that never raises into Qt: a UserError or a bug becomes a message box.

    The box goes to the widget's `tab` when it has one (a panel inside a page), else to the widget.
    Extra arguments a signal sends (clicked's `checked`) are dropped when the method takes fewer.
    """
    params = list(inspect.signature(fn).parameters.values())[1:]
    varargs = any(p.kind == p.VAR_POSITIONAL for p in params)
    positional = sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))

    @wraps(fn)
    def wrapper(self, *args, **kwargs):
        if not varargs:
            args = args[:positional]
        try:
            return fn(self, *args, **kwargs)
        except Exception as e:  # noqa: BLE001 - never raise into the event loop
            report_error(self, e)
            return None

    return wrapper
