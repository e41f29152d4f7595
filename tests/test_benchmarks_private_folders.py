"""Benchmarks run the program's own code, which writes office keys, a backup before every import
and the window's settings into the user's folders; a developer's runs must leave them alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = sorted(p for p in (ROOT / "benchmarks").glob("*.py") if "def main(" in p.read_text(encoding="utf-8"))


def test_every_benchmark_keeps_to_its_own_folders():
    assert len(BENCHMARKS) >= 15
    loose = [p.name for p in BENCHMARKS
             if "private_folders.isolate()" not in (text := p.read_text(encoding="utf-8"))
             and "DANGJIAN_DATA_DIR" not in text]
    assert loose == []


def test_isolate_points_both_folders_into_a_folder_removed_at_exit(tmp_path):
    probe = (
        "import os, sys; sys.path.insert(0, sys.argv[1]); import private_folders; "
        "f = private_folders.isolate(); "
        "from dangjian_desktop.paths import user_data_dir; "
        "print(f, user_data_dir(), os.environ['XDG_CONFIG_HOME'], sep='\\n')")
    env = {k: v for k, v in os.environ.items() if k not in ("DANGJIAN_DATA_DIR", "XDG_CONFIG_HOME")}
    out = subprocess.run([sys.executable, "-c", probe, str(ROOT / "benchmarks")], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    folder, data, config = map(Path, out[:3])
    assert data == folder / "data" and config == folder / "config"
    assert not folder.exists()  # removed when the run ended

    env["DANGJIAN_DATA_DIR"] = str(tmp_path / "kept")  # a caller's data folder (a kept prefecture's key)
    out = subprocess.run([sys.executable, "-c", probe, str(ROOT / "benchmarks")], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    assert Path(out[1]) == tmp_path / "kept"
