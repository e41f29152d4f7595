"""`dangjian dues …` (党费): status per member, arrears, branch totals, Excel import and export,
bases, payments, exemptions, the rate table."""

from __future__ import annotations

from pathlib import Path

from .. import dates
from ._common import (add_json, add_town, add_year, check_year, errors_target, input_file, parse_date, tell_import,
                      town_and_branch, town_or_all, tty_progress, year_type)


def register(sub, group) -> None:
    g = group("dues", "党费：基数、缴费、欠缴、导入导出")

    p = g.add_parser("status", help="每名党员的年度党费：基数、已交月份、欠缴")
    add_year(p, "年度，如 2026")
    p.add_argument("--branch", metavar="NAME", help="只看某个党支部")
    add_town(p)
    p.add_argument("--as-of", dest="as_of", metavar="DATE", help="按此日期计算欠缴（默认今天；未结束的月份不算欠缴）")
    p.add_argument("--owing", action="store_true", help="只列出有欠缴的党员（催缴名单）")
    add_json(p)
    p.set_defaults(func=cmd_status)

    p = g.add_parser("totals", help="各党支部的年度党费合计")
    add_year(p)
    add_town(p)
    p.add_argument("--as-of", dest="as_of", metavar="DATE", help="按此日期计算（默认今天）")
    add_json(p)
    p.set_defaults(func=cmd_totals)

    p = g.add_parser("export", help="导出党费收缴登记表（每名党员一行，每月一列）")
    add_year(p)
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="保存的 Excel 文件")
    p.add_argument("--branch", metavar="NAME", help="只导出某个党支部")
    add_town(p)
    p.set_defaults(func=cmd_export)

    p = g.add_parser("import", help="导入党费收缴登记表：有任何错误则一行也不写入")
    p.add_argument("file", metavar="FILE.xlsx", help="Excel 文件")
    p.add_argument("--year", type=year_type(), help="年度（默认取文件中的年度）")
    add_town(p)
    p.add_argument("--paid-on", dest="paid_on", metavar="DATE", help="新增缴费的日期（默认今天）")
    p.add_argument("--receiver", default="", help="收款人")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--errors", metavar="FILE.xlsx", help="有错误时把错误清单另存为 Excel")
    add_json(p)
    p.set_defaults(func=cmd_import)

    p = g.add_parser("base", help="核定党费基数（一年一核定；--from-month 为年内从某月起调整）")
    p.add_argument("member", metavar="MEMBER", help="党员姓名或身份证号")
    add_year(p)
    p.add_argument("--base", help="月缴纳基数（元，税后月收入）")
    p.add_argument("--class", dest="rate_class", help="党费类别（见 dues rates；默认按人员类别）")
    p.add_argument("--monthly", help="按固定金额交纳的类别的每月金额（元）")
    p.add_argument("--from-month", dest="from_month", type=int, default=1, help="从几月起（默认1月）")
    p.add_argument("--branch", metavar="NAME", help="党员所在党支部（同名时）")
    add_town(p)
    p.set_defaults(func=cmd_base)

    p = g.add_parser("carry", help="沿用上一年度的基数核定新年度（已核定的党员不变）")
    add_year(p, "新年度")
    add_town(p)
    p.set_defaults(func=cmd_carry)

    p = g.add_parser("pay", help="登记缴费（可提前交纳以后月份）")
    p.add_argument("member", metavar="MEMBER", help="党员姓名或身份证号")
    add_year(p)
    p.add_argument("--months", required=True, help="月份，如 3 或 1-6")
    p.add_argument("--amount", help="金额（元；默认按已核定基数计算这些月份尚欠的金额）")
    p.add_argument("--date", help="缴费日期（默认今天）")
    p.add_argument("--receiver", default="", help="收款人")
    p.add_argument("--note", default="", help="备注")
    p.add_argument("--branch", metavar="NAME", help="党员所在党支部（同名时）")
    add_town(p)
    p.set_defaults(func=cmd_pay)

    p = g.add_parser("exempt", help="少交或免交党费（须写明原因和批准情况）")
    p.add_argument("member", metavar="MEMBER", help="党员姓名或身份证号")
    add_year(p)
    p.add_argument("--months", required=True, help="月份，如 1-12")
    p.add_argument("--reason", required=True, help="原因")
    p.add_argument("--monthly", default="0", help="减免后每月交纳金额（元；0 为免交）")
    p.add_argument("--approved-by", dest="approved_by", default="", help="批准的党组织")
    p.add_argument("--approved-on", dest="approved_on", help="批准日期")
    p.add_argument("--branch", metavar="NAME", help="党员所在党支部（同名时）")
    add_town(p)
    p.set_defaults(func=cmd_exempt)

    p = g.add_parser("unexempt", help="取消已登记的党费减免（登记错了或情况变了时，取消后可重新登记）")
    p.add_argument("member", metavar="MEMBER", help="党员姓名或身份证号")
    add_year(p)
    p.add_argument("--months", help="减免包含的月份，如 3（该党员本年度有多条减免时须写）")
    p.add_argument("--branch", metavar="NAME", help="党员所在党支部（同名时）")
    add_town(p)
    p.set_defaults(func=cmd_unexempt)

    p = g.add_parser("rates", help="党费交纳标准（数据文件 resources/ledgers/dues_rates.json）")
    add_json(p)
    p.set_defaults(func=cmd_rates)


