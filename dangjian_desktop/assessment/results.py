"""Results of a round (结果报告): totals, ratings, vetoes, rankings in the town and the county,
quota flags, comparison with the previous year and the consequences the scheme lists.

All rating rules come from the schemes package (evaluate, check_quotas, consequences_for,
town_consequences_for); this module only gathers the scores and puts the pieces together.
Quota checks only flag: nothing is demoted here — the reviewer decides. Where a reviewer has
named the holders of a capped title or level (quota_decisions), the results show the decision
(the raw qualification stays in raw_rating / raw_award).

A result is *provisional* while its review is not complete (the sheet is before 公示, or a
考核分 is blank): it is marked so, and its consequences are "if confirmed" (如确定).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ..db import Database
from ..errors import UserError
from ..schemes import (Applied, QuotaEntry, QuotaFlag, Result, Scheme, ScoreError, check_quotas,
                       consequences_for, evaluate, town_consequences_for)
from ..schemes import model as m
from .rounds import get_round


@dataclass
class BranchRating:
    """One branch's line of the results."""

    sheet_id: str
    org_id: str
    org_name: str
    kind: str | None
    office_id: str
    town: str
    state: str
    total: float | int | None
    total_max: float | int | None
    rating: str | None
    stars: int | None
    vetoed: bool
    vetoes: list[str] = field(default_factory=list)  # veto codes
    veto_facts: list[str] = field(default_factory=list)  # "V1 一年内没有党组织书记：fact"
    award: bool | None = None
    bonus: float | int | None = None
    rank_town: int | None = None  # 1 = best; ties share a rank
    rank_county: int | None = None
    missing: int = 0  # items without any score
    previous: dict | None = None  # {"year", "rating", "stars", "total"} of the previous year's round
    trend: str | None = None  # 'up' | 'down' | 'same' | None (no earlier result)
    quota_flags: list[str] = field(default_factory=list)  # codes of quotas naming this branch as candidate
    consequences: list[Applied] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    result: Result | None = field(default=None, repr=False)
    provisional: bool = True  # the review is not complete: before 公示, or a 考核分 is blank
    final_missing: int = 0  # items without a 考核分
    raw_rating: str | None = None  # the rating the scores give, before a quota decision
    raw_award: bool | None = None
    named: list[str] = field(default_factory=list)  # capped titles or levels a reviewer named it for
    quota_pending: list[str] = field(default_factory=list)  # capped titles awaiting a decision
    veto_proposals: list = field(default_factory=list)  # vetoes the data proves, awaiting a decision

    TREND_LABELS = {"up": "上升", "down": "下降", "same": "持平"}

    @property
    def trend_label(self) -> str:
        return self.TREND_LABELS.get(self.trend or "", "—")

    @property
    def rating_text(self) -> str:
        """The rating as shown: 一星（暂定） while provisional."""
        text = self.rating or "未评定"
        return text + ("（暂定）" if self.provisional and self.rating else "")

    @property
    def consequence_prefix(self) -> str:
        return "如确定：" if self.provisional else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet_id, "org_id": self.org_id, "branch": self.org_name, "kind": self.kind,
            "town": self.town, "state": self.state, "total": self.total, "total_max": self.total_max,
            "rating": self.rating, "stars": self.stars, "vetoed": self.vetoed, "vetoes": list(self.vetoes),
            "veto_facts": list(self.veto_facts), "award": self.award, "bonus": self.bonus,
            "rank_town": self.rank_town, "rank_county": self.rank_county, "missing": self.missing,
            "previous": self.previous, "trend": self.trend, "quota_flags": list(self.quota_flags),
            "consequences": [{"code": c.code, "title": c.title, "reason": c.reason, "if_confirmed": self.provisional}
                             for c in self.consequences],
            "reasons": list(self.reasons), "warnings": list(self.warnings),
            "provisional": self.provisional, "final_missing": self.final_missing,
            "raw_rating": self.raw_rating, "raw_award": self.raw_award, "named": list(self.named),
            "quota_pending": list(self.quota_pending),
            "veto_proposals": [p.to_dict() for p in self.veto_proposals],
        }


@dataclass
class TownConsequence:
    office_id: str
    town: str
    applied: Applied


