"""`dangjian roster …`: 花名册 import, export and the blank import template."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import errors_target, input_file, tty_progress


def register(sub, group) -> None:
    g = group("roster", "党员花名册：导入、导出Excel，生成导入模板")

    p = g.add_parser("import", help="从Excel花名册导入党员（有任何错误则不导入）")
    p.add_argument("file", metavar="FILE.xlsx", help="Excel文件（.xlsx/.xls）")
    p.add_argument("--dry-run", action="store_true", help="只检查并列出结果，不写入数据库")
    p.add_argument("--branch", metavar="名称", help="文件没有注明党支部时（无“所在党支部”列，工作表名和填报单位也不是党支部名称）党员所在的党支部")
    p.add_argument("--create-branches", action="store_true",
                   help="文件中的党支部、党小组在台账中不存在时自动新建")
    p.add_argument("--update", action="store_true", help="已登记党员的信息与文件不同时，按文件修改")
    p.add_argument("--report", metavar="错误报告.xlsx", help="有错误时另存一份标出错误单元格的Excel")
    p.add_argument("--reader", choices=("calamine", "openpyxl"), default="calamine", help=argparse.SUPPRESS)  # for comparisons
    p.set_defaults(func=cmd_import)

    p = g.add_parser("export", help="导出党员花名册（A4横向，可直接打印）")
    p.add_argument("file", metavar="FILE.xlsx", help="保存到的Excel文件")
    p.add_argument("--branch", metavar="名称", help="只导出该党组织（含下级）的党员")
    p.add_argument("--all", action="store_true", help="包括已转出、已去世等不在册的党员")
    p.set_defaults(func=cmd_export)

    p = g.add_parser("template", help="生成空白的花名册导入模板")
    p.add_argument("file", metavar="FILE.xlsx", help="保存到的Excel文件")
    p.set_defaults(func=cmd_template)


def cmd_import(ctx) -> int:
    from ..roster import ImportOptions, import_roster, save_error_report

    a = ctx.args
    input_file(a.file, "花名册 Excel 文件")
    errors_target(a.report)
    opts = ImportOptions(dry_run=a.dry_run, update=a.update, create_branches=a.create_branches,
                         branch=a.branch, reader=a.reader)
    with ctx.open_db("read" if a.dry_run else "write") as db:
        report = import_roster(db, a.file, opts, progress=tty_progress("正在导入……"))
    print(report.to_text())
    if report.errors and a.report:
        path = save_error_report(report, a.report)
        print(f"错误报告已保存：{path}")
    return 2 if report.errors else 0


def cmd_export(ctx) -> int:
    from ..roster import export_roster
    from ..roster.importer import find_branch

    a = ctx.args
    with ctx.open_db("read") as db:
        org_id = find_branch(db, a.branch) if a.branch else None
        n = export_roster(db, a.file, org_id=org_id, include_inactive=a.all, progress=tty_progress("正在导出……"))
    print(f"已导出 {n} 名党员：{Path(a.file)}")
    return 0


def cmd_template(ctx) -> int:
    from ..roster import write_template
    from ..roster.importer import branch_names

    a = ctx.args
    branches: list[str] = []
    if a.db:
        with ctx.open_db("read") as db:
            branches = branch_names(db)
    path = write_template(a.file, branches=branches)
    print(f"已生成导入模板：{path}")
    return 0
