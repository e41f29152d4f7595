"""`dangjian rounds quota|name|unname|vetoes|veto-confirm|veto-dismiss`: the reviewer's decisions
in a round — who holds a title or level a quota caps, and the vetoes the registry's data proves."""

from __future__ import annotations

from ..errors import UserError
from ._common import JSON_HELP_SPACED, add_json, add_round, parse_date, round_arg, with_round


def register(sub, group) -> None:
    g = group("rounds", "年度考核轮次：建立、导入自评表、评定、抽签、流程推进")

    p = g.add_parser("quota", help="名额：有名额上限的称号或等次，谁符合条件、名额多少、已确定谁")
    add_round(p)
    add_json(p, JSON_HELP_SPACED)
    p.set_defaults(func=with_round(cmd_quota))

    p = g.add_parser("name", help="确定名额内的获得者（须写理由，记录经办人和时间）")
    add_round(p)
    p.add_argument("--title", required=True, metavar="称号", help="称号或等次，如 六有党支部、五星")
    p.add_argument("--branch", action="append", default=[], metavar="名称", help="党支部名称（可重复）")
    p.add_argument("--nobody", action="store_true", help="确定本范围无人获得（名额为0或决定不授予时）")
    p.add_argument("--town", metavar="乡镇", help="与 --nobody 一起用：按乡镇计算的名额所在的乡镇")
    p.add_argument("--reason", required=True, metavar="理由", help="理由（如排名、考察情况、会议研究决定）")
    p.add_argument("--by", metavar="姓名", help="经办人（默认为本机操作员）")
    p.set_defaults(func=with_round(cmd_name))

    p = g.add_parser("unname", help="取消已确定的名额获得者（或撤回“无人获得”的决定），须写理由")
    add_round(p)
    p.add_argument("--title", required=True, metavar="称号", help="称号或等次")
    p.add_argument("--branch", action="append", default=[], metavar="名称", help="党支部名称（可重复）")
    p.add_argument("--nobody", action="store_true", help="撤回“无人获得”的决定")
    p.add_argument("--town", metavar="乡镇", help="与 --nobody 一起用：乡镇")
    p.add_argument("--reason", required=True, metavar="理由", help="理由")
    p.add_argument("--by", metavar="姓名", help="经办人（默认为本机操作员）")
    p.set_defaults(func=with_round(cmd_unname))

    p = g.add_parser("vetoes", help="据组织台账等数据提出的否决项（书记空缺、未按期换届、专项经费得0分），待确认或驳回")
    add_round(p)
    p.add_argument("--all", action="store_true", help="也列出已确认、已驳回的")
    p.add_argument("--date", metavar="DATE", help="按这一天核对（默认今天）")
    add_json(p, JSON_HELP_SPACED)
    p.set_defaults(func=with_round(cmd_vetoes))

    for name, verb in (("veto-confirm", "确认"), ("veto-dismiss", "驳回")):
        p = g.add_parser(name, help=f"{verb}一项据数据提出的否决项（须写理由，记入变更日志）")
        add_round(p)
        p.add_argument("--branch", required=True, metavar="名称", help="党支部名称")
        p.add_argument("--code", required=True, metavar="编号", help="否决项编号，如 V1")
        p.add_argument("--reason", required=True, metavar="理由", help="理由")
        p.add_argument("--date", metavar="DATE", help="核对日期（默认今天）")
        p.add_argument("--by", metavar="姓名", help="经办人（默认为本机操作员）")
        p.set_defaults(func=with_round(cmd_veto_confirm if verb == "确认" else cmd_veto_dismiss))


def _sheets(db, round_id: str, names: list[str]) -> list[str]:
    from ..assessment.rounds import branches_named

    return [b.id for b in branches_named(db, round_id, names)]


def cmd_quota(ctx) -> int:
    from ..assessment import resolve_round
    from ..assessment.quota_decisions import quota_overview
    from ..schemes.model import quoted

    with ctx.open_db("read") as db:
        rnd = resolve_round(db, round_arg(ctx.args))
        views = quota_overview(db, rnd.id)
    if ctx.args.json:
        ctx.print_json({"round": rnd.id, "scopes": [v.to_dict() for v in views]})
        return 0
    if not views:
        print(f"{quoted(rnd.scheme_name)}没有限制获得人数的称号或等次。")
        return 0
    for v in views:
        print(("! " if v.needs_decision else "  ") + v.text())
        if not v.over:
            continue
        for h in v.qualified:
            mark = "✔ 已确定" if h.named else "  "
            extra = f"（{h.reason}；{h.decided_by}，{h.decided_at[:16].replace('T', ' ')}）" if h.named else ""
            print(f"      {mark} {h.town if v.scope is None else ''}{h.org_name}  {h.total}分  {h.rating or ''}"
                  f"  [{h.state}]{extra}")
        if v.nobody is not None and not v.named:
            print(f"      无人获得（{v.nobody.reason}；{v.nobody.decided_by}，{v.nobody.decided_at[:10]}）")
        for h in v.stale:
            print(f"      （{h.org_name} 曾被确定，现已不符合条件）")
    if any(v.needs_decision for v in views):
        print("确定名单：dangjian rounds name --round R --title 称号 --branch 名称 --reason 理由")
    return 0


