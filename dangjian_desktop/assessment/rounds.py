"""Assessment rounds (考核轮次): a year, a frozen copy of a scheme, the branches in scope, deadlines."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from .. import dates
from ..db import Database, current_actor, owned_rows
from ..db.like import like_text
from ..errors import LockedError, UserError
from ..registry.offices import local_office, own_orgs_sql
from ..registry.orgs import KINDS
from ..schemes import Scheme, load_scheme, scheme_from_dict, scheme_to_dict
from ..schemes.model import quoted
from ..schemes.validate import errors as scheme_errors
from .stage_owner import hand_over

# Workflow states in order (申诉 happens during 公示).
STATES = ("自评", "初审", "审核", "公示", "申诉", "确定")
STATE_ORDER = {s: n for n, s in enumerate(STATES)}
# The state of a whole round: its least advanced sheet (申诉 counts as 公示).
ROUND_STATE_ORDER = {"自评": 0, "初审": 1, "审核": 2, "公示": 3, "申诉": 3, "确定": 5}


@dataclass
class Round:
    """考核轮次."""

    id: str
    office_id: str
    year: int
    title: str
    scheme_id: str
    scheme_name: str
    scope: dict
    self_due: str | None
    initial_due: str | None
    review_due: str | None
    publicity_start: str | None
    appeal_days: int
    created_at: str
    created_by: str
    note: str
    rev: int
    state: str = "自评"  # the least advanced sheet's state ('确定' when all are confirmed)
    branch_count: int = 0
    state_counts: dict[str, int] = field(default_factory=dict)
    scheme_json: str = field(default="", repr=False)

    @property
    def scheme(self) -> Scheme:
        """The frozen copy of the scheme (later edits of the scheme file do not change it)."""
        return _scheme_from_json(self.scheme_json)

    @property
    def locked(self) -> bool:
        return self.branch_count > 0 and self.state == "确定"

    def to_dict(self) -> dict:
        return {"id": self.id, "year": self.year, "title": self.title, "scheme": self.scheme_id,
                "scheme_name": self.scheme_name, "state": self.state, "branches": self.branch_count,
                "states": dict(self.state_counts), "scope": self.scope, "self_due": self.self_due,
                "initial_due": self.initial_due, "review_due": self.review_due,
                "publicity_start": self.publicity_start, "appeal_days": self.appeal_days,
                "created_at": self.created_at, "created_by": self.created_by}


@dataclass
class RoundBranch:
    """One branch in a round: its checklist sheet (考核检查表) and where it stands."""

    id: str  # the sheet id (round_branch.id)
    round_id: str
    org_id: str
    office_id: str
    town: str
    org_name: str
    kind: str | None
    state: str
    state_since: str
    publicity_start: str | None
    rev: int


@lru_cache(maxsize=32)
def _scheme_from_json(text: str) -> Scheme:
    return scheme_from_dict(json.loads(text))


def _round_from_row(db: Database, r) -> Round:
    counts = {row[0]: row[1] for row in db.query(
        "SELECT state, count(*) FROM round_branch WHERE round_id = ? GROUP BY state", (r["id"],))}
    state = min(counts, key=lambda s: (ROUND_STATE_ORDER[s], STATE_ORDER[s]), default="自评")
    return Round(id=r["id"], office_id=r["office_id"], year=r["year"], title=r["title"], scheme_id=r["scheme_id"],
                 scheme_name=r["scheme_name"], scope=json.loads(r["scope_json"] or "{}"), self_due=r["self_due"],
                 initial_due=r["initial_due"], review_due=r["review_due"], publicity_start=r["publicity_start"],
                 appeal_days=r["appeal_days"], created_at=r["created_at"], created_by=r["created_by"],
                 note=r["note"], rev=r["rev"], state=state, branch_count=sum(counts.values()),
                 state_counts=counts, scheme_json=r["scheme_json"])


def default_title(year: int, scheme: Scheme) -> str:
    """'2025年度星级党组织评定' for star schemes, else '2025年度' + the scheme's name."""
    if scheme.rating.has_stars:
        return f"{year}年度星级党组织评定"
    return f"{year}年度{scheme.name}"


def _check_date(value: str | None, what: str) -> str | None:
    if value in (None, ""):
        return None
    if not dates.is_iso_date(value):
        raise UserError(f"{what}“{value}”不是有效日期，应为 2026-03-01 这样的格式。")
    return value


