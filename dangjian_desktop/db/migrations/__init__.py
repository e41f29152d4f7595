"""Forward-only schema migrations, one module per version: `vNNNN_name.py` with `up(conn)`.

`PRAGMA user_version` holds the schema version. Each module defines VERSION (int) and
`up(conn)`, which runs inside the migration's transaction. Never edit a released step:
add a new one.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    up: Callable


def all_migrations() -> list[Migration]:
    steps = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("v"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        steps.append(Migration(int(mod.VERSION), info.name, mod.up))
    steps.sort(key=lambda m: m.version)
    versions = [m.version for m in steps]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    return steps


def latest_version() -> int:
    steps = all_migrations()
    return steps[-1].version if steps else 0
