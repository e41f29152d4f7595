"""党建工作经费 (seed 002, 保障措施 2): funds received and spent per branch per year by purpose,
kept in a separate account (专户), and the amount per member against the standard that 机关 and
事业单位 branches must reach (600 yuan a year; resources/ledgers/targets.json).

The checklist's three funding items ask whether the funds are provided as required, used for
branch work only, and kept in a separate account with balanced books; the figures for them are
in FundSummary. A branch with no funds recorded for a year, or a 机关/事业单位 branch below the
standard, is what the veto "未落实党建工作专项经费" is about (ledgers/vetoes.py proposes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import dates
from ..db import Database
from ..errors import UserError
from .common import (ACTIVE_STATUSES, branch_row, branches, check_day, check_year, fmt_yuan, load_data, owner_of,
                     text, to_fen, yuan)

INCOME, SPENDING = "收入", "支出"


def targets() -> dict:
    return load_data("targets")["funds"]


def add_entry(db: Database, org_id: str, *, date: str, direction: str, purpose: str, amount: Any,
              source: str = "", account: str = "", voucher: str = "", note: str = "",
              actor: str | None = None) -> str:
    """One line of the branch's funds account: money received (收入, with its source) or spent (支出,
    with its purpose)."""
    org = branch_row(db, org_id)
    if direction not in (INCOME, SPENDING):
        raise UserError(f"收支方向应为“{INCOME}”或“{SPENDING}”。")
    day = check_day(date, "日期")
    purpose = text(purpose) or ("党建工作经费" if direction == INCOME else "")
    if not purpose:
        raise UserError(f"请填写支出用途（如：{'、'.join(targets()['purposes'][:5])}）。")
    fen = to_fen(amount, what="金额", allow_zero=False)
    with db.transaction(f"党建工作经费{direction} {org['name']} {fmt_yuan(fen)}元（{purpose}）", actor=actor) as tx:
        return tx.insert("fund_entry", {"org_id": org_id, "year": dates.parse_iso(day).year, "date": day,
                                        "direction": direction, "purpose": purpose, "source": text(source),
                                        "amount_fen": fen, "account": text(account), "voucher": text(voucher),
                                        "note": text(note), "owner": owner_of(db, org_id=org_id)})


def remove_entry(db: Database, entry_id: str, *, reason: str = "", actor: str | None = None) -> None:
    row = db.get("fund_entry", entry_id)
    if row is None:
        raise UserError("这条经费记录已不存在。")
    why = f"：{text(reason)}" if text(reason) else ""
    with db.transaction(f"删除党建工作经费记录 {row['date']} {fmt_yuan(row['amount_fen'])}元{why}", actor=actor) as tx:
        tx.delete("fund_entry", entry_id)


def entries(db: Database, year: int, *, org_id: str | None = None, office_id: str | None = None) -> list:
    where, params = ["f.year = ?"], [check_year(year)]
    if org_id:
        where.append("f.org_id = ?")
        params.append(org_id)
    elif office_id:
        where.append("o.office_id = ?")
        params.append(office_id)
    return db.query(f"""SELECT f.*, o.name AS org_name FROM fund_entry f JOIN org o ON o.id = f.org_id
                        WHERE {' AND '.join(where)} ORDER BY o.sort_order, f.date, f.rowid""", params)


@dataclass
class FundSummary:
    org_id: str
    org_name: str
    kind: str | None
    year: int
    members: int
    received_fen: int = 0
    spent_fen: int = 0
    by_purpose: dict[str, int] = field(default_factory=dict)  # spending by purpose
    by_source: dict[str, int] = field(default_factory=dict)  # income by source
    accounts: list[str] = field(default_factory=list)
    unaccounted: int = 0  # entries without an account named
    standard_fen: int | None = None  # per member per year, for 机关/事业单位

    @property
    def balance_fen(self) -> int:
        return self.received_fen - self.spent_fen

    @property
    def per_member_fen(self) -> int | None:
        """Received per member, to the nearest fen (half a fen up), as it is printed: 6,600 yuan for
        45 members is 146.67. Whether the standard is met is decided on the exact amount (`below_standard`)."""
        return (2 * self.received_fen + self.members) // (2 * self.members) if self.members else None

    @property
    def below_standard(self) -> bool:
        """Less received per member than the standard (exactly: never lifted by rounding the fen)."""
        if self.standard_fen is None:
            return False
        return self.received_fen < self.standard_fen * self.members if self.members else self.standard_fen > 0

    @property
    def provided(self) -> bool:
        """Funds are provided as required: something received, and the standard met where one applies."""
        if self.received_fen <= 0:
            return False
        return not self.below_standard

    @property
    def separate_account(self) -> bool:
        return bool(self.accounts) and not self.unaccounted

    def lines(self) -> list[str]:
        """The figures as the checklist shows them."""
        per = f"，人均{fmt_yuan(self.per_member_fen)}元" if self.per_member_fen is not None else ""
        std = ""
        if self.standard_fen is not None:
            std = (f"（{self.kind}党组织标准人均{fmt_yuan(self.standard_fen)}元/年，"
                   f"{'已达到' if self.provided else '未达到'}）")
        out = [f"党建工作经费：{self.year}年收入{fmt_yuan(self.received_fen)}元，支出{fmt_yuan(self.spent_fen)}元，"
               f"结余{fmt_yuan(self.balance_fen)}元{per}{std}"]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"org_id": self.org_id, "branch": self.org_name, "kind": self.kind, "year": self.year,
                "members": self.members, "received": yuan(self.received_fen), "spent": yuan(self.spent_fen),
                "balance": yuan(self.balance_fen), "per_member": yuan(self.per_member_fen),
                "standard": yuan(self.standard_fen), "provided": self.provided,
                "by_purpose": {k: yuan(v) for k, v in self.by_purpose.items()},
                "by_source": {k: yuan(v) for k, v in self.by_source.items()},
                "accounts": self.accounts, "separate_account": self.separate_account}


def summaries(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None) -> list[FundSummary]:
    """The year's funds of every branch (of an office or under an organisation)."""
    y = check_year(year)
    t = targets()
    std = to_fen(t["per_member_yuan"])
    rows = branches(db, office_id=office_id, org_id=org_id)
    # The members of the branches listed (of every branch when they are many: one pass over the roster).
    ids = [] if len(rows) > 500 else [b["id"] for b in rows]
    only = f" AND org_id IN ({','.join('?' * len(ids))})" if ids else ""
    sizes = {r[0]: r[1] for r in db.query(f"SELECT org_id, count(*) FROM member WHERE status IN (?, ?){only} "
                                          "GROUP BY org_id", [*ACTIVE_STATUSES, *ids])}
    out: dict[str, FundSummary] = {}
    for b in rows:
        out[b["id"]] = FundSummary(b["id"], b["name"], b["kind"], y, sizes.get(b["id"], 0),
                                   standard_fen=std if b["kind"] in t["kinds"] else None)
    for r in db.query("SELECT org_id, direction, purpose, source, amount_fen, account FROM fund_entry WHERE year = ?",
                      (y,)):
        s = out.get(r["org_id"])
        if s is None:
            continue
        if r["direction"] == INCOME:
            s.received_fen += r["amount_fen"]
            key = r["source"] or "未注明来源"
            s.by_source[key] = s.by_source.get(key, 0) + r["amount_fen"]
        else:
            s.spent_fen += r["amount_fen"]
            s.by_purpose[r["purpose"]] = s.by_purpose.get(r["purpose"], 0) + r["amount_fen"]
        if r["account"]:
            if r["account"] not in s.accounts:
                s.accounts.append(r["account"])
        else:
            s.unaccounted += 1
    return list(out.values())


def summary(db: Database, org_id: str, year: int) -> FundSummary:
    branch_row(db, org_id)
    for s in summaries(db, year, org_id=org_id):
        if s.org_id == org_id:
            return s
    org = db.get("org", org_id)
    return FundSummary(org_id, org["name"], org["kind"], check_year(year), 0)
