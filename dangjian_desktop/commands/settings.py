"""`dangjian settings list | set`: the office settings the GUI edits under 文件 → 设置."""

from __future__ import annotations

from ..errors import UserError
from ._common import add_json

# key -> Chinese label; the values are read by the publicity sheets and the PDF layer.
KNOWN = {
    "publicity_issuer": "公示发布单位（落款）",
    "publicity_contact_office": "异议受理单位",
    "publicity_contact_phone": "异议受理电话",
    "publicity_contact_address": "来信来访地址",
    "pdf_font_path": "公示表字体文件（TrueType，如 C:\\Windows\\Fonts\\simfang.ttf）",
    "operator": "操作人姓名（写入变更日志）",
}


def register(sub, group) -> None:
    g = group("settings", "本单位设置（公示落款、异议受理方式、字体等）")
    p = g.add_parser("list", help="列出全部设置")
    add_json(p)
    p.set_defaults(func=cmd_list)
    p = g.add_parser("set", help="修改一项设置（值为空字符串表示清除）")
    p.add_argument("key", help="设置项：" + "、".join(KNOWN))
    p.add_argument("value", help="新的值")
    p.add_argument("--confirm-member-phone", action="store_true",
                   help="确认异议受理电话确是本单位公开的电话（它与某位党员登记的电话相同时需要确认一次）")
    p.set_defaults(func=cmd_set)


def cmd_list(ctx) -> int:
    from ..registry import get_setting

    with ctx.open_db("read") as db:
        values = {k: (db.meta(k) if k == "operator" else get_setting(db, k)) for k in KNOWN}
    if ctx.args.json:
        ctx.print_json(values)
    else:
        for k, label in KNOWN.items():
            print(f"{label}（{k}）：{values[k] or '（未设置）'}")
    return 0


def cmd_set(ctx) -> int:
    """Printed values (落款, objection contact, operator) are refused when they hold an ID number
    or a private phone; see registry.print_settings."""
    from ..registry import set_setting
    from ..registry.print_settings import check_printed_settings

    key, value = ctx.args.key, ctx.args.value.strip()
    if key not in KNOWN:
        raise UserError(f"没有设置项“{key}”。可设置：{'、'.join(KNOWN)}")
    with ctx.open_db("write") as db:
        if key == "pdf_font_path" and value:
            from ..reports.fonts import validate_font_file

            validate_font_file(value)
        if key == "operator":
            check_printed_settings(db, {key: value})
            with db.transaction("修改操作人") as tx:
                tx.set_meta("operator", value or None)
        else:
            set_setting(db, key, value or None, confirm_member_phone=ctx.args.confirm_member_phone)
    print(f"已保存：{KNOWN[key]} = {value or '（已清除）'}")
    return 0
