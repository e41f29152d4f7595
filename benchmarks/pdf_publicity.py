"""Benchmark: a 600-row publicity sheet (A4 landscape) against bare reportlab tables, same run.

    .venv/bin/python benchmarks/pdf_publicity.py [--rows 600] [--repeat 5]

Prints the median time of each variant:
  baseline-helvetica  bare reportlab LongTable, ASCII text in Helvetica (no CJK font at all)
  baseline-cjk        bare reportlab LongTable, the same Chinese rows in the bundled font
  sheet-with-Table    our sheet laid out with Table instead of LongTable
  sheet               build_publicity_pdf: privacy guard, glyph checks, styled sheet, page X of Y
and the privacy guard alone. The target: the sheet within 3x of baseline-cjk and under 1 s
per 600 rows. The machine is shared, so read the ratios rather than the absolute times.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import LongTable, SimpleDocTemplate, Table, TableStyle  # noqa: E402

from dangjian_desktop.reports import pdf as sheetpdf  # noqa: E402
from dangjian_desktop.reports.fonts import load_fonts, register_bundled_font  # noqa: E402
from dangjian_desktop.reports.pdf import (  # noqa: E402
    Column, ObjectionContact, PublicitySheet, build_publicity_pdf, check_privacy, stars,
)

SURNAMES = "张王李刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜洋静勇敏磊杰霞涛丽超琳斌峰欢玥堃喆"
BRANCHES = ["城关村党支部", "新华社区党支部", "镇机关党支部", "中心小学党支部", "幸福社区第二网格党支部"]
COLUMNS = [Column("序号", 0.6), Column("姓名", 1.0), Column("性别", 0.6), Column("所在党支部", 2.4, "left"),
           Column("年度积分", 0.9, "right"), Column("星级", 1.0), Column("评定结果", 1.2)]


def rows(n: int) -> list[list]:
    rnd = random.Random(7)
    out = []
    for i in range(1, n + 1):
        score = rnd.randint(55, 100)
        count = 3 if score >= 90 else 2 if score >= 80 else 1 if score >= 60 else 0
        out.append([i, rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN), rnd.choice("男女"),
                    rnd.choice(BRANCHES), score, stars(count) or "—",
                    ["不合格党员", "一星党员", "二星党员", "三星党员"][count]])
    return out


def sheet(data: list[list]) -> PublicitySheet:
    return PublicitySheet(
        title="关于城关镇2025年度星级党员评定结果的公示", issuer="中共城关镇委员会", columns=COLUMNS, rows=data,
        opening="经党员自评、支部初评、镇党委审核，评定出2025年度星级党员，现予公示。",
        notes=["年度积分90分及以上为三星党员，80—89分为二星党员，60—79分为一星党员。"],
        period_start="2026-03-01", period_end="2026-03-07",
        contact=ObjectionContact(office="镇党委组织办", phone="0738-1234567", address="城关镇人民政府二楼"),
        paper="A4", orientation="landscape",
    )


def bare_table(data: list[list], font: str, table_class=LongTable) -> bytes:
    buf = io.BytesIO()
    # Same page, margins and cell padding as the sheet, so only our layer differs.
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=22 * mm, bottomMargin=20 * mm)
    width = landscape(A4)[0] - 40 * mm
    ratios = [c.width for c in COLUMNS]
    table = table_class([[c.header for c in COLUMNS]] + [[str(v) for v in r] for r in data],
                        colWidths=[width * r / sum(ratios) for r in ratios], repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 12, 15.6), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                               ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    doc.build([table])
    return buf.getvalue()


def ascii_rows(data: list[list]) -> list[list]:
    return [[r[0], f"Member {r[0]:04d}", "M", "Branch of Chengguan village", r[4], "*" * len(r[5]), "one star"]
            for r in data]


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="publicity sheet PDF benchmark")
    ap.add_argument("--rows", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    data = rows(args.rows)
    register_bundled_font()
    fonts = load_fonts()
    build_publicity_pdf(sheet(data[:5]))  # warm-up: font parsing happens once per process

    def sheet_with(table_class):
        def build():
            sh = sheet(data)
            lay = sheetpdf._Layout(sh, fonts)
            return sheetpdf.render(sh, lay, sheetpdf.build_story(sh, fonts, lay, table_class=table_class))
        return build

    results = [
        ("baseline-helvetica", *timed(lambda: bare_table(ascii_rows(data), "Helvetica"), args.repeat)),
        ("baseline-cjk", *timed(lambda: bare_table(data, fonts.primary), args.repeat)),
        ("sheet-with-Table", *timed(sheet_with(Table), args.repeat)),
        ("sheet", *timed(lambda: build_publicity_pdf(sheet(data)), args.repeat)),
    ]
    guard, _ = timed(lambda: check_privacy(COLUMNS, data), args.repeat)
    print(f"{args.rows} rows, A4 landscape, median of {args.repeat}")
    print(f"{'variant':<20}{'seconds':>10}{'x cjk':>8}{'KiB':>8}")
    base = dict((name, t) for name, t, _ in results)["baseline-cjk"]
    for name, t, pdf in results:
        print(f"{name:<20}{t:>10.3f}{t / base:>8.2f}{len(pdf) / 1024:>8.0f}")
    print(f"{'privacy guard only':<20}{guard:>10.3f}")
    sheet_time = dict((name, t) for name, t, _ in results)["sheet"]
    budget = args.rows / 600  # 1 s per 600 rows on an office laptop
    ok = sheet_time < budget and sheet_time < 3 * base
    print(f"{args.rows / sheet_time:,.0f} rows/s; target (sheet < {budget:.1f} s and < 3x baseline-cjk):",
          "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