def scope_branches(db: Database, *, kinds: Iterable[str] | None = None, town_ids: Iterable[str] | None = None,
                   org_ids: Iterable[str] | None = None) -> list:
    """The branches (党支部) a scope selects: by kind and town, or an explicit list of org ids."""
    towns = list(town_ids) if town_ids else None
    kinds = list(kinds) if kinds else None
    ids = list(org_ids) if org_ids else None
    for k in kinds or []:
        if k not in KINDS:
            raise UserError(f"支部类别“{k}”不存在（可选：{'、'.join(KINDS)}）。")
    rows = db.query(f"""SELECT o.id, o.name, o.kind, o.office_id, o.sort_order, f.name AS town
                        FROM org o JOIN office f ON f.id = o.office_id
                        WHERE o.org_type = '党支部' AND {own_orgs_sql(db)} ORDER BY f.name, o.sort_order, o.name""")
    out = []
    for r in rows:
        if ids is not None and r["id"] not in ids:
            continue
        if towns is not None and r["office_id"] not in towns:
            continue
        if kinds is not None and r["kind"] not in kinds:
            continue
        out.append(r)
    return out


def create_round(db: Database, *, year: int, scheme_id: str | None = None, scheme: Scheme | None = None,
                 kinds: Iterable[str] | None = None, town_ids: Iterable[str] | None = None,
                 org_ids: Iterable[str] | None = None, title: str | None = None,
                 self_due: str | None = None, initial_due: str | None = None, review_due: str | None = None,
                 appeal_days: int = 15, actor: str | None = None) -> str:
    """Create a round with a frozen copy of the scheme and one sheet (state 自评) per branch in scope.

    Scope: `kinds` (村, 社区 …) and/or `town_ids` (office ids), or explicit `org_ids`;
    nothing given means every branch of the database. Returns the round id.
    Raises UserError for an unknown scheme, a scheme with errors, an empty scope,
    a duplicate (same office, year and scheme) or bad dates.
    """
    if scheme is None:
        if not scheme_id:
            raise UserError("请选择评分方案。")
        scheme = load_scheme(scheme_id)
    # Warnings (a section's items adding up past its declared maximum, resolved by a
    # stated rule) do not stop a round; only real errors do.
    problems = [f.text() for f in scheme_errors(scheme)]
    if problems:
        raise UserError(f"方案{quoted(scheme.name)}有错误，不能用于考核：\n" + "\n".join(f"  - {p}" for p in problems))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise UserError(f"年度“{year}”无效。") from None
    if not 1990 <= year <= 2200:
        raise UserError(f"年度 {year} 不在合理范围内。")
    if not isinstance(appeal_days, int) or not 1 <= appeal_days <= 60:
        raise UserError("申诉期应为 1 到 60 个工作日。")
    deadlines = {"self_due": _check_date(self_due, "自评截止日期"),
                 "initial_due": _check_date(initial_due, "初审截止日期"),
                 "review_due": _check_date(review_due, "审核截止日期")}
    seq = [d for d in deadlines.values() if d]
    if seq != sorted(seq):
        raise UserError("截止日期应依次为：自评、初审、审核。")
    office = local_office(db)
    if db.scalar("SELECT 1 FROM assessment_round WHERE office_id = ? AND year = ? AND scheme_id = ?",
                 (office["id"], year, scheme.id)):
        raise UserError(f"{year} 年已有使用{quoted(scheme.name)}的考核轮次。")
    kinds = list(kinds or [])
    town_ids = list(town_ids or [])
    branches = scope_branches(db, kinds=kinds, town_ids=town_ids, org_ids=org_ids)
    if not branches:
        raise UserError("所选范围内没有党支部，无法建立考核。")
    title = (title or "").strip() or default_title(year, scheme)
    town_names = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM office")}
    scope = {"kinds": kinds, "towns": [town_names.get(t, t) for t in town_ids], "town_ids": town_ids}
    if org_ids:
        scope["org_ids"] = list(org_ids)
    who = actor_name(db, actor)
    with db.transaction(f"建立考核 {title}", actor=actor) as tx:
        round_id = tx.insert("assessment_round", {
            "office_id": office["id"], "year": year, "title": title, "scheme_id": scheme.id,
            "scheme_name": scheme.name, "scheme_json": json.dumps(scheme_to_dict(scheme), ensure_ascii=False),
            "scope_json": json.dumps(scope, ensure_ascii=False), **deadlines, "appeal_days": appeal_days,
            "created_at": tx.now, "created_by": who, "note": ""})
        sheets = tx.insert_many("round_branch", [
            {"round_id": round_id, "org_id": b["id"], "office_id": b["office_id"], "org_name": b["name"],
             "kind": b["kind"], "sort_order": n, "state": "自评", "state_since": tx.now}
            for n, b in enumerate(branches)])
        tx.insert_many("round_history", [
            {"round_id": round_id, "round_branch_id": sid, "from_state": None, "to_state": "自评",
             "actor": who, "at": tx.now, "on_date": tx.now[:10], "note": "建立考核"} for sid in sheets])
        if office["level"] == "county":  # each sheet's 自评 and 初审 are its town's (stage_owner.py)
            by_town: dict[str, list[str]] = {}
            for sid, b in zip(sheets, branches):
                by_town.setdefault(b["office_id"], []).append(sid)
            for town_id, ids in by_town.items():
                hand_over(tx, ids, town_id)
    return round_id


