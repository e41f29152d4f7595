"""积分台账: single ledger entries (add, delete, evidence), listing, and the ledger in Excel
(import a clerk's sheet as one undoable batch; export for checking)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import dates
from ..attachments import discard_if_unused, store_file
from ..db import Database
from ..errors import UserError, ValidationError
from ..pinyin import sort_key
from ..xlsx_safe import append, removes_rows_on_failure, streamed_workbook
from .batch import Batch, EntryDraft, add_batch, get_batch, items_by_id, retire_if_empty
from .catalogue import ensure_catalogue, items
from .common import ACTIVE_STATUSES, check_unlocked, fmt_points, read_workbook, save_workbook, scope_filter
from .membership import History

LEDGER_SHEET = "积分台账"
LEDGER_COLUMNS = ("姓名", "所在党支部", "身份证号", "日期", "项目编号", "分值", "备注")


@dataclass
class Entry:
    id: str
    member_id: str
    member_name: str
    org_id: str
    org_name: str
    item_id: str
    item_code: str
    item_title: str
    kind: str
    date: str
    points: float
    note: str
    entered_by: str
    batch_id: str | None
    meeting_id: str | None
    meeting_type: str | None
    has_evidence: bool
    rev: int

    @classmethod
    def from_row(cls, r) -> "Entry":
        return cls(r["id"], r["member_id"], r["member_name"], r["org_id"], r["org_name"], r["item_id"], r["code"],
                   r["title"], r["kind"], r["date"], float(r["points"]), r["note"], r["entered_by"], r["batch_id"],
                   r["meeting_id"], r["meeting_type"], r["attachment_id"] is not None, r["rev"])


def add_entry(db: Database, member_id: str, item_id: str, date: str, *, points: Any = None, note: str = "",
              evidence: str | Path | None = None, actor: str | None = None, today: dt.date | None = None) -> str:
    """Record one entry (its own batch, so 撤销上一批 takes it back). Returns the entry id."""
    m = db.get("member", member_id)
    it = db.get("points_item", item_id)
    if m is None or it is None:
        raise UserError("党员或积分项目不存在，可能已被删除。")
    draft = EntryDraft(member_id, item_id, date, points, note)
    title = f"录入积分 {m['name']} {it['code']} {it['title']}"
    if evidence is None:
        batch = add_batch(db, [draft], title=title, org_id=m["org_id"], actor=actor, today=today)
    else:
        from .batch import new_batch, prepare_entries, write_entries

        rows, scopes = prepare_entries(db, [draft], today=today)
        office_id, year = next(iter(scopes))
        with db.transaction(title, actor=actor) as tx:
            rows[0]["attachment_id"] = store_file(tx, evidence)
            bid = new_batch(tx, office_id=office_id, org_id=m["org_id"], year=year, kind="录入", title=title,
                            row_count=1)
            write_entries(tx, bid, rows)
        batch = get_batch(db, bid)
    return db.scalar("SELECT id FROM points_entry WHERE batch_id = ?", (batch.id,))


def add_entries(db: Database, drafts: list[EntryDraft], *, title: str, org_id: str | None = None,
                actor: str | None = None, today: dt.date | None = None) -> Batch:
    """Record several entries at once (e.g. 党费 for a whole branch) as one undoable batch."""
    return add_batch(db, drafts, title=title, org_id=org_id, actor=actor, today=today)


def _entry_row(db: Database, entry_id: str):
    row = db.one("SELECT e.*, i.code, i.title, i.office_id FROM points_entry e JOIN points_item i ON i.id = e.item_id "
                 "WHERE e.id = ?", (entry_id,))
    if row is None:
        raise UserError("找不到这条积分记录，可能已被删除或撤销。")
    return row


def delete_entry(db: Database, entry_id: str, *, actor: str | None = None) -> None:
    """Delete one entry. Entries written from a meeting's attendance change with the attendance."""
    row = _entry_row(db, entry_id)
    if row["meeting_id"]:
        raise UserError("这条记录由会议考勤自动生成，请在“会议与考勤”中修改该党员的考勤或删除会议。")
    check_unlocked(db, row["office_id"], row["year"])
    name = db.scalar("SELECT name FROM member WHERE id = ?", (row["member_id"],)) or ""
    with db.transaction(f"删除积分记录 {name} {row['code']} {fmt_points(row['points'], signed=True)}", actor=actor) as tx:
        tx.delete("points_entry", entry_id)
        discard_if_unused(tx, row["attachment_id"])
        retire_if_empty(tx, row["batch_id"])


