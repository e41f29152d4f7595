"""`dangjian report members`: a branch's 星级党员 publicity sheet for a year as a print-ready PDF."""

from __future__ import annotations

from .. import dates
from ._common import add_town, add_year, check_year, find_branch, one_town, parse_date


def register(sub, group) -> None:
    g = group("report", "打印报表")
    p = g.add_parser("members", help="星级党员评定结果公示（某党支部，PDF）")
    add_year(p)
    p.add_argument("--branch", required=True, metavar="NAME", help="党支部名称")
    add_town(p)
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="保存的 PDF 文件")
    p.add_argument("--paper", choices=["A4", "A3"], default="A4", help="纸张（默认 A4）")
    p.add_argument("--landscape", action="store_true", help="横向（默认纵向）")
    p.add_argument("--start", metavar="DATE", help="公示开始日期（默认为已登记的公示日期，否则今天）")
    p.add_argument("--end", metavar="DATE", help="公示结束日期（默认开始后5个工作日）")
    p.add_argument("--no-points", dest="points", action="store_false", help="不列出积分，只列星级")
    p.add_argument("--issuer", help="落款（默认为党支部名称）")
    p.set_defaults(func=cmd_members)


def cmd_members(ctx) -> int:
    from ..reports.member_stars import MemberStarsOptions, build_member_stars, prepare
    from ..tables import check_suffix

    a = ctx.args
    if a.out:
        check_suffix(a.out, (".pdf",))  # a PDF written under a .xlsx name opens nowhere
    parse_date(a.start, "公示开始日期")
    parse_date(a.end, "公示结束日期")
    opts = MemberStarsOptions(paper=a.paper, landscape=a.landscape, start=a.start, end=a.end, issuer=a.issuer,
                              show_points=a.points)
    with ctx.open_db("read") as db:
        office = one_town(db, a.town) if a.town else None
        org = find_branch(db, a.branch, office)
        info = prepare(db, check_year(a.year), org["id"], opts)
        path = build_member_stars(db, a.year, org["id"], a.out, opts)
    counts = "，".join(f"{k}{v}人" for k, v in info.by_rating.items())
    print(f"已保存 {path}：{info.rows}名党员（{counts}），公示期 {dates.format_cn(info.start)}至{info.end_text}。")
    return 0