@dataclass
class RoundRating:
    """The whole round rated."""

    round_id: str
    year: int
    scheme: Scheme
    branches: list[BranchRating]
    quota_flags: list[QuotaFlag] = field(default_factory=list)
    town_consequences: list[TownConsequence] = field(default_factory=list)
    previous_round_id: str | None = None
    quota_scopes: list = field(default_factory=list)  # schemes.quota_decisions.QuotaScope
    veto_proposals: list = field(default_factory=list)  # pending veto_proposals.VetoProposal

    def by_sheet(self) -> dict[str, BranchRating]:
        return {b.sheet_id: b for b in self.branches}

    @property
    def provisional_count(self) -> int:
        return sum(1 for b in self.branches if b.provisional)

    @property
    def previous_year(self) -> int | None:
        """The year the trends compare with (the round of the year before), None without one."""
        return self.year - 1 if self.previous_round_id else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round_id, "year": self.year, "scheme": self.scheme.id,
            "previous_round": self.previous_round_id,
            "branches": [b.to_dict() for b in self.branches],
            "quota_flags": [{"quota": f.quota, "scope": f.scope, "bound": f.bound, "limit": f.limit,
                             "count": f.count, "assessed": f.assessed, "enforced": f.enforced,
                             "candidates": list(f.candidates), "tie": f.tie, "message": f.message}
                            for f in self.quota_flags],
            "town_consequences": [{"town": t.town, "code": t.applied.code, "title": t.applied.title,
                                   "reason": t.applied.reason} for t in self.town_consequences],
            "provisional": self.provisional_count,
            "quota_scopes": [{"quota": q.quota, "title": q.title, "scope": q.scope, "limit": q.limit,
                              "status": q.status, "qualified": len(q.qualified), "named": len(q.named)}
                             for q in self.quota_scopes],
            "veto_proposals": [p.to_dict() for p in self.veto_proposals],
        }


def _evaluate_all(scheme: Scheme, sheets: list[tuple[dict, list[str], str | None]]) -> list[Result | str]:
    """Evaluate many sheets; a sheet that cannot be evaluated gives its Chinese error text."""
    try:
        from ..schemes.evaluate import evaluate_many
    except ImportError:  # an older schemes package
        evaluate_many = None
    if evaluate_many is not None and scheme.rating.kind != m.CLASSIFICATION:
        try:
            return list(evaluate_many(scheme, [(sc, v) for sc, v, _ in sheets]))
        except ScoreError:
            pass  # one bad sheet: evaluate one by one to find it
    from ..schemes.evaluate import prepare

    prepared = prepare(scheme)  # evaluate() per sheet, the scheme prepared (and checked) once
    out: list[Result | str] = []
    for sc, v, cls in sheets:
        try:
            out.append(prepared.evaluate(sc, v, classification=cls))
        except UserError as e:
            out.append(e.message)
    return out


_SHEETS_SQL = """SELECT b.id, b.org_id, b.org_name, b.kind, b.office_id, b.state, b.classification,
                        f.name AS town FROM round_branch b JOIN office f ON f.id = b.office_id
                 WHERE b.round_id = ? ORDER BY f.name, b.sort_order, b.org_name"""


def _stage_expr(stage: str | None) -> str:
    return {None: "coalesce(s.final_score, s.initial_score, s.self_score)", "self": "s.self_score",
            "initial": "s.initial_score", "final": "s.final_score"}[stage]


def _round_inputs(db: Database, round_id: str, stage: str | None = None, read: tuple | None = None):
    """(sheets, sheet id -> item code -> score, sheet id -> [(veto code, fact)]) of a round.

    `read`: (sheets, score rows) a caller has read already, for the effective scores: the sheets
    with _SHEETS_SQL's columns (or more) in its order, every round_score row of the round with
    round_branch_id, item_code, self_score, initial_score and final_score."""
    if read is not None:
        sheets, rows = read
        effective = ((r["round_branch_id"], r["item_code"],
                      r["final_score"] if r["final_score"] is not None else
                      r["initial_score"] if r["initial_score"] is not None else r["self_score"]) for r in rows)
    else:
        sheets = db.query(_SHEETS_SQL, (round_id,))
        effective = db.conn.execute(f"""SELECT s.round_branch_id, s.item_code, {_stage_expr(stage)} FROM round_score s
                                        JOIN round_branch b ON b.id = s.round_branch_id WHERE b.round_id = ?""",
                                    (round_id,))
    scores: dict[str, dict[str, float | int]] = {r["id"]: {} for r in sheets}
    for sid, code, value in effective:
        if value is not None:
            scores[sid][code] = int(value) if float(value).is_integer() else value
    vetoes: dict[str, list[tuple[str, str]]] = {r["id"]: [] for r in sheets}
    for sid, code, fact in db.conn.execute(
            """SELECT v.round_branch_id, v.code, v.fact FROM round_veto v
               JOIN round_branch b ON b.id = v.round_branch_id WHERE b.round_id = ? ORDER BY v.code""",
            (round_id,)):
        vetoes[sid].append((code, fact))
    return sheets, scores, vetoes


