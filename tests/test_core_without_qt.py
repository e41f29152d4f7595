"""The core never imports Qt: every module outside gui/ imports with PySide6 blocked."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r"""
import importlib, pkgutil, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6.") or name.startswith("shiboken6"):
            raise ImportError("Qt is blocked in this test: " + name)
        return None

sys.meta_path.insert(0, Block())
import dangjian_desktop
count = 0
for info in pkgutil.walk_packages(dangjian_desktop.__path__, "dangjian_desktop."):
    if info.name.startswith("dangjian_desktop.gui") or info.name == "dangjian_desktop.selftest":
        continue
    importlib.import_module(info.name)
    count += 1
assert not any(m.startswith("PySide6") for m in sys.modules), "Qt was imported"
print(count)
"""


def test_core_imports_with_qt_blocked():
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.strip()) >= 15
