"""Where the app finds its resources (checkout, wheel, frozen bundle) and keeps user data."""

from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import Callable

import platformdirs

from . import APP_NAME

_PKG = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def app_root() -> Path:
    """The folder holding `resources/` and `ui/`.

    Frozen (PyInstaller): the bundle's data folder. Source checkout: the repository top.
    Wheel install: `dangjian_desktop/_data` (copied there by the build).
    """
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen:
        candidates.append(Path(frozen))
    candidates += [_PKG.parent, _PKG / "_data"]
    for c in candidates:
        if (c / "resources").is_dir():
            return c
    raise FileNotFoundError("resources folder not found near " + str(_PKG))


def resource(*parts: str) -> Path:
    """Path of a file under resources/."""
    return app_root().joinpath("resources", *parts)


def ui_file(name: str) -> Path:
    """Path of a Qt Designer form under ui/."""
    return app_root() / "ui" / name


def user_data_dir() -> Path:
    """The per-user data folder (never the install folder). DANGJIAN_DATA_DIR overrides it (tests)."""
    override = os.environ.get("DANGJIAN_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def default_db_path() -> Path:
    return user_data_dir() / "dangjian.sqlite"


#: A log file longer than this is moved aside (name.1, replacing the one before) when next written:
#: the error logs keep at most twice this each, however long the program is used.
LOG_LIMIT = 1 << 20


def log_file(name: str) -> Path:
    """logs/`name` in the user data folder, made if need be, to be appended to; moved aside to
    `name`.1 first when it is longer than LOG_LIMIT. OSError when the folder cannot be written."""
    folder = user_data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with suppress(FileNotFoundError):
        if path.stat().st_size > LOG_LIMIT:
            os.replace(path, path.with_name(name + ".1"))
    return path


def remove_old_files(folder: Path, wanted: Callable[[str], bool], age: dt.timedelta, *,
                     now: dt.datetime | None = None, failed: list | None = None) -> list[Path]:
    """Delete the files of `folder` whose name `wanted` accepts and that nobody wrote to for `age`
    (what a save, a backup or a restore cut short left, a copy opened for viewing); returns them.
    One that cannot be deleted (held open by another program on Windows) stays for the next time,
    told in `failed` as (path, error). A folder that cannot be listed: nothing."""
    cutoff = (now or dt.datetime.now()) - age
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for p in entries:
        if not wanted(p.name):
            continue
        try:
            if not p.is_file() or dt.datetime.fromtimestamp(p.stat().st_mtime) > cutoff:
                continue
            p.unlink()
        except OSError as e:
            if failed is not None:
                failed.append((p, e))
            continue
        removed.append(p)
    return removed


def viewing_folder() -> Path:
    """Where a file kept in the database (a photo, a scan of the evidence) is put for the system's
    viewer to open: a folder of the user's own data folder, readable by the user alone, not the
    shared temporary folder. Copies older than a day are removed each time (one still open in a
    viewer stays until the next time)."""
    folder = user_data_dir() / "cache" / "opened"
    folder.mkdir(parents=True, exist_ok=True)
    with suppress(OSError):  # (Windows: the folder is the user's already)
        os.chmod(folder, 0o700)
    remove_old_files(folder, lambda _name: True, dt.timedelta(days=1))
    return folder


def safe_file_name(name: str, default: str = "文件") -> str:
    """A file name without any folder part or character Windows refuses: a name that came in an
    exchange package (`..\\x` or `C:x`) cannot put a file anywhere else."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join("_" if c in '<>:"|?*' or ord(c) < 32 else c for c in base).strip(" .")
    return base[:120] or default

