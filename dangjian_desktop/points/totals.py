"""Yearly totals (年度总积分) and member stars (党员评星): base score plus every item's points,
each item capped at its yearly limit per member, items a member's class is exempt from left
out; members exempted on request are not rated; the year is frozen when it is locked.

Star thresholds come from the built-in scheme `xingji-dangyuan` (seed 001: ≥ 90 三星,
80–89 二星, 60–79 一星, < 60 无星 = 不合格党员), so they are written down once; so does the
scheme's rounding rule (分数取整), applied through schemes.rounding.band_value exactly as the
scheme's evaluation applies it (a member at 59.995 gets the same stars in both).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from .. import dates
from ..db import Database
from ..errors import LockedError, UserError, ValidationError
from ..registry.orgs import subtree_ids
from .catalogue import ensure_catalogue, year_settings
from .common import (ACTIVE_STATUSES, CLASS_BITS, EXEMPT_FRAIL, EXEMPT_NOT_RATED, EXEMPTION_KINDS, check_date,
                     check_unlocked, fmt_points, is_locked, mask_of, member_classes, operator, owner_of_office,
                     round_points, scope_filter, town_offices, year_row)
from .catalogue import Item

STARS_SCHEME = "xingji-dangyuan"
NOT_RATED = "免评"


@dataclass(frozen=True)
class StarLevel:
    name: str  # 三星 / 二星 / 一星 / 无星
    min: float
    stars: int
    label: str  # 三星党员 …; 无星: 不合格党员


# Used only when the schemes package cannot give the thresholds (it is the single source).
_FALLBACK = (StarLevel("三星", 90, 3, "三星党员"), StarLevel("二星", 80, 2, "二星党员"),
             StarLevel("一星", 60, 1, "一星党员"), StarLevel("无星", 0, 0, "不合格党员"))
_levels_cache: tuple[tuple[StarLevel, ...], str] | None = None
_rounding_cache: str | None = None


def star_levels() -> tuple[tuple[StarLevel, ...], str]:
    """The member star levels (highest first) and where they come from."""
    global _levels_cache, _rounding_cache
    if _levels_cache is not None:
        return _levels_cache
    try:
        from ..schemes import load_scheme
        from ..schemes.model import quoted

        scheme = load_scheme(STARS_SCHEME)
        _rounding_cache = scheme.rating.rounding
        failing = set()
        for c in scheme.consequences:
            if getattr(c, "kind", None) == "rating_in":
                failing.update(getattr(c, "ratings", []) or [])
        levels = tuple(StarLevel(lv.name, float(lv.min or 0), int(lv.stars or 0),
                                 lv.label or ("不合格党员" if lv.name in failing or not lv.stars else lv.name))
                       for lv in scheme.rating.levels)
        if not levels or any(a.min <= b.min for a, b in zip(levels, levels[1:])):
            raise ValueError("levels out of order")
        _levels_cache = (levels, f"评分方案{quoted(scheme.name)}")
    except (ImportError, UserError, ValueError, AttributeError):
        _levels_cache = (_FALLBACK, "内置分数线（评分方案“星级党员”不可用）")
    return _levels_cache


def star_rounding() -> str:
    """The rounding rule (分数取整) of the member-stars scheme: how 89.5 or 59.995 meets a band."""
    star_levels()
    from ..schemes.model import DEFAULT_ROUNDING

    return _rounding_cache or DEFAULT_ROUNDING


def rate(total: float, levels: tuple[StarLevel, ...] | None = None) -> StarLevel:
    """The star level of a total: the total read in whole points under the scheme's rounding rule
    (去尾: 89.5 is 二星, 59.995 无星), then inclusive lower bounds (90 is 三星)."""
    from ..schemes.rounding import band_value

    levels = levels or star_levels()[0]
    t = band_value(total or 0, star_rounding())
    for lv in levels:
        if t >= Decimal(str(lv.min)):
            return lv
    return levels[-1]


@dataclass
class MemberTotal:
    member_id: str
    name: str
    name_pinyin: str
    org_id: str
    org_name: str
    office_id: str
    base: float
    items: float
    total: float
    stars: int | None  # None: not rated (免评)
    rating: str  # 三星 / 二星 / 一星 / 无星 / 免评
    label: str  # 三星党员 … 不合格党员 / 免评
    exempt_reason: str | None = None
    classes: list[str] = field(default_factory=list)
    locked: bool = False
    plus: float | None = None  # detail only: capped additions
    minus: float | None = None  # detail only: capped deductions (negative)

    @property
    def failing(self) -> bool:
        """不合格: rated and without a star."""
        return self.stars == 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["failing"] = self.failing
        return d


# Up to this many items the rules are written into the totals query as one CASE on the item (no
# look-up per item and member); a county's many catalogues are looked up in a temp table instead.
INLINE_RULES = 64


def _capped_items(db: Database, year: int, params: dict[str, Any]) -> str:
    """A subquery of member `mm`'s items of the year: one row per item, `c` its yearly sum capped
    at the item's limit, 0 when the member's class is exempt from it, NULL for an item that is
    no rule of the year (left out of the sums). Caps and exempt masks are parameters (added to
    `params`) of a CASE on the item, evaluated once per member and item on the member's rows of
    points_entry_sum (the yearly sum per item, kept by triggers with the entries: schema v11),
    so the totals never read the entries themselves."""
    rows = [Item.from_row(r) for r in db.query("SELECT * FROM points_item WHERE year = ?", (int(year),))]
    rules = [(i.id, i.effective_cap, mask_of(i.exempt_classes)) for i in rows]
    if len(rules) > INLINE_RULES:
        db.conn.execute("CREATE TEMP TABLE IF NOT EXISTS dj_item_rule "
                        "(item_id TEXT PRIMARY KEY, cap REAL, mask INTEGER)")
        db.conn.execute("DELETE FROM temp.dj_item_rule")
        db.conn.executemany("INSERT INTO temp.dj_item_rule VALUES (?, ?, ?)", rules)
        return """(SELECT CASE WHEN (r.mask & mm.mask) != 0 THEN 0 WHEN r.cap IS NULL THEN s.raw
                          WHEN s.raw > r.cap THEN r.cap WHEN s.raw < -r.cap THEN -r.cap ELSE s.raw END AS c
                   FROM (SELECT item_id, points AS raw FROM points_entry_sum e
                         WHERE e.year = :year AND e.member_id = mm.id) s
                   JOIN temp.dj_item_rule r ON r.item_id = s.item_id)"""
    whens = []
    for n, (item_id, cap, mask) in enumerate(rules):
        params[f"i{n}"] = item_id
        value = "points"
        if cap is not None:
            params[f"c{n}"] = cap
            value = f"CASE WHEN points > :c{n} THEN :c{n} WHEN points < -:c{n} THEN -:c{n} ELSE points END"
        if mask:
            value = f"CASE WHEN (mm.mask & {int(mask)}) != 0 THEN 0 ELSE {value} END"
        whens.append(f"WHEN :i{n} THEN {value}")
    capped = f"CASE item_id {' '.join(whens)} END" if whens else "NULL"
    return f"""(SELECT {capped} AS c FROM points_entry_sum e WHERE e.year = :year AND e.member_id = mm.id)"""


def _live(db: Database, year: int, *, office_ids: list[str], org_ids: list[str] | None,
          detail: bool) -> list[MemberTotal]:
    params: dict[str, Any] = {"year": int(year), "year_end": f"{int(year)}-12-31", "s1": ACTIVE_STATUSES[0],
                              "s2": ACTIVE_STATUSES[1], "frail": EXEMPT_FRAIL}
    where = ["m.status IN (:s1, :s2)", "m.join_date <= :year_end"]
    office_marks = []
    for n, oid in enumerate(office_ids):
        params[f"o{n}"] = oid
        office_marks.append(f":o{n}")
    where.append(f"o.office_id IN ({','.join(office_marks)})")
    if org_ids is not None:
        for n, oid in enumerate(org_ids):
            params[f"g{n}"] = oid
        where.append(f"m.org_id IN ({','.join(f':g{n}' for n in range(len(org_ids)))})")
    bits = CLASS_BITS
    capped = _capped_items(db, year, params)
    plus = f", (SELECT sum(CASE WHEN c > 0 THEN c ELSE 0 END) FROM {capped}) AS plus" if detail else ""
    # The year's exemptions are few: the frail members are one list the member query looks its
    # members up in, the reasons of the members not rated a dict (no look-up per member).
    sql = f"""
        WITH mm AS MATERIALIZED (
            SELECT m.id, m.name, m.name_pinyin, m.org_id, o.name AS org_name, o.office_id, o.sort_order,
                   m.is_mobile * {bits['流动党员']} + m.is_hardship * {bits['困难党员']}
                   + (m.category = '预备党员') * {bits['预备党员']}
                   + (m.id IN (SELECT x.member_id FROM points_exemption x WHERE x.year = :year
                               AND x.kind = :frail)) * {bits['年老体弱']} AS mask
            FROM member m JOIN org o ON o.id = m.org_id
            WHERE {' AND '.join(where)})
        SELECT mm.id, mm.name, mm.name_pinyin, mm.org_id, mm.org_name, mm.office_id, mm.mask,
               (SELECT sum(c) FROM {capped}) AS items {plus}
        FROM mm ORDER BY mm.sort_order, mm.org_name, mm.name_pinyin"""
    not_rated = dict(db.conn.execute("SELECT member_id, reason FROM points_exemption WHERE year = ? AND kind = ?",
                                     (int(year), EXEMPT_NOT_RATED)).fetchall())
    bases = {oid: year_settings(db, oid, year).base_score for oid in office_ids}
    # Totals have at most two decimals (every entry and the base score do): rounding to two
    # decimals only removes the float sum's drift. Stars come from rate(), the scheme's rule.
    star_of: dict[float, StarLevel] = {}
    class_of = {mask: _classes_of_mask(mask) for mask in range(sum(bits.values()) + 1)}
    out = []
    cur = db.conn.cursor()
    cur.row_factory = None  # plain tuples: 30,000 rows are read here
    for mid, name, py, org_id, org_name, office_id, mask, items, *rest in cur.execute(sql, params):
        base = bases[office_id]
        items = round(items or 0.0, 2) + 0.0
        total = round(base + items, 2) + 0.0
        exempt = not_rated.get(mid)
        if exempt is None:
            lv = star_of.get(total)
            if lv is None:
                lv = star_of[total] = rate(total)
            t = MemberTotal(mid, name, py, org_id, org_name, office_id, base, items, total, lv.stars, lv.name,
                            lv.label, None, class_of[mask])
        else:
            t = MemberTotal(mid, name, py, org_id, org_name, office_id, base, items, total, None, NOT_RATED,
                            NOT_RATED, exempt, class_of[mask])
        if detail:
            t.plus = round(rest[0] or 0.0, 2) + 0.0
            t.minus = round(items - t.plus, 2) + 0.0
        out.append(t)
    return out


def _classes_of_mask(mask: int) -> list[str]:
    return [c for c, bit in CLASS_BITS.items() if mask & bit]


def _snapshot(db: Database, year: int, office_id: str, org_ids: list[str] | None) -> list[MemberTotal]:
    where, params = ["r.year = ?", "r.office_id = ?"], [int(year), office_id]
    if org_ids is not None:
        where.append(f"r.org_id IN ({','.join('?' * len(org_ids))})")
        params += org_ids
    rows = db.query(f"""SELECT r.*, m.name, m.name_pinyin, m.is_mobile, m.is_hardship, m.category,
                               ifnull(o.name, '') AS org_name
                        FROM points_result r JOIN member m ON m.id = r.member_id LEFT JOIN org o ON o.id = r.org_id
                        WHERE {' AND '.join(where)} ORDER BY o.sort_order, o.name, m.name_pinyin""", params)
    levels = {lv.name: lv for lv in star_levels()[0]}
    out = []
    for r in rows:
        label = NOT_RATED if r["rating"] == NOT_RATED else (levels[r["rating"]].label if r["rating"] in levels
                                                            else r["rating"])
        out.append(MemberTotal(r["member_id"], r["name"], r["name_pinyin"], r["org_id"] or "", r["org_name"],
                               r["office_id"], float(r["base_score"]), float(r["items_total"]), float(r["total"]),
                               r["stars"], r["rating"], label, r["exempt_reason"], member_classes(r), True))
    return out


def totals(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None,
           detail: bool = False) -> list[MemberTotal]:
    """Every rated member's total and stars for the year (members in good standing who had joined
    by the year's end), under an office or an organisation; a locked year gives its frozen results.

    detail=True also splits each total into capped additions (plus) and deductions (minus).
    """
    year = int(year)
    if org_id:
        org = db.get("org", org_id)
        if org is None:
            raise UserError("找不到该党组织。")
        offices = [org["office_id"]]
        org_ids: list[str] | None = subtree_ids(db, org_id)
    else:
        offices = [office_id] if office_id else [o["id"] for o in town_offices(db)]
        org_ids = None
    locked = [o for o in offices if is_locked(db, o, year)]
    live = [o for o in offices if o not in locked]
    out: list[MemberTotal] = []
    if live:
        out += _live(db, year, office_ids=live, org_ids=org_ids, detail=detail)
    for o in locked:
        out += _snapshot(db, year, o, org_ids)
    return out


def member_breakdown(db: Database, member_id: str, year: int) -> list[dict[str, Any]]:
    """Per item for one member and year: count, raw sum, counted points (cap and exemption applied)."""
    m = db.get("member", member_id)
    if m is None:
        raise UserError("找不到该党员。")
    frail = bool(db.scalar("SELECT 1 FROM points_exemption WHERE member_id = ? AND year = ? AND kind = ?",
                           (member_id, int(year), EXEMPT_FRAIL)))
    classes = set(member_classes(m, frail=frail))
    rows = db.query("""SELECT i.*, count(e.id) AS n, sum(e.points) AS raw FROM points_entry e
                       JOIN points_item i ON i.id = e.item_id WHERE e.year = ? AND e.member_id = ?
                       GROUP BY i.id ORDER BY i.sort_order, i.code""", (int(year), member_id))
    out = []
    for r in rows:
        it = Item.from_row(r)
        raw = round_points(r["raw"])
        exempt = sorted(classes & set(it.exempt_classes))
        cap = it.effective_cap
        counted = 0.0 if exempt else (raw if cap is None else max(-cap, min(cap, raw)))
        note = (f"免计（{'、'.join(exempt)}）" if exempt else
                f"超过年度上限，按{fmt_points(counted, signed=True)}计" if counted != raw else "")
        out.append({"item_id": it.id, "code": it.code, "title": it.title, "kind": it.kind, "count": r["n"],
                    "raw": raw, "cap": cap, "counted": round_points(counted), "note": note})
    return out


# ---- branches ----------------------------------------------------------------------------------

@dataclass
class BranchSummary:
    """Points of one branch's members: the figures that feed 支部评星."""

    org_id: str
    org_name: str
    office_id: str
    members: int
    rated: int
    exempt: int
    average: float | None
    stars: dict[int, int]  # stars -> members (3, 2, 1, 0)
    failing: int
    lowest: float | None
    highest: float | None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["stars"] = {str(k): v for k, v in self.stars.items()}
        return d


