"""党组织生活台账: meetings with time, place, host, content, attendees and photos. Recording a
meeting writes the meeting, everyone's attendance and the points the catalogue links to that
attendance in one unit of work (one batch, so 撤销上一批 takes all of it back)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .. import dates
from ..attachments import PHOTO_TYPES, already_added, discard_if_unused, prepare_file, store_attachment
from ..db import Database, new_id
from ..errors import UserError, ValidationError
from ..points.batch import (EntryDraft, delete_meeting_rows, new_batch, prepare_entries, retire_if_empty,
                             write_entries)
from ..points.catalogue import Item, ensure_catalogue, items
from ..points.common import (ACTIVE_STATUSES, EXEMPT_FRAIL, check_date, check_unlocked, member_classes,
                             owner_of_office)
from ..points.membership import History, branch_pool
from ..registry.orgs import subtree_ids
from . import MEETING_TYPES, PRESENT, STATUSES

MAX_TEXT = 4000


@dataclass
class MeetingRecord:
    """What one confirm wrote."""

    meeting_id: str
    batch_id: str
    entries: int
    counts: dict[str, int] = field(default_factory=dict)  # status -> members
    points: float = 0.0  # sum of the points written (before caps)
    left: list[str] = field(default_factory=list)  # attendees who have left since: no points written


@dataclass
class Candidate:
    member_id: str
    name: str
    name_pinyin: str
    group_name: str
    role: str  # committee role, if any
    classes: list[str]
    left: str = ""  # a member then who has left since: when and how ("2026年1月10日转出"); no points


def _org(db: Database, org_id: str):
    org = db.get("org", org_id)
    if org is None:
        raise UserError("找不到该党组织，可能已被删除。")
    return org


def _branch_and_group(db: Database, org_id: str, group_id: str | None) -> tuple[Any, Any]:
    org = _org(db, org_id)
    if org["org_type"] == "党小组":
        group, org = org, _org(db, org["parent_id"])
        if group_id and group_id != group["id"]:
            raise ValidationError({"group_id": "党小组与所选组织不一致"})
        return org, group
    group = None
    if group_id:
        group = _org(db, group_id)
        if group["org_type"] != "党小组" or group["parent_id"] != org["id"]:
            raise ValidationError({"group_id": "所选党小组不属于该党支部"})
    return org, group


def candidates(db: Database, org_id: str, meeting_type: str, *, group_id: str | None = None,
               date: str | dt.date | None = None, year: int | None = None,
               today: dt.date | None = None) -> list[Candidate]:
    """Who is expected at a meeting on `date` (today when not given): the members of the branch
    that day (points.membership: a meeting entered late lists the branch as it was then). A
    党小组会 lists the group, a 支委会 the committee in office (the whole branch when it has none
    on record), any other meeting the whole branch. A member then who has left since is listed
    with `left` saying when: their attendance is recorded, no points are written for them."""
    org, group = _branch_and_group(db, org_id, group_id)
    day = date.isoformat() if isinstance(date, dt.date) else (date or (today or dates.today()).isoformat())
    year = year or int(day[:4])
    frail = {r[0] for r in db.query("SELECT member_id FROM points_exemption WHERE year = ? AND kind = ?",
                                    (int(year), EXEMPT_FRAIL))}
    roles = {r["member_id"]: r["role"] for r in db.query(
        """SELECT cm.member_id, cm.role FROM committee_member cm JOIN committee_term t ON t.id = cm.term_id
           WHERE t.org_id = ? AND t.ended_on IS NULL AND cm.end_date IS NULL AND cm.member_id IS NOT NULL""",
        (org["id"],))}
    pool = branch_pool(db, org["id"])
    history = History(db, pool, today=today)
    ids = [mid for mid in pool if history.on(mid, day).org_id == org["id"]]
    rows = []
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        rows += db.query(f"""SELECT m.*, g.name AS group_name FROM member m LEFT JOIN org g ON g.id = m.group_id
                             WHERE m.id IN ({','.join('?' * len(part))})""", part)
    rows.sort(key=lambda r: r["name_pinyin"] or "")
    if meeting_type == "党小组会" and group is not None:  # groups have no history: the group as it is now
        rows = [r for r in rows if r["group_id"] == group["id"] and r["org_id"] == org["id"]]
    if meeting_type == "支委会":
        committee = [r for r in rows if r["id"] in roles]
        if committee:
            rows = committee
    order = {"书记": 0, "副书记": 1, "组织委员": 2, "宣传委员": 3, "纪检委员": 4, "委员": 5}
    out = [Candidate(r["id"], r["name"], r["name_pinyin"], (r["group_name"] or "") if r["org_id"] == org["id"] else "",
                     roles.get(r["id"], ""), member_classes(r, frail=r["id"] in frail),
                     "" if r["status"] in ACTIVE_STATUSES else history.left_on(r["id"])) for r in rows]
    if meeting_type == "支委会":
        out.sort(key=lambda c: (order.get(c.role, 9), c.name_pinyin))
    return out


def not_members(db: Database, org_id: str, date: str, member_ids: Iterable[str], *,
                today: dt.date | None = None) -> str | None:
    """None when every member named was a member of the branch on `date`; else a refusal naming
    those who were not, each with the date that says why ("张三（2025年5月1日入党）")."""
    history = History(db, member_ids, today=today)
    outside = [why for mid in history.events if (why := history.not_in_branch(mid, org_id, date))]
    if not outside:
        return None
    more = f"等{len(outside)}人" if len(outside) > 10 else ""
    branch = history.org_name(org_id)
    return f"以下党员在{dates.format_cn(date)}不是{branch}的党员，不能登记考勤：{'、'.join(outside[:10])}{more}"


def host_order(people: list[Candidate]) -> list[Candidate]:
    """Who is offered as host, most likely first: the 书记, the other committee members, then the rest."""
    return sorted(people, key=lambda p: (p.role != "书记", p.role == "", p.name_pinyin))


def linked_items(db: Database, office_id: str, year: int, meeting_type: str) -> dict[str, Item]:
    """Attendance status -> the active catalogue item a meeting of this type writes for it."""
    out: dict[str, Item] = {}
    for it in items(db, office_id, year, active_only=True):
        if it.on_status and meeting_type in it.meeting_types:
            out.setdefault(it.on_status, it)
    return out


def _clean_text(values: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    out = {}
    for key, what in (("topic", "会议主题"), ("place", "地点"), ("host_name", "主持人"), ("content", "会议内容")):
        text = str(values.get(key) or "").strip()
        if len(text) > MAX_TEXT:
            errors[key] = f"{what}太长（最多{MAX_TEXT}字）"
        out[key] = text
    return out


def _check_host(db: Database, office_id: str, host_member_id: str | None, host_name: str,
                errors: dict[str, str]) -> tuple[str | None, str]:
    if host_member_id:
        h = db.one("SELECT m.name, o.office_id FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = ?",
                   (host_member_id,))
        if h is None or h["office_id"] != office_id:
            errors["host_member_id"] = "主持人应为本镇的党员"
            return None, host_name
        return host_member_id, host_name or h["name"]
    return None, host_name


def record_meeting(db: Database, *, org_id: str, meeting_type: str, date: str, attendance: dict[str, str],
                   place: str = "", host_member_id: str | None = None, host_name: str = "", topic: str = "",
                   content: str = "", group_id: str | None = None, photos: Iterable[str | Path] = (),
                   actor: str | None = None, today: dt.date | None = None) -> MeetingRecord:
    """登记会议: the meeting, attendance (member id -> 出席/请假/缺席) and the linked points, at once."""
    org, group = _branch_and_group(db, org_id, group_id)
    errors: dict[str, str] = {}
    if meeting_type not in MEETING_TYPES:
        errors["meeting_type"] = f"会议类型应为：{'、'.join(MEETING_TYPES)}"
    if org["org_type"] not in ("党支部", "党总支", "党委"):
        errors["org_id"] = "请选择召开会议的党支部"
    try:
        date = check_date(date, what="会议日期", today=today)
    except ValidationError as e:
        errors.update(e.errors)
    text = _clean_text({"topic": topic, "place": place, "host_name": host_name, "content": content}, errors)
    office_id = org["office_id"]
    host_member_id, text["host_name"] = _check_host(db, office_id, host_member_id, text["host_name"], errors)
    bad = sorted({s for s in attendance.values() if s not in STATUSES})
    if bad:
        errors["attendance"] = f"考勤状态“{'、'.join(bad)}”无效（可选：{'、'.join(STATUSES)}）"
    elif not attendance:
        errors["attendance"] = "请勾选参会党员的考勤"
    elif PRESENT not in attendance.values():
        errors["attendance"] = "至少要有一名党员出席，会议才算召开"
    if errors:
        raise ValidationError(errors)
    year = int(date[:4])
    check_unlocked(db, office_id, year)
    if not db.readonly:
        ensure_catalogue(db, office_id, year)
    ids = list(attendance)
    known = {}
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        for r in db.query(f"""SELECT m.id, m.name, m.status, o.office_id FROM member m JOIN org o ON o.id = m.org_id
                              WHERE m.id IN ({','.join('?' * len(part))})""", part):
            known[r["id"]] = r
    problems = []
    for mid in ids:
        r = known.get(mid)
        if r is None:
            problems.append("有参会党员的记录不存在（可能已被删除）")
        elif r["office_id"] != office_id:
            problems.append(f"{r['name']}不是本镇党员")
    if not problems and (outside := not_members(db, org["id"], date, ids, today=today)):
        problems.append(outside)
    if problems:
        raise ValidationError({"attendance": "；".join(problems[:5])})
    linked = linked_items(db, office_id, year, meeting_type)
    meeting_id = new_id()
    # A member then who has left since keeps their attendance; points go to members rated now.
    left = [known[mid]["name"] for mid in ids if known[mid]["status"] not in ACTIVE_STATUSES]
    drafts = [EntryDraft(mid, linked[s].id, date, None, entry_note(meeting_type, text["topic"]),
                         meeting_id=meeting_id)
              for mid, s in attendance.items() if s in linked and known[mid]["status"] in ACTIVE_STATUSES]
    rows, _scopes = prepare_entries(db, drafts, today=today) if drafts else ([], set())
    files = [Path(p) for p in photos]
    prepared = []
    if files:
        for f in files:
            if f.suffix.lower() not in PHOTO_TYPES:
                raise UserError(f"“{f.name}”不是照片（可用：jpg、png 等图片）。")
            prepared.append(prepare_file(f))
    counts = {s: sum(1 for v in attendance.values() if v == s) for s in STATUSES}
    where = f"{group['name']}" if group is not None else org["name"]
    title = f"{where} {dates.format_cn(date)} {meeting_type}" + (f"“{text['topic']}”" if text["topic"] else "")
    owner = owner_of_office(db, office_id)
    with db.transaction(f"登记会议：{title}（出席{counts['出席']}人）", actor=actor) as tx:
        bid = new_batch(tx, office_id=office_id, org_id=org["id"], year=year, kind="会议", title=title,
                        row_count=len(rows))
        if tx.ids.local:  # the entries above were drafted with a placeholder id (db/local_ids.py)
            meeting_id, drafted = tx.ids(), meeting_id
            rows = [{**r, "meeting_id": meeting_id} if r.get("meeting_id") == drafted else r for r in rows]
        tx.insert("meeting", {"id": meeting_id, "org_id": org["id"], "group_id": group["id"] if group else None,
                              "meeting_type": meeting_type, "date": date, "host_member_id": host_member_id,
                              "batch_id": bid, "owner": owner, **text})
        tx.insert_many("meeting_attendance", [{"meeting_id": meeting_id, "member_id": mid, "status": s,
                                               "owner": owner} for mid, s in attendance.items()])
        write_entries(tx, bid, rows)
        if prepared:
            for n, (data, name, mime) in enumerate(prepared, start=1):
                att = store_attachment(tx, data, name, mime)
                tx.insert("meeting_photo", {"meeting_id": meeting_id, "attachment_id": att, "sort_order": n,
                                            "owner": owner})
    return MeetingRecord(meeting_id, bid, len(rows), counts, round(sum(r["points"] for r in rows), 2), left)


def get_meeting(db: Database, meeting_id: str):
    row = db.one("""SELECT mt.*, o.name AS org_name, o.office_id, g.name AS group_name FROM meeting mt
                    JOIN org o ON o.id = mt.org_id LEFT JOIN org g ON g.id = mt.group_id WHERE mt.id = ?""",
                 (meeting_id,))
    if row is None:
        raise UserError("找不到这次会议，可能已被删除或撤销。")
    return row


def update_meeting(db: Database, meeting_id: str, values: dict[str, Any], *, expected_rev: int | None = None,
                   actor: str | None = None, today: dt.date | None = None) -> None:
    """Correct a meeting's date (within its year), topic, place, host or content. The type and
    the attendance change the points, so they change through set_attendance or a new record."""
    m = get_meeting(db, meeting_id)
    check_unlocked(db, m["office_id"], int(m["date"][:4]))
    if "meeting_type" in values and values["meeting_type"] != m["meeting_type"]:
        raise ValidationError({"meeting_type": "会议类型会影响积分，不能直接修改；请删除这次会议后重新登记"})
    errors: dict[str, str] = {}
    merged = {k: values.get(k, m[k]) for k in ("topic", "place", "host_name", "content")}
    text = _clean_text(merged, errors)
    host_id = values.get("host_member_id", m["host_member_id"])
    host_id, text["host_name"] = _check_host(db, m["office_id"], host_id, text["host_name"], errors)
    date = m["date"]
    if "date" in values and values["date"] != m["date"]:
        try:
            date = check_date(values["date"], what="会议日期", today=today)
        except ValidationError as e:
            errors.update(e.errors)
        else:
            if date[:4] != m["date"][:4]:
                errors["date"] = "会议日期只能在同一年度内更正（积分按年度计算）；跨年度请删除后重新登记"
            elif date[:7] != m["date"][:7] and (clash := _month_clash(db, meeting_id, date)):
                errors["date"] = clash
            elif outside := not_members(db, m["org_id"], date, [r["member_id"] for r in db.query(
                    "SELECT member_id FROM meeting_attendance WHERE meeting_id = ?", (meeting_id,))], today=today):
                errors["date"] = outside
    if errors:
        raise ValidationError(errors)
    changes = {k: v for k, v in {**text, "host_member_id": host_id, "date": date}.items() if m[k] != v}
    if not changes:
        return
    with db.transaction(f"修改会议 {m['org_name']} {dates.format_cn(m['date'])} {m['meeting_type']}", actor=actor) as tx:
        tx.update("meeting", meeting_id, changes, expected_rev=expected_rev)
        # The points entries follow: their date, and the note that names the meeting by its topic
        # (a note a clerk wrote otherwise stays).
        was, now = entry_note(m["meeting_type"], m["topic"]), entry_note(m["meeting_type"], text["topic"])
        for eid, note in db.tuples("SELECT id, note FROM points_entry WHERE meeting_id = ?", (meeting_id,)):
            follow = {"date": date} if "date" in changes else {}
            if note == was and now != was:
                follow["note"] = now
            if follow:
                tx.update("points_entry", eid, follow)


def entry_note(meeting_type: str, topic: str | None) -> str:
    """The note of a points entry a meeting gave: its type and topic."""
    return f"{meeting_type}：{topic}" if topic else meeting_type


def _month_clash(db: Database, meeting_id: str, date: str) -> str | None:
    """Moving a meeting to `date` would give a member a second entry of a per-month item (按“每月”计分)
    in that month: what to tell the clerk, or None."""
    rows = db.query("""SELECT m.name, i.code, i.title FROM points_entry e JOIN points_item i ON i.id = e.item_id
                       JOIN member m ON m.id = e.member_id
                       WHERE e.meeting_id = ? AND i.unit = '月' AND EXISTS (
                           SELECT 1 FROM points_entry o WHERE o.member_id = e.member_id AND o.item_id = e.item_id
                           AND o.year = e.year AND substr(o.date, 1, 7) = ? AND o.meeting_id IS NOT e.meeting_id)
                       ORDER BY m.name_pinyin""", (meeting_id, date[:7]))
    if not rows:
        return None
    names = "、".join(r["name"] for r in rows[:5]) + (f"等{len(rows)}人" if len(rows) > 5 else "")
    r = rows[0]
    return (f"{r['code']} {r['title']}按“每月”计分，{names}在{int(date[:4])}年{int(date[5:7])}月已有记录；"
            f"改到这个月会重复计分")


def set_attendance(db: Database, meeting_id: str, member_id: str, status: str | None, *,
                   actor: str | None = None) -> None:
    """Change one member's attendance after the fact (None removes them from the list); the
    points this meeting gave them are rewritten to match."""
    m = get_meeting(db, meeting_id)
    year = int(m["date"][:4])
    check_unlocked(db, m["office_id"], year)
    if status is not None and status not in STATUSES:
        raise ValidationError({"status": f"考勤状态应为{'、'.join(STATUSES)}之一"})
    member = db.one("SELECT m.*, o.office_id FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = ?", (member_id,))
    if member is None or member["office_id"] != m["office_id"]:
        raise UserError("找不到该党员，或不是本镇党员。")
    if status is not None and (outside := not_members(db, m["org_id"], m["date"], [member_id])):
        raise ValidationError({"attendance": outside})
    current = db.one("SELECT * FROM meeting_attendance WHERE meeting_id = ? AND member_id = ?", (meeting_id, member_id))
    if (current["status"] if current else None) == status:
        return
    if status != PRESENT and current and current["status"] == PRESENT and not db.scalar(
            "SELECT 1 FROM meeting_attendance WHERE meeting_id = ? AND status = ? AND member_id != ?",
            (meeting_id, PRESENT, member_id)):
        raise UserError("这是唯一出席的党员；没有人出席的会议不成立，请删除这次会议。")
    rows = []
    if status is not None and member["status"] in ACTIVE_STATUSES:  # one who has left since: no points
        linked = linked_items(db, m["office_id"], year, m["meeting_type"])
        if status in linked:
            rows, _ = prepare_entries(db, [EntryDraft(member_id, linked[status].id, m["date"], None,
                                                      entry_note(m["meeting_type"], m["topic"]),
                                                      meeting_id=meeting_id)],
                                      skip_existing_meeting=meeting_id)
    with db.transaction(f"修改考勤 {member['name']} {dates.format_cn(m['date'])} {m['meeting_type']}："
                        f"{(current['status'] if current else '未列入')}→{status or '未列入'}", actor=actor) as tx:
        tx.execute("DELETE FROM points_entry WHERE meeting_id = ? AND member_id = ?", (meeting_id, member_id))
        if status is None:
            tx.delete("meeting_attendance", current["id"])
        elif current:
            tx.update("meeting_attendance", current["id"], {"status": status})
        else:
            tx.insert("meeting_attendance", {"meeting_id": meeting_id, "member_id": member_id, "status": status,
                                             "owner": owner_of_office(db, m["office_id"])})
        if rows:
            write_entries(tx, m["batch_id"], rows)


def set_attendances(db: Database, meeting_id: str, member_ids: Iterable[str], status: str | None, *,
                    actor: str | None = None) -> None:
    """set_attendance for several members as one unit of work: when one of them is refused (the
    last member present, a second entry in a month…) none of them is changed."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return
    m = get_meeting(db, meeting_id)
    with db.transaction(f"更正考勤 {dates.format_cn(m['date'])} {m['meeting_type']}：{len(ids)}人→{status or '未列入'}",
                        actor=actor):
        for member_id in ids:
            set_attendance(db, meeting_id, member_id, status, actor=actor)


