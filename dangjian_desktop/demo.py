"""A realistic generated office for trying the program and for benchmarks.

Repeatable for a seed: the same seed gives the same organisations, people and numbers
(row ids included). Dates are placed relative to today so that the warnings it is meant
to show (expired terms, overdue probation, lost contact …) are always present.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
import importlib
import importlib.util
import random
from typing import Callable

from . import dates, pinyin
from .db import Database, Tx
from .db.ids import seeded_id
from .errors import UserError
from .registry import idcard
from .registry.offices import local_office

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
            "万钱严覃武戴莫孔向汤")
GIVEN_M = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛"
GIVEN_F = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
ETHNIC = [("汉族", 92), ("回族", 2), ("满族", 2), ("蒙古族", 1), ("壮族", 1), ("苗族", 1), ("土家族", 1)]
PLACES = "东西南北前后上下中新大小高长"
PLACE2 = "河山庄营堡寨沟湾坡岭塘桥林坪头店集屯铺"
TOWN_CHARS = "泉阳城安平丰和兴华宁福庆永清德宝古龙凤桃李柳杨横古渡"
WHEREABOUTS = ("广东省广州市", "广东省深圳市", "浙江省杭州市", "江苏省苏州市", "上海市", "北京市", "福建省厦门市")
REGION = "140826"  # all demo IDs are issued in one county

# (kind, org name pattern, how many per town, member range)
BRANCH_PLAN = [
    ("村", "{}村党支部", 14, (40, 100)),
    ("社区", "{}社区党支部", 2, (20, 50)),
    ("机关", "{}镇机关党支部", 1, (15, 35)),
    ("机关", "{}镇综合执法队党支部", 1, (8, 15)),
    ("事业单位", "{}镇中心小学党支部", 1, (10, 25)),
    ("事业单位", "{}镇卫生院党支部", 1, (8, 20)),
    ("企业", "{}农业发展有限公司党支部", 1, (5, 15)),
    ("企业", "{}建材有限公司党支部", 1, (5, 12)),
    ("社会组织", "{}镇志愿者协会党支部", 1, (3, 3)),
]


class _Gen:
    def __init__(self, db: Database, rng: random.Random, today: dt.date):
        self.db, self.rng, self.today = db, rng, today
        self.used_ids: set[str] = set()
        self.used_names: set[str] = set()

    # ---- people ---------------------------------------------------------------------
    def person(self, *, min_age=20, max_age=85) -> dict:
        r = self.rng
        male = r.random() < 0.68
        age_days = r.randint(min_age * 365 + 30, max_age * 365)
        born = self.today - dt.timedelta(days=age_days)
        name = r.choice(SURNAMES) + "".join(r.choice(GIVEN_M if male else GIVEN_F)
                                            for _ in range(1 if r.random() < 0.3 else 2))
        while True:
            idn = idcard.make(REGION, born, r.randint(0, 99), male)
            if idn not in self.used_ids:
                break
        self.used_ids.add(idn)
        return {"name": name, "sex": "男" if male else "女", "birth_date": born.isoformat(), "id_number": idn,
                "ethnicity": r.choices([e for e, _ in ETHNIC], [w for _, w in ETHNIC])[0]}

    def member_row(self, org_id: str, owner: str, kind: str, *, group_id=None, probationary=False,
                   overdue=False) -> dict:
        r = self.rng
        p = self.person(min_age=22 if probationary else 24)
        born = dates.parse_iso(p["birth_date"])
        eighteen = dates.add_years(born, 18)
        if probationary:
            days = r.randint(400, 600) if overdue else r.randint(20, 340)
            joined = max(self.today - dt.timedelta(days=days), eighteen + dt.timedelta(days=30))
            category, full = "预备党员", None
        else:
            earliest = eighteen + dt.timedelta(days=10)
            latest = self.today - dt.timedelta(days=420)
            if latest <= earliest:
                latest = earliest + dt.timedelta(days=1)
            joined = earliest + dt.timedelta(days=r.randint(0, min((latest - earliest).days,
                                                                    r.choice([3650, 7300, 20000]))))
            category, full = "正式党员", dates.add_years(joined, 1)
        age = (self.today - born).days // 365
        if age >= 62 and kind in ("村", "社区"):
            pclass, job = "离退休人员" if r.random() < 0.4 else "农牧渔民", "离退休人员" if r.random() < 0.4 else "农牧渔民"
        else:
            pclass, job = {
                "村": ("农牧渔民", "农牧渔民"), "社区": ("在岗职工", "社会组织从业人员"),
                "机关": ("在岗职工", "公务员"), "事业单位": ("在岗职工", "事业单位专业技术人员"),
                "企业": ("在岗职工", "企业管理人员"), "社会组织": ("在岗职工", "社会组织从业人员"),
                "网格": ("在岗职工", "自由职业人员"),
            }[kind]
        edu = r.choice(["初中", "普通高中", "中等专科"]) if age > 55 else r.choice(
            ["大学本科", "大学专科", "普通高中", "硕士研究生"] if kind in ("机关", "事业单位") else
            ["初中", "普通高中", "大学专科", "大学本科"])
        if age > 80:
            edu = r.choice(["小学", "初中"])
        mobile = kind == "村" and 22 <= age <= 50 and r.random() < 0.12
        row = {
            **p, "education": edu, "join_date": joined.isoformat() if r.random() > 0.05 else joined.strftime("%Y-%m"),
            "full_date": full.isoformat() if full else None, "category": category, "person_class": pclass,
            "job": job, "status": "正常", "phone": f"1{r.choice('3578')}{r.randint(0, 999999999):09d}",
            "address": None, "workplace": None, "is_mobile": 1 if mobile else 0,
            "mobile_whereabouts": r.choice(WHEREABOUTS) if mobile else None,
            "is_hardship": 1 if age > 70 and r.random() < 0.1 else 0, "note": "",
            "org_id": org_id, "group_id": group_id, "owner": owner, "id": self.sid(),
        }
        if row["join_date"] and len(row["join_date"]) == 7 and full:
            row["full_date"] = dates.add_years(dates.parse_iso(row["join_date"], allow_month=True), 1).isoformat()
        row["name_pinyin"] = pinyin.sort_key(row["name"])
        row["name_initials"] = pinyin.initials(row["name"])
        return row

    # ---- one town -------------------------------------------------------------------
    def town(self, tx: Tx, office_id: str, town_name: str, root_id: str, owner: str) -> None:
        r = self.rng
        self.sid = partial(tx.ids.seeded, partial(seeded_id, r))  # repeatable global ids (db/local_ids.py)
        short = town_name.rstrip("镇乡街道")
        orgs, members, events, terms, committee = [], [], [], [], []

        def org(name, org_type, kind, parent):
            row = {"id": self.sid(), "office_id": office_id, "parent_id": parent, "name": name,
                   "org_type": org_type, "kind": kind, "sort_order": len(orgs) + 1, "owner": owner,
                   "founded_on": (self.today - dt.timedelta(days=r.randint(3000, 20000))).isoformat(), "note": ""}
            orgs.append(row)
            return row["id"]

        branches = []  # (id, kind, size)
        for kind, pattern, count, size in BRANCH_PLAN:
            for _ in range(count):
                while True:
                    base = r.choice(PLACES) + r.choice(PLACE2) if kind in ("村", "社区") else short
                    name = pattern.format(base)
                    if (office_id, name) not in self.used_names:
                        break
                    if kind not in ("村", "社区"):
                        name = pattern.format(base + str(count))
                        break
                self.used_names.add((office_id, name))
                branches.append((org(name, "党支部", kind, root_id), kind, r.randint(*size)))
        # A community 党总支 with two 网格 branches (seed 003: 社区党总支—网格党支部).
        zongzhi = org(f"{short}中心社区党总支", "党总支", "社区", root_id)
        for i in ("一", "二"):
            branches.append((org(f"{short}中心社区第{i}网格党支部", "党支部", "网格", zongzhi), "网格",
                             r.randint(12, 30)))

        small_branch = next(b for b in branches if b[1] == "社会组织")[0]
        vacant_branch = branches[3][0]
        big_committee_branch = branches[1][0]
        for bid, kind, size in branches:
            groups = []
            if size >= 40:
                for g in range(size // 25):
                    groups.append(org(f"第{'一二三四五六'[g]}党小组", "党小组", None, bid))
            for i in range(size):
                probation = r.random() < 0.04
                if bid == small_branch:
                    probation = i == 2
                overdue = probation and r.random() < 0.15
                row = self.member_row(bid, owner, kind, group_id=r.choice(groups) if groups else None,
                                      probationary=probation, overdue=overdue)
                members.append(row)
                events.append({"id": self.sid(), "member_id": row["id"], "event_type": "入党登记",
                               "event_date": dates.parse_iso(row["join_date"], allow_month=True).isoformat(),
                               "to_org_id": bid, "to_status": "正常", "owner": owner, "note": ""})
                if r.random() < 0.004:
                    row["status"] = "失联"
                    events.append({"id": self.sid(), "member_id": row["id"], "event_type": "失联",
                                   "event_date": (self.today - dt.timedelta(days=r.randint(30, 900))).isoformat(),
                                   "to_org_id": bid, "from_status": "正常", "to_status": "失联",
                                   "owner": owner, "note": "多次联系未果"})
        by_org: dict[str, list[dict]] = {}
        for m in members:
            by_org.setdefault(m["org_id"], []).append(m)
        # Committees: the 党委, the 党总支 and every branch.
        for oid in [root_id, zongzhi] + [b[0] for b in branches]:
            years = 3 if r.random() < 0.8 else 2
            # Mostly current terms; a few overdue, a few due within 90 days.
            roll = r.random()
            if roll < 0.08:
                start = dates.add_years(self.today, -years) - dt.timedelta(days=r.randint(10, 200))
            elif roll < 0.16:
                start = dates.add_years(self.today, -years) + dt.timedelta(days=r.randint(5, 85))
            else:
                start = self.today - dt.timedelta(days=r.randint(30, years * 365 - 120))
            tid = self.sid()
            terms.append({"id": tid, "org_id": oid, "start_date": start.isoformat(), "years": years,
                          "extension_months": 0, "extension_approval": "", "note": "", "owner": owner})
            pool = [m for m in by_org.get(oid, []) if m["category"] == "正式党员"] or \
                   [m for b in branches[:3] for m in by_org.get(b[0], []) if m["category"] == "正式党员"]
            size = 8 if oid == big_committee_branch else min(len(pool), r.choice([3, 3, 5, 5, 7]))
            roles = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员", "委员", "委员"][:size]
            if size == 3:
                roles = ["书记", "组织委员", "宣传委员"]
            if oid == vacant_branch:
                roles = roles[1:]
            for role, m in zip(roles, r.sample(pool, min(size, len(pool)))):
                committee.append({"id": self.sid(), "term_id": tid, "member_id": m["id"],
                                  "name": m["name"], "role": role, "start_date": start.isoformat(), "owner": owner})
        tx.insert_many("org", orgs)
        tx.insert_many("member", members)
        tx.insert_many("member_event", events)
        tx.insert_many("committee_term", terms)
        tx.insert_many("committee_member", committee)
        # 党小组长: one of each group's members; the town's first group is left without one
        # (a planted warning).
        by_group: dict[str, list[str]] = {}
        for m in members:
            if m["group_id"] and m["status"] == "正常":
                by_group.setdefault(m["group_id"], []).append(m["id"])
        for i, gid in enumerate(g for g in (o["id"] for o in orgs) if g in by_group):
            if i:
                tx.update("org", gid, {"leader_member_id": r.choice(by_group[gid])})


def _town_names(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(TOWN_CHARS) + rng.choice(TOWN_CHARS) + "镇"
        if name[0] != name[1] and name not in names:
            names.append(name)
    return names


def _office_settings(db: Database, office, rng: random.Random) -> None:
    """What the publicity sheets print at the bottom: issuer and where to send objections."""
    from .registry import set_setting

    name = office["name"]
    county = office["level"] == "county"
    values = {
        "publicity_issuer": f"中共{name}委员会" + ("组织部" if county else ""),
        "publicity_contact_office": f"{name}委组织部" if county else f"{name}党委组织办",
        "publicity_contact_phone": f"0359-{rng.randint(7000000, 7999999)}",
        "publicity_contact_address": f"{name}人民政府大院{'组织部' if county else '党建办公室'}",
    }
    for key, value in values.items():
        set_setting(db, key, value)


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent package is not there either
        return False


# The ledgers come before points: the members they accept this year are in the points demo's reviews.
EXTENSIONS = ("dangjian_desktop.assessment.demo", "dangjian_desktop.ledgers.demo",
              "dangjian_desktop.assessment.plaque_results", "dangjian_desktop.points.demo")
#: How the progress line names each extension's data (every line a user sees is Chinese).
EXTENSION_LABELS = {"dangjian_desktop.assessment.demo": "年度考核", "dangjian_desktop.points.demo": "党员积分与会议",
                    "dangjian_desktop.ledgers.demo": "党费、发展党员等台账",
                    "dangjian_desktop.assessment.plaque_results": "挂牌"}


def office_is_empty(db: Database) -> bool:
    """No organisation below the root and no member: what a new database holds (demo data go only there)."""
    return not (db.scalar("SELECT count(*) FROM member")
                or db.scalar("SELECT count(*) FROM org WHERE parent_id IS NOT NULL"))


def generate(db: Database, *, towns: int | None = None, seed: int = 1,
             progress: Callable[[str], None] | None = None, today: dt.date | None = None) -> dict:
    """Fill an initialised, empty office database. Returns counts.

    All of it is one unit of work: a run cut short (killed, power lost, disk full) leaves the
    database as empty as it was, so that the demo can simply be run again.
    """
    office = local_office(db)
    if not office_is_empty(db):
        raise UserError("数据库中已有组织或党员，演示数据只能生成到新建的空数据库中")
    if office["level"] == "county":
        n = 3 if towns is None else towns  # 0 is refused, not taken for the default
        if not 1 <= n <= 200:
            raise UserError("乡镇数量应在1到200之间")
        reason = f"生成演示数据（{n}个乡镇）"
    else:
        if towns not in (None, 1):
            raise UserError("乡镇数据库只包含本镇，只有县级数据库才能指定乡镇数量")
        n, reason = 1, "生成演示数据"
    today = today or dates.today()
    say = progress or (lambda _m: None)
    with db.transaction(reason):  # the units of work below join this one
        _fill(db, office, n, seed, today, say)
    return {
        "offices": db.scalar("SELECT count(*) FROM office"),
        "branches": db.scalar("SELECT count(*) FROM org WHERE org_type = '党支部'"),
        "members": db.scalar("SELECT count(*) FROM member"),
    }


def _fill(db: Database, office, n: int, seed: int, today: dt.date, say: Callable[[str], None]) -> None:
    rng = random.Random(seed)
    gen = _Gen(db, rng, today)
    if office["level"] == "county":
        with db.transaction(f"生成演示数据（{n}个乡镇）") as tx:
            for name in _town_names(rng, n):
                tid = seeded_id(rng)
                tx.insert("office", {"id": tid, "name": name, "level": "town", "parent_id": office["id"],
                                     "owner": tid})
                root = tx.ids.seeded(partial(seeded_id, rng))
                tx.insert("org", {"id": root, "office_id": tid, "parent_id": None, "name": f"{name}党委",
                                  "org_type": "党委", "owner": tid})
                say(f"生成{name}的组织和党员")
                gen.town(tx, tid, name, root, tid)
    else:
        root = db.scalar("SELECT id FROM org WHERE office_id = ? AND parent_id IS NULL", (office["id"],))
        with db.transaction("生成演示数据") as tx:
            say(f"生成{office['name']}的组织和党员")
            gen.town(tx, office["id"], office["name"], root, office["id"])
    _office_settings(db, office, rng)
    for module in EXTENSIONS:
        if _module_exists(module):
            say(f"生成{EXTENSION_LABELS.get(module, '其他')}演示数据")
            importlib.import_module(module).populate(db, random.Random(f"{seed}-{module}"), today)


def ensure_demo_database(path, *, name: str = "演示镇", seed: int = 1) -> bool:
    """Make the demo town database at `path`, or finish one whose making was cut short (the
    office not yet set up, or no demo data yet). Returns True when it generated the data.
    A demo database that another program has open is left as it is."""
    from pathlib import Path

    from .registry import init_office

    path = Path(path)
    db = Database.open(path, mode="auto") if path.exists() else Database.create(path)
    try:
        if db.readonly:
            return False
        if not db.local_office_id:
            init_office(db, name=name, level="town")
        if not office_is_empty(db):
            return False
        generate(db, seed=seed)
        return True
    finally:
        db.close()
