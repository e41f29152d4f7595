"""The tables clerks take out, described once: results of a round, the year's points totals and
stars, 三会一课 compliance, the warnings. The command line's `--out FILE.xlsx` and the GUI's
导出 Excel / 打印 build them here and write them with the one writer (tables.save_tables).

Each builder takes the rows as the caller has them (filtered and sorted as shown).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

from .. import dates
from ..db import Database
from .model import NUMBER, PERCENT, TEXT, Col, Table


def office_name(db: Database, office_id: str | None = None) -> str:
    """The unit a table is filed by: the office's top organisation (中共…委员会 / …党委), else the office."""
    oid = office_id or db.local_office_id
    root = db.one("SELECT name FROM org WHERE parent_id IS NULL AND office_id = ? ORDER BY sort_order LIMIT 1", (oid,))
    if root:
        return root["name"]
    office = db.one("SELECT name FROM office WHERE id = ?", (oid,))
    return office["name"] if office else ""


def _stars(n: int | None) -> str:
    return "★" * n if n else ""


def round_results_table(db: Database, rnd, rating, branches: Sequence | None = None) -> Table:
    """结果报告 of a round: rank, town, branch, total, rating, stars, veto, trend, quota, consequences.
    `branches`: the BranchRating rows in the order shown (default: by county rank)."""
    rows_in = list(branches) if branches is not None else sorted(
        rating.branches, key=lambda b: (b.rank_county or 10 ** 6, b.town, b.org_name))
    county = len({b.office_id for b in rating.branches}) > 1
    cols = [Col("全县排名" if county else "排名", NUMBER, 9)]
    if county:
        cols += [Col("乡镇", TEXT, 12), Col("镇内排名", NUMBER, 9)]
    cols += [Col("党组织", TEXT, 24), Col("类别", TEXT, 8), Col("总分", NUMBER, 8), Col("满分", NUMBER, 7),
             Col("等次", TEXT, 10), Col("星级", NUMBER, 6), Col("星级（★）", TEXT, 12), Col("否决", TEXT, 18),
             Col("上年等次", TEXT, 9), Col("较上年", TEXT, 7), Col("名额提示", TEXT, 10), Col("结果运用", TEXT, 44),
             Col("所处环节", TEXT, 9)]
    rows = []
    for b in rows_in:
        prev = b.previous or {}
        row = [b.rank_county if county else b.rank_town]
        if county:
            row += [b.town, b.rank_town]
        # A result still being filled is provisional (一星（暂定）) and its consequences "if confirmed";
        # a capped title shows the reviewer's decision (the rating and award are the decided ones).
        row += [b.org_name, b.kind or "", b.total, b.total_max, b.rating_text if b.rating else "", b.stars,
                _stars(b.stars), "；".join(b.veto_facts) if b.vetoed else "", prev.get("rating") or "",
                b.trend_label if b.trend else "",
                "名额待决定" if b.quota_pending else ("、".join(b.named) + "（已确定）" if b.named
                                                    else "、".join(b.quota_flags)),
                (b.consequence_prefix if b.consequences else "")
                + "；".join(f"{c.title}（{c.reason}）" for c in b.consequences), b.state]
        rows.append(row)
    notes = [f.message for f in rating.quota_flags] + [f"{t.town}：{t.applied.title}（{t.applied.reason}）"
                                                       for t in rating.town_consequences]
    if rating.provisional_count:
        notes.append(f"其中 {rating.provisional_count} 个党组织的考核尚未审核完毕，评定为暂定，结果运用为“如确定”。")
    title = rnd.title + ("结果" if rnd.title.endswith("评定") else "评定结果")
    muted = frozenset(n for n, b in enumerate(rows_in) if b.provisional and b.rating)
    if muted:
        notes.append("灰色字的行为暂定结果。")
    return Table(title, cols, rows, unit=office_name(db, rnd.office_id), at=f"{rnd.year}年度",
                 notes=notes + [f"评分方案：{rnd.scheme_name}"], sheet_name="评定结果", muted_rows=muted)


