"""Party members (党员): roster entries and their dated status history (never overwritten)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import dates, pinyin
from ..db import Database, Tx
from ..db.like import like_text
from ..errors import UserError, ValidationError
from . import idcard
from .member_search import search_terms
from .orgs import release_committee_posts, release_group_leadership, subtree_ids
from .status import ACTIVE_STATUSES, active_sql
from .validation import validate_member

MEMBER_FIELDS = ("name", "sex", "ethnicity", "birth_date", "id_number", "education", "join_date",
                 "full_date", "category", "person_class", "job", "phone", "address", "workplace",
                 "is_mobile", "mobile_whereabouts", "is_hardship", "note", "group_id")
# Status events: which statuses an event may start from, and what it changes.
EVENTS: dict[str, dict[str, Any]] = {
    "转出": {"from": ACTIVE_STATUSES, "status": "已转出"},
    "预备转正": {"from": ACTIVE_STATUSES, "category": "正式党员"},
    "停止党籍": {"from": ACTIVE_STATUSES, "status": "停止党籍"},
    "出党": {"from": ACTIVE_STATUSES + ("停止党籍",), "status": "已出党"},
    "死亡": {"from": ACTIVE_STATUSES + ("停止党籍",), "status": "已去世"},
    "失联": {"from": ("正常",), "status": "失联"},
    "恢复联系": {"from": ("失联",), "status": "正常"},
    "恢复党籍": {"from": ("停止党籍",), "status": "正常"},  # back in contact, the party organisation agreed
    "转入": {"from": ("已转出",), "status": "正常"},  # returning to this office
}


def _branch_for_member(db: Database, org_id: str | None):
    org = db.get("org", org_id) if org_id else None
    if org is None:
        raise ValidationError({"org_id": "请选择党员所在的党支部"})
    if org["org_type"] not in ("党支部", "党总支", "党委"):
        raise ValidationError({"org_id": "党员应隶属于党支部（党小组请在“所在党小组”中选择）"})
    return org


def _check_group(db: Database, group_id: str | None, org_id: str) -> None:
    if not group_id:
        return
    g = db.get("org", group_id)
    if g is None or g["org_type"] != "党小组" or g["parent_id"] != org_id:
        raise ValidationError({"group_id": "所选党小组不属于该党员所在的党支部"})


def prepare_member(db: Database, values: dict[str, Any], *, member_id: str | None = None,
                   today: dt.date | None = None) -> dict[str, Any]:
    """Validate and normalise a member's fields for writing (raises ValidationError)."""
    v, err = validate_member(values, today=today)
    idn = v.get("id_number")
    if idn and "id_number" not in err:
        other = db.one("SELECT id, name FROM member WHERE id_number = ? AND id != ifnull(?, '')", (idn, member_id))
        if other:
            err["id_number"] = f"身份证号与已登记的党员“{other['name']}”重复"
    if err:
        raise ValidationError(err)
    v["name_pinyin"] = pinyin.sort_key(v["name"])
    v["name_initials"] = pinyin.initials(v["name"])
    return v


def add_member(db: Database, values: dict[str, Any], *, org_id: str, event: str = "入党登记",
               event_date: str | None = None, tx: Tx | None = None) -> str:
    """Register a member in a branch; the first history entry says how they came (入党登记/转入)."""
    org = _branch_for_member(db, org_id)
    v = prepare_member(db, {k: values[k] for k in MEMBER_FIELDS if k in values})
    _check_group(db, v.get("group_id"), org_id)
    row = {k: v.get(k) for k in MEMBER_FIELDS}
    row.update(name_pinyin=v["name_pinyin"], name_initials=v["name_initials"], org_id=org_id,
               status="正常", note=v.get("note") or "", is_mobile=v.get("is_mobile") or 0,
               is_hardship=v.get("is_hardship") or 0, owner=org["owner"])
    with db.transaction(f"新增党员 {v['name']}") as t:
        mid = t.insert("member", row)
        t.insert("member_event", {"member_id": mid, "event_type": event,
                                  "event_date": event_date or dates.today().isoformat(),
                                  "to_org_id": org_id, "to_status": "正常", "owner": org["owner"]})
    return mid


