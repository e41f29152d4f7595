"""`dangjian backup | backups | restore`: checked backups of the database and restoring one."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UserError
from ._common import add_json, input_file, tty_progress


def register(sub, group) -> None:
    p = sub.add_parser("backup", help="立即备份数据库（默认保存在用户数据目录的备份文件夹中）")
    p.add_argument("--to", metavar="DIR", help="保存到这个文件夹（例如U盘）；不指定时保存在默认备份文件夹并按保留规则清理旧备份")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("backups", help="列出数据库的备份（时间、大小、数据库版本、组织/党员/考核轮次数）")
    add_json(p)
    p.add_argument("--dir", metavar="DIR",
                   help="列出这个文件夹中的备份（默认：本数据库的备份，包括数据库移动或改名之前做的）")
    p.add_argument("--keep", metavar="天,日,周,月",
                   help="修改本数据库的备份保留规则并立即清理，例如 2,12,10,9（最近2天全部保留，"
                        "之后12天每天一份、10周每周一份、9个月每月一份）")
    p.add_argument("--space", metavar="GB",
                   help="修改本数据库所有备份最多共占的空间（GB，默认 10；0 表示不设上限）并立即清理，例如 5")
    p.set_defaults(func=cmd_backups)
    p = sub.add_parser("restore", help="用一份备份替换当前数据库（替换前自动备份当前数据库）")
    p.add_argument("file", help="备份文件")
    p.add_argument("--yes", action="store_true", help="确认替换当前数据库")
    p.set_defaults(func=cmd_restore)


def cmd_backup(ctx) -> int:
    from ..db.backup import auto_backup, make_backup

    path = ctx.db_path
    progress = tty_progress("正在备份……")
    if ctx.args.to is not None and not ctx.args.to.strip():
        raise UserError("--to 后面要写保存备份的文件夹（例如U盘），不能为空。", exit_code=2)
    if ctx.args.to:
        target = make_backup(path, "manual", Path(ctx.args.to), progress=progress)
    else:
        target = auto_backup(path, "manual", progress=progress)
    print(target)
    return 0


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


def cmd_backups(ctx) -> int:
    from ..db.backup import backup_dir, keep_policy, list_backups, space_rule
    from ..db.backup_rules import KeepPolicy, SpaceRule
    from ..db.storage import fmt_size

    path = ctx.db_path
    if ctx.args.keep is not None or ctx.args.space is not None:
        policy = KeepPolicy.parse(ctx.args.keep) if ctx.args.keep is not None else None
        space = SpaceRule.parse(ctx.args.space) if ctx.args.space is not None else None
        from ..registry.offices import save_backup_rules

        with ctx.open_db("write") as db:
            removed = save_backup_rules(db, policy, space)
        said = [f"已保存备份保留规则：{policy.describe()}"] if policy is not None else []
        said += [f"已保存备份空间上限：{space.describe()}"] if space is not None else []
        # With --json, stdout carries the JSON list alone: what was saved is said on stderr.
        print("".join(said) + (f"已删除 {len(removed)} 份旧备份。" if removed else ""),
              file=sys.stderr if ctx.args.json else sys.stdout)
        if not ctx.args.json:
            return 0
    folder = Path(ctx.args.dir) if ctx.args.dir else backup_dir(path)
    if ctx.args.dir and not folder.is_dir():
        raise UserError(f"找不到文件夹：{folder}")
    # The database's own: those it made where it was before too (moved or renamed), never another office's.
    backups = list_backups(folder=folder) if ctx.args.dir else list_backups(path)
    if ctx.args.json:
        ctx.print_json([b.to_dict() for b in backups])
        return 0
    print(f"备份文件夹：{folder}")
    if path.is_file() and not ctx.args.dir:
        print(f"保留规则：{keep_policy(path).describe()}")
        print(f"空间上限：{space_rule(path).describe()}")
    if not backups:
        print("还没有备份。可以用 dangjian backup 立即备份。")
        return 0
    for b in backups:
        if b.error:
            facts = b.error
        else:
            c = b.counts
            facts = (f"第{b.schema_version}版  组织{c.get('organisations') or 0}个  "
                     f"党员{c.get('members') or 0}名  考核轮次{c.get('rounds') or 0}个")
        moved = f"  原位置：{b.origin}" if b.origin is not None else ""
        print(f"{b.created_text}  {_size(b.size):>9}  {facts}  {b.reason_label}  {b.path}{moved}")
    print(f"共{len(backups)}份备份，占用 {fmt_size(sum(b.size for b in backups))}")
    earlier = sum(b.origin is not None for b in backups)
    if earlier:
        print(f"其中{earlier}份是数据库在原位置时做的，保存在原来的备份文件夹中，不按本数据库的保留规则清理。")
    return 0


def cmd_restore(ctx) -> int:
    from ..db.restore import restore

    file = Path(input_file(ctx.args.file, "备份文件"))
    if not ctx.args.yes:
        raise UserError(f"恢复会用“{file.name}”替换当前数据库 {ctx.db_path}（替换前会自动备份当前数据库）。"
                        f"确认无误请加上 --yes 再运行。")
    result = restore(ctx.db_path, file, progress=tty_progress("正在恢复……"))
    print(f"已从 {file} 恢复数据库 {ctx.db_path}。")
    if result.migrated:
        print(f"备份的数据库版本 {result.from_version} 已升级到 {result.schema_version}。")
    if result.safety_backup is not None:
        what = "原数据库文件已损坏，其原样副本保存在" if result.damaged else "恢复前的数据库已备份到"
        print(f"{what}：{result.safety_backup}")
    return 0