def points_totals_table(db: Database, year: int, totals: Iterable, *, office_id: str | None = None) -> Table:
    """年度积分与星级 of members (MemberTotal rows, in the order shown)."""
    cols = [Col("序号", NUMBER, 6), Col("党支部", TEXT, 22), Col("姓名", TEXT, 10), Col("基础分", NUMBER, 8),
            Col("加减分", NUMBER, 8), Col("年度总积分", NUMBER, 11), Col("星级", NUMBER, 6), Col("评定", TEXT, 12),
            Col("免评原因", TEXT, 18), Col("已锁定", TEXT, 7)]
    rows = [[i, t.org_name, t.name, t.base, t.items, t.total, t.stars, t.label, t.exempt_reason or "",
             "是" if t.locked else ""] for i, t in enumerate(totals, start=1)]
    counts: dict[str, int] = {}
    stars: dict[str, int] = {}
    for r in rows:
        counts[r[7]] = counts.get(r[7], 0) + 1
        stars[r[7]] = r[6] if r[6] is not None else -1
    # Most stars first, those not rated (免评) last: the order of the levels, not of the first rows.
    order = sorted(counts, key=lambda k: -stars[k])
    note = "共{}人：{}".format(len(rows), "，".join(f"{k}{counts[k]}人" for k in order)) if rows else "没有党员"
    return Table(f"{year}年度党员积分与星级", cols, rows, unit=office_name(db, office_id), at=f"{year}年度",
                 notes=[note], sheet_name="年度积分")


def compliance_view_table(db: Database, year: int, branches: Iterable, *, as_of: dt.date | None = None,
                          office_id: str | None = None) -> Table:
    """三会一课 compliance per branch (BranchCompliance rows): held / required per meeting type, missing."""
    from ..meetings.compliance import ORDER

    branches = list(branches)
    types = [t for t in ORDER if any(t in b.types and b.types[t].applicable for b in branches)]
    cols = [Col("党支部", TEXT, 22)]
    for t in types:
        cols += [Col(f"{t}应开", NUMBER, 8), Col(f"{t}已开", NUMBER, 8)]
    cols += [Col("完成率", PERCENT, 13), Col("缺少次数", NUMBER, 8), Col("缺少的月份/季度", TEXT, 58)]  # (100.0% on one line)
    rows = []
    for b in branches:
        row: list = [b.org_name]
        required = held = 0
        for t in types:
            tc = b.types.get(t)
            if tc is None or not tc.applicable:
                row += ["—", "—"]
                continue
            row += [tc.required, tc.held]
            required += tc.required
            held += tc.held
        missing = "；".join(f"{tc.meeting_type}缺{'、'.join(tc.missing)}" for tc in b.types.values()
                           if tc.applicable and tc.missing)
        row += [held / required if required else None, b.missing_total, missing]
        rows.append(row)
    as_of = as_of or dates.today()
    return Table(f"{year}年度三会一课召开情况", cols, rows, unit=office_name(db, office_id),
                 at=as_of if as_of.year == year else f"{year}年度",
                 notes=["已结束的月份、季度、半年才计入应开；本期尚未结束的不算缺少。"], sheet_name="三会一课")


def warnings_table(db: Database, warnings: Iterable, *, today: dt.date | None = None) -> Table:
    """预警 (registry warnings) as shown: level, kind, organisation, message."""
    from ..registry.warnings import LABELS

    towns = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM office")}
    ws = list(warnings)
    county = len({w.office_id for w in ws if w.office_id}) > 1
    cols = [Col("序号", NUMBER, 6), Col("级别", TEXT, 6), Col("类别", TEXT, 16)]
    if county:
        cols.append(Col("乡镇", TEXT, 12))
    cols += [Col("党组织", TEXT, 24), Col("内容", TEXT, 50)]
    rows = []
    for i, w in enumerate(ws, start=1):
        row = [i, w.level, LABELS.get(w.code, w.code)]
        if county:
            row.append(towns.get(w.office_id, ""))
        rows.append(row + [w.org_name, w.message])
    return Table("需要处理的提醒", cols, rows, unit=office_name(db), at=today or dates.today(),
                 sheet_name="预警")
