"""Benchmark: the privacy guard of a printed document against a large database.

    .venv/bin/python benchmarks/privacy_guard.py DB [--repeat 3]

Opens DB read-only (nothing is written) and prints the median time of:
  guard for_db          PrivacyGuard.for_db (what every document makes first)
  guard + sheet strings a guard made and given every string of the last publicity round's sheet
                        (title, opening, notes, every cell, the contact line), as the builder does
  same, next document   the same again without a change to the database in between
  publicity sheet       build_publicity_pdf of that round's sheet (round_publicity.prepare),
                        the first after a change to the database (nothing kept from before)
  same, unchanged       the same again, the database unchanged since the last document
  sheet, shape rules    the same sheet without the database's numbers (the PDF builder alone)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dangjian_desktop.db import Database  # noqa: E402
from dangjian_desktop import privacy  # noqa: E402
from dangjian_desktop.privacy import PrivacyGuard  # noqa: E402
from dangjian_desktop.reports.pdf import _cell_text, build_publicity_pdf  # noqa: E402
from dangjian_desktop.reports.round_publicity import PublicityOptions, prepare  # noqa: E402


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def sheet_strings(sheet) -> list[str]:
    c = sheet.contact
    notes = [sheet.notes] if isinstance(sheet.notes, str) else list(sheet.notes)
    return [sheet.title, sheet.issuer, *sheet.opening.splitlines(), *notes,
            *(col.header for col in sheet.columns), *(_cell_text(v) for row in sheet.rows for v in row),
            c.office, c.address, f"受理电话：{c.phone}", str(sheet.period_start), str(sheet.period_end)]


def main() -> int:
    import private_folders  # benchmarks/private_folders.py, beside this script
    private_folders.isolate()  # never the user's data or settings folder
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    db = Database.open(args.db, mode="read")
    try:
        members = db.scalar("SELECT count(*) FROM member")
        done = db.query("SELECT id, publicity_start FROM assessment_round WHERE publicity_start IS NOT NULL "
                        "ORDER BY year DESC LIMIT 1")[0]
        import datetime as dt

        info = prepare(db, done["id"], PublicityOptions(start=dt.date.fromisoformat(done["publicity_start"])))
        texts = sheet_strings(info.sheet)
        print(f"{members} members; sheet of {info.rows} rows, {len(texts)} strings")

        def forget():  # what a change to the database does to the numbers kept
            getattr(privacy, "_KNOWN", {}).clear()

        def fresh_sheet():
            forget()
            build_publicity_pdf(info.sheet)

        def check_all():
            guard = PrivacyGuard.for_db(db)
            for t in texts:
                guard.check(t, "x", allow=(info.sheet.contact.phone,) if "受理电话" in t else ())

        figures = [
            ("guard for_db", timed(lambda: PrivacyGuard.for_db(db), args.repeat)),
            ("guard + sheet strings", timed(lambda: (forget(), check_all()), args.repeat)),
            ("same, next document", timed(check_all, args.repeat)),
            ("publicity sheet", timed(fresh_sheet, args.repeat)),
            ("same, unchanged", timed(lambda: build_publicity_pdf(info.sheet), args.repeat)),
            ("sheet, shape rules", timed(lambda: build_publicity_pdf(replace(info.sheet, privacy_source=None)),
                                         args.repeat)),
        ]
        for label, seconds in figures:
            print(f"{label:<24}{seconds:>8.3f} s")
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
