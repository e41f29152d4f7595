"""Forward-only schema migrations, one module per version: `vNNNN_name.py` with `up(conn)`.

`PRAGMA user_version` holds the schema version. Each module defines VERSION (int) and
`up(conn)`, which runs inside the migration's transaction. A step that takes long on a large
file may accept `progress` too (`up(conn, progress=None)`: done, total as it goes); the
database passes it when it has a progress bar to move. Never edit a released step: add a new one.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    up: Callable

    def run(self, conn, progress: Callable[[int, int], None] | None = None) -> None:
        """The step, telling `progress(done, total)` how far it is if it can."""
        if progress is not None and "progress" in inspect.signature(self.up).parameters:
            self.up(conn, progress=progress)
        else:
            self.up(conn)


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