# Results of earlier rounds, keyed by round and a fingerprint of its data; a confirmed round
# rarely changes, so its ratings are not recomputed every time a later round is rated.
_cache: dict[tuple[str, str], tuple[tuple, dict[str, Result | str]]] = {}

# Each sheet's evaluation, keyed by round and kept with what it was evaluated from (the round's
# scheme, the sheet's scores, vetoes and class): a sheet is evaluated again only when one of them
# changed, so a typed score re-evaluates one sheet, and the dashboard, the results and the quota
# decisions share the evaluations of a round. Background readers share it too (hence the lock).
_sheet_cache: dict[tuple[str, str], tuple[str, dict[str, tuple[tuple, Result | str]]]] = {}
_sheet_lock = threading.Lock()


def _evaluated(db: Database, round_id: str, scheme: Scheme, sheets, scores, vetoes) -> list[Result | str]:
    """_evaluate_all of a round's sheets (as _round_inputs gives them), each sheet evaluated only
    when it is not in the cache with the same scheme and inputs."""
    key = (str(db.path), round_id)
    scheme_key = db.scalar("SELECT scheme_json FROM assessment_round WHERE id = ?", (round_id,)) or ""
    with _sheet_lock:
        hit = _sheet_cache.get(key)
    known = hit[1] if hit is not None and hit[0] == scheme_key else {}
    inputs = [(tuple(sorted(scores[r["id"]].items())), tuple(c for c, _ in vetoes[r["id"]]), r["classification"])
              for r in sheets]
    todo = [n for n, (r, inp) in enumerate(zip(sheets, inputs)) if known.get(r["id"], (None,))[0] != inp]
    fresh = dict(zip(todo, _evaluate_all(scheme, [(scores[sheets[n]["id"]], list(inputs[n][1]), inputs[n][2])
                                                  for n in todo]))) if todo else {}
    out = [fresh[n] if n in fresh else known[r["id"]][1] for n, r in enumerate(sheets)]
    if todo or len(known) != len(sheets):
        with _sheet_lock:
            if len(_sheet_cache) > 8:  # about 16 MB for a round of 6,250 sheets
                _sheet_cache.clear()
            _sheet_cache[key] = (scheme_key, {r["id"]: (inp, res) for r, inp, res in zip(sheets, inputs, out)})
    return out


def _fingerprint(db: Database, round_id: str) -> tuple:
    r = db.one("""SELECT (SELECT count(*) || ':' || ifnull(sum(b.rev), 0) || ':' || ifnull(max(b.updated_at), '')
                          FROM round_branch b WHERE b.round_id = :r),
                         (SELECT count(*) || ':' || ifnull(sum(s.rev), 0) || ':' || ifnull(max(s.updated_at), '')
                          FROM round_score s JOIN round_branch b ON b.id = s.round_branch_id WHERE b.round_id = :r),
                         (SELECT count(*) || ':' || ifnull(sum(v.rev), 0) || ':' || ifnull(max(v.updated_at), '')
                          || ':' || group_concat(v.id)
                          FROM round_veto v JOIN round_branch b ON b.id = v.round_branch_id WHERE b.round_id = :r)""",
               {"r": round_id})
    from .quota_rows import fingerprint as decisions_fp

    return (str(db.path), *tuple(r), decisions_fp(db, round_id))


def _decided(db: Database, round_id: str, scheme: Scheme, sheets, results: list) -> tuple[list, list]:
    """The results with the reviewers' quota decisions applied, and the capped scopes."""
    from ..schemes.quota_decisions import apply_quota_decisions
    from .quota_rows import decisions_of

    entries = [QuotaEntry(r["id"], r["town"], res) for r, res in zip(sheets, results) if isinstance(res, Result)]
    if not entries or not any(q.bound == m.BOUND_MAX for q in scheme.quotas):
        return results, []
    decided, scopes = apply_quota_decisions(scheme, entries, decisions_of(db, round_id))
    return [decided.get(r["id"], res) if isinstance(res, Result) else res for r, res in zip(sheets, results)], scopes


