"""星级党员 publicity sheet of one branch (seed 001: each branch sets up a 星级党员 board): the
year's rated members with their total and stars, built by the shared publicity-sheet builder
(embedded font, 第X页 共Y页, privacy guard: no ID numbers, phones or addresses).

Members not rated on request (免评) are listed as 免评 without their reason (it is often
about health); members without a star are listed as 无星.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import dates
from ..db import Database
from ..errors import UserError
from ..points.common import fmt_points

PUBLICITY_WORKDAYS = 5  # 公示期一般不少于5个工作日


@dataclass
class MemberStarsOptions:
    paper: str = "A4"
    landscape: bool = False
    start: dt.date | str | None = None  # default: the year's recorded publicity start, else today
    end: dt.date | str | None = None  # default: start + 5 working days (or the recorded end)
    title: str | None = None
    issuer: str | None = None  # default: the branch's name
    show_points: bool = True


@dataclass
class MemberStarsInfo:
    sheet: object  # reports.pdf.PublicitySheet
    rows: int
    by_rating: dict[str, int]
    start: dt.date
    end: dt.date
    end_unconfirmed: list[int] = field(default_factory=list)  # years the end was counted Monday–Friday for

    @property
    def end_text(self) -> str:
        """The last day, marked 未确认 when counted through a year without a holiday table."""
        from .round_publicity import end_text

        return end_text(self.end, self.end_unconfirmed)


def _date(value, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dates.parse_iso(str(value))
    except ValueError:
        raise UserError(f"{what}“{value}”无效，应为 2026-03-01 这样的格式。") from None


def _period(db: Database, office_id: str, year: int,
            opt: MemberStarsOptions) -> tuple[dt.date, dt.date, list[int]]:
    """(start, end, years the end was counted through without a holiday table)."""
    from ..points.catalogue import year_settings

    ys = year_settings(db, office_id, year)
    if opt.start is not None:
        start = _date(opt.start, "公示开始日期")
    elif ys.publicity_start:
        start = dates.parse_iso(ys.publicity_start)
    else:
        start = dates.today()
    unknown: list[int] = []  # a day the clerk gave is confirmed; a counted one may rest on an unknown year
    if opt.end is not None:
        end = _date(opt.end, "公示结束日期")
    elif ys.publicity_end and opt.start is None:
        end = dates.parse_iso(ys.publicity_end)
    else:
        from ..assessment.workdays import calendar

        cal = calendar(db)
        end = cal.window_end(start, PUBLICITY_WORKDAYS)
        unknown = cal.unknown_years(start, end)
    if end < start:
        raise UserError("公示结束日期不能早于开始日期。")
    return start, end, unknown


def prepare(db: Database, year: int, org_id: str, options: MemberStarsOptions | None = None) -> MemberStarsInfo:
    """Gather the branch's member stars into a PublicitySheet (nothing is written)."""
    from ..points.totals import star_levels, star_rounding, totals
    from ..schemes.rounding import rounding_text
    from ..registry import get_setting
    from .fonts import SETTING_PDF_FONT
    from ..assessment.workdays import unconfirmed_note
    from .pdf import Column, PublicitySheet, contact_from_settings, stars
    from ..privacy import load_private_numbers

    opt = options or MemberStarsOptions()
    if opt.paper not in ("A4", "A3"):
        raise UserError("纸张只能是 A4 或 A3。")
    org = db.get("org", org_id)
    if org is None:
        raise UserError("找不到该党支部。")
    rows = totals(db, year, org_id=org_id)
    if not rows:
        raise UserError(f"{org['name']}没有{year}年度参加评星的党员。")
    levels, _source = star_levels()
    order = {lv.name: n for n, lv in enumerate(levels)}
    rows.sort(key=lambda t: (t.stars is None, order.get(t.rating, 99), t.name_pinyin))
    by_rating: dict[str, int] = {}
    for t in rows:
        by_rating[t.rating] = by_rating.get(t.rating, 0) + 1
    many = len({t.org_id for t in rows}) > 1
    columns = [Column("序号", 0.7), Column("姓名", 1.4)]
    if many:
        columns.append(Column("所在党支部", 2.6, "left"))
    if opt.show_points:
        columns.append(Column("年度积分", 1.1))
    columns += [Column("星级", 1.4), Column("评定结果", 1.5)]
    table = []
    for n, t in enumerate(rows, start=1):
        row: list = [n, t.name]
        if many:
            row.append(t.org_name)
        if opt.show_points:
            row.append(fmt_points(t.total) if t.stars is not None else "—")
        if t.stars is None:
            row += ["—", "免评"]
        else:
            row += [stars(t.stars) if t.stars else "—", t.label if t.stars else "无星"]
        table.append(row)
    start, end, unknown = _period(db, org["office_id"], year, opt)
    name = org["name"]
    title = (opt.title or "").strip() or f"{name}{year}年度星级党员评定结果公示"
    counts = "，".join(f"{lv.label}{by_rating[lv.name]}名" for lv in levels if lv.stars and by_rating.get(lv.name))
    # Every row of the list is in the opening's figures: those without a star and those not rated too.
    others = [f"{what}{n}名" for what, n in (("无星", sum(1 for t in rows if t.stars == 0)),
                                               ("免评", by_rating.get("免评", 0))) if n]
    opening = (f"根据党员积分制管理有关规定，经统计党员{year}年度个人总积分、支部党员大会通报，"
               f"{name}{year}年度党员评星工作已基本完成" + (f"，共评出{counts}" if counts else "")
               + (f"{'；另有' if counts else '，'}{'、'.join(others)}" if others else "")
               + "。现将评定结果予以公示，接受党员群众监督。")
    rule = "、".join(f"{fmt_points(lv.min)}分及以上为{lv.label}" for lv in levels if lv.stars)
    notes = [f"评定标准：年度总积分{rule}；{fmt_points(levels[-2].min)}分以下无星。" if len(levels) > 1 else ""]
    notes.append(rounding_text(star_rounding()))  # how a total with a fraction meets the whole-point lines
    if by_rating.get("免评"):
        notes.append(f"有{by_rating['免评']}名党员因特殊情况经本人申请、组织同意，不参与本年度评星。")
    sheet = PublicitySheet(
        title=title, issuer=(opt.issuer or "").strip() or name, columns=columns, rows=table,
        period_start=start, period_end=end, contact=contact_from_settings(db), opening=opening,
        period_end_note=unconfirmed_note(unknown) if unknown else "",
        notes=[n for n in notes if n], issue_date=start, paper=opt.paper,
        orientation="landscape" if opt.landscape else "portrait",
        font_path=(get_setting(db, SETTING_PDF_FONT) or "").strip() or None,
        privacy_source=lambda: load_private_numbers(db))
    return MemberStarsInfo(sheet, len(table), by_rating, start, end, unknown)


def build_member_stars(db: Database, year: int, org_id: str, out: str | Path | None = None,
                       options: MemberStarsOptions | None = None) -> bytes | Path:
    """Build the 星级党员 sheet; returns the PDF bytes, or the path when `out` is given."""
    from .pdf import build_publicity_pdf

    return build_publicity_pdf(prepare(db, year, org_id, options).sheet, out)