def set_evidence(db: Database, entry_id: str, path: str | Path | None, *, actor: str | None = None) -> None:
    """Attach (or with None remove) the evidence file of an entry."""
    row = _entry_row(db, entry_id)
    check_unlocked(db, row["office_id"], row["year"])
    old = row["attachment_id"]
    with db.transaction("更换积分佐证材料" if path else "删除积分佐证材料", actor=actor) as tx:
        new = store_file(tx, path) if path else None
        tx.update("points_entry", entry_id, {"attachment_id": new})
        if old != new:
            discard_if_unused(tx, old)


def evidence(db: Database, entry_id: str) -> tuple[str, str, bytes] | None:
    """(file name, mime, data) of an entry's evidence, or None."""
    row = db.one("SELECT a.file_name, a.mime, a.data FROM points_entry e JOIN attachment a ON a.id = e.attachment_id "
                 "WHERE e.id = ?", (entry_id,))
    return (row["file_name"], row["mime"], bytes(row["data"])) if row else None


_ENTRY_SQL = """SELECT e.*, m.name AS member_name, m.org_id, o.name AS org_name, i.code, i.title, i.kind,
                       mt.meeting_type
                FROM points_entry e JOIN member m ON m.id = e.member_id JOIN org o ON o.id = m.org_id
                JOIN points_item i ON i.id = e.item_id LEFT JOIN meeting mt ON mt.id = e.meeting_id"""


def list_entries(db: Database, year: int, *, member_id: str | None = None, org_id: str | None = None,
                 item_id: str | None = None, limit: int | None = None) -> list[Entry]:
    """Entries of a year for a member, or for everyone under an organisation, newest first."""
    where, params = ["e.year = ?"], [int(year)]
    if member_id:
        where.append("e.member_id = ?")
        params.append(member_id)
    scope_filter(db, where, params, org_id=org_id)
    if item_id:
        where.append("e.item_id = ?")
        params.append(item_id)
    sql = _ENTRY_SQL + " WHERE " + " AND ".join(where) + " ORDER BY e.date DESC, m.name_pinyin, i.sort_order"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [Entry.from_row(r) for r in db.query(sql, params)]


def has_entries(db: Database, office_id: str, year: int) -> bool:
    """Has anything been entered for the office's year (else every total is only the base score)?"""
    return bool(db.scalar("""SELECT 1 FROM points_entry e JOIN points_item i ON i.id = e.item_id
                             WHERE e.year = ? AND i.office_id = ? LIMIT 1""", (int(year), office_id)))


# ---- Excel -----------------------------------------------------------------------------------

@removes_rows_on_failure
def export_ledger_xlsx(db: Database, year: int, path: str | Path, *, org_id: str | None = None,
                       member_id: str | None = None) -> Path:
    """The year's entries as a workbook in the import layout (ID numbers are kept: an internal file)."""
    rows = list_entries(db, year, org_id=org_id, member_id=member_id)
    ids = {r["id"]: r["id_number"] for r in db.query(
        "SELECT id, id_number FROM member WHERE id IN (SELECT member_id FROM points_entry_sum WHERE year = ?)",
        (int(year),))}
    wb = streamed_workbook()
    ws = wb.create_sheet(LEDGER_SHEET)
    for col, width in zip("ABCDEFGHI", (10, 24, 21, 12, 9, 7, 30, 40, 10)):
        ws.column_dimensions[col].width = width
    ws.append(list(LEDGER_COLUMNS) + ["积分项目", "来源"])
    keys = {n: sort_key(n) for n in {e.org_name for e in rows} | {e.member_name for e in rows}}
    for e in sorted(rows, key=lambda e: (keys[e.org_name], keys[e.member_name], e.date)):
        append(ws, [e.member_name, e.org_name, ids.get(e.member_id, ""), e.date, e.item_code, e.points, e.note,
                   e.item_title, e.meeting_type or "录入"])
    return save_workbook(wb, path)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.date, dt.datetime)):
        return v.strftime("%Y-%m-%d")
    return str(v).strip()


