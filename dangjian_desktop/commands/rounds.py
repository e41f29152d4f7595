"""`dangjian rounds …`: yearly assessment rounds — create, list, import self-assessment forms,
rate, draw lots, move through the workflow, dashboard, holidays."""

from __future__ import annotations

from pathlib import Path

from .. import dates
from ..errors import UserError, text_file_reason
from ._common import (JSON_HELP_SPACED, add_json, add_out, add_round, add_year, errors_target, input_file, parse_date,
                      round_arg, save_out, with_round, writable_target, year_type)


def register(sub, group) -> None:
    g = group("rounds", "年度考核轮次：建立、导入自评表、评定、抽签、流程推进")

    p = g.add_parser("list", help="列出考核轮次")
    add_json(p, JSON_HELP_SPACED)
    p.set_defaults(func=cmd_list)

    p = g.add_parser("create", help="建立考核轮次（冻结一份评分方案，按范围生成各党支部的考核表）")
    add_year(p, "考核年度，如 2025", ahead=None)
    p.add_argument("--scheme", required=True, metavar="ID", help="评分方案编号（见 dangjian schemes list）")
    p.add_argument("--scope", action="append", default=[], metavar="范围",
                   help="参加考核的范围：支部类别（村、社区、机关、事业单位、企业、社会组织、网格）和/或乡镇名称，"
                        "逗号分隔，可重复；不写则为全部党支部")
    p.add_argument("--title", help="考核名称（默认如“2025年度星级党组织评定”）")
    p.add_argument("--self-due", metavar="DATE", help="自评截止日期")
    p.add_argument("--initial-due", metavar="DATE", help="初审截止日期")
    p.add_argument("--review-due", metavar="DATE", help="审核截止日期")
    p.add_argument("--appeal-days", type=int, default=15, help="申诉期（工作日，默认15）")
    add_json(p, JSON_HELP_SPACED)
    p.set_defaults(func=cmd_create)

    p = g.add_parser("show", help="显示一个考核轮次及各党组织所处环节")
    add_round(p)
    add_json(p, JSON_HELP_SPACED)
    p.set_defaults(func=with_round(cmd_show))

    p = _round_command(g, "export-forms", "导出党支部自评表（Excel），发给各党支部填写", cmd_export_forms)
    p.add_argument("--out", required=True, metavar="DIR", help="保存自评表的文件夹")
    p.add_argument("--branch", action="append", default=[], metavar="名称",
                   help="只导出这个党支部（可重复）；不写则导出所有处于自评环节的党支部")

    p = _round_command(g, "import-scores", "导入党支部填好的自评表（全部无误才写入）", cmd_import_scores)
    p.add_argument("file", metavar="FILE.xlsx", help="党支部填好的自评表（Excel 文件）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--errors", metavar="OUT.xlsx", help="有错误时把错误报告保存为 Excel")
    add_json(p, JSON_HELP_SPACED)

    p = _round_command(g, "rate", "评定：总分、等次、星级、否决、排名、名额提示、结果运用", cmd_rate)
    add_json(p, JSON_HELP_SPACED)
    add_out(p)

    p = _round_command(g, "draw-lots", "抽签确定交叉考核（各乡镇考核组考核其他乡镇，可由种子重现）", cmd_draw_lots)
    p.add_argument("--seed", help="抽签种子（不写则随机生成一个六位数）")
    p.add_argument("--pdf", metavar="FILE.pdf", help="同时把抽签结果保存为可打印的 PDF")
    add_json(p, JSON_HELP_SPACED)

    p = _round_command(g, "lots", "显示本轮的抽签结果，并核对能否由种子重现", cmd_lots)
    p.add_argument("--pdf", metavar="FILE.pdf", help="保存为可打印的 PDF")
    add_json(p, JSON_HELP_SPACED)

    p = _round_command(g, "move", "推进或退回考核环节（自评→初审→审核→公示→确定）", cmd_move)
    p.add_argument("--to", required=True, choices=["自评", "初审", "审核", "公示", "确定"], help="目标环节")
    p.add_argument("--branch", action="append", default=[], metavar="名称",
                   help="党支部名称（可重复）；不写则为所有可以进入该环节的党支部")
    p.add_argument("--note", default="", help="说明（退回时必填）")
    p.add_argument("--date", metavar="DATE", help="业务日期（默认今天；公示时为公示开始日期）")
    p.add_argument("--by", metavar="姓名", help="经办人（默认为本机操作员）")

    p = _round_command(g, "dashboard", "进度：各党组织所处环节、缺项、逾期", cmd_dashboard)
    p.add_argument("--date", metavar="DATE", help="按这一天计算逾期（默认今天）")
    add_json(p, JSON_HELP_SPACED)

    p = g.add_parser("holidays", help="列出某年的节假日和调休上班日（计算申诉期用）；录入放假安排或确认按周一至周五计算")
    p.add_argument("--year", type=year_type(None), default=None, help="年度（默认今年）")
    p.add_argument("--notice", metavar="FILE.txt",
                   help="从国务院办公厅放假安排通知（文本文件，逐条“一、元旦：1月1日至3日放假……”）录入该年的节假日")
    p.add_argument("--confirm-weekdays", action="store_true",
                   help="确认该年没有放假安排可录入，按周一至周五计算工作日（记入变更日志）")
    add_json(p, JSON_HELP_SPACED)
    p.set_defaults(func=cmd_holidays)


