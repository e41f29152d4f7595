"""Scheme benchmark: 试算 for a county's worth of branches, and the Excel round trip.

Run: .venv/bin/python benchmarks/schemes.py [--branches 3000]

Figures, each against a baseline measured in the same run:
- evaluate() and evaluate_many() (scheme checked once): per branch under every built-in, against summing the same score sheets with
  Decimal (the arithmetic alone); goal: a county (3,000 branches) in under 2 s per scheme;
- export_xlsx / import_xlsx of 规范化 (28 items), against openpyxl writing / reading the
  same cells with no styling and no checks; goal: under 0.5 s each.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook, load_workbook  # noqa: E402

from dangjian_desktop.schemes import (builtin_ids, evaluate, evaluate_many, export_xlsx, import_xlsx,  # noqa: E402
                                      load_scheme)
from dangjian_desktop.schemes import model as m  # noqa: E402


def sheets_for(scheme: m.Scheme, n: int, rnd: random.Random) -> list[dict]:
    units = [(i or s) for s, i in scheme.scored_units()]
    return [{u.code: rnd.randint(0, int((u.max if u.max is not None else 120) * 2)) / 2 for u in units}
            for _ in range(n)]


def main() -> int:
    import private_folders  # benchmarks/private_folders.py, beside this script
    private_folders.isolate()  # never the user's data or settings folder
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=3000)
    args = ap.parse_args()
    rnd = random.Random(7)
    ok = True
    print(f"evaluate(): {args.branches} branches per scheme")
    for sid in builtin_ids():
        s = load_scheme(sid)
        if s.rating.kind == m.CLASSIFICATION:
            continue
        sheets = sheets_for(s, args.branches, rnd)
        t0 = time.perf_counter()
        for sh in sheets:
            sum((Decimal(str(v)) for v in sh.values()), Decimal(0))
        base = time.perf_counter() - t0
        t0 = time.perf_counter()
        for sh in sheets:
            evaluate(s, sh)
        took = time.perf_counter() - t0
        t0 = time.perf_counter()
        evaluate_many(s, [(sh, ()) for sh in sheets])
        many = time.perf_counter() - t0
        ok &= took < 2
        print(f"  {sid:<16} {took:6.3f} s  ({took / args.branches * 1e3:.3f} ms/branch; "
              f"evaluate_many {many:.3f} s; bare Decimal sum {base:.3f} s, x{took / base:.1f})")

    s = load_scheme("guifanhua")
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "g.xlsx"
        t0 = time.perf_counter()
        export_xlsx(s, p)
        t_export = time.perf_counter() - t0
        t0 = time.perf_counter()
        back = import_xlsx(p)
        t_import = time.perf_counter() - t0
        assert back == s
        rows = [[c.value for c in r] for ws in load_workbook(p) for r in ws.iter_rows()]
        t0 = time.perf_counter()
        wb = Workbook()
        ws = wb.active
        for r in rows:
            ws.append(r)
        wb.save(Path(d) / "plain.xlsx")
        base_w = time.perf_counter() - t0
        t0 = time.perf_counter()
        wb = load_workbook(Path(d) / "plain.xlsx", read_only=True)
        for ws in wb.worksheets:
            for _r in ws.iter_rows(values_only=True):
                pass
        wb.close()
        base_r = time.perf_counter() - t0
    ok &= t_export < 0.5 and t_import < 0.5
    print(f"export_xlsx(guifanhua) {t_export:.3f} s (plain openpyxl write of the same cells {base_w:.3f} s)")
    print(f"import_xlsx(guifanhua) {t_import:.3f} s (plain openpyxl read {base_r:.3f} s)")
    print("OK" if ok else "SLOWER THAN THE GOAL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
