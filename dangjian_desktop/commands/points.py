"""`dangjian points …` (党员积分) and `dangjian meetings …` (三会一课): totals and stars, catalogue
and ledger Excel, undo of the last batch, locking a year, meeting compliance."""

from __future__ import annotations

from pathlib import Path

from .. import dates
from ..errors import UserError
from ._common import (add_json, add_out, add_town, add_year, branch_id, check_year, input_file, one_town, parse_date,
                      save_out, town_and_branch, town_or_all, year_type)


def register(sub, group) -> None:
    g = group("points", "党员积分")
    p = g.add_parser("totals", help="年度总积分与星级（每名党员）")
    add_year(p, "年度，如 2025")
    p.add_argument("--branch", metavar="NAME", help="只列出某个党支部（名称）")
    add_town(p)
    p.add_argument("--failing", action="store_true", help="只列出无星（不合格）党员")
    add_json(p)
    add_out(p)
    p.set_defaults(func=cmd_totals)

    p = g.add_parser("branches", help="各党支部的党员积分平均分与星级分布（支部评星参考）")
    add_year(p)
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_branches)

    p = g.add_parser("catalogue", help="列出年度积分细则")
    add_year(p)
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_catalogue)

    p = g.add_parser("import", help="导入 Excel：积分细则（工作表“积分细则”）或积分台账（工作表“积分台账”）")
    p.add_argument("file", metavar="FILE.xlsx", help="Excel 文件")
    p.add_argument("--year", type=year_type(), help="积分细则导入到的年度（默认取文件“说明”表中的年度）")
    add_town(p)
    p.set_defaults(func=cmd_import)

    p = g.add_parser("export", help="导出 Excel：积分细则（默认）或积分台账（--ledger）")
    p.add_argument("file", metavar="FILE.xlsx", help="保存的 Excel 文件")
    add_year(p)
    p.add_argument("--ledger", action="store_true", help="导出积分台账而不是积分细则")
    p.add_argument("--branch", metavar="NAME", help="积分台账只导出某个党支部")
    add_town(p)
    p.set_defaults(func=cmd_export)

    p = g.add_parser("undo", help="撤销上一批积分录入（一次会议考勤、一次导入或一条录入）")
    add_town(p)
    p.set_defaults(func=cmd_undo)

    p = g.add_parser("lock", help="公示期满后锁定年度积分（锁定后不能再修改）")
    add_year(p)
    p.add_argument("--from", dest="start", required=True, metavar="DATE", help="公示开始日期")
    p.add_argument("--to", dest="end", required=True, metavar="DATE", help="公示结束日期")
    add_town(p)
    p.set_defaults(func=cmd_lock)

    p = g.add_parser("unlock", help="解除年度积分锁定（须说明原因）")
    add_year(p)
    p.add_argument("--reason", required=True, help="解除锁定的原因")
    add_town(p)
    p.set_defaults(func=cmd_unlock)

    g = group("meetings", "三会一课")
    p = g.add_parser("compliance", help="三会一课召开情况：应开、已开、缺少的月份/季度")
    add_year(p)
    p.add_argument("--branch", metavar="NAME", help="只看某个党支部")
    add_town(p)
    p.add_argument("--as-of", dest="as_of", metavar="DATE", help="按此日期统计（默认今天；未结束的月份不算缺）")
    add_json(p)
    add_out(p)
    p.set_defaults(func=cmd_compliance)

    p = g.add_parser("list", help="列出会议记录")
    add_year(p)
    p.add_argument("--branch", metavar="NAME", help="只看某个党支部")
    add_town(p)
    add_json(p)
    p.set_defaults(func=cmd_meetings)


# ---- points ------------------------------------------------------------------------------------

