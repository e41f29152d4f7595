"""Dated per-member ledgers (党员信息台账, seed 002) and traced work (痕迹管理, seeds 001 and 002):

- training_record: education and training, with kind, content and class hours;
- reward_record: rewards and punishments, with the decision and the issuing body (a punishment
  that makes a branch's veto is proposed as that veto: ledgers/vetoes.py);
- care_visit: visits and help given to 困难党员 and 建国前老党员;
- talk_record: 谈心谈话 with who talked, the participants, the topic and the content;
- ledger_photo: photos of a talk or a visit, stored by dangjian_desktop.attachments (hashed,
  downscaled, deduplicated).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from .. import dates
from ..attachments import discard_if_unused, prepare_file, store_attachment
from ..db import Database
from ..errors import UserError
from .common import (ACTIVE_STATUSES, branch_row, check_day, check_year, member_row, member_scope, owner_of, text,
                     to_fen)

TRAINING_KINDS = ("集中培训", "专题党课", "远程教育", "专题学习", "外出培训", "网络培训", "其他")
REWARD, PUNISHMENT = "奖励", "处分"
#: Party punishments (党纪处分) from the mildest; the position is the severity.
PUNISHMENTS = ("警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍")
VISIT_KINDS = ("走访慰问", "生活帮扶", "医疗救助", "节日慰问", "上门服务", "其他")
OLD_MEMBER_BEFORE = "1949-10-01"  # 建国前老党员: joined before the founding of the PRC


def severity(title: str) -> int:
    """0 for 警告 … 4 for 开除党籍; -1 for anything else."""
    return PUNISHMENTS.index(title) if title in PUNISHMENTS else -1


class FieldError(UserError):
    """A refused value of one field (`field`: the stored column), so that an import can point at
    its cell; shown like any UserError."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def field_of(exc: UserError) -> str | None:
    """The stored column a refused value belongs to (FieldError, or a one-field ValidationError)."""
    if isinstance(exc, FieldError):
        return exc.field
    errors = getattr(exc, "errors", None) or {}
    return next(iter(errors), None) if len(errors) == 1 else None


def _required(value: Any, what: str, field: str) -> str:
    v = text(value)
    if not v:
        raise FieldError(field, f"请填写{what}。")
    return v


def _day(value: Any, what: str) -> str:
    return check_day(value, what)  # a ValidationError of the field "date"


def parse_hours(hours: Any) -> float:
    """Class hours as typed ('4', 1.5) -> a number above 0 and at most 200."""
    try:
        h = round(float(str(hours).strip()), 1)
    except (TypeError, ValueError):
        raise FieldError("hours", f"学时“{hours}”应为数字（如 4 或 1.5）。") from None
    if not 0 < h <= 200:
        raise FieldError("hours", "学时应大于0且不超过200。")
    return h


def _year_range(year: int) -> tuple[str, str]:
    y = check_year(year)
    return f"{y}-01-01", f"{y}-12-31"


# ---- training ---------------------------------------------------------------------------------
def add_training(db: Database, member_ids: Iterable[str], *, date: str, kind: str, content: str, hours: Any,
                 organiser: str = "", note: str = "", actor: str | None = None) -> list[str]:
    """One training attended by several members: a record each, in one unit of work."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        raise UserError("请选择参加培训的党员。")
    rows = [member_row(db, mid) for mid in ids]
    values = [training_values(m, date=date, kind=kind, content=content, hours=hours, organiser=organiser, note=note)
              for m in rows]
    label = rows[0]["name"] + (f"等{len(rows)}人" if len(rows) > 1 else "")
    with db.transaction(f"登记教育培训 {label} {values[0]['date']} {values[0]['content'][:20]}", actor=actor) as tx:
        return tx.insert_many("training_record", values)


def training_values(member, *, date: Any, kind: Any, content: Any, hours: Any, organiser: Any = "",
                    note: Any = "") -> dict:
    """The training_record row of one member's training, checked (FieldError names the field)."""
    return {"member_id": member["id"], "date": _day(date, "培训日期"), "kind": _required(kind, "培训形式", "kind"),
            "content": _required(content, "培训内容", "content"), "hours": parse_hours(hours),
            "organiser": text(organiser), "note": text(note), "owner": member["owner"]}


