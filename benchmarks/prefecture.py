"""A prefecture on one desk: 10 counties × 25 towns (≈300,000 members) in one database, every figure
the clerk waits for, each against a baseline measured in the same run.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/prefecture.py
         [--counties 10] [--towns-per-county 25] [--members N] [--points-towns N] [--db PATH] [--keep PATH]
         [--no-gui | --gui-only]

Without --db the database is generated (benchmarks/prefecture_data.py: the demo's generators, the
demo's 200-town limit passed by). A full year of points costs several seconds and tens of MB per
town, so `--points-towns` gives points to the first N towns only (default: every town) and the
run prints the per-town cost and the extrapolation to every town. `--members N` sets the number of
towns from a member count (about 1,185 members per town). With --db an existing database is used
in place (the run adds members to it: use a copy).

Goals (issue 16) and the baselines printed beside them:
- member search, one keystroke over the whole database < 100 ms
      vs. reading the matching rows' first screen with a plain indexed range query;
- every tab shown < 300 ms                           vs. the window's empty page painted
  (clicked at once after opening, and clicked once the window has been idle: the hidden pages are
  read in advance, gui/tab_preparer.py);
- every page refreshed after a save < 300 ms         vs. the same save with the pages not told
  (the median of 3 saves on each tab, their range printed beside it);
  (the 统计 tab is shown first as in a first run, and again at the end as in the next run,
  from the counts the first kept: statistics.kept_counts)
- cold start < 2 s                                   vs. a bare QApplication + empty QMainWindow;
- rating the county-wide round < 3 s                 vs. the scheme's evaluator alone on its scores;
- its publicity sheet < 3 s                          vs. the PDF builder alone on the same rows;
- the structure report (PDF) < 3 s                   vs. reading the same members' rows;
- verify < 30 s and a backup < 30 s                  vs. copying the file
  (and restoring that backup, without a goal).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from prefecture_data import MEMBERS_PER_TOWN, file_bytes, generate  # noqa: E402
from registry_gui import keystroke as timed_keystroke  # noqa: E402

KEYSTROKES = ["z", "zh", "zha", "zhan", "zhang", "zhangw", "zhangwe", "zhangwei", "", "w", "wl", "王", "王丽",
              "", "1", "14", "140", "1408", "14082", "140826", "1408261", "14082619", "140826198", "",
              "l", "li", "lin", "ling", "李", "李秀", "李秀英", "秀英", "英"]
SCREEN = 40  # rows on a laptop screen
SAVES = 3  # saves timed on each tab (the median is the figure)
results: list[tuple[str, float, float, float | None, str]] = []  # label, seconds, baseline, goal, baseline name


def median(values: list[float]) -> float:
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def timed(fn, repeat: int = 1):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def record(label: str, seconds: float, baseline: float, goal: float | None, base_name: str) -> None:
    results.append((label, seconds, baseline, goal, base_name))
    verdict = "" if goal is None else ("  OK" if seconds < goal else "  SLOWER THAN GOAL")
    goal_s = "" if goal is None else f"  goal < {goal * 1000:.0f} ms"
    print(f"{label:<44} {seconds * 1000:8.0f} ms   ({base_name}: {baseline * 1000:.1f} ms, "
          f"{seconds / baseline if baseline else float('inf'):.1f}x){goal_s}{verdict}", flush=True)


def baseline_rows(db, text: str) -> list:
    """The first screen of rows matching `text` read with a plain range query on an index: the
    ID-number index for digits, the initials index for letters, the pinyin index for a name's
    beginning in characters (the name column has no index of its own)."""
    from dangjian_desktop import pinyin

    t = text.strip().lower()
    cols = "m.*, o.name AS org_name"
    join = "FROM member m LEFT JOIN org o ON o.id = m.org_id"
    if not t:
        return db.query(f"SELECT {cols} {join} ORDER BY m.name_pinyin LIMIT {SCREEN}")
    if t[0].isdigit():
        column, start = "m.id_number", t.upper()
    elif t.isascii():
        column, start = "m.name_initials", t
    else:
        column, start = "m.name_pinyin", " ".join(pinyin.name_syllables(t))
    return db.query(f"SELECT {cols} {join} WHERE {column} >= ? AND {column} < ? ORDER BY {column} "
                    f"LIMIT {SCREEN}", (start, start + "\uffff"))


def search_figures(app, db) -> None:
    from dangjian_desktop.gui.registry.page import RegistryTab

    tab = RegistryTab()
    tab.resize(1280, 760)
    tab.set_database(db)
    tab.show()
    app.processEvents()
    tab.members.search_all_check.setChecked(True)
    app.processEvents()

    def keystroke(text: str) -> float:
        return timed_keystroke(tab, text)

    from dangjian_desktop.registry import member_search

    first = keystroke("张")  # the searched columns are copied into memory now
    keystroke("")
    saved = member_search.INDEX_FROM
    member_search.INDEX_FROM = 1 << 62  # as before: every keystroke searched by SQL's LIKE
    try:
        before = [keystroke(text) for text in KEYSTROKES]
    finally:
        member_search.INDEX_FROM = saved
    times = [keystroke(text) for text in KEYSTROKES]
    base = []
    for text in KEYSTROKES:
        base.append(timed(lambda text=text: baseline_rows(db, text))[0])
    total = db.scalar("SELECT count(*) FROM member")
    matches = []
    for text in KEYSTROKES:
        keystroke(text)
        matches.append(tab.members.model.rowCount())
    worst = max(times)
    print(f"search keystrokes over {db.scalar('SELECT count(*) FROM member')} members: "
          f"median {median(times) * 1000:.0f} ms, max {worst * 1000:.0f} ms at "
          f"“{KEYSTROKES[times.index(worst)] or '(cleared)'}”")
    record("search keystroke (median)", median(times), median(base), 0.100, "indexed first screen")
    record("search keystroke (median), SQL LIKE as before", median(before), median(base), None,
           "indexed first screen")
    record("search keystroke, narrow (< 5% match)",
           median([t for t, n in zip(times, matches) if n < 0.05 * total]), median(base), 0.100,
           "indexed first screen")
    record("first search (columns copied to memory)", first, median(base), None, "indexed first screen")
    record("search keystroke (worst)", worst, max(base), 0.100, "indexed first screen, worst")
    tab.set_database(None)
    tab.close()


def _settle(app, w) -> None:
    """Until the window's page on show is painted and every background read has ended (one page's
    reads, e.g. the 组织台账's figures after opening, are not counted to the next)."""
    from PySide6.QtCore import QThreadPool

    app.processEvents()
    w.operations.wait_idle()
    while QThreadPool.globalInstance().activeThreadCount():
        QThreadPool.globalInstance().waitForDone(20)
        app.processEvents()
    app.processEvents()
    w.tabs.currentWidget().grab()


