"""`dangjian pipeline …` (发展党员): the people in the pipeline with their stage and dates, the
warnings from the procedure's intervals, entering applicants and steps, introducers, accepting a
probationary member onto the roster, conversion through the roster's status history, the plan."""

from __future__ import annotations

from .. import dates
from ..errors import UserError
from ._common import add_json, add_town, add_year, check_year, parse_date, town_and_branch, town_or_all


def register(sub, group) -> None:
    from ..ledgers.pipeline import STAGE_NAMES, STEPS

    g = group("pipeline", "发展党员：申请人、积极分子、发展对象、预备党员")

    p = g.add_parser("list", help="列出发展党员台账：每人的阶段和各环节日期")
    p.add_argument("--stage", choices=STAGE_NAMES, help="只列出某一阶段")
    p.add_argument("--branch", metavar="NAME", help="只看某个党支部")
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_list)

    p = g.add_parser("warnings", help="程序提示：环节过早、超期、缺少记录")
    p.add_argument("--branch", metavar="NAME", help="只看某个党支部")
    add_town(p)
    p.add_argument("--as-of", dest="as_of", metavar="DATE", help="按此日期检查（默认今天）")
    add_json(p)
    p.set_defaults(func=cmd_warnings)

    p = g.add_parser("add", help="登记入党申请人")
    p.add_argument("--branch", required=True, metavar="NAME", help="所在党支部")
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--id-number", dest="id_number", help="身份证号（接收为预备党员时必须有）")
    p.add_argument("--ethnicity", default="汉族", help="民族")
    p.add_argument("--education", help="学历")
    p.add_argument("--job", help="工作岗位")
    p.add_argument("--applied-on", dest="applied_on", required=True, metavar="DATE", help="递交入党申请书日期")
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_add)

    p = g.add_parser("step", help="登记一个环节（接收、转正会同时记入花名册）")
    p.add_argument("person", metavar="PERSON", help="姓名或编号")
    p.add_argument("step", choices=[s for s in STEPS if s != "申请"], help="环节")
    p.add_argument("--date", required=True, help="日期")
    p.add_argument("--decision", default="", help="决定机关/会议（如 支部委员会研究确定）")
    p.add_argument("--doc-no", dest="doc_no", default="", help="文号")
    p.add_argument("--hours", help="培训学时（集中培训）")
    p.add_argument("--months", help="延长的月数（延长预备期）")
    p.add_argument("--result", default="", help="结论（政审、预审、考察）")
    p.add_argument("--note", default="", help="备注")
    add_town(p)
    p.set_defaults(func=cmd_step)

    p = g.add_parser("introducers", help="确定两名入党介绍人（正式党员）")
    p.add_argument("person", metavar="PERSON", help="姓名或编号")
    p.add_argument("first", metavar="MEMBER1", help="第一名介绍人（姓名或身份证号）")
    p.add_argument("second", metavar="MEMBER2", help="第二名介绍人")
    add_town(p)
    p.set_defaults(func=cmd_introducers)

    p = g.add_parser("convert", help="花名册中的预备党员转为正式党员（没有发展记录时自动建立）")
    p.add_argument("member", metavar="MEMBER", help="预备党员姓名或身份证号")
    p.add_argument("--date", required=True, help="支部党员大会讨论通过的日期")
    p.add_argument("--decision", default="支部党员大会讨论通过", help="决定")
    p.add_argument("--branch", metavar="NAME", help="所在党支部（同名时）")
    add_town(p)
    p.set_defaults(func=cmd_convert)

    p = g.add_parser("plan", help="年度发展党员计划：设定（--count）或查看各支部计划与完成情况")
    add_year(p)
    p.add_argument("--branch", metavar="NAME", help="党支部（设定计划时必须）")
    p.add_argument("--count", type=int, help="计划发展人数")
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_plan)