def _as_of(args):
    return parse_date(getattr(args, "as_of", None), "统计日期")


def cmd_status(ctx) -> int:
    from ..ledgers.common import fmt_yuan, months_label
    from ..ledgers.dues import status

    args = ctx.args
    year = check_year(args.year)
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, args)
        data = status(db, year, office_id=office, org_id=org, as_of=_as_of(args))
    if args.owing:
        data.members = [m for m in data.members if m.arrears_fen]
    if args.json:
        ctx.print_json(data.to_dict())
        return 0
    print(f"{year}年度党费（截至{dates.format_cn(data.as_of)}，未结束的月份不计欠缴）")
    print("党支部\t姓名\t类别\t月基数\t月应交\t已交月份\t已交\t欠缴月份\t欠缴")
    for m in data.members:
        print("\t".join([m.org_name, m.name, m.rate_class or "未核定", fmt_yuan(m.base_fen), fmt_yuan(m.monthly_fen),
                         months_label(m.months_paid), fmt_yuan(m.paid_fen), months_label(m.months_owed),
                         fmt_yuan(m.arrears_fen)]))
    owing = [m for m in data.members if m.arrears_fen]
    print(f"共{len(data.members)}人，欠缴{len(owing)}人，合计{fmt_yuan(sum(m.arrears_fen for m in owing))}元。")
    return 0


def cmd_totals(ctx) -> int:
    from ..ledgers.common import fmt_yuan
    from ..ledgers.dues import status

    args = ctx.args
    year = check_year(args.year)
    with ctx.open_db("read") as db:
        data = status(db, year, office_id=town_or_all(db, args.town), as_of=_as_of(args))
    if args.json:
        ctx.print_json({"year": year, "as_of": data.as_of.isoformat(), "branches": [b.to_dict() for b in data.branches]})
        return 0
    print("党支部\t党员\t已核定\t应交\t已交\t欠缴人数\t欠缴\t按时足额")
    for b in data.branches:
        share = f"{b.on_time_share:.0%}" if b.on_time_share is not None else "—"
        print("\t".join(str(x) for x in (b.org_name, b.members, b.based, fmt_yuan(b.due_fen), fmt_yuan(b.paid_fen),
                                         b.in_arrears, fmt_yuan(b.arrears_fen), f"{b.on_time}（{share}）")))
    return 0


def cmd_export(ctx) -> int:
    from ..ledgers.dues_excel import export_dues
    from ..tables import check_suffix

    args = ctx.args
    year = check_year(args.year)
    check_suffix(args.out, (".xlsx",))
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, args)
        path = export_dues(db, year, args.out, office_id=office, org_id=org, progress=tty_progress("正在导出……"))
    print(f"已导出：{path}")
    return 0