def _first_rows(app, page) -> float | None:
    """When a page that shows a part first (the 台账's 党费 of a county: its first town) painted
    that part, or its whole read when it came first; None for the other pages."""
    tabs = getattr(page, "tabs", None)
    panel = tabs.currentWidget() if tabs is not None else None
    if not hasattr(panel, "early_rows"):
        return None
    while panel.early_rows is None and panel.query is not None and panel.query.running:
        app.processEvents()
        time.sleep(0.001)
    page.grab()
    return time.perf_counter()


def prepared_tab_figures(app, path: Path, tmp: Path) -> None:
    """The tabs clicked once the window has been idle after opening: the hidden pages were read in
    advance (gui/tab_preparer.py); the longest turn of the GUI thread meanwhile."""
    from PySide6.QtCore import QSettings, QThreadPool

    from dangjian_desktop.gui.main_window import MainWindow
    from dangjian_desktop.gui.tab_preparer import TabPreparer

    w = MainWindow(settings=QSettings(str(tmp / "settings-prepared.ini"), QSettings.Format.IniFormat))
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    t0 = time.perf_counter()
    w.open_database(path)
    turns = []
    pool = QThreadPool.globalInstance()
    while not w.preparer.done or w.operations.busy or pool.activeThreadCount():
        t = time.perf_counter()
        app.processEvents()
        turns.append(time.perf_counter() - t)
        time.sleep(0.005)
    _settle(app, w)
    ready = time.perf_counter() - t0
    turns.sort()
    print(f"hidden tabs prepared {ready:.1f} s after opening (of which {TabPreparer.IDLE_MS / 1000:.1f} s "
          f"waiting for quiet); the GUI thread's longest turns meanwhile: "
          f"{', '.join(f'{x * 1000:.0f}' for x in turns[-3:])} ms", flush=True)
    t0 = time.perf_counter()
    w.welcome.grab()
    empty = time.perf_counter() - t0
    for i in range(w.tabs.count()):
        title = w.tabs.tabText(i).split("(")[0]
        t0 = time.perf_counter()
        w.tabs.setCurrentIndex(i)
        _settle(app, w)
        record(f"tab {title}: shown once prepared", time.perf_counter() - t0, empty, 0.300, "empty page painted")
    w.close_database()
    w.close()