def trainings(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None,
              member_id: str | None = None) -> list:
    start, end = _year_range(year)
    where, params = ["t.date BETWEEN ? AND ?"], [start, end]
    member_scope(db, where, params, office_id=office_id, org_id=org_id)
    if member_id:
        where.append("t.member_id = ?")
        params.append(member_id)
    return db.query(f"""SELECT t.*, m.name, m.org_id, o.name AS org_name FROM training_record t JOIN member m ON m.id = t.member_id
                        JOIN org o ON o.id = m.org_id WHERE {' AND '.join(where)}
                        ORDER BY t.date, o.sort_order, m.name_pinyin""", params)


# ---- rewards and punishments ----------------------------------------------------------------------
def add_reward(db: Database, member_id: str, *, date: str, kind: str, title: str, issuer: str, decision: str = "",
               note: str = "", actor: str | None = None) -> str:
    """A reward (奖励: title such as 优秀共产党员) or a punishment (处分: 警告 … 开除党籍) with the
    decision (文件/决定) and the body that issued it."""
    m = member_row(db, member_id)
    values = reward_values(m, date=date, kind=kind, title=title, issuer=issuer, decision=decision, note=note)
    with db.transaction(f"登记{kind} {m['name']} {values['title']}", actor=actor) as tx:
        return tx.insert("reward_record", values)


def reward_values(member, *, date: Any, kind: Any, title: Any, issuer: Any, decision: Any = "",
                  note: Any = "") -> dict:
    """The reward_record row of a reward or punishment, checked (FieldError names the field)."""
    kind = text(kind)
    if kind not in (REWARD, PUNISHMENT):
        raise FieldError("kind", f"类别应为“{REWARD}”或“{PUNISHMENT}”。")
    day = _day(date, "决定日期")
    title = _required(title, "奖励名称" if kind == REWARD else "处分种类", "title")
    if kind == PUNISHMENT and title not in PUNISHMENTS:
        raise FieldError("title", f"党纪处分的种类应为：{'、'.join(PUNISHMENTS)}。")
    return {"member_id": member["id"], "date": day, "kind": kind, "title": title, "decision": text(decision),
            "issuer": _required(issuer, "作出决定的机关", "issuer"), "note": text(note), "owner": member["owner"]}


def rewards(db: Database, year: int | None = None, *, office_id: str | None = None, org_id: str | None = None,
            kind: str | None = None) -> list:
    where, params = ["1"], []
    if year is not None:
        start, end = _year_range(year)
        where.append("r.date BETWEEN ? AND ?")
        params += [start, end]
    if kind:
        where.append("r.kind = ?")
        params.append(kind)
    member_scope(db, where, params, office_id=office_id, org_id=org_id)
    return db.query(f"""SELECT r.*, m.name, m.org_id, o.name AS org_name FROM reward_record r
                        JOIN member m ON m.id = r.member_id JOIN org o ON o.id = m.org_id
                        WHERE {' AND '.join(where)} ORDER BY r.date, o.sort_order, m.name_pinyin""", params)


# ---- hardship and old members --------------------------------------------------------------------
def care_targets(db: Database, *, office_id: str | None = None, org_id: str | None = None) -> list:
    """Active 困难党员 and 建国前老党员 (joined before 1949-10-01), with why each is listed."""
    where, params = ["m.status IN (?, ?)", "(m.is_hardship = 1 OR m.join_date < ?)"], [*ACTIVE_STATUSES,
                                                                                    OLD_MEMBER_BEFORE]
    member_scope(db, where, params, office_id=office_id, org_id=org_id)
    return db.query(f"""SELECT m.id, m.name, m.org_id, o.name AS org_name, m.is_hardship, m.join_date,
                               m.join_date < '{OLD_MEMBER_BEFORE}' AS is_old
                        FROM member m JOIN org o ON o.id = m.org_id WHERE {' AND '.join(where)}
                        ORDER BY o.sort_order, m.name_pinyin""", params)


