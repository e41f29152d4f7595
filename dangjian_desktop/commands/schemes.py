"""`dangjian schemes …`: list, show, evaluate, validate, export and import assessment schemes.

None of these needs the database: schemes are files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import UserError, text_file_reason
from ..schemes import (check, evaluate, export_xlsx, is_builtin, list_schemes, load_scheme, load_scheme_file,
                       save_user_scheme, scheme_to_dict)
from ..schemes import model as m
from ..schemes.evaluate import parse_scores_document
from ..schemes.model import fmt_num
from ..schemes.store import delete_user_scheme, write_json_atomic
from ..schemes.validate import ERROR
from ._common import JSON_HELP_SPACED, add_json


def register(sub, group) -> None:
    g = group("schemes", "评分方案（考核细则）：查看、试算、校验、导入导出 Excel")

    p = g.add_parser("list", help="列出内置和自定义的评分方案")
    add_json(p, JSON_HELP_SPACED)
    p.set_defaults(func=cmd_list)

    p = g.add_parser("show", help="显示一个方案的部分、细项、评定规则和检查结果")
    p.add_argument("scheme", metavar="ID", help="方案编号，或 .json/.xlsx 方案文件")
    add_json(p, JSON_HELP_SPACED)
    p.set_defaults(func=cmd_show)

    p = g.add_parser("eval", help="试算：按分数文件计算总分、等次、星级")
    p.add_argument("scheme", metavar="ID", help="方案编号，或 .json/.xlsx 方案文件")
    p.add_argument("scores", metavar="SCORES.json",
                   help='分数文件：{"scores": {"编号": 分数, ...}, "vetoes": ["否决项编号", ...]}；'
                        '扣分项填扣除的分数，是否项填 1 或 0；分类评定的方案另加 "rating": "类别"')
    p.set_defaults(func=cmd_eval)

    p = g.add_parser("validate", help="检查方案文件（.json 或 .xlsx）的分值、分数线和编号")
    p.add_argument("file", metavar="FILE", help="方案文件（.json 或 .xlsx）")
    add_json(p, JSON_HELP_SPACED)
    p.set_defaults(func=cmd_validate)

    p = g.add_parser("export", help="把方案导出为可编辑的 Excel（或 .json）")
    p.add_argument("scheme", metavar="ID", help="方案编号（见 dangjian schemes list）")
    p.add_argument("file", metavar="FILE.xlsx", help="保存的文件（.xlsx 或 .json）")
    p.set_defaults(func=cmd_export)

    p = g.add_parser("import", help="导入 Excel（或 .json）方案，保存为自定义方案")
    p.add_argument("file", metavar="FILE.xlsx", help="方案文件（.xlsx 或 .json）")
    p.add_argument("--id", dest="new_id", metavar="ID", help="保存时使用的新编号")
    p.add_argument("--replace", action="store_true", help="覆盖同编号的自定义方案（内置方案永不覆盖）")
    p.set_defaults(func=cmd_import)

    p = g.add_parser("delete", help="删除一个自定义方案")
    p.add_argument("scheme", metavar="ID", help="自定义方案的编号（内置方案不能删除）")
    p.set_defaults(func=cmd_delete)


def _resolve(arg: str):
    p = Path(arg)
    if p.suffix.lower() in (".json", ".xlsx", ".xlsm"):
        return load_scheme_file(p)
    return load_scheme(arg)


def cmd_list(ctx) -> int:
    infos = list_schemes()
    if ctx.args.json:
        ctx.print_json([{"id": i.id, "name": i.name, "builtin": i.builtin, "year": i.year,
                         **({"error": i.error} if i.error else {})} for i in infos])
        return 0
    for i in infos:
        kind = "内置" if i.builtin else "自定义"
        extra = f"  【无法读取：{i.error}】" if i.error else ""
        print(f"{i.id:<18} {kind:<4} {i.name}{extra}")
    return 0


def _show_dict(scheme) -> dict:
    d = scheme_to_dict(scheme)
    d["builtin"] = is_builtin(scheme.id)
    d["total_max_effective"] = scheme.effective_total_max()
    d["issues"] = [f.text() for f in check(scheme)]
    return d


def cmd_show(ctx) -> int:
    s = _resolve(ctx.args.scheme)
    if ctx.args.json:
        ctx.print_json(_show_dict(s))
        return 0
    print(f"{s.name}（{s.id}）")
    if s.source.title:
        print(f"来源：{s.source.title}" + (f"，{s.source.issuer}" if s.source.issuer else ""))
    tm = s.effective_total_max()
    print(f"评定对象：{s.unit or '—'}；总分：{fmt_num(tm)}；评定方式：{m.RULE_LABELS.get(s.rating.kind)}")
    for sec in s.sections:
        whole = "（整体打分）" if sec.whole else ""
        print(f"  {sec.code} {sec.title}  满分 {fmt_num(sec.max)}{whole}")
        group = None
        for it in sec.items:
            if it.group and it.group != group:
                group = it.group
                print(f"      〔{group}〕")
            kind = "" if it.kind == m.POINTS else f"（{m.SCORING_LABELS[it.kind]}）"
            print(f"      {it.code:<5} {fmt_num(it.max):>3} 分{kind}  {it.title}")
    print("评定规则：")
    for lv in s.rating.levels:
        cond = f"≥ {fmt_num(lv.min)} 分" if lv.min is not None else (f"{lv.stars} 颗星" if lv.stars is not None else "")
        print(f"  {lv.name}  {cond}")
    if s.rating.kind == m.SECTION_STARS:
        print(f"  每部分达到 {fmt_num(s.rating.bar)} 分得一星")
    if s.rating.kind != m.CLASSIFICATION:
        from ..schemes.rounding import rounding_text

        print(f"  {rounding_text(s.rating.rounding)}")
    if s.vetoes:
        print("否决项" + ("（可补充）" if s.vetoes_open else "") + "：")
        for v in s.vetoes:
            print(f"  {v.code} {v.title}")
    for q in s.quotas:
        print(f"名额 {q.code}：{q.note or '、'.join(q.ratings)}")
    if s.bonuses:
        print("加分：" + "，".join(f"{k} {fmt_num(v)}" for k, v in s.bonuses.items()))
    for c in s.consequences:
        print(f"后果 {c.code}（{m.CONDITION_LABELS.get(c.kind, c.kind)}）：{c.title}")
    for n in s.notes:
        print(f"说明：{n}")
    findings = check(s)
    if findings:
        print("检查结果：")
        for f in findings:
            print(f"  {f.text()}")
    return 0


def _read_json(path: str, what: str):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UserError(f"找不到{what}：{path}", exit_code=2) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UserError(f"{what} {Path(path).name} 无法读取：{text_file_reason(e)}。", exit_code=2) from None


def cmd_eval(ctx) -> int:
    scheme = _resolve(ctx.args.scheme)
    scores, vetoes, rating = parse_scores_document(_read_json(ctx.args.scores, "分数文件"))
    result = evaluate(scheme, scores, vetoes, classification=rating)
    for w in result.warnings:
        print(f"提示：{w}", file=sys.stderr)
    ctx.print_json(result.to_dict())
    return 0


def cmd_validate(ctx) -> int:
    scheme = load_scheme_file(ctx.args.file)
    findings = check(scheme)
    has_errors = any(f.severity == ERROR for f in findings)
    if ctx.args.json:
        ctx.print_json({"id": scheme.id, "name": scheme.name, "ok": not has_errors,
                        "issues": [f.text() for f in findings]})
    else:
        for f in findings:
            print(f.text())
        print(("有错误，方案不能使用。" if has_errors else "检查通过。") +
              (f"（共 {len(findings)} 条）" if findings else ""))
    return 2 if has_errors else 0


def cmd_export(ctx) -> int:
    scheme = _resolve(ctx.args.scheme)
    out = Path(ctx.args.file)
    if out.suffix.lower() == ".json":
        write_json_atomic(out, scheme_to_dict(scheme))
    elif out.suffix.lower() == ".xlsx":
        export_xlsx(scheme, out)
    else:
        raise UserError("导出文件须以 .xlsx 或 .json 结尾。", exit_code=2)
    print(f"已导出：{out}")
    return 0


def cmd_import(ctx) -> int:
    scheme = load_scheme_file(ctx.args.file, strict=True)
    if ctx.args.new_id:
        if not m.ID_PATTERN.match(ctx.args.new_id):
            raise UserError(f"编号“{ctx.args.new_id}”不合规：只能用小写英文字母、数字、“-”和“_”。", exit_code=2)
        scheme.id = ctx.args.new_id
    wanted = scheme.id
    saved = save_user_scheme(scheme, overwrite=ctx.args.replace)
    if saved.id != wanted:
        why = "是内置方案的编号" if is_builtin(wanted) else "已被使用"
        print(f"编号“{wanted}”{why}，已保存为“{saved.id}”。", file=sys.stderr)
    for f in check(saved):
        print(f.text(), file=sys.stderr)
    print(f"已导入：{saved.name}（{saved.id}）")
    return 0


def cmd_delete(ctx) -> int:
    delete_user_scheme(ctx.args.scheme)
    print(f"已删除自定义方案：{ctx.args.scheme}")
    return 0