def _results_of(db: Database, round_id: str, scheme: Scheme) -> tuple[list, dict[str, Result | str]]:
    """(sheet rows, sheet id -> Result or error text, as decided) of a round, cached by fingerprint."""
    key = (str(db.path), round_id)
    fp = _fingerprint(db, round_id)
    sheets = db.query(_SHEETS_SQL, (round_id,))
    hit = _cache.get(key)
    if hit is not None and hit[0] == fp:
        return sheets, hit[1]
    sheets, scores, vetoes = _round_inputs(db, round_id)
    results = _evaluated(db, round_id, scheme, sheets, scores, vetoes)
    results, _scopes = _decided(db, round_id, scheme, sheets, results)
    out = {r["id"]: res for r, res in zip(sheets, results)}
    if len(_cache) > 64:
        _cache.clear()
    _cache[key] = (fp, out)
    return sheets, out


def _ranks(items: list[tuple[str, tuple]]) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) by key, best first."""
    ordered = sorted(items, key=lambda t: t[1], reverse=True)
    out: dict[str, int] = {}
    prev, rank = None, 0
    for n, (ident, key) in enumerate(ordered, start=1):
        if key != prev:
            rank, prev = n, key
        out[ident] = rank
    return out


def _sort_key(res: Result) -> tuple:
    return (res.rank, res.total if res.total is not None else float("-inf"))


def _lookback(scheme: Scheme) -> int:
    """How many earlier years the scheme's consequences (and the comparison) need to look at.

    A run "exactly 2 years" must see the third year back to know the run stopped there.
    """
    years = 1  # the comparison with the previous year
    for c in scheme.consequences:
        if c.kind in (m.RUN, m.TOWN_NO_AWARD):
            years = max(years, (c.max_years + 1 if c.max_years else (c.min_years or 1)) - 1)
        elif c.kind not in (m.STAR_LOSS, m.RATING_IN, m.STARS_AT_MOST):
            return 1000  # a rule this module does not know: give it every year
    return years


def _rated(db: Database, round_id: str, scheme: Scheme, read: tuple | None):
    """Where rating a round starts: (sheets, scores, vetoes, raw results, results as decided, the
    capped scopes, sheet id -> number of items with a 考核分)."""
    sheets, scores, vetoes = _round_inputs(db, round_id, read=read)
    raw = _evaluated(db, round_id, scheme, sheets, scores, vetoes)
    results, scopes = _decided(db, round_id, scheme, sheets, raw)
    final_filled: dict[str, int] = {}
    if read is not None:
        for r in read[1]:
            if r["final_score"] is not None:
                final_filled[r["round_branch_id"]] = final_filled.get(r["round_branch_id"], 0) + 1
    else:
        final_filled = {r[0]: r[1] for r in db.query(
            """SELECT s.round_branch_id, count(*) FROM round_score s JOIN round_branch b ON b.id = s.round_branch_id
               WHERE b.round_id = ? AND s.final_score IS NOT NULL GROUP BY s.round_branch_id""", (round_id,))}
    return sheets, scores, vetoes, raw, results, scopes, final_filled


def _provisional(state: str, final_missing: int) -> bool:
    return state not in ("公示", "申诉", "确定") or final_missing > 0


@dataclass
class SheetRating:
    """A sheet's rating as rate_round gives it, for a view that shows no more (the dashboard)."""

    rating: str | None
    stars: int | None
    provisional: bool
    quota_pending: list[str] = field(default_factory=list)


def sheet_ratings(db: Database, round_id: str, *, read: tuple | None = None) -> dict[str, SheetRating]:
    """Sheet id -> its rating, stars, whether it is provisional and the capped titles awaiting a
    decision, as rate_round gives them, without what rate_round adds (ranks, quota flags, the
    comparison, consequences, proposals). `read`: as rate_round's."""
    scheme = _scheme_of(db, round_id)
    sheets, _scores, _vetoes, _raw, results, scopes, final_filled = _rated(db, round_id, scheme, read)
    unit_count = len(scheme.scored_units())
    out: dict[str, SheetRating] = {}
    for r, res in zip(sheets, results):
        ok = isinstance(res, Result)
        out[r["id"]] = SheetRating(res.rating if ok else None, res.stars if ok else None,
                                   _provisional(r["state"], unit_count - final_filled.get(r["id"], 0)))
    for sc in scopes:
        if sc.needs_decision:
            for k in sc.qualified:
                out[k].quota_pending.append(sc.title)
    return out


