"""党费 (party dues): each member's monthly base fixed once a year, the rate table as data
(resources/ledgers/dues_rates.json), payments by month or in advance with who received them,
exemptions with a reason, arrears and the year's totals per branch.

Model (money in fen):
- dues_base: (member, year, from_month) -> rate class, base, monthly due. One row from January
  is the yearly 核定; a later row changes the due from its month on (a base corrected
  mid-year, a retirement). A month without any base row before it is 未核定 (no arrears
  are computed for it).
- dues_payment: months from..to of a year and the amount paid for them, spread evenly over
  those of its months still owing when it is counted (payments by date: months of membership,
  not 免交, not paid in full by an earlier payment; all its months when none is), the first
  months taking the odd fen. Paying months that have not ended yet is
  paying in advance; when the base rises after such a payment, the months it covered owe the
  difference.
- dues_exemption: months of a year with a reduced monthly due (0: 免交; a 少交 amount below the
  normal due of its months with a base), reason and approval; at most one for a month (a second
  is refused: cancel the first to change it).

A month is due from the month the member joined (a probationary member pays from the branch
meeting that accepted them) to the month they left (转出, 出党, 死亡, 停止党籍). Arrears are the
shortfall of the months that have ended by `as_of`; a month paid in full after it ended is late.
Every member's year at once (status, MemberDues, the branch totals): ledgers/dues_year.py.
Excel import and export: ledgers/dues_excel.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .. import dates
from ..db import Database
from ..errors import UserError
from .common import (ACTIVE_STATUSES, FIRST_YEAR, check_day, check_year, fmt_yuan, load_data, member_row,
                     member_scope, months_label, percent_of, to_fen)
from .dues_year import (LEFT_STATUSES, BranchDues, DuesYear, MemberDues, first_office,  # noqa: F401 - re-exported
                        member_months, refreshed, status)


# ---- the rate table ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RateClass:
    name: str
    basis: str  # 'base' (a percentage of the monthly base) or 'fixed' (a monthly amount)
    bands: tuple[tuple[int | None, Decimal], ...] = ()  # (upper bound in fen or None, percent)
    monthly_fen: int = 0  # fixed classes: the standard monthly amount
    min_fen: int = 0
    max_fen: int = 0
    person_classes: tuple[str, ...] = ()

    def percent(self, base_fen: int) -> Decimal:
        for upto, pct in self.bands:
            if upto is None or base_fen <= upto:  # each band includes its upper bound
                return pct
        return self.bands[-1][1]

    def due(self, base_fen: int | None, monthly_fen: int | None = None) -> int:
        """The monthly due in fen for a base (base classes) or a chosen amount (fixed classes)."""
        if self.basis == "base":
            if base_fen is None:
                raise UserError(f"“{self.name}”类党员须填写月缴纳基数（税后月收入）。")
            return percent_of(base_fen, self.percent(base_fen))
        if monthly_fen is None:
            return self.monthly_fen
        if not self.min_fen <= monthly_fen <= self.max_fen:
            raise UserError(f"“{self.name}”类党员每月交纳{fmt_yuan(self.min_fen)}元至{fmt_yuan(self.max_fen)}元，"
                            f"不能定为{fmt_yuan(monthly_fen)}元。")
        return monthly_fen

    def describe(self) -> str:
        if self.basis == "fixed":
            if self.min_fen == self.max_fen:
                return f"每月{fmt_yuan(self.monthly_fen)}元"
            return f"每月{fmt_yuan(self.min_fen)}–{fmt_yuan(self.max_fen)}元（默认{fmt_yuan(self.monthly_fen)}元）"
        parts, low = [], None
        for upto, pct in self.bands:
            p = f"{pct.normalize():f}%"
            if upto is None:
                parts.append(f"{fmt_yuan(low)}元以上 {p}" if low is not None else p)
            else:
                parts.append(f"{fmt_yuan(upto)}元以下（含）{p}" if low is None else
                             f"{fmt_yuan(low)}–{fmt_yuan(upto)}元 {p}")
            low = upto
        return "；".join(parts)


@dataclass(frozen=True)
class RateTable:
    title: str
    source: str
    note: str
    classes: tuple[RateClass, ...]

    def get(self, name: str | None) -> RateClass:
        for c in self.classes:
            if c.name == (name or "").strip():
                return c
        raise UserError(f"党费类别“{name}”不存在（可选：{'、'.join(c.name for c in self.classes)}）。")

    def for_person_class(self, person_class: str | None) -> RateClass:
        for c in self.classes:
            if person_class and person_class in c.person_classes:
                return c
        return self.classes[0]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.classes]


@lru_cache(maxsize=None)
def rate_table() -> RateTable:
    data = load_data("dues_rates")
    classes = []
    for c in data["classes"]:
        if c["basis"] == "base":
            bands = tuple((None if b["upto"] is None else to_fen(b["upto"]), Decimal(str(b["percent"])))
                          for b in c["bands"])
            classes.append(RateClass(c["name"], "base", bands, person_classes=tuple(c.get("person_classes", ()))))
        else:
            classes.append(RateClass(c["name"], "fixed", (), to_fen(c["monthly"]), to_fen(c["min"]), to_fen(c["max"]),
                                     tuple(c.get("person_classes", ()))))
    return RateTable(data.get("title", ""), data.get("source", ""), data.get("note", ""), tuple(classes))


def member_dues(db: Database, member_id: str, year: int, as_of: dt.date | None = None) -> MemberDues:
    member_row(db, member_id)
    got = status(db, year, as_of=as_of, member_ids=[member_id]).members
    if not got:
        raise UserError("该党员本年度没有党费记录。")
    return got[0]


def arrears(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None,
            as_of: dt.date | None = None) -> list[MemberDues]:
    """Members owing dues (the reminder list), branch by branch."""
    return [m for m in status(db, year, office_id=office_id, org_id=org_id, as_of=as_of).members if m.arrears_fen]


def reminder_rows(members: list[MemberDues]) -> list[tuple[str, str, str, str]]:
    """(branch, name, months owed, amount) of a reminder list; no ID numbers or phones."""
    return [(m.org_name, m.name, months_label(m.months_owed), fmt_yuan(m.arrears_fen)) for m in members]


# ---- writing ---------------------------------------------------------------------------------
def _month_pair(months: Any, what: str) -> tuple[int, int]:
    """Months given as a pair of numbers (from, to) -> checked: both 1 to 12, in order."""
    try:
        a, b = (int(v) for v in months)
    except (TypeError, ValueError):
        raise UserError(f"{what}无效，应为1到12月中的起止月份。") from None
    if not (1 <= a <= 12 and 1 <= b <= 12):
        raise UserError(f"{what}{a}-{b}月超出1到12月。")
    if b < a:
        raise UserError(f"{what}{a}-{b}月的起止颠倒了，应写作{b}-{a}月。")
    return a, b


def _check_month(value: Any, what: str = "起始月份") -> int:
    try:
        m = int(value)
    except (TypeError, ValueError):
        raise UserError(f"{what}“{value}”无效，应为1到12。") from None
    if not 1 <= m <= 12:
        raise UserError(f"{what}“{value}”无效，应为1到12。")
    return m


@dataclass
class BaseInput:
    member_id: str
    rate_class: str | None = None  # default: from the member's 人员类别
    base: Any = None  # yuan; required for base classes
    monthly: Any = None  # yuan; fixed classes only (within the class's range)
    from_month: int = 1
    note: str = ""


def prepare_base(db: Database, year: int, e: BaseInput, *, fixed_on: str, member=None) -> dict[str, Any]:
    """The dues_base row values for an input (UserError naming the member when it is wrong)."""
    m = member or member_row(db, e.member_id)
    table = rate_table()
    try:
        cls = table.get(e.rate_class) if e.rate_class else table.for_person_class(m["person_class"])
        base_fen = None if e.base in (None, "") else to_fen(e.base, what="月缴纳基数")
        monthly = None if e.monthly in (None, "") else to_fen(e.monthly, what="月应交金额")
        if cls.basis == "base" and monthly is not None:
            raise UserError(f"“{cls.name}”类党员的月应交金额按基数计算，不能直接填写。")
        due = cls.due(base_fen, monthly)
    except UserError as err:
        raise UserError(f"{m['name']}：{err.message}") from None
    return {"member_id": m["id"], "year": int(year), "from_month": _check_month(e.from_month), "rate_class": cls.name,
            "base_fen": base_fen if cls.basis == "base" else base_fen, "monthly_fen": due, "fixed_on": fixed_on,
            "note": (e.note or "").strip(), "owner": m["owner"]}


def set_bases(db: Database, year: int, entries: list[BaseInput], *, fixed_on: str | None = None,
              reason: str | None = None, actor: str | None = None) -> int:
    """Fix (核定) bases for the year in one unit of work; an existing row for the same member and
    starting month is replaced. Returns rows written or changed."""
    y = check_year(year)
    day = check_day(fixed_on or dates.today().isoformat(), "核定日期")
    rows = [prepare_base(db, y, e, fixed_on=day) for e in entries]
    changed = 0
    with db.transaction(reason or f"核定{y}年度党费基数（{len(rows)}人）", actor=actor) as tx:
        for row in rows:
            old = db.one("SELECT * FROM dues_base WHERE member_id = ? AND year = ? AND from_month = ?",
                         (row["member_id"], y, row["from_month"]))
            if old is None:
                tx.insert("dues_base", row)
                changed += 1
            else:
                diff = {k: v for k, v in row.items() if k not in ("owner", "fixed_on") and old[k] != v}
                if diff:
                    tx.update("dues_base", old["id"], {**diff, "fixed_on": day})
                    changed += 1
    return changed


def set_base(db: Database, member_id: str, year: int, *, base: Any = None, rate_class: str | None = None,
             monthly: Any = None, from_month: int = 1, fixed_on: str | None = None, note: str = "",
             actor: str | None = None) -> None:
    """Fix one member's base for the year (from_month > 1: a change from that month on)."""
    m = member_row(db, member_id)
    set_bases(db, year, [BaseInput(member_id, rate_class, base, monthly, from_month, note)], fixed_on=fixed_on,
              reason=f"核定党费基数 {m['name']} {int(year)}年" + (f"{from_month}月起" if from_month != 1 else ""),
              actor=actor)