def tab_figures(app, path: Path, tmp: Path) -> None:
    from PySide6.QtCore import QSettings

    from dangjian_desktop.gui.main_window import MainWindow
    from dangjian_desktop.registry import add_member, idcard

    from dangjian_desktop.db import Database
    from dangjian_desktop.statistics import kept_counts

    # The 统计 tab starts from the counts an earlier run kept for this file: shown first as in the
    # very first run (none kept), and at the end as in the next run.
    with Database.open(path, mode="read") as db:
        kept_counts.kept_path(db).unlink(missing_ok=True)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings=settings)
    w.resize(1280, 800)
    w.show()
    app.processEvents()

    settle = functools.partial(_settle, app, w)

    t0 = time.perf_counter()
    w.open_database(path)
    w.preparer.stop()  # tabs clicked at once: none prepared in advance (prepared_tab_figures)
    settle()
    opened = time.perf_counter() - t0
    t0 = time.perf_counter()
    w.welcome.grab()
    empty = time.perf_counter() - t0
    print(f"open the database in the window (first tab shown): {opened * 1000:.0f} ms")
    branch = w.db.scalar("SELECT id FROM org WHERE org_type = '党支部' ORDER BY sort_order LIMIT 1")
    serial = [random.randrange(8000)]  # a kept database may hold the members of earlier runs

    def save() -> float:
        serial[0] += 1
        t = time.perf_counter()
        add_member(w.db, {"name": f"基准{'甲乙丙丁戊己庚辛壬癸'[serial[0] % 10]}", "ethnicity": "汉族",
                          "id_number": idcard.make("110101", dt.date(1960, 1, 1) + dt.timedelta(days=serial[0]),
                                                   7, True),
                          "join_date": "2015-07-01", "category": "正式党员"}, org_id=branch)
        return time.perf_counter() - t

    for i in range(w.tabs.count()):
        title = w.tabs.tabText(i).split("(")[0]
        t0 = time.perf_counter()
        w.tabs.setCurrentIndex(i)
        first = _first_rows(app, w.tabs.widget(i))
        if first is not None:
            record(f"tab {title}: first rows shown", first - t0, empty, 0.300, "empty page painted")
        settle()
        shown = time.perf_counter() - t0
        record(f"tab {title}: shown", shown, empty, 0.300, "empty page painted")
        # The pages hear a commit inside it (the bus delivers in the same thread): a save unheard
        # (the bus's signals blocked) is the baseline, and what the heard one takes more is the refresh.
        # SAVES samples each (one save varies with what else the process does then): the median counts.
        bares, returns, totals = [], [], []
        split = getattr(w.tabs.widget(i), "last_timings", None)  # the 组织台账 page's figures: tree, warnings
        for _ in range(SAVES):
            w.operations.blockSignals(True)
            try:
                bare = save()
            finally:
                w.operations.blockSignals(False)
            if split is not None:
                split.clear()
            t0 = time.perf_counter()
            heard = save()  # what the clerk waits for: the pages' work on the GUI thread inside it
            settle()  # and what they read in the background, until the panels show it
            bares.append(bare)
            returns.append(heard)
            totals.append(time.perf_counter() - t0)
        # Less the typical unheard save, not the one just before: a single save now and then takes far
        # longer than the others (a collection, the file growing), which made a refresh negative.
        refreshes = [t - median(bares) for t in totals]
        record(f"tab {title}: the save returns", median(returns), median(bares), 0.300, "the save unheard")
        record(f"tab {title}: refreshed after a save", median(refreshes), median(bares), 0.300, "the save unheard")
        print(f"  {SAVES} saves: returned in {min(returns) * 1000:.0f}–{max(returns) * 1000:.0f} ms, "
              f"refreshed in {min(refreshes) * 1000:.0f}–{max(refreshes) * 1000:.0f} ms", flush=True)
        if split and "tree" in split and "warnings" in split:
            print(f"  of which read in the background (last save): tree counts {split['tree'] * 1000:.0f} ms, "
                  f"warnings {split['warnings'] * 1000:.0f} ms", flush=True)
    stats = w.statistics_tab
    index = w.tabs.indexOf(stats)
    if index >= 0:
        from dangjian_desktop.gui.statistics import cache

        w.tabs.setCurrentIndex(0)
        settle()
        cache.clear()  # what a new process holds: nothing in memory, the counts kept on disk
        stats.set_database(w.db)  # and a page that has counted nothing yet
        t0 = time.perf_counter()
        w.tabs.setCurrentIndex(index)
        settle()
        record("tab 统计: shown in the next run (counts kept)", time.perf_counter() - t0, empty, 0.300,
               "empty page painted")
    w.close_database()
    w.close()


