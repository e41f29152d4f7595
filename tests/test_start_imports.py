"""The window starts without importing the libraries only exports and prints need: openpyxl
(about 0.17 s), reportlab (about 0.25 s) and pypinyin (about 0.2 s) are imported on first use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.gui

START = """
import sys
from dangjian_desktop.gui.app import create_app
from dangjian_desktop.gui.main_window import MainWindow
app = create_app()
w = MainWindow(None)
w.show()
app.processEvents()
print(" ".join(m for m in ("openpyxl", "reportlab", "pypinyin") if m in sys.modules) or "-")
w.close()
"""


def test_the_window_starts_without_the_export_and_print_libraries(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DANGJIAN_DATA_DIR=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", START], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out[-1] == "-", f"imported at start: {out[-1]}"
