"""Storage benchmark: where the bytes of the demo town's database go, against the physical limit.

Run: .venv/bin/python benchmarks/storage.py [--seed 1] [--keep DIR] [--db PATH]

Builds the demo town exactly as the README's 试用 section does (`dangjian init --level town`,
then `dangjian demo --seed 1`, both as subprocesses with a throw-away data folder), or measures
an existing database with --db (a county, a prefecture). Prints
- the file's size against the goal (≤ 25 MB for the demo town, ≤ 600 MB for a county whose 25
  towns all hold a full year: `demo --towns 25`);
- every big table with its indexes: rows, bytes, bytes per row, and bytes per row of the same
  rows in the baseline;
- the baseline, built in the same run: a bare integer-keyed copy of the same rows (every table
  with `id INTEGER PRIMARY KEY`, every row id in any column replaced by a small integer, no
  other index, no change log): the physical limit of the data themselves;
- what-ifs on copies (never on the measured file): the same file after VACUUM (what page
  splits left empty), and every global id (the rows' gid, owners, ids of rows made before
  schema version 15) stored as its raw bytes (16 for the 36-character UUID text of older rows,
  10 for the 16-character ids of db/ids.py).

From schema version 15 a database numbers its own rows with short local ids and keeps each
travelling row's global id once, in `gid` (db/local_ids.py); that was measured here first as a
what-if, with rows keyed by integers (20.76 MB for the demo town, 500 MB for the county) and by
short local text ids (23.70 MB, 588 MB) beside the 16-character ids of version 14 (32.41 MB,
776 MB).

Sizes come from SQLite's `dbstat` virtual table (pages of each table and index).
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from dangjian_desktop.db.ids import ALPHABET

ROOT = Path(__file__).resolve().parent.parent
GOAL_MB = {"town": 25, "county": 600}  # the demo town; a county whose 25 towns all hold a full year


def level_of(conn: sqlite3.Connection) -> str:
    r = conn.execute("SELECT o.level FROM meta m JOIN office o ON o.id = m.value "
                     "WHERE m.key = 'local_office_id'").fetchone()
    return r[0] if r else "town"
BIG_ROWS = 1000  # tables with at least this many rows are listed one by one
# A row id: the 36-character UUID text of rows made before ids were shortened, or the 16
# base32hex characters of db/ids.py.
_ROW_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-v]{16})$")
_LOCAL_ID = re.compile(r"^[0-9a-v]{1,7}$")  # db/local_ids.py


def id_bytes(v: str) -> bytes:
    """An id's raw bits: 16 bytes of a UUID, 10 of a short id."""
    return uuid.UUID(v).bytes if len(v) == 36 else base64.b32hexdecode(v.upper())


