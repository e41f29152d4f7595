"""Dates: stored as ISO text (YYYY-MM-DD, or YYYY-MM where only the month is known), shown in Chinese."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def today() -> dt.date:
    return dt.date.today()


def now_iso() -> str:
    """Local time to the second, ISO 8601 with offset."""
    return dt.datetime.now().astimezone().replace(microsecond=0).isoformat()


def is_iso_date(text: str | None, *, allow_month: bool = False) -> bool:
    if not text:
        return False
    try:
        parse_iso(text, allow_month=allow_month)
        return True
    except ValueError:
        return False


def parse_iso(text: str, *, allow_month: bool = False) -> dt.date:
    """Parse a stored date. A month-precision date ('1998-07') gives the 1st of the month."""
    m = _ISO_DAY.match(text or "")
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = _ISO_MONTH.match(text or "")
    if m and allow_month:
        return dt.date(int(m[1]), int(m[2]), 1)
    raise ValueError(f"not an ISO date: {text!r}")


def format_cn(value: str | dt.date | None) -> str:
    """'2026-03-01' -> '2026年3月1日'; '1998-07' -> '1998年7月'; None/'' -> ''."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    m = _ISO_DAY.match(value)
    if m:
        return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
    m = _ISO_MONTH.match(value)
    if m:
        return f"{int(m[1])}年{int(m[2])}月"
    return str(value)


def format_cn_time(value: str | dt.date | None) -> str:
    """'2026-03-01T09:30:00+00:00' -> '2026年3月1日 09:30' (a timestamp keeps its hour and minute);
    a date alone as format_cn; None/'' -> ''."""
    if not value:
        return ""
    text = str(value)
    if len(text) > 10 and text[10] in "T ":
        return f"{format_cn(text[:10])} {text[11:16]}"
    return format_cn(text)


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + years, day=28)


def add_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    import calendar

    day = min(d.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)