def _photos(tx, paths: Iterable[str | Path], *, talk_id: str | None = None, visit_id: str | None = None,
            owner: str) -> int:
    n = 0
    for path in paths or ():
        data, name, mime = prepare_file(path)
        if not mime.startswith("image/"):
            raise UserError(f"“{Path(path).name}”不是照片（可用 jpg、png 等图片）。")
        att = store_attachment(tx, data, name, mime)
        if tx.db.scalar("SELECT 1 FROM ledger_photo WHERE attachment_id = ? AND talk_id IS ? AND visit_id IS ?",
                        (att, talk_id, visit_id)):
            continue  # the same photo twice
        tx.insert("ledger_photo", {"talk_id": talk_id, "visit_id": visit_id, "attachment_id": att, "owner": owner})
        n += 1
    return n


def add_visit(db: Database, member_id: str, *, date: str, kind: str, content: str, visitor: str = "",
              amount: Any = None, note: str = "", photos: Iterable[str | Path] = (), actor: str | None = None) -> str:
    """A visit to (or help for) a hardship or old member: what was done, by whom, money or goods
    given (amount in yuan), photos."""
    m = member_row(db, member_id)
    values = visit_values(m, date=date, kind=kind, content=content, visitor=visitor, amount=amount, note=note)
    with db.transaction(f"登记走访慰问 {m['name']} {values['date']}", actor=actor) as tx:
        vid = tx.insert("care_visit", values)
        _photos(tx, photos, visit_id=vid, owner=m["owner"])
    return vid


def visit_values(member, *, date: Any, kind: Any, content: Any, visitor: Any = "", amount: Any = None,
                 note: Any = "") -> dict:
    """The care_visit row of a visit, checked (FieldError names the field)."""
    day = _day(date, "走访日期")
    kind = _required(kind, "走访形式", "kind")
    content = _required(content, "走访、帮扶内容", "content")
    try:
        fen = 0 if amount in (None, "") else to_fen(amount, what="慰问金额")
    except UserError as e:
        raise FieldError("amount_fen", e.message) from None
    return {"member_id": member["id"], "date": day, "kind": kind, "visitor": text(visitor), "content": content,
            "amount_fen": fen, "note": text(note), "owner": member["owner"]}


def visits(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None) -> list:
    start, end = _year_range(year)
    where, params = ["v.date BETWEEN ? AND ?"], [start, end]
    member_scope(db, where, params, office_id=office_id, org_id=org_id)
    return db.query(f"""SELECT v.*, m.name, m.org_id, m.is_hardship, m.join_date < '{OLD_MEMBER_BEFORE}' AS is_old,
                               o.name AS org_name,
                               (SELECT count(*) FROM ledger_photo p WHERE p.visit_id = v.id) AS photos
                        FROM care_visit v JOIN member m ON m.id = v.member_id JOIN org o ON o.id = m.org_id
                        WHERE {' AND '.join(where)} ORDER BY v.date, o.sort_order, m.name_pinyin""", params)


# ---- 谈心谈话 -------------------------------------------------------------------------------------
def add_talk(db: Database, org_id: str, *, date: str, talker: str, participants: str, topic: str,
             content: str = "", note: str = "", photos: Iterable[str | Path] = (), actor: str | None = None) -> str:
    """A 谈心谈话 record of a branch: who talked with whom, about what, with photos."""
    org = branch_row(db, org_id)
    owner = owner_of(db, org_id=org_id)
    values = talk_values(org_id, owner, date=date, talker=talker, participants=participants, topic=topic,
                         content=content, note=note)
    with db.transaction(f"登记谈心谈话 {org['name']} {values['date']} {values['topic'][:20]}", actor=actor) as tx:
        tid = tx.insert("talk_record", values)
        _photos(tx, photos, talk_id=tid, owner=owner)
    return tid


def talk_values(org_id: str, owner: str, *, date: Any, talker: Any, participants: Any, topic: Any,
                content: Any = "", note: Any = "") -> dict:
    """The talk_record row of a branch's talk, checked (FieldError names the field)."""
    return {"org_id": org_id, "date": _day(date, "谈话日期"), "talker": _required(talker, "谈话人", "talker"),
            "participants": _required(participants, "谈话对象", "participants"),
            "topic": _required(topic, "谈话主题", "topic"), "content": text(content), "note": text(note),
            "owner": owner}


