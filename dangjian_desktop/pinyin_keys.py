"""Pinyin sort keys of a few names kept between runs, so that a start need not load pypinyin.

A county's or a prefecture's organisation tree orders its towns by the pinyin of their names
(registry.tree); those few hundred names are all that needs pinyin when the window opens, and
loading pypinyin's dictionaries for them costs 0.25-0.4 s of the start. `sort_keys` answers from
a small file in the user's data folder (cache/pinyin-keys.json) and converts only the names it
does not hold, saving them. The file is a cache: it names the pypinyin version and the surname
rules it was made with and is ignored when either differs, when it cannot be read, or when it
is damaged; the keys are always exactly pinyin.sort_key's.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable

from . import pinyin
from .filesave import write_cache_json
from .paths import user_data_dir

MAX_NAMES = 5000  # the file holds at most this many names (the most recently asked for)


@lru_cache(maxsize=1)
def _stamp() -> str:
    """What the keys depend on: pypinyin's version and this program's surname and rare-character readings."""
    try:
        version = metadata.version("pypinyin")
    except metadata.PackageNotFoundError:
        version = "?"
    rules = hashlib.sha256(json.dumps([sorted(pinyin._SURNAMES.items()), sorted(pinyin._RARE.items())],
                                      ensure_ascii=False).encode()).hexdigest()
    return f"{version}:{rules[:16]}"


def cache_path() -> Path:
    return user_data_dir() / "cache" / "pinyin-keys.json"


def _load(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    keys = data.get("keys") if isinstance(data, dict) and data.get("stamp") == _stamp() else None
    if not isinstance(keys, dict):
        return {}
    return {k: v for k, v in keys.items() if isinstance(k, str) and isinstance(v, str)}


def _save(path: Path, keys: dict[str, str]) -> None:
    """Write the file whole (never half-written); a folder that cannot be written (read-only
    media, no rights) only means the next start converts again."""
    write_cache_json(path, {"stamp": _stamp(), "keys": keys})


def sort_keys(names: Iterable[str]) -> dict[str, str]:
    """name -> pinyin.sort_key(name) for each name, pypinyin loaded only for names not kept yet."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return {}
    path = cache_path()
    kept = _load(path)
    missing = [n for n in wanted if n not in kept]
    if missing:
        kept.update({n: pinyin.sort_key(n) for n in missing})
        if len(kept) > MAX_NAMES:  # the newest last: keep the latest asked for
            kept = dict(list(kept.items())[-MAX_NAMES:])
        _save(path, kept)
    return {n: kept[n] for n in wanted}
