"""Entry batches: every write of ledger entries (a meeting's attendance, a single entry, an Excel
import) is one batch, so the office's last batch can be taken back (撤销上一批) in one logged
unit of work that deletes exactly that batch's rows."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable

from .. import dates
from ..attachments import discard_if_unused
from ..db import Database, Tx
from ..errors import UserError, ValidationError
from .catalogue import Item
from .common import (ACTIVE_STATUSES, check_date, check_unlocked, fmt_points, is_locked, operator,
                     owner_of_office)
from .membership import History

BATCH_KINDS = ("会议", "录入", "导入")
#: The largest value one entry can carry (a year's base score is at most 1000 too).
MAX_POINTS = 1000.0


@dataclass
class Batch:
    id: str
    office_id: str
    org_id: str | None
    org_name: str
    year: int
    kind: str
    title: str
    tx_id: int
    entered_by: str
    entered_at: str
    row_count: int
    undone_at: str | None
    undone_by: str | None

    @property
    def undone(self) -> bool:
        return self.undone_at is not None

    def describe(self) -> str:
        when = self.entered_at[:16].replace("T", " ")
        return f"{self.title}（{when}，{self.row_count}条积分记录）"

    @classmethod
    def from_row(cls, r) -> "Batch":
        return cls(r["id"], r["office_id"], r["org_id"], r["org_name"] or "", r["year"], r["kind"], r["title"],
                   r["tx_id"], r["entered_by"], r["entered_at"], r["row_count"], r["undone_at"], r["undone_by"])


_BATCH_SQL = """SELECT b.*, o.name AS org_name FROM points_batch b LEFT JOIN org o ON o.id = b.org_id"""


def new_batch(tx: Tx, *, office_id: str, org_id: str | None, year: int, kind: str, title: str,
              row_count: int) -> str:
    if kind not in BATCH_KINDS:
        raise ValueError(f"unknown batch kind {kind!r}")
    return tx.insert("points_batch", {"office_id": office_id, "org_id": org_id, "year": int(year), "kind": kind,
                                      "title": title, "tx_id": tx.id, "entered_by": operator(tx.db),
                                      "entered_at": tx.now, "row_count": row_count,
                                      "owner": owner_of_office(tx.db, office_id)})


def get_batch(db: Database, batch_id: str) -> Batch | None:
    row = db.one(_BATCH_SQL + " WHERE b.id = ?", (batch_id,))
    return Batch.from_row(row) if row else None


def batches(db: Database, office_id: str | None = None, *, limit: int = 50) -> list[Batch]:
    where, params = "", []
    if office_id:
        where, params = " WHERE b.office_id = ?", [office_id]
    return [Batch.from_row(r) for r in db.query(_BATCH_SQL + where + " ORDER BY b.tx_id DESC, b.rowid DESC LIMIT ?",
                                                 [*params, int(limit)])]


def last_batch(db: Database, office_id: str | None = None) -> Batch | None:
    """The office's most recent batch, undone or not (only that one can be taken back)."""
    found = batches(db, office_id, limit=1)
    return found[0] if found else None


def undoable_batch(db: Database, office_id: str | None = None) -> Batch | None:
    """The batch 撤销上一批 would take back now, or None."""
    b = last_batch(db, office_id)
    if b is None or b.undone or is_locked(db, b.office_id, b.year):
        return None
    return b


def undo_last_batch(db: Database, office_id: str | None = None, *, actor: str | None = None) -> Batch:
    """Take back the office's last batch: its entries, and for a meeting the meeting, its
    attendance and photos. One logged unit of work. Only the most recent batch can be undone."""
    b = last_batch(db, office_id)
    if b is None:
        raise UserError("还没有可以撤销的积分录入。")
    if b.undone:
        raise UserError(f"上一批“{b.title}”已于{b.undone_at[:16].replace('T', ' ')}撤销，不能再撤销更早的批次。"
                        f"如需更正更早的记录，请在台账中逐条删除或修改会议。")
    check_unlocked(db, b.office_id, b.year)
    with db.transaction(f"撤销上一批：{b.title}", actor=actor) as tx:
        remove_batch_rows(tx, b.id)
        tx.update("points_batch", b.id, {"undone_at": tx.now, "undone_by": operator(db)})
    return get_batch(db, b.id)  # type: ignore[return-value]


def remove_batch_rows(tx: Tx, batch_id: str) -> None:
    """Delete a batch's entries and meetings (with attendance and photos; unused photo files too)."""
    db = tx.db
    tx.execute("DELETE FROM points_entry WHERE batch_id = ?", (batch_id,))
    for (meeting_id,) in db.query("SELECT id FROM meeting WHERE batch_id = ?", (batch_id,)):
        delete_meeting_rows(tx, meeting_id)