def _round_command(g, name: str, help_text: str, func):
    """A sub-command that works on one round (--round ROUND, or ROUND as the first argument)."""
    p = g.add_parser(name, help=help_text)
    add_round(p)
    p.set_defaults(func=with_round(func))
    return p


def _sheets_named(db, round_id: str, names: list[str]) -> list[str]:
    from ..assessment.rounds import branches_named

    return [b.id for b in branches_named(db, round_id, names)]


def cmd_list(ctx) -> int:
    from ..assessment import list_rounds
    from ..registry.offices import office_names

    with ctx.open_db("read") as db:
        rounds = list_rounds(db)
        if ctx.args.json:
            ctx.print_json([r.to_dict() for r in rounds])
            return 0
        if not rounds:
            print("还没有考核轮次。可用 dangjian rounds create --year 年度 --scheme 方案 建立。")
            return 0
        # At a county, the towns' own rounds (received with their data) are said to be theirs: two
        # towns' rounds of a year otherwise read the same.
        me = db.local_office_id
        names = office_names(db)
        for r in rounds:
            states = "，".join(f"{k}{v}" for k, v in r.state_counts.items())
            whose = f"{names.get(r.office_id, '')}的" if r.office_id != me else ""
            print(f"{r.id[:8]}  {r.year}  {whose}{r.title}（{r.scheme_name}）  {r.branch_count}个党组织  "
                  f"环节：{r.state}  [{states}]")
    return 0


def _scope(db, tokens: list[str]) -> tuple[list[str], list[str]]:
    from ..registry import towns
    from ..registry.orgs import KINDS

    kinds, town_ids = [], []
    by_name = {t["name"]: t["id"] for t in towns(db)}
    for raw in tokens:
        for tok in raw.replace("，", ",").replace("、", ",").split(","):
            tok = tok.strip()
            if not tok:
                continue
            if tok in KINDS:
                kinds.append(tok)
            elif tok in by_name:
                town_ids.append(by_name[tok])
            else:
                raise UserError(f"范围“{tok}”既不是支部类别（{'、'.join(KINDS)}），也不是本库中的乡镇。")
    return kinds, town_ids


def cmd_create(ctx) -> int:
    from ..assessment import create_round, get_round

    a = ctx.args
    with ctx.open_db("write") as db:
        kinds, town_ids = _scope(db, a.scope)
        rid = create_round(db, year=a.year, scheme_id=a.scheme, kinds=kinds, town_ids=town_ids, title=a.title,
                           self_due=a.self_due, initial_due=a.initial_due, review_due=a.review_due,
                           appeal_days=a.appeal_days)
        rnd = get_round(db, rid)
        if a.json:
            ctx.print_json(rnd.to_dict())
        else:
            print(f"已建立 {rnd.title}（{rnd.scheme_name}），{rnd.branch_count}个党组织，编号 {rid}")
    return 0


