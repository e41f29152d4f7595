"""民主评议党员 (seed 002): yearly anonymous ballots 好/一般/差 per member, and the grade the
branch decides from them and from the member's conduct (优秀/合格/基本合格/不合格).

The documents give no rule that turns ballots into a grade, so the grade is recorded as the
branch decided it; the software only checks the numbers (no negative counts, no more ballots
than the branch has members).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..db import Database
from ..errors import UserError, ValidationError
from ..registry.orgs import subtree_ids
from .common import ACTIVE_STATUSES, check_unlocked, scope_filter

GRADES = ("优秀", "合格", "基本合格", "不合格")
BALLOTS = ("好", "一般", "差")


@dataclass
class ReviewInput:
    member_id: str
    good: Any = 0
    fair: Any = 0
    poor: Any = 0
    grade: str | None = None
    note: str = ""


def _count(value: Any, what: str, who: str, problems: list[str]) -> int:
    if value in (None, ""):
        return 0
    try:
        f = float(str(value).strip())
    except ValueError:
        problems.append(f"{who}：“{what}”票数“{value}”不是整数")
        return 0
    if f != int(f) or f < 0:
        problems.append(f"{who}：“{what}”票数应为0或正整数")
        return 0
    return int(f)


def record_reviews(db: Database, year: int, entries: list[ReviewInput], *, actor: str | None = None) -> int:
    """Save a branch's review sheet (ballots and grades) in one unit of work; returns rows changed.

    A row with no ballots and no grade removes that member's record for the year.
    """
    if not entries:
        return 0
    ids = [e.member_id for e in entries]
    members = {r["id"]: r for r in db.query(
        f"""SELECT m.id, m.name, m.org_id, m.status, m.owner, o.office_id FROM member m JOIN org o ON o.id = m.org_id
            WHERE m.id IN ({','.join('?' * len(ids))})""", ids)}
    sizes: dict[str, int] = {}
    problems: list[str] = []
    clean = []
    for e in entries:
        m = members.get(e.member_id)
        if m is None:
            problems.append("有一名党员的记录不存在")
            continue
        who = m["name"]
        good = _count(e.good, "好", who, problems)
        fair = _count(e.fair, "一般", who, problems)
        poor = _count(e.poor, "差", who, problems)
        grade = (e.grade or "").strip() or None
        if grade is not None and grade not in GRADES:
            problems.append(f"{who}：评定等次应为{'、'.join(GRADES)}之一")
        if m["org_id"] not in sizes:
            sizes[m["org_id"]] = db.scalar("SELECT count(*) FROM member WHERE org_id = ? AND status IN (?, ?)",
                                           (m["org_id"], *ACTIVE_STATUSES))
        if good + fair + poor > sizes[m["org_id"]]:
            problems.append(f"{who}：票数合计{good + fair + poor}张，超过所在支部党员人数（{sizes[m['org_id']]}人）")
        clean.append((m, good, fair, poor, grade, (e.note or "").strip()))
    if problems:
        raise ValidationError({"reviews": "；".join(problems[:10])},
                              message="民主评议结果有误，未保存：\n" + "\n".join(problems[:10]))
    for office in {m["office_id"] for m, *_ in clean}:
        check_unlocked(db, office, year)
    changed = 0
    with db.transaction(f"登记{year}年度民主评议党员结果（{len(clean)}人）", actor=actor) as tx:
        for m, good, fair, poor, grade, note in clean:
            cur = db.one("SELECT * FROM member_review WHERE member_id = ? AND year = ?", (m["id"], int(year)))
            values = {"good": good, "fair": fair, "poor": poor, "grade": grade, "note": note}
            empty = not (good or fair or poor or grade or note)
            if cur is None:
                if not empty:
                    tx.insert("member_review", {"member_id": m["id"], "year": int(year), "owner": m["owner"], **values})
                    changed += 1
            elif empty:
                tx.delete("member_review", cur["id"])
                changed += 1
            elif any(cur[k] != v for k, v in values.items()):
                tx.update("member_review", cur["id"], values)
                changed += 1
    return changed


def record_review(db: Database, member_id: str, year: int, *, good: Any = 0, fair: Any = 0, poor: Any = 0,
                  grade: str | None = None, note: str = "", actor: str | None = None) -> None:
    record_reviews(db, year, [ReviewInput(member_id, good, fair, poor, grade, note)], actor=actor)


def reviews(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None) -> list:
    """Every active member under the office or organisation with their review for the year (if any)."""
    where, params = ["m.status IN (?, ?)"], [*ACTIVE_STATUSES]
    scope_filter(db, where, params, org_id=org_id, office_id=office_id)
    return db.query(f"""SELECT m.id AS member_id, m.name, m.name_pinyin, o.name AS org_name, r.id, r.good, r.fair,
                               r.poor, r.grade, r.note
                        FROM member m JOIN org o ON o.id = m.org_id
                        LEFT JOIN member_review r ON r.member_id = m.id AND r.year = ?
                        WHERE {' AND '.join(where)} ORDER BY o.sort_order, o.name, m.name_pinyin""",
                    [int(year), *params])


def grades(db: Database, year: int) -> dict[str, str]:
    """member id -> the grade (等次) the branch gave for the year, for every member graded."""
    return {r["member_id"]: r["grade"] for r in db.query(
        "SELECT member_id, grade FROM member_review WHERE year = ? AND grade IS NOT NULL", (int(year),))}


def grade_counts(db: Database, year: int, *, org_id: str) -> dict[str, int]:
    counts = {g: 0 for g in GRADES}
    ids = subtree_ids(db, org_id)
    for r in db.query(f"""SELECT r.grade, count(*) AS n FROM member_review r JOIN member m ON m.id = r.member_id
                          WHERE r.year = ? AND r.grade IS NOT NULL AND m.org_id IN ({','.join('?' * len(ids))})
                          GROUP BY r.grade""", [int(year), *ids]):
        counts[r["grade"]] = r["n"]
    return counts


def get_review(db: Database, member_id: str, year: int):
    row = db.one("SELECT * FROM member_review WHERE member_id = ? AND year = ?", (member_id, int(year)))
    if row is None and db.get("member", member_id) is None:
        raise UserError("找不到该党员。")
    return row
