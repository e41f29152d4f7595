"""The organisation tree (党委 → 党总支 → 党支部 → 党小组) and committees with their terms."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from .. import dates
from ..db import Database
from ..errors import UserError, ValidationError
from .status import ACTIVE_STATUSES
from .validation import _PHONE, is_person_name, one_line
from .offices import held_office

ORG_TYPES = ("党委", "党总支", "党支部", "党小组")
KINDS = ("村", "社区", "机关", "事业单位", "企业", "社会组织", "网格")
ROLES = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员")
SINGLE_ROLES = ("书记",)  # roles only one person may hold at a time
MAX_COMMITTEE = 7
NAME_MAX = 50  # an organisation's name: the longest real ones (中共…有限责任公司第一党支部) have about 30

# Which parent types each type may hang under (None: top of an office's tree).
ALLOWED_PARENTS = {
    "党委": (None, "党委"),
    "党总支": ("党委",),
    "党支部": ("党委", "党总支"),
    "党小组": ("党支部", "党总支"),
}


def subtree_ids(db: Database, org_id: str) -> list[str]:
    rows = db.query("""WITH RECURSIVE t(id) AS (SELECT ? UNION ALL
                       SELECT o.id FROM org o JOIN t ON o.parent_id = t.id) SELECT id FROM t""", (org_id,))
    return [r[0] for r in rows]


def children(db: Database, parent_id: str | None, office_id: str | None = None) -> list:
    if parent_id is None:
        return db.query("SELECT * FROM org WHERE parent_id IS NULL AND office_id = ? ORDER BY sort_order, name",
                        (office_id,))
    return db.query("SELECT * FROM org WHERE parent_id = ? ORDER BY sort_order, name", (parent_id,))


def party_groups(db: Database, branch_id: str | None) -> list:
    """The 党小组 of a branch in tree order (none for no branch)."""
    return [o for o in children(db, branch_id) if o["org_type"] == "党小组"] if branch_id else []


def org_named(db: Database, name: str, office_id: str | None = None):
    """The organisation a user named (with its town as `town`), in one office or in any; a
    UserError naming similar branches when there is none, or the towns when several share the name."""
    name = (name or "").strip()
    office_id = office_id or held_office(db)
    sql = "SELECT o.*, f.name AS town FROM org o JOIN office f ON f.id = o.office_id WHERE o.name = ?"
    params: list = [name]
    if office_id:
        sql += " AND o.office_id = ?"
        params.append(office_id)
    hits = db.query(sql, params)
    if not hits:
        like = db.query("SELECT name FROM org WHERE name LIKE ? AND org_type IN ('党支部', '党总支') LIMIT 5",
                        (f"%{name}%",))
        hint = f"（相近的有：{'、'.join(r[0] for r in like)}）" if like else ""
        raise UserError(f"找不到党组织“{name}”{hint}。")
    if len(hits) > 1:
        towns = [h["town"] for h in hits]
        if len(set(towns)) == len(towns):  # one in each town: the town tells them apart
            raise UserError(f"有{len(hits)}个党组织叫“{name}”（{'、'.join(towns)}），请用 --town 指明乡镇。")
        # Several in one town (a 第一党小组 in every branch): named by the organisations above them.
        parents = [db.scalar("SELECT name FROM org WHERE id = ?", (h["parent_id"],)) or "" for h in hits]
        shown = "、".join(p for p in parents[:5] if p) + ("等" if len(hits) > 5 else "")
        kind = hits[0]["org_type"] if len({h["org_type"] for h in hits}) == 1 else "党组织"
        raise UserError(f"有{len(hits)}个{kind}叫“{name}”（分属{shown}），名称不能区分它们："
                        f"请写党支部的名称（如“{parents[0] or '某某村党支部'}”）。")
    return hits[0]


def _check_org(db: Database, values: dict, org_id: str | None = None) -> dict:
    v = dict(values)
    err = {}
    v["name"] = one_line(v.get("name"))  # a name pasted with a line break is the same name
    if not v["name"]:
        err["name"] = "组织名称不能为空"
    elif len(v["name"]) > NAME_MAX:
        err["name"] = f"组织名称最多{NAME_MAX}个字，这里有{len(v['name'])}个字"
    for key in ("address", "note"):
        if v.get(key):
            v[key] = one_line(v[key])
    if v.get("org_type") not in ORG_TYPES:
        err["org_type"] = "组织类型应为党委、党总支、党支部或党小组"
    parent = db.get("org", v["parent_id"]) if v.get("parent_id") else None
    if v.get("parent_id") and parent is None:
        err["parent_id"] = "上级组织不存在"
    if "org_type" not in err:
        ptype = parent["org_type"] if parent else None
        if ptype not in ALLOWED_PARENTS[v["org_type"]]:
            err["parent_id"] = (f"{v['org_type']}不能设在{ptype or '最上层'}之下"
                                f"（可设在：{'、'.join(p or '最上层' for p in ALLOWED_PARENTS[v['org_type']])}）")
    kind = v.get("kind") or None
    v["kind"] = kind
    if kind is not None and kind not in KINDS:
        err["kind"] = f"支部类别应为：{'、'.join(KINDS)}"
    if v.get("org_type") == "党支部" and kind is None:
        err["kind"] = "党支部须选择类别（村、社区、机关、事业单位、企业、社会组织、网格）"
    if v.get("founded_on"):
        if not dates.is_iso_date(v["founded_on"]):
            err["founded_on"] = "成立日期格式应为2020-07-01"
        elif dates.parse_iso(v["founded_on"]) > dates.today():
            err["founded_on"] = "成立日期不能晚于今天"
    if v.get("phone"):
        v["phone"] = str(v["phone"]).strip().replace(" ", "")
        if not _PHONE.match(v["phone"]):
            err["phone"] = "联系电话应为11位手机号或带区号的固定电话（如0359-7651234）"
    if parent is not None:
        v["office_id"] = parent["office_id"]
    if org_id and v.get("parent_id") and v["parent_id"] in subtree_ids(db, org_id):
        err["parent_id"] = "不能把组织移到它自己的下级之下"
    if "name" not in err and v.get("office_id"):
        clash = db.scalar("SELECT id FROM org WHERE office_id = ? AND ifnull(parent_id,'') = ifnull(?, '') "
                          "AND name = ? AND id != ifnull(?, '')",
                          (v["office_id"], v.get("parent_id"), v["name"], org_id))
        if clash:
            err["name"] = f"同一上级下已有名为“{v['name']}”的组织"
    if err:
        raise ValidationError(err)
    return v


def add_org(db: Database, *, parent_id: str | None, name: str, org_type: str, kind: str | None = None,
            office_id: str | None = None, founded_on: str | None = None, phone: str | None = None,
            address: str | None = None, note: str = "", sort_order: int | None = None) -> str:
    values = dict(parent_id=parent_id, name=name, org_type=org_type, kind=kind,
                  office_id=office_id or db.local_office_id, founded_on=founded_on or None,
                  phone=phone, address=address, note=note or "")
    v = _check_org(db, values)
    if sort_order is None:
        sort_order = (db.scalar("SELECT max(sort_order) FROM org WHERE ifnull(parent_id,'') = ifnull(?, '')",
                                (parent_id,)) or 0) + 1
    v["sort_order"] = sort_order
    owner = db.scalar("SELECT owner FROM office WHERE id = ?", (v["office_id"],))
    with db.transaction(f"新增{org_type} {v['name']}") as tx:
        return tx.insert("org", {**v, "owner": owner or tx.owner})


def update_org(db: Database, org_id: str, values: dict, *, expected_rev: int | None = None) -> None:
    current = db.get("org", org_id)
    if current is None:
        raise UserError("组织不存在")
    merged = {k: current[k] for k in ("parent_id", "name", "org_type", "kind", "office_id", "founded_on",
                                       "phone", "address", "note")}
    merged.update(values)
    v = _check_org(db, merged, org_id)
    if v["org_type"] != current["org_type"] and db.scalar("SELECT 1 FROM org WHERE parent_id = ?", (org_id,)):
        raise UserError("该组织下已有下级组织，不能改变组织类型")
    check_members_stay(db, current, v)
    with db.transaction(f"修改组织 {v['name']}") as tx:
        tx.update("org", org_id, v, expected_rev=expected_rev)


def check_members_stay(db: Database, current, values: dict) -> None:
    """Members belong to a 党支部 (or 党总支, 党委) and may be in one of its 党小组: an organisation
    whose members would then be in no branch, or in a group of another branch, is not changed so.
    Moving a party group with members to another branch, or making a branch with members a party
    group (or a group a branch), left them uncounted or in a group their edits then refused."""
    group, was_group = values.get("org_type") == "党小组", current["org_type"] == "党小组"
    if was_group:
        n = db.scalar("SELECT count(*) FROM member WHERE group_id = ?", (current["id"],))
        if n and not group:
            raise UserError(f"“{current['name']}”还有{n}名党员，不能改为{values.get('org_type')}。"
                            "请先在编辑党员中把他们调出这个党小组。")
        if n and values.get("parent_id") != current["parent_id"]:
            raise UserError(f"“{current['name']}”还有{n}名党员，不能移到其他组织之下：党小组的党员属于它所在的党支部。"
                            "请先把他们调出这个党小组，或为他们办理转接。")
    elif group:
        n = db.scalar("SELECT count(*) FROM member WHERE org_id = ?", (current["id"],))
        if n:
            raise UserError(f"“{current['name']}”还有{n}名党员，不能改为党小组（党员应隶属于党支部）。"
                            "请先为他们办理转接。")


#: Records that name an organisation and would be refused by its deletion or deleted with it
#: (table, column, what they are in words): an organisation with any is not deleted.
_KEPT_BY_ORG = (
    ("round_branch", "org_id", "张考核表（考核轮次）"),
    ("rectification", "org_id", "条整改台账事项"),
    ("meeting", "org_id", "次会议记录"),
    ("meeting", "group_id", "次党小组会记录"),
    ("dev_person", "org_id", "名发展党员对象"),
    ("dev_plan", "org_id", "份发展党员计划"),
    ("talk_record", "org_id", "条谈心谈话记录"),
    ("fund_entry", "org_id", "笔经费账目"),
    ("reserve_cadre", "org_id", "名后备干部"),
    ("plaque", "org_id", "条挂牌记录"),
)


def delete_org(db: Database, org_id: str) -> None:
    org = db.get("org", org_id)
    if org is None:
        raise UserError("组织不存在")
    if org["parent_id"] is None:
        raise UserError("不能删除本单位的最上级党委")
    if db.scalar("SELECT 1 FROM org WHERE parent_id = ?", (org_id,)):
        raise UserError(f"“{org['name']}”下还有下级组织，请先删除或移走它们")
    n, left = db.one(f"SELECT count(*), ifnull(sum(status NOT IN ({', '.join('?' * len(ACTIVE_STATUSES))})), 0) "
                     "FROM member WHERE org_id = ? OR group_id = ?", (*ACTIVE_STATUSES, org_id, org_id))
    if n:
        how = "转接到其他组织"
        if left:  # not in the member list unless 含已转出/去世等 is ticked
            how += f"（其中{left}名已转出、去世等，勾选党员列表的“含已转出/去世等”可以看到）"
        raise UserError(f"“{org['name']}”还有 {n} 名党员的记录，请先把他们{how}")
    held = [f"{n}{what}" for table, column, what in _KEPT_BY_ORG
            if (n := db.scalar(f"SELECT count(*) FROM {table} WHERE {column} = ?", (org_id,)))]
    if held:
        raise UserError(f"“{org['name']}”还有{'、'.join(held)}，不能删除：删除组织会使这些记录失去所属组织或一并删除。"
                        "请先把它们改到其他组织，或者保留这个组织。")
    with db.transaction(f"删除组织 {org['name']}") as tx:
        tx.delete("org", org_id)


# ---- committees and terms (支委班子与任期) ------------------------------------------

@dataclass(frozen=True)
class TermInfo:
    id: str
    org_id: str
    start: dt.date
    years: int
    extension_months: int
    due: dt.date  # when the next election is due, extension included
    extension_approval: str | None = None  # the higher organisation's approval of the extension

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days


@functools.lru_cache(maxsize=4096)  # the warnings ask for every organisation's; many were elected the same day
def term_due(start_date: str, years: int, extension_months: int) -> dt.date:
    return dates.add_months(dates.add_years(dates.parse_iso(start_date), years), extension_months)


def current_term(db: Database, org_id: str) -> TermInfo | None:
    row = db.one("SELECT * FROM committee_term WHERE org_id = ? AND ended_on IS NULL "
                 "ORDER BY start_date DESC LIMIT 1", (org_id,))
    if row is None:
        return None
    return TermInfo(row["id"], org_id, dates.parse_iso(row["start_date"]), row["years"],
                    row["extension_months"], term_due(row["start_date"], row["years"], row["extension_months"]),
                    row["extension_approval"])


def start_term(db: Database, org_id: str, *, start_date: str, years: int, note: str = "") -> str:
    """A new election: the previous term ends (with its committee) and a new one starts."""
    org = db.get("org", org_id)
    if org is None:
        raise UserError("组织不存在")
    if org["org_type"] == "党小组":
        raise UserError("党小组不设支委会，只设党小组长")
    err = {}
    if years not in (2, 3):
        err["years"] = "每届任期为2年或3年"
    if not dates.is_iso_date(start_date):
        err["start_date"] = "换届日期格式应为2024-03-01"
    elif dates.parse_iso(start_date) > dates.today():
        err["start_date"] = "换届日期不能晚于今天"
    previous = current_term(db, org_id)
    if previous and "start_date" not in err and dates.parse_iso(start_date) <= previous.start:
        err["start_date"] = f"换届日期应晚于上一届的开始日期{dates.format_cn(previous.start)}"
    if err:
        raise ValidationError(err)
    with db.transaction(f"{org['name']}换届") as tx:
        if previous:
            tx.update("committee_term", previous.id, {"ended_on": start_date})
            for cm in db.query("SELECT id FROM committee_member WHERE term_id = ? AND end_date IS NULL",
                               (previous.id,)):
                tx.update("committee_member", cm["id"], {"end_date": start_date})
        return tx.insert("committee_term", {"org_id": org_id, "start_date": start_date, "years": years,
                                            "note": note, "owner": org["owner"]})


def extend_term(db: Database, term_id: str, *, months: int, approval: str) -> None:
    """延期换届: needs the higher organisation's approval, normally at most one year."""
    term = db.get("committee_term", term_id)
    if term is None:
        raise UserError("任期记录不存在")
    err = {}
    if not 1 <= int(months) <= 12:
        err["months"] = "延期换届一般不超过一年（1至12个月）"
    if not (approval or "").strip():
        err["approval"] = "延期换届须经上级党组织批准，请填写批准单位和文号"
    if err:
        raise ValidationError(err)
    with db.transaction("延期换届") as tx:
        tx.update("committee_term", term_id, {"extension_months": int(months),
                                              "extension_approval": approval.strip()})


