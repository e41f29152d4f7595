"""Quota decisions of a round (名额决定): the reviewer names who holds a capped title or level.

The rule (schemes.quota_decisions): while the qualifiers fit a cap, all of them hold the title;
when more qualify, a reviewer names the holders, within the cap and with a reason; who and when
are kept in round_quota_decision and the change log. The results, the publicity sheet and the
exports show the decision; 确定 is refused while a cap is exceeded without one (gates.py).

    quota_overview(db, round_id) -> [QuotaView]    who qualifies, the limit, who was named
    name_holders(db, round_id, title, sheet_ids, reason=…)   (again for a named one: re-confirmed)
    name_nobody(db, round_id, title, town=None, reason=…)    nobody in the scope holds it
    unname_holders(db, round_id, title, sheet_ids, reason=…) / unname_nobody(...)
    set_holders(db, round_id, title, sheet_ids, town=…, reason=…)   the whole list of a scope at once
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..db import Database
from ..errors import LockedError, UserError
from ..schemes.quota_decisions import QuotaScope, quota_for_title
from .quota_rows import load_rows, town_names
from .rounds import actor_name, get_round


@dataclass
class Holder:
    sheet_id: str
    town: str
    org_name: str
    state: str
    total: Any
    rating: str | None
    named: bool = False
    reason: str = ""
    decided_by: str = ""
    decided_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet_id, "town": self.town, "branch": self.org_name, "state": self.state,
                "total": self.total, "rating": self.rating, "named": self.named, "reason": self.reason,
                "decided_by": self.decided_by, "decided_at": self.decided_at}


@dataclass
class QuotaView:
    """One capped title or level in one scope, for the CLI and the decision dialog."""

    quota: str
    title: str
    scope: str | None  # the town, or None for the whole round
    limit: int
    assessed: int
    enforced: bool
    status: str  # 未超名额 | 待决定 | 已决定
    award: bool
    qualified: list[Holder] = field(default_factory=list)  # best first
    stale: list[Holder] = field(default_factory=list)  # named, no longer qualifying
    unconsidered: list[Holder] = field(default_factory=list)  # qualify since the decision was made
    nobody: Holder | None = None  # the decision that nobody holds it (reason, who, when)

    @property
    def named(self) -> list[Holder]:
        return [h for h in self.qualified if h.named]

    @property
    def needs_decision(self) -> bool:
        return self.status == "待决定"

    @property
    def over(self) -> bool:
        return len(self.qualified) > self.limit

    def text(self) -> str:
        where = f"{self.scope}：" if self.scope else ""
        head = f"{where}“{self.title}”限 {self.limit} 个（共 {self.assessed} 个党组织），符合条件 {len(self.qualified)} 个"
        if not self.over:
            return head + "，未超过名额，符合条件的都获得。"
        if self.needs_decision:
            extra = (f"（{'、'.join(h.org_name for h in self.unconsidered)}是决定之后才符合条件的）"
                     if self.unconsidered and (self.named or self.nobody) else "")
            return head + f"，超过名额，待审核人确定名单{extra}。"
        if self.nobody is not None and not self.named:
            return head + "，经审核确定：无。"
        return head + f"，已确定：{'、'.join(h.org_name for h in self.named)}。"

    def to_dict(self) -> dict[str, Any]:
        return {"quota": self.quota, "title": self.title, "scope": self.scope, "limit": self.limit,
                "assessed": self.assessed, "enforced": self.enforced, "status": self.status,
                "qualified": [h.to_dict() for h in self.qualified], "named": [h.to_dict() for h in self.named],
                "nobody": None if self.nobody is None else self.nobody.to_dict(),
                "stale": [h.to_dict() for h in self.stale],
                "unconsidered": [h.to_dict() for h in self.unconsidered], "text": self.text()}


def views(db: Database, rating) -> list[QuotaView]:
    """QuotaViews from a RoundRating (results.rate_round) and the decision rows."""
    by_sheet = {b.sheet_id: b for b in rating.branches}
    rows = load_rows(db, rating.round_id)
    towns = town_names(db)
    by_key = {(r["quota_code"], r["round_branch_id"]): r for r in rows if r["round_branch_id"]}
    nobody = {(r["quota_code"], towns.get(r["scope"], r["scope"]) if r["scope"] else None): r
              for r in rows if not r["round_branch_id"]}

    def stamp(h: Holder, row) -> Holder:
        if row is not None:
            h.reason, h.decided_by, h.decided_at = row["reason"], row["decided_by"], row["decided_at"]
        return h

    def holder(key: str, sc: QuotaScope, named: bool) -> Holder:
        b = by_sheet[key]
        raw = b.raw_rating if b.raw_rating is not None else b.rating
        return stamp(Holder(key, b.town, b.org_name, b.state, b.total, raw, named), by_key.get((sc.quota, key)))

    out = []
    for sc in rating.quota_scopes:
        none_row = nobody.get((sc.quota, sc.scope))
        out.append(QuotaView(
            sc.quota, sc.title, sc.scope, sc.limit, sc.assessed, sc.enforced, sc.status, sc.award,
            [holder(k, sc, k in sc.named) for k in sc.qualified],
            [holder(k, sc, True) for k in sc.stale if k in by_sheet],
            [holder(k, sc, k in sc.named) for k in sc.unconsidered],
            None if none_row is None else stamp(Holder("", sc.scope or "", "（无）", "", None, None), none_row)))
    return out


def quota_overview(db: Database, round_id: str) -> list[QuotaView]:
    """Every capped title or level of the round, per scope: who qualifies, the limit, who was named."""
    from .results import rate_round

    return views(db, rate_round(db, round_id, proposals=False))


def _quota(db: Database, round_id: str, title: str):
    rnd = get_round(db, round_id)
    q = quota_for_title(rnd.scheme, title)
    if q is None:
        capped = sorted({t for x in rnd.scheme.quotas if x.bound == "max" for t in x.ratings})
        raise UserError(f"“{rnd.scheme.name}”没有限制“{title}”的名额" +
                        (f"（有名额上限的是：{'、'.join(capped)}）。" if capped else "（本方案没有名额上限）。"))
    return q


def _check_unlocked(rating, scope: QuotaScope, title: str) -> None:
    states = {b.sheet_id: (b.state, b.org_name) for b in rating.branches}
    done = [states[k][1] for k in scope.qualified + scope.stale if states[k][0] == "确定"]
    if done:
        raise LockedError(f"“{title}”的候选中{'、'.join(done)}的结果已确定，名单不能再改。")


def _need_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise UserError(f"{what}须写明理由（如排名、考察情况、会议研究决定）。")
    return reason


def _scope_office(rating, scope: QuotaScope) -> str:
    if scope.scope is None:
        return ""
    return next(b.office_id for b in rating.branches if b.town == scope.scope)


def name_holders(db: Database, round_id: str, title: str, sheet_ids: Iterable[str], *, reason: str,
                 actor: str | None = None) -> int:
    """Name branches as holders of a capped title or level, within the cap and with a reason.

    Only where more qualify than the cap allows (otherwise every qualifier holds it); each branch
    must qualify. Naming one already named confirms it again with the qualifiers as they are now
    (after a new branch qualified). Returns how many rows were written.
    """
    from .results import rate_round

    reason = _need_reason(reason, "确定名额")
    ids = list(dict.fromkeys(sheet_ids))
    if not ids:
        raise UserError("请选择要确定的党组织。")
    q = _quota(db, round_id, title)
    rating = rate_round(db, round_id, proposals=False)
    by_sheet = {b.sheet_id: b for b in rating.branches}
    scopes: dict[str | None, tuple[QuotaScope, list[str]]] = {}
    for sid in ids:
        b = by_sheet.get(sid)
        if b is None:
            raise UserError("该党组织不在本轮考核范围内。")
        sc = next((x for x in rating.quota_scopes if x.quota == q.code and sid in x.qualified), None)
        if sc is None:
            raise UserError(f"“{b.org_name}”不符合“{title}”的条件（现评定为“{b.raw_rating or b.rating or '未评定'}”"
                            + ("，已触发否决项" if b.vetoed else "") + "），不能确定为获得者。")
        scopes.setdefault(sc.scope, (sc, []))[1].append(sid)
    writes: list[tuple[QuotaScope, list[str]]] = []
    for where, (sc, mine) in scopes.items():
        place = where or "本轮"
        if not sc.over:
            raise UserError(f"{place}“{title}”符合条件的有 {len(sc.qualified)} 个，未超过名额（{sc.limit} 个），"
                            f"符合条件的都获得，无需确定名单。")
        # A confirmed result keeps its title as decided. A scope never decided (a round confirmed by an
        # older version, before 确定 required the decision) has nothing to keep: its first list is free.
        done = [by_sheet[k].org_name for k in mine
                if sc.decided and k not in sc.named and by_sheet[k].state == "确定"]
        if done:
            raise LockedError(f"{'、'.join(done)}的结果已确定，不能再改为获得“{title}”。")
        after = list(dict.fromkeys(sc.named + mine))
        if len(after) > sc.limit:
            raise UserError(f"{place}“{title}”限 {sc.limit} 个，已确定 {len(sc.named)} 个"
                            f"（{'、'.join(by_sheet[k].org_name for k in sc.named) or '无'}），"
                            f"加上这次的共 {len(after)} 个，超过名额；如需换人，请先取消原来的。")
        writes.append((sc, mine))
    existing = {(r["quota_code"], r["round_branch_id"]): r for r in load_rows(db, round_id)}
    names = "、".join(by_sheet[k].org_name for _, mine in writes for k in mine)
    who = actor_name(db, actor)
    with db.transaction(f"确定“{title}”名单：{names}（{reason}）", actor=actor) as tx:
        for sc, mine in writes:
            office = _scope_office(rating, sc)
            considered = json.dumps(sc.qualified, ensure_ascii=False)
            for r in load_rows(db, round_id):
                if r["quota_code"] == q.code and r["scope"] == office and r["round_branch_id"] is None:
                    tx.delete("round_quota_decision", r["id"])  # someone holds it after all
            for sid in mine:
                values = {"title": title, "scope": office, "considered": considered, "reason": reason,
                          "decided_by": who, "decided_at": tx.now}
                old = existing.get((q.code, sid))
                if old is None:
                    tx.insert("round_quota_decision", {"round_id": round_id, "quota_code": q.code,
                                                       "round_branch_id": sid, **values})
                else:
                    tx.update("round_quota_decision", old["id"], values)
    return sum(len(mine) for _, mine in writes)


def set_holders(db: Database, round_id: str, title: str, sheet_ids: Iterable[str], *, town: str | None = None,
                reason: str, actor: str | None = None) -> None:
    """The decision dialog's one step: the holders of a scope become exactly `sheet_ids` (at most the
    cap; an empty list means nobody holds it), with one reason, in one unit of work."""
    from .results import rate_round

    reason = _need_reason(reason, "确定名额")
    q = _quota(db, round_id, title)
    rating = rate_round(db, round_id, proposals=False)
    sc = _scope_named(rating, q, town)
    place = sc.scope or "本轮"
    by_sheet = {b.sheet_id: b for b in rating.branches}
    ids = list(dict.fromkeys(sheet_ids))
    if not sc.over:
        raise UserError(f"{place}“{title}”符合条件的有 {len(sc.qualified)} 个，未超过名额（{sc.limit} 个），"
                        f"符合条件的都获得，无需确定名单。")
    bad = [by_sheet[k].org_name if k in by_sheet else k for k in ids if k not in sc.qualified]
    if bad:
        raise UserError(f"{'、'.join(bad)}不符合{place}“{title}”的条件，不能确定为获得者。")
    if len(ids) > sc.limit:
        raise UserError(f"{place}“{title}”限 {sc.limit} 个，选了 {len(ids)} 个，超过名额。")
    # A confirmed result must not change: who holds the title now (decided: the named) against after.
    # (A scope never decided, in a round confirmed by an older version, gets its first list freely.)
    current = set(sc.named) if sc.decided else set(ids)
    done = [by_sheet[k].org_name for k in current ^ set(ids) if by_sheet[k].state == "确定"]
    if done:
        raise LockedError(f"{'、'.join(sorted(done))}的结果已确定，“{title}”名单不能再改。")
    office = _scope_office(rating, sc)
    considered = json.dumps(sc.qualified, ensure_ascii=False)
    who = actor_name(db, actor)
    rows = [r for r in load_rows(db, round_id) if r["quota_code"] == q.code and r["scope"] == office]
    names = "、".join(by_sheet[k].org_name for k in ids) or "无人获得"
    with db.transaction(f"确定{place}“{title}”名单：{names}（{reason}）", actor=actor) as tx:
        keep = set(ids)
        for r in rows:
            if r["round_branch_id"] is None or r["round_branch_id"] not in keep:
                tx.delete("round_quota_decision", r["id"])
        existing = {r["round_branch_id"]: r for r in rows if r["round_branch_id"]}
        values = {"title": title, "scope": office, "considered": considered, "reason": reason,
                  "decided_by": who, "decided_at": tx.now}
        for sid in ids:
            if sid in existing:
                tx.update("round_quota_decision", existing[sid]["id"], values)
            else:
                tx.insert("round_quota_decision", {"round_id": round_id, "quota_code": q.code,
                                                   "round_branch_id": sid, **values})
        if not ids:
            tx.insert("round_quota_decision", {"round_id": round_id, "quota_code": q.code,
                                               "round_branch_id": None, **values})


def _scope_named(rating, q, town: str | None) -> QuotaScope:
    options = [x for x in rating.quota_scopes if x.quota == q.code]
    if town is None and len(options) == 1:
        return options[0]  # one town (a town's own database) or the whole round
    sc = next((x for x in options if x.scope == (town or None)), None)
    if sc is None:
        if town is None and options and options[0].scope is not None:
            raise UserError(f"“{'、'.join(q.ratings)}”的名额按乡镇计算，请写明乡镇（可选："
                            f"{'、'.join(x.scope for x in options)}）。")
        raise UserError(f"本轮没有“{town}”的“{'、'.join(q.ratings)}”名额（可选：{'、'.join(x.scope or '本轮' for x in options)}）。")
    return sc


def name_nobody(db: Database, round_id: str, title: str, *, town: str | None = None, reason: str,
                actor: str | None = None) -> None:
    """Decide that nobody in the scope (a town, or the round) holds the title: e.g. a cap of 15 %
    of 6 branches allows none. Only where more qualify than the cap and nobody is named."""
    from .results import rate_round

    reason = _need_reason(reason, "确定无人获得")
    q = _quota(db, round_id, title)
    rating = rate_round(db, round_id, proposals=False)
    sc = _scope_named(rating, q, town)
    place = sc.scope or "本轮"
    if not sc.over:
        raise UserError(f"{place}“{title}”符合条件的有 {len(sc.qualified)} 个，未超过名额（{sc.limit} 个），"
                        f"符合条件的都获得，无需决定。")
    if sc.named:
        raise UserError(f"{place}“{title}”已确定由{'、'.join(b.org_name for b in rating.branches if b.sheet_id in sc.named)}"
                        f"获得；如改为无人获得，请先取消。")
    office = _scope_office(rating, sc)
    old = db.one("SELECT id FROM round_quota_decision WHERE round_id = ? AND quota_code = ? AND scope = ? "
                 "AND round_branch_id IS NULL", (round_id, q.code, office))
    if old is None:
        _check_unlocked(rating, sc, title)
    who = actor_name(db, actor)
    with db.transaction(f"确定{place}“{title}”无人获得（{reason}）", actor=actor) as tx:
        values = {"title": title, "considered": json.dumps(sc.qualified, ensure_ascii=False), "reason": reason,
                  "decided_by": who, "decided_at": tx.now}
        if old is None:
            tx.insert("round_quota_decision", {"round_id": round_id, "quota_code": q.code, "scope": office,
                                               "round_branch_id": None, **values})
        else:
            tx.update("round_quota_decision", old["id"], values)


def unname_holders(db: Database, round_id: str, title: str, sheet_ids: Iterable[str], *, reason: str,
                   actor: str | None = None) -> int:
    """Take branches off the named holders of a title (with a reason, logged). Returns how many."""
    from .results import rate_round

    reason = _need_reason(reason, "取消已确定的名额")
    q = _quota(db, round_id, title)
    rows = []
    ids = list(dict.fromkeys(sheet_ids))
    for sid in ids:
        row = db.one("SELECT d.id, b.org_name, b.state FROM round_quota_decision d "
                     "JOIN round_branch b ON b.id = d.round_branch_id "
                     "WHERE d.round_id = ? AND d.quota_code = ? AND d.round_branch_id = ?", (round_id, q.code, sid))
        if row is None:
            name = db.scalar("SELECT org_name FROM round_branch WHERE id = ?", (sid,)) or sid
            raise UserError(f"“{name}”没有被确定为“{title}”，无需取消。")
        if row["state"] == "确定":
            raise LockedError(f"“{row['org_name']}”的结果已确定，名单不能再改。")
        rows.append(row)
    if not rows:
        return 0
    for sc in rate_round(db, round_id, proposals=False).quota_scopes:
        if sc.quota == q.code and sc.named and set(sc.named) <= set(ids):
            # Nobody left named: the scope is undecided again, which a confirmed result cannot be.
            _check_unlocked(rate_round(db, round_id, proposals=False), sc, title)
    with db.transaction(f"取消“{title}”名单：{'、'.join(r['org_name'] for r in rows)}（{reason}）",
                        actor=actor) as tx:
        for r in rows:
            tx.delete("round_quota_decision", r["id"])
    return len(rows)


def unname_nobody(db: Database, round_id: str, title: str, *, town: str | None = None, reason: str,
                  actor: str | None = None) -> None:
    """Withdraw a decision that nobody in the scope holds the title."""
    from .results import rate_round

    reason = _need_reason(reason, "撤回“无人获得”的决定")
    q = _quota(db, round_id, title)
    rating = rate_round(db, round_id, proposals=False)
    sc = _scope_named(rating, q, town)
    _check_unlocked(rating, sc, title)
    office = _scope_office(rating, sc)
    old = db.one("SELECT id FROM round_quota_decision WHERE round_id = ? AND quota_code = ? AND scope = ? "
                 "AND round_branch_id IS NULL", (round_id, q.code, office))
    if old is None:
        raise UserError(f"{sc.scope or '本轮'}“{title}”没有“无人获得”的决定。")
    with db.transaction(f"撤回{sc.scope or '本轮'}“{title}”无人获得的决定（{reason}）", actor=actor) as tx:
        tx.delete("round_quota_decision", old["id"])