def retire_if_empty(tx: Tx, batch_id: str | None) -> None:
    """A batch whose entries and meetings were all deleted one by one is not offered for 撤销上一批
    any more (it would take back nothing): it is marked undone in the same unit of work."""
    db = tx.db
    if not batch_id or db.scalar("SELECT 1 FROM meeting WHERE batch_id = ?", (batch_id,)) \
            or db.scalar("SELECT 1 FROM points_entry WHERE batch_id = ?", (batch_id,)):
        return
    batch = db.get("points_batch", batch_id)
    if batch is not None and batch["undone_at"] is None:
        tx.update("points_batch", batch_id, {"undone_at": tx.now, "undone_by": operator(db)})


def delete_meeting_rows(tx: Tx, meeting_id: str) -> None:
    db = tx.db
    attachments = [r[0] for r in db.query("SELECT attachment_id FROM meeting_photo WHERE meeting_id = ?",
                                          (meeting_id,))]
    tx.execute("DELETE FROM points_entry WHERE meeting_id = ?", (meeting_id,))
    tx.execute("DELETE FROM meeting_attendance WHERE meeting_id = ?", (meeting_id,))
    tx.execute("DELETE FROM meeting_photo WHERE meeting_id = ?", (meeting_id,))
    tx.delete("meeting", meeting_id)
    for att in attachments:
        discard_if_unused(tx, att)


# ---- preparing entries ----------------------------------------------------------------------

@dataclass
class EntryDraft:
    """One entry to write: member, item, date, points (None: the item's points), note."""

    member_id: str
    item_id: str
    date: str
    points: float | None = None
    note: str = ""
    meeting_id: str | None = None
    attachment_id: str | None = None


def _members(db: Database, ids: Iterable[str]) -> dict[str, Any]:
    ids = list(dict.fromkeys(ids))
    out: dict[str, Any] = {}
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        for r in db.query(f"""SELECT m.id, m.name, m.status, m.org_id, o.office_id FROM member m
                              JOIN org o ON o.id = m.org_id WHERE m.id IN ({','.join('?' * len(part))})""", part):
            out[r["id"]] = r
    return out


def items_by_id(db: Database, ids: Iterable[str]) -> dict[str, Item]:
    ids = list(dict.fromkeys(ids))
    rows = db.query(f"SELECT * FROM points_item WHERE id IN ({','.join('?' * len(ids))})", ids) if ids else []
    return {r["id"]: Item.from_row(r) for r in rows}