def core_figures(path: Path, tmp: Path) -> None:
    from dangjian_desktop.assessment import rate_round, results as round_results
    from dangjian_desktop.db import Database
    from dangjian_desktop.db.backup import make_backup
    from dangjian_desktop.db.restore import restore
    from dangjian_desktop.reports.pdf import build_publicity_pdf
    from dangjian_desktop.reports.round_publicity import PublicityOptions, build_round_publicity, prepare
    from dangjian_desktop.roster.selection import roster_selection
    from dangjian_desktop.schemes.evaluate import evaluate_many
    from dangjian_desktop.statistics import structure
    from dangjian_desktop.statistics.report import save_structure_report

    db = Database.open(path, mode="write")
    try:
        rounds = db.query("SELECT id, year, publicity_start FROM assessment_round ORDER BY year")
        current = rounds[-1]["id"]
        n = db.scalar("SELECT count(*) FROM round_branch WHERE round_id = ?", (current,))
        round_results._cache.clear()
        cold, rating = timed(lambda: rate_round(db, current))
        sheets_in, scores, vetoes = round_results._round_inputs(db, current)
        inputs = [(scores[r["id"]], [c for c, _ in vetoes[r["id"]]]) for r in sheets_in]
        base, _ = timed(lambda: evaluate_many(rating.scheme, inputs))
        record(f"rate the round ({n} branches, cold)", cold, base, 3.0, "evaluator alone")

        done = [r for r in rounds if r["publicity_start"]][-1]
        opts = PublicityOptions(start=dt.date.fromisoformat(done["publicity_start"]))
        sheet_s, _ = timed(lambda: build_round_publicity(db, done["id"], tmp / "publicity.pdf", opts))
        info = prepare(db, done["id"], opts)
        pdf_s, _ = timed(lambda: build_publicity_pdf(info.sheet, tmp / "bare.pdf"))
        record(f"publicity sheet ({info.rows} rows)", sheet_s, pdf_s, 3.0, "PDF builder alone")

        selection, params = roster_selection(db)
        read_s, rows = timed(lambda: db.conn.execute(f"SELECT m.* {selection}", params).fetchall())
        rep_s, _ = timed(lambda: save_structure_report(db, structure(db), tmp / "structure.pdf"))
        record(f"structure report PDF ({len(rows)} members)", rep_s, read_s, 3.0, "reading their rows")

        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = file_bytes(path)
        copy_s, _ = timed(lambda: shutil.copyfile(path, tmp / "copy.sqlite"))
        (tmp / "copy.sqlite").unlink()
        verify_s, problems = timed(db.verify)
        record(f"verify ({size / 1e6:.0f} MB, {len(problems)} problems)", verify_s, copy_s, 30.0, "copying the file")
        for p in problems[:3]:
            print(f"  verify: {p}")
        backup_s, target = timed(lambda: make_backup(db, "manual", dest_dir=tmp / "backups"))
        record("backup", backup_s, copy_s, 30.0, "copying the file")
        db.close()  # restoring takes the database's writer lock
        restore_s, restored = timed(lambda: restore(path, target))  # the same content back
        target.unlink()
        if restored.safety_backup is not None:  # the database as it was, backed up first
            restored.safety_backup.unlink()
        record("restore that backup", restore_s, copy_s, None, "copying the file")
    finally:
        db.close()


