"""Facts the ledgers prove for a scheme's veto items, for the veto proposals of a round
(assessment/veto_proposals.py: a proposal is never applied without the reviewer):

- secretary_punished  规范化 V2 "党支部书记受党内警告以上处分的，或支委班子成员受党内严重警告以上
                      处分的": a punishment in the year of someone who was the branch's secretary
                      (警告 or more) or a committee member (严重警告 or more) that year;
- cadre_punished      六有 V9 "“两委”干部违纪违法": any party punishment in the year of a committee
                      member of the branch;
- funds_missing       规范化 V3 "未落实党建工作专项经费的": the office keeps the funds ledger for the
                      year but the branch received nothing, or a 机关/事业单位 branch stayed below
                      the standard per member.

`veto_facts(db, branch_id, year)` gives every such fact of a branch (check -> fact text);
`ledger_fact(db, check, branch_id, year)` one of them (None when the ledgers prove nothing); the
round's veto proposals (assessment/veto_proposals.py) call it for a veto item with such a check.
"""

from __future__ import annotations

import datetime as dt

from .. import dates
from ..db import Database
from ..schemes import model as m
from ..schemes.model import CHECK_CADRE_PUNISHED, CHECK_FUNDS_MISSING, CHECK_SECRETARY_PUNISHED
from .common import fmt_yuan
from .records import PUNISHMENT, PUNISHMENTS, severity

# The checks are named in a scheme's veto items (schemes.model; the built-in 规范化 V2 and 六有 V9 carry them).
CHECK_LABELS = {c: m.CHECK_LABELS[c] for c in m.LEDGER_CHECKS}


def _roles_in_year(db: Database, org_id: str, year: int) -> dict[str, set[str]]:
    """member id -> the committee roles they held in the branch at some time in the year."""
    start, end = f"{year}-01-01", f"{year}-12-31"
    out: dict[str, set[str]] = {}
    for r in db.query("""SELECT cm.member_id, cm.role FROM committee_member cm JOIN committee_term t ON t.id = cm.term_id
                         WHERE t.org_id = ? AND cm.member_id IS NOT NULL AND cm.start_date <= ?
                         AND (cm.end_date IS NULL OR cm.end_date >= ?) AND (t.ended_on IS NULL OR t.ended_on >= ?)""",
                      (org_id, end, start, start)):
        out.setdefault(r["member_id"], set()).add(r["role"])
    return out


def _punishments(db: Database, member_ids: list[str], year: int) -> list:
    if not member_ids:
        return []
    return db.query(f"""SELECT r.*, m.name FROM reward_record r JOIN member m ON m.id = r.member_id
                        WHERE r.kind = ? AND r.date BETWEEN ? AND ?
                        AND r.member_id IN ({','.join('?' * len(member_ids))}) ORDER BY r.date""",
                    [PUNISHMENT, f"{year}-01-01", f"{year}-12-31", *member_ids])


def _describe(r, role: str) -> str:
    decision = f"（{r['decision']}）" if r["decision"] else ""
    return f"{role}{r['name']}于{dates.format_cn(r['date'])}受{r['title']}处分，由{r['issuer']}作出{decision}"


def secretary_punished(db: Database, org_id: str, year: int) -> str | None:
    roles = _roles_in_year(db, org_id, year)
    facts = []
    for r in _punishments(db, list(roles), year):
        held = roles.get(r["member_id"], set())
        if "书记" in held and severity(r["title"]) >= PUNISHMENTS.index("警告"):
            facts.append(_describe(r, "党支部书记"))
        elif severity(r["title"]) >= PUNISHMENTS.index("严重警告"):
            facts.append(_describe(r, f"支委（{'、'.join(sorted(held))}）"))
    return "；".join(facts) + "。" if facts else None


def cadre_punished(db: Database, org_id: str, year: int) -> str | None:
    roles = _roles_in_year(db, org_id, year)
    facts = [_describe(r, f"支委（{'、'.join(sorted(roles.get(r['member_id'], ())))}）")
             for r in _punishments(db, list(roles), year)]
    return "；".join(facts) + "。" if facts else None


def funds_missing(db: Database, org_id: str, year: int) -> str | None:
    from .funds import summary

    office = db.scalar("SELECT office_id FROM org WHERE id = ?", (org_id,))
    kept = db.scalar("""SELECT 1 FROM fund_entry f JOIN org o ON o.id = f.org_id WHERE o.office_id = ? AND f.year = ?
                        LIMIT 1""", (office, int(year)))
    if not kept:
        return None  # the office does not keep the funds ledger for that year: nothing is proved
    s = summary(db, org_id, year)
    if s.received_fen <= 0:
        return f"{year}年经费台账中没有本支部党建工作经费收入的记录。"
    if s.below_standard:
        per = s.per_member_fen or 0
        shown = f"{fmt_yuan(per)}元，" if per < s.standard_fen else ""  # (a fen short shows as the standard)
        return (f"{year}年党建工作经费收入{fmt_yuan(s.received_fen)}元，{s.members}名党员人均{shown}"
                f"低于{s.kind}党组织人均{fmt_yuan(s.standard_fen)}元的标准。")
    return None


_CHECKS = {CHECK_SECRETARY_PUNISHED: secretary_punished, CHECK_CADRE_PUNISHED: cadre_punished,
           CHECK_FUNDS_MISSING: funds_missing}


def ledger_fact(db: Database, check: str, branch_id: str, year: int, day: dt.date | None = None) -> str | None:
    """The fact behind one ledger check for a branch and year (None: nothing proved, or not a ledger check)."""
    fn = _CHECKS.get(check)
    return fn(db, branch_id, int(year)) if fn else None


def veto_facts(db: Database, branch_id: str, year: int) -> dict[str, str]:
    """Every veto fact the ledgers prove for a branch in a year: check -> fact."""
    out = {}
    for check, fn in _CHECKS.items():
        fact = fn(db, branch_id, int(year))
        if fact:
            out[check] = fact
    return out
