"""`dangjian report structure`: the membership's structure (党员队伍结构) as text, JSON, Excel or PDF."""

from __future__ import annotations

import datetime as dt
import sys

from .. import dates
from ..errors import UserError
from ._common import FIRST_YEAR, add_json, parse_date


def register(sub, group) -> None:
    g = group("report", "打印报表")
    p = g.add_parser("structure", help="党员队伍结构统计：性别、民族、年龄、学历、入党时间、类别、人员类别、岗位、党组织、发展党员（Excel/PDF）")
    p.add_argument("--org", metavar="NAME", help="只统计该党组织（乡镇党委、党总支或党支部，含下级）；默认本单位全部")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="统计时间（计算年龄、确定党员的日期，默认今年12月31日；早于今天时按党籍变动记录还原当日的党员）")
    add_json(p)
    p.add_argument("--out", metavar="FILE.xlsx|FILE.pdf", help="保存为 Excel（每表一个工作表）或 PDF（含图表）")
    p.set_defaults(func=cmd_structure)


def cmd_structure(ctx) -> int:
    from ..statistics import DIMENSIONS, structure
    from ..statistics.structure import find_scope
    from ..tables import check_suffix

    a = ctx.args
    as_of = parse_date(a.date, "统计时间")
    if as_of is not None and not dt.date(FIRST_YEAR, 7, 1) <= as_of <= dt.date(dates.today().year + 1, 12, 31):
        raise UserError(f"统计时间{dates.format_cn(as_of)}无效，应在{FIRST_YEAR}年7月1日至"
                        f"{dates.today().year + 1}年12月31日之间。")
    if a.out:
        check_suffix(a.out)
    with ctx.open_db("read") as db:
        org_id = find_scope(db, a.org) if a.org else None
        s = structure(db, org_id, as_of)
        if a.out:
            from ..statistics.report import save_structure_report

            path = save_structure_report(db, s, a.out)
    if a.json:
        ctx.print_json(s.to_dict())
    elif not a.out:
        from ..statistics.report import summary_rows

        print(f"{s.unit}党员队伍结构（统计时间：{dates.format_cn(s.as_of)}）")
        for label, n in summary_rows(s):
            print(f"  {label.strip('　')}：{n}人")
        for key in DIMENSIONS:
            parts = "，".join(f"{k}{v}" for k, v in s.dimensions[key].counts.items() if v)
            print(f"  {key}：{parts or '—'}")
        o = s.orgs
        print(f"  党组织：党委{o['党委']}个，党总支{o['党总支']}个，党支部{o['党支部']}个，党小组{o['党小组']}个")
        print(f"  发展党员：{'，'.join(f'{k}{v}人' for k, v in s.pipeline.items())}")
        for note in s.notes:
            print(f"  注：{note}")
    if a.out:
        print(f"已保存 {path}：{s.unit}，党员{s.total}名，统计时间{dates.format_cn(s.as_of)}。",
              file=sys.stderr if a.json else sys.stdout)
    return 0
