"""The 组织台账 figures read in bulk (registry.tree.tree_counts, registry.warnings.compute_warnings)
equal a straightforward reading of the same rules: the counts by walking each organisation's
subtree and counting its members with a query of their own, the warnings by the rules read one
organisation at a time with the due date worked out by hand. On random towns and a county with
planted cases: an organisation under another town's (shown at the top), a branch under a party
group, two open terms of one organisation, terms begun on 29 February and at a month's end,
siblings with the same sort order, members whose group is another branch's."""

from __future__ import annotations

import calendar
import datetime as dt
import random

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.registry import compute_warnings, init_office, org_tree, tree_counts
from dangjian_desktop.registry.completeness import missing_fields
from dangjian_desktop.registry.orgs import MAX_COMMITTEE
from dangjian_desktop.registry.status import ACTIVE_STATUSES
from dangjian_desktop.registry.tree import MemberCounts, member_counts

GROUP = "党小组"
ACTIVE = f"status IN ({', '.join(repr(s) for s in ACTIVE_STATUSES)})"
STATUSES = ["正常"] * 8 + ["失联", "失联", "已转出", "已去世", "停止党籍"]
ROLES = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员", "委员"]
TODAY = dt.date(2026, 3, 15)
PLANTED_START = "2024-02-29"  # a 2-year term extended by 12 months: due on 2027-02-28


# ---- a random town ---------------------------------------------------------------------------
def fill_town(tx, rng: random.Random, office_id: str, root: str, foreign_org: str | None, serial: list[int]) -> None:
    """Organisations, members, terms and committees of one town under its 党委 `root`."""
    orgs: list[dict] = []
    members: list[dict] = []

    def org(parent: str | None, name: str, org_type: str, sort_order: int, office: str = office_id) -> str:
        row = {"id": f"o-{office_id}-{len(orgs)}", "office_id": office, "parent_id": parent,
               "name": name, "org_type": org_type, "sort_order": sort_order, "owner": office_id}
        orgs.append(row)
        return row["id"]

    generals = [org(root, f"第{i}党总支", "党总支", rng.randint(1, 3)) for i in range(2)]
    branches: list[str] = []
    for i in range(14):  # sort orders repeat across parents (each parent numbers its own)
        branches.append(org(rng.choice([root, *generals]), f"第{i}村党支部", "党支部", rng.randint(1, 4)))
    if foreign_org:  # planted: under another town's organisation, so at the top of this town's tree
        branches.append(org(foreign_org, f"挂靠党支部{office_id[:4]}", "党支部", 1))
    groups: dict[str, list[str]] = {}
    for b in branches:
        groups[b] = [org(b, f"第{j}党小组", GROUP, rng.randint(1, 2)) for j in range(rng.randint(0, 3))]
    odd_group = next(g for gs in groups.values() for g in gs)
    branches.append(org(odd_group, "小组下的党支部", "党支部", 1))  # planted: a branch below a party group
    groups[branches[-1]] = []
    branches.append(org(root, "空党支部", "党支部", 9))  # no members at all
    groups[branches[-1]] = []
    all_groups = [g for gs in groups.values() for g in gs]

    for b in branches:
        for _ in range(rng.choice([0, 1, 2, 3, 4, 6, 9])):
            serial.append(0)
            n = len(serial)
            category = rng.choice(["正式党员", "正式党员", "预备党员"])
            group = rng.choice(groups[b] + [None]) if rng.random() < 0.9 else rng.choice(all_groups)
            missing = rng.random() < 0.15
            members.append({
                "id": f"m{n}", "org_id": b, "group_id": group, "name": f"党员{n}", "name_pinyin": f"dangyuan{n:05d}",
                "name_initials": "dy", "sex": rng.choice("男女"), "ethnicity": "未填" if missing else "汉族",
                "birth_date": "1980-01-01", "id_number": f"1101011980010{n:05d}",
                "education": rng.choice([None, " ", "大学"]) if missing else "大学",
                "join_date": (TODAY - dt.timedelta(days=30 + 7 * n % 997)).isoformat(),  # one member a day
                "category": category, "person_class": "农牧渔民", "job": None if missing else "农民",
                "status": rng.choice(STATUSES), "owner": office_id})
    tx.insert_many("org", orgs)
    tx.insert_many("member", members)
    tx.insert_many("member_event", [
        {"member_id": m["id"], "event_type": "失联", "event_date": f"2025-0{rng.randint(1, 9)}-01", "owner": office_id}
        for m in members if m["status"] == "失联" and rng.random() < 0.7])
    leaders = [m for m in members if m["group_id"]]
    for g in all_groups:
        if leaders and rng.random() < 0.5:
            tx.update("org", g, {"leader_member_id": rng.choice(leaders)["id"]})

    terms, committee = [], []
    for o in [root, *generals, *branches]:
        kind = rng.random()
        if kind < 0.15 and o != root:
            continue  # no term recorded
        starts = [PLANTED_START if o == root else rng.choice([
            PLANTED_START, "2023-01-31", "2023-08-31", "2024-03-15", "2025-12-31",
            (TODAY - dt.timedelta(days=rng.randint(0, 1200))).isoformat()])]
        if kind > 0.95:
            starts.append("2025-05-01")  # planted: two open terms of one organisation
        for start in starts:
            term = {"id": f"t-{office_id}-{len(terms)}", "org_id": o, "start_date": start,
                    "years": 2 if start == PLANTED_START else rng.choice([2, 3]),
                    "extension_months": 12 if start == PLANTED_START else rng.choice([0, 0, 0, 1, 6, 11, 12]),
                    "owner": office_id}
            terms.append(term)
            for k in range(rng.choice([0, 3, 5, 7, 8, 9])):
                committee.append({"term_id": term["id"], "name": f"委员{k}", "role": rng.choice(ROLES),
                                  "start_date": start, "owner": office_id,
                                  "end_date": "2025-01-01" if rng.random() < 0.2 else None})
        if kind < 0.3:  # an earlier term, ended
            terms.append({"id": f"t-{office_id}-{len(terms)}", "org_id": o, "start_date": "2019-01-01", "years": 3,
                          "extension_months": 0, "ended_on": "2022-01-01", "owner": office_id})
    tx.insert_many("committee_term", terms)
    tx.insert_many("committee_member", committee)