def remove_base(db: Database, base_id: str, *, actor: str | None = None) -> None:
    row = db.get("dues_base", base_id)
    if row is None:
        raise UserError("这条基数记录已不存在。")
    m = member_row(db, row["member_id"])
    with db.transaction(f"删除党费基数 {m['name']} {row['year']}年{row['from_month']}月起", actor=actor) as tx:
        tx.delete("dues_base", base_id)


def due_for(db: Database, member_id: str, year: int, from_month: int, to_month: int) -> int:
    """What months from..to of a year are due at the recorded bases (fen), minus what is paid."""
    md = member_dues(db, member_id, year, as_of=dt.date(int(year) + 1, 1, 1))
    missing = [m for m in range(from_month, to_month + 1) if md.member_month[m - 1] and md.due[m - 1] is None]
    if missing:
        raise UserError(f"{md.name}{int(year)}年{months_label(missing)}的党费基数未核定，请填写交纳金额。")
    return sum(max(0, (md.due[m - 1] or 0) - md.paid[m - 1]) for m in range(from_month, to_month + 1))


def record_payment(db: Database, member_id: str, year: int, months: tuple[int, int] | str, *,
                   amount: Any = None, paid_on: str | None = None, receiver: str = "", note: str = "",
                   actor: str | None = None) -> str:
    """A payment for months from..to of a year (in advance when they have not ended). Without an
    amount, what those months still owe at the recorded bases is taken."""
    from .common import parse_months

    m = member_row(db, member_id)
    y = check_year(year)
    a, b = parse_months(months) if isinstance(months, str) else (int(months[0]), int(months[1]))
    if not (1 <= a <= b <= 12):
        raise UserError("缴费月份应在1到12月之间，且起始月份不晚于结束月份。")
    day = check_day(paid_on or dates.today().isoformat(), "缴费日期")
    _within_membership(db, m, y, a, b)
    fen = due_for(db, member_id, y, a, b) if amount in (None, "") else to_fen(amount, what="缴费金额")
    if fen <= 0 and amount not in (None, ""):
        raise UserError("缴费金额应大于0。")
    if fen <= 0:
        raise UserError(f"{m['name']}{y}年{months_label(list(range(a, b + 1)))}的党费已交清，无需再交。")
    with db.transaction(f"登记党费 {m['name']} {y}年{months_label(list(range(a, b + 1)))} {fmt_yuan(fen)}元",
                        actor=actor) as tx:
        return tx.insert("dues_payment", {"member_id": member_id, "year": y, "from_month": a, "to_month": b,
                                          "amount_fen": fen, "paid_on": day, "receiver": (receiver or "").strip(),
                                          "note": (note or "").strip(), "owner": m["owner"]})


