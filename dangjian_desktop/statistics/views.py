"""What the 统计 page shows, section by section, as (name, table, chart) views — plain data made
off the GUI thread; the page only lays them out and the shared writer takes them out.

    structure_views(db, org_id, as_of)                党员队伍结构: the report's tables with their charts
    assessment_views(db, office_id, org_id)           考核结果: year over year, distribution, towns
    points_views(db, year, office_id, org_id)         党员积分: totals distribution, stars per branch
    compliance_views(db, year, office_id, org_id, as_of, by_town)   三会一课 per branch per month
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from .. import dates
from ..db import Database
from ..registry.orgs import subtree_ids
from ..tables import NUMBER, PERCENT, TEXT, Col, Table
from ..tables.sources import office_name
from .charts import Chart
from .report import structure_tables
from . import kept_counts
from .structure import default_date, scope_unit, structure
from .trends import assessment_history, compliance_grid, points_overview


@dataclass
class View:
    name: str
    table: Table
    chart: Chart | None = None
    row_chart: Callable[[int], Chart] | None = None  # the chart of a row the clerk picks (a branch's line)


def _unit(db: Database, office_id: str | None, org_id: str | None) -> str:
    return scope_unit(db, org_id) if org_id else office_name(db, office_id) if office_id else scope_unit(db, None)


def structure_views(db: Database, org_id: str | None = None, as_of: dt.date | None = None, *,
                    kept_between_runs: bool = False) -> list[View]:
    """kept_between_runs: start from the counts kept for this database (statistics.kept_counts: in
    the same run after a save, or from an earlier run), so that only the members changed since are
    counted again, and keep the new ones."""
    as_of = as_of or default_date()
    s = kept_counts.counted(db, org_id, as_of) if kept_between_runs else structure(db, org_id, as_of)
    return [View(t.sheet_name or t.title, t, t.chart) for t in structure_tables(s)]


def assessment_views(db: Database, office_id: str | None = None, org_id: str | None = None) -> list[View]:
    unit = _unit(db, office_id, org_id)
    org_ids = set(subtree_ids(db, org_id)) if org_id else None
    h = assessment_history(db, office_id=office_id, org_ids=org_ids)
    if not h.years:
        empty = Table("考核结果逐年比较", [Col("说明")], [["还没有考核轮次。"]], unit=unit)
        return [View("逐年比较", empty)]
    table = h.table(unit)
    offset = 1 if len({b.office_id for b in h.branches}) > 1 else 0
    default = [b.org_id for b in h.branches[:1]]

    def line(row: int) -> Chart:
        name = table.rows[row][offset]
        picked = next((b.org_id for b in h.branches if b.name == name
                       and (not offset or b.town == table.rows[row][0])), None)
        return h.line_chart([picked] if picked else [], unit)

    views = [View("逐年比较", table, h.line_chart(default, unit), line)]
    dist_cols = [Col("年度", TEXT, 8)] + [Col(r, NUMBER, 9) for r in h.ratings] + [Col("合计", NUMBER, 8)]
    dist_rows = [[f"{y}年"] + [h.distribution.get(y, {}).get(r, 0) for r in h.ratings]
                 + [sum(h.distribution.get(y, {}).values())] for y in h.years]
    views.append(View("等次分布", Table("考核等次分布（逐年）", dist_cols, dist_rows, unit=unit,
                                       at=f"{h.years[0]}—{h.years[-1]}年", notes=[f"评分方案：{h.scheme_name}"],
                                       sheet_name="等次分布"), h.distribution_chart(unit)))
    if len(h.by_town) > 1:
        towns = h.towns()
        town_rows = [[t] + [h.by_town[t].get(r, 0) for r in h.ratings] + [sum(h.by_town[t].values())] for t in towns]
        views.append(View("各乡镇", Table(f"{h.years[-1]}年各乡镇考核等次", [Col("乡镇", TEXT, 12)] + dist_cols[1:],
                                         town_rows, unit=unit, at=f"{h.years[-1]}年度", sheet_name="各乡镇"),
                          h.town_chart()))
    return views


def points_views(db: Database, year: int, office_id: str | None = None, org_id: str | None = None) -> list[View]:
    unit = _unit(db, office_id, org_id)
    p = points_overview(db, year, office_id=office_id, org_id=org_id)
    total = sum(p.bins.values())
    bins = Table(f"{year}年度党员积分分布", [Col("积分", TEXT, 14), Col("人数", NUMBER, 8), Col("占参评党员", PERCENT, 11)],
                 [[k, v, v / total if total else None] for k, v in p.bins.items()], unit=unit, at=f"{year}年度",
                 notes=[f"免评{p.exempt}人不计入。"], sheet_name="积分分布")
    return [View("积分分布", bins, p.distribution_chart(unit)), View("支部星级", p.table(unit), p.stars_chart(unit))]


def compliance_views(db: Database, year: int, office_id: str | None = None, org_id: str | None = None,
                     as_of: dt.date | None = None, by_town: bool = False) -> list[View]:
    """Meetings due by the end of the statistics date `as_of` (a period ending that day included),
    but never by more than today: compliance counts a period due once it has ended before its
    `as_of`, so it is asked with the day after the date, or today when that is earlier (the
    running period is not missed, nor are the months still to come)."""
    unit = _unit(db, office_id, org_id)
    today = dates.today()
    as_of = min(as_of or today, today)
    counted_to = min(as_of + dt.timedelta(days=1), today)
    g = compliance_grid(db, year, office_id=office_id, org_id=org_id, as_of=counted_to, by_town=by_town)
    g.as_of = as_of  # what the note and the table say: 统计到 the date, or today
    table = g.table(unit)
    if by_town:
        table.columns = [Col("乡镇", TEXT, 14)] + list(table.columns[1:])
    return [View("逐月完成率", table, g.chart(unit))]


def town_root(db: Database, office_id: str) -> str | None:
    """The top organisation (党委) of a town: the structure of "the town" is its subtree."""
    row = db.one("SELECT id FROM org WHERE office_id = ? AND parent_id IS NULL ORDER BY sort_order LIMIT 1",
                 (office_id,))
    return row["id"] if row else None


def scope_orgs(db: Database, office_id: str) -> list[tuple[str, str]]:
    """(id, name) of the 党总支 and 党支部 of a town a clerk can pick as the scope, in tree order."""
    return [(r["id"], r["name"]) for r in db.query(
        "SELECT id, name FROM org WHERE office_id = ? AND org_type IN ('党总支', '党支部') "
        "ORDER BY org_type DESC, sort_order, name", (office_id,))]


def latest_year(db: Database) -> int:
    """The year the points and meetings views start on: the latest with any entry, else this year."""
    years = [db.scalar("SELECT max(year) FROM points_entry_sum"), db.scalar("SELECT max(substr(date, 1, 4)) FROM meeting")]
    found = [int(y) for y in years if y]
    return max(found) if found else dates.today().year
