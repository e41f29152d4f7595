"""`dangjian ledger …` (台账): training, rewards and punishments, visits, 谈心谈话, party-work funds,
reserve cadres, the committee's structure, plaques; lists, printable lists, the figures a
checklist item is offered and the veto facts the ledgers prove."""

from __future__ import annotations

from .. import dates
from ..errors import UserError
from ._common import (add_json, add_round, add_town, check_year, errors_target, input_file, round_arg, tell_import,
                      town_and_branch, town_or_all, tty_progress, with_round, year_type)

LIST_KINDS = ("dues", "arrears", "pipeline", "training", "rewards", "visits", "talks", "funds", "cadres", "plaques")
# ledgers.ledger_import.IMPORT_KINDS, written out so that starting the CLI imports no ledger code
IMPORT_KINDS = ("training", "rewards", "visits", "talks", "pipeline")


def register(sub, group) -> None:
    g = group("ledger", "台账：教育培训、奖惩、走访慰问、谈心谈话、经费、后备干部、挂牌")

    p = g.add_parser("list", help="列出一种台账（JSON 或表格）")
    p.add_argument("kind", choices=LIST_KINDS, help="台账")
    p.add_argument("--year", type=year_type(), default=dates.today().year, help="年度（默认今年）")
    p.add_argument("--branch", metavar="NAME", help="只看某个党支部")
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_list)

    p = g.add_parser("print", help="导出或打印台账：.xlsx（Excel）或 .pdf（A4，不打印身份证号和电话）")
    p.add_argument("kind", choices=LIST_KINDS, help="台账")
    p.add_argument("--year", type=year_type(), default=dates.today().year, help="年度（默认今年）")
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.xlsx", help="保存的文件")
    p.add_argument("--branch", metavar="NAME", help="只打印某个党支部")
    add_town(p)
    p.set_defaults(func=cmd_print)

    p = g.add_parser("import", help="从 Excel 导入一种台账（教育培训、奖惩、走访慰问、谈心谈话、发展党员）：有任何错误则一行也不写入")
    p.add_argument("kind", choices=IMPORT_KINDS, help="台账")
    p.add_argument("file", metavar="FILE.xlsx", help="Excel 文件（本程序导出的台账、导入模板或同样表头的表格）")
    add_town(p)
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--errors", metavar="FILE.xlsx", help="有错误时把错误清单另存为 Excel")
    add_json(p)
    p.set_defaults(func=cmd_import)

    p = g.add_parser("template", help="保存一种台账的导入模板（.xlsx）")
    p.add_argument("kind", choices=IMPORT_KINDS, help="台账")
    p.add_argument("out", metavar="FILE.xlsx", help="保存的文件")
    p.set_defaults(func=cmd_template)

    p = g.add_parser("training", help="登记教育培训（一次培训的全部参加人）")
    p.add_argument("--branch", required=True, metavar="NAME", help="党支部")
    p.add_argument("--members", help="参加人姓名，用逗号分隔（默认全支部党员）")
    p.add_argument("--date", required=True, help="日期")
    p.add_argument("--kind", default="集中培训", help="形式（集中培训、专题党课、远程教育……）")
    p.add_argument("--content", required=True, help="内容")
    p.add_argument("--hours", required=True, help="学时")
    p.add_argument("--organiser", default="", help="组织单位")
    add_town(p)
    p.set_defaults(func=cmd_training)

    p = g.add_parser("reward", help="登记奖励或处分")
    p.add_argument("member", metavar="MEMBER", help="党员姓名或身份证号")
    p.add_argument("--kind", required=True, choices=("奖励", "处分"), help="类别")
    p.add_argument("--title", required=True, help="奖励名称或处分种类（警告、严重警告、撤销党内职务、留党察看、开除党籍）")
    p.add_argument("--issuer", required=True, help="作出决定的机关")
    p.add_argument("--decision", default="", help="决定文号或内容")
    p.add_argument("--date", required=True, help="决定日期")
    p.add_argument("--branch", metavar="NAME", help="党员所在党支部（同名时）")
    add_town(p)
    p.set_defaults(func=cmd_reward)

    p = g.add_parser("visit", help="登记对困难党员、老党员的走访慰问和帮扶")
    p.add_argument("member", metavar="MEMBER", help="党员姓名或身份证号")
    p.add_argument("--date", required=True, help="日期")
    p.add_argument("--kind", default="走访慰问", help="形式")
    p.add_argument("--content", required=True, help="内容")
    p.add_argument("--visitor", default="", help="走访人")
    p.add_argument("--amount", help="慰问金（物）金额（元）")
    p.add_argument("--photo", action="append", default=[], metavar="FILE", help="照片（可多次）")
    p.add_argument("--branch", metavar="NAME", help="党员所在党支部（同名时）")
    add_town(p)
    p.set_defaults(func=cmd_visit)

    p = g.add_parser("talk", help="登记谈心谈话（可附照片）")
    p.add_argument("--branch", required=True, metavar="NAME", help="党支部")
    p.add_argument("--date", required=True, help="日期")
    p.add_argument("--talker", required=True, help="谈话人")
    p.add_argument("--participants", required=True, help="谈话对象")
    p.add_argument("--topic", required=True, help="主题")
    p.add_argument("--content", default="", help="谈话内容")
    p.add_argument("--photo", action="append", default=[], metavar="FILE", help="照片（可多次）")
    add_town(p)
    p.set_defaults(func=cmd_talk)

    p = g.add_parser("fund", help="登记党建工作经费收入或支出")
    p.add_argument("--branch", required=True, metavar="NAME", help="党支部")
    p.add_argument("--date", required=True, help="日期")
    p.add_argument("--direction", required=True, choices=("收入", "支出"), help="收入或支出")
    p.add_argument("--amount", required=True, help="金额（元）")
    p.add_argument("--purpose", default="", help="用途（阵地建设、党员教育、表彰慰问、党报党刊……）")
    p.add_argument("--source", default="", help="来源（财政拨付、返还党费、单位列支……）")
    p.add_argument("--account", default="", help="账户（专户名称）")
    p.add_argument("--voucher", default="", help="凭证号")
    add_town(p)
    p.set_defaults(func=cmd_fund)

    p = g.add_parser("cadre", help="登记后备干部")
    p.add_argument("--branch", required=True, metavar="NAME", help="村党支部")
    p.add_argument("--member", help="党员姓名或身份证号")
    p.add_argument("--name", default="", help="非党员的姓名")
    p.add_argument("--since", required=True, help="列为后备干部的日期")
    add_town(p)
    p.set_defaults(func=cmd_cadre)

    p = g.add_parser("structure", help="支委班子的年龄和学历结构（对照35-45岁为主体、高中以上过半）")
    p.add_argument("--branch", metavar="NAME", help="只看某个党支部")
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_structure)

    p = g.add_parser("plaques", help="现挂的牌匾（六有党支部、五星/四星级服务型党组织）")
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_plaques)

    p = g.add_parser("hang", help="按考核轮次已确定的结果挂牌、摘牌（再次执行不会重复）")
    add_round(p)
    add_json(p)
    p.set_defaults(func=with_round(cmd_hang))

    p = g.add_parser("revoke", help="摘牌（须写明原因）")
    p.add_argument("branch", metavar="BRANCH", help="党组织名称")
    p.add_argument("--family", default="六有党支部", help="牌匾类别（六有党支部、星级服务型党组织）")
    p.add_argument("--date", help="摘牌日期（默认今天）")
    p.add_argument("--reason", required=True, help="摘牌原因")
    add_town(p)
    p.set_defaults(func=cmd_revoke)

    p = g.add_parser("figures", help="台账为考核细项提供的数据（按细项文字）")
    p.add_argument("--branch", required=True, metavar="NAME", help="党支部")
    p.add_argument("--year", type=year_type(), required=True, help="年度")
    p.add_argument("--text", required=True, help="考核细项的文字")
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_figures)

    p = g.add_parser("vetoes", help="台账证明的否决项事实（处分、经费）")
    p.add_argument("--branch", metavar="NAME", help="只看某个党支部")
    p.add_argument("--year", type=year_type(), required=True, help="年度")
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_vetoes)