def make_town(path, seed: int) -> Database:
    db = Database.create(path)
    office = init_office(db, name="测试镇", level="town")
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    rng, serial = random.Random(seed), []
    with db.transaction("随机的镇") as tx:
        # Another town's organisation, brought for a cross-assessment: no part of this town's figures.
        other = tx.insert("office", {"name": "邻镇", "level": "town", "parent_id": None})
        foreign = tx.insert("org", {"office_id": other, "parent_id": None, "name": "邻镇党委", "org_type": "党委"})
        tx.insert("org", {"office_id": other, "parent_id": foreign, "name": "邻镇党支部", "org_type": "党支部"})
        fill_town(tx, rng, office, root, foreign, serial)
    return db


def make_county(path, seed: int) -> Database:
    db = Database.create(path)
    county = init_office(db, name="测试县", level="county")
    rng, serial = random.Random(seed), []
    with db.transaction("随机的县") as tx:
        for name in ("甲镇", "乙镇"):
            town = tx.insert("office", {"name": name, "level": "town", "parent_id": county})
            root = tx.insert("org", {"office_id": town, "parent_id": None, "name": f"{name}党委", "org_type": "党委"})
            fill_town(tx, rng, town, root, None, serial)
    return db


# ---- the straightforward readings ------------------------------------------------------------
def naive_counts(db: Database, office_id: str | None) -> dict[str, MemberCounts]:
    """Each organisation's members: its own (a group: those in it) and those registered in each
    organisation below it reached without passing a party group."""
    where = "WHERE office_id = ?" if office_id else ""
    orgs = {r["id"]: r for r in db.query(f"SELECT id, parent_id, org_type FROM org {where}",
                                         (office_id,) if office_id else ())}

    def below(oid: str) -> list[str]:
        out = []
        for k, r in orgs.items():
            if r["parent_id"] == oid and r["org_type"] != GROUP:
                out += [k, *below(k)]
        return out

    def count(column: str, ids: list[str]) -> MemberCounts:
        if not ids:
            return MemberCounts()
        cats = [r[0] for r in db.query(f"SELECT category FROM member WHERE {ACTIVE} AND {column} IN "
                                       f"({', '.join('?' for _ in ids)})", ids)]
        return MemberCounts(len(cats), cats.count("正式党员"), cats.count("预备党员"))

    out = {}
    for oid, r in orgs.items():
        own = count("group_id" if r["org_type"] == GROUP else "org_id", [oid])
        out[oid] = own.plus(count("org_id", below(oid)))
    return out