def cmd_totals(ctx) -> int:
    from ..points.totals import rating_counts, star_levels, totals

    a = ctx.args
    year = check_year(a.year)
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, a)
        rows = totals(db, year, office_id=office, org_id=org)
        if a.failing:
            rows = [t for t in rows if t.failing]
        from ..tables.sources import points_totals_table

        saved = save_out(ctx, db, points_totals_table(db, year, rows, office_id=office)) if a.out else False
    if saved and not a.json:
        return 0
    if a.json:
        ctx.print_json({"year": year, "stars_from": star_levels()[1], "members": [
            {"id": t.member_id, "name": t.name, "branch": t.org_name, "total": t.total, "stars": t.stars,
             "rating": t.rating, "label": t.label, "base": t.base, "items": t.items, "failing": t.failing,
             "exempt_reason": t.exempt_reason, "locked": t.locked} for t in rows]})
        return 0
    from ..points.common import fmt_points

    for t in rows:
        print(f"{t.org_name}\t{t.name}\t{fmt_points(t.total)}\t{t.label}"
              + (f"\t免评：{t.exempt_reason}" if t.exempt_reason else ""))
    if not rows:
        print(f"{year}年度没有党员可以统计积分。")
        return 0
    rated = sum(1 for t in rows if t.stars is not None)
    counts = {label: n for label, n in rating_counts(rows).items() if n}
    print(f"共{len(rows)}人，参评{rated}人：" + "，".join(f"{k}{v}人" for k, v in counts.items()))
    return 0


def cmd_branches(ctx) -> int:
    from ..points.totals import branch_summary

    a = ctx.args
    year = check_year(a.year)
    with ctx.open_db("read") as db:
        rows = branch_summary(db, year, office_id=town_or_all(db, a.town))
    if a.json:
        ctx.print_json({"year": year, "branches": [b.to_dict() for b in rows]})
        return 0
    if not rows:
        print("没有党支部。")
    for b in rows:
        avg = "—" if b.average is None else f"{b.average:.2f}"
        print(f"{b.org_name}\t党员{b.members}人\t参评{b.rated}人\t平均{avg}分\t"
              f"三星{b.stars.get(3, 0)} 二星{b.stars.get(2, 0)} 一星{b.stars.get(1, 0)} 无星{b.stars.get(0, 0)}")
    return 0


def cmd_catalogue(ctx) -> int:
    from ..points import catalogue
    from ..points.common import fmt_points

    a = ctx.args
    year = check_year(a.year)
    with ctx.open_db("auto") as db:
        office = one_town(db, a.town)
        if not db.readonly:
            catalogue.ensure_catalogue(db, office, year)
        items = catalogue.items(db, office, year)
        settings = catalogue.year_settings(db, office, year)
    if a.json:
        ctx.print_json({"year": year, "base_score": settings.base_score, "locked": settings.locked, "items": [
            {"code": i.code, "title": i.title, "kind": i.kind, "points": i.points, "unit": catalogue.UNITS[i.unit],
             "yearly_cap": i.yearly_cap, "exempt_classes": i.exempt_classes, "meeting_types": i.meeting_types,
             "on_status": i.on_status, "active": i.active} for i in items]})
        return 0
    print(f"{year}年度积分细则：基础分{fmt_points(settings.base_score)}分" + ("（已锁定）" if settings.locked else ""))
    for i in items:
        print(f"{i.code}\t{i.title}\t{i.describe()}" + ("" if i.active else "\t（停用）"))
    return 0


def cmd_import(ctx) -> int:
    from ..points import catalogue, ledger
    from ..points.common import read_workbook

    a = ctx.args
    path = Path(input_file(a.file, "Excel 文件"))
    names = read_workbook(path).sheet_names
    with ctx.open_db("write") as db:
        office = one_town(db, a.town)
        if catalogue.CATALOGUE_SHEET in names:
            report = catalogue.import_xlsx(db, path, office, a.year)
            print(f"已导入{report['year']}年度积分细则：新增{len(report['added'])}项，修改{len(report['updated'])}项，"
                  f"删除{len(report['deleted'])}项，停用{len(report['deactivated'])}项（已有积分记录），"
                  f"未变{report['unchanged']}项。")
            return 0
        if ledger.LEDGER_SHEET in names:
            batch = ledger.import_ledger_xlsx(db, path, office)
            print(f"已导入积分台账{batch.row_count}条（可用 dangjian points undo 撤销这一批）。")
            return 0
    raise UserError(f"“{path.name}”中没有“{catalogue.CATALOGUE_SHEET}”或“{ledger.LEDGER_SHEET}”工作表，"
                    f"不知道要导入什么（可先用 points export 导出一份作模板）。")


