"""Year over year: how the branches did in the assessments, the year's member points, and
三会一课 month by month — gathered from the modules that own the rules, never recomputed:

    assessment_history(db, office_id=None, scheme_id=None)   assessment.results.rate_round per year
    points_overview(db, year, office_id=None, org_id=None)   points.totals.totals / branch_summary
    compliance_grid(db, year, office_id=None, as_of=None)    meetings.compliance.compliance_table

Each result also gives its charts (statistics.charts.Chart) and its tables (tables.Table).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .. import dates
from ..db import Database
from ..pinyin import sort_key
from ..tables import NUMBER, PERCENT, TEXT, Col, Table
from .charts import BAR, GRID, HSTACKED, LINE, STACKED, Chart, Series

NO_RATING = "未评定"


# ---- assessments ---------------------------------------------------------------------------------

@dataclass
class BranchYears:
    org_id: str
    name: str
    town: str
    office_id: str
    years: dict[int, dict[str, Any]] = field(default_factory=dict)  # year -> total, rating, stars, state


@dataclass
class AssessmentHistory:
    scheme_id: str | None
    scheme_name: str
    years: list[int]
    ratings: list[str]  # the scheme's rating names, best first
    branches: list[BranchYears]
    distribution: dict[int, dict[str, int]]  # year -> rating -> branches
    by_town: dict[str, dict[str, int]]  # the latest year: town -> rating -> branches
    states: dict[int, str]  # year -> the round's state (确定 once all sheets are confirmed)

    def branch(self, org_id: str) -> BranchYears | None:
        return next((b for b in self.branches if b.org_id == org_id), None)

    def average(self, year: int) -> float | None:
        vals = [b.years[year]["total"] for b in self.branches if year in b.years and b.years[year]["total"] is not None]
        return round(sum(vals) / len(vals), 2) if vals else None

    def distribution_chart(self, unit: str = "") -> Chart:
        return Chart(STACKED, "考核等次分布（逐年）", [f"{y}年" for y in self.years],
                     [Series(r, [self.distribution.get(y, {}).get(r, 0) for y in self.years]) for r in self.ratings],
                     unit="个", note=f"{unit}  {self.scheme_name}".strip())

    def towns(self) -> list[str]:
        """The towns of the latest year, by pinyin."""
        return sorted(self.by_town, key=sort_key)

    def town_chart(self) -> Chart:
        towns = self.towns()
        year = self.years[-1] if self.years else ""
        return Chart(STACKED, f"{year}年各乡镇考核等次", towns,
                     [Series(r, [self.by_town[t].get(r, 0) for t in towns]) for r in self.ratings], unit="个",
                     note=self.scheme_name, width=480, height=260)

    def line_chart(self, org_ids: list[str], unit: str = "") -> Chart:
        """Totals over the years of the chosen branches, with the average of all for comparison."""
        series = []
        for oid in org_ids:
            b = self.branch(oid)
            if b is not None:
                series.append(Series(b.name, [(b.years.get(y) or {}).get("total") for y in self.years]))
        series.append(Series("平均", [self.average(y) for y in self.years]))
        title = "考核总分（逐年）" if len(series) != 2 else f"{series[0].name}考核总分（逐年）"
        return Chart(LINE, title, [f"{y}年" for y in self.years], series, unit="分",
                     note=f"{unit}  {self.scheme_name}".strip())

    def table(self, unit: str = "") -> Table:
        county = len({b.office_id for b in self.branches}) > 1
        cols = ([Col("乡镇", TEXT, 12)] if county else []) + [Col("党组织", TEXT, 24)]
        for y in self.years:
            cols += [Col(f"{y}年总分", NUMBER, 9), Col(f"{y}年等次", TEXT, 9)]
        rows = []
        for b in self.branches:
            row: list = ([b.town] if county else []) + [b.name]
            for y in self.years:
                r = b.years.get(y) or {}
                row += [r.get("total"), r.get("rating") or ""]
            rows.append(row)
        notes = [f"{y}年考核尚未全部确定（{self.states[y]}）" for y in self.years if self.states.get(y) != "确定"]
        return Table("考核结果逐年比较", cols, rows, unit=unit, at=f"{self.years[0]}—{self.years[-1]}年"
                     if self.years else None, notes=notes + [f"评分方案：{self.scheme_name}"], sheet_name="逐年比较")


def assessment_history(db: Database, *, office_id: str | None = None, org_ids: set[str] | None = None,
                       scheme_id: str | None = None) -> AssessmentHistory:
    """Every round of one scheme (default: the latest round's), oldest first, rated as 结果报告
    rates it; the branches of one town (office_id) or of a subtree (org_ids), or all."""
    from ..assessment import list_rounds, rate_round

    rounds = list_rounds(db)
    if scheme_id is None and rounds:
        scheme_id = rounds[0].scheme_id
    rounds = sorted((r for r in rounds if r.scheme_id == scheme_id), key=lambda r: (r.year, r.created_at))
    by_year = {r.year: r for r in rounds}  # the latest round of a year stands for it
    branches: dict[str, BranchYears] = {}
    distribution: dict[int, dict[str, int]] = {}
    by_town: dict[str, Counter] = {}
    names: list[str] = []
    states: dict[int, str] = {}
    scheme_name = ""
    for year in sorted(by_year):
        rnd = by_year[year]
        rating = rate_round(db, rnd.id)
        scheme_name = rnd.scheme_name
        for n in rating.scheme.rating.names():
            if n not in names:
                names.append(n)
        states[year] = rnd.state
        counts: Counter = Counter()
        latest = year == max(by_year)
        for b in rating.branches:
            if office_id and b.office_id != office_id or org_ids is not None and b.org_id not in org_ids:
                continue
            entry = branches.setdefault(b.org_id, BranchYears(b.org_id, b.org_name, b.town, b.office_id))
            entry.years[year] = {"total": b.total, "rating": b.rating, "stars": b.stars, "state": b.state}
            counts[b.rating or NO_RATING] += 1
            if latest:
                by_town.setdefault(b.town, Counter())[b.rating or NO_RATING] += 1
        distribution[year] = dict(counts)
    if any(NO_RATING in c for c in distribution.values()):
        names.append(NO_RATING)
    ordered = sorted(branches.values(), key=lambda b: (sort_key(b.town), sort_key(b.name)))
    return AssessmentHistory(scheme_id, scheme_name, sorted(by_year), names, ordered, distribution,
                             {t: dict(c) for t, c in by_town.items()}, states)


# ---- points --------------------------------------------------------------------------------------

#: Bins of members' yearly totals; the star lines (90 / 80 / 60) are bin edges.
POINT_BINS = ((None, 60, "60分以下"), (60, 70, "60—69分"), (70, 80, "70—79分"), (80, 90, "80—89分"),
              (90, 100, "90—99分"), (100, None, "100分及以上"))


@dataclass
class PointsOverview:
    year: int
    bins: dict[str, int]  # bin label -> members
    exempt: int
    branches: list  # points.totals.BranchSummary
    levels: list[tuple[int, str]]  # (stars, name) highest first
    towns: dict[str, str] = field(default_factory=dict)  # office id -> name, when the branches are of several

    def branch_label(self, b) -> str:
        """A branch as the chart names it: with its town when the branches are of several."""
        town = self.towns.get(b.office_id, "")
        return b.org_name if not town or b.org_name.startswith(town) else f"{town}{b.org_name}"

    def distribution_chart(self, unit: str = "") -> Chart:
        return Chart(BAR, f"{self.year}年度党员积分分布", list(self.bins), [Series("人数", list(self.bins.values()))],
                     unit="人", note=f"{unit}  免评{self.exempt}人".strip())

    def stars_chart(self, unit: str = "", limit: int = 30) -> Chart:
        rows = sorted(self.branches, key=lambda b: (-(b.average or 0), b.org_name))[:limit]
        title = f"{self.year}年度各党支部党员星级"
        note = unit
        if len(self.branches) > limit:  # said in the title and the note, never a quiet cut
            title = f"{self.year}年度党员平均积分最高的{limit}个党支部的党员星级"
            note = f"{unit}  共{len(self.branches)}个党支部，图中为平均积分最高的{limit}个；全部党支部见表格".strip()
        return Chart(HSTACKED, title, [self.branch_label(b) for b in rows],
                     [Series(name, [b.stars.get(stars, 0) for b in rows]) for stars, name in self.levels],
                     unit="人", note=note, colors=["#C0392B", "#F39C12", "#2E86C1", "#7F8C8D"],
                     height=max(250.0, 70 + 16 * len(rows)))

    def table(self, unit: str = "") -> Table:
        cols = [Col("党支部", TEXT, 24), Col("党员", NUMBER, 7), Col("参评", NUMBER, 7), Col("免评", NUMBER, 7),
                Col("平均分", NUMBER, 8)] + [Col(name, NUMBER, 7) for _, name in self.levels] + \
            [Col("最低分", NUMBER, 8), Col("最高分", NUMBER, 8)]
        rows = [[b.org_name, b.members, b.rated, b.exempt, b.average] + [b.stars.get(s, 0) for s, _ in self.levels]
                + [b.lowest, b.highest] for b in self.branches]
        if self.towns:  # branches of one name in two towns told apart
            cols.insert(0, Col("乡镇", TEXT, 10))
            rows = [[self.towns[b.office_id], *row] for b, row in zip(self.branches, rows)]
        return Table(f"{self.year}年度各党支部党员积分与星级", cols, rows, unit=unit, at=f"{self.year}年度",
                     sheet_name="支部星级")


def points_overview(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None
                    ) -> PointsOverview:
    from ..points.totals import branch_summary, star_levels, totals
    from ..registry.offices import office_names

    rows = totals(db, year, office_id=office_id, org_id=org_id)
    bins = {label: 0 for _, _, label in POINT_BINS}
    exempt = 0
    for t in rows:
        if t.stars is None:
            exempt += 1
            continue
        for lo, hi, label in POINT_BINS:
            if (lo is None or t.total >= lo) and (hi is None or t.total < hi):
                bins[label] += 1
                break
    summary = branch_summary(db, year, rows=rows)
    towns: dict[str, str] = {}
    if len({b.office_id for b in summary}) > 1:
        towns = office_names(db)
    summary.sort(key=lambda b: (sort_key(towns[b.office_id]) if towns else "", sort_key(b.org_name)))
    levels = [(lv.stars, lv.name) for lv in star_levels()[0]]
    return PointsOverview(int(year), bins, exempt, summary, levels, towns)


# ---- 三会一课 month by month -------------------------------------------------------------------------

@dataclass
class ComplianceGrid:
    year: int
    as_of: dt.date
    rows: list[str]  # branch (or town) names
    held: list[list[int]]  # [row][month 0..11] requirements met among those due that month
    due: list[list[int]]  # [row][month] requirements whose period ended that month (and by as_of)

    def rate(self, i: int, m: int) -> float | None:
        return self.held[i][m] / self.due[i][m] if self.due[i][m] else None

    def chart(self, unit: str = "") -> Chart:
        months = [f"{m}月" for m in range(1, 13)]
        return Chart(GRID, f"{self.year}年三会一课逐月完成情况", months,
                     [Series(name, [self.rate(i, m) for m in range(12)]) for i, name in enumerate(self.rows)],
                     cells=[[f"{self.held[i][m]}/{self.due[i][m]}" if self.due[i][m] else "" for m in range(12)]
                            for i in range(len(self.rows))],
                     note=f"{unit}  格中为 已开/应开（本月到期的会议），统计到{dates.format_cn(self.as_of)}".strip())

    def table(self, unit: str = "") -> Table:
        cols = [Col("党支部", TEXT, 24)] + [Col(f"{m}月", PERCENT, 7) for m in range(1, 13)] + [Col("全年", PERCENT, 8)]
        rows = []
        for i, name in enumerate(self.rows):
            due, held = sum(self.due[i]), sum(self.held[i])
            rows.append([name] + [self.rate(i, m) for m in range(12)] + [held / due if due else None])
        return Table(f"{self.year}年三会一课逐月完成率", cols, rows, unit=unit, at=self.as_of,
                     notes=["每格为当月到期的会议（每月的支委会、党小组会，季末的党员大会、党课，半年末的组织生活会）中按时召开的比例。"],
                     sheet_name="逐月完成率")


def compliance_grid(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None,
                    as_of: dt.date | None = None, by_town: bool = False) -> ComplianceGrid:
    """Per branch (or, at the county, per town) and month: meetings due and held."""
    from ..meetings.compliance import compliance_table

    as_of = as_of or dates.today()
    table = compliance_table(db, year, office_id=office_id, org_id=org_id, as_of=as_of)
    towns = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM office")}
    names: list[str] = []
    due: list[list[int]] = []
    held: list[list[int]] = []
    index: dict[str, int] = {}
    for b in table:
        key = towns.get(b.office_id, "") if by_town else b.org_id
        if key not in index:
            index[key] = len(names)
            names.append(key if by_town else b.org_name)
            due.append([0] * 12)
            held.append([0] * 12)
        i = index[key]
        for tc in b.types.values():
            d, h = month_counts(tc, int(year), as_of)
            for m in range(12):
                due[i][m] += d[m]
                held[i][m] += h[m]
    if by_town:  # towns by pinyin (compliance lists the branches town by town in the offices' order)
        order = sorted(range(len(names)), key=lambda i: sort_key(names[i]))
        names, held, due = [names[i] for i in order], [held[i] for i in order], [due[i] for i in order]
    return ComplianceGrid(int(year), as_of, names, held, due)


def month_counts(tc, year: int, as_of: dt.date) -> tuple[list[int], list[int]]:
    """For one meeting type of one branch (meetings.compliance.TypeCompliance): per month, the
    periods that ended that month by `as_of` (due), and of those the ones not listed missing (held)."""
    from ..meetings.compliance import periods

    due, held = [0] * 12, [0] * 12
    if not tc.applicable:
        return due, held
    # 党小组会: every party group on its own (their lists hold the plain period labels).
    for missing in ([g.missing for g in tc.groups] if tc.groups else [tc.missing]):
        gone = set(missing)
        for p in periods(tc.frequency, year):
            if p.end >= as_of:  # as compliance counts: a period is due once it has ended
                continue
            due[p.end.month - 1] += 1
            if p.label not in gone:
                held[p.end.month - 1] += 1
    return due, held
