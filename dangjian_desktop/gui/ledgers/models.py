"""The columns of the 台账 page's tables (kit RowModel over the core's rows), one set per ledger."""

from __future__ import annotations

from ...ledgers.common import fmt_yuan, months_label
from ..kit.formatting import format_date
from ..kit.palette import AMBER, GREEN, GREY, RED
from ..kit.row_model import ALIGN_CENTER, ALIGN_RIGHT, Col


def _money(key):
    return lambda r: fmt_yuan(getattr(r, key) if not isinstance(r, dict) else r[key])


def dues_state(m) -> str:
    if m.arrears_fen:
        return "欠缴"
    if m.base_missing:
        return "基数未核定"
    if m.late_months:
        return "逾期交纳"
    return "按时足额"


DUES = (
    Col("党支部", "org_name", name=True),
    Col("姓名", "name", name=True),
    Col("类别", lambda m: m.rate_class or "未核定"),
    Col("月基数", lambda m: fmt_yuan(m.base_fen), ALIGN_RIGHT, sort=lambda m: m.base_fen or 0),
    Col("月应交", lambda m: fmt_yuan(m.monthly_fen), ALIGN_RIGHT, sort=lambda m: m.monthly_fen or 0),
    Col("已交月份", lambda m: months_label(m.months_paid)),
    Col("已交（元）", lambda m: fmt_yuan(m.paid_fen), ALIGN_RIGHT, sort=lambda m: m.paid_fen),
    Col("欠缴月份", lambda m: months_label(m.months_owed), color=lambda m: RED if m.months_owed else None),
    Col("欠缴（元）", lambda m: fmt_yuan(m.arrears_fen) if m.arrears_fen else "", ALIGN_RIGHT,
        color=lambda m: RED if m.arrears_fen else None, sort=lambda m: m.arrears_fen),
    Col("减免", lambda m: months_label(m.months_exempt)),
    Col("状态", dues_state, ALIGN_CENTER,
        color=lambda m: {"欠缴": RED, "基数未核定": AMBER, "逾期交纳": AMBER}.get(dues_state(m), GREEN)),
)

PIPELINE = (
    Col("党支部", "org_name", name=True),
    Col("姓名", "name", name=True),
    Col("阶段", "stage", color=lambda p: GREY if p.closed else None),
    Col("申请", lambda p: format_date(p.first("申请"))),
    Col("积极分子", lambda p: format_date(p.first("积极分子"))),
    Col("发展对象", lambda p: format_date(p.first("发展对象"))),
    Col("接收预备党员", lambda p: format_date(p.first("接收"))),
    Col("转正", lambda p: format_date(p.first("转正"))),
    Col("入党介绍人", lambda p: "、".join(n for _, n in p.introducers)),
    Col("培训学时", lambda p: f"{p.training_hours:g}" if p.training_hours else "", ALIGN_RIGHT),
)

TRAINING = (
    Col("日期", lambda r: format_date(r["date"]), sort=lambda r: r["date"]),
    Col("党支部", "org_name", name=True),
    Col("姓名", "name", name=True),
    Col("形式", "kind"),
    Col("内容", "content"),
    Col("学时", lambda r: f"{r['hours']:g}", ALIGN_RIGHT, sort=lambda r: r["hours"]),
    Col("组织单位", "organiser"),
)

REWARDS = (
    Col("日期", lambda r: format_date(r["date"]), sort=lambda r: r["date"]),
    Col("党支部", "org_name", name=True),
    Col("姓名", "name", name=True),
    Col("类别", "kind", ALIGN_CENTER, color=lambda r: RED if r["kind"] == "处分" else GREEN),
    Col("名称或种类", "title"),
    Col("决定机关", "issuer"),
    Col("决定", "decision"),
)