def cmd_export(ctx) -> int:
    from ..points import catalogue, ledger, scope
    from ..tables import check_suffix

    a = ctx.args
    year = check_year(a.year)
    check_suffix(a.file, (".xlsx",))
    with ctx.open_db("auto") as db:
        office = one_town(db, a.town)
        if a.ledger:
            org = branch_id(db, a.branch, office) or scope.root_org(db, office)
            path = ledger.export_ledger_xlsx(db, year, a.file, org_id=org)
        else:
            if db.readonly and not catalogue.has_catalogue(db, office, year):
                raise UserError(f"{year}年度还没有积分细则（数据库为只读，不能建立）。")
            path = catalogue.export_xlsx(db, office, year, a.file)
    print(f"已保存 {path}")
    return 0


def cmd_undo(ctx) -> int:
    from ..points.batch import undo_last_batch

    with ctx.open_db("write") as db:
        b = undo_last_batch(db, one_town(db, ctx.args.town))
    print(f"已撤销：{b.title}（{b.row_count}条积分记录）")
    return 0


def cmd_lock(ctx) -> int:
    from ..points.totals import lock_year

    a = ctx.args
    with ctx.open_db("write") as db:
        n = lock_year(db, one_town(db, a.town), check_year(a.year), publicity_start=a.start, publicity_end=a.end)
    print(f"已锁定{a.year}年度党员积分（{n}名党员的结果已固定）。")
    return 0


def cmd_unlock(ctx) -> int:
    from ..points.totals import unlock_year

    a = ctx.args
    with ctx.open_db("write") as db:
        unlock_year(db, one_town(db, a.town), check_year(a.year), reason=a.reason)
    print(f"已解除{a.year}年度党员积分锁定。")
    return 0


# ---- meetings --------------------------------------------------------------------------------------

def cmd_compliance(ctx) -> int:
    from ..meetings.compliance import compliance_table

    a = ctx.args
    year = check_year(a.year)
    as_of = parse_date(a.as_of, "日期")
    if as_of is not None and as_of.year < year:  # nothing of the year has ended: all would read as held
        raise UserError(f"统计日期{dates.format_cn(as_of)}早于{year}年度，请给{year}年内或以后的日期。")
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, a)
        rows = compliance_table(db, year, office_id=office, org_id=org, as_of=as_of)
        from ..tables.sources import compliance_view_table

        saved = save_out(ctx, db, compliance_view_table(db, year, rows, as_of=as_of, office_id=office)) if a.out else False
    if saved and not a.json:
        return 0
    if a.json:
        ctx.print_json({"year": year, "as_of": (as_of or dates.today()).isoformat(),
                        "branches": [b.to_dict() for b in rows]})
        return 0
    if not rows:
        print("没有党支部。")
    for b in rows:
        print(f"{b.org_name}：" + ("全部按时召开" if not b.missing_total else f"缺{b.missing_total}次"))
        for t in b.types.values():
            print("    " + t.summary())
    return 0


def cmd_meetings(ctx) -> int:
    from ..meetings.ledger import list_meetings

    a = ctx.args
    year = check_year(a.year)
    with ctx.open_db("read") as db:
        office, org = town_and_branch(db, a)
        rows = list_meetings(db, year=year, org_id=org, office_id=office)
    if a.json:
        ctx.print_json({"year": year, "meetings": [
            {"id": r["id"], "branch": r["org_name"], "group": r["group_name"], "type": r["meeting_type"],
             "date": r["date"], "topic": r["topic"], "place": r["place"], "host": r["host_name"],
             "present": r["present"], "leave": r["leave"], "absent": r["absent"], "photos": r["photos"]}
            for r in rows]})
        return 0
    for r in rows:
        print(f"{r['date']}\t{r['org_name']}{('·' + r['group_name']) if r['group_name'] else ''}\t{r['meeting_type']}\t"
              f"{r['topic']}\t出席{r['present']} 请假{r['leave']} 缺席{r['absent']}")
    print(f"共{len(rows)}次会议")
    return 0