def branch_summary(db: Database, year: int, *, office_id: str | None = None,
                   rows: list[MemberTotal] | None = None) -> list[BranchSummary]:
    rows = rows if rows is not None else totals(db, year, office_id=office_id)
    groups: dict[str, list[MemberTotal]] = {}
    for t in rows:
        groups.setdefault(t.org_id, []).append(t)
    out = []
    for org_id, ts in groups.items():
        rated = [t for t in ts if t.stars is not None]
        counts = {lv.stars: 0 for lv in star_levels()[0]}
        for t in rated:
            counts[t.stars] = counts.get(t.stars, 0) + 1
        avg = round_points(sum(t.total for t in rated) / len(rated)) if rated else None
        out.append(BranchSummary(org_id, ts[0].org_name, ts[0].office_id, len(ts), len(rated), len(ts) - len(rated),
                                 avg, counts, sum(1 for t in rated if t.failing),
                                 min((t.total for t in rated), default=None), max((t.total for t in rated), default=None)))
    return out


def rating_counts(rows: list[MemberTotal]) -> dict[str, int]:
    """Rated members per star level, every level named (三星党员 … 不合格党员) highest first."""
    counts = {lv.label: 0 for lv in star_levels()[0]}
    for t in rows:
        if t.stars is not None:
            counts[t.label] = counts.get(t.label, 0) + 1
    return counts