VISITS = (
    Col("日期", lambda r: format_date(r["date"]), sort=lambda r: r["date"]),
    Col("党支部", "org_name", name=True),
    Col("姓名", "name", name=True),
    Col("类别", lambda r: "、".join(x for x, on in (("困难党员", r["is_hardship"]), ("老党员", r["is_old"])) if on)),
    Col("形式", "kind"),
    Col("走访人", "visitor"),
    Col("内容", "content"),
    Col("金额（元）", lambda r: fmt_yuan(r["amount_fen"]) if r["amount_fen"] else "", ALIGN_RIGHT),
    Col("照片", lambda r: r["photos"] or "", ALIGN_CENTER),
)

TALKS = (
    Col("日期", lambda r: format_date(r["date"]), sort=lambda r: r["date"]),
    Col("党支部", "org_name", name=True),
    Col("谈话人", "talker"),
    Col("谈话对象", "participants"),
    Col("主题", "topic"),
    Col("内容", "content"),
    Col("照片", lambda r: r["photos"] or "", ALIGN_CENTER),
)

FUNDS = (
    Col("党支部", "org_name", name=True),
    Col("类别", lambda s: s.kind or ""),
    Col("党员数", "members", ALIGN_RIGHT),
    Col("收入（元）", lambda s: fmt_yuan(s.received_fen), ALIGN_RIGHT, sort=lambda s: s.received_fen),
    Col("支出（元）", lambda s: fmt_yuan(s.spent_fen), ALIGN_RIGHT, sort=lambda s: s.spent_fen),
    Col("结余（元）", lambda s: fmt_yuan(s.balance_fen), ALIGN_RIGHT, sort=lambda s: s.balance_fen),
    Col("人均（元）", lambda s: fmt_yuan(s.per_member_fen), ALIGN_RIGHT, sort=lambda s: s.per_member_fen or 0),
    Col("人均600元", lambda s: "" if s.standard_fen is None else ("达到" if s.provided else "未达到"), ALIGN_CENTER,
        color=lambda s: None if s.standard_fen is None else (GREEN if s.provided else RED)),
    Col("专户", lambda s: "、".join(s.accounts) or "未登记", color=lambda s: None if s.separate_account else AMBER),
)

FUND_ENTRIES = (
    Col("日期", lambda r: format_date(r["date"]), sort=lambda r: r["date"]),
    Col("党支部", "org_name", name=True),
    Col("收支", "direction", ALIGN_CENTER),
    Col("用途/来源", lambda r: r["purpose"] if r["direction"] == "支出" else (r["source"] or r["purpose"])),
    Col("金额（元）", lambda r: fmt_yuan(r["amount_fen"]), ALIGN_RIGHT, sort=lambda r: r["amount_fen"]),
    Col("账户", "account"),
    Col("凭证号", "voucher"),
)

CADRES = (
    Col("村党组织", "org_name", name=True),
    Col("姓名", "name", name=True),
    Col("性别", lambda r: r["sex"] or "", ALIGN_CENTER),
    Col("出生日期", lambda r: format_date(r["birth_date"])),
    Col("学历", lambda r: r["education"] or ""),
    Col("列入日期", lambda r: format_date(r["since"])),
)

STRUCTURE = (
    Col("党支部", "org_name", name=True),
    Col("支委人数", "size", ALIGN_RIGHT),
    Col("35-45岁", lambda s: "" if s.core_share is None else f"{s.in_core_age}人（{s.core_share:.0%}）",
        color=lambda s: None if s.meets_age is None else (GREEN if s.meets_age else RED)),
    Col("高中以上", lambda s: "" if s.education_share is None else f"{s.educated}人（{s.education_share:.0%}）",
        color=lambda s: None if s.meets_education is None else (GREEN if s.meets_education else RED)),
)

PLAQUES = (
    Col("党组织", "org_name", name=True),
    Col("牌匾", "title"),
    Col("挂牌日期", lambda r: format_date(r["hung_on"]), sort=lambda r: r["hung_on"]),
    Col("摘牌日期", lambda r: format_date(r["removed_on"]), color=lambda r: RED if r["removed_on"] else None),
    Col("摘牌原因", "removed_reason"),
)
