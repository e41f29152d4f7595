"""The workflow of a sheet: 自评 → 初审 → 审核 → 公示 → 确定, with 申诉 during the appeal window.

Every change records who and when (round_history). States cannot be skipped. An appeal
(申诉) can be lodged only within the appeal window: `appeal_days` (15) working days counted
from the first day of publicity. A sheet is confirmed (确定) only after the window has closed
with no open appeal. Once confirmed, scores are locked; a correction is an adjustment
(调整) with a reason, who and when, shown in the history.

Gates (gates.py): 公示 and 确定 wait for the reviewer to decide every veto the data proposes;
确定 also waits for a quota decision where more qualify than a cap allows, and for the holiday
table (or a confirmed Monday–Friday) of every year the appeal deadline depends on.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Iterable

from .. import dates
from ..db import Database
from ..errors import LockedError, UserError
from ..schemes.model import fmt_num
from .rounds import STATES, actor_name
from .sheets import STAGE_COLUMNS, _sheet_row, _units, held_by, parse_score
from .stage_owner import follow_stage
from .workdays import CalendarUnconfirmedError, calendar, calendar_advice, unconfirmed_note

# Forward steps (推进) and steps back (退回) a sheet may take.
FORWARD = {"自评": "初审", "初审": "审核", "审核": "公示", "公示": "确定", "申诉": None, "确定": None}
BACK = {"初审": "自评", "审核": "初审", "公示": "审核"}
ACTION_LABELS = {
    ("自评", "初审"): "提交初审",
    ("初审", "审核"): "提交审核",
    ("审核", "公示"): "开始公示",
    ("公示", "申诉"): "登记申诉",
    ("申诉", "公示"): "申诉处理完毕",
    ("公示", "确定"): "确定结果",
    ("初审", "自评"): "退回自评",
    ("审核", "初审"): "退回初审",
    ("公示", "审核"): "撤回公示",
}


@dataclass
class HistoryEntry:
    """One line of a sheet's history: a state change, an appeal or an adjustment."""

    at: str  # timestamp (ISO)
    on_date: str  # the business date (ISO day)
    actor: str
    what: str  # 'state' | 'appeal' | 'decision' | 'adjustment'
    text: str  # Chinese description, e.g. "自评 → 初审（提交初审）"
    from_state: str | None = None
    to_state: str | None = None
    note: str = ""


@dataclass
class Appeal:
    """申诉."""

    id: str
    sheet_id: str
    lodged_on: str
    lodged_by: str
    reason: str
    material: str
    recorded_by: str
    decision: str | None
    outcome: str | None  # 维持 | 调整 | None (open)
    decided_on: str | None
    decided_by: str | None

    @property
    def open(self) -> bool:
        return self.outcome is None


@dataclass
class Adjustment:
    """A correction after 确定."""

    id: str
    sheet_id: str
    target: str  # 'score' | 'veto'
    code: str
    old_value: str | None
    new_value: str | None
    reason: str
    actor: str
    at: str


@dataclass
class Window:
    """The publicity / appeal window of a sheet."""

    start: dt.date
    end: dt.date  # last day an appeal may be lodged
    days: int  # working days
    unconfirmed: tuple[int, ...] = ()  # years counted Monday–Friday without a holiday table

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def confirmed(self) -> bool:
        return not self.unconfirmed

    def end_text(self) -> str:
        """The last day, marked when it rests on a year without a holiday table."""
        text = dates.format_cn(self.end)
        if self.unconfirmed:
            text += f"（{unconfirmed_note(self.unconfirmed)}，暂按周一至周五推算）"
        return text

    def to_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "working_days": self.days,
                "confirmed": self.confirmed, "unconfirmed_years": list(self.unconfirmed)}


def window_from(cal, start: dt.date, days: int) -> Window:
    end = cal.window_end(start, days)
    return Window(start, end, days, tuple(cal.unknown_years(start, end)))


