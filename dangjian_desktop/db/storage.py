"""A full or failing disk, told as what it is: 磁盘空间不足 on which disk and how much is left.

`storage_error(exc, path)` turns the ways a full disk shows up (SQLite's "database or disk is
full" or "disk I/O error", an OSError with ENOSPC) into a UserError; the unit of work, the CLI's
error handler and the GUI's error display all call it. Anything else gives None.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from ..errors import UserError, file_error

# Below this much free space a disk I/O error is taken for a full disk.
LOW_SPACE = 100 * 1024 * 1024

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_SQLITE_FULL = 13
_SQLITE_IOERR = 10


class DiskFullError(UserError):
    """A write failed because the disk is full; nothing was changed."""


class DiskIOError(UserError):
    """Reading or writing the disk failed (removed stick, failing disk); nothing was changed."""


def disk_of(path: str | Path) -> tuple[str, int | None]:
    """The drive (Windows) or mount point a path lives on, and its free bytes (None if unknown)."""
    p = Path(os.path.abspath(path))
    while not p.exists() and p.parent != p:
        p = p.parent
    if sys.platform == "win32":
        where = p.anchor or str(p)
    else:
        where = p
        while not os.path.ismount(where) and where.parent != where:
            where = where.parent
        where = str(where)
    try:
        free = shutil.disk_usage(p).free
    except OSError:
        free = None
    return where, free


def fmt_size(n: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} 字节"


def _disk_text(path: str | Path) -> str:
    where, free = disk_of(path)
    text = f"所在的磁盘（{where}）" + (f"只剩 {fmt_size(free)} 可用空间" if free is not None else "已满")
    temp_where, temp_free = disk_of(tempfile.gettempdir())
    if free is not None and free >= LOW_SPACE and temp_where != where and temp_free is not None \
            and temp_free < LOW_SPACE:
        text += f"，临时文件夹所在的磁盘（{temp_where}）只剩 {fmt_size(temp_free)}"
    return text


_ADVICE = "请删除该磁盘上不需要的文件、清空回收站后再试。"


def disk_full_error(path: str | Path | None, *, database: bool = True) -> DiskFullError:
    """The message for a full disk: the database (nothing saved, kept as it was) or a file being saved;
    with no path known, what was being written is not named."""
    if path is None:
        return DiskFullError(f"磁盘空间不足：磁盘已满，刚才的操作没有完成，已有的数据没有被改动。{_ADVICE}")
    if database:
        return DiskFullError(f"磁盘空间不足：数据库{_disk_text(path)}。本次修改没有保存，数据库保持原样。{_ADVICE}")
    return DiskFullError(f"磁盘空间不足：无法保存“{Path(path).name}”，{_disk_text(path)}。文件没有保存。{_ADVICE}")


def is_disk_full(exc: BaseException) -> bool:
    """An OSError saying the disk (or the user's quota on it) is full."""
    return isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS


def _low_on_space(path: str | Path | None) -> bool:
    for p in ([path] if path is not None else []) + [tempfile.gettempdir()]:
        free = disk_of(p)[1]
        if free is not None and free < LOW_SPACE:
            return True
    return False


def storage_error(exc: BaseException, path: str | Path | None = None, *,
                  database: bool = True) -> UserError | None:
    """The UserError to show for `exc` when a full or failing disk caused it, or a file the clerk
    named could not be used (errors.file_error), else None.

    `path` is the database file (or, with database=False, the file being saved); an OSError's
    own file name wins over it.
    """
    if isinstance(exc, UserError):
        return None
    if is_disk_full(exc):
        return disk_full_error(exc.filename or path, database=database and not exc.filename)
    if not isinstance(exc, sqlite3.Error):
        return file_error(exc)  # a file the clerk named: no such folder, a folder, open in Excel …
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if primary == _SQLITE_FULL or "database or disk is full" in text:
        return disk_full_error(path)
    if primary == _SQLITE_IOERR or "disk I/O error" in text:
        if _low_on_space(path):
            return disk_full_error(path)
        where = f"（{disk_of(path)[0]}）" if path is not None else ""
        return DiskIOError(f"读写数据库文件时磁盘出错{where}：可能是U盘或移动硬盘被拔出，或磁盘有故障。"
                           f"本次修改没有保存。请检查磁盘后重新打开数据库再试。")
    return None


def fsync_path(path: Path) -> None:
    """Flush a file we made (never a live database) or a folder to disk, so that a rename into
    place survives a power cut. Folders cannot be opened for it on Windows: nothing is done there."""
    if path.is_dir() and sys.platform == "win32":
        return
    fd = os.open(path, os.O_RDWR if path.is_file() else os.O_RDONLY)  # Windows syncs writable handles only
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
