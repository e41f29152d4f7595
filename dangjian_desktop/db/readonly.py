"""A database on read-only media (a CD, a write-protected USB stick, a folder without write
permission) opens read-only with a notice instead of failing.

Writing needs the lock file and SQLite's -wal/-shm beside the database. Where they cannot be
made, the database is opened read-only; a WAL database with no -shm file there is opened as
immutable (SQLite cannot set up its shared memory otherwise), which is safe because nothing
can change the file on such media.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..errors import UserError

_REFUSED = {errno.EROFS, errno.EACCES, errno.EPERM}


def unwritable_reason(path: Path) -> str | None:
    """Why this process cannot write the database at `path` (or make it there), or None when it can."""
    folder = path.resolve().parent
    if path.exists() and not os.access(path, os.W_OK):
        return "数据库文件是只读的（可能在光盘或写保护的U盘上，或没有修改权限）"
    if not os.access(folder, os.W_OK):
        return "数据库所在的文件夹不能写入（可能是光盘或写保护的U盘，或没有写入权限）"
    return None


def lock_refused_reason(exc: OSError) -> str | None:
    """Why the lock file beside the database could not be made, when that means read-only media."""
    if exc.errno == errno.EROFS:
        return "数据库所在的磁盘是只读的（光盘或写保护的U盘）"
    if exc.errno in _REFUSED or isinstance(exc, PermissionError):
        return "不能在数据库所在的文件夹中建立锁文件（可能是写保护的U盘，或没有写入权限）"
    return None


def readonly_uri(path: Path, *, location_writable: bool = True, shm_trusted: bool = True) -> str:
    """The SQLite URI that opens `path` for reading.

    Where the folder can be written (or -shm is there already), `mode=ro`: SQLite keeps
    reading a WAL database other processes write. On read-only media without -shm,
    `immutable=1`; a -wal file with changes not yet merged into the database would be
    ignored that way, so that case is refused with advice instead. `shm_trusted=False`: a -shm
    file there is not used either (one this process cannot write, left by an earlier reader of a
    read-only file, makes SQLite wait for ever).
    """
    uri = path.resolve().as_uri()
    if location_writable:
        return f"{uri}?mode=ro"
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if shm.exists() and shm_trusted:
        return f"{uri}?mode=ro"
    if wal.exists() and wal.stat().st_size > 0:
        raise UserError(f"数据库位于只读位置，且旁边有尚未合并的日志文件 {wal.name}，无法只读打开。"
                        f"请把 {path.name} 连同同名的 -wal 文件一起复制到本机硬盘后再打开。")
    return f"{uri}?mode=ro&immutable=1"


def readonly_notice(reason: str) -> str:
    """The one line the CLI prints on stderr and the GUI shows in its status bar."""
    return f"{reason}，已以只读方式打开：可以查看、打印和导出，不能修改。"
