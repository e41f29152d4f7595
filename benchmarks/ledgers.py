"""台账 benchmark: every member's party dues of a year (ledgers.dues.status, what the 党费 sub-page
reads first) for a county and a prefecture, and the sub-page's read after a save
(ledgers.dues.refreshed), each against a baseline measured in the same run: the same rows read with
plain SELECTs (the members in scope in the page's order, the year's dues_base, dues_payment and
dues_exemption rows) and nothing computed.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ledgers.py [--county PATH] [--prefecture PATH]
         [--year N] [--repeat 3] [--gui]

Without --county or --prefecture a 25-town county demo is generated into a temporary folder
(`demo.generate`, seed 1, about 1.5 minutes). --prefecture: e.g. a database kept by
`benchmarks/prefecture.py --keep` (its office key is in PATH.data: set DANGJIAN_DATA_DIR to it).
The databases are used in place: the save timed adds one payment to each (use copies). The best of
--repeat runs counts, wall and CPU time (CPU time hardly depends on how busy the machine is).
--gui also times the 台账 page (LedgersPage, 党费 first, the whole database's scope: 全县 in a county)
until its table shows the year, and until it shows it again after a save (a member added, as
benchmarks/prefecture.py saves), against an empty page painted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangjian_desktop import dates  # noqa: E402
from dangjian_desktop.db import Database  # noqa: E402
from dangjian_desktop.ledgers import dues  # noqa: E402


def best(fn, repeat: int):
    """(wall, cpu, result) of the fastest of `repeat` runs."""
    runs = []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        runs.append((time.perf_counter() - w, time.process_time() - c, out))
    return min(runs, key=lambda r: r[0])


def plain_reads(db: Database, year: int, office_id: str | None):
    """The baseline: the rows status reads, with plain SELECTs (sqlite3.Row, nothing computed)."""
    where, params = ("WHERE o.office_id = ?", [office_id]) if office_id else ("", [])
    members = db.query(f"""SELECT m.id, m.name, m.org_id, o.name, m.category, m.status, m.join_date
                           FROM member m JOIN org o ON o.id = m.org_id {where}
                           ORDER BY o.office_id, o.sort_order, o.name, m.name_pinyin""", params)
    rows = [db.query(f"SELECT t.* FROM {table} t JOIN member m ON m.id = t.member_id JOIN org o ON o.id = m.org_id "
                     f"WHERE t.year = ? {where.replace('WHERE', 'AND')}", [year, *params])
            for table in ("dues_base", "dues_payment", "dues_exemption")]
    return members, rows


def line(label: str, s: tuple[float, float], base: tuple[float, float] | None, base_name: str = "") -> None:
    ratio = f"   ({base_name}: {base[0] * 1000:.0f} ms, {s[0] / base[0]:.1f}x)" if base else ""
    print(f"  {label:<46} {s[0] * 1000:8.0f} ms  (CPU {s[1] * 1000:.0f} ms){ratio}", flush=True)


def figures(name: str, path: Path, year: int, repeat: int) -> None:
    db = Database.open(path, mode="write")
    try:
        n = db.scalar("SELECT count(*) FROM member")
        towns = db.query("SELECT o.office_id, count(*) AS n FROM member m JOIN org o ON o.id = m.org_id "
                         "GROUP BY o.office_id ORDER BY n DESC")
        print(f"{name}: {path} ({n:,} members, {len(towns)} offices with members, year {year}; "
              f"{db.scalar('SELECT count(*) FROM dues_payment WHERE year = ?', (year,)):,} payments)")
        for label, office in (("whole database (全县)", None), ("largest town", towns[0]["office_id"])):
            bw, bc, _ = best(lambda: plain_reads(db, year, office), repeat)
            w, c, data = best(lambda: dues.status(db, year, office_id=office), repeat)
            line(f"dues.status, {label}: {len(data.members):,}", (w, c), (bw, bc), "plain SELECTs")
        data = dues.status(db, year)
        full_w = best(lambda: dues.status(db, year), 1)
        member = next((m for m in data.members if m.status == "正常"), None)
        if member is None:
            return
        month = max(1, data.as_of.month - 1) if data.as_of.year == year else 1
        dues.record_payment(db, member.member_id, year, str(month), amount="1.00",
                            paid_on=dates.today().isoformat(), note="基准测试")
        w, c, again = best(lambda: dues.refreshed(db, data), 1)
        same = [m.to_dict() for m in again.members] == [m.to_dict() for m in dues.status(db, year).members]
        line("after saving one payment: refreshed", (w, c), full_w[:2], "full status")
        print(f"  the refreshed year equals a full read: {same}")
    finally:
        db.close()


def gui_figures(path: Path) -> None:
    import datetime as dt
    import random

    from PySide6.QtWidgets import QApplication

    from dangjian_desktop.gui.kit.operations import bus_for
    from dangjian_desktop.gui.ledgers import LedgersPage
    from dangjian_desktop.registry import add_member, idcard

    app = QApplication.instance() or QApplication([])
    db = Database.open(path, mode="write")
    page = LedgersPage()
    page.resize(1280, 800)
    panel = page.panels[0]
    try:
        t = time.perf_counter()
        page.grab()
        empty = time.perf_counter() - t

        def until_loaded(action) -> float:
            done: list[bool] = []
            panel.loaded.connect(lambda: done.append(True))
            t = time.perf_counter()
            action()
            while not done:
                app.processEvents()
                time.sleep(0.002)
            page.grab()
            return time.perf_counter() - t

        shown = until_loaded(lambda: (page.set_database(db), page.show()))
        line(f"台账 page shown ({panel.model.rowCount():,} rows)", (shown, 0.0), (empty, 0.0), "empty page painted")
        branch = db.scalar("SELECT id FROM org WHERE org_type = '党支部' ORDER BY sort_order LIMIT 1")
        serial = [random.randrange(8000)]

        def save() -> float:
            serial[0] += 1
            t = time.perf_counter()
            add_member(db, {"name": "基准乙", "ethnicity": "汉族", "join_date": "2015-07-01", "category": "正式党员",
                            "id_number": idcard.make("110102", dt.date(1961, 1, 1) + dt.timedelta(days=serial[0]),
                                                     7, True)}, org_id=branch)
            return time.perf_counter() - t

        # As benchmarks/prefecture.py: a save the page does not hear (the bus's signals blocked) is
        # the baseline, and what the heard one takes more, until the table shows it, is the refresh.
        bus = bus_for(db)
        bus.blockSignals(True)
        try:
            save()  # the first save loads the pinyin dictionary
            bare = save()
        finally:
            bus.blockSignals(False)
        heard = until_loaded(save)
        line(f"台账 page refreshed after a save ({panel.model.rowCount():,} rows)", (heard - bare, 0.0),
             (bare, 0.0), "the save unheard")
    finally:
        bus_for(db).wait_idle()
        page.set_database(None)
        page.close()
        db.close()


def demo_county(folder: Path) -> Path:
    from dangjian_desktop.demo import generate
    from dangjian_desktop.registry import init_office

    path = folder / "county.sqlite"
    db = Database.create(path)
    try:
        init_office(db, name="基准县", level="county")
        t = time.perf_counter()
        generate(db, towns=25, seed=1)
        print(f"generated the 25-town county demo in {time.perf_counter() - t:.0f} s")
    finally:
        db.close()
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--county", type=Path, help="a county database (default: generate the 25-town demo)")
    ap.add_argument("--prefecture", type=Path, help="a prefecture-sized database (used in place: use a copy)")
    ap.add_argument("--year", type=int, default=dates.today().year)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--gui", action="store_true", help="also time the 台账 page")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ledgers-bench-"))
    os.environ.setdefault("DANGJIAN_DATA_DIR", str(tmp / "data"))  # the generated county's office key
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    for name, path in (("county", args.county or (None if args.prefecture else demo_county(tmp))),
                       ("prefecture", args.prefecture)):
        if path is not None:
            figures(name, path, args.year, args.repeat)
            if args.gui:
                gui_figures(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