def _rows(db, kind: str, year: int, office, org) -> list[dict]:
    from ..ledgers import cadres, dues, funds, pipeline, plaques, records

    if kind in ("dues", "arrears"):
        data = dues.status(db, year, office_id=office, org_id=org)
        return [m.to_dict() for m in data.members if kind == "dues" or m.arrears_fen]
    if kind == "pipeline":
        return [p.to_dict() for p in pipeline.people(db, office_id=office, org_id=org)]
    if kind == "funds":
        return [s.to_dict() for s in funds.summaries(db, year, office_id=office, org_id=org)]
    fetch = {"training": lambda: records.trainings(db, year, office_id=office, org_id=org),
             "rewards": lambda: records.rewards(db, year, office_id=office, org_id=org),
             "visits": lambda: records.visits(db, year, office_id=office, org_id=org),
             "talks": lambda: records.talks(db, year, office_id=office, org_id=org),
             "cadres": lambda: cadres.cadres(db, office_id=office, org_id=org),
             "plaques": lambda: plaques.history(db, office_id=office, org_id=org)}[kind]
    skip = {"owner", "rev", "updated_at"}
    return [{k: r[k] for k in r.keys() if k not in skip} for r in fetch()]


def cmd_list(ctx) -> int:
    """JSON: the records' own fields; a table: the ledger as printed (Chinese headings, dates
    as 2026年3月1日, yuan, no ID numbers or internal ids)."""
    from ..tables.ledger_tables import ledger_table
    from ..tables.model import display_text

    args = ctx.args
    year = check_year(args.year)
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, args)
        if args.json:
            rows = _rows(db, args.kind, year, office, org)
        else:
            table = ledger_table(db, args.kind, year, office_id=office, org_id=org)
    if args.json:
        ctx.print_json({"kind": args.kind, "year": year, "rows": rows})
        return 0
    if table.rows:
        print("\t".join(c.label for c in table.columns))
        for row in table.rows:
            print("\t".join(display_text(v, c) for v, c in zip(row, table.columns)))
    print(f"共{len(table.rows)}条。")
    return 0


