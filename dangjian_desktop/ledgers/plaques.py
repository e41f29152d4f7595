"""Plaques (挂牌/摘牌, seeds 000 and 004): which branches hold a plaque (六有党支部, 五星/四星级服务型
党组织), since when, and when and why one was taken down — the 星级党组织信息库 kept up to date
yearly from confirmed results and from revocations.

Which scheme hangs which plaque is data (resources/ledgers/targets.json, "plaques"): by the
scheme's award (六有: only branches named 六有党支部) or by stars (创星晋位: 五星 and 四星 are
plaqued, 三星 and below rated but not plaqued). `update_from_round` reads a round's confirmed
results: a branch that qualifies gets its plaque (or the new title in place of the old one), a
branch that no longer does has it taken down with the year's result as the reason, a vetoed one
with the veto's fact. `take_down` records a revocation (摘牌) with its day and reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .. import dates
from ..db import Database
from ..errors import UserError
from .common import branch_row, check_day, load_data, owner_of, text


def rules() -> list[dict]:
    return load_data("targets")["plaques"]


def families() -> list[str]:
    return [r["family"] for r in rules()]


def current(db: Database, *, office_id: str | None = None, org_id: str | None = None) -> list:
    """Plaques hanging now (not taken down)."""
    where, params = ["p.removed_on IS NULL"], []
    if org_id:
        where.append("p.org_id = ?")
        params.append(org_id)
    elif office_id:
        where.append("o.office_id = ?")
        params.append(office_id)
    return db.query(f"""SELECT p.*, o.name AS org_name FROM plaque p JOIN org o ON o.id = p.org_id
                        WHERE {' AND '.join(where)} ORDER BY p.family, o.sort_order""", params)


def history(db: Database, *, office_id: str | None = None, org_id: str | None = None) -> list:
    """Every plaque ever hung, with when and why it was taken down."""
    where, params = ["1"], []
    if org_id:
        where.append("p.org_id = ?")
        params.append(org_id)
    elif office_id:
        where.append("o.office_id = ?")
        params.append(office_id)
    return db.query(f"""SELECT p.*, o.name AS org_name FROM plaque p JOIN org o ON o.id = p.org_id
                        WHERE {' AND '.join(where)} ORDER BY o.sort_order, p.hung_on, p.rowid""", params)


def hang(db: Database, org_id: str, *, title: str, family: str, hung_on: str, year: int | None = None,
         round_id: str | None = None, note: str = "", actor: str | None = None) -> str:
    """挂牌: a branch gets a plaque (one of a family at a time)."""
    org = branch_row(db, org_id)
    day = check_day(hung_on, "挂牌日期")
    if not text(title) or not text(family):
        raise UserError("请填写牌匾名称。")
    if db.scalar("SELECT 1 FROM plaque WHERE org_id = ? AND family = ? AND removed_on IS NULL", (org_id, family)):
        raise UserError(f"{org['name']}已挂有“{family}”类牌匾，请先摘牌。")
    with db.transaction(f"挂牌 {org['name']} {title}", actor=actor) as tx:
        return tx.insert("plaque", {"org_id": org_id, "title": text(title), "family": text(family),
                                    "round_id": round_id, "year": year, "hung_on": day, "note": text(note),
                                    "owner": owner_of(db, org_id=org_id)})


def take_down(db: Database, plaque_id: str, *, removed_on: str, reason: str, actor: str | None = None) -> None:
    """摘牌 with the day and the reason (a revocation, a lower rating, a veto)."""
    row = db.get("plaque", plaque_id)
    if row is None:
        raise UserError("这块牌匾的记录已不存在。")
    if row["removed_on"]:
        raise UserError(f"这块牌匾已于{dates.format_cn(row['removed_on'])}摘牌。")
    day = check_day(removed_on, "摘牌日期")
    if day < row["hung_on"]:
        raise UserError("摘牌日期不能早于挂牌日期。")
    if not text(reason):
        raise UserError("摘牌须写明原因。")
    org = db.get("org", row["org_id"])
    with db.transaction(f"摘牌 {org['name']} {row['title']}：{text(reason)}", actor=actor) as tx:
        tx.update("plaque", plaque_id, {"removed_on": day, "removed_reason": text(reason)})


@dataclass
class PlaqueChanges:
    hung: list[tuple[str, str]] = field(default_factory=list)  # (branch, title)
    removed: list[tuple[str, str, str]] = field(default_factory=list)  # (branch, title, reason)
    kept: int = 0
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"hung": [{"branch": b, "title": t} for b, t in self.hung],
                "removed": [{"branch": b, "title": t, "reason": r} for b, t, r in self.removed],
                "kept": self.kept, "skipped": self.skipped}


def _title_for(rule: dict, b) -> str | None:
    if b.vetoed:
        return None
    if rule["by"] == "award":
        return rule["title"] if b.award else None
    if rule["by"] == "stars":
        return rule["titles"].get(str(b.stars)) if b.stars is not None else None
    return None


def update_from_round(db: Database, round_id: str, *, actor: str | None = None) -> PlaqueChanges:
    """Hang and take down plaques from a round's confirmed results (branches not yet confirmed are
    left as they are). Running it again changes nothing."""
    from ..assessment.results import rate_round
    from ..assessment.rounds import get_round

    rnd = get_round(db, round_id)
    rule = next((r for r in rules() if r["scheme"] == rnd.scheme_id), None)
    changes = PlaqueChanges()
    if rule is None:
        changes.skipped.append(f"评分方案“{rnd.scheme.name}”不挂牌")
        return changes
    family = rule["family"]
    rating = rate_round(db, round_id)
    confirmed_on = {r["id"]: r["state_since"] for r in db.query(
        "SELECT id, state_since FROM round_branch WHERE round_id = ? AND state = '确定'", (round_id,))}
    with db.transaction(f"按{rnd.year}年度考核结果更新挂牌（{rnd.scheme.name}）", actor=actor) as tx:
        for b in rating.branches:
            if b.sheet_id not in confirmed_on or db.get("org", b.org_id) is None:
                continue
            day = (confirmed_on[b.sheet_id] or dates.today().isoformat())[:10]
            title = _title_for(rule, b)
            now = db.one("SELECT * FROM plaque WHERE org_id = ? AND family = ? AND removed_on IS NULL",
                         (b.org_id, family))
            later = db.scalar("""SELECT max(r.year) FROM round_branch x JOIN assessment_round r ON r.id = x.round_id
                                 WHERE x.org_id = ? AND x.state = '确定' AND r.scheme_id = ? AND r.year > ?""",
                              (b.org_id, rnd.scheme_id, rnd.year))
            if now is not None and now["year"] is not None and now["year"] > rnd.year:
                later = max(later or 0, now["year"])
            if later:
                changes.skipped.append(f"{b.org_name}：已有{later}年度的确定结果，不按更早的结果改动挂牌")
                continue
            if now is not None and now["title"] == title:
                changes.kept += 1
                continue
            if now is not None:
                if b.vetoed:
                    why = f"{rnd.year}年度考核触发否决项：" + "；".join(b.veto_facts or b.vetoes)
                else:
                    why = f"{rnd.year}年度评定为“{b.rating or '—'}”" + (f"，改挂“{title}”" if title else "")
                tx.update("plaque", now["id"], {"removed_on": max(day, now["hung_on"]), "removed_reason": why})
                changes.removed.append((b.org_name, now["title"], why))
            if title:
                tx.insert("plaque", {"org_id": b.org_id, "title": title, "family": family, "round_id": round_id,
                                     "year": rnd.year, "hung_on": day, "owner": owner_of(db, org_id=b.org_id),
                                     "note": f"{rnd.year}年度{rnd.scheme.name}评定结果"})
                changes.hung.append((b.org_name, title))
    return changes


def revoke(db: Database, org_id: str, *, family: str, removed_on: str | dt.date, reason: str,
           actor: str | None = None) -> None:
    """Revoke (摘牌) a branch's plaque of a family, e.g. 六有 after a mass petition or a cadre's
    violation of discipline (seed 000)."""
    org = branch_row(db, org_id)
    row = db.one("SELECT id FROM plaque WHERE org_id = ? AND family = ? AND removed_on IS NULL", (org_id, family))
    if row is None:
        raise UserError(f"{org['name']}没有挂着“{family}”类牌匾。")
    take_down(db, row["id"], removed_on=removed_on.isoformat() if isinstance(removed_on, dt.date) else removed_on,
              reason=reason, actor=actor)