def cmd_show(ctx) -> int:
    from ..assessment import resolve_round, round_branches
    from ..assessment.workdays import calendar
    from ..assessment.workflow import window_from

    with ctx.open_db("read") as db:
        rnd = resolve_round(db, round_arg(ctx.args))
        branches = round_branches(db, rnd.id)
        cal = calendar(db)
        windows: dict[str, object] = {}

        def window(start: str | None):
            # The appeal deadline counted from a publicity start; `confirmed` is false when it
            # rests on a year without a holiday table.
            if not start:
                return None
            if start not in windows:
                windows[start] = window_from(cal, dates.parse_iso(start), rnd.appeal_days)
            return windows[start]

        rw = window(rnd.publicity_start)
        if ctx.args.json:
            ctx.print_json({**rnd.to_dict(), "appeal_deadline": rw.to_dict() if rw else None, "sheets": [
                {"sheet": b.id, "org_id": b.org_id, "town": b.town, "branch": b.org_name, "kind": b.kind,
                 "state": b.state, "since": b.state_since,
                 "appeal_deadline": (window(b.publicity_start).to_dict() if b.publicity_start else None)}
                for b in branches]})
            return 0
        print(f"{rnd.title}（{rnd.scheme_name}）  编号 {rnd.id}")
        print(f"截止：自评 {dates.format_cn(rnd.self_due) or '—'}，初审 {dates.format_cn(rnd.initial_due) or '—'}，"
              f"审核 {dates.format_cn(rnd.review_due) or '—'}；申诉期 {rnd.appeal_days} 个工作日"
              + (f"，至 {rw.end_text()}" if rw else ""))
        for b in branches:
            w = window(b.publicity_start) if b.state in ("公示", "申诉") else None
            print(f"  {b.town}  {b.org_name}  {b.kind or ''}  {b.state}"
                  + (f"  申诉期至 {w.end_text()}" if w else ""))
    return 0


def cmd_export_forms(ctx) -> int:
    from ..assessment import export_form, export_forms, resolve_round
    from ..assessment.rounds import branches_named

    with ctx.open_db("read") as db:
        rnd = resolve_round(db, round_arg(ctx.args))
        folder = Path(ctx.args.out)
        if ctx.args.branch:
            folder.mkdir(parents=True, exist_ok=True)
            paths = []
            for b in branches_named(db, rnd.id, ctx.args.branch):
                paths.append(export_form(db, b.id, folder / f"{rnd.year}年自评表-{b.org_name}.xlsx"))
        else:
            paths = export_forms(db, rnd.id, folder)
    for p in paths:
        print(p)
    print(f"已导出 {len(paths)} 份自评表。")
    return 0


def cmd_import_scores(ctx) -> int:
    from ..assessment import import_form, resolve_round, save_error_report

    a = ctx.args
    input_file(a.file, "自评表")
    errors_target(a.errors)
    with ctx.open_db("read" if a.dry_run else "write") as db:
        rnd = resolve_round(db, round_arg(a))
        report = import_form(db, a.file, round_id=rnd.id, dry_run=a.dry_run)
    if a.errors and report.errors:
        save_error_report(report, a.errors)
    if a.json:
        ctx.print_json(report.to_dict())
    else:
        print(report.text())
    return 0 if report.ok else 2


