"""Showing errors to the clerk: UserError messages as they are, bugs as a short apology plus a log file."""

from __future__ import annotations

import logging
import traceback
from functools import wraps
from typing import Callable, TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from ..errors import UserError, ValidationError
from ..paths import user_data_dir

log = logging.getLogger(__name__)
T = TypeVar("T")


def log_bug() -> str:
    text = traceback.format_exc()
    log.error("unexpected error\n%s", text)
    try:
        d = user_data_dir() / "logs"
        d.mkdir(parents=True, exist_ok=True)
        path = d / "gui-error.log"
        with path.open("a", encoding="utf-8") as f:
            f.write(text + "\n")
        return str(path)
    except OSError:
        return ""


def show_error(parent: QWidget | None, exc: BaseException, title: str = "操作未完成") -> None:
    if isinstance(exc, ValidationError) and exc.errors:
        text = "请修改以下内容：\n\n" + "\n".join(f"• {m}" for m in exc.errors.values())
    elif isinstance(exc, UserError):
        text = exc.message
    else:
        path = log_bug()
        text = f"程序内部错误（{type(exc).__name__}），数据没有被修改。" + (f"\n详情已记录在：{path}" if path else "")
    QMessageBox.warning(parent, title, text)


def guarded(parent_attr: str = "self") -> Callable:
    """Decorator for slots: a UserError or bug becomes a message box instead of a crash."""

    def deco(fn: Callable[..., T]) -> Callable[..., T | None]:
        @wraps(fn)
        def wrapper(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            except Exception as e:  # noqa: BLE001 - the slot must not raise into Qt
                show_error(self if isinstance(self, QWidget) else None, e)
                return None

        return wrapper

    return deco
