"""Plaques from confirmed results (挂牌/摘牌 in the 星级党组织信息库, seeds 000 and 004): a round's
confirmed branches are rated (results.rate_round) and the plaques of the scheme's family hung or
taken down in the plaques ledger (ledgers.plaques). Which scheme hangs which plaque is data
(resources/ledgers/targets.json): by the award (六有党支部) or by stars (五星/四星级服务型党组织;
三星 and below are rated but not plaqued).

A branch that qualifies gets its plaque, or the new title in place of the old one; one that no
longer does has it taken down with the year's result as the reason, a vetoed one with the veto's
fact. Running it again changes nothing, and an older round never undoes what a newer confirmed
result set. `populate` is the demo's step (after the demo's rounds and ledgers).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from .. import dates
from ..db import Database
from ..ledgers.common import owner_of
from ..ledgers.plaques import rules as plaque_rules
from .results import rate_round
from .rounds import get_round


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
    rnd = get_round(db, round_id)
    rule = next((r for r in plaque_rules() if r["scheme"] == rnd.scheme_id), None)
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


def populate(db: Database, rng: random.Random, today: dt.date) -> dict[str, int]:
    """The demo's plaques: every confirmed round of a plaqued scheme, oldest first."""
    schemes = [r["scheme"] for r in plaque_rules()]
    n = 0
    for r in db.query(f"""SELECT id FROM assessment_round WHERE scheme_id IN ({','.join('?' * len(schemes))})
                          AND EXISTS (SELECT 1 FROM round_branch b WHERE b.round_id = assessment_round.id
                                      AND b.state = '确定') ORDER BY year""", schemes):
        n += len(update_from_round(db, r["id"], actor="演示数据").hung)
    return {"plaques": n}
