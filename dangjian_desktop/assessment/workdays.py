"""Working-day arithmetic (工作日) with an editable holiday list and China's official calendar.

A day is a working day when it is Monday to Friday and not a public holiday (休), or when
it is a weekend day declared a make-up working day (调休上班, 班). The built-in lists hold
the State Council's notices for 2023 to 2026; a year the office has edited is read from
the `holiday` table instead (the table is then the whole list for that year).

A year is *known* when it has a table: built in, entered by the office (day by day or from the
State Council's notice, see holiday_notice.py), received from the county, or confirmed by a
person as plain Monday–Friday (a `holiday_year` row with no days, logged like any change).
Any other year is counted Monday–Friday but never silently: a deadline that depends on it is
unconfirmed (Calendar.unknown_years, Window.unconfirmed) and 确定 asks for the year's table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from .. import dates
from ..db import Database
from ..errors import UserError

OFF, WORK = "休", "班"  # a holiday / a make-up working day on a weekend
KIND_LABELS = {OFF: "放假", WORK: "调休上班"}


def _days(start: str, end: str) -> list[str]:
    a, b = dates.parse_iso(start), dates.parse_iso(end)
    return [(a + dt.timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


def _year(holidays: list[tuple[str, str, str]], workdays: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for start, end, name in holidays:
        for d in _days(start, end):
            out[d] = (OFF, name)
    for d, name in workdays:
        out[d] = (WORK, name)
    return out


# 国务院办公厅关于2023年部分节假日安排的通知 (国办发明电〔2022〕16号); 元旦 began on 2022-12-31.
DEFAULTS_2023 = _year(
    [("2023-01-01", "2023-01-02", "元旦"), ("2023-01-21", "2023-01-27", "春节"),
     ("2023-04-05", "2023-04-05", "清明节"), ("2023-04-29", "2023-05-03", "劳动节"),
     ("2023-06-22", "2023-06-24", "端午节"), ("2023-09-29", "2023-10-06", "中秋节、国庆节")],
    [("2023-01-28", "春节"), ("2023-01-29", "春节"), ("2023-04-23", "劳动节"), ("2023-05-06", "劳动节"),
     ("2023-06-25", "端午节"), ("2023-10-07", "中秋节、国庆节"), ("2023-10-08", "中秋节、国庆节")])

# 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号).
DEFAULTS_2024 = _year(
    [("2024-01-01", "2024-01-01", "元旦"), ("2024-02-10", "2024-02-17", "春节"),
     ("2024-04-04", "2024-04-06", "清明节"), ("2024-05-01", "2024-05-05", "劳动节"),
     ("2024-06-10", "2024-06-10", "端午节"), ("2024-09-15", "2024-09-17", "中秋节"),
     ("2024-10-01", "2024-10-07", "国庆节")],
    [("2024-02-04", "春节"), ("2024-02-18", "春节"), ("2024-04-07", "清明节"), ("2024-04-28", "劳动节"),
     ("2024-05-11", "劳动节"), ("2024-09-14", "中秋节"), ("2024-09-29", "国庆节"), ("2024-10-12", "国庆节")])

# 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号).
DEFAULTS_2025 = _year(
    [("2025-01-01", "2025-01-01", "元旦"), ("2025-01-28", "2025-02-04", "春节"),
     ("2025-04-04", "2025-04-06", "清明节"), ("2025-05-01", "2025-05-05", "劳动节"),
     ("2025-05-31", "2025-06-02", "端午节"), ("2025-10-01", "2025-10-08", "国庆节、中秋节")],
    [("2025-01-26", "春节"), ("2025-02-08", "春节"), ("2025-04-27", "劳动节"),
     ("2025-09-28", "国庆节、中秋节"), ("2025-10-11", "国庆节、中秋节")])

# 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号).
DEFAULTS_2026 = _year(
    [("2026-01-01", "2026-01-03", "元旦"), ("2026-02-15", "2026-02-23", "春节"),
     ("2026-04-04", "2026-04-06", "清明节"), ("2026-05-01", "2026-05-05", "劳动节"),
     ("2026-06-19", "2026-06-21", "端午节"), ("2026-09-25", "2026-09-27", "中秋节"),
     ("2026-10-01", "2026-10-07", "国庆节")],
    [("2026-01-04", "元旦"), ("2026-02-14", "春节"), ("2026-02-28", "春节"),
     ("2026-05-09", "劳动节"), ("2026-09-20", "国庆节"), ("2026-10-10", "国庆节")])

# Every working day of 2023–2025 was checked against the chinesecalendar package (1.10.0): identical
# (2026 against a later release of it).
DEFAULTS: dict[int, dict[str, tuple[str, str]]] = {2023: DEFAULTS_2023, 2024: DEFAULTS_2024, 2025: DEFAULTS_2025,
                                                   2026: DEFAULTS_2026}


def unconfirmed_note(years: Iterable[int]) -> str:
    """'未确认：2027年放假安排尚未录入' — printed beside a deadline counted through years without a table."""
    return f"未确认：{'、'.join(str(y) for y in sorted(set(int(y) for y in years)))}年放假安排尚未录入"


def calendar_advice(years: Iterable[int], then: str) -> str:
    """'请先录入 2027 年的放假安排（国务院办公厅通知），或确认该年按周一至周五计算工作日，再{then}。'"""
    shown = "、".join(str(y) for y in years)
    return f"请先录入 {shown} 年的放假安排（国务院办公厅通知），或确认该年按周一至周五计算工作日，再{then}。"


class CalendarUnconfirmedError(UserError):
    """A deadline rests on years without a holiday table: enter the 放假安排 or confirm Monday–Friday."""

    def __init__(self, years, message: str):
        self.years = sorted(set(int(y) for y in years))
        super().__init__(message)


@dataclass(frozen=True)
class Holiday:
    """One entry of the list: a day off (休) or a make-up working day (班)."""

    day: str
    kind: str  # OFF | WORK
    name: str = ""
    builtin: bool = False  # from the built-in defaults, not edited by the office


class Calendar:
    """Working days for any date, given special days {iso: (kind, name)} and the years that have
    a table (None: every year counts as known)."""

    def __init__(self, special: dict[str, tuple[str, str]] | None = None, known_years: set[int] | None = None):
        self.special = dict(special or {})
        self.known_years = None if known_years is None else set(known_years)

    @classmethod
    def default(cls) -> "Calendar":
        merged: dict[str, tuple[str, str]] = {}
        for year in DEFAULTS.values():
            merged.update(year)
        return cls(merged, set(DEFAULTS))

    def known(self, year: int) -> bool:
        return self.known_years is None or int(year) in self.known_years

    def unknown_years(self, start: dt.date | str, end: dt.date | str) -> list[int]:
        """The years from `start` to `end` (both included) without a holiday table: counting
        working days through them is Monday–Friday and unconfirmed."""
        a = dates.parse_iso(start) if isinstance(start, str) else start
        b = dates.parse_iso(end) if isinstance(end, str) else end
        return [y for y in range(min(a, b).year, max(a, b).year + 1) if not self.known(y)]

    def is_workday(self, day: dt.date | str) -> bool:
        d = dates.parse_iso(day) if isinstance(day, str) else day
        kind = self.special.get(d.isoformat(), (None,))[0]
        if kind == OFF:
            return False
        if kind == WORK:
            return True
        return d.weekday() < 5

    def window_end(self, start: dt.date | str, days: int) -> dt.date:
        """The last day of a period of `days` working days that begins on `start`.

        `start` counts as the first day when it is a working day (公示 from Monday 1 December
        for 5 working days runs to Friday 5 December).
        """
        if days < 1:
            raise ValueError("days must be at least 1")
        d = dates.parse_iso(start) if isinstance(start, str) else start
        counted = 0
        while True:
            if self.is_workday(d):
                counted += 1
                if counted == days:
                    return d
            d += dt.timedelta(days=1)

    def add_workdays(self, start: dt.date | str, days: int) -> dt.date:
        """The working day `days` working days after `start` (start itself not counted)."""
        d = dates.parse_iso(start) if isinstance(start, str) else start
        step = 1 if days >= 0 else -1
        left = abs(days)
        while left:
            d += dt.timedelta(days=step)
            if self.is_workday(d):
                left -= 1
        return d

    def workdays_between(self, start: dt.date | str, end: dt.date | str) -> int:
        """Working days from `start` to `end`, both included (0 when end < start)."""
        a = dates.parse_iso(start) if isinstance(start, str) else start
        b = dates.parse_iso(end) if isinstance(end, str) else end
        n = 0
        while a <= b:
            n += self.is_workday(a)
            a += dt.timedelta(days=1)
        return n


def edited_years(db: Database) -> set[int]:
    return {r[0] for r in db.query("SELECT year FROM holiday_year")}


def calendar(db: Database) -> Calendar:
    """The office's calendar: built-in years unless edited, plus every edited year from the table."""
    special: dict[str, tuple[str, str]] = {}
    edited = edited_years(db)
    for year, days in DEFAULTS.items():
        if year not in edited:
            special.update(days)
    for r in db.query("SELECT day, kind, name FROM holiday"):
        if int(r["day"][:4]) in edited:
            special[r["day"]] = (r["kind"], r["name"])
    return Calendar(special, set(DEFAULTS) | edited)