def cmd_rate(ctx) -> int:
    from ..assessment import rate_round, resolve_round
    from ..schemes.model import fmt_num

    with ctx.open_db("read") as db:
        rnd = resolve_round(db, round_arg(ctx.args))
        rating = rate_round(db, rnd.id)
        from ..tables.sources import round_results_table

        saved = save_out(ctx, db, round_results_table(db, rnd, rating)) if ctx.args.out else False
    if saved and not ctx.args.json:
        return 0
    if ctx.args.json:
        ctx.print_json(rating.to_dict())
        return 0
    print(f"{rnd.title}（{rnd.scheme_name}）  共 {len(rating.branches)} 个党组织")
    for b in sorted(rating.branches, key=lambda x: (x.rank_county or 10 ** 6, x.town, x.org_name)):
        stars = "★" * (b.stars or 0)
        flags = f"  名额提示：{'、'.join(b.quota_flags)}" if b.quota_flags else ""
        veto = "  否决" if b.vetoed else ""
        trend = f"  较上年{b.trend_label}" if b.trend else ""
        print(f"{b.rank_county or '—':>4}  {b.town}  {b.org_name}  {fmt_num(b.total)}分  "
              f"{b.rating_text if b.rating else '—'}  {stars}{veto}{trend}  [{b.state}]{flags}")
        for c in b.consequences:
            print(f"        → {b.consequence_prefix}{c.title}（{c.reason}）")
        for t in b.quota_pending:
            print(f"        ? 名额待决定：{t}（dangjian rounds quota 查看）")
        for p in b.veto_proposals:
            print(f"        ? 据台账提出否决项 {p.code}“{p.title}”：{p.fact}（待确认或驳回）")
        for w in b.warnings:
            print(f"        ! {w}")
    for f in rating.quota_flags:
        print(f"名额提示：{f.message}")
    if rating.provisional_count:
        print(f"其中 {rating.provisional_count} 个党组织的考核尚未审核完毕，评定为暂定，结果运用为“如确定”。")
    for t in rating.town_consequences:
        print(f"{t.town}：{t.applied.title}（{t.applied.reason}）")
    return 0


def _lots_out(ctx, db, rnd, draw) -> None:
    from ..reports.lots import lots_pdf

    if ctx.args.pdf:
        lots_pdf(db, rnd.id, ctx.args.pdf)
    if ctx.args.json:
        from ..assessment import verify_lots

        ctx.print_json({**draw.to_dict(), "reproducible": verify_lots(draw)})
    else:
        print(draw.text())
        if ctx.args.pdf:
            print(f"已保存 {ctx.args.pdf}")


def _lots_pdf_target(ctx) -> None:
    """--pdf checked before the draw: a folder or a .txt name failed after the draw was recorded,
    and any other name got a PDF."""
    if ctx.args.pdf:
        from ..tables import check_suffix

        check_suffix(ctx.args.pdf, (".pdf",))
        writable_target(ctx.args.pdf)


def cmd_draw_lots(ctx) -> int:
    from ..assessment import draw_lots, resolve_round

    _lots_pdf_target(ctx)
    with ctx.open_db("write") as db:
        rnd = resolve_round(db, round_arg(ctx.args))
        draw = draw_lots(db, rnd.id, ctx.args.seed)
        _lots_out(ctx, db, rnd, draw)
    return 0


def cmd_lots(ctx) -> int:
    from ..assessment import current_lots, resolve_round, verify_lots

    _lots_pdf_target(ctx)
    with ctx.open_db("read") as db:
        rnd = resolve_round(db, round_arg(ctx.args))
        draw = current_lots(db, rnd.id)
        if draw is None:
            raise UserError("本轮考核还没有抽签。可用 dangjian rounds draw-lots 抽签。")
        _lots_out(ctx, db, rnd, draw)
        if not ctx.args.json:
            print("核对：" + ("按种子重新抽签，结果一致。" if verify_lots(draw) else "按种子重新抽签结果不一致！"))
    return 0


def cmd_move(ctx) -> int:
    from ..assessment import move_many, resolve_round, round_branches, start_publicity
    from ..assessment.workflow import FORWARD, allowed_moves

    a = ctx.args
    day = parse_date(a.date, "日期")
    with ctx.open_db("write") as db:
        rnd = resolve_round(db, round_arg(a))
        if a.branch:
            ids = _sheets_named(db, rnd.id, a.branch)
        else:
            ids = [b.id for b in round_branches(db, rnd.id)
                   if a.to in [t for t, _ in allowed_moves(db, b.id, today=day)] and FORWARD.get(b.state) == a.to]
            if not ids:
                raise UserError(f"没有可以进入“{a.to}”环节的党组织。")
        if a.to == "公示" and not a.branch:
            win = start_publicity(db, rnd.id, day, sheet_ids=ids, actor=a.by)
            print(f"{len(ids)} 个党组织开始公示，申诉期至 {win.end_text()}（{win.days} 个工作日）。")
            return 0
        n = move_many(db, ids, a.to, note=a.note, actor=a.by, today=day)
        print(f"{n} 个党组织已进入“{a.to}”环节。")
        from .round_decisions import print_proposals

        print_proposals(db, ids, day)
    return 0