def _within_membership(db: Database, m, year: int, a: int, b: int) -> None:
    """Months a..b of `year` with none as a member (before joining, after leaving) are refused."""
    left_on = db.scalar("SELECT max(event_date) FROM member_event WHERE member_id = ? AND to_status = ?",
                        (m["id"], m["status"])) if m["status"] in LEFT_STATUSES else None
    if any(member_months(year, m["join_date"], m["status"], left_on)[a - 1:b]):
        return
    joined = dates.parse_iso(m["join_date"], allow_month=True)
    before_joining = (joined.year, joined.month) > (year, b)
    why = (f"{dates.format_cn(left_on)}{m['status']}" if left_on and not before_joining
           else f"{joined.year}年{joined.month}月入党")
    raise UserError(f"{m['name']}{year}年{months_label(list(range(a, b + 1)))}不是党员（{why}），"
                    f"不能登记这些月份的党费。")


def remove_payment(db: Database, payment_id: str, *, reason: str = "", actor: str | None = None) -> None:
    row = db.get("dues_payment", payment_id)
    if row is None:
        raise UserError("这条缴费记录已不存在。")
    m = member_row(db, row["member_id"])
    why = f"：{reason.strip()}" if reason and reason.strip() else ""
    with db.transaction(f"删除党费缴费记录 {m['name']} {row['year']}年 {fmt_yuan(row['amount_fen'])}元{why}",
                        actor=actor) as tx:
        tx.delete("dues_payment", payment_id)