def prepare_entries(db: Database, drafts: list[EntryDraft], *, today: dt.date | None = None,
                    skip_existing_meeting: str | None = None) -> tuple[list[dict[str, Any]], set[tuple[str, int]]]:
    """Validate drafts into rows for points_entry; returns (rows, {(office_id, year)}).

    Raises ValidationError listing at most ten problems, each naming the member: unknown or
    inactive member, a date on which they were not a member (before joining or transferring in,
    after leaving: points.membership), an item of another office or year, a stopped item, a zero or wrongly
    signed value, a second entry of a per-month item in one month or of a per-year item in a year.
    """
    members = _members(db, (d.member_id for d in drafts))
    history = History(db, members, today=today)
    items = items_by_id(db, (d.item_id for d in drafts))
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    periods: dict[tuple[str, str], dict[str, int]] = {}  # (item, member) -> period key -> count
    scopes: set[tuple[str, int]] = set()
    by_op = operator(db)
    owners: dict[str, str] = {}
    for d in drafts:
        m = members.get(d.member_id)
        it = items.get(d.item_id)
        who = m["name"] if m else "（未知党员）"
        if m is None:
            problems.append("有一条记录的党员不存在（可能已被删除）")
            continue
        if m["status"] not in ACTIVE_STATUSES:
            left = history.left_on(m["id"])
            problems.append(f"{who}的党籍状态为“{m['status']}”，不能记积分" if left.startswith("党籍状态")
                            else f"{who}已于{left}（党籍状态为“{m['status']}”），不能记积分")
            continue
        if it is None:
            problems.append(f"{who}：积分项目不存在（可能已被删除）")
            continue
        try:
            date = check_date(d.date, what="积分日期", today=today)
        except ValidationError as e:
            problems.append(f"{who}：{e.message}")
            continue
        if not (standing := history.on(m["id"], date)).member:
            problems.append(f"{who}在{dates.format_cn(date)}不是本镇党员（{standing.why}），不能记这一天的积分")
            continue
        year = int(date[:4])
        if it.office_id != m["office_id"]:
            problems.append(f"{who}：项目 {it.code} 不属于其所在乡镇的积分细则")
            continue
        if it.year != year:
            problems.append(f"{who}：项目 {it.code} 是{it.year}年度的细则，日期为{dates.format_cn(date)}")
            continue
        if not it.active:
            problems.append(f"{who}：项目 {it.code} {it.title} 已停用")
            continue
        pts = it.signed_points if d.points in (None, "") else d.points
        try:
            pts = round(float(pts), 2)
        except (TypeError, ValueError):
            pts = math.nan
        if not math.isfinite(pts):  # 'nan' or 'inf' typed into a sheet reads as a float
            problems.append(f"{who}：分值“{d.points}”不是数字")
            continue
        if abs(pts) > MAX_POINTS:
            problems.append(f"{who}：分值{fmt_points(pts)}过大（一条记录最多{fmt_points(MAX_POINTS)}分）")
            continue
        if pts == 0:
            problems.append(f"{who}：分值不能为0")
            continue
        if (it.kind == "加分") != (pts > 0):
            problems.append(f"{who}：{it.code} 是{it.kind}项目，分值应为{'正数' if it.kind == '加分' else '负数'}"
                            f"（现为{fmt_points(pts)}）")
            continue
        cap = it.effective_cap
        if cap is not None and abs(pts) > cap:
            problems.append(f"{who}：{it.code} 单次分值{fmt_points(abs(pts))}超过年度上限{fmt_points(cap)}")
            continue
        if it.unit in ("月", "年"):
            key = date[:7] if it.unit == "月" else date[:4]
            periods.setdefault((it.id, m["id"]), {})
            periods[(it.id, m["id"])][key] = periods[(it.id, m["id"])].get(key, 0) + 1
        scopes.add((m["office_id"], year))
        if m["office_id"] not in owners:
            owners[m["office_id"]] = owner_of_office(db, m["office_id"])
        rows.append({"member_id": m["id"], "item_id": it.id, "year": year, "date": date, "points": pts,
                     "note": (d.note or "").strip(), "entered_by": by_op, "meeting_id": d.meeting_id,
                     "attachment_id": d.attachment_id, "owner": owners[m["office_id"]]})
    # Per-month and per-year items: at most one entry per period, counting what is already written.
    if periods:
        for (item_id, member_id), counts in periods.items():
            it = items[item_id]
            # points_entry_member (member_id, year) holds the member's entries of the year.
            existing = db.query("SELECT date FROM points_entry WHERE year = ? AND member_id = ? AND item_id = ?"
                                + (" AND meeting_id IS NOT ?" if skip_existing_meeting else ""),
                                (it.year, member_id, item_id,
                                 *((skip_existing_meeting,) if skip_existing_meeting else ())))
            for (date,) in existing:
                key = date[:7] if it.unit == "月" else date[:4]
                counts[key] = counts.get(key, 0) + 1
            for key, n in sorted(counts.items()):
                if n > 1:
                    when = f"{int(key[:4])}年{int(key[5:7])}月" if it.unit == "月" else f"{key}年"
                    problems.append(f"{members[member_id]['name']}：{it.code} {it.title}按“{'每月' if it.unit == '月' else '每年一次'}”"
                                    f"计分，{when}已有记录")
    for office_id, year in scopes:
        check_unlocked(db, office_id, year)
    if problems:
        more = f"\n……另有{len(problems) - 10}处" if len(problems) > 10 else ""
        raise ValidationError({"entries": "\n".join(problems[:10]) + more},
                              message="积分记录有误，未保存：\n" + "\n".join(problems[:10]) + more)
    return rows, scopes


def write_entries(tx: Tx, batch_id: str, rows: list[dict[str, Any]]) -> list[str]:
    return tx.insert_many("points_entry", [r | {"batch_id": batch_id} for r in rows])


def add_batch(db: Database, drafts: list[EntryDraft], *, title: str, kind: str = "录入",
              org_id: str | None = None, actor: str | None = None, today: dt.date | None = None) -> Batch:
    """Write several entries as one batch (one unit of work)."""
    if not drafts:
        raise UserError("没有要保存的积分记录。")
    rows, scopes = prepare_entries(db, drafts, today=today)
    if len({o for o, _y in scopes}) != 1 or len({y for _o, y in scopes}) != 1:
        raise UserError("一批积分记录只能属于同一个乡镇的同一个年度，请分开录入。")
    office_id, year = next(iter(scopes))
    with db.transaction(title, actor=actor) as tx:
        bid = new_batch(tx, office_id=office_id, org_id=org_id, year=year, kind=kind, title=title,
                        row_count=len(rows))
        write_entries(tx, bid, rows)
    return get_batch(db, bid)  # type: ignore[return-value]
