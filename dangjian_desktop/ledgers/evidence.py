"""What the ledgers offer as evidence to a checklist item, by the item's wording — the ledger
counterpart of meetings.compliance.figures_for_text (which calls this one):

    党费           dues: members based, paid on time and in full, arrears
    发展党员 …      the pipeline: the year's plan, people accepted, who is at which stage, warnings
    教育培训 …      members with a training entry this year and the hours
    奖惩           rewards and punishments this year
    民主评议       the year's 民主评议 ballots and grades (points/review.py)
    老党员、困难党员 visits recorded, members reached, money given
    党建工作经费    funds received and spent, per member against the standard, by purpose, the account
    谈心谈话       talks recorded, photos
    后备干部、班子结构 reserve cadres; the committee's ages and education (seed 004's targets)

`topics_in_text(text)` says which ledgers an item's wording names; `figures_for_text(db, org_id,
year, text, as_of)` gives one or more lines per topic, computed from the ledgers. For many items
of one branch use `BranchFigures`, which computes each ledger once (assessment.figures adds the
meeting ledger's lines to it for a whole assessment sheet).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from .. import dates
from ..db import Database
from .common import ACTIVE_STATUSES, fmt_yuan, months_label

DUES, PIPELINE, TRAINING, REWARDS, REVIEW, CARE, FUNDS, TALKS, CADRES, COMMITTEE = (
    "dues", "pipeline", "training", "rewards", "review", "care", "funds", "talks", "cadres", "committee")
ORDER = (DUES, PIPELINE, TRAINING, REWARDS, REVIEW, CARE, FUNDS, TALKS, CADRES, COMMITTEE)
TOPIC_LABELS = {DUES: "党费", PIPELINE: "发展党员", TRAINING: "教育培训", REWARDS: "奖惩", REVIEW: "民主评议",
                CARE: "走访慰问", FUNDS: "党建工作经费", TALKS: "谈心谈话", CADRES: "后备干部", COMMITTEE: "班子结构"}

#: Words of a checklist item -> the ledgers it asks for (longest first; a word found is consumed).
_WORDS = (
    ("党员信息台帐", (TRAINING, REWARDS, DUES, PIPELINE, CARE)), ("党员信息台账", (TRAINING, REWARDS, DUES, PIPELINE, CARE)),
    ("民主评议", (REVIEW,)), ("党员评议", (REVIEW,)),
    ("党建工作专项经费", (FUNDS,)), ("党建工作经费", (FUNDS,)), ("党建经费", (FUNDS,)),
    ("党费", (DUES,)),
    ("入党积极分子", (PIPELINE,)), ("发展对象", (PIPELINE,)), ("预备党员", (PIPELINE,)), ("发展党员", (PIPELINE,)),
    ("建国前老党员", (CARE,)), ("老党员", (CARE,)), ("困难党员", (CARE,)), ("走访慰问", (CARE,)), ("帮扶", (CARE,)),
    ("教育培训", (TRAINING,)), ("学习计划", (TRAINING,)), ("培训", (TRAINING,)),
    ("奖惩", (REWARDS,)), ("处分", (REWARDS,)),
    ("谈心谈话", (TALKS,)),
    ("后备干部", (CADRES,)),
)
_COMMITTEE_WORDS = ("搭配", "结构", "年龄", "文化程度", "梯次")


def topics_in_text(text: str) -> list[str]:
    """The ledgers a checklist item's wording names, in ORDER."""
    text = text or ""
    found: set[str] = set()
    rest = text
    for word, topics in _WORDS:
        if word in rest:
            found.update(topics)
            rest = rest.replace(word, "")
    if "班子" in text and any(w in text for w in _COMMITTEE_WORDS):
        found.add(COMMITTEE)
    # "对入党积极分子开展教育培训、谈心谈话等形式的培养考察": the activists' training, not the members'.
    if PIPELINE in found and not any(w in text for w in ("党员信息台帐", "党员信息台账", "党员参加")):
        found.discard(TRAINING)
        found.discard(TALKS)
    return [t for t in ORDER if t in found]


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


