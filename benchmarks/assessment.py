"""Assessment benchmark: a county round of 600 branches × 30 items with three earlier years.

Run: .venv/bin/python benchmarks/assessment.py [--towns 25] [--per-town 24]
Prints figures and compares each against a baseline measured in the same run:
- rating the round (rate_round, cold and warm) vs. the scheme's evaluator alone on the same
  scores held in memory;                                                    goal < 1 s
- opening a branch sheet (open_sheet) vs. the bare query of its score rows; goal < 100 ms
- the county publicity sheet (600 rows) vs. the shared PDF builder alone on the same rows;
                                                                            goal < 3 s
- the dashboard, and the demo's assessment data for the same county.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scheme_30_items():
    """创星晋位 with each of its five 20-point areas split into six items (3+3+3+3+4+4)."""
    from dangjian_desktop.schemes import load_scheme, scheme_from_dict, scheme_to_dict

    d = scheme_to_dict(load_scheme("chuangxing"))
    d["id"], d["name"] = "bench-30", "基准测试方案（30项）"
    for s in d["sections"]:
        s["items"] = [{"code": f"{s['code']}{k + 1}", "title": f"{s['title']}第{k + 1}项", "max": m,
                       "kind": "points"} for k, m in enumerate((3, 3, 3, 3, 4, 4))]
    return scheme_from_dict(d)


def build(path: Path, towns: int, per_town: int):
    from dangjian_desktop.assessment import create_round
    from dangjian_desktop.db import Database
    from dangjian_desktop.registry import init_office
    from dangjian_desktop.schemes.store import save_user_scheme

    rng = random.Random(7)
    db = Database.create(path)
    init_office(db, name="基准县", level="county")
    county = db.local_office_id
    with db.transaction("benchmark registry") as tx:
        for t in range(towns):
            tid = str(uuid.UUID(int=rng.getrandbits(128)))
            tx.insert("office", {"id": tid, "name": f"第{t + 1:02d}镇", "level": "town", "parent_id": county,
                                 "owner": tid})
            root = tx.insert("org", {"office_id": tid, "parent_id": None, "name": f"第{t + 1:02d}镇党委",
                                     "org_type": "党委", "owner": tid})
            tx.insert_many("org", [{"office_id": tid, "parent_id": root, "name": f"第{t + 1:02d}镇{b + 1:02d}村党支部",
                                    "org_type": "党支部", "kind": "村", "sort_order": b, "owner": tid}
                                   for b in range(per_town)])
    scheme = scheme_30_items()
    save_user_scheme(scheme, overwrite=True)
    quality = {}
    round_ids = []
    for year in (2022, 2023, 2024, 2025):
        rid = create_round(db, year=year, scheme_id=scheme.id)
        round_ids.append(rid)
        sheets = db.query("SELECT id FROM round_branch WHERE round_id = ?", (rid,))
        rows = []
        for s in sheets:
            q = quality.setdefault(s["id"][-6:], rng.uniform(0.55, 1.0))
            for sec, item in scheme.scored_units():
                v = min(item.max, max(0, round((q * item.max + rng.gauss(0, 0.4)) * 2) / 2))
                rows.append({"round_branch_id": s["id"], "item_code": item.code, "self_score": v,
                             "initial_score": v, "final_score": v, "reason": ""})
        final = "确定" if year < 2025 else "公示"  # the current year in publicity: complete reviews print
        with db.transaction("benchmark scores") as tx:
            tx.insert_many("round_score", rows)
            tx.execute("UPDATE round_branch SET state = ?, rev = rev + 1, updated_at = ? WHERE round_id = ?",
                       (final, tx.now, rid))
            tx.execute("UPDATE assessment_round SET publicity_start = ?, rev = rev + 1, updated_at = ? "
                       "WHERE id = ?", (f"{year}-12-01", tx.now, rid))
    from dangjian_desktop.registry import set_setting

    set_setting(db, "publicity_contact_phone", "0359-7654321")
    set_setting(db, "publicity_contact_address", "县委组织部办公室")
    return db, round_ids


def timed(fn, repeat: int = 1):
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--towns", type=int, default=25)
    ap.add_argument("--per-town", type=int, default=24)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    import os

    tmp = Path(tempfile.mkdtemp())
    os.environ.setdefault("DANGJIAN_DATA_DIR", str(tmp / "data"))

    from dangjian_desktop.assessment import dashboard, open_sheet, rate_round, results
    from dangjian_desktop.reports.pdf import build_publicity_pdf
    from dangjian_desktop.reports.round_publicity import PublicityOptions, build_round_publicity, prepare
    from dangjian_desktop.schemes.evaluate import evaluate_many

    t0 = time.perf_counter()
    db, round_ids = build(tmp / "bench.sqlite", args.towns, args.per_town)
    setup = time.perf_counter() - t0
    current = round_ids[-1]
    n_branches = db.scalar("SELECT count(*) FROM round_branch WHERE round_id = ?", (current,))
    n_items = len(results._scheme_of(db, current).scored_units())
    print(f"county round: {n_branches} branches × {n_items} items, 3 earlier confirmed years "
          f"(setup {setup:.1f} s)")

    # ---- rating ---------------------------------------------------------------------
    results._cache.clear()
    cold, rating = timed(lambda: rate_round(db, current))
    warm, _ = timed(lambda: rate_round(db, current), repeat=3)
    scheme = rating.scheme
    sheets_in, scores, vetoes = results._round_inputs(db, current)
    inputs = [(scores[r["id"]], [c for c, _ in vetoes[r["id"]]]) for r in sheets_in]
    base_eval, _ = timed(lambda: evaluate_many(scheme, inputs), repeat=3)
    assert len(rating.branches) == n_branches and all(b.missing == 0 for b in rating.branches)
    print(f"rate_round (cold: this year and the one before) {cold * 1000:5.0f} ms   goal < 1000 ms")
    print(f"rate_round (warm, earlier years cached) {warm * 1000:5.0f} ms   "
          f"(evaluator alone on the same {n_branches} sheets in memory: {base_eval * 1000:.0f} ms)")

    # ---- opening a sheet --------------------------------------------------------------------
    ids = [b.sheet_id for b in rating.branches[:: max(1, n_branches // 50)]]
    per = []
    for sid in ids:
        t, _ = timed(lambda sid=sid: open_sheet(db, sid))
        per.append(t)
    bare = []
    for sid in ids:
        t, _ = timed(lambda sid=sid: db.query("SELECT * FROM round_score WHERE round_branch_id = ?", (sid,)))
        bare.append(t)
    print(f"open_sheet (median of {len(ids)}, worst)  {statistics.median(per) * 1000:5.1f} ms, "
          f"{max(per) * 1000:.1f} ms   goal < 100 ms   (bare query of its score rows: "
          f"{statistics.median(bare) * 1000:.2f} ms)")

    # ---- the publicity sheet ------------------------------------------------------------------
    start = dt.date(2025, 12, 1)
    full, _ = timed(lambda: build_round_publicity(db, current, tmp / "county.pdf",
                                                  PublicityOptions(start=start)))
    info = prepare(db, current, PublicityOptions(start=start))
    pdf_only, _ = timed(lambda: build_publicity_pdf(info.sheet, tmp / "bare.pdf"))
    pages = (tmp / "county.pdf").read_bytes().count(b"/Type /Page\n") or "?"
    print(f"publicity sheet ({info.rows} rows, A4)      {full * 1000:7.0f} ms   goal < 3000 ms   "
          f"(PDF builder alone on the same rows: {pdf_only * 1000:.0f} ms; pages: {pages})")

    # ---- dashboard ---------------------------------------------------------------------------
    dash, _ = timed(lambda: dashboard(db, current, today=dt.date(2025, 12, 10)), repeat=3)
    print(f"dashboard                               {dash * 1000:5.0f} ms")
    db.close()

    # ---- demo data for the same county ---------------------------------------------------------
    from dangjian_desktop.assessment import demo as assessment_demo
    from dangjian_desktop.db import Database
    from dangjian_desktop.demo import generate
    from dangjian_desktop.registry import init_office

    import dangjian_desktop.demo as registry_demo

    ddb = Database.create(tmp / "demo.sqlite")
    init_office(ddb, name="示范县", level="county")
    saved = registry_demo.EXTENSIONS
    registry_demo.EXTENSIONS = ()
    try:
        t0 = time.perf_counter()
        generate(ddb, towns=args.towns, seed=1)
        reg = time.perf_counter() - t0
    finally:
        registry_demo.EXTENSIONS = saved
    t0 = time.perf_counter()
    assessment_demo.populate(ddb, random.Random("1"), dt.date.today())
    dem = time.perf_counter() - t0
    print(f"demo assessment data ({args.towns} towns)     {dem:7.2f} s   (registry demo of the same county: "
          f"{reg:.2f} s)")
    ddb.close()
    print(json.dumps({"rate_cold_ms": round(cold * 1000), "rate_warm_ms": round(warm * 1000),
                      "open_sheet_ms": round(statistics.median(per) * 1000, 1),
                      "publicity_ms": round(full * 1000), "demo_s": round(dem, 2)}))


if __name__ == "__main__":
    main()