def list_rounds(db: Database) -> list[Round]:
    """Every round of this database, newest year first."""
    rows = db.query("SELECT * FROM assessment_round ORDER BY year DESC, created_at DESC")
    return [_round_from_row(db, r) for r in rows]


def get_round(db: Database, round_id: str) -> Round:
    """The round with this id; UserError when there is none."""
    r = db.get("assessment_round", round_id)
    if r is None:
        raise UserError(f"找不到考核轮次：{round_id}")
    return _round_from_row(db, r)


def resolve_round(db: Database, text: str) -> Round:
    """A round named on the command line: its id, a unique id prefix (≥ 4 characters), or a year
    with exactly one round."""
    text = (text or "").strip()
    if not text:
        raise UserError("请指定考核轮次（编号或年度）。")
    r = db.get("assessment_round", text)
    if r is not None:
        return _round_from_row(db, r)
    if text.isdigit() and len(text) == 4:
        rows = db.query("SELECT * FROM assessment_round WHERE year = ?", (int(text),))
        if len(rows) == 1:
            return _round_from_row(db, rows[0])
        if len(rows) > 1:
            raise UserError(f"{text} 年有 {len(rows)} 个考核轮次，请用编号指定："
                            + "、".join(f"{x['id'][:8]}（{x['title']}）" for x in rows))
    if len(text) >= 4:
        rows = db.query("SELECT * FROM assessment_round WHERE id LIKE ? ESCAPE '\\'",
                        (like_text(text) + "%",))
        if len(rows) == 1:
            return _round_from_row(db, rows[0])
        if len(rows) > 1:
            raise UserError(f"编号“{text}”对应多个考核轮次，请写得更完整一些。")
    raise UserError(f"找不到考核轮次“{text}”。可用 dangjian rounds list 查看。")


def update_round(db: Database, round_id: str, *, title: str | None = None, self_due: str | None = None,
                 initial_due: str | None = None, review_due: str | None = None, appeal_days: int | None = None,
                 note: str | None = None, actor: str | None = None) -> None:
    """Change a round's title, deadlines, appeal window or note (only the arguments given).

    A confirmed round (every sheet 确定) is locked: raises LockedError.
    """
    rnd = get_round(db, round_id)
    if rnd.locked:
        raise LockedError(f"“{rnd.title}”已全部确定，不能再修改。")
    values: dict = {}
    if title is not None:
        if not title.strip():
            raise UserError("考核名称不能为空。")
        values["title"] = title.strip()
    for key, value, what in (("self_due", self_due, "自评截止日期"), ("initial_due", initial_due, "初审截止日期"),
                             ("review_due", review_due, "审核截止日期")):
        if value is not None:
            values[key] = _check_date(value, what)
    if appeal_days is not None:
        if not isinstance(appeal_days, int) or not 1 <= appeal_days <= 60:
            raise UserError("申诉期应为 1 到 60 个工作日。")
        if rnd.publicity_start and appeal_days != rnd.appeal_days:
            raise UserError("公示已经开始，不能再修改申诉期。")
        values["appeal_days"] = appeal_days
    if note is not None:
        values["note"] = note
    merged = {k: values.get(k, getattr(rnd, k)) for k in ("self_due", "initial_due", "review_due")}
    seq = [d for d in merged.values() if d]
    if seq != sorted(seq):
        raise UserError("截止日期应依次为：自评、初审、审核。")
    if not values:
        return
    with db.transaction(f"修改考核 {rnd.title}", actor=actor) as tx:
        tx.update("assessment_round", round_id, values)