def cmd_print(ctx) -> int:
    from ..tables.ledger_tables import save_ledger

    args = ctx.args
    year = check_year(args.year)
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, args)
        path = save_ledger(db, args.kind, year, args.out, office_id=office, org_id=org,
                           progress=tty_progress("正在保存……"))
    print(f"已保存：{path}")
    return 0


def cmd_import(ctx) -> int:
    from pathlib import Path

    from ..ledgers.ledger_import import import_ledger

    args = ctx.args
    input_file(args.file, "台账 Excel 文件")
    errors_target(args.errors)
    # The pipeline's dry run applies the rows in a unit of work that it rolls back.
    with ctx.open_db("read" if args.dry_run and args.kind != "pipeline" else "write") as db:
        report = import_ledger(db, args.kind, Path(args.file), office_id=town_or_all(db, args.town),
                               dry_run=args.dry_run)
    return tell_import(ctx, report, args.errors)


def cmd_template(ctx) -> int:
    from ..tables.ledger_templates import save_template

    print(f"已保存：{save_template(ctx.args.kind, ctx.args.out)}")
    return 0


def _member(db, args):
    from ..ledgers.common import find_member

    office, org = town_and_branch(db, args)
    return find_member(db, args.member, org_id=org, office_id=office)


def cmd_training(ctx) -> int:
    from ..ledgers.common import active_member_ids, find_member
    from ..ledgers.records import add_training

    args = ctx.args
    with ctx.open_db() as db:
        office, org = town_and_branch(db, args)
        if args.members:
            ids = [find_member(db, n, org_id=org)["id"] for n in args.members.replace("，", ",").split(",") if n.strip()]
        else:
            ids = active_member_ids(db, org)
        add_training(db, ids, date=args.date, kind=args.kind, content=args.content, hours=args.hours,
                     organiser=args.organiser)
    print(f"已登记教育培训：{len(ids)}人。")
    return 0


def cmd_reward(ctx) -> int:
    from ..ledgers.records import add_reward

    args = ctx.args
    with ctx.open_db() as db:
        m = _member(db, args)
        add_reward(db, m["id"], date=args.date, kind=args.kind, title=args.title, issuer=args.issuer,
                   decision=args.decision)
    print(f"已登记{args.kind}：{m['name']} {args.title}。")
    return 0


def cmd_visit(ctx) -> int:
    from ..ledgers.records import add_visit

    args = ctx.args
    with ctx.open_db() as db:
        m = _member(db, args)
        add_visit(db, m["id"], date=args.date, kind=args.kind, content=args.content, visitor=args.visitor,
                  amount=args.amount, photos=args.photo)
    print(f"已登记走访慰问：{m['name']}（{dates.format_cn(args.date)}）。")
    return 0


def cmd_talk(ctx) -> int:
    from ..ledgers.records import add_talk

    args = ctx.args
    with ctx.open_db() as db:
        office, org = town_and_branch(db, args)
        add_talk(db, org, date=args.date, talker=args.talker, participants=args.participants, topic=args.topic,
                 content=args.content, photos=args.photo)
    print(f"已登记谈心谈话：{args.branch}（{dates.format_cn(args.date)}）。")
    return 0