def _date_text(v: Any) -> str:
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    text = _text(v).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").replace("日", "")
    parts = [p for p in text.split("-") if p]
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        try:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
        except ValueError:
            return text
    return text


def read_ledger_xlsx(db: Database, path: str | Path, office_id: str, *,
                     today: dt.date | None = None) -> tuple[list[EntryDraft], list[str]]:
    """Entries from a clerk's workbook (sheet 积分台账 or the first sheet): drafts and problems.

    Members are matched by ID number when given, else by name (and branch when the name is
    not unique in the town). Items are matched by code within the year of the entry's date. A row
    dated when the member was not a member (before joining or transferring in, after leaving:
    points.membership) is a problem, and so is a row identical to an entry already in the ledger
    (the sheet was imported before).
    """
    path = Path(path)
    wb = read_workbook(path, what="积分台账")
    sheet = LEDGER_SHEET if LEDGER_SHEET in wb.sheet_names else wb.sheet_names[0]
    data = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if not data:
        raise UserError(f"工作表“{sheet}”是空的。")
    header = [_text(h) for h in data[0]]
    col = {name: header.index(name) for name in LEDGER_COLUMNS if name in header}
    missing = [c for c in ("日期", "项目编号") if c not in col]
    if "姓名" not in col and "身份证号" not in col:
        missing.insert(0, "姓名或身份证号")
    if missing:
        raise UserError(f"“{sheet}”表头缺少：{'、'.join(missing)}（第1行应为：{'、'.join(LEDGER_COLUMNS)}）。")
    members = db.query("""SELECT m.id, m.name, m.id_number, o.name AS org_name FROM member m JOIN org o ON o.id = m.org_id
                          WHERE o.office_id = ? AND m.status IN (?, ?)""", (office_id, *ACTIVE_STATUSES))
    by_id = {m["id_number"]: m for m in members}
    by_name: dict[str, list] = {}
    for m in members:
        by_name.setdefault(m["name"], []).append(m)
    item_cache: dict[int, dict[str, str]] = {}
    drafts: list[EntryDraft] = []
    lines: list[int] = []  # the sheet's row of each draft
    problems: list[str] = []

    def cell(row, name):
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else None

    for n, row in enumerate(data[1:], start=2):
        if all(_text(v) == "" for v in row):
            continue
        name, branch, idn = _text(cell(row, "姓名")), _text(cell(row, "所在党支部")), _text(cell(row, "身份证号")).upper()
        if idn:
            m = by_id.get(idn)
            if m is None:
                problems.append(f"第{n}行：身份证号{idn[:6]}…在本镇在册党员中找不到")
                continue
            if name and m["name"] != name:
                problems.append(f"第{n}行：身份证号对应的党员是“{m['name']}”，与姓名“{name}”不符")
                continue
        else:
            hits = by_name.get(name, [])
            if branch:
                hits = [h for h in hits if h["org_name"] == branch]
            if not hits:
                problems.append(f"第{n}行：找不到党员“{name}”" + (f"（{branch}）" if branch else ""))
                continue
            if len(hits) > 1:
                problems.append(f"第{n}行：“{name}”有{len(hits)}人同名，请填写所在党支部或身份证号")
                continue
            m = hits[0]
        date = _date_text(cell(row, "日期"))
        if not dates.is_iso_date(date):
            problems.append(f"第{n}行：日期“{date}”应为 2026-03-01 这样的格式")
            continue
        year = int(date[:4])
        if year not in item_cache:
            if not db.readonly:
                ensure_catalogue(db, office_id, year)
            item_cache[year] = {i.code: i.id for i in items(db, office_id, year)}
        code = _text(cell(row, "项目编号"))
        item_id = item_cache[year].get(code)
        if item_id is None:
            problems.append(f"第{n}行：{year}年度积分细则中没有编号“{code}”")
            continue
        raw = cell(row, "分值")
        pts: float | None = None
        if _text(raw) != "":
            try:
                pts = float(_text(raw).lstrip("+"))
            except ValueError:
                problems.append(f"第{n}行：分值“{_text(raw)}”不是数字")
                continue
        drafts.append(EntryDraft(m["id"], item_id, date, pts, _text(cell(row, "备注"))))
        lines.append(n)
    problems += _not_members_then(db, drafts, lines, today)
    problems += _already_entered(db, drafts, lines, item_cache)
    return drafts, problems


