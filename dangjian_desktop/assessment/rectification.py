"""The rectification ledger (整改台账): problem, measure, responsible person, deadline, status,
closing (销号) with date and evidence; overdue items warned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import dates
from ..db import Database
from ..errors import UserError

STATUSES = ("未整改", "整改中", "已销号")
OPEN_STATUSES = ("未整改", "整改中")


@dataclass
class Rectification:
    id: str
    org_id: str
    org_name: str
    town: str
    round_id: str | None
    problem: str
    measure: str
    responsible: str
    deadline: str
    status: str
    closed_on: str | None
    close_note: str
    created_on: str
    evidence_count: int
    rev: int
    overdue: bool = False  # open and past its deadline (as of the day asked)

    @property
    def closed(self) -> bool:
        return self.status == "已销号"

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("id", "org_id", "org_name", "town", "round_id", "problem", "measure",
                                              "responsible", "deadline", "status", "closed_on", "close_note",
                                              "created_on", "evidence_count", "overdue")}


def _date(value, what: str, required: bool = True) -> str | None:
    if value in (None, ""):
        if required:
            raise UserError(f"请填写{what}。")
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if not dates.is_iso_date(str(value)):
        raise UserError(f"{what}“{value}”无效，应为 2026-03-01 这样的格式。")
    return str(value)


def add_rectification(db: Database, *, org_id: str, problem: str, deadline: str, measure: str = "",
                      responsible: str = "", round_id: str | None = None, actor: str | None = None,
                      today: dt.date | None = None) -> str:
    """Add a ledger entry; problem and deadline are required. Returns its id."""
    org = db.get("org", org_id)
    if org is None:
        raise UserError("找不到该党组织。")
    problem = (problem or "").strip()
    if not problem:
        raise UserError("请填写存在的问题。")
    deadline = _date(deadline, "整改期限")
    created = (today or dates.today()).isoformat()
    if deadline < created:
        raise UserError(f"整改期限（{dates.format_cn(deadline)}）不能早于登记日期（{dates.format_cn(created)}）。")
    if round_id is not None and db.get("assessment_round", round_id) is None:
        raise UserError("找不到该考核轮次。")
    with db.transaction(f"整改台账：{org['name']}", actor=actor) as tx:
        return tx.insert("rectification", {
            "org_id": org_id, "round_id": round_id, "problem": problem, "measure": (measure or "").strip(),
            "responsible": (responsible or "").strip(), "deadline": deadline, "status": "未整改",
            "created_on": created, "close_note": ""})


def _get(db: Database, rect_id: str):
    row = db.get("rectification", rect_id)
    if row is None:
        raise UserError("找不到这条整改记录。")
    return row


def update_rectification(db: Database, rect_id: str, *, problem: str | None = None, measure: str | None = None,
                         responsible: str | None = None, deadline: str | None = None, status: str | None = None,
                         expected_rev: int | None = None, actor: str | None = None) -> None:
    """Change an open entry (a closed one is refused: reopen it first)."""
    row = _get(db, rect_id)
    if row["status"] == "已销号":
        raise UserError("该问题已销号，不能修改；如需修改请先撤销销号。")
    values: dict = {}
    if problem is not None:
        if not problem.strip():
            raise UserError("请填写存在的问题。")
        values["problem"] = problem.strip()
    if measure is not None:
        values["measure"] = measure.strip()
    if responsible is not None:
        values["responsible"] = responsible.strip()
    if deadline is not None:
        values["deadline"] = _date(deadline, "整改期限")
        if values["deadline"] != row["deadline"] and values["deadline"] < row["created_on"]:  # as on adding
            raise UserError(f"整改期限（{dates.format_cn(values['deadline'])}）不能早于登记日期"
                            f"（{dates.format_cn(row['created_on'])}）。")
    if status is not None:
        if status not in OPEN_STATUSES:
            raise UserError("状态应为“未整改”或“整改中”；销号请使用“销号”。")
        values["status"] = status
    if not values:
        return
    with db.transaction("修改整改台账", actor=actor) as tx:
        tx.update("rectification", rect_id, values, expected_rev=expected_rev)


def close_rectification(db: Database, rect_id: str, *, closed_on: str, note: str = "",
                        evidence: list[str] | None = None, actor: str | None = None) -> None:
    """销号: close an entry with the date, a note and evidence files (paths), in one unit of work."""
    from ..attachments import prepare_file, store_attachment

    row = _get(db, rect_id)
    if row["status"] == "已销号":
        raise UserError("该问题已经销号。")
    closed_on = _date(closed_on, "销号日期")
    if closed_on < row["created_on"]:
        raise UserError("销号日期不能早于登记日期。")
    note = (note or "").strip()
    if not note and not evidence:
        raise UserError("销号须写明整改结果或附上佐证材料。")
    files = [prepare_file(p) for p in evidence or []]
    with db.transaction("整改销号", actor=actor) as tx:
        tx.update("rectification", rect_id, {"status": "已销号", "closed_on": closed_on, "close_note": note})
        for data, name, mime in files:
            att = store_attachment(tx, data, name, mime)
            tx.insert("round_evidence", {"attachment_id": att, "rectification_id": rect_id, "note": "销号佐证",
                                         "added_on": tx.now[:10]})


def reopen_rectification(db: Database, rect_id: str, *, actor: str | None = None) -> None:
    """Undo a closing (撤销销号): the entry is open again (整改中)."""
    row = _get(db, rect_id)
    if row["status"] != "已销号":
        raise UserError("该问题尚未销号。")
    with db.transaction("撤销销号", actor=actor) as tx:
        tx.update("rectification", rect_id, {"status": "整改中", "closed_on": None})


def list_rectifications(db: Database, *, round_id: str | None = None, org_id: str | None = None,
                        open_only: bool = False, today: dt.date | None = None) -> list[Rectification]:
    """Ledger entries (optionally of a round or a branch), overdue ones flagged; by deadline."""
    day = (today or dates.today()).isoformat()
    where, params = [], []
    if round_id is not None:
        where.append("r.round_id = ?")
        params.append(round_id)
    if org_id is not None:
        where.append("r.org_id = ?")
        params.append(org_id)
    if open_only:
        where.append("r.status != '已销号'")
    sql = f"""SELECT r.*, o.name AS org_name, f.name AS town,
                     (SELECT count(*) FROM round_evidence e WHERE e.rectification_id = r.id) AS n_evidence
              FROM rectification r JOIN org o ON o.id = r.org_id JOIN office f ON f.id = o.office_id
              {'WHERE ' + ' AND '.join(where) if where else ''}
              ORDER BY r.status = '已销号', r.deadline, f.name, o.name"""
    out = []
    for r in db.query(sql, params):
        out.append(Rectification(
            id=r["id"], org_id=r["org_id"], org_name=r["org_name"], town=r["town"], round_id=r["round_id"],
            problem=r["problem"], measure=r["measure"], responsible=r["responsible"], deadline=r["deadline"],
            status=r["status"], closed_on=r["closed_on"], close_note=r["close_note"], created_on=r["created_on"],
            evidence_count=r["n_evidence"], rev=r["rev"],
            overdue=r["status"] != "已销号" and r["deadline"] < day))
    return out


def overdue_rectifications(db: Database, *, today: dt.date | None = None,
                           round_id: str | None = None) -> list[Rectification]:
    return [r for r in list_rectifications(db, round_id=round_id, open_only=True, today=today) if r.overdue]
