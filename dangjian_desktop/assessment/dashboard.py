"""The round's dashboard (进度): where each branch stands, what is missing, what is overdue, and
the rating its scores give now — provisional (暂定) until the review is complete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import dates
from ..db import Database
from .rounds import ROUND_SHEETS_SQL, STATES, get_round
from .sheets import scheme_units
from .workdays import calendar


@dataclass
class DashboardRow:
    sheet_id: str
    org_id: str
    org_name: str
    town: str
    kind: str | None
    state: str
    state_since: str  # ISO timestamp of the last state change
    missing: list[str] = field(default_factory=list)  # Chinese notes: "3项自评分未填", "缺少自我评价报告" …
    overdue: list[str] = field(default_factory=list)  # Chinese notes: "自评已逾期（截止2025年11月30日）" …
    next_step: str = ""  # what should happen next, e.g. "待提交初审"
    open_appeal: bool = False
    window_end: str | None = None  # last day of the appeal window while in 公示/申诉
    window_unconfirmed: list[int] = field(default_factory=list)  # years the window end was guessed for
    rating: str | None = None  # the rating the scores give now (after quota decisions)
    stars: int | None = None
    provisional: bool = True  # review not complete (before 公示, or a 考核分 blank)
    veto_proposals: int = 0  # vetoes the registry proves, awaiting the reviewer
    quota_pending: list[str] = field(default_factory=list)  # capped titles awaiting a decision

    @property
    def rating_text(self) -> str:
        if not self.rating:
            return ""
        return self.rating + ("（暂定）" if self.provisional else "")

    @property
    def ok(self) -> bool:
        return not self.missing and not self.overdue


@dataclass
class Dashboard:
    round_id: str
    today: dt.date
    rows: list[DashboardRow]
    counts: dict[str, int]  # state -> number of sheets
    overdue_rectifications: int = 0

    @property
    def problems(self) -> int:
        return sum(1 for r in self.rows if not r.ok)


_STAGE_OF = {"自评": ("self_score", "自评分"), "初审": ("initial_score", "初评分"), "审核": ("final_score", "考核分")}
_DUE_OF = {"自评": ("self_due", "自评"), "初审": ("initial_due", "初审"), "审核": ("review_due", "审核")}
# Every character str.strip() takes for whitespace, for SQLite's trim().
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def dashboard(db: Database, round_id: str, *, today: dt.date | None = None) -> Dashboard:
    """Per branch: state, missing scores/report/reasons for the current stage, overdue deadlines."""
    day = today or dates.today()
    rnd = get_round(db, round_id)
    scheme = rnd.scheme
    units = {u.code: u for u in scheme_units(scheme)}
    cal = calendar(db)
    sheets = db.query(ROUND_SHEETS_SQL, (round_id,))
    scores: dict[str, dict[str, tuple]] = {r["id"]: {} for r in sheets}
    score_rows = db.query("""SELECT s.round_branch_id, s.item_code, s.self_score, s.initial_score, s.final_score,
                                    s.reason FROM round_score s JOIN round_branch b ON b.id = s.round_branch_id
                             WHERE b.round_id = ?""", (round_id,))
    for r in score_rows:
        scores[r[0]][r[1]] = r
    # Sheets whose report has some text (blank: str.strip()'s whitespace only), without reading the texts.
    reports = {r[0] for r in db.query("""SELECT p.round_branch_id FROM round_self_report p
                                         JOIN round_branch b ON b.id = p.round_branch_id
                                         WHERE b.round_id = :r AND (trim(ifnull(p.situation, ''), :ws) != ''
                                               OR trim(ifnull(p.problems, ''), :ws) != ''
                                               OR trim(ifnull(p.measures, ''), :ws) != '')""",
                                      {"r": round_id, "ws": _WHITESPACE})}
    open_appeals = {r[0] for r in db.query("""SELECT a.round_branch_id FROM round_appeal a
                                              JOIN round_branch b ON b.id = a.round_branch_id
                                              WHERE b.round_id = ? AND a.outcome IS NULL""", (round_id,))}
    late_rect: dict[str, int] = {}
    for r in db.query("""SELECT org_id, count(*) FROM rectification WHERE status != '已销号' AND deadline < ?
                         GROUP BY org_id""", (day.isoformat(),)):
        late_rect[r[0]] = r[1]
    # Confirmed results whose consequences call for a problem list (问题清单 / 整改) need a
    # ledger entry for this round: only then are the whole results (each branch's history, for its
    # consequences) worked out; otherwise the ratings alone, as the results give them.
    from .results import rate_round, sheet_ratings
    from .veto_proposals import round_veto_proposals

    read = (sheets, score_rows)
    need_ledger: set[str] = set()
    if any(s["state"] == "确定" for s in sheets) and any(
            ("问题清单" in c.title or "整改" in c.title) for c in scheme.consequences):
        rated = {b.sheet_id: b for b in rate_round(db, round_id, proposals=False, read=read).branches}
        have = {r[0] for r in db.query("SELECT DISTINCT org_id FROM rectification WHERE round_id = ?", (round_id,))}
        for b in rated.values():
            if b.state == "确定" and b.org_id not in have and any(
                    "问题清单" in c.title or "整改" in c.title for c in b.consequences):
                need_ledger.add(b.sheet_id)
    else:
        rated = sheet_ratings(db, round_id, read=read)
    proposals: dict[str, int] = {}
    for p in round_veto_proposals(db, round_id, today=day, pending_only=True, sheets=sheets,
                                  score_rows=score_rows):
        proposals[p.sheet_id] = proposals.get(p.sheet_id, 0) + 1
    windows: dict[str, tuple[dt.date, list[int]]] = {}
    rows: list[DashboardRow] = []
    for s in sheets:
        state = s["state"]
        row = DashboardRow(sheet_id=s["id"], org_id=s["org_id"], org_name=s["org_name"], town=s["town"],
                           kind=s["kind"], state=state, state_since=s["state_since"])
        mine = scores[s["id"]]
        if state in _STAGE_OF:
            col, label = _STAGE_OF[state]
            missing = [c for c in units if c not in mine or mine[c][col] is None]
            if missing:
                row.missing.append(f"{len(missing)}项{label}未填")
            unexplained = [c for c, u in units.items() if c in mine and mine[c][col] is not None
                           and u.kind == "points" and u.max is not None and mine[c][col] < u.max
                           and not (mine[c]["reason"] or "").strip()]
            if unexplained and state != "自评":  # deduction reasons are the assessors' to write
                row.missing.append(f"{len(unexplained)}项扣分未写原因")
            if state == "审核" and scheme.rating.kind == "classification" and not s["classification"]:
                row.missing.append("未评定类别")
        if state in ("自评", "初审") and s["id"] not in reports:
            row.missing.append("缺少自我评价报告")
        if state in _DUE_OF:
            key, label = _DUE_OF[state]
            due = getattr(rnd, key)
            if due and day.isoformat() > due:
                row.overdue.append(f"{label}已逾期（截止{dates.format_cn(due)}）")
        b = rated.get(s["id"])
        if b is not None:
            row.rating, row.stars, row.provisional = b.rating, b.stars, b.provisional
            row.quota_pending = list(b.quota_pending)
        if row.quota_pending and state != "确定":
            row.missing.append(f"名额待决定：{'、'.join(row.quota_pending)}")
        row.veto_proposals = proposals.get(s["id"], 0)
        if row.veto_proposals:
            row.missing.append(f"{row.veto_proposals}项否决情形待审核（据组织台账）")
        if s["publicity_start"] and state in ("公示", "申诉"):
            start = s["publicity_start"]
            if start not in windows:
                end = cal.window_end(start, rnd.appeal_days)
                windows[start] = (end, cal.unknown_years(start, end))
            end, unknown = windows[start]
            row.window_end, row.window_unconfirmed = end.isoformat(), list(unknown)
            if unknown:
                row.missing.append(f"申诉期截止日未确认（{'、'.join(str(y) for y in unknown)}年放假安排未录入）")
        row.open_appeal = s["id"] in open_appeals
        if late_rect.get(s["org_id"]):
            row.overdue.append(f"整改事项逾期{late_rect[s['org_id']]}项")
        end = dates.parse_iso(row.window_end) if row.window_end else None
        if state == "自评":
            row.next_step = "待提交初审"
        elif state == "初审":
            row.next_step = "待提交审核"
        elif state == "审核":
            row.next_step = "待公示"
        elif state == "公示":
            if end is not None and day <= end:
                row.next_step = f"公示中，申诉期至{dates.format_cn(end)}" + ("（未确认）" if row.window_unconfirmed else "")
            elif row.window_unconfirmed:
                # Past a last day counted Monday–Friday: whether the window has closed depends on the
                # year's holidays, which a person enters (or confirms as none) before 确定.
                years = "、".join(str(y) for y in row.window_unconfirmed)
                row.next_step = f"待录入{years}年放假安排（申诉期截止日{dates.format_cn(end)}未确认）"
            else:
                row.next_step = "申诉期已满，可确定结果"
                row.overdue.append("公示期满未确定")
        elif state == "申诉":
            row.next_step = "申诉待处理"
            if end is not None and day > end:
                row.overdue.append("申诉期已满，申诉仍未处理")
        else:
            row.next_step = "已确定"
            if s["id"] in need_ledger:
                row.missing.append("需建立整改台账（问题清单和整改期限）")
        rows.append(row)
    counts = {st: 0 for st in STATES}
    for r in rows:
        counts[r.state] += 1
    overdue_rect = db.scalar("SELECT count(*) FROM rectification WHERE round_id = ? AND status != '已销号' "
                             "AND deadline < ?", (round_id, day.isoformat()))
    return Dashboard(round_id=round_id, today=day, rows=rows, counts=counts, overdue_rectifications=overdue_rect)