def star_rule() -> str:
    """The thresholds in words: '≥90分三星，≥80分二星，≥60分一星，低于60分无星（不合格）'."""
    levels = star_levels()[0]
    return ("，".join(f"≥{fmt_points(lv.min)}分{lv.name}" for lv in levels if lv.stars)
            + f"，低于{fmt_points(levels[-2].min)}分无星（不合格）")


def find_members(rows: list[MemberTotal], text: str) -> list[MemberTotal]:
    """The members whose name holds `text`, or whose name's pinyin or its initials begin with it
    (张伟: 张, zhangwei, zw)."""
    from ..pinyin import initials

    text = (text or "").strip().lower()
    if not text:
        return list(rows)
    return [t for t in rows if text in t.name or initials(t.name).startswith(text)
            or t.name_pinyin.replace(" ", "").startswith(text)]


def failing_members(db: Database, year: int, **kw) -> list[MemberTotal]:
    """不合格党员 for follow-up: rated members without a star."""
    return [t for t in totals(db, year, **kw) if t.failing]


# ---- exemptions -----------------------------------------------------------------------------------

def set_exemption(db: Database, member_id: str, year: int, kind: str, reason: str, *,
                  approved_on: str | None = None, actor: str | None = None) -> str:
    """Record an exemption: 不参评 (not rated this year) or 年老体弱 (exempt from the items that
    name that class). A reason is required; one of each kind per member and year."""
    m = db.get("member", member_id)
    if m is None:
        raise UserError("找不到该党员。")
    errors = {}
    if kind not in EXEMPTION_KINDS:
        errors["kind"] = f"免评类型应为{'、'.join(EXEMPTION_KINDS)}之一"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写免评/免计的原因（如：长期患病，本人申请，支部同意）"
    if approved_on:
        try:
            approved_on = check_date(approved_on, field="approved_on", what="批准日期")
        except ValidationError as e:
            errors.update(e.errors)
    if errors:
        raise ValidationError(errors)
    office = db.scalar("SELECT office_id FROM org WHERE id = ?", (m["org_id"],))
    check_unlocked(db, office, year)
    existing = db.one("SELECT * FROM points_exemption WHERE member_id = ? AND year = ? AND kind = ?",
                      (member_id, int(year), kind))
    with db.transaction(f"{m['name']}{year}年度{kind}：{reason}", actor=actor) as tx:
        if existing:
            tx.update("points_exemption", existing["id"], {"reason": reason, "approved_on": approved_on})
            return existing["id"]
        return tx.insert("points_exemption", {"member_id": member_id, "year": int(year), "kind": kind,
                                              "reason": reason, "approved_on": approved_on, "owner": m["owner"]})