def delete_meeting(db: Database, meeting_id: str, *, actor: str | None = None) -> None:
    """Delete a meeting with its attendance, the points it gave and its photos."""
    m = get_meeting(db, meeting_id)
    check_unlocked(db, m["office_id"], int(m["date"][:4]))
    with db.transaction(f"删除会议 {m['org_name']} {dates.format_cn(m['date'])} {m['meeting_type']}", actor=actor) as tx:
        delete_meeting_rows(tx, meeting_id)
        retire_if_empty(tx, m["batch_id"])  # its batch has nothing left: not offered for 撤销上一批


# ---- reading ------------------------------------------------------------------------------

def list_meetings(db: Database, *, year: int | None = None, org_id: str | None = None,
                  office_id: str | None = None, meeting_type: str | None = None) -> list:
    """Meetings (newest first) with attendance counts and the number of photos."""
    where, params = [], []
    if year is not None:
        where.append("mt.date BETWEEN ? AND ?")
        params += [f"{int(year)}-01-01", f"{int(year)}-12-31"]
    if org_id:
        ids = subtree_ids(db, org_id)
        where.append(f"(mt.org_id IN ({','.join('?' * len(ids))}) OR mt.group_id IN ({','.join('?' * len(ids))}))")
        params += ids + ids
    elif office_id:
        where.append("o.office_id = ?")
        params.append(office_id)
    if meeting_type:
        where.append("mt.meeting_type = ?")
        params.append(meeting_type)
    sql = f"""SELECT mt.*, o.name AS org_name, g.name AS group_name,
                     (SELECT count(*) FROM meeting_attendance a WHERE a.meeting_id = mt.id AND a.status = '出席') AS present,
                     (SELECT count(*) FROM meeting_attendance a WHERE a.meeting_id = mt.id AND a.status = '请假') AS leave,
                     (SELECT count(*) FROM meeting_attendance a WHERE a.meeting_id = mt.id AND a.status = '缺席') AS absent,
                     (SELECT count(*) FROM meeting_photo p WHERE p.meeting_id = mt.id) AS photos
              FROM meeting mt JOIN org o ON o.id = mt.org_id LEFT JOIN org g ON g.id = mt.group_id
              {('WHERE ' + ' AND '.join(where)) if where else ''}
              ORDER BY mt.date DESC, mt.rowid DESC"""
    return db.query(sql, params)


