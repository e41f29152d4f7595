"""Demo data for points and meetings: last year's meetings with attendance and points for every
branch of a town, manual entries, exemptions and 民主评议 ballots. Called by demo.generate.

Branches differ (most hold every meeting; some skip months, quarters or a half-year; in some
the secretary gives no 党课), and members differ (most attend, a few rarely do, mobile members
ask for leave), so every star level, the 不合格 list and the compliance gaps all show.

Attendance-level detail costs two rows per member per meeting (attendance and points): every
town of a county gets it, written with its change-log entries in bulk (db.bulk_log), so that a
25-town county demo with a full year everywhere stays under a minute.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
import random
from typing import Any

from ..db import Database
from ..db.bulk_log import BulkInserts, insert_logged
from ..db.ids import SerialIds
from ..registry.offices import local_office, towns
from . import catalogue
from .common import owner_of_office
from .meeting_terms import PRESENT

#: At most this many towns of a county get the year (None: every town; benchmarks set it).
DETAILED_TOWNS: int | None = None
TOPICS = {
    "支部党员大会": ["传达学习上级会议精神", "讨论年度工作计划", "讨论发展党员", "通报党员积分情况", "研究村级重大事项"],
    "支委会": ["研究本月工作安排", "讨论党员发展计划", "研究困难党员慰问", "部署主题党日活动", "研究党费收缴"],
    "党小组会": ["学习党章党规", "交流学习体会", "讨论支部近期工作", "学习重要讲话精神"],
    "党课": ["学习贯彻党的二十大精神", "党史学习教育专题", "全面从严治党专题", "乡村振兴专题"],
    "组织生活会": ["年度组织生活会（对照检查、批评与自我批评）", "专题组织生活会"],
    "党建联席会": ["共驻共建项目对接", "辖区单位联席议事", "社区治理难题会商"],
    "主题党日": ["志愿服务进村组", "重温入党誓词", "环境卫生整治", "走访慰问困难群众", "参观红色教育基地", "学习身边榜样"],
}
PLACES = ["党员活动室", "村委会议室", "党群服务中心", "会议室"]


def populate(db: Database, rng: random.Random, today: dt.date) -> dict[str, int]:
    """Add last year's meetings, attendance, points, exemptions and reviews for the demo office."""
    year = today.year - 1
    office = local_office(db)
    offices = towns(db) if office["level"] == "county" else [office]
    made = {"meetings": 0, "attendance": 0, "entries": 0}
    for n, town in enumerate(offices):
        if DETAILED_TOWNS is not None and n >= DETAILED_TOWNS:
            break
        catalogue.ensure_catalogue(db, town["id"], year)
        with db.transaction(f"生成演示数据：{town['name']}{year}年度会议与党员积分") as tx:
            _Town(db, tx, rng, town["id"], year, made).run()
    return made