def delete_round(db: Database, round_id: str, *, actor: str | None = None) -> None:
    """Delete a round that has not gone beyond self-assessment (every sheet 自评); else UserError."""
    rnd = get_round(db, round_id)
    if set(rnd.state_counts) - {"自评"}:
        raise UserError(f"“{rnd.title}”已有党组织进入初审或之后的环节，不能删除。")
    with db.transaction(f"删除考核 {rnd.title}", actor=actor) as tx, owned_rows.bypass(db.conn):
        # A round is its office's to withdraw, with the sheets it handed to the towns in 自评
        # (stage_owner.py); the towns' copies go when they import the county's next package.
        sheet_ids = [r[0] for r in db.query("SELECT id FROM round_branch WHERE round_id = ?", (round_id,))]
        attachments = {r[0] for r in db.query("""SELECT e.attachment_id FROM round_evidence e
                                                 JOIN round_branch b ON b.id = e.round_branch_id
                                                 WHERE b.round_id = ?""", (round_id,))}
        for table in ("round_score", "round_veto", "round_veto_review", "round_self_report", "round_evidence",
                      "round_appeal", "round_adjustment"):
            for sid in sheet_ids:
                for r in db.query(f"SELECT id FROM {table} WHERE round_branch_id = ?", (sid,)):
                    tx.delete(table, r[0])
        for table in ("round_history", "round_lot", "round_quota_decision"):
            for r in db.query(f"SELECT id FROM {table} WHERE round_id = ?", (round_id,)):
                tx.delete(table, r[0])
        for r in db.query("SELECT id FROM rectification WHERE round_id = ?", (round_id,)):
            tx.update("rectification", r[0], {"round_id": None})
        for sid in sheet_ids:
            tx.delete("round_branch", sid)
        tx.delete("assessment_round", round_id)
        # Evidence files nothing links to any more go with the round.
        from ..attachments import discard_if_unused

        for att in attachments:
            discard_if_unused(tx, att)


# A round's sheets (round_branch rows with their town's name) in display order: town, then the registry's.
ROUND_SHEETS_SQL = """SELECT b.*, f.name AS town FROM round_branch b JOIN office f ON f.id = b.office_id
                      WHERE b.round_id = ? ORDER BY f.name, b.sort_order, b.org_name"""


def round_branches(db: Database, round_id: str) -> list[RoundBranch]:
    """The round's sheets in display order (town, then the registry's order)."""
    rows = db.query(ROUND_SHEETS_SQL, (round_id,))
    return [RoundBranch(id=r["id"], round_id=r["round_id"], org_id=r["org_id"], office_id=r["office_id"],
                        town=r["town"], org_name=r["org_name"], kind=r["kind"], state=r["state"],
                        state_since=r["state_since"], publicity_start=r["publicity_start"], rev=r["rev"])
            for r in rows]


def branches_named(db: Database, round_id: str, names: Iterable[str]) -> list[RoundBranch]:
    """The round's sheets a user named, in the order named: by sheet id, by name, by town and name,
    else by a unique part of the name. UserError for a name that finds none, or several."""
    branches = round_branches(db, round_id)
    out = []
    for name in names:
        hits = [b for b in branches if b.id == name or b.org_name == name or f"{b.town}{b.org_name}" == name]
        if not hits:
            hits = [b for b in branches if name in b.org_name]
        if not hits:
            raise UserError(f"本轮考核中没有党组织“{name}”。")
        if len(hits) > 1:
            raise UserError(f"“{name}”对应多个党组织：{'、'.join(b.town + b.org_name for b in hits[:6])}，"
                            f"请写全称（可加乡镇名）。")
        out.append(hits[0])
    return out


def round_scheme(db: Database, round_id: str) -> Scheme:
    """The frozen copy of the round's scheme."""
    return get_round(db, round_id).scheme


def actor_name(db: Database, actor: str | None) -> str:
    """Who acts: the given name, else the database's operator setting, else the OS login."""
    return (actor or "").strip() or db.meta("operator") or current_actor()
