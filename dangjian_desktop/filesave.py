"""Saving exports and PDFs: all or nothing, and a full disk told as 磁盘空间不足.

The file is written under a temporary name beside the target and put in place in one step,
so a failure (a full disk half-way, a crash) never leaves half a file under the target's name
and never damages the file it was to replace.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

from .db.storage import disk_full_error, is_disk_full
from .paths import remove_old_files

_serial = itertools.count(1)


def save_file(target: str | Path, write: Callable[[BinaryIO], object]) -> Path:
    """Save what `write(stream)` produces (e.g. `workbook.save`) as `target`, all or nothing.

    The content is made in memory first: a writer failing half-way (openpyxl leaves its zip
    archive open then) never holds a half-written file on disk.
    """
    buf = io.BytesIO()
    write(buf)
    return write_bytes(target, buf.getvalue())


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Write `data` to a temporary file beside `target`, then put it in place in one step.

    Raises DiskFullError (a UserError) when the disk is full; any other OSError is raised as it
    is, for the caller's own message (a file open in Excel, a folder that cannot be written).
    """
    target = Path(target)
    _sweep_leftovers(target)
    tmp = target.with_name(f".~{target.name}.{os.getpid()}-{next(_serial)}.part")
    try:
        with tmp.open("wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException as e:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        if is_disk_full(e):
            raise disk_full_error(target, database=False) from None
        if isinstance(e, OSError):  # told of the file the clerk chose, not of its temporary name
            e.filename, e.filename2 = str(target), None
        raise
    return target


#: A temporary file of an earlier save of the same target older than this was left by a crash.
LEFTOVER_AGE_S = 3600


def _sweep_leftovers(target: Path) -> None:
    """Remove what an earlier save of `target` left beside it when the program was ended before
    putting it in place (power cut, Task Manager): a whole hidden copy of the roster or the dues
    register, on the clerk's USB stick as often as not. Only the temporary files of this target,
    and only those older than an hour (never one another program is writing now)."""
    prefix = f".~{target.name}."
    remove_old_files(target.parent, lambda name: name.startswith(prefix) and name.endswith(".part"),
                     dt.timedelta(seconds=LEFTOVER_AGE_S))


def write_cache_json(target: Path, data: object) -> bool:
    """Write a cache file of the user's (readable by them only) whole through a temporary one, never
    half-written. A folder that cannot be written (read-only media, no rights, a full disk) only
    means the cache is not kept: False."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", dir=target.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