def _day(value: dt.date | str | None, what: str = "日期") -> dt.date:
    if value is None:
        return dates.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dates.parse_iso(value)
    except ValueError:
        raise UserError(f"{what}“{value}”无效，应为 2026-03-01 这样的格式。") from None


def _window_for(db: Database, row) -> Window | None:
    if not row["publicity_start"]:
        return None
    days = db.scalar("SELECT appeal_days FROM assessment_round WHERE id = ?", (row["round_id"],))
    return window_from(calendar(db), dates.parse_iso(row["publicity_start"]), days)


def appeal_window(db: Database, sheet_id: str) -> Window | None:
    """The window of a sheet in publicity (None before 公示)."""
    return _window_for(db, _sheet_row(db, sheet_id))


def round_window(db: Database, rnd) -> Window | None:
    """The window counted from the round's own publicity date (None when the round has none)."""
    if not rnd.publicity_start:
        return None
    return window_from(calendar(db), dates.parse_iso(rnd.publicity_start), rnd.appeal_days)


def _open_appeals(db: Database, sheet_id: str) -> int:
    return db.scalar("SELECT count(*) FROM round_appeal WHERE round_branch_id = ? AND outcome IS NULL",
                     (sheet_id,))


def allowed_moves(db: Database, sheet_id: str, *, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(target state, Chinese action label) the sheet may move to now, for the GUI's buttons.

    Includes steps back (退回). 申诉 is offered only inside the window (and after an end that rests on
    a year without a holiday table: lodging then asks for the year's table first); 确定 only after it.
    """
    row = _sheet_row(db, sheet_id)
    day = _day(today)
    state = row["state"]
    out: list[str] = []
    if held_by(db, row):  # another office's stage (stage_owner.py): nothing to do here
        return []
    if state in ("自评", "初审", "审核"):
        out.append(FORWARD[state])
    elif state == "公示":
        win = _window_for(db, row)
        if win is not None and win.start <= day and (day <= win.end or win.unconfirmed):
            out.append("申诉")
        if win is not None and day > win.end and not _open_appeals(db, sheet_id):
            out.append("确定")
    elif state == "申诉":
        out.append("公示")
    if state in BACK:
        out.append(BACK[state])
    return [(t, ACTION_LABELS[(state, t)]) for t in out]


def _missing_stage(db: Database, row, stage: str) -> list[str]:
    units = _units(db, row)
    have = {r[0] for r in db.query(f"SELECT item_code FROM round_score WHERE round_branch_id = ? "
                                   f"AND {STAGE_COLUMNS[stage]} IS NOT NULL", (row["id"],))}
    return [code for code in units if code not in have]


_STAGE_FOR_LEAVING = {"自评": "self", "初审": "initial", "审核": "final"}


def _check_complete(db: Database, row) -> None:
    stage = _STAGE_FOR_LEAVING[row["state"]]
    missing = _missing_stage(db, row, stage)
    from .sheets import STAGE_LABELS

    if missing:
        shown = "、".join(missing[:8]) + ("等" if len(missing) > 8 else "")
        raise UserError(f"“{row['org_name']}”还有 {len(missing)} 项{STAGE_LABELS[stage]}未填（{shown}），"
                        f"填完后才能进入下一环节。")
    if row["state"] == "审核":
        scheme_kind = db.scalar("SELECT json_extract(scheme_json, '$.rating.kind') FROM assessment_round "
                                "WHERE id = ?", (row["round_id"],))
        if scheme_kind == "classification" and not row["classification"]:
            raise UserError(f"“{row['org_name']}”还没有评定类别，不能公示。")


def _record(tx, db: Database, row, to_state: str, who: str, day: dt.date, note: str, extra: dict | None = None,
            business_time: bool = False) -> None:
    since = day.isoformat() if business_time else tx.now
    tx.update("round_branch", row["id"], {"state": to_state, "state_since": since, **(extra or {})})
    tx.insert("round_history", {"round_id": row["round_id"], "round_branch_id": row["id"],
                                "from_state": row["state"], "to_state": to_state, "actor": who, "at": tx.now,
                                "on_date": day.isoformat(), "note": note})
    follow_stage(db, tx, row["id"], to_state)  # 提交审核 / 退回初审 of a county round change hands


def _move_one(db: Database, tx, sheet_id: str, to_state: str, *, note: str, who: str, day: dt.date,
              business_time: bool, gates=None) -> None:
    from .gates import Gates

    gates = gates or Gates(db, day)
    row = _sheet_row(db, sheet_id)
    state = row["state"]
    if state == "确定":
        raise LockedError(f"“{row['org_name']}”的考核结果已确定，不能再改变环节。")
    if to_state not in STATES:
        raise UserError(f"环节“{to_state}”不存在（可选：{'、'.join(STATES)}）。")
    if to_state == state:
        raise UserError(f"“{row['org_name']}”已处于“{state}”环节。")
    if to_state == "申诉":
        raise UserError("登记申诉须写明申诉人和理由，请使用“登记申诉”。")
    if to_state == FORWARD.get(state) and to_state != "确定":
        _check_complete(db, row)
        if to_state == "公示":
            if day.year < row["year"]:  # a year's work is published in that year or after: a typing slip
                raise UserError(f"公示开始日期{dates.format_cn(day)}早于考核年度 {row['year']} 年，请核对日期。")
            gates.before_publicity(row)
        extra = {}
        if to_state == "公示":
            extra["publicity_start"] = day.isoformat()
        _record(tx, db, row, to_state, who, day, note or ACTION_LABELS[(state, to_state)], extra, business_time)
        if to_state == "公示":
            rnd = db.get("assessment_round", row["round_id"])
            if not rnd["publicity_start"]:
                tx.update("assessment_round", row["round_id"], {"publicity_start": day.isoformat()})
        return
    if to_state == "确定" and state == "公示":
        win = _window_for(db, row)
        gates.before_confirm(row, win)
        if win is not None and day <= win.end:
            raise UserError(f"“{row['org_name']}”的申诉期到 {win.end_text()} 为止"
                            f"（{win.days} 个工作日），期满后才能确定结果。")
        if _open_appeals(db, sheet_id):
            raise UserError(f"“{row['org_name']}”有未处理的申诉，处理后才能确定结果。")
        _record(tx, db, row, "确定", who, day, note or "确定结果", None, business_time)
        return
    if state == "申诉" and to_state == "公示":
        if _open_appeals(db, sheet_id):
            raise UserError(f"“{row['org_name']}”的申诉尚未处理，请填写处理结果（维持或调整）。")
        _record(tx, db, row, "公示", who, day, note or "申诉处理完毕", None, business_time)
        return
    if BACK.get(state) == to_state:
        if not (note or "").strip():
            raise UserError("退回时请写明原因。")
        extra = {"publicity_start": None} if state == "公示" else {}
        if state == "公示" and db.scalar("SELECT count(*) FROM round_appeal WHERE round_branch_id = ?", (sheet_id,)):
            raise UserError(f"“{row['org_name']}”已有申诉记录，不能撤回公示。")
        _record(tx, db, row, to_state, who, day, note, extra, business_time)
        return
    if STATES.index(to_state) > STATES.index(state):
        raise UserError(f"“{row['org_name']}”现处于“{state}”环节，不能跳过中间环节直接进入“{to_state}”。")
    raise UserError(f"“{row['org_name']}”不能从“{state}”退回到“{to_state}”（每次只能退回一个环节）。")


def move(db: Database, sheet_id: str, to_state: str, *, note: str = "", actor: str | None = None,
         today: dt.date | None = None) -> None:
    """Move one sheet to `to_state` (the next state, or one step back), recording who and when.

    Forward moves need the scores of the stage being left to be complete. Going back needs a
    note (the reason). 确定 only after the appeal window with no open appeal; 申诉 through
    `lodge_appeal`. Raises UserError for a skipped state or a move the rules forbid,
    LockedError for a confirmed sheet.
    """
    move_many(db, [sheet_id], to_state, note=note, actor=actor, today=today)


def move_many(db: Database, sheet_ids: Iterable[str], to_state: str, *, note: str = "",
              actor: str | None = None, today: dt.date | None = None) -> int:
    """Move several sheets in one unit of work (all or nothing); returns how many moved."""
    ids = list(dict.fromkeys(sheet_ids))
    if not ids:
        return 0
    from .gates import Gates

    who = actor_name(db, actor)
    day = _day(today)
    gates = Gates(db, day)
    with db.transaction(f"考核环节：{to_state}（{len(ids)}个党组织）", actor=actor) as tx:
        for sid in ids:
            _move_one(db, tx, sid, to_state, note=note, who=who, day=day, business_time=today is not None,
                      gates=gates)
    return len(ids)


def start_publicity(db: Database, round_id: str, start: dt.date | str | None = None, *,
                    sheet_ids: Iterable[str] | None = None, actor: str | None = None) -> Window:
    """Move every sheet in 审核 (or the given ones) to 公示 starting on `start` (default today).

    Sets the round's publicity start when it has none. Returns the window.
    """
    day = _day(start, "公示开始日期")
    if sheet_ids is None:
        ids = [r[0] for r in db.query("SELECT id FROM round_branch WHERE round_id = ? AND state = '审核' "
                                      "ORDER BY sort_order", (round_id,))]
        if not ids:
            raise UserError("没有处于“审核”环节的党组织可以公示。")
    else:
        ids = list(sheet_ids)
    move_many(db, ids, "公示", actor=actor, today=day)
    days = db.scalar("SELECT appeal_days FROM assessment_round WHERE id = ?", (round_id,))
    return window_from(calendar(db), day, days)


def lodge_appeal(db: Database, sheet_id: str, *, lodged_by: str, reason: str, material: str = "",
                 lodged_on: dt.date | str | None = None, actor: str | None = None) -> str:
    """申诉: record an objection within the window; the sheet moves 公示 → 申诉. Returns the appeal id.

    Raises UserError outside the window (naming its last day) or when the sheet is not in 公示.
    """
    row = _sheet_row(db, sheet_id)
    if row["state"] == "确定":
        raise LockedError(f"“{row['org_name']}”的考核结果已确定，不能再申诉。")
    if row["state"] != "公示":
        raise UserError(f"“{row['org_name']}”现处于“{row['state']}”环节，只有公示期间才能登记申诉。")
    day = _day(lodged_on, "申诉日期")
    win = _window_for(db, row)
    if win is not None and day > win.end and win.unconfirmed:
        # Late only by a count that treats 元旦 and the like as working days: nobody knows yet.
        years = "、".join(str(y) for y in win.unconfirmed)
        raise CalendarUnconfirmedError(
            win.unconfirmed,
            f"“{row['org_name']}”的申诉期截止日 {win.end_text()}：{dates.format_cn(day)}是否还在申诉期内，"
            f"要看 {years} 年的放假安排。" + calendar_advice(win.unconfirmed, "登记申诉"))
    if win is None or not win.contains(day):
        raise UserError(f"申诉须在公示开始后 {win.days if win else 15} 个工作日内提出"
                        + (f"（{dates.format_cn(win.start)}至{win.end_text()}）" if win else "")
                        + f"，{dates.format_cn(day)}不在申诉期内。")
    lodged_by = (lodged_by or "").strip() or row["org_name"]
    reason = (reason or "").strip()
    if not reason:
        raise UserError("请填写申诉理由。")
    who = actor_name(db, actor)
    with db.transaction(f"登记申诉 {row['org_name']}", actor=actor) as tx:
        appeal_id = tx.insert("round_appeal", {
            "round_branch_id": sheet_id, "lodged_on": day.isoformat(), "lodged_by": lodged_by, "reason": reason,
            "material": (material or "").strip(), "recorded_by": who})
        _record(tx, db, row, "申诉", who, day, f"{lodged_by}：{reason}", None, lodged_on is not None)
    return appeal_id


def resolve_appeal(db: Database, appeal_id: str, *, decision: str, outcome: str,
                   decided_on: dt.date | str | None = None, actor: str | None = None) -> None:
    """Decide an appeal: outcome 维持 (kept) or 调整 (scores were changed in 申诉 state, which
    allows the final stage). The sheet goes back to 公示."""
    ap = db.get("round_appeal", appeal_id)
    if ap is None:
        raise UserError("找不到这条申诉记录。")
    if ap["outcome"] is not None:
        raise UserError("这条申诉已经处理过了。")
    if outcome not in ("维持", "调整"):
        raise UserError("处理结果应为“维持”或“调整”。")
    decision = (decision or "").strip()
    if not decision:
        raise UserError("请填写申诉处理意见。")
    row = _sheet_row(db, ap["round_branch_id"])
    day = _day(decided_on, "处理日期")
    if day.isoformat() < ap["lodged_on"]:
        raise UserError("处理日期不能早于申诉日期。")
    if outcome == "维持" and _changed_since_lodged(db, row["id"], appeal_id):
        raise UserError(f"申诉期间已修改了“{row['org_name']}”的考核分、否决项或类别，处理结果应为“调整”。")
    who = actor_name(db, actor)
    with db.transaction(f"处理申诉 {row['org_name']}", actor=actor) as tx:
        tx.update("round_appeal", appeal_id, {"decision": decision, "outcome": outcome,
                                              "decided_on": day.isoformat(), "decided_by": who})
        if row["state"] == "申诉" and not _open_appeals(db, row["id"]):
            _record(tx, db, row, "公示", who, day, f"申诉处理：{outcome}。{decision}", None, decided_on is not None)


def _changed_since_lodged(db: Database, sheet_id: str, appeal_id: str) -> bool:
    """Whether the sheet's scores, vetoes or classification changed after the appeal was lodged
    (the change log's entries after the appeal's own, read from there on)."""
    seq = db.scalar("SELECT min(seq) FROM change_log WHERE tbl = 'round_appeal' AND row_id = ?", (appeal_id,))
    if seq is None:
        return False
    parts = {t: {r[0] for r in db.query(f"SELECT id FROM {t} WHERE round_branch_id = ?", (sheet_id,))}
             for t in ("round_score", "round_veto")}
    for r in db.query("SELECT tbl, row_id, op, old FROM change_log WHERE seq > ? "
                      "AND tbl IN ('round_score', 'round_veto', 'round_branch')", (seq,)):
        old = json.loads(r["old"]) if r["old"] else {}
        if r["tbl"] == "round_branch":
            if r["row_id"] == sheet_id and r["op"] == "update" and "classification" in old:
                return True
        elif r["row_id"] in parts[r["tbl"]] or old.get("round_branch_id") == sheet_id:
            return True
    return False


def confirm(db: Database, sheet_id: str, *, today: dt.date | None = None, actor: str | None = None,
            note: str = "") -> None:
    """确定: lock the sheet. Only from 公示, after the appeal window has closed, with no open appeal."""
    row = _sheet_row(db, sheet_id)
    if row["state"] == "确定":
        raise LockedError(f"“{row['org_name']}”的考核结果已确定。")
    if row["state"] != "公示":
        raise UserError(f"“{row['org_name']}”现处于“{row['state']}”环节，公示期满后才能确定结果。")
    move(db, sheet_id, "确定", note=note, actor=actor, today=today)


def ready_to_confirm(db: Database, sheet_ids: Iterable[str], *, today: dt.date | None = None) -> list[str]:
    """Those of the sheets that may be confirmed now: in 公示, the window closed, no open appeal."""
    day = _day(today)
    return [sid for sid in dict.fromkeys(sheet_ids)
            if any(t == "确定" for t, _ in allowed_moves(db, sid, today=day))]


def confirm_many(db: Database, sheet_ids: Iterable[str], *, today: dt.date | None = None,
                 actor: str | None = None) -> int:
    """确定 the sheets that are ready (ready_to_confirm) in one unit of work, all or nothing;
    returns how many. UserError when none of them is ready; CalendarUnconfirmedError (naming the
    years) when a window ends in a year whose holidays were never entered or confirmed."""
    ready = ready_to_confirm(db, sheet_ids, today=today)
    if not ready:
        raise UserError("所选党组织的申诉期都还没有结束（或有待处理的申诉），暂不能确定结果。")
    with db.transaction("批量确定考核结果", actor=actor):
        for sid in ready:
            confirm(db, sid, today=today, actor=actor)
    return len(ready)


def confirm_round(db: Database, round_id: str, *, today: dt.date | None = None,
                  actor: str | None = None) -> int:
    """Confirm every sheet of the round in 公示 whose window has closed; returns how many."""
    day = _day(today)
    ready = []
    for r in db.query("SELECT id FROM round_branch WHERE round_id = ? AND state = '公示'", (round_id,)):
        if ("确定", ACTION_LABELS[("公示", "确定")]) in allowed_moves(db, r[0], today=day):
            ready.append(r[0])
    if not ready:
        return 0
    return move_many(db, ready, "确定", actor=actor, today=today)


def _appeal(r) -> Appeal:
    return Appeal(r["id"], r["round_branch_id"], r["lodged_on"], r["lodged_by"], r["reason"], r["material"],
                  r["recorded_by"], r["decision"], r["outcome"], r["decided_on"], r["decided_by"])


def appeals(db: Database, sheet_id: str) -> list[Appeal]:
    return [_appeal(r) for r in db.query("SELECT * FROM round_appeal WHERE round_branch_id = ? "
                                         "ORDER BY lodged_on, rowid", (sheet_id,))]


def _require_confirmed(db: Database, sheet_id: str):
    row = _sheet_row(db, sheet_id)
    if row["state"] != "确定":
        raise UserError(f"“{row['org_name']}”的结果尚未确定，请直接修改分数（调整只用于确定后的更正）。")
    return row


def adjust_score(db: Database, sheet_id: str, item_code: str, new_value, *, reason: str,
                 actor: str | None = None) -> str:
    """Correct the final score (考核分) of a confirmed sheet: records old, new, reason, who, when.

    Only for sheets in 确定 (before that, enter the score normally). Reason is required.
    Returns the adjustment id.
    """
    row = _require_confirmed(db, sheet_id)
    reason = (reason or "").strip()
    if not reason:
        raise UserError("调整已确定的分数必须填写原因。")
    unit = _units(db, row).get(item_code)
    if unit is None:
        raise UserError(f"编号“{item_code}”不是本考核表的细项。")
    value = parse_score(new_value, unit.max, title=f"{unit.code} {unit.title}", kind=unit.kind)
    if value is None:
        raise UserError("调整后的分数不能为空。")
    old = db.one("SELECT id, final_score FROM round_score WHERE round_branch_id = ? AND item_code = ?",
                 (sheet_id, item_code))
    old_value = None if old is None or old["final_score"] is None else fmt_num(old["final_score"])
    if old_value == fmt_num(value):
        raise UserError(f"{unit.code} 的考核分已经是 {fmt_num(value)} 分，无需调整。")
    who = actor_name(db, actor)
    with db.transaction(f"调整已确定的分数 {row['org_name']} {item_code}", actor=actor) as tx:
        if old is None:
            tx.insert("round_score", {"round_branch_id": sheet_id, "item_code": item_code, "final_score": value})
        else:
            tx.update("round_score", old["id"], {"final_score": value})
        return tx.insert("round_adjustment", {
            "round_branch_id": sheet_id, "target": "score", "code": item_code, "old_value": old_value,
            "new_value": fmt_num(value), "reason": reason, "actor": who, "at": tx.now})


def adjust_veto(db: Database, sheet_id: str, code: str, *, triggered: bool, fact: str = "", reason: str,
                actor: str | None = None) -> str:
    """Correct a veto of a confirmed sheet (add with its fact, or remove), recorded like adjust_score."""
    from .rounds import _scheme_from_json

    row = _require_confirmed(db, sheet_id)
    reason = (reason or "").strip()
    if not reason:
        raise UserError("调整已确定的否决项必须填写原因。")
    veto = _scheme_from_json(row["scheme_json"]).veto(code)
    if veto is None:
        raise UserError(f"否决项编号“{code}”不在本方案中。")
    old = db.one("SELECT id, fact FROM round_veto WHERE round_branch_id = ? AND code = ?", (sheet_id, code))
    fact = (fact or "").strip()
    if triggered and not fact:
        raise UserError(f"请写明触发否决项“{veto.title}”的事实。")
    if bool(old) == triggered and (not triggered or old["fact"] == fact):
        raise UserError("否决项没有变化，无需调整。")
    who = actor_name(db, actor)
    with db.transaction(f"调整已确定的否决项 {row['org_name']} {code}", actor=actor) as tx:
        if old is not None:
            tx.delete("round_veto", old["id"])
        if triggered:
            tx.insert("round_veto", {"round_branch_id": sheet_id, "code": code, "fact": fact})
        return tx.insert("round_adjustment", {
            "round_branch_id": sheet_id, "target": "veto", "code": code,
            "old_value": f"触发：{old['fact']}" if old else "未触发",
            "new_value": f"触发：{fact}" if triggered else "未触发", "reason": reason, "actor": who, "at": tx.now})


def adjustments(db: Database, sheet_id: str) -> list[Adjustment]:
    return [Adjustment(r["id"], r["round_branch_id"], r["target"], r["code"], r["old_value"], r["new_value"],
                       r["reason"], r["actor"], r["at"])
            for r in db.query("SELECT * FROM round_adjustment WHERE round_branch_id = ? ORDER BY at, rowid",
                              (sheet_id,))]


def history(db: Database, sheet_id: str) -> list[HistoryEntry]:
    """State changes, appeals, decisions and adjustments of a sheet, oldest first."""
    out: list[HistoryEntry] = []
    for r in db.query("SELECT * FROM round_history WHERE round_branch_id = ? ORDER BY at, rowid", (sheet_id,)):
        if r["from_state"] is None:
            text = f"建立考核表（{r['to_state']}）"
        else:
            label = ACTION_LABELS.get((r["from_state"], r["to_state"]), "")
            text = f"{r['from_state']} → {r['to_state']}" + (f"（{label}）" if label else "")
        out.append(HistoryEntry(r["at"], r["on_date"], r["actor"], "state", text, r["from_state"], r["to_state"],
                                r["note"]))

    def put_before(entry: HistoryEntry, match) -> None:
        # Next to the state change it caused, recorded at the same time (the appeal row's updated_at
        # is its last change: a decided appeal's lodging would show the decision's time); at the
        # end when there is none.
        for n, e in enumerate(out):
            if e.what == "state" and match(e):
                entry.at = e.at
                out.insert(n, entry)
                return
        out.append(entry)

    for a in appeals(db, sheet_id):
        row = db.get("round_appeal", a.id)
        put_before(HistoryEntry(row["updated_at"], a.lodged_on, a.recorded_by, "appeal",
                                f"{a.lodged_by}提出申诉：{a.reason}", note=a.material),
                   lambda e, a=a: e.to_state == "申诉" and e.on_date == a.lodged_on)
        if a.outcome:
            put_before(HistoryEntry(row["updated_at"], a.decided_on, a.decided_by or "", "decision",
                                    f"申诉处理结果：{a.outcome}。{a.decision}"),
                       lambda e, a=a: e.from_state == "申诉" and e.on_date == a.decided_on)
    for adj in adjustments(db, sheet_id):
        what = "考核分" if adj.target == "score" else "否决项"
        out.append(HistoryEntry(adj.at, adj.at[:10], adj.actor, "adjustment",
                                f"调整{what} {adj.code}：{adj.old_value or '（空）'} → {adj.new_value or '（空）'}",
                                note=adj.reason))
    return out