def known_years(db: Database) -> set[int]:
    """Years with a holiday table: built in, entered or received, or confirmed as Monday–Friday."""
    return set(DEFAULTS) | edited_years(db)


@dataclass(frozen=True)
class YearStatus:
    """What the program knows of a year's holidays."""

    year: int
    known: bool
    basis: str | None  # 'builtin' | 'table' | 'weekdays' (confirmed: no holidays) | None (unknown)
    days: tuple[Holiday, ...] = ()

    @property
    def text(self) -> str:
        return {"builtin": f"{self.year} 年使用程序内置的国务院放假安排",
                "table": f"{self.year} 年使用本单位录入（或县里下发）的放假安排",
                "weekdays": f"{self.year} 年已确认按周一至周五计算工作日（没有放假安排）"}.get(
            self.basis or "", f"{self.year} 年没有放假安排，工作日暂按周一至周五推算，未经确认")


def year_status(db: Database, year: int) -> YearStatus:
    days = tuple(holidays(db, year))
    if year in edited_years(db):
        return YearStatus(year, True, "table" if days else "weekdays", days)
    if year in DEFAULTS:
        return YearStatus(year, True, "builtin", days)
    return YearStatus(year, False, None, days)


def confirm_weekdays(db: Database, year: int, *, actor: str | None = None) -> None:
    """A person confirms that `year` has no holidays to enter: working days are Monday–Friday.

    Logged (holiday_year row, reason names the year). Refused when the year already has a table.
    """
    year = int(year)
    if not 1990 <= year <= 2200:
        raise UserError(f"年度 {year} 不在合理范围内。")
    status = year_status(db, year)
    if status.known:
        raise UserError(f"{status.text}，无需再确认。")
    with db.transaction(f"确认 {year} 年按周一至周五计算工作日（未录入放假安排）", actor=actor) as tx:
        tx.insert("holiday_year", {"year": year})