def cmd_list(ctx) -> int:
    from ..ledgers.pipeline import people

    args = ctx.args
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, args)
        rows = people(db, office_id=office, org_id=org, stage=args.stage)
    if args.json:
        ctx.print_json({"people": [p.to_dict() for p in rows]})
        return 0
    print("编号\t党支部\t姓名\t阶段\t申请\t积极分子\t发展对象\t接收预备党员\t转正")
    for p in rows:
        d = p.dates()
        print("\t".join([p.id[-12:], p.org_name, p.name, p.stage] + [dates.format_cn(d[k]) for k in
                                                                    ("申请", "积极分子", "发展对象", "接收", "转正")]))
    print(f"共{len(rows)}人。")
    return 0


def cmd_warnings(ctx) -> int:
    from ..ledgers.pipeline_checks import pipeline_warnings

    args = ctx.args
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, args)
        found = pipeline_warnings(db, office_id=office, org_id=org,
                                  as_of=parse_date(args.as_of, "检查日期"))
    if args.json:
        ctx.print_json({"warnings": [w.to_dict() for w in found]})
        return 0
    for w in found:
        print(f"[{w.level}] {w.message}")
    print(f"共{len(found)}条提示。")
    return 0


def cmd_add(ctx) -> int:
    from ..ledgers.pipeline import add_person

    args = ctx.args
    with ctx.open_db() as db:
        office, org = town_and_branch(db, args)
        pid = add_person(db, org, {"name": args.name, "id_number": args.id_number, "ethnicity": args.ethnicity,
                                   "education": args.education, "job": args.job}, applied_on=args.applied_on)
    if args.json:
        ctx.print_json({"id": pid})
    else:
        print(f"已登记入党申请人 {args.name}（编号 {pid[-12:]}）。")
    return 0


def cmd_step(ctx) -> int:
    from ..ledgers.pipeline import STEPS, find_person, record_step

    args = ctx.args
    with ctx.open_db() as db:
        p = find_person(db, args.person, office_id=town_or_all(db, args.town))
        record_step(db, p.id, args.step, args.date, decision=args.decision, doc_no=args.doc_no, hours=args.hours,
                    months=args.months, result=args.result, note=args.note)
    print(f"已登记：{p.name} {STEPS[args.step]}（{dates.format_cn(args.date)}）。")
    return 0


def cmd_introducers(ctx) -> int:
    from ..ledgers.common import find_member
    from ..ledgers.pipeline import find_person, set_introducers

    args = ctx.args
    with ctx.open_db() as db:
        office = town_or_all(db, args.town)
        p = find_person(db, args.person, office_id=office)
        a = find_member(db, args.first, office_id=office)
        b = find_member(db, args.second, office_id=office)
        set_introducers(db, p.id, a["id"], b["id"])
    print(f"已确定 {p.name} 的入党介绍人：{a['name']}、{b['name']}。")
    return 0


def cmd_convert(ctx) -> int:
    from ..ledgers.common import find_member
    from ..ledgers.pipeline import convert_member

    args = ctx.args
    with ctx.open_db() as db:
        office, org = town_and_branch(db, args)
        m = find_member(db, args.member, org_id=org, office_id=office)
        convert_member(db, m["id"], args.date, decision=args.decision)
    print(f"{m['name']}已于{dates.format_cn(args.date)}转为正式党员（已记入党员变动记录）。")
    return 0


def cmd_plan(ctx) -> int:
    from ..ledgers.pipeline import plan_lines, set_plan

    args = ctx.args
    year = check_year(args.year)
    if args.count is not None:
        if not args.branch:
            raise UserError("设定发展计划请用 --branch 指明党支部。", exit_code=2)
        with ctx.open_db() as db:
            office, org = town_and_branch(db, args)
            set_plan(db, org, year, args.count)
        print(f"已设定{args.branch}{year}年发展党员计划：{args.count}名。")
        return 0
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, args)
        lines = plan_lines(db, year, office_id=office, org_id=org)
    if args.json:
        ctx.print_json({"year": year, "plans": [x.to_dict() for x in lines]})
        return 0
    print("党支部\t计划\t接收预备党员\t新确定积极分子\t新确定发展对象")
    for x in lines:
        print(f"{x.org_name}\t{'' if x.planned is None else x.planned}\t{x.accepted}\t{x.activists}\t{x.candidates}")
    return 0