def committee(db: Database, org_id: str) -> list:
    """Current committee members of an organisation, secretary first."""
    term = current_term(db, org_id)
    if term is None:
        return []
    order = " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(ROLES))
    return db.query(f"SELECT * FROM committee_member WHERE term_id = ? AND end_date IS NULL "
                    f"ORDER BY CASE role {order} END, start_date", (term.id,))


def add_committee_member(db: Database, org_id: str, *, role: str, start_date: str,
                         member_id: str | None = None, name: str | None = None) -> str:
    term = current_term(db, org_id)
    if term is None:
        raise UserError("请先录入本届支委班子的换届日期和任期")
    err = {}
    if role not in ROLES:
        err["role"] = f"职务应为：{'、'.join(ROLES)}"
    member = db.get("member", member_id) if member_id else None
    if member_id and member is None:
        err["member_id"] = "党员不存在"
    name = (member["name"] if member else (name or "").strip())
    if not name:
        err["member_id"] = "请选择担任职务的党员"
    if not member and name and not is_person_name(name):
        err["member_id"] = "不在名册中的人员请写姓名（2个以上汉字，少数民族姓名可含“·”）"
    if not dates.is_iso_date(start_date):
        err["start_date"] = "任职日期格式应为2024-03-01"
    elif dates.parse_iso(start_date) > dates.today():
        err["start_date"] = "任职日期不能晚于今天"
    elif dates.parse_iso(start_date) < term.start:
        err["start_date"] = f"任职日期不能早于本届支委班子产生的日期（{dates.format_cn(term.start)}）"
    current = committee(db, org_id)
    if role in SINGLE_ROLES and any(c["role"] == role for c in current):
        err["role"] = f"本届已有{role}，请先办理原{role}离任"
    if member_id and any(c["member_id"] == member_id for c in current):
        err["member_id"] = f"{name}已是本届支委成员"
    if err:
        raise ValidationError(err)
    owner = db.scalar("SELECT owner FROM org WHERE id = ?", (org_id,))
    with db.transaction(f"任命{role} {name}") as tx:
        return tx.insert("committee_member", {"term_id": term.id, "member_id": member_id, "name": name,
                                              "role": role, "start_date": start_date, "owner": owner})


