"""`dangjian exchange invite | join | export | import | show | log | status | conflicts | resolve |
recover | receipt`: USB data exchange between the towns and the county."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UserError
from ._common import add_json, writable_target


def register(sub, group) -> None:
    g = group("exchange", "与县里（或乡镇）用U盘交换数据：邀请、加入、导出、导入、记录")
    p = g.add_parser("invite", help="县里：为乡镇生成加入数据交换的邀请文件（--recovery：为换了电脑的乡镇生成恢复数据包）")
    p.add_argument("--town", required=True, metavar="NAME", help="乡镇名称")
    p.add_argument("--out", required=True, metavar="FILE", help="邀请文件（或恢复数据包）保存到这里，例如U盘")
    p.add_argument("--recovery", action="store_true", help="乡镇的电脑损坏或丢失：生成含县里保存的该乡镇数据的恢复数据包")
    p.set_defaults(func=cmd_invite)

    p = g.add_parser("join", help="乡镇：用县里的邀请文件加入数据交换（已有数据的乡镇也可以）")
    p.add_argument("file", help="邀请文件")
    p.set_defaults(func=cmd_join)

    p = g.add_parser("export", help="导出数据包：乡镇导出给县里；县里用 --town 导出给某个乡镇")
    p.add_argument("--out", required=True, metavar="FILE", help="数据包保存到这里，例如U盘")
    p.add_argument("--town", metavar="NAME", help="县里：发给哪个乡镇")
    p.add_argument("--full", action="store_true", help="乡镇：导出全部数据（不只是县里确认之后的修改）")
    p.add_argument("--receipt", metavar="PDF", help="同时把回执保存为 PDF")
    add_json(p)
    p.set_defaults(func=cmd_export)

    p = g.add_parser("import", help="导入数据包：先核对、预览，再作为一个整体写入（导入前自动备份）")
    p.add_argument("files", nargs="+", metavar="FILE", help="数据包（可以一次导入多个，只备份一次）")
    p.add_argument("--dry-run", action="store_true", help="只预览，不改动数据库")
    p.add_argument("--receipt", metavar="PDF", help="把回执保存为 PDF（只导入一个数据包时）")
    add_json(p)
    p.set_defaults(func=cmd_import)

    p = g.add_parser("show", help="查看数据包的内容（本单位导出的，或发给本单位的），不导入")
    p.add_argument("file", help="数据包")
    add_json(p)
    p.set_defaults(func=cmd_show)

    p = g.add_parser("log", help="数据交换记录：导出、导入的每个数据包")
    p.add_argument("--town", metavar="NAME", help="只列出与这个单位的交换")
    add_json(p)
    p.set_defaults(func=cmd_log)

    p = g.add_parser("status", help="各乡镇的数据交换情况（最近收到、发出的数据包，待办，未报送的乡镇）")
    add_json(p)
    p.set_defaults(func=cmd_status)

    p = g.add_parser("conflicts", help="列出两边都改过、等待选择的记录")
    p.add_argument("--all", action="store_true", help="也列出已处理的")
    add_json(p)
    p.set_defaults(func=cmd_conflicts)

    p = g.add_parser("resolve", help="处理一个冲突：保留本单位（local）或对方（remote）的版本")
    p.add_argument("id", help="冲突编号（完整编号，或至少前4位）")
    p.add_argument("--keep", required=True, choices=["local", "remote"], help="local=本单位的版本，remote=对方的版本")
    p.set_defaults(func=cmd_resolve)

    p = g.add_parser("recover", help="乡镇换了电脑：用县里的恢复数据包和恢复码新建数据库（--db 指定新文件）")
    p.add_argument("file", help="恢复数据包")
    p.add_argument("--code", required=True, help="县里告知的12位恢复码")
    p.set_defaults(func=cmd_recover)

    p = g.add_parser("receipt", help="把某个数据包的回执保存为 PDF")
    p.add_argument("package", help="数据包编号（exchange log 中的 PK-…）")
    p.add_argument("--out", required=True, metavar="PDF", help="PDF 文件")
    p.set_defaults(func=cmd_receipt)


def cmd_invite(ctx) -> int:
    from ..exchange import invite, recovery_package

    with ctx.open_db("write") as db:
        if ctx.args.recovery:
            r = recovery_package(db, ctx.args.town, ctx.args.out)
            print(f"已为{r.peer}生成恢复数据包：{r.path}（{r.total_rows} 条记录）")
            print(f"恢复码：{r.recovery_code}")
            print("请当面或通过电话把恢复码告诉乡镇，不要写在U盘上或与恢复数据包放在一起。")
            print(f"乡镇在新电脑上运行：dangjian --db 新数据库文件 exchange recover {Path(r.path).name} --code 恢复码")
            print(f"{r.peer}原来的密钥已停用。本县密钥指纹：{r.own_fingerprint}")
            return 0
        inv = invite(db, ctx.args.town, ctx.args.out)
    print(f"已生成{'重新加入的' if inv.reenrolment else ''}邀请文件：{inv.path}")
    if inv.reenrolment:
        print(f"注意：{inv.town}原来的加入已作废。在{inv.town}用这个邀请文件重新加入之前，县里不再接收它的数据包。")
    print(f"本县密钥指纹：{inv.county_fingerprint}")
    print(f"请把邀请文件交给{inv.town}，由乡镇运行 dangjian exchange join 邀请文件；加入后请电话核对双方的密钥指纹。"
          f"邀请只能使用一次，请勿转交他人。")
    return 0


def cmd_join(ctx) -> int:
    from ..exchange import join

    with ctx.open_db("write") as db:
        j = join(db, ctx.args.file)
    print(f"已{'重新' if j.again else ''}加入{j.county}的数据交换。")
    print(f"县里的密钥指纹：{j.county_fingerprint}")
    print(f"本镇的密钥指纹：{j.own_fingerprint}")
    print("请与县里通过电话核对这两个指纹。然后用 dangjian exchange export --out 文件 导出第一个数据包交给县里。")
    return 0


def _receipt_target(path: str) -> None:
    """Where a receipt goes (--receipt, receipt --out): a .pdf file (any other name got a PDF under
    it) in a folder that exists and can be written, and not a folder itself."""
    from ..tables import check_suffix

    check_suffix(path, (".pdf",))
    writable_target(path)


def _save_receipt(db, package_id: str, path: str, done: str) -> bool:
    """The receipt saved as PDF; when it cannot be (the stick pulled out meanwhile), the clerk is
    told that the package itself was `done` (已导入 / 已导出) and how to save the receipt later."""
    from ..exchange import receipt_pdf

    try:
        receipt_pdf(db, package_id, path)
    except UserError as e:
        print(f"数据包{done}，但回执没有保存：{e.message}\n可以稍后用 dangjian exchange receipt {package_id} "
              "--out 文件 重新保存回执。", file=sys.stderr)
        return False
    return True


def cmd_export(ctx) -> int:
    from ..exchange import export_county, export_town, find_entry, receipt_text

    if ctx.args.receipt:  # checked first: a package exported and then a failed receipt read as nothing done
        _receipt_target(ctx.args.receipt)
    with ctx.open_db("write") as db:
        if ctx.args.town:
            if ctx.args.full:
                raise UserError("--full 只用于乡镇导出；县里发给乡镇的数据包总是完整的。", exit_code=2)
            r = export_county(db, ctx.args.town, ctx.args.out)
        else:
            r = export_town(db, ctx.args.out, full=ctx.args.full)
        entry = find_entry(db, r.package_id)
        saved = not ctx.args.receipt or _save_receipt(db, r.package_id, ctx.args.receipt, "已导出")
        if ctx.args.json:
            ctx.print_json({**entry.to_dict(), "path": str(r.path), "notes": r.notes})
            return 0 if saved else 1
        for note in r.notes:
            print(f"说明：{note}")
        print(receipt_text(db, entry))
    print(f"\n已导出数据包：{r.path}（{r.size / 1024:.0f} KB）")
    return 0 if saved else 1


def _table(result) -> list[str]:
    from ..exchange.merge import COUNT_KEYS
    from ..exchange.ownership import label

    heads = ("新增", "修改", "未变", "冲突", "拒收", "删除")
    lines = ["数据".ljust(12, "　") + "".join(f"{h:>6}" for h in heads)]
    for t, c in sorted(result.counts.items(), key=lambda kv: label(kv[0])):
        d = c.to_dict()
        lines.append(label(t)[:12].ljust(12, "　") + "".join(f"{d[k]:>8}" for k in COUNT_KEYS))
    d = result.total.to_dict()
    lines.append("合计".ljust(12, "　") + "".join(f"{d[k]:>8}" for k in COUNT_KEYS))
    return lines


def _print_result(db, result, receipt: str | None) -> bool:
    """The result told; False when the receipt asked for could not be saved."""
    from ..exchange import find_entry, receipt_text
    from ..exchange.ledger import fmt_time

    print(f"数据包 {result.package_id}：来自{result.sender}（密钥指纹 {result.sender_fingerprint}），"
          f"生成于{fmt_time(result.created_at)}（{result.created_by}）")
    if result.counts:
        print("\n".join(_table(result)))
    for n in result.notes:
        print(f"说明：{n}")
    for c in result.conflicts:
        print(f"冲突：{c['label']}{c['what']}（两边都改过；exchange conflicts 查看，exchange resolve 选择）")
    for e in result.errors:
        print(f"✗ {e}", file=sys.stderr)
    if result.status == "applied":
        entry = find_entry(db, result.package_id)
        print()
        print(receipt_text(db, entry))
        if result.backup:
            print(f"导入前的备份：{result.backup}")
        saved = not receipt or _save_receipt(db, result.package_id, receipt, "已导入")
        print("已导入。" + (f"另有 {result.total.conflicts} 个冲突等待选择。" if result.total.conflicts else ""))
        return saved
    elif result.status == "dry-run":
        print("预览完毕（--dry-run）：数据库没有任何改动。")
    elif result.status == "nothing":
        print(result.message or "没有需要改动的数据。")
    else:
        print(f"没有导入：{result.message}", file=sys.stderr)
    return True


def cmd_import(ctx) -> int:
    """Each file checked and imported in turn; one that is refused or cannot be read is told and
    the next one tried. One backup, made before the first package that writes."""
    from ..exchange import PackageRefused, import_package

    files = ctx.args.files
    if ctx.args.receipt and len(files) > 1:
        raise UserError("--receipt 只能用于导入一个数据包。", exit_code=2)
    if ctx.args.receipt:  # checked first: a package imported and then a failed receipt read as nothing done
        _receipt_target(ctx.args.receipt)
    results, worst, backed_up = [], 0, False
    with ctx.open_db("write") as db:
        for n, f in enumerate(files):
            try:
                r = import_package(db, f, dry_run=ctx.args.dry_run, backup=not backed_up)
            except PackageRefused as e:
                worst = 2
                if ctx.args.json:
                    results.append({"file": str(f), "status": "refused", "reason": e.reason, "message": e.message})
                print(f"没有导入 {f}：{e.message}", file=sys.stderr)
                continue
            except UserError as e:  # a file that cannot be read (not there, a folder, no rights)
                if len(files) == 1:
                    raise
                worst = max(worst, e.exit_code)
                if ctx.args.json:
                    results.append({"file": str(f), "status": "unreadable", "message": e.message})
                print(f"没有导入 {f}：{e.message}", file=sys.stderr)
                continue
            backed_up = backed_up or r.backup is not None
            worst = max(worst, r.exit_code)
            if ctx.args.json:
                results.append({"file": str(f), **r.to_dict()})
                if ctx.args.receipt and r.status == "applied" and not _save_receipt(
                        db, r.package_id, ctx.args.receipt, "已导入"):
                    worst = max(worst, 1)
            else:
                if n:
                    print()
                if not _print_result(db, r, ctx.args.receipt):
                    worst = max(worst, 1)
    if ctx.args.json:
        if len(results) == 1:
            ctx.print_json(results[0])
        else:
            total: dict[str, int] = {}
            for r in results:
                for k, v in (r.get("total") or {}).items():
                    total[k] = total.get(k, 0) + v
            ctx.print_json({"packages": results, "total": total})
    return worst


def cmd_show(ctx) -> int:
    from ..exchange.ledger import fmt_time
    from ..exchange.opening import describe_package
    from ..exchange.ownership import label

    with ctx.open_db("read") as db:
        d = describe_package(db, ctx.args.file)
    if ctx.args.json:
        ctx.print_json(d)
        return 0
    print(f"数据包 {d['package']}：{d['from']} → {d['to']}，生成于{fmt_time(d['created_at'])}（{d['created_by']}），"
          f"发送单位密钥指纹 {d['sender_fingerprint']}" + ("（本单位导出的）" if d["own"] else ""))
    for t, n in sorted(d["tables"].items(), key=lambda kv: label(kv[0])):
        gone = d["deleted"].get(t)
        print(f"  {label(t)}：{n} 条" + (f"，删除 {gone} 条" if gone else ""))
    print(f"共 {sum(d['tables'].values())} 条记录，{d['size'] / 1024:.0f} KB")
    return 0


def cmd_log(ctx) -> int:
    from ..exchange import exchange_log
    from ..exchange.ledger import KIND_LABELS, fmt_time

    with ctx.open_db("read") as db:
        entries = exchange_log(db, peer=ctx.args.town)
    if ctx.args.json:
        ctx.print_json([e.to_dict() for e in entries])
        return 0
    if not entries:
        print("还没有交换过数据包。")
        return 0
    for e in entries:
        t = e.totals
        what = (f"{t.get('rows', 0)}条记录" if e.direction == "out" else
                f"新增{t['new']} 修改{t['updated']} 未变{t['unchanged']} 冲突{t['conflicts']} 删除{t['deleted']}")
        arrow = f"→ {e.peer}" if e.direction == "out" else f"← {e.peer}"
        fp = e.recipient_fingerprint if e.direction == "out" else e.sender_fingerprint
        print(f"{fmt_time(e.processed_at)}  {e.direction_label}  {arrow}  {e.package_id}  "
              f"{KIND_LABELS.get(e.kind, e.kind)}  对方指纹 {fp}  {what}")
    print(f"共{len(entries)}个数据包")
    return 0


def cmd_status(ctx) -> int:
    from ..exchange import exchange_status, identity
    from ..exchange.ledger import fmt_time

    with ctx.open_db("read") as db:
        rows = exchange_status(db)
        try:
            own = identity(db).fingerprint
        except UserError:
            own = None
    if ctx.args.json:
        ctx.print_json({"own_fingerprint": own, "peers": [s.to_dict() for s in rows]})
        return 0
    if own:
        print(f"本单位密钥指纹：{own}")
    if not rows:
        print("还没有加入或邀请任何单位。")
    for s in rows:
        last_in = (f"{fmt_time(s.last_in.processed_at)} {s.last_in.package_id}" if s.last_in else "无")
        last_out = (f"{fmt_time(s.last_out.processed_at)} {s.last_out.package_id}" if s.last_out else "无")
        print(f"{s.name}：{s.state_label}  指纹 {s.fingerprint or '—'}  最近收到 {last_in}  最近发出 {last_out}"
              + (f"  待办：{'；'.join(s.pending)}" if s.pending else ""))
    missing = [s.name for s in rows if not s.reported and s.state != "not-invited"]
    if missing:
        print(f"尚未报送：{'、'.join(missing)}")
    return 0


def cmd_conflicts(ctx) -> int:
    from ..exchange import list_conflicts
    from ..exchange.ledger import fmt_time

    with ctx.open_db("read") as db:
        items = list_conflicts(db, include_resolved=ctx.args.all)
    if ctx.args.json:
        ctx.print_json([c.to_dict() for c in items])
        return 0
    if not items:
        print("没有待处理的冲突。")
        return 0
    for c in items:
        state = "待处理" if c.status == "open" else f"已处理：保留{'本单位' if c.choice == 'local' else '对方'}的版本"
        print(f"[{c.id[:8]}] {c.label}{c.what}（{c.peer_name}，{fmt_time(c.found_at)}）{state}")
        if c.local is None:
            print("    本单位：没有这条记录")
        if c.remote is None:
            print("    对方：已没有这条记录")
        for col, here, there in c.shown_differences():
            print(f"    {col}：本单位 {here}  |  对方 {there}")
    print(f"共{len(items)}个冲突。处理：dangjian exchange resolve 编号 --keep local|remote")
    return 0


def cmd_resolve(ctx) -> int:
    from ..exchange import resolve

    with ctx.open_db("write") as db:
        c = resolve(db, ctx.args.id, ctx.args.keep)
    side = "本单位" if c.choice == "local" else "对方"
    print(f"已处理冲突 {c.id[:8]}：{c.label}{c.what} 保留{side}的版本（已记入变更日志）。")
    if c.kind == "fork" and c.choice == "local":
        print(f"县里的版本会随下一个发给{c.peer_name}的数据包退回乡镇。")
    return 0


def cmd_recover(ctx) -> int:
    from ..exchange import recover

    r = recover(ctx.db_path, ctx.args.file, ctx.args.code)
    print(f"已从{r.county}的恢复数据包恢复{r.town}的数据：{r.total} 条记录，数据库 {r.path}")
    print(f"县里的密钥指纹：{r.county_fingerprint}")
    print(f"本镇新的密钥指纹：{r.own_fingerprint}")
    print("请与县里通过电话核对这两个指纹，然后导出一个数据包交给县里，完成重新加入。")
    return 0


def cmd_receipt(ctx) -> int:
    from ..exchange import receipt_pdf

    _receipt_target(ctx.args.out)
    with ctx.open_db("read") as db:
        path = receipt_pdf(db, ctx.args.package, ctx.args.out)
    print(f"已保存回执：{path}")
    return 0
