"""Errors a user can cause and fix; their message is shown as-is (Simplified Chinese)."""

from __future__ import annotations

import errno
import json


class UserError(Exception):
    """A problem with the user's input or data, never a program bug.

    The CLI prints the message on stderr and exits non-zero; the GUI shows it in a dialog.
    """

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class ValidationError(UserError):
    """One or more fields are invalid; `errors` maps field name to a Chinese message."""

    exit_code = 2

    def __init__(self, errors: dict[str, str], message: str | None = None):
        self.errors = dict(errors)
        text = message or "；".join(self.errors.values())
        super().__init__(text)


class Cancelled(UserError):
    """The clerk pressed 取消: the work stopped where it was and left nothing half-done (no file
    written, nothing committed). Not an error to show: the clerk knows."""

    def __init__(self, message: str = "已取消。"):
        super().__init__(message)


class LockedError(UserError):
    """Something is locked (a database held by another process, a confirmed result)."""

    exit_code = 3


def sqlite_reason(exc: BaseException) -> str:
    """Why SQLite refused, in Chinese (its own text is English: "database disk image is
    malformed", "database or disk is full"); an unknown one is quoted after "SQLite："."""
    text = str(exc)
    for words, reason in (("disk is full", "磁盘空间不足"), ("readonly", "文件或文件夹不能写入（只读）"),
                          ("read-only", "文件或文件夹不能写入（只读）"), ("unable to open", "无法打开数据库文件"),
                          ("malformed", "数据库文件已损坏"), ("not a database", "不是数据库文件，或已损坏"),
                          ("locked", "数据库正被其他程序使用"), ("busy", "数据库正被其他程序使用"),
                          ("already exists", "数据库的结构与它的版本号不符"), ("no such table", "数据库的结构与它的版本号不符"),
                          ("no such column", "数据库的结构与它的版本号不符")):
        if words in text:
            return reason
    return f"SQLite：{text}"


def os_reason(exc: OSError) -> str:
    """Why a file could not be used, in Chinese (an OSError's own text is English: "No such file
    or directory", "Read-only file system")."""
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(exc, NotADirectoryError):
        return "路径中有一部分不是文件夹"
    if isinstance(exc, FileNotFoundError):
        return "文件或它所在的文件夹不存在"
    if isinstance(exc, FileExistsError):
        return "已有同名的文件"
    if isinstance(exc, PermissionError):
        return "没有权限：文件可能正在其他程序（如 Excel、PDF 阅读器）中打开，或文件夹不允许写入"
    if exc.errno == errno.EROFS:
        return "磁盘是只读的（如光盘、写保护的U盘）"
    if exc.errno == errno.ENOSPC:
        return "磁盘空间不足"
    if exc.errno == errno.ENAMETOOLONG:
        return "文件名或路径太长"
    return f"系统错误代码 {exc.errno}" if exc.errno else "系统拒绝了这次读写"


def file_error(exc: BaseException, path=None) -> UserError | None:
    """The UserError for an OSError about a file the clerk named (a save to a folder that does not
    exist, a folder given for a file, a file open in Excel), with the file (the error's own, else
    `path`) and the reason in Chinese; None for anything else."""
    name = getattr(exc, "filename", None) or path
    if not isinstance(exc, OSError) or isinstance(exc, UserError) or not name:
        return None
    return UserError(f"无法使用“{name}”：{os_reason(exc)}。请检查路径后重试。")


def text_file_reason(exc: BaseException) -> str:
    """Why a text file (a notice, a JSON file) could not be read, in Chinese."""
    if isinstance(exc, UnicodeDecodeError):
        return "它不是 UTF-8 编码的文本文件（可能是 Word、Excel 或其他编码的文件：请另存为 UTF-8 文本）"
    if isinstance(exc, json.JSONDecodeError):
        return f"第 {exc.lineno} 行第 {exc.colno} 个字符处格式有误，不是有效的 JSON"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return "无法读取"