def talks(db: Database, year: int, *, office_id: str | None = None, org_id: str | None = None) -> list:
    start, end = _year_range(year)
    where, params = ["t.date BETWEEN ? AND ?"], [start, end]
    member_scope(db, where, params, office_id=office_id, org_id=org_id, column="t.org_id")
    return db.query(f"""SELECT t.*, o.name AS org_name,
                               (SELECT count(*) FROM ledger_photo p WHERE p.talk_id = t.id) AS photos
                        FROM talk_record t JOIN org o ON o.id = t.org_id WHERE {' AND '.join(where)}
                        ORDER BY t.date, o.sort_order""", params)


def add_photos(db: Database, paths: Iterable[str | Path], *, talk_id: str | None = None,
               visit_id: str | None = None, actor: str | None = None) -> int:
    """Attach photos to a talk or a visit afterwards; returns how many were new."""
    table, rid = ("talk_record", talk_id) if talk_id else ("care_visit", visit_id)
    row = db.get(table, rid) if rid else None
    if row is None:
        raise UserError("找不到要添加照片的记录。")
    with db.transaction("添加台账照片", actor=actor) as tx:
        return _photos(tx, paths, talk_id=talk_id, visit_id=visit_id, owner=row["owner"])


def photos(db: Database, *, talk_id: str | None = None, visit_id: str | None = None) -> list:
    col, rid = ("talk_id", talk_id) if talk_id else ("visit_id", visit_id)
    return db.query(f"""SELECT p.id, p.attachment_id, a.file_name, a.mime, a.size, a.sha256 FROM ledger_photo p
                        JOIN attachment a ON a.id = p.attachment_id WHERE p.{col} = ? ORDER BY p.rowid""", (rid,))


def photo_data(db: Database, photo_id: str) -> bytes:
    data = db.scalar("SELECT a.data FROM ledger_photo p JOIN attachment a ON a.id = p.attachment_id WHERE p.id = ?",
                     (photo_id,))
    if data is None:
        raise UserError("找不到这张照片。")
    return bytes(data)


def remove_photo(db: Database, photo_id: str, *, actor: str | None = None) -> None:
    row = db.get("ledger_photo", photo_id)
    if row is None:
        raise UserError("这张照片已不存在。")
    with db.transaction("删除台账照片", actor=actor) as tx:
        tx.delete("ledger_photo", photo_id)
        discard_if_unused(tx, row["attachment_id"])


# ---- removing an entry -----------------------------------------------------------------------------
LABELS = {"training_record": "教育培训记录", "reward_record": "奖惩记录", "care_visit": "走访慰问记录",
          "talk_record": "谈心谈话记录"}


def remove_record(db: Database, table: str, record_id: str, *, reason: str = "", actor: str | None = None) -> None:
    """Delete an entry of one of these ledgers (its photos go with it; unused files are discarded)."""
    if table not in LABELS:
        raise ValueError(f"not a records table: {table}")
    row = db.get(table, record_id)
    if row is None:
        raise UserError(f"这条{LABELS[table]}已不存在。")
    why = f"：{text(reason)}" if text(reason) else ""
    attachments = []
    if table in ("talk_record", "care_visit"):
        col = "talk_id" if table == "talk_record" else "visit_id"
        attachments = [(r["id"], r["attachment_id"]) for r in
                       db.query(f"SELECT id, attachment_id FROM ledger_photo WHERE {col} = ?", (record_id,))]
    with db.transaction(f"删除{LABELS[table]}（{row['date']}）{why}", actor=actor) as tx:
        for pid, _ in attachments:
            tx.delete("ledger_photo", pid)
        tx.delete(table, record_id)
        for _, att in attachments:
            discard_if_unused(tx, att)


def year_of(day: str | dt.date) -> int:
    return (dates.parse_iso(day) if isinstance(day, str) else day).year
