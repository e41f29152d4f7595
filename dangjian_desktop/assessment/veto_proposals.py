"""Vetoes the data proves, proposed to the reviewer (never applied without a person).

A scheme's veto may name a check (schemes.model.Veto.check) the program can make from what it
already holds:

- secretary_vacant       党支部书记缺职: no secretary in post on the day of the check;
- secretary_vacant_year  一年内没有党组织书记: a vacancy of a year or more touching the round's year;
- term_overdue           未按期完成换届: a term ran out (an approved extension counted) before the
                         next election, in the round's year or still now;
- item_zero:CODE         e.g. 规范化 D3 "按照要求落实党建工作专项经费" scored 0;
- secretary_punished     规范化 V2: the secretary punished with 警告 or more, or a committee member with
                         严重警告 or more, in the round's year (the rewards-and-punishments ledger);
- cadre_punished         六有 V9 "“两委”干部违纪违法": a committee member punished in the year;
- funds_missing          未落实党建工作专项经费 from the funds ledger (ledgers/vetoes.py).

Only what the registry records counts as proof: a branch with no term on record proves nothing
(the registry's own warnings say so separately). Each proposal carries the fact behind it; the
reviewer confirms it (the veto is marked with that fact) or dismisses it, with a reason, both in
round_veto_review and the change log. A dismissed proposal stays dismissed while its fact is the
same; a new fact is proposed again. Sheets are checked when opened, rated or moved on; moving to
公示 or 确定 is refused while a proposal waits (workflow's gates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import dates
from ..db import Database
from ..errors import LockedError, UserError
from ..registry.orgs import term_due
from ..schemes import model as m
from ..schemes.model import fmt_num
from .rounds import ROUND_SHEETS_SQL, actor_name
from .sheets import STAGE_LABELS, _sheet_row, scheme_units

PENDING, CONFIRMED, DISMISSED, MARKED = "待决定", "已确认", "已驳回", "已登记"
DECISION_CONFIRM, DECISION_DISMISS = "确认", "驳回"


@dataclass
class VetoProposal:
    sheet_id: str
    org_name: str
    town: str
    code: str
    title: str
    check: str
    fact: str
    status: str = PENDING
    reason: str = ""
    decided_by: str = ""
    decided_at: str = ""

    @property
    def pending(self) -> bool:
        return self.status == PENDING

    def to_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet_id, "town": self.town, "branch": self.org_name, "code": self.code,
                "title": self.title, "check": self.check, "fact": self.fact, "status": self.status,
                "pending": self.pending, "reason": self.reason, "decided_by": self.decided_by,
                "decided_at": self.decided_at}


# ---- what the registry proves ----------------------------------------------------------------

@dataclass
class _Stint:
    name: str
    start: dt.date
    end: dt.date | None  # first day without them (None: still in post)


def _stints(terms, secretaries_of) -> list[_Stint]:
    """The secretaries' stints of a branch's terms (`secretaries_of(term id)`: its 书记 rows by start)."""
    stints: list[_Stint] = []
    for t in terms:
        ended = dates.parse_iso(t["ended_on"]) if t["ended_on"] else None
        for c in secretaries_of(t["id"]):
            end = dates.parse_iso(c["end_date"]) if c["end_date"] else ended
            if ended is not None and end is not None:
                end = min(end, ended)
            stints.append(_Stint(c["name"], dates.parse_iso(c["start_date"]), end))
    return stints


def _registry(db: Database, org_id: str):
    terms = db.query("SELECT * FROM committee_term WHERE org_id = ? ORDER BY start_date", (org_id,))
    return terms, _stints(terms, lambda term_id: db.query(
        "SELECT name, start_date, end_date FROM committee_member WHERE term_id = ? AND role = '书记' "
        "ORDER BY start_date", (term_id,)))


def _vacancies(terms, stints: list[_Stint], day: dt.date) -> list[tuple[dt.date, dt.date | None, str]]:
    """Days without a secretary from the first recorded term up to `day`: (first, end or None, why)."""
    if not terms:
        return []
    known = dates.parse_iso(terms[0]["start_date"])
    out = []
    cursor, why = known, f"{dates.format_cn(known)}组成支委班子时未设书记"
    for s in sorted(stints, key=lambda s: s.start):
        if s.start > day:
            break  # appointed after the day of the check: the post is still vacant on that day
        if s.start > cursor:
            out.append((cursor, s.start, why))
        if s.end is None:
            return out
        if s.end > cursor:
            cursor, why = s.end, f"原书记{s.name}于{dates.format_cn(s.end)}离任后未配备"
    if cursor <= day:
        out.append((cursor, None, why))
    return out


def _secretary_vacant(terms, stints, day: dt.date) -> str | None:
    for first, end, why in _vacancies(terms, stints, day):
        if end is None:
            return f"党支部书记自{dates.format_cn(first)}起空缺（{why}），核对时仍未配备。"
    return None


def _secretary_vacant_year(terms, stints, day: dt.date, year: int) -> str | None:
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for first, end, why in _vacancies(terms, stints, day):
        last = (end - dt.timedelta(days=1)) if end is not None else day
        if first > dec31 or last < jan1 or last < dates.add_years(first, 1) - dt.timedelta(days=1):
            continue
        until = f"至{dates.format_cn(last)}" if end is not None else "，核对时仍未配备"
        return f"党支部书记自{dates.format_cn(first)}起空缺{until}（{why}），空缺满一年。"
    return None


def _term_overdue(terms, day: dt.date, year: int) -> str | None:
    jan1 = dt.date(year, 1, 1)
    for n, t in enumerate(terms):
        approved = t["extension_months"] if (t["extension_approval"] or "").strip() else 0
        due = term_due(t["start_date"], t["years"], approved)
        nxt = dates.parse_iso(terms[n + 1]["start_date"]) if n + 1 < len(terms) else None
        end = nxt or day
        if not due < end or end < jan1 or due > dt.date(year, 12, 31):
            continue
        ext = f"，经批准延期{approved}个月（{t['extension_approval'].strip()}）" if approved else ""
        if t["extension_months"] and not approved:
            ext = f"，延期{t['extension_months']}个月未经批准"
        head = (f"{dates.format_cn(t['start_date'])}产生的支委班子任期{t['years']}年{ext}，"
                f"应于{dates.format_cn(due)}前完成换届")
        if nxt is not None:
            return f"{head}，实际于{dates.format_cn(nxt)}换届，超期{(nxt - due).days}天。"
        return f"{head}，核对时仍未换届。"
    return None


def _item_zero(sheet_row_scores: dict[str, tuple], unit, stage_of: str | None) -> str | None:
    if unit is None or stage_of is None:
        return None
    value = sheet_row_scores[unit.code][0]
    if unit.kind == m.DEDUCTION:
        earned = (unit.max or 0) - value
    else:
        earned = value
    if earned != 0:
        return None
    how = f"（扣 {fmt_num(value)} 分）" if unit.kind == m.DEDUCTION else ""
    return f"细项 {unit.code}“{unit.title}”{STAGE_LABELS[stage_of]}为 0 分{how}。"


# ---- proposals -------------------------------------------------------------------------------

_REGISTRY_CHECKS = (m.CHECK_SECRETARY_VACANT, m.CHECK_SECRETARY_YEAR, m.CHECK_TERM_OVERDUE)


def _effective_scores(rows) -> dict[str, tuple]:
    """item code -> (the latest stage's score, that stage) from round_score rows."""
    scores: dict[str, tuple] = {}
    for r in rows:
        for stage, value in (("final", r["final_score"]), ("initial", r["initial_score"]), ("self", r["self_score"])):
            if value is not None:
                scores[r["item_code"]] = (value, stage)
                break
    return scores


def _facts(db: Database, row, scheme, day: dt.date, *, scores: dict[str, tuple] | None = None,
           registry: tuple | None = None, year: int | None = None,
           units: dict | None = None) -> list[tuple[m.Veto, str]]:
    """The vetoes the data proves for a sheet, with their facts. `scores` (_effective_scores),
    `registry` (_registry) and the scheme's `units` by code may be given read already; otherwise
    they are read for this sheet. `year`: the round's (else the row's)."""
    checked = [v for v in scheme.vetoes if v.check]
    if not checked:
        return []
    year = row["year"] if year is None else year
    terms = stints = None
    if scores is None and any(v.check_kind == m.CHECK_ITEM_ZERO for v in checked):
        scores = _effective_scores(db.query("SELECT item_code, self_score, initial_score, final_score "
                                            "FROM round_score WHERE round_branch_id = ?", (row["id"],)))
    out = []
    for v in checked:
        kind = v.check_kind
        if kind in _REGISTRY_CHECKS and terms is None:
            terms, stints = registry if registry is not None else _registry(db, row["org_id"])
        fact = None
        if kind == m.CHECK_SECRETARY_VACANT:
            fact = _secretary_vacant(terms, stints, day)
        elif kind == m.CHECK_SECRETARY_YEAR:
            fact = _secretary_vacant_year(terms, stints, day, year)
        elif kind == m.CHECK_TERM_OVERDUE:
            fact = _term_overdue(terms, day, year)
        elif kind == m.CHECK_ITEM_ZERO and v.check_item in scores:
            if units is None:
                units = {u.code: u for u in scheme_units(scheme)}
            fact = _item_zero(scores, units.get(v.check_item), scores[v.check_item][1])
        elif kind in m.LEDGER_CHECKS:
            from ..ledgers.vetoes import ledger_fact

            fact = ledger_fact(db, kind, row["org_id"], year, day)
        if fact:
            out.append((v, fact))
    return out


def _proposals(row, facts, marked: set[str], reviews: dict) -> list[VetoProposal]:
    """The facts of a sheet as proposals, each with its status from the sheet's marks and reviews."""
    out = []
    for v, fact in facts:
        p = VetoProposal(row["id"], row["org_name"], row["town"], v.code, v.title, v.check, fact)
        rev = reviews.get(v.code)
        if v.code in marked:
            p.status = CONFIRMED if rev is not None and rev["decision"] == DECISION_CONFIRM else MARKED
        elif rev is not None and rev["decision"] == DECISION_DISMISS and rev["fact"] == fact:
            p.status = DISMISSED
        if rev is not None and p.status in (CONFIRMED, DISMISSED):
            p.reason, p.decided_by, p.decided_at = rev["reason"], rev["decided_by"], rev["decided_at"]
        out.append(p)
    return out


def propose_vetoes(db: Database, sheet_id: str, *, today: dt.date | None = None) -> list[VetoProposal]:
    """Every veto the data proves for a sheet, with its status (待决定, 已确认, 已驳回, 已登记).

    A confirmed sheet (确定) gets none: its vetoes change only by adjustment.
    """
    from .rounds import _scheme_from_json

    row = _sheet_row(db, sheet_id)
    if row["state"] == "确定":
        return []
    scheme = _scheme_from_json(row["scheme_json"])
    facts = _facts(db, row, scheme, today or dates.today())
    if not facts:
        return []
    marked = {r["code"] for r in db.query("SELECT code FROM round_veto WHERE round_branch_id = ?", (sheet_id,))}
    reviews = {r["code"]: r for r in db.query("SELECT * FROM round_veto_review WHERE round_branch_id = ?",
                                              (sheet_id,))}
    return _proposals(row, facts, marked, reviews)


def pending_vetoes(db: Database, sheet_id: str, *, today: dt.date | None = None) -> list[VetoProposal]:
    return [p for p in propose_vetoes(db, sheet_id, today=today) if p.pending]


_OPEN_ORGS = "SELECT org_id FROM round_branch WHERE round_id = ? AND state != '确定'"


def round_veto_proposals(db: Database, round_id: str, *, today: dt.date | None = None,
                         pending_only: bool = False, sheets: list | None = None,
                         score_rows: list | None = None) -> list[VetoProposal]:
    """The proposals of every sheet of a round, in the round's order: propose_vetoes sheet by
    sheet, with what it reads (scores, committee terms and secretaries, marks, reviews) read for
    the whole round in a few queries. `sheets`: the round's sheets (round_branch rows with the
    town, in the round's order) when the caller has read them; `score_rows`: likewise every
    round_score row of the round (round_branch_id, item_code, self_score, initial_score and
    final_score by name), as the dashboard reads them."""
    from .rounds import _scheme_from_json

    rows = [r for r in (db.query(ROUND_SHEETS_SQL, (round_id,)) if sheets is None else sheets) if r["state"] != "确定"]
    if not rows:
        return []
    rnd = db.one("SELECT year, scheme_json FROM assessment_round WHERE id = ?", (round_id,))
    scheme = _scheme_from_json(rnd["scheme_json"])
    kinds = {v.check_kind for v in scheme.vetoes if v.check}
    if not kinds:
        return []
    day = today or dates.today()
    scores: dict[str, list] = {r["id"]: [] for r in rows}
    if m.CHECK_ITEM_ZERO in kinds:
        if score_rows is None:
            score_rows = db.query("""SELECT s.round_branch_id, s.item_code, s.self_score, s.initial_score,
                                            s.final_score
                                     FROM round_score s JOIN round_branch b ON b.id = s.round_branch_id
                                     WHERE b.round_id = ? AND b.state != '确定'""", (round_id,))
        for r in score_rows:
            mine = scores.get(r["round_branch_id"])  # (a confirmed sheet's rows: none)
            if mine is not None:
                mine.append(r)
    registry: dict[str, tuple] = {}
    if kinds & set(_REGISTRY_CHECKS):
        terms: dict[str, list] = {r["org_id"]: [] for r in rows}
        for t in db.query(f"SELECT * FROM committee_term WHERE org_id IN ({_OPEN_ORGS}) ORDER BY org_id, start_date",
                          (round_id,)):
            terms[t["org_id"]].append(t)
        secretaries: dict[str, list] = {}
        for c in db.query(f"""SELECT c.term_id, c.name, c.start_date, c.end_date FROM committee_member c
                              JOIN committee_term t ON t.id = c.term_id
                              WHERE c.role = '书记' AND t.org_id IN ({_OPEN_ORGS}) ORDER BY c.start_date""",
                          (round_id,)):
            secretaries.setdefault(c["term_id"], []).append(c)
        registry = {org: (ts, _stints(ts, lambda term_id: secretaries.get(term_id, ()))) for org, ts in terms.items()}
    marked: dict[str, set[str]] = {}
    for r in db.query("""SELECT v.round_branch_id, v.code FROM round_veto v JOIN round_branch b ON b.id = v.round_branch_id
                         WHERE b.round_id = ?""", (round_id,)):
        marked.setdefault(r[0], set()).add(r[1])
    reviews: dict[str, dict] = {}
    for r in db.query("""SELECT v.* FROM round_veto_review v JOIN round_branch b ON b.id = v.round_branch_id
                         WHERE b.round_id = ?""", (round_id,)):
        reviews.setdefault(r["round_branch_id"], {})[r["code"]] = r
    units = {u.code: u for u in scheme_units(scheme)}
    out = []
    for row in rows:
        facts = _facts(db, row, scheme, day, scores=_effective_scores(scores[row["id"]]),
                       registry=registry.get(row["org_id"]), year=rnd["year"], units=units)
        for p in _proposals(row, facts, marked.get(row["id"], set()), reviews.get(row["id"], {})):
            if p.pending or not pending_only:
                out.append(p)
    return out


def _current(db: Database, sheet_id: str, code: str, today: dt.date | None) -> VetoProposal:
    row = db.get("round_branch", sheet_id)
    if row is None:
        raise UserError("找不到这个考核表，可能已被删除。")
    if row["state"] == "确定":
        raise LockedError(f"“{row['org_name']}”的考核结果已确定；如需更正否决项，请使用“调整否决项”并填写原因。")
    p = next((p for p in propose_vetoes(db, sheet_id, today=today) if p.code == code), None)
    if p is None:
        raise UserError(f"“{row['org_name']}”目前没有据台账提出的否决项 {code}（数据可能已经变化），请刷新后再看。")
    return p


def _decide(db: Database, p: VetoProposal, decision: str, reason: str, day: dt.date, actor: str | None) -> None:
    who = actor_name(db, actor)
    old = db.one("SELECT id FROM round_veto_review WHERE round_branch_id = ? AND code = ?", (p.sheet_id, p.code))
    verb = "确认" if decision == DECISION_CONFIRM else "驳回"
    with db.transaction(f"{verb}据台账提出的否决项 {p.org_name} {p.code}：{reason}", actor=actor) as tx:
        values = {"fact": p.fact, "decision": decision, "reason": reason, "decided_by": who, "decided_at": tx.now}
        if old is None:
            tx.insert("round_veto_review", {"round_branch_id": p.sheet_id, "code": p.code, **values})
        else:
            tx.update("round_veto_review", old["id"], values)
        if decision == DECISION_CONFIRM:
            mark = db.one("SELECT id FROM round_veto WHERE round_branch_id = ? AND code = ?", (p.sheet_id, p.code))
            fact = f"{p.fact}（据组织台账核对，{who}确认：{reason}）"
            if mark is None:
                tx.insert("round_veto", {"round_branch_id": p.sheet_id, "code": p.code, "fact": fact,
                                         "found_on": day.isoformat()})
            else:
                tx.update("round_veto", mark["id"], {"fact": fact, "found_on": day.isoformat()})


def confirm_veto(db: Database, sheet_id: str, code: str, *, reason: str, today: dt.date | None = None,
                 actor: str | None = None) -> VetoProposal:
    """The reviewer confirms a proposed veto: it is marked on the sheet with the fact and the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError("确认否决项须写明理由（如核实的情况）。")
    p = _current(db, sheet_id, code, today)
    if p.status in (CONFIRMED, MARKED):
        raise UserError(f"“{p.org_name}”的否决项 {code} 已经登记。")
    _decide(db, p, DECISION_CONFIRM, reason, today or dates.today(), actor)
    return p


def dismiss_veto(db: Database, sheet_id: str, code: str, *, reason: str, today: dt.date | None = None,
                 actor: str | None = None) -> VetoProposal:
    """The reviewer dismisses a proposed veto with a reason (e.g. the registry is out of date)."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError("驳回据台账提出的否决项须写明理由。")
    p = _current(db, sheet_id, code, today)
    if p.status in (CONFIRMED, MARKED):
        raise UserError(f"“{p.org_name}”的否决项 {code} 已经登记；如不成立，请在考核表中取消标记。")
    if p.status == DISMISSED:
        raise UserError(f"“{p.org_name}”的否决项 {code} 已经驳回。")
    _decide(db, p, DECISION_DISMISS, reason, today or dates.today(), actor)
    return p
