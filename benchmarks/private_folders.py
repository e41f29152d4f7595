"""A benchmark's own folders: the program it measures keeps office keys, backups (one before every
import) and window settings in the user's folders, and a benchmark must leave those untouched.

Every benchmark calls isolate() before anything else: the data folder (DANGJIAN_DATA_DIR) and the
settings folder (XDG_CONFIG_HOME, where Qt keeps the window's settings on Linux) then point into a
folder of this run, which is removed when the run ends. A data folder the caller set is kept (the
office key of a kept prefecture, a county's folder); processes a benchmark starts inherit both.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def isolate() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="dangjian-bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ.setdefault("DANGJIAN_DATA_DIR", str(folder / "data"))
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    return folder
