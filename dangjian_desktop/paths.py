"""Where the app finds its resources (checkout, wheel, frozen bundle) and keeps user data."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

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
    try:
        if path.stat().st_size > LOG_LIMIT:
            os.replace(path, path.with_name(name + ".1"))
    except FileNotFoundError:
        pass
    return path


def viewing_folder() -> Path:
    """Where a file kept in the database (a photo, a scan of the evidence) is put for the system's
    viewer to open: a folder of the user's own data folder, readable by the user alone, not the
    shared temporary folder. Copies older than a day are removed each time (one still open in a
    viewer stays until the next time)."""
    import time

    folder = user_data_dir() / "cache" / "opened"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(folder, 0o700)
    except OSError:
        pass
    old = time.time() - 24 * 3600
    for p in folder.iterdir():
        try:
            if p.is_file() and p.stat().st_mtime < old:
                p.unlink()
        except OSError:  # open in a viewer (Windows): next time
            pass
    return folder


def safe_file_name(name: str, default: str = "文件") -> str:
    """A file name without any folder part or character Windows refuses: a name that came in an
    exchange package (`..\\x` or `C:x`) cannot put a file anywhere else."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join("_" if c in '<>:"|?*' or ord(c) < 32 else c for c in base).strip(" .")
    return base[:120] or default