class BranchFigures:
    """The ledgers' figures of one branch and year, each computed once (for a whole sheet or form)."""

    def __init__(self, db: Database, org_id: str, year: int, as_of: dt.date | None = None):
        self.db, self.org_id, self.year = db, org_id, int(year)
        today = as_of or dates.today()
        # A past year is looked at as it ended; the running year up to today.
        self.as_of = min(today, dt.date(self.year + 1, 1, 1)) if today.year != self.year else today
        self._cache: dict[str, list[str]] = {}
        self._makers: dict[str, Callable[[], list[str]]] = {
            DUES: self._dues, PIPELINE: self._pipeline, TRAINING: self._training, REWARDS: self._rewards,
            REVIEW: self._review, CARE: self._care, FUNDS: self._funds, TALKS: self._talks, CADRES: self._cadres,
            COMMITTEE: self._committee}

    def topic(self, topic: str) -> list[str]:
        if topic not in self._cache:
            self._cache[topic] = self._makers[topic]()
        return self._cache[topic]

    def for_text(self, text: str) -> list[str]:
        out: list[str] = []
        for t in topics_in_text(text):
            out += self.topic(t)
        if FUNDS in topics_in_text(text):
            out += self._funds_detail(text)
        if PIPELINE in topics_in_text(text) and "结构" in (text or ""):
            out += self._pipeline_structure()
        return out

    # ---- each ledger -----------------------------------------------------------------------------
    def _members(self) -> int:
        return self.db.scalar("SELECT count(*) FROM member WHERE org_id = ? AND status IN (?, ?)",
                              (self.org_id, *ACTIVE_STATUSES))

    def _dues(self) -> list[str]:
        from .dues import status

        data = status(self.db, self.year, org_id=self.org_id, as_of=self.as_of)
        b = next((x for x in data.branches if x.org_id == self.org_id), None)
        if b is None or not b.members:
            return ["党费：没有党员的党费记录"]
        owed = [m for m in data.members if m.arrears_fen and m.org_id == self.org_id]
        upto = dates.format_cn(self.as_of - dt.timedelta(days=1)) if self.as_of.year == self.year else f"{self.year}年底"
        line = (f"党费：{b.members}名党员，基数已核定{b.based}人；截至{upto}按时足额交纳{b.on_time}人"
                f"（{_share(b.on_time, b.members)}），欠缴{b.in_arrears}人共{fmt_yuan(b.arrears_fen)}元；"
                f"本年已交{fmt_yuan(b.paid_fen)}元")
        out = [line]
        if owed:
            names = "、".join(f"{m.name}（{months_label(m.months_owed)}）" for m in owed[:5])
            out.append(f"欠缴党员：{names}" + (f"等{len(owed)}人" if len(owed) > 5 else ""))
        return out

    def _pipeline(self) -> list[str]:
        from .pipeline import people, plan_lines
        from .pipeline_checks import SEVERE, check_person, rules

        plan = next((p for p in plan_lines(self.db, self.year, org_id=self.org_id) if p.org_id == self.org_id), None)
        everyone = people(self.db, org_id=self.org_id)
        stages: dict[str, int] = {}
        for p in everyone:
            stages[p.stage] = stages.get(p.stage, 0) + 1
        r = rules()
        warns = [w for p in everyone if p.stage != "正式党员" or (p.first("转正") or "")[:4] >= str(self.year)
                 for w in check_person(p, self.as_of, r)]
        planned = f"计划发展{plan.planned}名" if plan and plan.planned is not None else "未录入发展党员计划"
        accepted = plan.accepted if plan else 0
        now = "、".join(f"{s}{stages[s]}名" for s in ("入党申请人", "入党积极分子", "发展对象", "预备党员") if stages.get(s))
        line = f"发展党员：{self.year}年{planned}，接收预备党员{accepted}名" + (f"；现有{now}" if now else "")
        severe = sum(w.level == SEVERE for w in warns)
        line += f"；程序提示{len(warns)}条" + (f"（其中严重{severe}条）" if severe else "") if warns else "；程序记录完整"
        return [line]

    def _pipeline_structure(self) -> list[str]:
        from .common import age_on
        from .pipeline import people

        new = [p for p in people(self.db, org_id=self.org_id) if (p.first("接收") or "").startswith(str(self.year))
               and not any(s.decision == "（入党时间取自花名册）" for s in p.steps)]
        if not new:
            return []
        young = sum(1 for p in new if (a := age_on(p.birth_date, dates.parse_iso(p.first("接收")))) is not None
                    and a < 35)
        college = sum(1 for p in new if p.education in ("博士研究生", "硕士研究生", "大学本科", "大学专科"))
        women = sum(1 for p in new if p.sex == "女")
        return [f"本年发展的{len(new)}名党员中：35岁以下{young}名，大专以上学历{college}名，女性{women}名"]

    def _training(self) -> list[str]:
        n = self._members()
        row = self.db.one("""SELECT count(DISTINCT t.member_id), ifnull(sum(t.hours), 0) FROM training_record t
                             JOIN member m ON m.id = t.member_id WHERE m.org_id = ? AND m.status IN (?, ?)
                             AND t.date BETWEEN ? AND ?""",
                          (self.org_id, *ACTIVE_STATUSES, f"{self.year}-01-01", f"{self.year}-12-31"))
        trained, hours = row[0], row[1]
        return [f"教育培训：{self.year}年{trained}/{n}名党员有培训记录（{_share(trained, n)}），共{hours:g}学时"]

    def _rewards(self) -> list[str]:
        rows = self.db.query("""SELECT r.kind, r.title, m.name FROM reward_record r JOIN member m ON m.id = r.member_id
                                WHERE m.org_id = ? AND r.date BETWEEN ? AND ? ORDER BY r.date""",
                             (self.org_id, f"{self.year}-01-01", f"{self.year}-12-31"))
        good = [r for r in rows if r["kind"] == "奖励"]
        bad = [r for r in rows if r["kind"] == "处分"]
        line = f"奖惩：{self.year}年奖励{len(good)}人次、处分{len(bad)}人次"
        if bad:
            line += "（" + "、".join(f"{r['name']}{r['title']}" for r in bad[:5]) + "）"
        return [line]

    def _review(self) -> list[str]:
        n = self._members()
        counts = {g: 0 for g in ("优秀", "合格", "基本合格", "不合格")}
        reviewed = 0
        for r in self.db.query("""SELECT r.grade, r.good + r.fair + r.poor AS ballots FROM member_review r
                                  JOIN member m ON m.id = r.member_id WHERE m.org_id = ? AND r.year = ?""",
                               (self.org_id, self.year)):
            reviewed += 1
            if r["grade"] in counts:
                counts[r["grade"]] += 1
        if not reviewed:
            return [f"民主评议：{self.year}年未登记民主评议党员结果"]
        grades = "、".join(f"{g}{c}" for g, c in counts.items() if c)
        return [f"民主评议：{self.year}年已评议{reviewed}/{n}名党员" + (f"（{grades}）" if grades else "（未评定等次）")]

    def _care(self) -> list[str]:
        from .records import OLD_MEMBER_BEFORE, care_targets

        targets = care_targets(self.db, org_id=self.org_id)
        hardship = sum(1 for t in targets if t["is_hardship"])
        old = sum(1 for t in targets if t["is_old"])
        rows = self.db.query("""SELECT v.member_id, v.amount_fen FROM care_visit v JOIN member m ON m.id = v.member_id
                                WHERE m.org_id = ? AND v.date BETWEEN ? AND ?""",
                             (self.org_id, f"{self.year}-01-01", f"{self.year}-12-31"))
        ids = {t["id"] for t in targets}
        reached = len({r["member_id"] for r in rows if r["member_id"] in ids})
        money = sum(r["amount_fen"] for r in rows)
        line = (f"困难党员和老党员：困难党员{hardship}名、建国前（{OLD_MEMBER_BEFORE[:4]}年10月前入党）老党员{old}名；"
                f"{self.year}年走访慰问{len(rows)}次，覆盖{reached}/{len(targets)}人")
        if money:
            line += f"，慰问金（物）{fmt_yuan(money)}元"
        return [line]

    def _funds(self) -> list[str]:
        from .funds import summary

        s = summary(self.db, self.org_id, self.year)
        return s.lines()

    def _funds_detail(self, text: str) -> list[str]:
        from .funds import summary

        s = summary(self.db, self.org_id, self.year)
        out = []
        if any(w in text for w in ("用于", "挪用", "占用")) and s.by_purpose:
            out.append("支出用途：" + "、".join(f"{k}{fmt_yuan(v)}元" for k, v in s.by_purpose.items()))
        if any(w in text for w in ("专户", "账目", "收支")):
            acc = "、".join(s.accounts) if s.accounts else "未登记"
            out.append(f"经费账户：{acc}" + (f"（{s.unaccounted}笔未注明账户）" if s.unaccounted else ""))
        return out

    def _talks(self) -> list[str]:
        row = self.db.one("""SELECT count(*), (SELECT count(*) FROM ledger_photo p JOIN talk_record t2 ON t2.id = p.talk_id
                                               WHERE t2.org_id = :o AND t2.date BETWEEN :a AND :b)
                             FROM talk_record t WHERE t.org_id = :o AND t.date BETWEEN :a AND :b""",
                          {"o": self.org_id, "a": f"{self.year}-01-01", "b": f"{self.year}-12-31"})
        return [f"谈心谈话：{self.year}年记录{row[0]}次，附照片{row[1]}张"]

    def _cadres(self) -> list[str]:
        from .cadres import cadres, targets

        org = self.db.get("org", self.org_id)
        now = cadres(self.db, org_id=self.org_id, as_of=self.as_of)
        t = targets()["reserve_cadres"]
        want = f"（每个行政村应有{t['min']}-{t['max']}名）" if org and org["kind"] in t["kinds"] else ""
        names = "、".join(c["name"] for c in now)
        return [f"后备干部：{len(now)}名{want}" + (f"：{names}" if names else "")]

    def _committee(self) -> list[str]:
        from .cadres import committee_structure

        return [committee_structure(self.db, self.org_id, as_of=self.as_of).line()]


def figures_for_text(db: Database, org_id: str, year: int, text: str, as_of: dt.date | None = None) -> list[str]:
    """What the ledgers say about a checklist item: lines for each ledger its wording names;
    empty when it names none."""
    if not topics_in_text(text):
        return []
    return BranchFigures(db, org_id, year, as_of).for_text(text)