def rate_round(db: Database, round_id: str, *, proposals: bool = True, today=None,
               read: tuple | None = None) -> RoundRating:
    """Rate every branch of the round from its effective scores (考核分, else 初评分, else 自评分)
    and triggered vetoes; apply the reviewers' quota decisions; rank in town and county (by
    rating, then total); check the scheme's quotas; compare with the previous year's round of the
    same scheme; list consequences from the branch's history of confirmed results plus this year.
    With `proposals`, the vetoes the registry's data proves are proposed (veto_proposals).
    `read`: the sheets and score rows a caller has read already (_round_inputs)."""
    rnd = get_round(db, round_id)
    scheme = rnd.scheme
    sheets, scores, vetoes, raw, results, scopes, final_filled = _rated(db, round_id, scheme, read)
    unit_count = len(scheme.scored_units())
    titles = {v.code: v.title for v in scheme.vetoes}
    branches: list[BranchRating] = []
    for r, res, raw_res in zip(sheets, results, raw):
        b = BranchRating(sheet_id=r["id"], org_id=r["org_id"], org_name=r["org_name"], kind=r["kind"],
                         office_id=r["office_id"], town=r["town"], state=r["state"], total=None, total_max=None,
                         rating=None, stars=None, vetoed=bool(vetoes[r["id"]]),
                         vetoes=[c for c, _ in vetoes[r["id"]]],
                         veto_facts=[f"{c} {titles.get(c, '')}：{fact}" for c, fact in vetoes[r["id"]]],
                         missing=unit_count - len(scores[r["id"]]))
        b.final_missing = unit_count - final_filled.get(r["id"], 0)
        b.provisional = _provisional(r["state"], b.final_missing)
        if isinstance(res, Result):
            b.result = res
            b.total, b.total_max, b.rating, b.stars = res.total, res.total_max, res.rating, res.stars
            b.vetoed, b.award, b.bonus = res.vetoed, res.award, res.bonus
            b.reasons, b.warnings = list(res.reasons), list(res.warnings)
            b.raw_rating, b.raw_award = raw_res.rating, raw_res.award
        else:
            b.warnings = [res]
        branches.append(b)
    if scopes:
        from .quota_rows import load_rows

        rows = {(r["quota_code"], r["round_branch_id"]): r for r in load_rows(db, round_id)}
        by_id = {b.sheet_id: b for b in branches}
        for sc in scopes:
            for k in sc.qualified:
                b = by_id[k]
                if sc.needs_decision:
                    b.quota_pending.append(sc.title)
                elif sc.over and k in sc.named:
                    b.named.append(sc.title)
                    d = rows[(sc.quota, k)]
                    b.reasons.append(f"名额：“{sc.title}”限 {sc.limit} 个，经审核确定由本组织获得"
                                     f"（{d['reason']}；{d['decided_by']}，{d['decided_at'][:10]}）。")

    # ---- rankings ----------------------------------------------------------------------
    rated = [b for b in branches if b.result is not None]
    county = _ranks([(b.sheet_id, _sort_key(b.result)) for b in rated])
    by_town: dict[str, list[BranchRating]] = {}
    for b in rated:
        by_town.setdefault(b.office_id, []).append(b)
    town_rank: dict[str, int] = {}
    for group in by_town.values():
        town_rank.update(_ranks([(b.sheet_id, _sort_key(b.result)) for b in group]))
    for b in rated:
        b.rank_county, b.rank_town = county[b.sheet_id], town_rank[b.sheet_id]

    # ---- quotas (flags only) -------------------------------------------------------------
    towns = {b.town for b in branches}
    labels: dict[str, BranchRating] = {}
    for b in rated:
        label = b.org_name if len(towns) == 1 else f"{b.town}{b.org_name}"
        while label in labels:
            label += "＊"
        labels[label] = b
    flags = check_quotas(scheme, [QuotaEntry(label, b.town, b.result) for label, b in labels.items()])
    for f in flags:
        for label in f.candidates:
            labels[label].quota_flags.append(f.quota)

    # ---- earlier years: comparison and consequences ---------------------------------------------
    earlier = db.query("""SELECT id, year FROM assessment_round WHERE office_id = ? AND scheme_id = ? AND year < ?
                          AND year >= ? ORDER BY year DESC""",
                       (rnd.office_id, rnd.scheme_id, rnd.year, rnd.year - _lookback(scheme)))
    history: dict[str, list[tuple[int, str | None, int | None]]] = {b.org_id: [] for b in branches}
    awarded: dict[str, dict[int, int]] = {}
    previous_round_id = None
    previous: dict[str, tuple[int, Result]] = {}
    for e in earlier:
        e_sheets, e_results = _results_of(db, e["id"], _scheme_of(db, e["id"]))
        for r in e_sheets:
            res = e_results.get(r["id"])
            if not isinstance(res, Result) or r["state"] != "确定":
                continue
            if r["org_id"] in history:
                history[r["org_id"]].append((e["year"], res.rating, res.stars))
            if e["year"] == rnd.year - 1 and r["org_id"] not in previous:
                previous[r["org_id"]] = (e["year"], res)
            awarded.setdefault(r["office_id"], {}).setdefault(e["year"], 0)
            awarded[r["office_id"]][e["year"]] += bool(res.award)
        if e["year"] == rnd.year - 1:
            previous_round_id = e["id"]
    applied: dict[tuple, list] = {}  # history -> its consequences: most branches share a history
    for b in rated:
        hist = (*history[b.org_id], (rnd.year, b.rating, b.stars))
        found = applied.get(hist)
        if found is None:
            found = applied[hist] = consequences_for(scheme, hist, rnd.year)
        b.consequences = list(found)
        prev = previous.get(b.org_id)
        if prev is not None:
            year, pres = prev
            b.previous = {"year": year, "rating": pres.rating, "stars": pres.stars, "total": pres.total}
            now_key, before_key = _sort_key(b.result)[0], _sort_key(pres)[0]
            if b.stars is not None and pres.stars is not None and b.stars != pres.stars:
                b.trend = "up" if b.stars > pres.stars else "down"
            else:
                b.trend = "same" if now_key == before_key else ("up" if now_key > before_key else "down")
    town_cons: list[TownConsequence] = []
    if scheme.rating.award is not None:
        for office_id, group in sorted(by_town.items(), key=lambda t: t[1][0].town):
            counts = dict(awarded.get(office_id, {}))
            counts[rnd.year] = sum(bool(b.award) for b in group)
            for applied in town_consequences_for(scheme, counts, rnd.year):
                town_cons.append(TownConsequence(office_id, group[0].town, applied))
    pending = []
    if proposals:
        from .veto_proposals import round_veto_proposals

        pending = round_veto_proposals(db, round_id, today=today, pending_only=True, sheets=sheets)
        by_sheet = {b.sheet_id: b for b in branches}
        for p in pending:
            by_sheet[p.sheet_id].veto_proposals.append(p)
    return RoundRating(round_id=round_id, year=rnd.year, scheme=scheme, branches=branches, quota_flags=flags,
                       town_consequences=town_cons, previous_round_id=previous_round_id, quota_scopes=scopes,
                       veto_proposals=pending)


def _scheme_of(db: Database, round_id: str) -> Scheme:
    from .rounds import _scheme_from_json

    return _scheme_from_json(db.scalar("SELECT scheme_json FROM assessment_round WHERE id = ?", (round_id,)))


def rate_sheet(db: Database, sheet_id: str, stage: str | None = None) -> Result:
    """Evaluate one sheet (试算) with a stage's scores (self / initial / final) or the effective ones.

    Raises UserError when the sheet cannot be evaluated (a classification scheme without a class).
    """
    row = db.one("SELECT round_id, classification FROM round_branch WHERE id = ?", (sheet_id,))
    if row is None:
        raise UserError("找不到这个考核表，可能已被删除。")
    scheme = _scheme_of(db, row["round_id"])
    scores = {}
    for code, value in db.conn.execute(f"SELECT s.item_code, {_stage_expr(stage)} FROM round_score s "
                                       f"WHERE s.round_branch_id = ?", (sheet_id,)):
        if value is not None:
            scores[code] = int(value) if float(value).is_integer() else value
    vetoes = [r[0] for r in db.query("SELECT code FROM round_veto WHERE round_branch_id = ? ORDER BY code",
                                     (sheet_id,))]
    return evaluate(scheme, scores, vetoes, classification=row["classification"])