def cmd_dashboard(ctx) -> int:
    from ..assessment import dashboard, resolve_round

    with ctx.open_db("read") as db:
        rnd = resolve_round(db, round_arg(ctx.args))
        d = dashboard(db, rnd.id, today=parse_date(ctx.args.date, "日期"))
    if ctx.args.json:
        ctx.print_json({"round": rnd.id, "today": d.today.isoformat(), "counts": d.counts,
                        "overdue_rectifications": d.overdue_rectifications,
                        "rows": [{"sheet": r.sheet_id, "town": r.town, "branch": r.org_name, "state": r.state,
                                  "since": r.state_since, "missing": r.missing, "overdue": r.overdue,
                                  "next_step": r.next_step, "open_appeal": r.open_appeal,
                                  "window_end": r.window_end, "window_confirmed": not r.window_unconfirmed,
                                  "rating": r.rating, "stars": r.stars, "provisional": r.provisional,
                                  "veto_proposals": r.veto_proposals, "quota_pending": r.quota_pending}
                                 for r in d.rows]})
        return 0
    print(f"{rnd.title}  " + "，".join(f"{k}{v}" for k, v in d.counts.items() if v))
    for r in d.rows:
        notes = "；".join(r.missing + r.overdue)
        print(f"  {r.town}  {r.org_name}  [{r.state}]  {r.rating_text or '—'}  {r.next_step}"
              + (f"  ！{notes}" if notes else ""))
    if d.overdue_rectifications:
        print(f"整改台账中有 {d.overdue_rectifications} 项逾期未销号。")
    return 0


def cmd_holidays(ctx) -> int:
    from ..assessment.workdays import KIND_LABELS, confirm_weekdays, year_status

    a = ctx.args
    year = a.year or dates.today().year
    if a.notice and a.confirm_weekdays:
        raise UserError("--notice 与 --confirm-weekdays 只能选一个。", exit_code=2)
    if a.notice or a.confirm_weekdays:
        text = None
        if a.notice:
            try:
                text = Path(a.notice).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as e:
                raise UserError(f"无法读取通知文件 {a.notice}：{text_file_reason(e)}。") from None
        with ctx.open_db("write") as db:
            if text is not None:
                from ..assessment.holiday_notice import import_notice

                saved = import_notice(db, year, text)
                if not a.json:
                    print(f"已按通知录入 {year} 年放假安排：{len(saved)} 天"
                          f"（放假 {sum(h.kind == '休' for h in saved)} 天，调休上班 {sum(h.kind == '班' for h in saved)} 天）。")
            else:
                confirm_weekdays(db, year)
                if not a.json:
                    print(f"已确认 {year} 年按周一至周五计算工作日（没有放假安排），已记入变更日志。")
    with ctx.open_db("read") as db:
        status = year_status(db, year)
    if a.json:
        ctx.print_json({"year": year, "known": status.known, "basis": status.basis,
                        "days": [{"day": h.day, "kind": h.kind, "name": h.name, "builtin": h.builtin}
                                 for h in status.days]})
        return 0
    print(status.text + "。")
    if not status.known:
        print(f"  录入：dangjian rounds holidays --year {year} --notice 通知.txt；"
              f"确认按周一至周五：dangjian rounds holidays --year {year} --confirm-weekdays")
    for h in status.days:
        print(f"{h.day}  {KIND_LABELS[h.kind]}  {h.name}" + ("" if not h.builtin else "  （默认）"))
    return 0