def due_by_hand(start: str, years: int, months: int) -> dt.date:
    d = dt.date.fromisoformat(start)
    y = d.year + years
    d = dt.date(y, d.month, min(d.day, calendar.monthrange(y, d.month)[1]))
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def cn(d) -> str:
    d = dt.date.fromisoformat(d) if isinstance(d, str) else d
    return f"{d.year}年{d.month}月{d.day}日"


def naive_warnings(db: Database, today: dt.date, office_id: str | None = None) -> list[dict]:
    """The rules read one organisation and one member at a time, in the order the page lists them."""
    local = db.one("SELECT o.* FROM office o JOIN meta m ON m.value = o.id AND m.key = 'local_office_id'")
    held = office_id or (local["id"] if local["level"] == "town" else None)
    o_filter, p_office = ("AND o.office_id = ?", [held]) if held else ("", [])
    m_filter, p_member = ("AND o.office_id = ?", [office_id]) if office_id else ("", [])
    out = []

    def warn(code, level, message, org_id, org_name, member_id=None, office=None):
        out.append({"code": code, "level": level, "message": message, "org_id": org_id, "org_name": org_name,
                    "member_id": member_id, "office_id": office})

    # The organisations in the order of the page's list (office, sort order; as before).
    for o in db.query(f"""SELECT o.id, o.name, o.office_id, t.id AS term, t.start_date, t.years, t.extension_months
            FROM org o LEFT JOIN committee_term t ON t.org_id = o.id AND t.ended_on IS NULL
            WHERE o.org_type IN ('党委', '党总支', '党支部') {o_filter} ORDER BY o.office_id, o.sort_order""", p_office):
        name, where = o["name"], (o["id"], o["name"])
        if o["term"] is None:
            warn("no_term", "提醒", f"{name}未录入支委班子换届信息", *where, office=o["office_id"])
            warn("secretary_vacant", "严重", f"{name}书记空缺", *where, office=o["office_id"])
            continue
        sitting = [r["role"] for r in db.query("SELECT role FROM committee_member WHERE term_id = ? "
                                               "AND end_date IS NULL", (o["term"],))]
        due = due_by_hand(o["start_date"], o["years"], o["extension_months"])
        left = (due - today).days
        if left < 0:
            warn("term_expired", "严重", f"{name}任期已于{cn(due)}届满，已超期{-left}天未换届", *where, office=o["office_id"])
        elif left <= 90:
            warn("term_due", "提醒", f"{name}任期将于{cn(due)}届满（还有{left}天），请准备换届", *where,
                 office=o["office_id"])
        if "书记" not in sitting:
            warn("secretary_vacant", "严重", f"{name}书记空缺", *where, office=o["office_id"])
        if len(sitting) > MAX_COMMITTEE:
            warn("committee_too_large", "严重", f"{name}支委会有{len(sitting)}人，超过{MAX_COMMITTEE}人的上限", *where,
                 office=o["office_id"])
    for o in db.query(f"SELECT o.id, o.name, o.office_id FROM org o WHERE o.org_type = '党支部' {o_filter}", p_office):
        full = db.scalar(f"SELECT count(*) FROM member WHERE org_id = ? AND category = '正式党员' AND {ACTIVE}", (o["id"],))
        if full < 3:
            warn("too_few_members", "严重", f"{o['name']}只有{full}名正式党员，不足3人", o["id"], o["name"],
                 office=o["office_id"])
    for g in db.query(f"""SELECT o.id, o.name, o.office_id, p.name AS branch FROM org o JOIN org p ON p.id = o.parent_id
            WHERE o.org_type = '党小组' AND o.leader_member_id IS NULL {o_filter}
            ORDER BY o.office_id, p.sort_order, o.sort_order""", p_office):
        warn("group_leader_vacant", "提醒", f"{g['branch']}{g['name']}未设组长", g["id"], f"{g['branch']}{g['name']}",
             office=g["office_id"])
    year_ago = dt.date(today.year - 1, today.month, min(today.day, 28 if today.month == 2 else 31)).isoformat()
    for m in db.query(f"""SELECT m.id, m.name, m.join_date, o.id AS org_id, o.name AS org_name, o.office_id
            FROM member m JOIN org o ON o.id = m.org_id WHERE m.category = '预备党员' AND m.{ACTIVE}
            AND m.join_date < ? {m_filter} ORDER BY m.join_date""", [year_ago] + p_member):
        warn("probation_overdue", "严重", f"{m['org_name']}预备党员{m['name']}于{cn(m['join_date'])}入党，"
             f"预备期已满一年，尚未办理转正", m["org_id"], m["org_name"], m["id"], m["office_id"])
    for m in db.query(f"""SELECT m.id, m.name, o.id AS org_id, o.name AS org_name, o.office_id FROM member m
            JOIN org o ON o.id = m.org_id WHERE m.status = '失联' {m_filter} ORDER BY m.name_pinyin""", p_member):
        since = db.scalar("SELECT max(event_date) FROM member_event WHERE member_id = ? AND event_type = '失联'",
                          (m["id"],))
        warn("lost_contact", "提醒", f"{m['org_name']}党员{m['name']}{f'自{cn(since)}起' if since else ''}失去联系",
             m["org_id"], m["org_name"], m["id"], m["office_id"])
    for m in db.query(f"""SELECT m.*, o.name AS org_name, o.office_id FROM member m JOIN org o ON o.id = m.org_id
            WHERE m.{ACTIVE} {m_filter} ORDER BY o.sort_order, m.name_pinyin""", p_member):
        if missing_fields(m):
            warn("incomplete", "提醒", f"{m['org_name']}党员{m['name']}信息不全：缺{'、'.join(missing_fields(m))}，请补全",
                 m["org_id"], m["org_name"], m["id"], m["office_id"])
    return out