def holidays(db: Database, year: int) -> list[Holiday]:
    """The list for one year as the office uses it (built-in defaults until edited)."""
    if year in edited_years(db):
        rows = db.query("SELECT day, kind, name FROM holiday WHERE day LIKE ? ORDER BY day", (f"{year:04d}-%",))
        return [Holiday(r["day"], r["kind"], r["name"], False) for r in rows]
    return [Holiday(d, k, n, True) for d, (k, n) in sorted(DEFAULTS.get(year, {}).items())]


def set_holidays(db: Database, year: int, entries: Iterable[Holiday | tuple], *, actor: str | None = None) -> None:
    """Replace the year's list with `entries` (Holiday or (day, kind, name) tuples), one unit of work."""
    rows: dict[str, tuple[str, str]] = {}
    for e in entries:
        day, kind, name = (e.day, e.kind, e.name) if isinstance(e, Holiday) else (tuple(e) + ("",))[:3]
        day = (day or "").strip()
        if not dates.is_iso_date(day):
            raise UserError(f"日期“{day}”无效，应为 2026-10-01 这样的格式。")
        if int(day[:4]) != year:
            raise UserError(f"日期 {dates.format_cn(day)} 不在 {year} 年。")
        if kind not in (OFF, WORK):
            raise UserError(f"{dates.format_cn(day)} 的类型应为“休”（放假）或“班”（调休上班）。")
        weekday = dates.parse_iso(day).weekday()
        if kind == WORK and weekday < 5:
            raise UserError(f"{dates.format_cn(day)} 本来就是工作日，不必设为调休上班。")
        if day in rows:
            raise UserError(f"{dates.format_cn(day)} 重复出现。")
        rows[day] = (kind, (name or "").strip())
    with db.transaction(f"修改 {year} 年节假日", actor=actor) as tx:
        for r in db.query("SELECT id FROM holiday WHERE day LIKE ?", (f"{year:04d}-%",)):
            tx.delete("holiday", r["id"])
        tx.insert_many("holiday", [{"day": d, "kind": k, "name": n} for d, (k, n) in sorted(rows.items())])
        if not db.scalar("SELECT 1 FROM holiday_year WHERE year = ?", (year,)):
            tx.insert("holiday_year", {"year": year})


def set_holiday(db: Database, day: str, kind: str, name: str = "", *, actor: str | None = None) -> None:
    """Add or change one day of the list (the year's defaults are copied first)."""
    year = int((day or "0000")[:4]) if dates.is_iso_date(day) else None
    if year is None:
        raise UserError(f"日期“{day}”无效，应为 2026-10-01 这样的格式。")
    current = {h.day: h for h in holidays(db, year)}
    current[day] = Holiday(day, kind, name)
    set_holidays(db, year, current.values(), actor=actor)


def remove_holiday(db: Database, day: str, *, actor: str | None = None) -> None:
    """Remove one day from the list: it becomes an ordinary day again."""
    if not dates.is_iso_date(day):
        raise UserError(f"日期“{day}”无效，应为 2026-10-01 这样的格式。")
    year = int(day[:4])
    current = [h for h in holidays(db, year) if h.day != day]
    set_holidays(db, year, current, actor=actor)


def reset_year(db: Database, year: int, *, actor: str | None = None) -> None:
    """Forget the office's edits for a year: the built-in list applies again."""
    with db.transaction(f"恢复 {year} 年默认节假日", actor=actor) as tx:
        for r in db.query("SELECT id FROM holiday WHERE day LIKE ?", (f"{year:04d}-%",)):
            tx.delete("holiday", r["id"])
        for r in db.query("SELECT id FROM holiday_year WHERE year = ?", (year,)):
            tx.delete("holiday_year", r["id"])