def remove_exemption(db: Database, exemption_id: str, *, actor: str | None = None) -> None:
    row = db.one("SELECT x.*, m.name, o.office_id FROM points_exemption x JOIN member m ON m.id = x.member_id "
                 "JOIN org o ON o.id = m.org_id WHERE x.id = ?", (exemption_id,))
    if row is None:
        raise UserError("找不到这条免评记录。")
    check_unlocked(db, row["office_id"], row["year"])
    with db.transaction(f"取消{row['name']}{row['year']}年度{row['kind']}", actor=actor) as tx:
        tx.delete("points_exemption", exemption_id)


def exemptions(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None) -> list:
    where, params = ["x.year = ?"], [int(year)]
    scope_filter(db, where, params, org_id=org_id, office_id=office_id)
    return db.query(f"""SELECT x.*, m.name, o.name AS org_name FROM points_exemption x JOIN member m ON m.id = x.member_id
                        JOIN org o ON o.id = m.org_id WHERE {' AND '.join(where)}
                        ORDER BY o.sort_order, m.name_pinyin, x.kind""", params)


def not_rated_exemption(db: Database, member_id: str, year: int):
    """The member's 不参评 exemption for the year (the row, with its reason), or None."""
    return db.one("SELECT * FROM points_exemption WHERE member_id = ? AND year = ? AND kind = ?",
                  (member_id, int(year), EXEMPT_NOT_RATED))


