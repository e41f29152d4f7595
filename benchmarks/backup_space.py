"""Backup space benchmark: the disk a county's backups take over five years, with the keep rule
alone (the baseline) and with the space ceiling (db/backup_space.py), simulated day by day.

Run: .venv/bin/python benchmarks/backup_space.py [--years 5] [--db-gb-per-year 0.78] [--ratio 0.2]
         [--ceiling-gb 10]

The clerk works 250 days a year, 8 hours a day; every 30 minutes with changes the program makes
a backup (the timed one), and one more when the database is closed in the evening. The database
grows by --db-gb-per-year (a county with every town's meetings, attendance and points: 0.78 GB at
schema version 14) and a backup is --ratio of it (compressed: about 0.2). After each backup the
folder is thinned as the program does (backups_to_keep with the default rule, then over_ceiling
with the ceiling), using the program's own functions: no file is written. Printed per year: the
backups kept, the space they take at the year's end, its peak (the moment a new backup is made,
before the folder is thinned) and the days between the oldest and the newest, for both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dangjian_desktop.db.backup_rules import GB, KeepPolicy, backups_to_keep, over_ceiling  # noqa: E402


def simulate(years: int, db_gb_per_year: float, ratio: float, ceiling: int | None):
    """Yield (year, kept, bytes kept, peak bytes that year) at each year's end."""
    start = dt.datetime(2027, 1, 4, 8, 30)
    stamps: list[dt.datetime] = []
    sizes: list[int] = []
    policy = KeepPolicy()
    day, work_days, peak, year = start, 0, 0, 1
    end = start + dt.timedelta(days=365 * years)
    while day < end:
        if day.weekday() < 5 and work_days < 250 * year:
            work_days += 1
            grown = (day - start).days / 365 * db_gb_per_year
            size = int(max(0.05, grown) * GB * ratio)
            for k in range(17):  # 8:30 .. 16:30 every 30 minutes, then closing at 17:00
                stamps.append(day + dt.timedelta(minutes=30 * k))
                sizes.append(size)
                peak = max(peak, sum(sizes))  # the new backup made, the folder not yet thinned
                keep = backups_to_keep(stamps, stamps[-1], policy)
                keep -= over_ceiling(stamps, sizes, keep, ceiling)
                stamps = [stamps[i] for i in sorted(keep)]
                sizes = [sizes[i] for i in sorted(keep)]
        day += dt.timedelta(days=1)
        if (day - start).days >= 365 * year:
            yield year, len(stamps), sum(sizes), peak, (stamps[-1] - stamps[0]).days if stamps else 0
            year, peak = year + 1, 0


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import private_folders  # benchmarks/private_folders.py, beside this script

    private_folders.isolate()  # it writes no file; should that change, never into the user's folders
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--db-gb-per-year", type=float, default=0.78)
    ap.add_argument("--ratio", type=float, default=0.2)
    ap.add_argument("--ceiling-gb", type=float, default=10.0)
    args = ap.parse_args()
    t0 = time.perf_counter()
    base = list(simulate(args.years, args.db_gb_per_year, args.ratio, None))
    capped = list(simulate(args.years, args.db_gb_per_year, args.ratio, int(args.ceiling_gb * GB)))
    print(f"a county growing {args.db_gb_per_year} GB a year, backups {args.ratio:.0%} of it, every 30 minutes "
          f"of 250 working days a year; simulated in {time.perf_counter() - t0:.1f} s")
    print(f"{'year':>4}  {'keep rule alone (baseline)':>40}  {f'with the {args.ceiling_gb:g} GB ceiling':>40}")
    for (y, n, size, peak, span), (_, n2, size2, peak2, span2) in zip(base, capped):
        print(f"{y:>4}  {n:>4} kept, {size / GB:6.1f} GB, peak {peak / GB:6.1f} GB, {span:>4} d  "
              f"{n2:>4} kept, {size2 / GB:6.1f} GB, peak {peak2 / GB:6.1f} GB, {span2:>4} d")
    worst = max(p for *_, p, _s in capped)
    largest = args.db_gb_per_year * args.years * args.ratio * GB  # the last backup, the largest
    print(f"peak with the ceiling: {worst / GB:.1f} GB, the moment a new backup is made and before the folder "
          f"is thinned (goal: the ceiling plus one backup, {(args.ceiling_gb * GB + largest) / GB:.1f} GB: "
          f"{'met' if worst <= args.ceiling_gb * GB + largest else 'NOT met'}); "
          f"the keep rule alone: {max(p for *_, p, _s in base) / GB:.1f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