def update_member(db: Database, member_id: str, values: dict[str, Any], *,
                  expected_rev: int | None = None) -> None:
    """Correct a member's fields (status and branch change only through events)."""
    current = db.get("member", member_id)
    if current is None:
        raise UserError("党员记录不存在")
    merged = {k: current[k] for k in MEMBER_FIELDS}
    merged.update({k: values[k] for k in MEMBER_FIELDS if k in values})
    v = prepare_member(db, merged, member_id=member_id)
    _check_group(db, v.get("group_id"), current["org_id"])
    changes = {k: v.get(k) for k in MEMBER_FIELDS}
    changes.update(name_pinyin=v["name_pinyin"], name_initials=v["name_initials"], note=v.get("note") or "")
    changes = {k: val for k, val in changes.items() if current[k] != val}
    if not changes:
        return
    with db.transaction(f"修改党员信息 {v['name']}") as tx:
        tx.update("member", member_id, changes, expected_rev=expected_rev)
        if "group_id" in changes:
            release_group_leadership(tx, member_id, keep_group=changes["group_id"])


def transfer_member(db: Database, member_id: str, *, to_org_id: str, date: str, note: str = "") -> None:
    """组织关系转接 within this office: the branch changes, history records from where to where.

    The record of a member who left (已转出, 已去世, 已出党, 停止党籍) moves too, status unchanged:
    a branch dissolved or merged hands its records to its successor, and an organisation is
    deleted only once no member's record names it."""
    m = db.get("member", member_id)
    if m is None:
        raise UserError("党员记录不存在")
    target = _branch_for_member(db, to_org_id)
    if to_org_id == m["org_id"]:
        raise ValidationError({"org_id": "转入的党支部与现在所在党支部相同"})
    d = _check_date(date)
    joined = dates.parse_iso(m["join_date"], allow_month=True) if m["join_date"] else None
    if joined is not None and d < joined:  # (1900-01-01 was saved; a transfer of years ago may be caught up)
        raise ValidationError({"date": f"转接日期不能早于入党日期（{dates.format_cn(m['join_date'])}）"})
    with db.transaction(f"党员 {m['name']} 转接到 {target['name']}") as tx:
        tx.update("member", member_id, {"org_id": to_org_id, "group_id": None})
        release_group_leadership(tx, member_id)
        tx.insert("member_event", {"member_id": member_id, "event_type": "转入", "event_date": date,
                                   "from_org_id": m["org_id"], "to_org_id": to_org_id,
                                   "from_status": m["status"], "to_status": m["status"], "note": note,
                                   "owner": target["owner"]})


def change_status(db: Database, member_id: str, *, event: str, date: str, note: str = "") -> None:
    """A dated status event (转出, 预备转正, 停止党籍, 出党, 死亡, 失联, 恢复联系, 恢复党籍, 转入)."""
    m = db.get("member", member_id)
    if m is None:
        raise UserError("党员记录不存在")
    rule = EVENTS.get(event)
    if rule is None:
        raise ValidationError({"event": f"未知的变动类型“{event}”，可选：{'、'.join(EVENTS)}"})
    if m["status"] not in rule["from"]:
        raise UserError(f"{m['name']}当前党籍状态为“{m['status']}”，不能办理“{event}”")
    d = _check_date(date)
    joined = dates.parse_iso(m["join_date"], allow_month=True) if m["join_date"] else None
    if event == "预备转正":
        if m["category"] != "预备党员":
            raise UserError(f"{m['name']}已是正式党员")
        if joined is not None and d <= joined:
            raise ValidationError({"date": "转正日期应晚于入党日期"})
    elif joined is not None and d < joined:
        raise ValidationError({"date": f"变动日期不能早于入党日期（{dates.format_cn(m['join_date'])}）"})
    _not_before_last_event(db, member_id, date)
    changes: dict[str, Any] = {}
    if "status" in rule:
        changes["status"] = rule["status"]
    if "category" in rule:
        changes.update(category=rule["category"], full_date=date)
    with db.transaction(f"党员 {m['name']} {event}") as tx:
        tx.update("member", member_id, changes)
        if changes.get("status", m["status"]) not in ACTIVE_STATUSES:
            release_group_leadership(tx, member_id)
            release_committee_posts(tx, member_id, date)
        tx.insert("member_event", {"member_id": member_id, "event_type": event, "event_date": date,
                                   "from_org_id": m["org_id"], "to_org_id": m["org_id"],
                                   "from_status": m["status"], "to_status": changes.get("status", m["status"]),
                                   "note": note, "owner": m["owner"]})


