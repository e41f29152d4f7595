"""Export benchmark: the 花名册 and the 党费收缴登记表 of a whole county to Excel, against writing
the same values with openpyxl and nothing else; the county's 党费 ledger printed to PDF, against
the same table as one reportlab table.

Run: .venv/bin/python benchmarks/exports.py [--db COUNTY.sqlite] [--year 2026] [--repeat 2] [--no-pdf]

Without --db the 25-town county demo is generated first (about a minute). Each figure is one
export in a fresh process (so its peak memory is its own), run --repeat times interleaved; the
fastest wall and CPU times count, the largest peak memory. For each export:
- ours: the export as the program does it (`export_roster`, `export_dues`);
- plain values (the baseline, the writing limit of openpyxl, which the program uses): the same
  export with every cell handed to openpyxl as its bare value, no font, border, alignment or
  number format: what any styled export costs at least;
- styled cell by cell (for reference): the same export with each cell's font, alignment, border,
  fill and number format set one by one on the cell, as both exports did before
  `xlsx_safe.StyledCells`.
The ratio ours / plain values is printed.

The PDF: the 党费收缴情况 ledger of the year (every member a row, `tables.ledger_tables.save_ledger`
as the 台账 page prints it), ours (a table longer than 60 rows laid out a page at a time,
reports.pdf_table.PagedTable) against the same table as one reportlab LongTable, which reportlab
splits at each page break by copying every row still to come (how it was printed before).

The database is only read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CPU = "(lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(resource.RUSAGE_SELF))"

EXPORT = r"""
import sys, time, resource
from pathlib import Path
from dangjian_desktop import xlsx_safe
from dangjian_desktop.db import Database

how, what, db_path, out, year = sys.argv[1:6]
if how == "plain":
    xlsx_safe.StyledCells.cell = lambda self, value=None, *styles, **named: xlsx_safe.storable(value)
elif how == "per_cell":
    def per_cell(self, value=None, font=None, alignment=None, border=None, fill=None, number_format=None):
        c = xlsx_safe.text_cell(self.ws, value)
        for name, style in (("font", font), ("alignment", alignment), ("border", border), ("fill", fill),
                            ("number_format", number_format)):
            if style is not None:
                setattr(c, name, style)
        return c
    xlsx_safe.StyledCells.cell = per_cell
if how == "one_table":
    from dangjian_desktop.tables import pdf
    pdf.KEEP_TOGETHER_ROWS = 10**9  # every table as one reportlab table
db = Database.open(Path(db_path), "read")
c0, t0 = CPU, time.perf_counter()
if what == "ledger_pdf":
    from dangjian_desktop.tables.ledger_tables import save_ledger
    save_ledger(db, "dues", int(year), out)
    n = 0
elif what == "roster":
    from dangjian_desktop.roster import export_roster
    n = export_roster(db, out)
else:
    from dangjian_desktop.ledgers.dues_excel import export_dues
    export_dues(db, int(year), out)
    n = 0
print(time.perf_counter() - t0, CPU - c0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, n,
      Path(out).stat().st_size)
""".replace("CPU", CPU)

HOWS = (("ours", "ours"), ("plain values (baseline)", "plain"), ("styled cell by cell (before)", "per_cell"))
PDF_HOWS = (("ours", "ours"), ("one reportlab table (baseline)", "one_table"))


def run(*args: str) -> list[float]:
    """(wall s, CPU s, peak RSS KiB, rows, file bytes) of one export in a fresh process."""
    out = subprocess.run([sys.executable, "-c", EXPORT, *args], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if out.returncode:
        raise SystemExit(out.stderr)
    return [float(x) for x in out.stdout.split()]


def main() -> int:
    import private_folders  # benchmarks/private_folders.py, beside this script
    tmp = private_folders.isolate()  # never the user's data or settings folder; removed at the end
    from dangjian_desktop import dates

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="a county (or larger) database; default: generate the county demo")
    ap.add_argument("--year", type=int, default=dates.today().year, help="the dues register's year")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-pdf", action="store_true", help="skip the PDF (its baseline takes about a minute)")
    args = ap.parse_args()
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    if args.db is None:
        from ledgers import demo_county  # benchmarks/ledgers.py

        args.db = demo_county(tmp)
    jobs = [("roster", "花名册 (every member on the roll)", HOWS, "xlsx"),
            ("dues", f"党费收缴登记表 {args.year}", HOWS, "xlsx")]
    if not args.no_pdf:
        jobs.append(("ledger_pdf", f"党费收缴情况 {args.year}, printed to PDF", PDF_HOWS, "pdf"))
    for what, title, hows, suffix in jobs:
        runs: dict[str, list[list[float]]] = {how: [] for _, how in hows}
        for k in range(args.repeat):
            for _, how in hows:
                runs[how].append(run(how, what, str(args.db), str(tmp / f"{what}-{how}-{k}.{suffix}"), str(args.year)))
        print(f"\n{title}" + (f": {int(runs['ours'][0][3]):,} members" if what == "roster" else ""))
        best = {how: (min(r[0] for r in rs), min(r[1] for r in rs), max(r[2] for r in rs), rs[0][4])
                for how, rs in runs.items()}
        base = best[hows[1][1]]
        for label, how in hows:
            wall, cpu, rss, size = best[how]
            print(f"  {label:<30} {wall:6.2f} s wall  {cpu:6.2f} s CPU  peak {rss / 1024:6.0f} MB  "
                  f"file {size / 1e6:5.1f} MB  = {wall / base[0]:.2f} x the baseline")
    return 0


if __name__ == "__main__":
    t = time.perf_counter()
    code = main()
    print(f"\n(benchmark ran {time.perf_counter() - t:.0f} s)")
    sys.exit(code)
