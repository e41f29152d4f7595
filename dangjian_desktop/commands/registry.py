"""`dangjian init | demo | stats | warnings | verify`: the office database and its registry."""

from __future__ import annotations

import time

from .. import dates
from ..errors import UserError
from ._common import add_json, add_out, save_out, tty_progress


def register(sub, group) -> None:
    p = sub.add_parser("init", help="新建数据库并建立本单位（唯一会创建数据库文件的命令）")
    p.add_argument("--name", required=True, help="单位名称，如“文城镇”")
    p.add_argument("--level", required=True, choices=["town", "county"], help="town=乡镇，county=县")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="在新建的空数据库中生成演示数据")
    p.add_argument("--towns", type=int, default=None, help="县级数据库生成的乡镇数（默认3）")
    p.add_argument("--seed", type=int, default=1, help="随机种子：同一种子生成相同的数据")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("stats", help="统计单位、组织和党员数量")
    p.add_argument("--tree", action="store_true", help="同时列出组织树和每个组织的党员人数（与组织台账的组织树相同）")
    add_json(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("warnings", help="列出需要处理的提醒（换届、书记空缺、预备期满等）")
    add_json(p)
    add_out(p)
    p.set_defaults(func=cmd_warnings)

    p = sub.add_parser("verify", help="检查数据库完整性和变更日志")
    p.set_defaults(func=cmd_verify)


def cmd_init(ctx) -> int:
    from ..db import Database
    from ..db.database import empty_file
    from ..registry import init_office

    path = ctx.db_path
    if path.is_dir():
        raise UserError(f"{path} 是一个文件夹。请在 --db 中写上要新建的数据库文件，例如 {path / 'dangjian.sqlite'}")
    if path.exists() and not empty_file(path):  # an empty file (0 bytes) holds nothing to keep
        raise UserError(f"数据库文件已存在：{path}（不会覆盖）")
    # The office is made before the file appears at its path: a program killed half-way leaves none.
    Database.create(path, setup=lambda db: init_office(db, name=ctx.args.name, level=ctx.args.level)).close()
    print(f"已创建数据库 {path}")
    return 0


def cmd_demo(ctx) -> int:
    from ..demo import generate

    with ctx.open_db("write") as db:
        t0 = time.perf_counter()
        counts = generate(db, towns=ctx.args.towns, seed=ctx.args.seed,
                          progress=lambda m: print(m, flush=True))
        print(f"完成：{counts['offices']}个单位，{counts['branches']}个党支部，{counts['members']}名党员，"
              f"用时{time.perf_counter() - t0:.1f}秒")
    return 0


def cmd_stats(ctx) -> int:
    from ..registry import local_office, org_tree, summary

    with ctx.open_db("read") as db:
        s = summary(db)
        office = local_office(db)
        tree = tree_rows(org_tree(db)) if ctx.args.tree else None
        if ctx.args.json:
            ctx.print_json({"office": office["name"], "level": office["level"], **s,
                            **({"tree": tree} if tree is not None else {})})
            return 0
        print(f"{office['name']}：{s['offices']}个单位，{s['branches']}个党支部，{s['groups']}个党小组，"
              f"党员{s['members']}名（正式{s['members_full']}，预备{s['members_probationary']}）")
        for row in tree or []:
            split = "" if row["type"] == "党小组" else f"（正式{row['full']}，预备{row['probationary']}）"
            print(f"{'　' * (row['depth'] + 1)}{row['name']}  {row['type']}  {row['members']}人{split}")
    return 0


def tree_rows(tree) -> list[dict]:
    """The organisation tree in the order the 组织台账 tab shows it, with its member counts."""
    from ..registry.offices import LEVELS

    rows: list[dict] = []

    def add(depth: int, kind: str, row, type_: str, counts) -> None:
        rows.append({"depth": depth, "kind": kind, "id": row["id"], "name": row["name"], "type": type_,
                     "members": counts.total, "full": counts.full, "probationary": counts.probationary})

    def add_orgs(top: str, depth: int) -> None:
        for d, oid in tree.walk(top, depth):
            add(d, "org", tree.orgs[oid], tree.orgs[oid]["org_type"], tree.count(oid))

    for top in tree.own:
        add_orgs(top, 0)
    for office_id in tree.office_order:
        office = tree.offices[office_id]
        add(0, "office", office, LEVELS.get(office["level"], office["level"]), tree.office_counts(office_id))
        for top in tree.office_tops[office_id]:
            add_orgs(top, 1)
    return rows


def cmd_warnings(ctx) -> int:
    from ..registry import compute_warnings
    from ..registry.warnings import LABELS

    with ctx.open_db("read") as db:
        ws = compute_warnings(db)
        from ..tables.sources import warnings_table

        saved = save_out(ctx, db, warnings_table(db, ws)) if ctx.args.out else False
    if saved and not ctx.args.json:
        return 0
    if ctx.args.json:
        ctx.print_json([{**w.to_dict(), "label": LABELS[w.code]} for w in ws])
    else:
        for w in ws:
            print(f"[{w.level}] {LABELS[w.code]}：{w.message}")
        print(f"共{len(ws)}条提醒（{dates.format_cn(dates.today())}）")
    return 0


def cmd_verify(ctx) -> int:
    from ..db.audit import log_entries

    with ctx.open_db("read") as db:
        problems = db.verify(tty_progress("正在检查……"))
        rows = log_entries(db.conn)
    if problems:
        for p in problems:
            print(f"✗ {p}")
        print(f"发现{len(problems)}个问题。")
        return 1
    print(f"✓ 数据库完好：完整性检查通过，外键完整，{rows}条变更日志与数据一致。")
    return 0
