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
