"""Shared rules of the points area: member classes, number formatting, offices, year locks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .. import dates
from ..db import Database
from ..errors import LockedError, UserError, file_error
from ..filesave import save_file
from ..numbers import format_score
from ..xlsx_guard import LARGE, Limits, check_workbook, is_reader_failure, unreadable_message

#: Members whose status counts them in yearly totals and meeting lists.
ACTIVE_STATUSES = ("正常", "失联")

#: Member classes an item can exempt (免计). Bits used by the totals query.
MEMBER_CLASSES = ("流动党员", "困难党员", "预备党员", "年老体弱")
CLASS_BITS = {"流动党员": 1, "困难党员": 2, "预备党员": 4, "年老体弱": 8}

#: Exemption kinds (points_exemption.kind): not rated at all, or 年老体弱 (a member class on request).
EXEMPT_NOT_RATED = "不参评"
EXEMPT_FRAIL = "年老体弱"
EXEMPTION_KINDS = (EXEMPT_NOT_RATED, EXEMPT_FRAIL)


def fmt_points(value: Any, *, signed: bool = False) -> str:
    """2.0 -> '2', 0.5 -> '0.5', -2 -> '-2'; signed adds '+' to positive numbers (numbers.format_score)."""
    return format_score(value, signed=signed)


def round_points(value: float | None) -> float:
    return round(float(value or 0), 2) + 0.0


def mask_of(classes) -> int:
    return sum(CLASS_BITS[c] for c in set(classes or ()) if c in CLASS_BITS)


def member_classes(member, *, frail: bool = False) -> list[str]:
    """The classes a member row belongs to (frail: a 年老体弱 exemption is on record for the year)."""
    out = []
    if member["is_mobile"]:
        out.append("流动党员")
    if member["is_hardship"]:
        out.append("困难党员")
    if member["category"] == "预备党员":
        out.append("预备党员")
    if frail:
        out.append("年老体弱")
    return out


def year_of(date: str) -> int:
    return dates.parse_iso(date).year


def check_date(value: str | dt.date | None, *, field: str = "date", what: str = "日期",
               today: dt.date | None = None) -> str:
    """An ISO day not in the future (ValidationError otherwise)."""
    from ..errors import ValidationError

    if isinstance(value, dt.date):
        value = value.isoformat()
    value = (value or "").strip()
    if not dates.is_iso_date(value):
        raise ValidationError({field: f"{what}应为 2026-03-01 这样的格式"})
    if dates.parse_iso(value) > (today or dates.today()):
        raise ValidationError({field: f"{what}不能晚于今天"})
    return value


def office_of_org(db: Database, org_id: str) -> str:
    office = db.scalar("SELECT office_id FROM org WHERE id = ?", (org_id,))
    if office is None:
        raise UserError("找不到该党组织，可能已被删除。")
    return office


def office_of_member(db: Database, member_id: str) -> str:
    office = db.scalar("SELECT o.office_id FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = ?",
                       (member_id,))
    if office is None:
        raise UserError("找不到该党员，可能已被删除。")
    return office


def owner_of_office(db: Database, office_id: str) -> str:
    return db.scalar("SELECT owner FROM office WHERE id = ?", (office_id,)) or office_id


def town_offices(db: Database) -> list:
    """Offices that keep members: the town itself, or every town of a county database."""
    from ..registry.offices import towns

    return towns(db)


def resolve_office(db: Database, name: str | None = None) -> str:
    """The office a command works on: the town of a town database, or a named town of a county."""
    offices = town_offices(db)
    if name:
        hits = [o for o in offices if o["name"] == name.strip()]
        if not hits:
            raise UserError(f"找不到乡镇“{name}”（可选：{'、'.join(o['name'] for o in offices) or '无'}）。")
        return hits[0]["id"]
    if len(offices) == 1:
        return offices[0]["id"]
    if not offices:
        raise UserError("数据库中还没有乡镇。")
    raise UserError(f"这是县级数据库，请用 --town 指明乡镇（{'、'.join(o['name'] for o in offices[:8])}…）。")


def scope_filter(db: Database, where: list[str], params: list, *, org_id: str | None = None,
                 office_id: str | None = None, org_column: str = "m.org_id") -> None:
    """Narrow a query (its WHERE parts and parameters) to an organisation and everything under it,
    or else to an office (`o.office_id`); neither given leaves it as it is."""
    from ..registry.orgs import subtree_ids

    if org_id:
        ids = subtree_ids(db, org_id)
        where.append(f"{org_column} IN ({','.join('?' * len(ids))})")
        params += ids
    elif office_id:
        where.append("o.office_id = ?")
        params.append(office_id)


def read_workbook(path: str | Path, *, what: str = "积分表", limits: Limits = LARGE) -> "_Book":
    """A workbook opened with calamine (sheet_names, get_sheet_by_name); a missing, hostile or
    unreadable file is a UserError, checked before calamine reads it."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    check_workbook(path, what, limits)
    try:
        return _Book(CalamineWorkbook.from_path(str(path)), path.name)
    except BaseException as e:
        if not is_reader_failure(e):
            raise
        raise UserError(unreadable_message(path.name, e)) from None


class _Book:
    """A calamine workbook whose sheets that cannot be read raise UserError."""

    def __init__(self, wb, name: str):
        self._wb, self._name = wb, name

    @property
    def sheet_names(self) -> list[str]:
        return self._wb.sheet_names

    def get_sheet_by_name(self, sheet: str):
        try:
            return self._wb.get_sheet_by_name(sheet)
        except BaseException as e:
            if not is_reader_failure(e):
                raise
            raise UserError(unreadable_message(self._name, e)) from None


def save_workbook(wb, path: str | Path) -> Path:
    """Save an openpyxl workbook; a file that cannot be written is the user's problem (UserError)."""
    target = Path(path)
    try:
        save_file(target, wb.save)
    except OSError as e:
        raise file_error(e, target) from None
    return target


def year_row(db: Database, office_id: str, year: int):
    return db.one("SELECT * FROM points_year WHERE office_id = ? AND year = ?", (office_id, int(year)))


def is_locked(db: Database, office_id: str, year: int) -> bool:
    row = year_row(db, office_id, year)
    return bool(row and row["locked_on"])


def check_unlocked(db: Database, office_id: str, year: int) -> None:
    row = year_row(db, office_id, year)
    if row and row["locked_on"]:
        name = db.scalar("SELECT name FROM office WHERE id = ?", (office_id,)) or ""
        raise LockedError(f"{name}{year}年度的党员积分已于{dates.format_cn(row['locked_on'][:10])}公示后锁定，"
                          f"不能再修改。如确需更正，请先在“年度汇总”中解除锁定（须说明原因）。")


def operator(db: Database) -> str:
    from ..db import current_actor

    return db.meta("operator") or current_actor()