def _not_members_then(db: Database, drafts: list[EntryDraft], lines: list[int], today: dt.date | None) -> list[str]:
    """The rows dated on a day the member was not a member of the party here (joined or came
    later, or had left then), each naming the member and the date that says why."""
    history = History(db, (d.member_id for d in drafts), today=today)
    out = []
    for n, d in zip(lines, drafts):
        s = history.on(d.member_id, d.date)
        if not s.member:
            out.append(f"第{n}行：{s.name}在{dates.format_cn(d.date)}不是本镇党员（{s.why}），不能记这一天的积分")
    return out


def _already_entered(db: Database, drafts: list[EntryDraft], lines: list[int],
                     item_cache: dict[int, dict[str, str]]) -> list[str]:
    """The rows identical to an entry already in the ledger (member, item, date, points and note):
    a sheet imported twice, or an exported ledger imported back, would count them twice."""
    if not drafts:
        return []
    points = {i.id: i.signed_points for i in items_by_id(db, {d.item_id for d in drafts}).values()}
    members = list({d.member_id for d in drafts})
    have: set[tuple] = set()
    for k in range(0, len(members), 500):
        part = members[k:k + 500]
        for r in db.query(f"""SELECT member_id, item_id, date, points, note FROM points_entry
                              WHERE member_id IN ({','.join('?' * len(part))})
                              AND year IN ({','.join('?' * len(item_cache))})""", [*part, *item_cache]):
            have.add((r[0], r[1], r[2], round(float(r[3]), 2), r[4] or ""))
    out = []
    for n, d in zip(lines, drafts):
        value = d.points if d.points is not None else points.get(d.item_id)
        try:
            key = (d.member_id, d.item_id, d.date, round(float(value), 2), d.note or "")
        except (TypeError, ValueError):
            continue
        if key in have:
            out.append(f"第{n}行：台账中已有完全相同的记录（同一党员、项目、日期、分值和备注），可能已经导入过")
    return out


def import_ledger_xlsx(db: Database, path: str | Path, office_id: str, *, actor: str | None = None,
                       today: dt.date | None = None) -> Batch:
    """Import a clerk's ledger sheet as one batch; nothing is written when any row is wrong."""
    drafts, problems = read_ledger_xlsx(db, path, office_id, today=today)
    if problems:
        more = f"\n……另有{len(problems) - 10}处" if len(problems) > 10 else ""
        raise ValidationError({"file": "\n".join(problems)},
                              message="积分台账有误，未导入：\n" + "\n".join(problems[:10]) + more)
    if not drafts:
        raise UserError("文件中没有积分记录。")
    return add_batch(db, drafts, title=f"导入积分台账 {Path(path).name}（{len(drafts)}条）", kind="导入",
                     actor=actor, today=today)