def attendance(db: Database, meeting_id: str) -> list:
    """The meeting's attendance with names and the points it gave each member."""
    return db.query("""SELECT a.*, m.name, m.name_pinyin,
                              (SELECT sum(points) FROM points_entry e WHERE e.meeting_id = a.meeting_id
                               AND e.member_id = a.member_id) AS points
                       FROM meeting_attendance a JOIN member m ON m.id = a.member_id
                       WHERE a.meeting_id = ? ORDER BY m.name_pinyin""", (meeting_id,))


def member_attendance(db: Database, member_id: str, year: int) -> list:
    return db.query("""SELECT mt.date, mt.meeting_type, mt.topic, a.status FROM meeting_attendance a
                       JOIN meeting mt ON mt.id = a.meeting_id WHERE a.member_id = ? AND mt.date BETWEEN ? AND ?
                       ORDER BY mt.date""", (member_id, f"{int(year)}-01-01", f"{int(year)}-12-31"))


# ---- photos ---------------------------------------------------------------------------------

def add_photo(db: Database, meeting_id: str, path: str | Path, *, caption: str = "",
              actor: str | None = None) -> str:
    m = get_meeting(db, meeting_id)
    check_unlocked(db, m["office_id"], int(m["date"][:4]))
    path = Path(path)
    if path.suffix.lower() not in PHOTO_TYPES:
        raise UserError(f"“{path.name}”不是照片（可用：jpg、png 等图片）。")
    data, name, mime = prepare_file(path)
    order = (db.scalar("SELECT max(sort_order) FROM meeting_photo WHERE meeting_id = ?", (meeting_id,)) or 0) + 1
    with db.transaction(f"添加会议照片 {m['org_name']} {dates.format_cn(m['date'])} {name}", actor=actor) as tx:
        att = store_attachment(tx, data, name, mime)
        if db.scalar("SELECT 1 FROM meeting_photo WHERE meeting_id = ? AND attachment_id = ?", (meeting_id, att)):
            raise UserError(already_added(db, att, name, "照片"))
        return tx.insert("meeting_photo", {"meeting_id": meeting_id, "attachment_id": att, "sort_order": order,
                                           "caption": (caption or "").strip(),
                                           "owner": owner_of_office(db, m["office_id"])})