def end_committee_member(db: Database, cm_id: str, *, end_date: str) -> None:
    cm = db.get("committee_member", cm_id)
    if cm is None:
        raise UserError("支委成员记录不存在")
    if cm["end_date"]:
        raise UserError(f"{cm['name']}已于{dates.format_cn(cm['end_date'])}离任{cm['role']}")
    if not dates.is_iso_date(end_date):
        raise ValidationError({"end_date": "离任日期格式应为2024-03-01"})
    if dates.parse_iso(end_date) > dates.today():
        raise ValidationError({"end_date": "离任日期不能晚于今天"})
    if end_date < cm["start_date"]:
        raise ValidationError({"end_date": "离任日期不能早于任职日期"})
    with db.transaction(f"{cm['name']}离任{cm['role']}") as tx:
        tx.update("committee_member", cm_id, {"end_date": end_date})


# ---- party groups (党小组) ---------------------------------------------------------------

def set_group_leader(db: Database, group_id: str, member_id: str | None) -> None:
    """Name the 党小组长 (None: the post is vacant). The leader must be one of the group's members."""
    group = db.get("org", group_id)
    if group is None or group["org_type"] != "党小组":
        raise UserError("只有党小组设组长")
    if member_id is not None:
        m = db.get("member", member_id)
        if m is None:
            raise ValidationError({"member_id": "党员不存在"})
        if m["group_id"] != group_id:
            raise ValidationError({"member_id": f"{m['name']}不在{group['name']}，请先把他编入该党小组"})
        if m["status"] not in ACTIVE_STATUSES:
            raise ValidationError({"member_id": f"{m['name']}的党籍状态为“{m['status']}”，不能担任组长"})
    if group["leader_member_id"] == member_id:
        return
    who = db.scalar("SELECT name FROM member WHERE id = ?", (member_id,)) if member_id else None
    with db.transaction(f"{group['name']}组长：{who or '空缺'}") as tx:
        tx.update("org", group_id, {"leader_member_id": member_id})


def release_group_leadership(tx, member_id: str, *, keep_group: str | None = None) -> None:
    """A leader who leaves the group (moved, transferred, left the party) leaves the post too;
    called inside the unit of work that moves them."""
    for g in tx.db.query("SELECT id FROM org WHERE leader_member_id = ? AND id IS NOT ?", (member_id, keep_group)):
        tx.update("org", g["id"], {"leader_member_id": None})


def release_committee_posts(tx, member_id: str, date: str) -> None:
    """A committee member who leaves the party organisation (转出, 停止党籍, 出党, 死亡) leaves their
    committee posts that day, in the unit of work that records it: the post is vacant, and a
    secretary's vacancy is warned about (a veto of several schemes) instead of a secretary who is
    no longer there. Not on the day before they took it up (a catch-up entry)."""
    for cm in tx.db.query("SELECT id, start_date FROM committee_member WHERE member_id = ? AND end_date IS NULL",
                          (member_id,)):
        tx.update("committee_member", cm["id"], {"end_date": max(date, cm["start_date"])})
