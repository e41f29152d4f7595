"""Assessment GUI benchmark: a county round of 600 branches × 30 items.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/assessment_gui.py [--towns 24 --per-town 25]
Prints figures and compares them with baselines measured in the same run:
- opening a branch sheet in the 考核检查 tab (load, model, vetoes, report, evidence, workflow,
  history, painted) — target < 100 ms — vs. building and painting an empty 30-row table view;
- the tab shown for the database (round list, 600-row dashboard) and the dashboard refresh after
  a typed score, each until the dashboard is shown (it is built off the GUI thread; the GUI
  thread's own part, what the window waits for, is printed beside);
- rating the county round (done off the GUI thread) and the publicity PDF of the round.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_OPEN_MS = 100.0


def until_loaded(app, tab) -> None:
    """Process events until the tab's dashboard, read off the GUI thread, is shown."""
    while tab.loading:
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()


def thirty_item_scheme():
    """五个部分 × 6 items (4+4+3+3+3+3 = 20 points each), star levels and two vetoes: a 30-item checklist."""
    from dangjian_desktop.schemes import load_scheme, scheme_from_dict, scheme_to_dict

    data = scheme_to_dict(load_scheme("chuangxing"))
    data["id"] = "bench-30"
    data["name"] = "基准测试考核细则（30项）"
    for sec in data["sections"]:
        sec["items"] = [{"code": f"{sec['code']}{n + 1}", "title": f"{sec['title']}第{n + 1}项考核内容",
                         "max": m, "kind": "points"} for n, m in enumerate((4, 4, 3, 3, 3, 3))]
        sec["max"] = 20
    data.pop("resolutions", None)
    return scheme_from_dict(data)


def build_county(path: Path, towns: int, per_town: int) -> tuple[str, list[str]]:
    from dangjian_desktop.assessment import rounds, sheets
    from dangjian_desktop.db import Database
    from dangjian_desktop.registry import add_town, init_office

    db = Database.create(path)
    init_office(db, name="基准县", level="county")
    kinds = ("村", "村", "村", "社区", "机关", "事业单位", "企业", "社会组织")
    for t in range(towns):
        tid = add_town(db, f"第{t + 1:02d}镇")
        root = db.scalar("SELECT id FROM org WHERE office_id = ? AND parent_id IS NULL", (tid,))
        with db.transaction("基准数据") as tx:
            tx.insert_many("org", [{"office_id": tid, "parent_id": root, "name": f"第{t + 1:02d}镇第{b + 1:02d}党支部",
                                    "org_type": "党支部", "kind": kinds[b % len(kinds)], "sort_order": b,
                                    "note": "", "owner": tid} for b in range(per_town)])
    t0 = time.perf_counter()
    rid = rounds.create_round(db, year=2025, scheme=thirty_item_scheme())
    create_s = time.perf_counter() - t0
    rng = random.Random(1)
    ids = [b.id for b in rounds.round_branches(db, rid)]
    t0 = time.perf_counter()
    with db.transaction("基准评分"):
        for sid in ids:
            sheet = sheets.open_sheet(db, sid)
            sheets.set_scores(db, sid, "self", {i.code: rng.choice((i.max, i.max - 0.5, i.max - 1))
                                                for i in sheet.items})
    fill_s = time.perf_counter() - t0
    print(f"county round: {len(ids)} sheets × {len(sheets.open_sheet(db, ids[0]).items)} items "
          f"(created in {create_s:.2f} s, self scores filled in {fill_s:.2f} s)")
    db.close()
    return rid, ids