# ---- locking the year ------------------------------------------------------------------------------

def lock_year(db: Database, office_id: str, year: int, *, publicity_start: str, publicity_end: str,
              actor: str | None = None, today: dt.date | None = None) -> int:
    """Lock the year after its publicity (公示): the totals are frozen as they are now and no
    entry, meeting, catalogue item or exemption of that year can change. Returns members frozen."""
    today = today or dates.today()
    errors: dict[str, str] = {}
    try:
        publicity_start = check_date(publicity_start, field="publicity_start", what="公示开始日期", today=today)
    except ValidationError as e:
        errors.update(e.errors)
    try:
        publicity_end = check_date(publicity_end, field="publicity_end", what="公示结束日期", today=today)
    except ValidationError as e:
        errors["publicity_end"] = e.message.replace("不能晚于今天", "不能晚于今天：公示期满后才能锁定")
    if not errors and publicity_end < publicity_start:
        errors["publicity_end"] = "公示结束日期不能早于开始日期"
    if not errors and int(publicity_end[:4]) < int(year):
        errors["publicity_end"] = f"公示应在{year}年度结束后或年末进行，结束日期不能早于{year}年"
    if errors:
        raise ValidationError(errors)
    if is_locked(db, office_id, year):
        raise LockedError(f"{year}年度已经锁定。")
    ensure_catalogue(db, office_id, year)
    rows = _live(db, year, office_ids=[office_id], org_ids=None, detail=False)
    owner = owner_of_office(db, office_id)
    yr = year_row(db, office_id, year)
    with db.transaction(f"锁定{year}年度党员积分（公示{publicity_start}至{publicity_end}）", actor=actor) as tx:
        tx.execute("DELETE FROM points_result WHERE office_id = ? AND year = ?", (office_id, int(year)))
        tx.insert_many("points_result", [{
            "office_id": office_id, "year": int(year), "member_id": t.member_id, "org_id": t.org_id,
            "base_score": t.base, "items_total": t.items, "total": t.total, "stars": t.stars, "rating": t.rating,
            "exempt_reason": t.exempt_reason, "owner": owner} for t in rows])
        tx.update("points_year", yr["id"], {"locked_on": tx.now, "locked_by": operator(db),
                                            "publicity_start": publicity_start, "publicity_end": publicity_end})
    return len(rows)


def unlock_year(db: Database, office_id: str, year: int, *, reason: str, actor: str | None = None) -> None:
    """Undo a lock (the frozen results are dropped); the reason goes into the change log."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "解除锁定须说明原因（如：公示期间发现录入错误）"})
    yr = year_row(db, office_id, year)
    if not yr or not yr["locked_on"]:
        raise UserError(f"{year}年度没有锁定。")
    with db.transaction(f"解除{year}年度党员积分锁定：{reason}", actor=actor) as tx:
        tx.execute("DELETE FROM points_result WHERE office_id = ? AND year = ?", (office_id, int(year)))
        tx.update("points_year", yr["id"], {"locked_on": None, "locked_by": None})
