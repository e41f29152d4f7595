"""Exchange benchmark: the county demo's 25 towns, each holding a full year (members, meetings,
points, rounds), send their packages to a new county.

Run: .venv/bin/python benchmarks/exchange.py [--towns 25] [--cache DIR] [--jobs 2]

Measured:
- one town's package: built in < 5 s and at most a fifth of the town's database file;
- the county imports all the packages: < 60 s in total (one checked backup before the batch, as
  `dangjian exchange import F1 F2 …` does; the cost of one backup per package is printed too);
- re-importing all of them (nothing to change): < 10 s.
Compared with the time to simply read the package files (and to open them: verify the
signature, decrypt, decompress and parse), measured in the same run.

The 25 town databases are generated once with `dangjian init` + `dangjian demo --seed N` (town
names as in `dangjian demo --towns 25 --seed 1`) and kept in --cache (about 45 MB each); every
run copies them, makes a new county, invites, joins, exports and imports. Keys, backups and all
other files stay inside the cache and work folders.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median(values: list[float]) -> float:
    # Not statistics.median: benchmarks/statistics.py shadows the standard module here.
    v = sorted(values)
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2


def generate(cache: Path, towns: int, jobs: int) -> list[tuple[str, Path]]:
    from dangjian_desktop.demo import _town_names

    names = _town_names(random.Random(1), towns)  # the names `demo --towns N --seed 1` gives the county's towns
    wanted = [(name, cache / f"town{n:02d}.sqlite", n + 1) for n, name in enumerate(names)]
    todo = [w for w in wanted if not w[1].exists()]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    running: list[tuple[subprocess.Popen, Path]] = []
    t0 = time.perf_counter()
    while todo or running:
        while todo and len(running) < jobs:
            name, path, seed = todo.pop(0)
            part = path.with_name(path.stem + ".part.sqlite")
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(str(part) + suffix).unlink(missing_ok=True)
            cmd = (f'"{sys.executable}" -m dangjian_desktop.cli --db "{part}" init --name {name} --level town && '
                   f'"{sys.executable}" -m dangjian_desktop.cli --db "{part}" demo --seed {seed}')
            running.append((subprocess.Popen(cmd, shell=True, env=env, stdout=subprocess.DEVNULL), path))
        for proc, path in list(running):
            if proc.poll() is not None:
                running.remove((proc, path))
                if proc.returncode != 0:
                    raise SystemExit(f"generating {path.name} failed")
                os.replace(path.with_name(path.stem + ".part.sqlite"), path)
                print(f"  generated {path.name} ({time.perf_counter() - t0:.0f} s)", flush=True)
        time.sleep(0.2)
    return [(name, path) for name, path, _seed in wanted]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--towns", type=int, default=25)
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "dangjian-bench-exchange"))
    ap.add_argument("--jobs", type=int, default=2, help="towns generated at the same time (first run only)")
    args = ap.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["DANGJIAN_KEYS_DIR"] = str(cache / "keys")
    work = Path(tempfile.mkdtemp(prefix="dangjian-exchange-"))
    os.environ["DANGJIAN_DATA_DIR"] = str(work / "data")

    print(f"Town databases in {cache} (generated once):", flush=True)
    sources = generate(cache, args.towns, args.jobs)

    from dangjian_desktop.db import Database, seal
    from dangjian_desktop.db.backup import backup_before_import
    from dangjian_desktop.exchange import apply as apply_mod
    from dangjian_desktop.exchange import export_town, import_package, invite, join
    from dangjian_desktop.exchange.opening import open_package
    from dangjian_desktop.registry import init_office

    county_path = work / "county.sqlite"
    county = Database.create(county_path)
    init_office(county, name="演示县", level="county")
    t_join, t_export, ratios, packages, db_sizes = [], [], [], [], []
    for n, (name, src) in enumerate(sources):
        town_path = work / src.name
        shutil.copy(src, town_path)
        invite(county, name, work / f"inv{n}")
        with Database.open(town_path) as town:  # opening upgrades an older cached file first
            t = time.perf_counter()
            join(town, work / f"inv{n}")
            t_join.append(time.perf_counter() - t)
            pkg = work / f"p{n:02d}.djx"
            t = time.perf_counter()
            export_town(town, pkg)
            t_export.append(time.perf_counter() - t)
        size = town_path.stat().st_size
        db_sizes.append(size)
        ratios.append(pkg.stat().st_size / size)
        packages.append(pkg)
    t = time.perf_counter()
    blobs = [p.read_bytes() for p in packages]
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    for p in packages:
        open_package(county, p)
    t_open = time.perf_counter() - t
    t = time.perf_counter()
    backup_before_import(county, "package")
    t_backup_empty = time.perf_counter() - t
    # Where an import's time goes: writing the rows (SQLite, with their change-log entries), sealing
    # the unit of work (db/seal.py), and the rest (opening, planning, checking references, ledger).
    spent = {"write": 0.0, "seal": 0.0}

    def timed(module, name, bucket):
        inner = getattr(module, name)

        def run(*a, **kw):
            t0 = time.perf_counter()
            try:
                return inner(*a, **kw)
            finally:
                spent[bucket] += time.perf_counter() - t0
        setattr(module, name, run)

    for name in ("_write_inserts", "_write_updates", "_write_deletes"):
        timed(apply_mod, name, "write")
    timed(seal, "seal_transaction", "seal")
    per_package = []
    cpu = time.process_time()
    t = time.perf_counter()
    for p in packages:
        t1 = time.perf_counter()
        r = import_package(county, p, backup=False)
        assert r.status == "applied", (p, r.status, r.errors[:3])
        per_package.append(time.perf_counter() - t1)
    t_import = time.perf_counter() - t
    cpu_import = time.process_time() - cpu
    t = time.perf_counter()
    for p in packages:
        assert import_package(county, p, backup=False).status == "nothing"
    t_again = time.perf_counter() - t
    t = time.perf_counter()
    backup_before_import(county, "package")
    t_backup_full = time.perf_counter() - t
    members = county.scalar("SELECT count(*) FROM member")
    county.close()
    county_size = county_path.stat().st_size

    mb = 1024 * 1024
    n = len(packages)
    print()
    print(f"{n} towns, {members} members at the county after the imports; county database {county_size / mb:.0f} MB")
    if hasattr(os, "getloadavg"):  # not on Windows
        print(f"machine load (1 / 5 / 15 min) at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}, "
              f"{os.cpu_count()} cores")
    print(f"town database {median(db_sizes) / mb:.1f} MB (median); package "
          f"{median([len(b) for b in blobs]) / mb:.2f} MB (median)")
    print()
    print(f"{'measure':<52}{'result':>14}{'baseline / target':>32}")
    rows = [
        ("build one town's package (median / max)", f"{median(t_export):.2f} / {max(t_export):.2f} s",
         "target < 5 s"),
        ("package size / town database (max)", f"{max(ratios):.3f}", "target ≤ 0.2"),
        ("join with an invitation (median)", f"{median(t_join):.2f} s", ""),
        (f"read the {n} package files", f"{t_read:.2f} s", "baseline"),
        (f"open the {n} packages (verify, decrypt, parse)", f"{t_open:.2f} s", "baseline"),
        (f"import all {n} (one backup before the batch)", f"{t_backup_empty + t_import:.1f} s",
         f"{(t_backup_empty + t_import) / max(t_read, 1e-6):.0f}× reading; target < 60 s"),
        ("  CPU time of the imports (this process)", f"{cpu_import:.1f} s", "the rest is waiting: disk, load"),
        ("  of which one package (median / max)", f"{median(per_package):.2f} / {max(per_package):.2f} s", ""),
        ("  of which writing rows + change-log entries", f"{spent['write']:.1f} s", ""),
        ("  of which sealing the units of work", f"{spent['seal']:.1f} s", ""),
        ("  of which opening, planning, checks, ledger", f"{t_import - spent['write'] - spent['seal']:.1f} s", ""),
        (f"re-import all {n} (nothing to change)", f"{t_again:.2f} s",
         f"{t_again / max(t_read, 1e-6):.1f}× reading; target < 10 s"),
        ("one checked backup of the full county", f"{t_backup_full:.1f} s", "each single-file import adds one"),
    ]
    for label, value, base in rows:
        print(f"{label:<52}{value:>14}  {base:>32}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