def payments(db: Database, member_id: str, year: int) -> list:
    return db.query("SELECT * FROM dues_payment WHERE member_id = ? AND year = ? ORDER BY from_month, paid_on",
                    (member_id, int(year)))


def set_exemption(db: Database, member_id: str, year: int, months: tuple[int, int] | str, *, reason: str,
                  monthly: Any = 0, approved_by: str = "", approved_on: str | None = None,
                  actor: str | None = None) -> str:
    """少交/免交 for months of a year (monthly 0: 免交), with the reason and who approved it
    (the branch and the level above)."""
    from .common import parse_months

    m = member_row(db, member_id)
    y = check_year(year)
    a, b = parse_months(months) if isinstance(months, str) else _month_pair(months, "减免月份")
    if not (reason or "").strip():
        raise UserError("少交或免交党费须写明原因。")
    fen = to_fen(monthly or 0, what="减免后每月交纳金额")
    day = check_day(approved_on, "批准日期") if approved_on else None
    what = "免交" if fen == 0 else f"少交（每月{fmt_yuan(fen)}元）"
    if fen:  # 少交 at or above the normal due was saved and changed nothing
        _below_normal_due(db, m, y, a, b, fen)
    # Two exemptions of a month: the lower amount silently won. One a month; the first is kept.
    old = next((e for e in exemptions(db, member_id, y) if e["from_month"] <= b and e["to_month"] >= a), None)
    if old is not None:
        raise UserError(f"{m['name']}{y}年已登记{exemption_label(old)}，与这次的{months_label(list(range(a, b + 1)))}"
                        f"重叠。一个月只能有一条减免：如需更改，请先取消已登记的那条（取消减免）再登记。")
    with db.transaction(f"党费{what} {m['name']} {y}年{months_label(list(range(a, b + 1)))}", actor=actor) as tx:
        return tx.insert("dues_exemption", {"member_id": member_id, "year": y, "from_month": a, "to_month": b,
                                            "monthly_fen": fen, "reason": reason.strip(),
                                            "approved_by": (approved_by or "").strip(), "approved_on": day,
                                            "owner": m["owner"]})