def cold_start(path: Path) -> None:
    from foundation import START_APP, START_BARE, timed_process

    bare = min(timed_process(START_BARE)[0] for _ in range(2))
    app_s, _, rss = min(timed_process(START_APP, str(path)) for _ in range(2))
    record("cold start to the window (wall)", app_s, bare, 2.0, "bare Qt window")
    print(f"peak memory of the window process: {rss / 1024:.0f} MiB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=10)
    ap.add_argument("--towns-per-county", type=int, default=25)
    ap.add_argument("--members", type=int, help="about this many members (sets the number of towns)")
    ap.add_argument("--points-towns", type=int, help="towns given a full year of points (default: all)")
    ap.add_argument("--db", type=Path, help="an existing database (used in place: members are added)")
    ap.add_argument("--keep", type=Path, help="generate the database here and keep it")
    ap.add_argument("--no-gui", action="store_true", help="skip the window figures")
    ap.add_argument("--gui-only", action="store_true", help="only the search and the tabs")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="prefecture-bench-"))
    # The office keys that sign the change log live in the data folder: beside a kept database, so
    # that a later run with --db verifies its signatures (set DANGJIAN_DATA_DIR to override).
    kept = args.db or args.keep
    os.environ.setdefault("DANGJIAN_DATA_DIR", str(Path(f"{kept}.data") if kept else tmp / "data"))
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")  # the window's settings stay in the run's folder
    towns = (max(1, round(args.members / MEMBERS_PER_TOWN)) if args.members
             else args.counties * args.towns_per_county)
    try:
        if args.db:
            path = args.db
        else:
            path = args.keep or tmp / "prefecture.sqlite"
            points = towns if args.points_towns is None else args.points_towns
            print(f"generating {towns} towns, {points} of them with a year of points …", flush=True)
            g = generate(path, towns=towns, points_towns=points)
            print(f"registry and rounds: {g.members} members, {g.branches} branches; organisations and members "
                  f"{g.registry_s:.1f} s ({g.registry_s / towns:.2f} s a town)")
            for label, s in g.extensions_s.items():
                print(f"  {label}: {s:.1f} s")
            print(f"file without points: {g.bytes_before_points / 1e6:.0f} MB "
                  f"({g.bytes_before_points / g.members / 1024:.1f} KiB a member)")
            if g.points_towns:
                per_member = g.points_bytes_per_member
                print(f"a year of points: {g.points_s_per_town:.1f} s and "
                      f"{(g.bytes_after_points - g.bytes_before_points) / g.points_towns / 1e6:.0f} MB a town "
                      f"({per_member / 1024:.0f} KiB a member)")
                full = g.bytes_before_points + per_member * g.members
                print(f"extrapolated to all {towns} towns with a year of points: {full / 1e9:.1f} GB, "
                      f"{g.points_s_per_town * towns / 60:.0f} min to generate the points")
            print(f"file as generated: {g.bytes_after_points / 1e6:.0f} MB")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        print()
        from PySide6.QtWidgets import QApplication

        from dangjian_desktop.db import Database

        if not args.gui_only:
            cold_start(path)
            core_figures(path, tmp)
        if not args.no_gui:
            app = QApplication.instance() or QApplication([])
            db = Database.open(path, mode="write")
            try:
                search_figures(app, db)
            finally:
                db.close()
            tab_figures(app, path, tmp)
            prepared_tab_figures(app, path, tmp)
        slow = [r for r in results if r[3] is not None and r[1] >= r[3]]
        print()
        print(f"{len(results) - len(slow)} of {len(results)} figures within their goals"
              + (": slower: " + ", ".join(r[0] for r in slow) if slow else ""))
        return 1 if slow else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
