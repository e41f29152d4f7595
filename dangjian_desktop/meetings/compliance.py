"""三会一课 compliance: how often each kind of meeting was held against seed 002's rules
(支委会 and 党小组会 every month, 支部党员大会 and 党课 every quarter, 组织生活会 every half
year; seed 003's 党建联席会 every quarter for communities), with the missing periods named.

Periods are calendar months, quarters (1–3, 4–6, 7–9, 10–12) and halves (1–6, 7–12). A period
counts as required once it has ended (on `as_of`, default today); the running period is
reported as held or pending, never as missing. For 党小组会 every party group is counted on
its own; a branch without groups has no 党小组会 requirement.

API for checklists (e.g. 规范化 "每月召开一次支委会"):
    compliance(db, org_id, year, as_of=None) -> {meeting type: TypeCompliance}
        TypeCompliance: required, held, missing (labels such as "3月", "第二季度"), meetings,
        current_held, applicable, summary() -> "支委会：应开10次，已开8次，缺3月、7月"
    compliance_table(db, year, office_id=None, as_of=None) -> [BranchCompliance] for every 党支部
    figures_for_text(db, org_id, year, text, as_of=None) -> [str]: the summary lines of the meeting
        kinds a checklist item's wording names (e.g. "每月召开一次支委会" -> the 支委会 line), followed
        by the other ledgers' figures for it (ledgers.evidence)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .. import dates
from ..db import Database
from ..errors import UserError
from ..registry.offices import own_orgs_sql

MONTH, QUARTER, HALF, YEAR = "月", "季度", "半年", "年"

#: meeting type -> how often (seed 002 三、(三)1-2; seed 003 for 党建联席会)
FREQUENCIES = {
    "支委会": MONTH,
    "党小组会": MONTH,
    "支部党员大会": QUARTER,
    "党课": QUARTER,
    "组织生活会": HALF,
    "党建联席会": QUARTER,
}
#: The types that apply only to some branch kinds (None: every branch).
APPLIES_TO = {"党建联席会": ("社区",)}
#: A yearly check: the branch secretary gives at least one 党课 a year (seed 002).
SECRETARY_LECTURE = "书记讲党课"
ORDER = ("支部党员大会", "支委会", "党小组会", "党课", SECRETARY_LECTURE, "组织生活会", "党建联席会")
FREQ_WORDS = {MONTH: "每月", QUARTER: "每季度", HALF: "每半年", YEAR: "每年"}
_QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


@dataclass(frozen=True)
class Period:
    key: int  # month 1-12, quarter 1-4, half 1-2, year 1
    label: str
    start: dt.date
    end: dt.date


def periods(freq: str, year: int) -> list[Period]:
    y = int(year)
    if freq == MONTH:
        return [Period(m, f"{m}月", dt.date(y, m, 1), dates.add_months(dt.date(y, m, 1), 1) - dt.timedelta(days=1))
                for m in range(1, 13)]
    if freq == QUARTER:
        return [Period(q, _QUARTERS[q - 1], dt.date(y, 3 * q - 2, 1),
                       dates.add_months(dt.date(y, 3 * q - 2, 1), 3) - dt.timedelta(days=1)) for q in range(1, 5)]
    if freq == HALF:
        return [Period(1, "上半年", dt.date(y, 1, 1), dt.date(y, 6, 30)),
                Period(2, "下半年", dt.date(y, 7, 1), dt.date(y, 12, 31))]
    return [Period(1, f"{y}年", dt.date(y, 1, 1), dt.date(y, 12, 31))]


def period_of(freq: str, d: dt.date) -> int:
    if freq == MONTH:
        return d.month
    if freq == QUARTER:
        return (d.month - 1) // 3 + 1
    if freq == HALF:
        return 1 if d.month <= 6 else 2
    return 1


@dataclass
class GroupCompliance:
    group_id: str | None
    name: str
    required: int
    held: int
    missing: list[str]


@dataclass
class TypeCompliance:
    meeting_type: str
    frequency: str  # 月 / 季度 / 半年 / 年
    required: int  # periods ended by as_of (summed over groups for 党小组会)
    held: int  # of those, periods with at least one meeting
    missing: list[str]  # labels of required periods without a meeting
    meetings: int  # meetings of this type in the year (up to as_of)
    current_held: bool | None = None  # the running period: held already? None when no period is running
    applicable: bool = True
    note: str = ""
    groups: list[GroupCompliance] = field(default_factory=list)
    per_year: int = 0  # periods in a whole year (12, 4, 2, 1; × groups for 党小组会)

    @property
    def ok(self) -> bool:
        return not self.applicable or not self.missing

    @property
    def rate(self) -> float | None:
        return round(self.held / self.required, 4) if self.required else None

    def summary(self) -> str:
        if not self.applicable:
            return f"{self.meeting_type}：{self.note or '不适用'}"
        text = f"{self.meeting_type}（{FREQ_WORDS[self.frequency]}）：应开{self.required}次，已开{self.held}次"
        if self.missing:
            text += "，缺" + "、".join(self.missing)
        if self.current_held is False:
            text += "（本期尚未召开）"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"meeting_type": self.meeting_type, "frequency": FREQ_WORDS[self.frequency],
                "required": self.required, "held": self.held, "missing": list(self.missing),
                "meetings": self.meetings, "current_held": self.current_held, "applicable": self.applicable,
                "ok": self.ok, "rate": self.rate, "note": self.note, "per_year": self.per_year,
                "groups": [{"name": g.name, "required": g.required, "held": g.held, "missing": list(g.missing)}
                           for g in self.groups]}


@dataclass
class BranchCompliance:
    org_id: str
    org_name: str
    office_id: str
    kind: str | None
    types: dict[str, TypeCompliance]

    @property
    def missing_total(self) -> int:
        return sum(len(t.missing) for t in self.types.values() if t.applicable)

    def to_dict(self) -> dict[str, Any]:
        return {"org_id": self.org_id, "org_name": self.org_name, "kind": self.kind,
                "missing_total": self.missing_total,
                "types": {k: v.to_dict() for k, v in self.types.items()}}


def _count(freq: str, year: int, dates_held: list[dt.date], as_of: dt.date) -> tuple[int, int, list[str], bool | None]:
    held_keys = {period_of(freq, d) for d in dates_held}
    required = held = 0
    missing: list[str] = []
    current: bool | None = None
    for p in periods(freq, year):
        if p.end < as_of:
            required += 1
            if p.key in held_keys:
                held += 1
            else:
                missing.append(p.label)
        elif p.start <= as_of:
            current = p.key in held_keys
    return required, held, missing, current


def _branch(year: int, as_of: dt.date, org: Any, meetings: list[Any], groups: list[Any],
            secretaries: set[str]) -> dict[str, TypeCompliance]:
    by_type: dict[str, list[Any]] = {}
    for m in meetings:
        if m["date"] <= as_of.isoformat():
            by_type.setdefault(m["meeting_type"], []).append(m)
    out: dict[str, TypeCompliance] = {}
    for t in ORDER:
        if t == SECRETARY_LECTURE:
            lectures = [dates.parse_iso(m["date"]) for m in by_type.get("党课", [])
                        if m["host_member_id"] and m["host_member_id"] in secretaries]
            r, h, miss, cur = _count(YEAR, year, lectures, as_of)
            # Its one period named as every period is ("2025年"): "书记讲党课缺2025年", never the
            # doubled "缺全年未由书记讲党课" the lists and tables print after 缺.
            out[t] = TypeCompliance(t, YEAR, r, h, miss, len(lectures), cur,
                                    note="支部书记每年至少讲1次党课（按主持人/主讲人为书记的党课计）", per_year=1)
            continue
        freq = FREQUENCIES[t]
        held_dates = [dates.parse_iso(m["date"]) for m in by_type.get(t, [])]
        kinds = APPLIES_TO.get(t)
        if kinds is not None and org["kind"] not in kinds:
            if held_dates:
                out[t] = TypeCompliance(t, freq, 0, 0, [], len(held_dates), None, False, "本支部不要求")
            continue
        if t == "党小组会":
            if not groups:
                out[t] = TypeCompliance(t, freq, 0, 0, [], len(held_dates), None, False, "未设党小组")
                continue
            tc = TypeCompliance(t, freq, 0, 0, [], len(held_dates), None, per_year=12 * len(groups))
            currents = []
            for g in groups:
                gd = [dates.parse_iso(m["date"]) for m in by_type.get(t, []) if m["group_id"] == g["id"]]
                r, h, miss, cur = _count(freq, year, gd, as_of)
                tc.groups.append(GroupCompliance(g["id"], g["name"], r, h, miss))
                tc.required += r
                tc.held += h
                tc.missing += [f"{g['name']}{label}" for label in miss]
                if cur is not None:
                    currents.append(cur)
            tc.current_held = all(currents) if currents else None
            out[t] = tc
            continue
        r, h, miss, cur = _count(freq, year, held_dates, as_of)
        out[t] = TypeCompliance(t, freq, r, h, miss, len(held_dates), cur, per_year=len(periods(freq, year)))
    return out


def _secretaries(db: Database, org_ids: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for k in range(0, len(org_ids), 500):
        part = org_ids[k:k + 500]
        for r in db.query(f"""SELECT t.org_id, cm.member_id FROM committee_member cm JOIN committee_term t ON t.id = cm.term_id
                              WHERE cm.role = '书记' AND cm.member_id IS NOT NULL
                              AND t.org_id IN ({','.join('?' * len(part))})""", part):
            out.setdefault(r["org_id"], set()).add(r["member_id"])
    return out


def compliance(db: Database, org_id: str, year: int, as_of: dt.date | None = None) -> dict[str, TypeCompliance]:
    """Per meeting type for one branch and year: required, held and missing periods."""
    org = db.get("org", org_id)
    if org is None:
        raise UserError("找不到该党组织。")
    as_of = as_of or dates.today()
    y = int(year)
    meetings = db.query("SELECT meeting_type, date, group_id, host_member_id FROM meeting "
                        "WHERE org_id = ? AND date BETWEEN ? AND ?", (org_id, f"{y}-01-01", f"{y}-12-31"))
    groups = db.query("SELECT id, name FROM org WHERE parent_id = ? AND org_type = '党小组' ORDER BY sort_order, name",
                      (org_id,))
    return _branch(y, as_of, org, meetings, groups, _secretaries(db, [org_id]).get(org_id, set()))


def compliance_table(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None,
                     as_of: dt.date | None = None) -> list[BranchCompliance]:
    """Compliance of every 党支部 (of an office, under an organisation, or in the database)."""
    from ..points.common import scope_filter

    as_of = as_of or dates.today()
    y = int(year)
    where, params = ["o.org_type = '党支部'", own_orgs_sql(db)], []
    scope_filter(db, where, params, org_id=org_id, office_id=office_id, org_column="o.id")
    branches = db.query(f"SELECT o.* FROM org o WHERE {' AND '.join(where)} ORDER BY o.office_id, o.sort_order, o.name",
                        params)
    ids = [b["id"] for b in branches]
    meetings: dict[str, list] = {}
    for r in db.query("SELECT org_id, meeting_type, date, group_id, host_member_id FROM meeting "
                      "WHERE date BETWEEN ? AND ?", (f"{y}-01-01", f"{y}-12-31")):
        meetings.setdefault(r["org_id"], []).append(r)
    groups: dict[str, list] = {}
    for r in db.query("SELECT id, name, parent_id FROM org WHERE org_type = '党小组' ORDER BY sort_order, name"):
        groups.setdefault(r["parent_id"], []).append(r)
    secretaries = _secretaries(db, ids)
    return [BranchCompliance(b["id"], b["name"], b["office_id"], b["kind"],
                             _branch(y, as_of, b, meetings.get(b["id"], []), groups.get(b["id"], []),
                                     secretaries.get(b["id"], set())))
            for b in branches]


#: Words in a checklist item -> the meeting kinds it is about (longest words first).
_WORDS = (("三会一课", ("支部党员大会", "支委会", "党小组会", "党课")), ("支部党员大会", ("支部党员大会",)),
          ("党员大会", ("支部党员大会",)), ("支委会", ("支委会",)), ("党小组会", ("党小组会",)),
          ("组织生活会", ("组织生活会",)), ("联席会", ("党建联席会",)), ("党课", ("党课",)))


def kinds_in_text(text: str) -> list[str]:
    """The meeting kinds a checklist item's wording names, in ORDER."""
    text = text or ""
    found: set[str] = set()
    rest = text
    for word, kinds in _WORDS:
        if word in rest:
            found.update(kinds)
            rest = rest.replace(word, "")
    if "党课" in found and "书记" in text:
        found.add(SECRETARY_LECTURE)
    return [k for k in ORDER if k in found]


def figures_for_text(db: Database, org_id: str, year: int, text: str, as_of: dt.date | None = None) -> list[str]:
    """What the meeting ledger and the other ledgers (dues, the development pipeline, training,
    rewards, 民主评议, visits, funds, talks, cadres: ledgers.evidence) say about a checklist item
    (e.g. 规范化 "每月召开一次支委会，…"): one summary line per meeting kind the item names, then
    the ledgers' lines; empty when it names none."""
    from ..ledgers.evidence import figures_for_text as ledger_figures

    kinds = kinds_in_text(text)
    lines = []
    if kinds:
        result = compliance(db, org_id, year, as_of)
        lines = [result[k].summary() for k in kinds if k in result]
    return lines + ledger_figures(db, org_id, year, text, as_of)