# ---- the comparisons -------------------------------------------------------------------------
def check(db: Database, own_office: str | None) -> None:
    expected = naive_counts(db, own_office)
    counts = tree_counts(db)
    assert counts == expected
    assert org_tree(db).counts == expected
    assert member_counts(db) == naive_direct(db)
    assert db.scalar("SELECT count(*) FROM committee_term WHERE start_date = ? AND ended_on IS NULL", (PLANTED_START,))
    due = due_by_hand(PLANTED_START, 2, 12)
    assert due == dt.date(2027, 2, 28)  # around it: due in 91 and 90 days, due today, overdue by a day
    days = [TODAY, due - dt.timedelta(days=91), due - dt.timedelta(days=90), due, due + dt.timedelta(days=1),
            dt.date(2028, 2, 29)]
    for today in days:
        want = naive_warnings(db, today)
        assert [w.to_dict() for w in compute_warnings(db, today, counts=counts)] == want, today
        assert [w.to_dict() for w in compute_warnings(db, today)] == want, today
    for (office,) in db.query("SELECT id FROM office"):
        assert [w.to_dict() for w in compute_warnings(db, TODAY, office_id=office)] == naive_warnings(db, TODAY, office)


def naive_direct(db: Database) -> dict[str, MemberCounts]:
    out: dict[str, MemberCounts] = {}
    for r in db.query(f"SELECT org_id, category FROM member WHERE {ACTIVE}"):
        one = MemberCounts(1, r["category"] == "正式党员", r["category"] == "预备党员")
        out[r["org_id"]] = out.get(r["org_id"], MemberCounts()).plus(one)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_towns_figures_equal_the_straightforward_reading(tmp_path, seed):
    db = make_town(tmp_path / "town.sqlite", seed)
    try:
        codes = {w.code for w in compute_warnings(db, TODAY)}
        assert codes >= {"no_term", "term_expired", "secretary_vacant", "committee_too_large", "too_few_members",
                         "probation_overdue", "lost_contact", "group_leader_vacant", "incomplete"}
        check(db, db.local_office_id)
        counts = tree_counts(db)
        other = db.scalar("SELECT id FROM org WHERE name = '邻镇党支部'")
        assert other not in counts  # another town's organisation: no part of this town's tree
        top = db.scalar("SELECT id FROM org WHERE name LIKE '挂靠党支部%'")
        assert counts[top] == naive_counts(db, db.local_office_id)[top]
    finally:
        db.close()


def test_a_countys_figures_equal_the_straightforward_reading(tmp_path):
    db = make_county(tmp_path / "county.sqlite", 7)
    try:
        check(db, None)
    finally:
        db.close()