def _below_normal_due(db: Database, m, year: int, a: int, b: int, fen: int) -> None:
    """A 少交 amount must be below the normal due (at the recorded bases) of each of months a..b
    with a base; UserError naming that due otherwise. Months not yet based are not compared."""
    bases = db.query("SELECT from_month, monthly_fen FROM dues_base WHERE member_id = ? AND year = ? "
                     "ORDER BY from_month", (m["id"], year))
    for month in range(a, b + 1):
        due = next((r["monthly_fen"] for r in reversed(bases) if r["from_month"] <= month), None)
        if due is not None and fen >= due:
            since = max(r["from_month"] for r in bases if r["from_month"] <= month)
            raise UserError(f"{m['name']}{year}年{since}月起正常每月应交{fmt_yuan(due)}元，少交后每月"
                            f"{fmt_yuan(fen)}元并不更少。少交的金额应低于{fmt_yuan(due)}元；免交请填0。")


def exemptions(db: Database, member_id: str, year: int) -> list:
    """The member's exemptions of a year, by month (they never share a month)."""
    return db.query("SELECT * FROM dues_exemption WHERE member_id = ? AND year = ? ORDER BY from_month",
                    (member_id, int(year)))


def exemption_label(row) -> str:
    """'3-6月免交（原因：生活困难）' or '3-6月少交，每月0.50元（原因：…）'."""
    kind = "免交" if row["monthly_fen"] == 0 else f"少交，每月{fmt_yuan(row['monthly_fen'])}元"
    return f"{months_label(list(range(row['from_month'], row['to_month'] + 1)))}{kind}（原因：{row['reason']}）"


def remove_exemption(db: Database, exemption_id: str, *, actor: str | None = None) -> None:
    row = db.get("dues_exemption", exemption_id)
    if row is None:
        raise UserError("这条减免记录已不存在。")
    m = member_row(db, row["member_id"])
    with db.transaction(f"取消党费减免 {m['name']} {row['year']}年", actor=actor) as tx:
        tx.delete("dues_exemption", exemption_id)


def carry_bases(db: Database, from_year: int, to_year: int, *, office_id: str | None = None,
                org_id: str | None = None, actor: str | None = None) -> int:
    """Start a year's 核定 from the previous year's latest bases (members without a base in
    `to_year` only); the clerk then corrects what changed. Returns how many were written."""
    y1 = check_year(to_year)  # the year asked for first: its previous year is told only in its terms
    try:
        y0 = check_year(from_year)
    except UserError:
        raise UserError(f"{y1}年度没有可沿用的上一年度基数：台账的年度从{FIRST_YEAR}年开始。") from None
    where, params = ["m.status IN (?, ?)"], [*ACTIVE_STATUSES]
    member_scope(db, where, params, office_id=office_id, org_id=org_id)
    rows = db.query(f"""SELECT b.member_id, b.rate_class, b.base_fen, b.monthly_fen FROM dues_base b
                        JOIN member m ON m.id = b.member_id JOIN org o ON o.id = m.org_id
                        WHERE {' AND '.join(where)} AND b.year = ?
                        AND b.from_month = (SELECT max(from_month) FROM dues_base x WHERE x.member_id = b.member_id
                                            AND x.year = b.year)
                        AND NOT EXISTS (SELECT 1 FROM dues_base n WHERE n.member_id = b.member_id AND n.year = ?)""",
                    [*params, y0, y1])
    table = rate_table()
    entries = []
    for r in rows:
        cls = table.get(r["rate_class"])
        entries.append(BaseInput(r["member_id"], cls.name, None if r["base_fen"] is None else fmt_yuan(r["base_fen"]),
                                 fmt_yuan(r["monthly_fen"]) if cls.basis == "fixed" else None))
    if not entries:
        return 0
    return set_bases(db, y1, entries, reason=f"沿用{y0}年度党费基数核定{y1}年度（{len(entries)}人）", actor=actor)
