"""Demo data for the ledgers: a year of each, the same for the same seed. Called by demo.generate.

For each town (the town of a town database, every town of a county, as the points demo does): last year's dues in full and this year's up to today (bases fixed in
January, a few changed from July, payments monthly, by quarter or half a year in advance, a few
members behind or late, hardship members exempted); the development pipeline (applicants,
activists, candidates, people accepted this year and converted on time, the roster's
probationary members, a yearly plan, a candidate made too early and a talk held late as planted
warnings); training, rewards and a punishment of a secretary, visits to hardship and old
members, 谈心谈话 with photos, party-work funds (one 事业单位 branch below the 600-yuan standard),
reserve cadres (one village without). Rows are written in bulk in the shape the ledger functions
write them. (Plaques come from the demo's confirmed rounds: assessment.plaque_results.populate.)
"""

from __future__ import annotations

import datetime as dt
from functools import partial
import io
import random

from .. import dates, pinyin
from ..db import Database
from ..db.bulk_log import BulkInserts, insert_logged
from ..db.ids import SerialIds
from ..registry import idcard
from ..registry.offices import local_office, towns
from .common import ACTIVE_STATUSES
from .dues import rate_table

#: At most this many towns of a county get the ledgers (None: every town; benchmarks set it).
DETAILED_TOWNS: int | None = None
REGION = "140826"
RECEIVED = "（入党时间取自花名册）"
TRAINING = [("集中培训", "学习贯彻党的二十大精神专题培训", 8), ("专题党课", "党章党规专题党课", 2),
            ("远程教育", "党员远程教育：乡村振兴政策解读", 2), ("专题学习", "党史学习教育专题学习", 4),
            ("网络培训", "网上党校在线学习", 6)]
TALK_TOPICS = ["“两委”班子成员履职情况", "村目前存在的主要问题", "后备干部情况", "对党员积分制管理的意见和建议",
               "“两委”班子成员进退留转意愿"]
PURPOSES = [("阵地建设", 0.3), ("党员教育", 0.25), ("表彰慰问", 0.15), ("党报党刊", 0.1), ("组织活动", 0.2)]
GIVEN = "伟刚勇毅俊峰强军平保东文辉力明永健世广志秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"


def _photo(rng: random.Random) -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (480, 360), (236, 232, 224))
    d = ImageDraw.Draw(im)
    d.rectangle([30, 40, 450, 120], fill=(178, 34, 34))
    d.rectangle([60, 180, 420, 300], fill=(150 + rng.randint(0, 60), 120, 90))  # a table
    for k in range(rng.randint(3, 6)):
        x = 70 + k * 60
        d.ellipse([x, 140, x + 36, 176], fill=(60 + rng.randint(0, 80), 50, 40))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=75)
    return out.getvalue()


def populate(db: Database, rng: random.Random, today: dt.date) -> dict[str, int]:
    office = local_office(db)
    offices = towns(db) if office["level"] == "county" else [office]
    made: dict[str, int] = {}
    for town in offices[:DETAILED_TOWNS]:
        with db.transaction(f"生成演示数据：{town['name']}台账") as tx:
            _Town(db, tx, rng, town, today, made).run()
    return made


