"""Points benchmark: yearly totals and stars for a county (30,000 members, 1.5 million ledger entries).

Run: .venv/bin/python benchmarks/points_totals.py [--members 30000] [--entries 1500000] [--keep PATH]

Goal: totals + stars for every member <= 1.5 x a baseline measured in the same run on the same
data: a plain `SELECT member_id, sum(points) ... GROUP BY member_id` (no caps, no exemptions,
no members, no stars); the fastest of several runs counts, wall and CPU time (CPU time hardly
depends on how busy the machine is). Every item's cap needs the sum per member and item, so
the same data summed `GROUP BY member_id, item_id` is timed too: the floor of any capped total
read from the entries themselves (about 1.7 x, above the goal). The totals therefore read the
yearly sums per member and item that schema v11 keeps in points_entry_sum (triggers on
points_entry, same transaction); the run checks that those sums are the entries' own.

Also times one 60-member meeting with attendance written through the real batch path
(meeting + attendance + points in one unit of work) and its undo.

The synthetic data is loaded with executemany inside one transaction with the audit triggers
dropped for the load and rebuilt afterwards (the change log is not what is measured here;
loading 1.5 M rows through the triggers would take minutes). The triggers that keep
points_entry_sum stay in place: they are part of every write, the load included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangjian_desktop import pinyin  # noqa: E402
from dangjian_desktop.db import Database, audit  # noqa: E402
from dangjian_desktop.points import catalogue  # noqa: E402
from dangjian_desktop.points.totals import branch_summary, star_levels, totals  # noqa: E402
from dangjian_desktop.registry import init_office  # noqa: E402

YEAR = 2025


def ordered_id(n: int) -> str:
    return str(uuid.UUID(int=(0x1 << 124) | n))


def build(path: Path, members: int, entries: int, seed: int = 7) -> tuple[Database, list[str]]:
    rng = random.Random(seed)
    db = Database.create(path)
    init_office(db, name="基准镇", level="town")
    office = db.local_office_id
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    catalogue.ensure_catalogue(db, office, YEAR)
    items = catalogue.items(db, office, YEAR)
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND name LIKE 'audit%'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    now = "2025-12-31T00:00:00+08:00"
    branches = [ordered_id(10_000_000 + b) for b in range(max(1, members // 50))]
    conn.executemany("INSERT INTO org(id, office_id, parent_id, name, org_type, kind, sort_order, owner, updated_at) "
                     "VALUES (?, ?, ?, ?, '党支部', '村', ?, ?, ?)",
                     [(b, office, root, f"第{n + 1}村党支部", n, office, now) for n, b in enumerate(branches)])
    member_ids = [ordered_id(20_000_000 + k) for k in range(members)]
    names = [rng.choice("王李张刘陈杨黄赵吴周") + rng.choice("伟刚勇秀娟英华") + rng.choice("明强平芳丽军") for _ in range(members)]
    conn.executemany(
        "INSERT INTO member(id, org_id, name, name_pinyin, name_initials, sex, ethnicity, birth_date, id_number, "
        "join_date, category, is_mobile, is_hardship, owner, updated_at) VALUES (?, ?, ?, ?, ?, '男', '汉族', "
        "'1970-01-01', ?, '1995-07-01', ?, ?, ?, ?, ?)",
        [(mid, branches[k % len(branches)], names[k], pinyin.sort_key(names[k]), pinyin.initials(names[k]),
          f"ID{k:016d}", "预备党员" if k % 37 == 0 else "正式党员", int(k % 17 == 0), int(k % 41 == 0), office, now)
         for k, mid in enumerate(member_ids)])
    per_member = entries // members
    # Mostly additions (attendance, dues, volunteering), some deductions: a realistic spread of stars.
    weights = [6 if i.kind == "加分" else 1 for i in items]
    n = 0
    rows = []
    for mid in member_ids:
        for it in rng.choices(items, weights, k=per_member):
            month = rng.randint(1, 12)
            rows.append((ordered_id(30_000_000 + n), mid, it.id, YEAR, f"{YEAR}-{month:02d}-{rng.randint(1, 28):02d}",
                         it.signed_points, "bench", office, now))
            n += 1
        if len(rows) >= 200_000:
            conn.executemany("INSERT INTO points_entry(id, member_id, item_id, year, date, points, entered_by, "
                             "owner, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            rows = []
    conn.executemany("INSERT INTO points_entry(id, member_id, item_id, year, date, points, entered_by, owner, "
                     "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    audit.rebuild_triggers(conn)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    return db, branches


def median(values: list[float]) -> float:
    """The median."""
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def timed(fn, repeat: int = 5) -> tuple[float, float, object, float]:
    """(fastest wall s, median wall s, result, fastest CPU s)."""
    times, cpus, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(times), median(times), result, min(cpus)


def main() -> None:
    import private_folders  # benchmarks/private_folders.py, beside this script
    private_folders.isolate()  # never the user's data or settings folder
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=30_000)
    ap.add_argument("--entries", type=int, default=1_500_000)
    ap.add_argument("--keep", type=Path, help="keep the benchmark database at this path")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = args.keep or Path(tmp.name) / "bench.sqlite"
    if path.exists():
        raise SystemExit(f"{path} exists")
    t0 = time.perf_counter()
    db, branches = build(path, args.members, args.entries)
    n_entries = db.scalar("SELECT count(*) FROM points_entry")
    print(f"data: {args.members:,} members, {n_entries:,} entries, {len(branches)} branches "
          f"(built in {time.perf_counter() - t0:.1f} s)")
    print(f"star thresholds from: {star_levels()[1]}")
    cur = db.conn.cursor()
    cur.row_factory = None
    kept = cur.execute("SELECT year, member_id, item_id, entries, round(points, 2) FROM points_entry_sum "
                           "ORDER BY 1, 2, 3").fetchall()
    summed = cur.execute("SELECT year, member_id, item_id, count(*), round(sum(points), 2) FROM points_entry "
                             "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()
    if kept != summed:
        raise SystemExit("points_entry_sum differs from the entries")
    print(f"sums per member and item kept by the triggers: {len(kept):,} rows, equal to the entries' own")

    base_min, base_med, base_rows, base_cpu = timed(lambda: db.query(
        "SELECT member_id, sum(points) FROM points_entry WHERE year = ? GROUP BY member_id", (YEAR,)))
    print(f"baseline  plain sum per member:        min {base_min:.3f} s  median {base_med:.3f} s  CPU {base_cpu:.3f} s"
          f"  ({len(base_rows):,} rows)")
    item_min, _item_med, item_rows, item_cpu = timed(lambda: db.conn.execute(
        "SELECT count(*) FROM (SELECT member_id, item_id, sum(points) FROM points_entry WHERE year = ? "
        "GROUP BY member_id, item_id)", (YEAR,)).fetchone())
    print(f"floor     sums per member and item:     min {item_min:.3f} s  CPU {item_cpu:.3f} s  ({item_rows[0]:,} sums)"
          f"  = {item_min / base_min:.2f}x / CPU {item_cpu / base_cpu:.2f}x baseline")
    tot_min, tot_med, rows, tot_cpu = timed(lambda: totals(db, YEAR))
    print(f"totals    caps+exemptions+base+stars:  min {tot_min:.3f} s  median {tot_med:.3f} s  CPU {tot_cpu:.3f} s"
          f"  ({len(rows):,} members)  = {tot_min / base_min:.2f}x / CPU {tot_cpu / base_cpu:.2f}x baseline")
    det_min, det_med, _, _ = timed(lambda: totals(db, YEAR, detail=True), repeat=3)
    print(f"totals    with plus/minus detail:       min {det_min:.3f} s  median {det_med:.3f} s")
    br_min, _br_med, summary, _ = timed(lambda: branch_summary(db, YEAR, rows=rows))
    print(f"branch averages from the totals:        min {br_min:.3f} s  ({len(summary)} branches)")
    by_star: dict = {}
    for t in rows:
        by_star[t.rating] = by_star.get(t.rating, 0) + 1
    print("ratings:", ", ".join(f"{k} {v:,}" for k, v in sorted(by_star.items())))
    ratio = tot_min / base_min
    print(f"RESULT totals / plain sum: {ratio:.2f}x wall, {tot_cpu / base_cpu:.2f}x CPU (goal <= 1.5x): "
          f"{'OK' if ratio <= 1.5 else 'OVER GOAL'}")

    # One branch's meeting with 60 members ticked, through the real path, then undone.
    from dangjian_desktop.meetings.ledger import record_meeting
    from dangjian_desktop.points.batch import undo_last_batch

    big = branches[0]
    ids = [r[0] for r in db.query("SELECT id FROM member WHERE org_id = ? LIMIT 60", (big,))]
    if len(ids) < 60:
        extra = db.query("SELECT id FROM member WHERE org_id != ? LIMIT ?", (big, 60 - len(ids)))
        with db.transaction("bench: move members") as tx:
            for (mid,) in extra:
                tx.update("member", mid, {"org_id": big})
        ids += [r[0] for r in extra]
    statuses = {mid: ("出席" if k % 10 else "缺席") for k, mid in enumerate(ids)}
    t0 = time.perf_counter()
    res = record_meeting(db, org_id=big, meeting_type="支部党员大会", date=dt.date(YEAR, 12, 20).isoformat(),
                         place="村委会议室", host_name="书记", topic="基准", content="", attendance=statuses)
    t_rec = time.perf_counter() - t0
    t0 = time.perf_counter()
    undo_last_batch(db, db.local_office_id)
    t_undo = time.perf_counter() - t0
    print(f"meeting with 60 members ticked: one confirm writes {res.entries} entries in {t_rec * 1000:.0f} ms; "
          f"undo {t_undo * 1000:.0f} ms")
    db.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
