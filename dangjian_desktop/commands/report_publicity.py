"""`dangjian report publicity`: the publicity sheet (公示) of an assessment round as a print-ready PDF."""

from __future__ import annotations

from .. import dates
from ._common import add_round, parse_date, round_arg, with_round


def register(sub, group) -> None:
    g = group("report", "打印报表")
    p = g.add_parser("publicity", help="考核结果公示（PDF，可张贴）")
    add_round(p)
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="保存的 PDF 文件")
    p.add_argument("--paper", choices=["A4", "A3"], default="A4", help="纸张（默认 A4）")
    p.add_argument("--landscape", action="store_true", help="横向（默认纵向）")
    p.add_argument("--start", metavar="DATE", help="公示开始日期（默认：本轮定的公示日期尚未到时用它，否则为今天）")
    p.add_argument("--title", help="标题（默认“关于××2025年度星级党组织评定结果的公示”）")
    p.add_argument("--issuer", help="发布单位（默认取设置 publicity_issuer）")
    p.set_defaults(func=with_round(cmd_publicity))


def cmd_publicity(ctx) -> int:
    from ..assessment import resolve_round
    from ..reports.round_publicity import PublicityOptions, build_round_publicity, prepare
    from ..tables import check_suffix

    a = ctx.args
    if a.out:
        check_suffix(a.out, (".pdf",))  # a PDF written under a .xlsx name opens nowhere
    parse_date(a.start, "公示开始日期")
    opts = PublicityOptions(paper=a.paper, landscape=a.landscape, start=a.start, title=a.title, issuer=a.issuer)
    with ctx.open_db("read") as db:
        rnd = resolve_round(db, round_arg(a))
        info = prepare(db, rnd.id, opts)
        path = build_round_publicity(db, rnd.id, a.out, opts)
    print(f"已保存 {path}：{info.rows} 个党组织，公示期 {dates.format_cn(info.start)}至{info.end_text}。")
    if info.left_out:
        print(f"另有 {info.left_out} 个党组织尚未审核完毕（未进入公示或考核分未填完），未列入公示。")
    import sys

    from ..reports.round_publicity import vetoes_pending_text

    for w in info.warnings + ([vetoes_pending_text(info.vetoes_pending)] if info.vetoes_pending else []):
        print(f"注意：{w}", file=sys.stderr)
    return 0
