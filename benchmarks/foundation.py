"""Foundation benchmark: county-scale demo generation, cold start to the main window, peak memory.

Run: .venv/bin/python benchmarks/foundation.py [--towns 25]
Prints figures and compares each against a baseline measured in the same run:
- demo generation — every town with a full year: members, meetings, attendance, points, ledgers,
  rounds; goal < 60 s for 25 towns — vs. a bare executemany of the same number of member rows (no
  triggers, no log);
- cold start with the county database vs. a bare QApplication + empty QMainWindow.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

START_APP = r"""
import sys, time
t0 = time.perf_counter()
from dangjian_desktop.gui.app import create_app
from dangjian_desktop.gui.main_window import MainWindow
app = create_app()
w = MainWindow(sys.argv[1] if len(sys.argv) > 1 else None)
w.show()
app.processEvents()
t1 = time.perf_counter()
import resource
print(f"{t1 - t0:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
w.close()
"""

START_BARE = r"""
import time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1280, 800); w.show(); app.processEvents()
print(f"{time.perf_counter() - t0:.3f} 0", flush=True)
"""


def compiled() -> None:
    """Every module's bytecode written, as the installed program ships it (the Windows build holds
    compiled modules only): a start timed with PYTHONDONTWRITEBYTECODE set would compile the
    changed modules again on every run and time the compiler."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([PY, "-m", "compileall", "-q", "dangjian_desktop"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def timed_process(code: str, *args: str) -> tuple[float, float, int]:
    """(wall seconds from the process's launch until its window is shown, including the
    interpreter's start; in-script seconds; peak RSS KiB), with the bytecode compiled beforehand
    (`compiled`). The clock stops when the script prints its line after the window is painted:
    closing the window and the interpreter's exit are not part of a start."""
    compiled()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONUNBUFFERED="1")
    t0 = time.perf_counter()
    with subprocess.Popen([PY, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True, env=env, cwd=ROOT) as proc:
        line = proc.stdout.readline()
        shown = time.perf_counter() - t0
        proc.stdout.read()
    if proc.returncode:
        raise RuntimeError(f"the start script failed ({proc.returncode})")
    out = line.split()
    return shown, float(out[0]), int(out[1])


def main() -> None:
    import private_folders  # benchmarks/private_folders.py, beside this script
    private_folders.isolate()  # never the user's data or settings folder
    ap = argparse.ArgumentParser()
    ap.add_argument("--towns", type=int, default=25)
    ap.add_argument("--keep", help="keep the generated database at this path")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from dangjian_desktop.db import Database
    from dangjian_desktop.demo import generate
    from dangjian_desktop.registry import compute_warnings, init_office

    tmp = Path(tempfile.mkdtemp())
    path = Path(args.keep) if args.keep else tmp / "county.sqlite"
    db = Database.create(path)
    init_office(db, name="示范县", level="county")
    t0 = time.perf_counter()
    counts = generate(db, towns=args.towns, seed=1)
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    ws = compute_warnings(db)
    warn_t = time.perf_counter() - t0
    t0 = time.perf_counter()
    problems = db.verify()
    verify_t = time.perf_counter() - t0
    rows = db.query("SELECT * FROM member")
    db.close()

    # Baseline: the same member rows written with a bare executemany (no triggers, no log).
    base = sqlite3.connect(tmp / "bare.sqlite")
    cols = rows[0].keys()
    base.execute(f"CREATE TABLE member ({', '.join(cols)})")
    t0 = time.perf_counter()
    with base:
        base.executemany(f"INSERT INTO member VALUES ({', '.join('?' * len(cols))})", [tuple(r) for r in rows])
    bare = time.perf_counter() - t0
    base.close()

    wall_bare, in_bare, _ = timed_process(START_BARE)
    wall_app, in_app, rss = timed_process(START_APP, str(path))

    print(f"county demo: {counts['offices']} offices, {counts['branches']} branches, {counts['members']} members")
    print(f"demo generation          {gen:7.2f} s   (bare executemany of the member rows alone: {bare:.2f} s)   "
          f"goal < 60 s with every town's full year (members, meetings, points, ledgers, rounds)")
    print(f"warnings ({len(ws)})          {warn_t * 1000:7.0f} ms")
    print(f"verify (log vs. data)    {verify_t * 1000:7.0f} ms   problems: {len(problems)}")
    print(f"cold start to window     {wall_app:7.2f} s   (bare Qt window: {wall_bare:.2f} s; "
          f"app's own part {in_app:.2f} s vs {in_bare:.2f} s)   goal < 2 s")
    print(f"peak memory (GUI start)  {rss / 1024:7.0f} MiB")
    print(f"peak memory (this run)   {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.0f} MiB")
    print(f"database size            {path.stat().st_size / 1e6:7.1f} MB")


if __name__ == "__main__":
    main()
