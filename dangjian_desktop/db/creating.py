"""A new database file appears at its path whole, or not at all (no Qt).

Making one takes many committed steps: every migration of the schema, the creation record, then
the office (`init`, 新建数据库) or a town's recovered data (exchange recover). Built at its own
path, a program killed or a power cut half-way left a file there that was neither empty nor an
office's database: `init` and `recover` refused to overwrite it, and opening it asked for the
"upgrade" of an older version. So it is built under a hidden name beside it
(`.<name>.creating`, with SQLite's side files) and renamed to its path only when it is complete.

The writer lock of the final path is held from before the hidden file is made until the database
is closed, so a hidden file found while holding it was left by a creation cut short: it is
deleted before a new one is built (`discard`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from ..errors import UserError
from .storage import fsync_path

log = logging.getLogger(__name__)

_SIDE = ("-wal", "-shm", "-journal")


def staged_path(path: Path) -> Path:
    """Where the database for `path` is built."""
    return path.with_name(f".{path.name}.creating")


def discard(staged: Path) -> None:
    """Delete a database being built (or left half-built by a crash) with its side files."""
    for suffix in ("", *_SIDE):
        try:
            Path(str(staged) + suffix).unlink(missing_ok=True)
        except OSError as e:  # Windows: still open somewhere; the next creation tries again
            log.warning("could not remove %s: %s", str(staged) + suffix, e)


def publish(conn: sqlite3.Connection, staged: Path, path: Path, is_empty) -> None:
    """Close `conn` (the staged database's only connection), everything in its main file, and
    rename the file to `path`. `path` may be there only as an empty file (`is_empty`), which holds
    nothing to keep."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # synced: synchronous = FULL
    conn.close()
    wal = Path(f"{staged}-wal")
    if wal.exists() and wal.stat().st_size > 0:  # never a file without its last changes
        raise RuntimeError(f"{wal} still holds changes after the checkpoint")
    if path.exists() and not is_empty(path):
        raise UserError(f"文件已存在，不会覆盖：{path}")
    for suffix in _SIDE:
        Path(str(staged) + suffix).unlink(missing_ok=True)
    os.replace(staged, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut; a file system that cannot sync a folder still
    has the rename in place."""
    try:
        fsync_path(folder)
    except OSError:
        log.warning("could not sync folder %s", folder)
