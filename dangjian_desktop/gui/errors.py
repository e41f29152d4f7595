"""Showing errors to the clerk: UserError messages as they are, bugs as a short apology plus a log file."""

from __future__ import annotations

import logging
import traceback
from html import escape

from PySide6 import QtGui
from PySide6.QtWidgets import QMessageBox, QWidget

from ..db.storage import storage_error
from ..errors import UserError, ValidationError
from ..paths import log_file

log = logging.getLogger(__name__)


def log_bug(exc: BaseException | None = None) -> str:
    """Write a bug's traceback (`exc`, or the exception being handled) to the log and to
    logs/gui-error.log in the user data folder; return that file's path ('' if it cannot be written)."""
    if exc is None:
        text = traceback.format_exc()
    else:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("unexpected error\n%s", text)
    try:
        path = log_file("gui-error.log")
        with path.open("a", encoding="utf-8") as f:
            f.write(text + "\n")
        return str(path)
    except OSError:
        return ""


def bug_text(exc: BaseException, sep: str = "\n") -> str:
    """A bug logged (see log_bug) and told as a short apology naming the log file."""
    path = log_bug(exc)
    return f"程序内部错误（{type(exc).__name__}），数据没有被修改。" + (f"{sep}详情已记录在：{path}" if path else "")


def error_text(exc: BaseException, *, blank_line: bool = False, list_from: int = 1) -> str:
    """What the clerk reads for an exception: a UserError's message, or a short apology for a bug.

    A ValidationError with at least `list_from` field messages is shown as a bulleted list under
    "请修改以下内容：" (with an empty line between them when `blank_line`).
    """
    if isinstance(exc, ValidationError) and exc.errors and len(exc.errors) >= list_from:
        head = "请修改以下内容：\n\n" if blank_line else "请修改以下内容：\n"
        return head + "\n".join(f"• {m}" for m in exc.errors.values())
    if isinstance(exc, UserError):
        return exc.message
    if (told := storage_error(exc)) is not None:  # a full or failing disk is no bug
        return told.message
    return bug_text(exc)


def show_error(parent: QWidget | None, exc: BaseException, title: str = "操作未完成") -> None:
    """A warning box with `exc`'s text. A name in it shows as written, never as markup: a text Qt would
    take for rich text is escaped as kit.plain_text.literal does (the kit imports this module, so this
    one cannot import it)."""
    text = error_text(exc, blank_line=True)
    if QtGui.Qt.mightBeRichText(text):
        text = f"<p style='white-space:pre-wrap'>{escape(text, quote=False)}</p>"
    QMessageBox.warning(parent, title, text)