# The history: the change log (stored as log_entry and log_table from schema version 14, a
# change_log table before) and the transactions.
_HISTORY = ("change_log", "log_entry", "log_table", "tx_log")


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def build_demo(folder: Path, seed: int) -> tuple[Path, float]:
    path = folder / "试用.sqlite"
    env = dict(os.environ, DANGJIAN_DATA_DIR=str(folder / "data"))
    cli = [sys.executable, "-m", "dangjian_desktop.cli", "--db", str(path)]
    t0 = time.perf_counter()
    for args in (["init", "--name", "文城镇", "--level", "town"], ["demo", "--seed", str(seed)]):
        subprocess.run(cli + args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return path, time.perf_counter() - t0


def file_size(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]


def objects(conn: sqlite3.Connection) -> dict[str, tuple[str, int, int]]:
    """name -> (table it belongs to, bytes in pages, unused bytes in them)."""
    owner = {name: tbl for name, tbl in conn.execute("SELECT name, tbl_name FROM sqlite_master")}
    return {name: (owner.get(name, name), size, unused) for name, size, unused in conn.execute(
        "SELECT name, sum(pgsize), sum(unused) FROM dbstat GROUP BY name")}


def tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name")]


def _numbered(src: sqlite3.Connection):
    """(tables copied, a function giving each row id its integer, tables keyed by row ids). Keys are
    numbered first, so that each table's rows get consecutive numbers like an INTEGER PRIMARY KEY
    (a table whose ids are not all row ids, such as settings keyed by name, keeps them as text).
    A row id is a global id (_ROW_ID) or, from schema version 15, a local one (_LOCAL_ID) of a
    keyed table; any text equal to a keyed row's id is taken as a reference to it."""
    numbers: dict[str, int] = {}

    def number(v):
        if isinstance(v, str) and (v in numbers or _ROW_ID.match(v)):
            n = numbers.get(v)
            if n is None:
                n = numbers[v] = len(numbers) + 1
            return n
        return v

    names = [t for t in tables(src) if t not in _HISTORY]
    keyed = set()
    for t in names:
        if "id" in _columns(src, t):
            ids = [v for (v,) in src.execute(f'SELECT id FROM "{t}" ORDER BY rowid')]
            if all(isinstance(v, str) and (_ROW_ID.match(v) or _LOCAL_ID.match(v)) for v in ids):
                keyed.add(t)
                for v in ids:
                    numbers.setdefault(v, len(numbers) + 1)
    return names, number, keyed


def bare_copy(src: sqlite3.Connection, path: Path) -> None:
    """The same rows with integer keys: every row id (ids, references, owners) becomes a small
    integer, numbered in the order the rows were written; no index but the integer key."""
    names, number, keyed = _numbered(src)
    dst = sqlite3.connect(path, isolation_level=None)
    dst.execute("PRAGMA journal_mode = OFF")
    dst.execute("BEGIN")
    for t in names:
        cols = [c for c in _columns(src, t) if c != "gid"]  # identity, not data: the integer key is the row's
        decl = ", ".join(f'"{c}" INTEGER PRIMARY KEY' if c == "id" and t in keyed else f'"{c}"' for c in cols)
        dst.execute(f'CREATE TABLE "{t}" ({decl})')
        marks = ", ".join("?" for _ in cols)
        order = "ORDER BY rowid" if src.execute(
            "SELECT sql NOT LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0] else ""
        names_sql = ", ".join(f'"{c}"' for c in cols)
        dst.executemany(f'INSERT INTO "{t}" VALUES ({marks})',
                        ([number(v) for v in row] for row in src.execute(f'SELECT {names_sql} FROM "{t}" {order}')))
    dst.execute("COMMIT")
    dst.close()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def what_if_vacuum(source: Path, folder: Path) -> int:
    path = folder / "vacuumed.sqlite"
    # Through a read-write connection (it writes nothing to the source): from a read-only one,
    # SQLite 3.40 copies the pages nearly as they are instead of packing them.
    src = sqlite3.connect(source)
    try:
        src.execute("VACUUM INTO ?", (str(path),))
    finally:
        src.close()
    with sqlite3.connect(path) as c:
        size = file_size(c)
    return size


def what_if_raw_ids(folder: Path) -> int:
    """Every id-valued text (ids, references, owners, the change log's row ids) as its raw bytes,
    with the same tables and indexes: what a blob storage of identity would give."""
    path = folder / "vacuumed.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.create_function("raw_id", 1, lambda v: id_bytes(v) if isinstance(v, str) and _ROW_ID.match(v) else v,
                         deterministic=True)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("BEGIN")
    for t in tables(conn):
        text = [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")') if (r[2] or "").upper() == "TEXT"]
        if text:
            conn.execute(f'UPDATE "{t}" SET ' + ", ".join(f'"{c}" = raw_id("{c}")' for c in text))
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    size = file_size(conn)
    conn.close()
    return size


def report(path: Path, folder: Path) -> None:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    total = file_size(conn)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    objs = objects(conn)
    rows = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables(conn)}
    t0 = time.perf_counter()
    bare_path = folder / "bare.sqlite"
    bare_copy(conn, bare_path)
    bare = sqlite3.connect(bare_path)
    bare_total = file_size(bare)
    bare_objs = objects(bare)
    bare_s = time.perf_counter() - t0
    bare.close()

    by_table: dict[str, list[int]] = {}
    for name, (tbl, size, _unused) in objs.items():
        agg = by_table.setdefault(tbl, [0, 0])
        agg[0 if name == tbl else 1] += size
    unused = sum(u for _t, _s, u in objs.values())
    data_rows = sum(n for t, n in rows.items() if t not in _HISTORY)

    print(f"database: {path.name}, schema version {version}")
    goal = GOAL_MB.get(level_of(conn), GOAL_MB["town"])
    print(f"file size: {mb(total)}  (goal for a {level_of(conn)} ≤ {goal} MB: {'met' if total <= goal * 1e6 else 'NOT met'})")
    print(f"baseline, bare integer-keyed copy of the same {data_rows:,} rows (no change log, no index): "
          f"{mb(bare_total)}  -> file is {total / bare_total:.1f} x the baseline  (copy made in {bare_s:.1f} s)")
    print(f"bytes per data row: {total / max(data_rows, 1):.0f} (whole file)  vs {bare_total / max(data_rows, 1):.0f} "
          f"(baseline)")
    print()
    print(f"{'table':24s} {'rows':>8s} {'table':>9s} {'indexes':>9s} {'B/row':>6s} {'bare B/row':>10s} {'x':>5s}")
    listed = sorted((t for t in rows if rows[t] >= BIG_ROWS or t in _HISTORY),
                    key=lambda t: -sum(by_table.get(t, [0, 0])))
    shown = 0
    for t in listed:
        tab, idx = by_table.get(t, [0, 0])
        n = rows[t]
        per = (tab + idx) / max(n, 1)
        shown += tab + idx
        if t in _HISTORY:
            print(f"{t:24s} {n:8,d} {mb(tab):>9s} {mb(idx):>9s} {per:6.0f} {'—':>10s} {'':>5s}")
            continue
        bare_per = bare_objs.get(t, ("", 0, 0))[1] / max(n, 1)
        print(f"{t:24s} {n:8,d} {mb(tab):>9s} {mb(idx):>9s} {per:6.0f} {bare_per:10.0f} {per / max(bare_per, 1):5.1f}")
    others = sum(a + b for t, (a, b) in by_table.items() if t not in listed)
    print(f"{'all other tables':24s} {'':8s} {mb(others):>19s}")
    print(f"(unused bytes inside pages: {mb(unused)}, {unused / total:.0%} of the file)")
    print()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        vac = what_if_vacuum(path, Path(tmp))
        print(f"what if VACUUMed: {mb(vac)} ({(vac - total) / total:+.0%})")
        blob = what_if_raw_ids(Path(tmp))
        print(f"what if every id were stored as raw bytes (same tables, indexes and change log), VACUUMed: {mb(blob)} "
              f"({(blob - total) / total:+.0%})  [{time.perf_counter() - t0:.1f} s]")
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="build the demo town in this folder and keep it")
    ap.add_argument("--db", type=Path, help="measure this existing database instead of building the demo town")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.db:
            path = args.db
        else:
            where = args.keep or folder
            where.mkdir(parents=True, exist_ok=True)
            if (where / "试用.sqlite").exists():
                sys.exit(f"{where / '试用.sqlite'} exists already")
            path, took = build_demo(where, args.seed)
            print(f"demo town built with init + demo --seed {args.seed} in {took:.1f} s")
        report(path, folder)
        if args.keep is None and not args.db:
            shutil.rmtree(folder / "data", ignore_errors=True)


if __name__ == "__main__":
    main()