class _Town:
    def __init__(self, db: Database, tx, rng: random.Random, town, today: dt.date, made: dict[str, int]):
        self.db, self.tx, self.rng, self.today, self.made = db, tx, rng, today, made
        self.town = town
        self.owner = db.scalar("SELECT owner FROM office WHERE id = ?", (town["id"],)) or town["id"]
        self.ids = partial(tx.ids.seeded, SerialIds(rng))  # local ids, repeatable global ids
        self.y0, self.y1 = today.year, today.year - 1
        self.branches = db.query("""SELECT * FROM org WHERE office_id = ? AND org_type = '党支部'
                                    ORDER BY sort_order, name""", (town["id"],))
        self.members: dict[str, list] = {}
        for m in db.query("""SELECT m.* FROM member m JOIN org o ON o.id = m.org_id WHERE o.office_id = ?
                             ORDER BY o.sort_order, m.name_pinyin""", (town["id"],)):
            self.members.setdefault(m["org_id"], []).append(m)
        self.roles: dict[str, dict[str, str]] = {}
        for r in db.query("""SELECT t.org_id, cm.role, cm.name, cm.member_id FROM committee_member cm
                             JOIN committee_term t ON t.id = cm.term_id JOIN org o ON o.id = t.org_id
                             WHERE o.office_id = ? AND t.ended_on IS NULL AND cm.end_date IS NULL""", (town["id"],)):
            self.roles.setdefault(r["org_id"], {}).setdefault(r["role"], r["member_id"] or r["name"])
            self.roles[r["org_id"]].setdefault(r["role"] + "_name", r["name"])
        self.used_ids = {r[0] for r in db.query("SELECT id_number FROM member")}
        self.rows: dict[str, list[dict]] = {}

    def add(self, table: str, row: dict) -> str:
        row.setdefault("id", self.ids())
        row.setdefault("owner", self.owner)
        self.rows.setdefault(table, []).append(row)
        return row["id"]

    def day(self, year: int, month: int | None = None, *, latest: dt.date | None = None) -> str:
        r = self.rng
        month = month or r.randint(1, 12)
        d = dt.date(year, month, r.randint(1, 28))
        return min(d, latest or self.today).isoformat()

    def run(self) -> None:
        self.dues()
        self.pipeline()
        self.records()
        self.funds()
        self.cadres()
        order = ("member", "member_event", "dues_base", "dues_payment", "dues_exemption", "dev_person", "dev_step",
                 "dev_plan", "training_record", "reward_record", "care_visit", "talk_record", "ledger_photo",
                 "fund_entry", "reserve_cadre")
        # The change-log entries in bulk (db.bulk_log), not one trigger per row.
        with BulkInserts(self.db.conn, self.tx.id, [t for t in order if self.rows.get(t)]) as bulk:
            for table in order:
                rows = self.rows.get(table, [])
                for k in range(0, len(rows), 2000):
                    part = rows[k:k + 2000]
                    by_cols: dict[tuple, list] = {}
                    for row in part:
                        by_cols.setdefault(tuple(row), []).append(row)
                    for group in by_cols.values():
                        insert_logged(self.tx, bulk, table, group)
                self.made[table] = self.made.get(table, 0) + len(rows)

    # ---- 党费 ---------------------------------------------------------------------------------
    def dues(self) -> None:
        r = self.rng
        table = rate_table()
        for b in self.branches:
            receiver = self.roles.get(b["id"], {}).get("组织委员_name") or self.roles.get(b["id"], {}).get("书记_name", "")
            for m in self.members.get(b["id"], []):
                if m["status"] not in ACTIVE_STATUSES:
                    continue
                cls = table.for_person_class(m["person_class"])
                base = None
                if cls.basis == "base":
                    base = r.randrange(180000, 520000, 10000) if cls.name == "离退休" else \
                        r.randrange(250000, 960000, 10000)
                joined = dates.parse_iso(m["join_date"], allow_month=True)
                behind = r.random() < 0.06 or (m["is_mobile"] and r.random() < 0.4)
                late = r.random() < 0.04
                pattern = r.choices(("month", "quarter", "half", "year"), (35, 40, 15, 10))[0]
                for year in (self.y1, self.y0):
                    if joined.year > year:
                        continue
                    first = joined.month if joined.year == year else 1
                    if year == self.y0 and base is not None:
                        base = base + r.randrange(0, 30000, 1000)
                    due = cls.due(base)
                    self.add("dues_base", {"member_id": m["id"], "year": year, "from_month": 1,
                                           "rate_class": cls.name, "base_fen": base, "monthly_fen": due,
                                           "fixed_on": self.day(year, 1, latest=self.today), "note": "",
                                           "owner": m["owner"]})
                    changes = {}
                    if year == self.y0 and base is not None and self.today.month > 8 and r.random() < 0.03:
                        new = base + r.randrange(100000, 300000, 10000)
                        changes[7] = cls.due(new)
                        self.add("dues_base", {"member_id": m["id"], "year": year, "from_month": 7,
                                               "rate_class": cls.name, "base_fen": new, "monthly_fen": changes[7],
                                               "fixed_on": f"{year}-06-28", "note": "工资调整，7月起按新基数交纳",
                                               "owner": m["owner"]})
                    if m["is_hardship"]:
                        self.add("dues_exemption", {"member_id": m["id"], "year": year, "from_month": first,
                                                    "to_month": 12, "monthly_fen": 0,
                                                    "reason": "生活困难，本人申请免交党费",
                                                    "approved_by": f"{b['name']}、{self.town['name']}党委",
                                                    "approved_on": f"{year}-01-20", "owner": m["owner"]})
                        continue
                    self._payments(m, year, first, due, changes, pattern, behind, late, receiver)

    def _payments(self, m, year: int, first: int, due: int, changes: dict[int, int], pattern: str, behind: bool,
                  late: bool, receiver: str) -> None:
        r = self.rng
        step = {"month": 1, "quarter": 3, "half": 6, "year": 12}[pattern]
        if year == self.y0:
            last_due = self.today.month - 1  # months ended
            stop = 12 if pattern in ("half", "year") else min(12, last_due + (1 if r.random() < 0.5 else 0))
        else:
            stop = 12
        if behind:
            stop = max(first - 1, stop - r.randint(1, 3) - (0 if year == self.y0 else 0))
        month = first
        while month <= stop:
            end = min(stop, (month - 1) // step * step + step)
            paid_on = dt.date(year, month, r.randint(1, 25))
            if late and pattern == "month" and month < 12:
                paid_on = dt.date(year, month + 1, r.randint(1, 20))
            if paid_on > self.today:
                break
            amount = sum(changes.get(7, due) if k >= 7 and changes else due for k in range(month, end + 1))
            if amount > 0:
                self.add("dues_payment", {"member_id": m["id"], "year": year, "from_month": month, "to_month": end,
                                          "amount_fen": amount, "paid_on": paid_on.isoformat(), "receiver": receiver,
                                          "note": "", "owner": m["owner"]})
            month = end + 1

    # ---- 发展党员 ------------------------------------------------------------------------------
    def person(self, *, min_age: int = 19, max_age: int = 40) -> dict:
        r = self.rng
        male = r.random() < 0.6
        born = self.today - dt.timedelta(days=r.randint(min_age * 365 + 40, max_age * 365))
        while True:
            idn = idcard.make(REGION, born, r.randint(0, 99), male)
            if idn not in self.used_ids:
                break
            born -= dt.timedelta(days=1)
        self.used_ids.add(idn)
        name = r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2))))
        return {"name": name, "sex": "男" if male else "女", "ethnicity": "汉族", "birth_date": born.isoformat(),
                "id_number": idn, "education": r.choice(["大学本科", "大学专科", "普通高中", "硕士研究生"]),
                "job": r.choice(["农牧渔民", "企业专业技术人员", "事业单位专业技术人员", "自由职业人员"])}

    def step(self, pid: str, step: str, day: dt.date, **extra) -> None:
        if day > self.today:
            return  # not yet
        self.add("dev_step", {"person_id": pid, "step": step, "date": day.isoformat(), "decision": "", "doc_no": "",
                              "hours": None, "months": None, "result": "", "note": "", **extra})

    def pipeline(self) -> None:
        r, today = self.rng, self.today
        planted_early = planted_late = False
        for b in self.branches:
            full = [m for m in self.members.get(b["id"], []) if m["category"] == "正式党员" and m["status"] == "正常"]
            for m in self.members.get(b["id"], []):
                if m["category"] == "预备党员" and m["status"] in ACTIVE_STATUSES:
                    pid = self.add("dev_person", {**{k: m[k] for k in ("name", "sex", "ethnicity", "birth_date",
                                                                       "id_number", "education", "job", "workplace")},
                                                  "org_id": b["id"], "member_id": m["id"], "owner": m["owner"],
                                                  "introducer1_name": "", "introducer2_name": "",
                                                  "note": "由花名册中的预备党员建立"})
                    self.step(pid, "接收", dates.parse_iso(m["join_date"], allow_month=True), decision=RECEIVED)
            self.add("dev_plan", {"org_id": b["id"], "year": self.y0, "planned": r.choice((0, 1, 1, 2)),
                                  "note": ""})
            if len(full) < 3:
                continue
            roll = r.random()
            kinds = ["applicant"] if roll < 0.4 else []
            if r.random() < 0.35:
                kinds.append("activist")
            if r.random() < 0.2:
                kinds.append("candidate")
            if r.random() < 0.12:
                kinds.append("accepted")
            if r.random() < 0.08:
                kinds.append("converted")
            for kind in kinds:
                p = self.person(min_age=19 if kind == "applicant" else 24)
                if kind == "applicant":
                    applied = today - dt.timedelta(days=r.randint(5, 80))
                elif kind == "activist":
                    applied = today - dt.timedelta(days=r.randint(300, 600))
                elif kind == "candidate":
                    applied = today - dt.timedelta(days=r.randint(640, 800))
                elif kind == "accepted":
                    applied = today - dt.timedelta(days=r.randint(600, 700))
                else:
                    applied = today - dt.timedelta(days=r.randint(1300, 1400))
                pid = self.add("dev_person", {**p, "org_id": b["id"], "workplace": None, "introducer1_name": "",
                                              "introducer2_name": "", "note": ""})
                self.step(pid, "申请", applied)
                late_talk = not planted_late and kind == "activist"
                planted_late = planted_late or late_talk
                self.step(pid, "谈话", applied + dt.timedelta(days=35 if late_talk else r.randint(7, 25)))
                if kind == "applicant":
                    continue
                activist = applied + dt.timedelta(days=r.randint(40, 70))
                self.step(pid, "积极分子", activist, decision="支部委员会研究确定")
                end = today if kind == "activist" else activist + dt.timedelta(days=365)
                d = activist
                while (d := d + dt.timedelta(days=r.randint(150, 175))) < end:
                    self.step(pid, "考察", d, result="表现良好")
                if kind == "activist":
                    continue
                early = not planted_early and kind == "candidate"
                planted_early = planted_early or early
                candidate = dates.add_years(activist, 1) + dt.timedelta(days=-10 if early else r.randint(5, 30))
                self.step(pid, "发展对象", candidate, decision="支部委员会讨论，报镇党委备案")
                self.step(pid, "备案", candidate + dt.timedelta(days=r.randint(3, 10)))
                a, bb = r.sample(full, 2)
                self.rows["dev_person"][-1].update(introducer1_id=a["id"], introducer1_name=a["name"],
                                                   introducer2_id=bb["id"], introducer2_name=bb["name"])
                self.step(pid, "政审", candidate + dt.timedelta(days=r.randint(10, 30)), result="合格")
                self.step(pid, "培训", candidate + dt.timedelta(days=r.randint(20, 40)), hours=24,
                          decision=f"{self.town['name']}党委党校")
                if kind == "candidate":
                    continue
                pre = candidate + dt.timedelta(days=r.randint(45, 60))
                accepted = pre + dt.timedelta(days=r.randint(7, 25))
                self.step(pid, "预审", pre, result="合格")
                if accepted > today:
                    continue
                self.step(pid, "接收", accepted, decision="支部党员大会讨论通过")
                self.step(pid, "审批", accepted + dt.timedelta(days=r.randint(20, 60)), decision=f"{self.town['name']}党委")
                mid = self._member(p, b["id"], accepted)
                self.rows["dev_person"][-1]["member_id"] = mid
                if kind == "converted" and dates.add_years(accepted, 1) + dt.timedelta(days=20) <= today:
                    full_on = dates.add_years(accepted, 1) + dt.timedelta(days=r.randint(0, 20))
                    self.step(pid, "转正", full_on, decision="支部党员大会讨论通过")
                    member = self.rows["member"][-1]
                    member.update(category="正式党员", full_date=full_on.isoformat())
                    self.add("member_event", {"member_id": mid, "event_type": "预备转正", "event_date": full_on.isoformat(),
                                              "from_org_id": b["id"], "to_org_id": b["id"], "from_status": "正常",
                                              "to_status": "正常", "note": "支部党员大会讨论通过"})

    def _member(self, p: dict, org_id: str, joined: dt.date) -> str:
        """The roster row registry.add_member writes for an accepted person (and its 入党登记)."""
        mid = self.add("member", {**p, "org_id": org_id, "group_id": None, "name_pinyin": pinyin.sort_key(p["name"]),
                                  "name_initials": pinyin.initials(p["name"]), "join_date": joined.isoformat(),
                                  "full_date": None, "category": "预备党员", "person_class": None, "status": "正常",
                                  "phone": None, "address": None, "workplace": None, "is_mobile": 0,
                                  "mobile_whereabouts": None, "is_hardship": 0, "note": ""})
        self.add("member_event", {"member_id": mid, "event_type": "入党登记", "event_date": joined.isoformat(),
                                  "from_org_id": None, "to_org_id": org_id, "from_status": None, "to_status": "正常",
                                  "note": ""})
        return mid

    # ---- training, rewards, visits, talks -------------------------------------------------------------
    def records(self) -> None:
        r, today = self.rng, self.today
        town_party = f"中共{self.town['name']}委员会"
        punished = False
        photos = 0
        for b in self.branches:
            people = [m for m in self.members.get(b["id"], []) if m["status"] in ACTIVE_STATUSES]
            for kind, content, hours in r.sample(TRAINING, r.randint(2, 4)):
                day = (today - dt.timedelta(days=r.randint(0, 330))).isoformat()
                for m in people:
                    if r.random() < 0.8:
                        self.add("training_record", {"member_id": m["id"], "date": day, "kind": kind,
                                                     "content": content, "hours": hours,
                                                     "organiser": f"{self.town['name']}党委", "note": "",
                                                     "owner": m["owner"]})
            for m in people:
                if r.random() < 0.03:
                    self.add("reward_record", {"member_id": m["id"], "date": f"{self.y1}-07-01", "kind": "奖励",
                                               "title": "优秀共产党员", "decision": f"{self.town['name']}委发〔{self.y1}〕"
                                               f"{r.randint(10, 40)}号", "issuer": town_party, "note": "",
                                               "owner": m["owner"]})
            roles = self.roles.get(b["id"], {})
            secretary = roles.get("书记")
            if not punished and secretary and any(m["id"] == secretary for m in people) and r.random() < 0.3:
                punished = True
                self.add("reward_record", {"member_id": secretary, "date": self.day(self.y0, max(1, today.month - 2)),
                                           "kind": "处分", "title": "警告",
                                           "decision": f"{self.town['name']}纪委〔{self.y0}〕3号，违反工作纪律",
                                           "issuer": f"中共{self.town['name']}纪律检查委员会", "note": "",
                                           "owner": self.owner})
            for m in people:
                old = m["join_date"] < "1949-10-01"
                if not (m["is_hardship"] or old):
                    continue
                for _ in range(r.randint(1, 3)):
                    day = (today - dt.timedelta(days=r.randint(0, 360))).isoformat()
                    vid = self.add("care_visit", {"member_id": m["id"], "date": day,
                                                  "kind": r.choice(["走访慰问", "节日慰问", "生活帮扶"]),
                                                  "visitor": roles.get("书记_name", ""),
                                                  "content": r.choice(["送去慰问金和米面油", "了解生活和身体情况，帮助解决实际困难",
                                                                       "协助办理医疗救助"]),
                                                  "amount_fen": r.choice([20000, 30000, 50000]), "note": "",
                                                  "owner": m["owner"]})
                    if photos < 2 and r.random() < 0.3:
                        photos += 1
                        self._photo(visit_id=vid)
            if b["kind"] in ("村", "社区") and roles:
                for _ in range(r.randint(1, 2)):
                    names = [v for k, v in roles.items() if k.endswith("_name")]
                    tid = self.add("talk_record", {"org_id": b["id"], "date": (today - dt.timedelta(
                        days=r.randint(0, 300))).isoformat(), "talker": f"{self.town['name']}党委书记",
                        "participants": "、".join(names), "topic": r.choice(TALK_TOPICS),
                        "content": "逐一听取班子成员意见，分析存在问题，提出改进要求。", "note": ""})
                    if photos < 6 and r.random() < 0.4:
                        photos += 1
                        self._photo(talk_id=tid)

    def _photo(self, *, talk_id: str | None = None, visit_id: str | None = None) -> None:
        from ..attachments import store_attachment

        att = store_attachment(self.tx, _photo(self.rng), "谈心谈话.jpg" if talk_id else "走访慰问.jpg", "image/jpeg")
        self.add("ledger_photo", {"talk_id": talk_id, "visit_id": visit_id, "attachment_id": att, "note": ""})

    # ---- funds and cadres -----------------------------------------------------------------------
    def funds(self) -> None:
        r, today = self.rng, self.today
        below = False
        for b in self.branches:
            n = len([m for m in self.members.get(b["id"], []) if m["status"] in ACTIVE_STATUSES])
            for year in (self.y1, self.y0):
                if b["kind"] in ("机关", "事业单位"):
                    low = not below and b["kind"] == "事业单位" and year == self.y0
                    below = below or low
                    income = n * r.randrange(40000 if low else 60000, 45000 if low else 90000, 1000)
                    source = "单位列支"
                elif b["kind"] in ("村", "社区", "网格"):
                    income, source = r.randrange(300000, 800000, 10000), "财政拨付"
                else:
                    income, source = r.randrange(100000, 300000, 10000), "返还党费"
                account = "党建工作经费专户" if r.random() < 0.9 else ""
                self.add("fund_entry", {"org_id": b["id"], "year": year, "date": self.day(year, 2), "direction": "收入",
                                        "purpose": "党建工作经费", "source": source, "amount_fen": income,
                                        "account": account, "voucher": f"{year}-{r.randint(1, 99):02d}", "note": ""})
                months = 12 if year == self.y1 else max(1, today.month - 1)
                for purpose, share in PURPOSES:
                    if r.random() < 0.8:
                        amount = int(income * share * r.uniform(0.6, 0.95) * months / 12) // 100 * 100
                        if amount > 0:
                            self.add("fund_entry", {"org_id": b["id"], "year": year,
                                                    "date": self.day(year, r.randint(1, months)), "direction": "支出",
                                                    "purpose": purpose, "source": "", "amount_fen": amount,
                                                    "account": account, "voucher": f"{year}-{r.randint(100, 999)}",
                                                    "note": ""})

    def cadres(self) -> None:
        r = self.rng
        villages = [b for b in self.branches if b["kind"] == "村"]
        for i, b in enumerate(villages):
            if i == 0:
                continue  # a village without reserve cadres (a planted warning)
            young = [m for m in self.members.get(b["id"], []) if m["status"] == "正常" and m["category"] == "正式党员"
                     and self.today.year - int(m["birth_date"][:4]) <= 42]
            for m in r.sample(young, min(len(young), r.choice((1, 1, 2)))):
                self.add("reserve_cadre", {"org_id": b["id"], "member_id": m["id"], "name": m["name"], "sex": m["sex"],
                                           "birth_date": m["birth_date"], "education": m["education"],
                                           "since": self.day(self.y1, r.randint(3, 10)), "until": None, "note": ""})