class _Town:
    def __init__(self, db: Database, tx, rng: random.Random, office_id: str, year: int, made: dict[str, int]):
        self.db, self.tx, self.rng, self.office_id, self.year, self.made = db, tx, rng, office_id, year, made
        self.owner = owner_of_office(db, office_id)
        self.ids = partial(tx.ids.seeded, SerialIds(rng))  # local ids, repeatable global ids
        self.items = {i.code: i for i in catalogue.items(db, office_id, year)}
        self.linked: dict[tuple[str, str], Any] = {}
        for it in self.items.values():
            for t in it.meeting_types:
                if it.on_status:
                    self.linked[(t, it.on_status)] = it
        self.batches: list[dict] = []
        self.batch_of: dict[str, dict] = {}
        self.meetings: list[dict] = []
        self.attendance: list[dict] = []
        self.entries: list[dict] = []
        self.exemptions: list[dict] = []
        self.reviews: list[dict] = []
        self.now = tx.now
        self.actor = db.meta("operator") or "演示数据"
        self.joined: dict[str, str] = {}  # member id -> join date: nothing is dated before it

    # ---- helpers ------------------------------------------------------------------------
    def date_in(self, month: int) -> str:
        return dt.date(self.year, month, self.rng.randint(1, 28)).isoformat()

    def batch(self, org_id: str, kind: str, title: str) -> str:
        bid = self.ids()
        self.batches.append({"id": bid, "office_id": self.office_id, "org_id": org_id, "year": self.year, "kind": kind,
                             "title": title, "tx_id": self.tx.id, "entered_by": self.actor,
                             "entered_at": self.now, "row_count": 0, "owner": self.owner})
        self.batch_of[bid] = self.batches[-1]
        return bid

    def entry(self, batch_id: str, member_id: str, code: str, date: str, note: str = "",
              meeting_id: str | None = None, points: float | None = None) -> None:
        if date < self.joined.get(member_id, ""):  # not a member yet that day
            return
        it = self.items[code]
        self.entries.append({"id": self.ids(), "member_id": member_id, "item_id": it.id, "year": self.year,
                             "date": date, "points": it.signed_points if points is None else points, "note": note,
                             "entered_by": self.actor, "batch_id": batch_id, "meeting_id": meeting_id,
                             "attachment_id": None, "owner": self.owner})
        self.batch_of[batch_id]["row_count"] += 1

    def meeting(self, org_id: str, mtype: str, month: int, people: list[dict], *, group: dict | None = None,
                host: dict | None = None, branch_name: str = "") -> None:
        r = self.rng
        date = self.date_in(month)
        if not any(self.joined[m["id"]] <= date for m in people):
            return
        topic = r.choice(TOPICS[mtype])
        bid = self.batch(org_id, "会议", f"{(group or {}).get('name') or branch_name} {date} {mtype}“{topic}”")
        mid = self.ids()
        self.meetings.append({"id": mid, "org_id": org_id, "group_id": group["id"] if group else None,
                              "meeting_type": mtype, "date": date, "topic": topic, "place": r.choice(PLACES),
                              "host_member_id": host["id"] if host else None, "host_name": host["name"] if host else "",
                              "content": f"{topic}。", "batch_id": bid, "owner": self.owner})
        statuses = []
        for m in people:
            if m["is_mobile"]:
                status = PRESENT if r.random() < 0.2 else ("请假" if r.random() < 0.8 else "缺席")
            else:
                status = PRESENT if r.random() < m["attend"] else ("请假" if r.random() < 0.5 else "缺席")
            statuses.append(status)
        # Only those who had joined by the day attend (the draws above stay the same for everyone).
        people, statuses = map(list, zip(*((m, s) for m, s in zip(people, statuses) if self.joined[m["id"]] <= date)))
        if PRESENT not in statuses:  # a meeting nobody attended did not happen: its host was there
            statuses[0] = PRESENT
        for m, status in zip(people, statuses):
            self.attendance.append({"id": self.ids(), "meeting_id": mid, "member_id": m["id"], "status": status,
                                    "owner": self.owner})
            it = self.linked.get((mtype, status))
            if it is not None:
                self.entry(bid, m["id"], it.code, date, mtype + "：" + topic, meeting_id=mid)
        self.made["meetings"] += 1

    # ---- the town -------------------------------------------------------------------------
    def run(self) -> None:
        r, db = self.rng, self.db
        branches = db.query("""SELECT * FROM org WHERE office_id = ? AND org_type = '党支部'
                               ORDER BY sort_order, name""", (self.office_id,))
        for b in branches:
            members = [dict(m) for m in db.query(
                "SELECT id, name, group_id, is_mobile, birth_date, category, join_date FROM member "
                "WHERE org_id = ? AND status IN ('正常', '失联') ORDER BY name_pinyin", (b["id"],))]
            if not members:
                continue
            self.joined.update((m["id"], m["join_date"]) for m in members)
            for m in members:
                roll = r.random()
                m["attend"] = (r.uniform(0.88, 1.0) if roll < 0.7 else r.uniform(0.7, 0.88) if roll < 0.9
                               else r.uniform(0.3, 0.6))
            self.branch(b, members)
        tx = self.tx
        batches = [("points_batch", self.batches), ("meeting", self.meetings), ("meeting_attendance", self.attendance),
                   ("points_entry", self.entries), ("points_exemption", self.exemptions),
                   ("member_review", self.reviews)]
        # The change-log entries (and the points sums) of a town's year in bulk, not per row.
        with BulkInserts(self.db.conn, tx.id, [t for t, rows in batches if rows]) as bulk:
            for table, rows in batches:
                if rows:
                    insert_logged(tx, bulk, table, rows)
        self.made["attendance"] += len(self.attendance)
        self.made["entries"] += len(self.entries)

    def branch(self, b, members: list[dict]) -> None:
        r, db = self.rng, self.db
        quality = r.random()  # < 0.1 weak, < 0.3 average, else good
        roles = {row["member_id"]: row["role"] for row in db.query(
            """SELECT cm.member_id, cm.role FROM committee_member cm JOIN committee_term t ON t.id = cm.term_id
               WHERE t.org_id = ? AND t.ended_on IS NULL AND cm.end_date IS NULL""", (b["id"],))}
        by_id = {m["id"]: m for m in members}
        committee = [by_id[mid] for mid in roles if mid in by_id]
        secretary = next((by_id[mid] for mid, role in roles.items() if role == "书记" and mid in by_id), None)
        host = secretary or (committee[0] if committee else members[0])

        def skips(n_periods: int) -> set[int]:
            if quality < 0.1:
                return set(r.sample(range(1, n_periods + 1), max(1, n_periods // 4)))
            if quality < 0.3 and r.random() < 0.6:
                return {r.randint(1, n_periods)}
            return set()

        name = b["name"]
        for q in sorted(set(range(1, 5)) - skips(4)):
            self.meeting(b["id"], "支部党员大会", 3 * q - r.randint(0, 2), members, host=host, branch_name=name)
        # Weak branches, and branches without a secretary, get no 党课 by the secretary (planted gap).
        lecture_by_secretary = quality >= 0.1 and secretary is not None
        others = [m for m in (committee or members) if m is not secretary] or members
        for n, q in enumerate(sorted(set(range(1, 5)) - skips(4))):
            lecturer = secretary if (n == 0 and lecture_by_secretary) else r.choice(others)
            self.meeting(b["id"], "党课", 3 * q - r.randint(0, 2), members, host=lecturer, branch_name=name)
        for h in sorted({1, 2} - (skips(2) if quality < 0.2 else set())):
            self.meeting(b["id"], "组织生活会", 6 * h - r.randint(0, 1), members, host=host, branch_name=name)
        if committee:
            for month in sorted(set(range(1, 13)) - skips(12)):
                self.meeting(b["id"], "支委会", month, committee, host=host, branch_name=name)
        groups = db.query("SELECT id, name FROM org WHERE parent_id = ? AND org_type = '党小组' ORDER BY sort_order",
                          (b["id"],))
        for g in groups:
            people = [m for m in members if m["group_id"] == g["id"]]
            if not people:
                continue
            for month in sorted(set(range(1, 13)) - skips(12)):
                self.meeting(b["id"], "党小组会", month, people, group=dict(g), host=people[0], branch_name=name)
        for month in (2, 4, 6, 8, 10, 12):
            if quality < 0.1 and r.random() < 0.5:
                continue
            self.meeting(b["id"], "主题党日", month, members, host=host, branch_name=name)
        if b["kind"] == "社区":  # seed 003: a joint meeting with the units in the community every quarter
            for q in sorted(set(range(1, 5)) - skips(4)):
                self.meeting(b["id"], "党建联席会", 3 * q - r.randint(0, 2), committee or members[:3], host=host,
                             branch_name=name)
        self.manual(b, members)

    def manual(self, b, members: list[dict]) -> None:
        """Entries clerks type in: dues, volunteering, study, awards, deductions; exemptions, reviews."""
        r = self.rng
        bid = self.batch(b["id"], "录入", f"{b['name']} {self.year}年度日常积分录入")
        year_end = f"{self.year}-12-20"
        for m in members:
            late = r.random() < (0.25 if m["attend"] < 0.6 else 0.03)
            if late:
                for month in r.sample(range(1, 13), r.randint(1, 4)):
                    self.entry(bid, m["id"], "B04", self.date_in(month), "党费欠交")
            else:
                self.entry(bid, m["id"], "A04", year_end, "对照党费收缴台账")
            active = m["attend"] > 0.85
            for code, chance, most in (("A05", 0.45 if active else 0.15, 5), ("A06", 0.5 if active else 0.2, 4),
                                       ("A07", 0.15, 3), ("A08", 0.05, 2)):
                if r.random() < chance:
                    for _ in range(r.randint(1, most)):
                        self.entry(bid, m["id"], code, self.date_in(r.randint(1, 12)))
            roll = r.random()
            if roll < 0.02:
                self.entry(bid, m["id"], "A10", self.date_in(r.randint(6, 12)), "县级优秀共产党员")
            elif roll < 0.06:
                self.entry(bid, m["id"], "A09", self.date_in(r.randint(6, 12)), "镇级优秀共产党员")
            if m["attend"] < 0.6 and r.random() < 0.3:
                self.entry(bid, m["id"], "B05", self.date_in(r.randint(1, 12)), "乱堆乱放，经劝导未改正")
            if r.random() < 0.002:
                self.entry(bid, m["id"], "B06", self.date_in(r.randint(1, 12)), "受到党内警告处分")
            born = dt.date.fromisoformat(m["birth_date"])
            if self.year - born.year >= 80 and r.random() < 0.35:
                self.exemptions.append({"id": self.ids(), "member_id": m["id"], "year": self.year, "kind": "年老体弱",
                                        "reason": "年老体弱，行动不便，本人申请，支部同意",
                                        "approved_on": f"{self.year}-03-01", "owner": self.owner})
            elif r.random() < 0.008:
                self.exemptions.append({"id": self.ids(), "member_id": m["id"], "year": self.year, "kind": "不参评",
                                        "reason": "长期患病住院，本人申请，支部同意不参与本年度评星",
                                        "approved_on": f"{self.year}-06-15", "owner": self.owner})
        # 民主评议: everyone present votes on everyone (anonymous counts).
        voters = max(1, int(len(members) * 0.85))
        for m in members:
            good_share = min(1.0, max(0.0, m["attend"] + r.uniform(-0.1, 0.1)))
            good = int(voters * good_share)
            poor = int((voters - good) * (0.5 if m["attend"] < 0.6 else 0.1))
            fair = voters - good - poor
            grade = ("优秀" if good_share > 0.95 and r.random() < 0.4 else "合格" if good_share > 0.7 else
                     "基本合格" if good_share > 0.45 else "不合格")
            self.reviews.append({"id": self.ids(), "member_id": m["id"], "year": self.year, "good": good,
                                 "fair": fair, "poor": poor, "grade": grade, "note": "", "owner": self.owner})