def photos(db: Database, meeting_id: str) -> list:
    return db.query("""SELECT p.id, p.caption, p.sort_order, a.id AS attachment_id, a.file_name, a.mime, a.size
                       FROM meeting_photo p JOIN attachment a ON a.id = p.attachment_id
                       WHERE p.meeting_id = ? ORDER BY p.sort_order""", (meeting_id,))


def photo_data(db: Database, photo_id: str) -> bytes:
    data = db.scalar("SELECT a.data FROM meeting_photo p JOIN attachment a ON a.id = p.attachment_id WHERE p.id = ?",
                     (photo_id,))
    if data is None:
        raise UserError("找不到这张照片。")
    return bytes(data)


def remove_photo(db: Database, photo_id: str, *, actor: str | None = None) -> None:
    row = db.one("""SELECT p.*, mt.date, o.office_id FROM meeting_photo p JOIN meeting mt ON mt.id = p.meeting_id
                    JOIN org o ON o.id = mt.org_id WHERE p.id = ?""", (photo_id,))
    if row is None:
        raise UserError("找不到这张照片。")
    check_unlocked(db, row["office_id"], int(row["date"][:4]))
    with db.transaction("删除会议照片", actor=actor) as tx:
        tx.delete("meeting_photo", photo_id)
        discard_if_unused(tx, row["attachment_id"])
