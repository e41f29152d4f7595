"""Plaques (挂牌/摘牌, seeds 000 and 004): which branches hold a plaque (六有党支部, 五星/四星级服务型
党组织), since when, and when and why one was taken down — the 星级党组织信息库 kept up to date
yearly from confirmed results and from revocations.

Which scheme hangs which plaque is data (resources/ledgers/targets.json, "plaques"): by the
scheme's award (六有: only branches named 六有党支部) or by stars (创星晋位: 五星 and 四星 are
plaqued, 三星 and below rated but not plaqued). assessment.plaque_results reads a round's
confirmed results and hangs or takes down plaques here; `take_down` and `revoke` record a
revocation (摘牌) with its day and reason.
"""

from __future__ import annotations

import datetime as dt

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
