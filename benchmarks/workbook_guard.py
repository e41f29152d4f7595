"""Workbook check benchmark: the largest real roster passes `check_workbook`, and what it costs.

Run: .venv/bin/python benchmarks/workbook_guard.py [--rows 50000]

Writes a 花名册 of 50,000 members × 30 columns (the 20 columns of roster_import.py and ten more
text columns: 籍贯, 毕业院校, 专业, 党内职务 …, every one filled), then, in a fresh process each:
- the check alone (`check_workbook`): wall time and peak RSS; goal: it passes, under 2 s;
- calamine reading the same file, the baseline the check is added to;
and prints every part's size against the named limits of dangjian_desktop/xlsx_guard.py.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from roster_import import BRANCHES, make_file  # noqa: E402

from dangjian_desktop.xlsx_guard import LARGE  # noqa: E402

EXTRA = ["籍贯", "毕业院校", "专业", "技术职称", "党内职务", "行政职务", "入党介绍人", "婚姻状况", "户籍地址", "备注二"]

CHECK = r"""
import sys, time, resource
from dangjian_desktop.xlsx_guard import check_workbook
t0 = time.perf_counter()
check_workbook(sys.argv[1], "花名册")
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

READ = r"""
import sys, time, resource
import python_calamine as pc
t0 = time.perf_counter()
wb = pc.CalamineWorkbook.from_path(sys.argv[1])
for i in range(len(wb.sheet_names)):
    for row in wb.get_sheet_by_index(i).iter_rows():
        pass
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def widen(src: Path, dst: Path, seed: int = 11) -> None:
    """The roster_import.py file with ten more filled text columns (30 in all)."""
    from openpyxl import Workbook, load_workbook

    rnd = random.Random(seed)
    wb_in = load_workbook(src, read_only=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    for n, row in enumerate(wb_in.active.iter_rows(values_only=True), start=1):
        row = list(row) + [None] * (20 - len(row))
        if n == 3:
            row += EXTRA
        elif n > 3 and isinstance(row[0], int):
            row += [rnd.choice(("山西省忻州市", "河北省保定市", "山东省济南市")), f"某某大学{rnd.randrange(1, 60)}学院",
                    rnd.choice(("农学", "汉语言文学", "计算机科学与技术", "会计学")), rnd.choice(("助理工程师", "无", "讲师")),
                    rnd.choice(("党员", "支部委员", "党小组长")), rnd.choice(("无", "村委会委员", "科员")),
                    f"{rnd.choice('王李张刘陈')}某某、{rnd.choice('赵钱孙李')}某某", rnd.choice(("已婚", "未婚")),
                    f"某某省某某市某某县某某镇某某村{rnd.randrange(1, 300)}号{rnd.choice(BRANCHES)}旁",
                    "2019年度优秀共产党员，长期参加志愿服务活动"]
        ws.append(row)
    wb.save(dst)


def run(code: str, path: Path) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.split()
    return float(out[0]), float(out[1]) / 1024


def main() -> None:
    import private_folders  # benchmarks/private_folders.py, beside this script
    private_folders.isolate()  # never the user's data or settings folder
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement (the fastest counts)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        make_file(tmp / "base.xlsx", args.rows)
        widen(tmp / "base.xlsx", tmp / "roster.xlsx")
        path = tmp / "roster.xlsx"
        print(f"file: {args.rows} rows × 30 columns, {path.stat().st_size / 1e6:.1f} MB, "
              f"generated in {time.perf_counter() - t0:.0f} s")
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
        sheet = max(infos, key=lambda i: i.file_size)
        total = sum(i.file_size for i in infos)
        print(f"largest part {sheet.filename}: {sheet.file_size / 2**20:.0f} MiB (limit {LARGE.sheet_bytes / 2**20:.0f} MiB), "
              f"ratio {sheet.file_size / sheet.compress_size:.0f} ; all parts {total / 2**20:.0f} MiB "
              f"(limit {LARGE.unpacked_bytes / 2**20:.0f} MiB); cells {(args.rows + 5) * 30:,} "
              f"(limit {LARGE.cells:,})")
        checks = [run(CHECK, path) for _ in range(args.repeat)]
        reads = [run(READ, path) for _ in range(args.repeat)]
        check, read = min(checks), min(reads)
        print(f"check_workbook: {check[0]:.2f} s, peak RSS {max(c[1] for c in checks):.0f} MB")
        print(f"calamine read:  {read[0]:.2f} s, peak RSS {max(r[1] for r in reads):.0f} MB")
        print(f"RESULT the roster passes; the check adds {check[0] / read[0]:.0%} to calamine's read "
              f"(goal: under 2 s): {'OK' if check[0] < 2 else 'OVER GOAL'}")


if __name__ == "__main__":
    main()
