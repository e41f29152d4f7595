"""Statistics benchmark: the county's structure report (党员队伍结构, about 30,000 members).

Run: .venv/bin/python benchmarks/structure_report.py [--db COUNTY.sqlite] [--gui]

Without --db a county database is made first (`dangjian init --level county` + `demo --towns 25`,
about 30 s). Targets: the structure as JSON < 1 s, as a PDF with charts < 3 s, both measured
end to end through the `dangjian` command (process start included) and inside the process;
compared with the baseline measured in the same run: reading the same members' rows (the roster
selection, every column) with no counting at all. --gui also times opening the 统计 page on the
county (< 300 ms) and changing its scope.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dangjian_desktop.db import Database  # noqa: E402
from dangjian_desktop.roster.selection import roster_selection  # noqa: E402
from dangjian_desktop.statistics import structure  # noqa: E402
from dangjian_desktop.statistics.report import save_structure_report  # noqa: E402

RUNS = 5


def timed(fn, runs: int = RUNS) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2], out  # the median (this file shadows the statistics module)


def cpu_of_children() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cli_timed(*args: str, runs: int = 3) -> tuple[float, float]:
    """Median wall time and CPU time (user + system) of a `dangjian` run."""
    walls, cpus = [], []
    for _ in range(runs):
        c, t = cpu_of_children(), time.perf_counter()
        cli(*args)
        walls.append(time.perf_counter() - t)
        cpus.append(cpu_of_children() - c)
    return sorted(walls)[runs // 2], sorted(cpus)[runs // 2]


def cli(*args: str) -> str:
    exe = Path(sys.executable).with_name("dangjian")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "dangjian_desktop.cli"]
    return subprocess.run(cmd + list(args), check=True, capture_output=True, text=True).stdout


def make_county(path: Path) -> None:
    print("生成县级演示数据库（25个乡镇）……", flush=True)
    cli("--db", str(path), "init", "--name", "基准县", "--level", "county")
    cli("--db", str(path), "demo", "--towns", "25", "--seed", "1")


def gui_times(path: Path, base: float) -> None:
    """Opening the 统计 page on the county: the page on screen, the structure's table shown (the
    first paint with the counts), then its chart drawn and painted; cold (nothing counted or drawn
    before: the page's cache emptied) and again (the scope counted before, the database unchanged);
    then a town picked. Median of RUNS fresh pages each."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from dangjian_desktop.gui.statistics import StatisticsPage, cache

    app = QApplication.instance() or QApplication([])
    db = Database.open(path, mode="read")

    def wait(done) -> None:
        while not done():
            app.processEvents()
            time.sleep(0.001)

    def open_page(cold: bool) -> tuple[float, float, float, float, StatisticsPage]:
        if cold:
            cache.clear()
        t, cpu = time.perf_counter(), time.process_time()  # CPU: every thread of the process
        page = StatisticsPage()
        page.resize(1280, 720)
        page.set_database(db)
        page.show()
        page.grab()  # painted once
        shown = time.perf_counter() - t
        sec = page.sections["structure"]
        wait(lambda: not sec.stale)
        page.grab()  # the table painted
        table, table_cpu = time.perf_counter() - t, time.process_time() - cpu
        wait(lambda: sec.chart.pdf is not None)
        page.grab()  # the chart painted
        return shown, table, time.perf_counter() - t, table_cpu, page

    def close(page) -> None:
        page.close()
        page.deleteLater()
        app.processEvents()

    close(open_page(True)[-1])  # the first chart loads the font: once per process, not measured
    cold, warm, town = [], [], []
    for _ in range(RUNS):
        *times, page = open_page(True)
        cold.append(times)
        close(page)
        *times, page = open_page(False)
        warm.append(times)
        t = time.perf_counter()
        page.town_combo.setCurrentIndex(1)
        sec = page.sections["structure"]
        wait(lambda: not sec.stale and sec.chart.pdf is not None)
        page.grab()
        town.append(time.perf_counter() - t)
        close(page)
    med = lambda xs: sorted(xs)[len(xs) // 2] * 1000  # noqa: E731
    print("统计页（全县，界面；首次 = 没有统计过，再次 = 同一范围统计过且数据库没有改动）：")
    for name, runs in (("首次", cold), ("再次", warm)):
        shown, table, chart, cpu = ([r[i] for r in runs] for i in range(4))
        print(f"  {name}打开到页面显示               {med(shown):6.0f} 毫秒")
        print(f"  {name}打开到结构表显示             {med(table):6.0f} 毫秒  = 基线的 {med(table) / 1000 / base:.1f} 倍"
              f"（CPU {med(cpu):.0f} 毫秒，含等待时的轮询）  目标 < 300")
        print(f"  {name}打开到图表也显示             {med(chart):6.0f} 毫秒")
    print(f"  改选一个乡镇到表和图重新显示   {med(town):6.0f} 毫秒")
    db.close()


def main() -> int:
    import private_folders  # benchmarks/private_folders.py, beside this script
    private_folders.isolate()  # never the user's data or settings folder
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, help="an existing county database (default: make one)")
    ap.add_argument("--gui", action="store_true", help="also time the 统计 page")
    a = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="bench-statistics-")
    path = a.db or Path(tmp.name) / "county.sqlite"
    if not path.exists():
        make_county(path)
    db = Database.open(path, mode="read")
    selection, params = roster_selection(db)
    base, rows = timed(lambda: db.conn.execute(f"SELECT m.* {selection}", params).fetchall())
    print(f"党员 {len(rows)} 名（{db.scalar('SELECT count(*) FROM office') - 1} 个乡镇）")
    print(f"基线：读出同样党员的全部字段                 {base * 1000:7.0f} 毫秒")
    t_core, s = timed(lambda: structure(db))
    cpu = time.process_time()
    structure(db)
    cpu = time.process_time() - cpu
    t_json, _ = timed(lambda: json.dumps(structure(db).to_dict(), ensure_ascii=False))
    past = dt.date(dt.date.today().year - 1, 12, 31)  # before today: rebuilt from the status history
    t_past, s_past = timed(lambda: structure(db, None, past))
    print(f"结构统计（核心函数）                          {t_core * 1000:7.0f} 毫秒  = 基线的 {t_core / base:.1f} 倍"
          f"（CPU {cpu * 1000:.0f} 毫秒）")
    print(f"结构统计 JSON（核心函数）                     {t_json * 1000:7.0f} 毫秒")
    print(f"结构统计，统计时间{past.year}年12月31日（按党籍变动记录还原，{s_past.total}名）"
          f"{t_past * 1000:7.0f} 毫秒  = 基线的 {t_past / base:.1f} 倍")
    out = Path(tmp.name)
    t_pdf, _ = timed(lambda: save_structure_report(db, structure(db), out / "s.pdf"), runs=3)
    t_xlsx, _ = timed(lambda: save_structure_report(db, structure(db), out / "s.xlsx"), runs=3)
    from openpyxl import load_workbook

    n = len(load_workbook(out / "s.xlsx", read_only=True).sheetnames)  # one sheet, table and chart per breakdown
    print(f"结构统计 PDF（{n}张表、{n}个图表，核心函数）     {t_pdf * 1000:7.0f} 毫秒  = 基线的 {t_pdf / base:.1f} 倍")
    print(f"结构统计 Excel（{n}个工作表，核心函数）        {t_xlsx * 1000:7.0f} 毫秒")
    db.close()
    j_wall, j_cpu = cli_timed("--db", str(path), "report", "structure", "--json")
    p_wall, p_cpu = cli_timed("--db", str(path), "report", "structure", "--out", str(out / "c.pdf"))
    v_wall, v_cpu = cli_timed("--version")
    print("命令行（含进程启动；机器有其他负载时墙钟时间会变长，CPU 时间基本不变）：")
    print(f"  report structure --json       墙钟 {j_wall * 1000:5.0f} 毫秒，CPU {j_cpu * 1000:5.0f} 毫秒  目标 < 1000")
    print(f"  report structure --out .pdf   墙钟 {p_wall * 1000:5.0f} 毫秒，CPU {p_cpu * 1000:5.0f} 毫秒  目标 < 3000")
    print(f"  （--version，只是进程启动    墙钟 {v_wall * 1000:5.0f} 毫秒，CPU {v_cpu * 1000:5.0f} 毫秒）")
    print(f"PDF {(out / 'c.pdf').stat().st_size // 1024} KB")
    if a.gui:
        gui_times(path, base)
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