def remove_member(db: Database, member_id: str, *, reason: str) -> None:
    """Delete a record entered by mistake. Departures are status events, not removals."""
    m = db.get("member", member_id)
    if m is None:
        raise UserError("党员记录不存在")
    if not (reason or "").strip():
        raise ValidationError({"reason": "删除党员记录须说明原因（如：录入错误）"})
    if db.scalar("SELECT 1 FROM committee_member WHERE member_id = ?", (member_id,)):
        raise UserError(f"{m['name']}担任过支委职务，记录不能删除；如已离开请办理“转出”等变动")
    with db.transaction(f"删除党员记录 {m['name']}：{reason.strip()}") as tx:
        release_group_leadership(tx, member_id)
        tx.delete("member", member_id)


def available_events(member) -> list[str]:
    """The status events a member (a row or dict) may go through now, in EVENTS order."""
    out = []
    for event, rule in EVENTS.items():
        if member["status"] not in rule["from"]:
            continue
        if event == "预备转正" and member["category"] != "预备党员":
            continue
        out.append(event)
    return out


def history(db: Database, member_id: str) -> list:
    return db.query("""SELECT e.*, f.name AS from_org, t.name AS to_org FROM member_event e
                       LEFT JOIN org f ON f.id = e.from_org_id LEFT JOIN org t ON t.id = e.to_org_id
                       WHERE e.member_id = ? ORDER BY e.event_date, e.updated_at""", (member_id,))


def _not_before_last_event(db: Database, member_id: str, date: str) -> None:
    """A status change goes forward: not before the latest status change on record.

    The registration (入党登记, or 转入 from elsewhere: the record's first event, with no status
    before it) is left out: it is dated the day the record was entered, so a member registered
    today could not have their 转正 or 失联 of last spring caught up (join_date bounds those)."""
    last = db.scalar("SELECT max(event_date) FROM member_event WHERE member_id = ? AND from_status IS NOT NULL",
                     (member_id,))
    if last and date < last:
        raise ValidationError({"date": f"变动日期不能早于上一次变动（{dates.format_cn(last)}）"})


def _check_date(date: str) -> dt.date:
    if not dates.is_iso_date(date):
        raise ValidationError({"date": "日期格式应为2024-03-01"})
    d = dates.parse_iso(date)
    if d > dates.today():
        raise ValidationError({"date": "日期不能晚于今天"})
    return d


# ---- queries used by the member table and the CLI --------------------------------

def member_query(db: Database, *, org_id: str | None = None, text: str = "",
                 include_inactive: bool = False) -> tuple[str, list]:
    """WHERE clause and parameters selecting members under a node matching a search text.

    The text matches a name part, the start of an ID number (read as idcard.normalise reads it:
    a lower-case x, full-width digits), a whole old 15-digit number in its 18-digit form, or
    pinyin / pinyin initials.
    """
    where, params = [], []
    if org_id:
        ids = subtree_ids(db, org_id)
        where.append(f"m.org_id IN ({','.join('?' * len(ids))})")
        params += ids
    if not include_inactive:
        where.append(active_sql("m"))
    terms = search_terms(text)  # the same terms member_search matches in memory
    if terms is not None:
        t, low, idn, exact = terms
        like = like_text(low)
        id_like = like_text(idn)
        where.append("(m.name LIKE ? ESCAPE '\\' OR m.id_number LIKE ? ESCAPE '\\' OR m.id_number = ? "
                     "OR m.name_initials LIKE ? ESCAPE '\\' OR replace(m.name_pinyin, ' ', '') LIKE ? ESCAPE '\\')")
        # Every part escaped: a % or _ typed into 查找 is looked for, not taken as "any" (it listed everyone).
        params += [f"%{like_text(t)}%", f"{id_like}%", exact, f"{like}%", f"{like}%"]
    return (" WHERE " + " AND ".join(where)) if where else "", params


def active_members_under(db: Database, org_id: str, *, limit: int = 5000) -> list:
    """Active members of an organisation and its subordinates by pinyin (id, name, birth_date,
    org_name): the people a committee post can be given to."""
    ids = subtree_ids(db, org_id)
    return db.query(f"SELECT m.id, m.name, m.birth_date, o.name AS org_name FROM member m "
                    f"JOIN org o ON o.id = m.org_id WHERE m.org_id IN ({','.join('?' * len(ids))}) "
                    f"AND {active_sql('m')} ORDER BY m.name_pinyin LIMIT ?", [*ids, limit])


def group_members(db: Database, group_id: str) -> list:
    """Active members of a party group by pinyin (id, name): who can lead it."""
    return db.query(f"SELECT m.id, m.name FROM member m WHERE m.group_id = ? AND {active_sql('m')} "
                    f"ORDER BY m.name_pinyin", (group_id,))