def cmd_name(ctx) -> int:
    return _holders(ctx, undo=False)


def cmd_unname(ctx) -> int:
    return _holders(ctx, undo=True)


def _holders(ctx, *, undo: bool) -> int:
    """`rounds name` (undo=False) or `rounds unname`: holders by --branch, or --nobody."""
    from ..assessment import quota_decisions as qd
    from ..assessment import resolve_round

    a = ctx.args
    if a.nobody == bool(a.branch):
        raise UserError("请用 --branch 写明要取消的获得者，或用 --nobody 撤回“无人获得”（二者选一）。" if undo else
                        "请用 --branch 写明获得者，或用 --nobody 确定无人获得（二者选一）。", exit_code=2)
    place, names = a.town or "本轮", "、".join(a.branch or ())
    with ctx.open_db("write") as db:
        rnd = resolve_round(db, round_arg(a))
        if a.nobody:
            (qd.unname_nobody if undo else qd.name_nobody)(db, rnd.id, a.title, town=a.town, reason=a.reason,
                                                             actor=a.by)
            print(f"已撤回{place}“{a.title}”无人获得的决定。" if undo else f"已确定{place}“{a.title}”无人获得。")
        else:
            n = (qd.unname_holders if undo else qd.name_holders)(db, rnd.id, a.title, _sheets(db, rnd.id, a.branch),
                                                                  reason=a.reason, actor=a.by)
            print(f"已取消 {n} 个“{a.title}”获得者：{names}。" if undo else f"已确定“{a.title}”：{names}（{n} 条记录）。")
    return 0


def print_proposals(db, sheet_ids, day=None) -> None:
    """After a sheet was opened, rated or moved on: the vetoes its data proves, waiting for a person."""
    from ..assessment.veto_proposals import pending_vetoes

    for sid in sheet_ids:
        for p in pending_vetoes(db, sid, today=day):
            print(f"  ? {p.town}{p.org_name} 据台账提出否决项 {p.code}“{p.title}”：{p.fact}"
                  f"（请确认或驳回：dangjian rounds veto-confirm / veto-dismiss）")


def cmd_vetoes(ctx) -> int:
    from ..assessment import resolve_round
    from ..assessment.veto_proposals import round_veto_proposals

    a = ctx.args
    day = parse_date(a.date, "日期")
    with ctx.open_db("read") as db:
        rnd = resolve_round(db, round_arg(a))
        proposals = round_veto_proposals(db, rnd.id, today=day, pending_only=not a.all)
    if a.json:
        ctx.print_json({"round": rnd.id, "proposals": [p.to_dict() for p in proposals]})
        return 0
    if not proposals:
        print("没有待决定的、据台账提出的否决项。" if not a.all else "组织台账和考核表中没有能证明否决情形的数据。")
        return 0
    for p in proposals:
        line = f"[{p.status}] {p.town}  {p.org_name}  {p.code}“{p.title}”：{p.fact}"
        if p.reason:
            line += f"（{p.reason}；{p.decided_by}）"
        print(line)
    return 0


def _decide(ctx, confirm: bool) -> int:
    from ..assessment import resolve_round
    from ..assessment.veto_proposals import confirm_veto, dismiss_veto

    a = ctx.args
    day = parse_date(a.date, "日期")
    with ctx.open_db("write") as db:
        rnd = resolve_round(db, round_arg(a))
        (sid,) = _sheets(db, rnd.id, [a.branch])
        fn = confirm_veto if confirm else dismiss_veto
        p = fn(db, sid, a.code.strip().upper(), reason=a.reason, today=day, actor=a.by)
    print(f"已{'确认' if confirm else '驳回'} {p.org_name} 的否决项 {p.code}“{p.title}”。")
    return 0


def cmd_veto_confirm(ctx) -> int:
    return _decide(ctx, True)


def cmd_veto_dismiss(ctx) -> int:
    return _decide(ctx, False)