def main() -> None:
    import private_folders  # benchmarks/private_folders.py, beside this script
    private_folders.isolate()  # never the user's data or settings folder
    ap = argparse.ArgumentParser()
    ap.add_argument("--towns", type=int, default=24)
    ap.add_argument("--per-town", type=int, default=25)
    ap.add_argument("--samples", type=int, default=60)
    args = ap.parse_args()

    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from dangjian_desktop.db import Database
    from dangjian_desktop.gui.app import create_app

    app = create_app(["bench"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.sqlite"
        rid, ids = build_county(path, args.towns, args.per_town)
        db = Database.open(path)

        # Baseline: an empty table view with a 30-row model, shown and painted.
        base = []
        for _ in range(args.samples):
            t0 = time.perf_counter()
            model = QStandardItemModel(30, 8)
            for r in range(30):
                model.setItem(r, 0, QStandardItem(str(r)))
            view = QTableView()
            view.setModel(model)
            view.resize(900, 700)
            view.show()
            app.processEvents()
            base.append((time.perf_counter() - t0) * 1000)
            view.close()
            view.deleteLater()
        app.processEvents()

        from dangjian_desktop.gui.assessment.page import AssessmentTab

        tab = AssessmentTab()
        tab.resize(1400, 850)
        tab.show()
        t0 = time.perf_counter()
        tab.set_database(db)
        app.processEvents()
        show_gui_ms = (time.perf_counter() - t0) * 1000
        until_loaded(app, tab)
        show_ms = (time.perf_counter() - t0) * 1000
        db.on_commit(tab.on_data_changed)

        rng = random.Random(2)
        opened = []
        for sid in rng.sample(ids, min(args.samples, len(ids))):
            t0 = time.perf_counter()
            tab.open_sheet(sid)
            app.processEvents()  # painted
            opened.append((time.perf_counter() - t0) * 1000)

        # A typed score, then the dashboard refresh it triggers.
        t0 = time.perf_counter()
        tab.refresh_dashboard()
        dash_gui_ms = (time.perf_counter() - t0) * 1000
        until_loaded(app, tab)
        dash_ms = (time.perf_counter() - t0) * 1000

        from dangjian_desktop.assessment.results import rate_round

        t0 = time.perf_counter()
        rating = rate_round(db, rid)
        rate_s = time.perf_counter() - t0

        from dangjian_desktop.assessment import sheets, workflow

        with db.transaction("基准审核"):
            for sid in ids:
                workflow.move(db, sid, "初审")
                scores = sheets.open_sheet(db, sid).scores("self")
                sheets.set_scores(db, sid, "initial", scores)
                workflow.move(db, sid, "审核")
                sheets.set_scores(db, sid, "final", scores)
            # The publicity sheet lists only sheets reviewed to the end (in 公示, every 考核分 filled).
            workflow.start_publicity(db, rid, sheet_ids=ids)
        from dangjian_desktop.registry import set_setting
        from dangjian_desktop.reports.round_publicity import PublicityOptions, build_round_publicity

        set_setting(db, "publicity_contact_phone", "0898-12345678")
        t0 = time.perf_counter()
        pdf = build_round_publicity(db, rid, None, PublicityOptions(paper="A4", landscape=True))
        pdf_s = time.perf_counter() - t0

        med, worst = statistics.median(opened), max(opened)
        base_med = statistics.median(base)
        print(f"open a branch sheet (median of {len(opened)}): {med:.1f} ms, worst {worst:.1f} ms "
              f"— target < {TARGET_OPEN_MS:.0f} ms: {'OK' if worst < TARGET_OPEN_MS else 'MISSED'}")
        print(f"  baseline, empty 30-row table view shown and painted: {base_med:.1f} ms "
              f"(sheet = {med / base_med:.1f} × baseline)")
        print(f"  of which loading the sheet and filling the editor: {tab.editor.last_open_ms:.1f} ms (last)")
        print(f"tab shown for the county database (rounds, {len(ids)}-row dashboard, first sheet): {show_ms:.0f} ms "
              f"(GUI thread {show_gui_ms:.0f} ms)")
        print(f"dashboard refresh ({len(ids)} rows): {dash_ms:.0f} ms (GUI thread {dash_gui_ms:.0f} ms)")
        print(f"rate the county round ({len(rating.branches)} branches; off the GUI thread): {rate_s:.2f} s")
        print(f"publicity PDF of the round ({len(ids)} rows, A4 landscape; off the GUI thread): {pdf_s:.2f} s, "
              f"{len(pdf) / 1024:.0f} KB")
        tab.set_database(None)
        tab.close()
        db.close()


if __name__ == "__main__":
    main()