def cmd_import(ctx) -> int:
    from ..ledgers.dues_excel import import_dues

    args = ctx.args
    path = Path(input_file(args.file, "党费收缴登记表（Excel 文件）"))
    errors_target(args.errors)
    with ctx.open_db("read" if args.dry_run else "write") as db:
        office = town_or_all(db, args.town)
        report = import_dues(db, path, year=args.year, office_id=office, paid_on=args.paid_on,
                             receiver=args.receiver, dry_run=args.dry_run)
    return tell_import(ctx, report, args.errors)


def _member(db, args):
    from ..ledgers.common import find_member

    office, org = town_and_branch(db, args)
    return find_member(db, args.member, org_id=org, office_id=office)


def cmd_base(ctx) -> int:
    from ..ledgers.common import fmt_yuan
    from ..ledgers.dues import member_dues, set_base

    args = ctx.args
    with ctx.open_db() as db:
        m = _member(db, args)
        set_base(db, m["id"], check_year(args.year), base=args.base, rate_class=args.rate_class,
                 monthly=args.monthly, from_month=args.from_month)
        md = member_dues(db, m["id"], args.year)
    print(f"已核定：{m['name']} {args.year}年{args.from_month}月起 {md.rate_class}，"
          f"基数{fmt_yuan(md.base_fen) or '—'}元，每月应交{fmt_yuan(md.monthly_fen)}元。")
    return 0


def cmd_carry(ctx) -> int:
    from ..ledgers.dues import carry_bases

    args = ctx.args
    year = check_year(args.year)
    with ctx.open_db() as db:
        n = carry_bases(db, year - 1, year, office_id=town_or_all(db, args.town))
    print(f"已按{year - 1}年度基数核定{year}年度：{n}人。")
    return 0


def cmd_pay(ctx) -> int:
    from ..ledgers.common import fmt_yuan, months_label
    from ..ledgers.dues import member_dues, record_payment

    args = ctx.args
    with ctx.open_db() as db:
        m = _member(db, args)
        record_payment(db, m["id"], check_year(args.year), args.months, amount=args.amount, paid_on=args.date,
                       receiver=args.receiver, note=args.note)
        md = member_dues(db, m["id"], args.year)
    print(f"已登记：{m['name']} {args.year}年 已交{months_label(md.months_paid) or '—'}，"
          f"欠缴{fmt_yuan(md.arrears_fen)}元。")
    return 0


def cmd_exempt(ctx) -> int:
    from ..ledgers.dues import set_exemption

    args = ctx.args
    with ctx.open_db() as db:
        m = _member(db, args)
        set_exemption(db, m["id"], check_year(args.year), args.months, reason=args.reason, monthly=args.monthly,
                      approved_by=args.approved_by, approved_on=args.approved_on)
    print(f"已登记：{m['name']} {args.year}年{args.months}月党费减免。")
    return 0


def cmd_unexempt(ctx) -> int:
    from ..errors import UserError
    from ..ledgers.common import parse_months
    from ..ledgers.dues import exemption_label, exemptions, remove_exemption

    args = ctx.args
    year = check_year(args.year)
    months = parse_months(args.months) if args.months else None
    with ctx.open_db() as db:
        m = _member(db, args)
        rows = exemptions(db, m["id"], year)
        if months:
            rows = [r for r in rows if r["from_month"] <= months[1] and r["to_month"] >= months[0]]
        if not rows:
            raise UserError(f"{m['name']}{year}年" + (f"{args.months}月" if months else "") + "没有登记党费减免。")
        if len(rows) > 1:
            raise UserError(f"{m['name']}{year}年有{len(rows)}条党费减免：{'；'.join(exemption_label(r) for r in rows)}。"
                            "请用 --months 指明取消哪一条。")
        remove_exemption(db, rows[0]["id"])
    print(f"已取消：{m['name']} {year}年{exemption_label(rows[0])}。")
    return 0


def cmd_rates(ctx) -> int:
    from ..ledgers.dues import rate_table

    t = rate_table()
    if ctx.args.json:
        ctx.print_json({"title": t.title, "source": t.source, "note": t.note,
                        "classes": [{"name": c.name, "basis": c.basis, "rule": c.describe(),
                                     "person_classes": list(c.person_classes)} for c in t.classes]})
        return 0
    print(f"{t.title}（{t.source}）")
    for c in t.classes:
        print(f"  {c.name}：{c.describe()}")
    print(t.note)
    return 0