def cmd_fund(ctx) -> int:
    from ..ledgers.funds import add_entry

    args = ctx.args
    with ctx.open_db() as db:
        office, org = town_and_branch(db, args)
        add_entry(db, org, date=args.date, direction=args.direction, purpose=args.purpose, amount=args.amount,
                  source=args.source, account=args.account, voucher=args.voucher)
    print(f"已登记党建工作经费{args.direction}：{args.branch} {args.amount}元。")
    return 0


def cmd_cadre(ctx) -> int:
    from ..ledgers.cadres import add_cadre
    from ..ledgers.common import find_member

    args = ctx.args
    with ctx.open_db() as db:
        office, org = town_and_branch(db, args)
        mid = find_member(db, args.member, office_id=office)["id"] if args.member else None
        add_cadre(db, org, since=args.since, member_id=mid, name=args.name)
    print("已登记后备干部。")
    return 0


def cmd_structure(ctx) -> int:
    from ..ledgers.cadres import cadre_warnings, committee_structure
    from ..ledgers.common import branches

    args = ctx.args
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, args)
        rows = [committee_structure(db, b["id"]) for b in branches(db, office_id=office, org_id=org)]
        warns = cadre_warnings(db, office_id=office) if not org else []
    if args.json:
        ctx.print_json({"committees": [s.to_dict() for s in rows], "cadre_warnings": [w.to_dict() for w in warns]})
        return 0
    if not rows:
        print("没有党支部。")
    for s in rows:
        print(f"{s.org_name}：{s.line()}")
    for w in warns:
        print(f"[{w.level}] {w.message}")
    return 0


def cmd_plaques(ctx) -> int:
    from ..ledgers.plaques import current

    args = ctx.args
    with ctx.open_db("read") as db:
        rows = current(db, office_id=town_or_all(db, args.town))
    if args.json:
        ctx.print_json({"plaques": [{"branch": r["org_name"], "title": r["title"], "family": r["family"],
                                     "since": r["hung_on"], "year": r["year"]} for r in rows]})
        return 0
    for r in rows:
        print(f"{r['org_name']}\t{r['title']}\t{dates.format_cn(r['hung_on'])}起")
    print(f"共{len(rows)}块。")
    return 0


def cmd_hang(ctx) -> int:
    from ..assessment.rounds import resolve_round
    from ..assessment.plaque_results import update_from_round

    args = ctx.args
    with ctx.open_db() as db:
        changes = update_from_round(db, resolve_round(db, round_arg(args)).id)
    if args.json:
        ctx.print_json(changes.to_dict())
        return 0
    for b, t in changes.hung:
        print(f"挂牌：{b} {t}")
    for b, t, why in changes.removed:
        print(f"摘牌：{b} {t}（{why}）")
    for note in changes.skipped:
        print(f"未改动：{note}")
    print(f"挂牌{len(changes.hung)}块，摘牌{len(changes.removed)}块，保持{changes.kept}块。")
    return 0


def cmd_revoke(ctx) -> int:
    from ..ledgers.plaques import revoke
    from ._common import find_branch

    args = ctx.args
    if not args.reason.strip():
        raise UserError("摘牌须用 --reason 写明原因。", exit_code=2)
    with ctx.open_db() as db:
        b = find_branch(db, args.branch, town_or_all(db, args.town))
        revoke(db, b["id"], family=args.family, removed_on=args.date or dates.today().isoformat(), reason=args.reason)
    print(f"已摘牌：{args.branch}（{args.family}）。")
    return 0


def cmd_figures(ctx) -> int:
    from ..meetings.compliance import figures_for_text

    args = ctx.args
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, args)
        lines = figures_for_text(db, org, check_year(args.year), args.text)
    if args.json:
        ctx.print_json({"lines": lines})
    else:
        print("\n".join(lines) if lines else "台账中没有与这一细项相关的数据。")
    return 0


def cmd_vetoes(ctx) -> int:
    from ..ledgers.common import branches
    from ..ledgers.vetoes import CHECK_LABELS, veto_facts

    args = ctx.args
    year = check_year(args.year)
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, args)
        found = [(b["name"], check, fact) for b in branches(db, office_id=office, org_id=org)
                 for check, fact in veto_facts(db, b["id"], year).items()]
    if args.json:
        ctx.print_json({"facts": [{"branch": b, "check": c, "label": CHECK_LABELS[c], "fact": f} for b, c, f in found]})
        return 0
    for b, c, f in found:
        print(f"{b}：{CHECK_LABELS[c]}：{f}")
    print(f"共{len(found)}条。")
    return 0
