"""A table to take out of the program: title, columns with kinds, rows as the clerk sees them.

The caller applies the current filter and sort; the writers (excel.py, pdf.py) only lay out.
Column kinds say how a value is kept:

    TEXT     free text (names, reasons); a text that looks like a formula stays text
    EXACT    text that must not change: ID numbers, phones, codes (Excel: text cell, format @)
    DATE     a date (dt.date or ISO text); Excel keeps the ISO text exactly, print shows 2026年3月1日
    NUMBER   a number (Excel: a numeric cell); a str in the column (—, 免评) stays text
    PERCENT  a fraction (0.125); Excel: a numeric cell shown as 12.5%, print: 12.5%
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Sequence

TEXT, EXACT, DATE, NUMBER, PERCENT = "text", "exact", "date", "number", "percent"
KINDS = (TEXT, EXACT, DATE, NUMBER, PERCENT)


@dataclass(frozen=True)
class Col:
    label: str
    kind: str = TEXT
    width: float | None = None  # in Excel characters; None: from the header and the values
    decimals: int | None = None  # NUMBER: fixed places (None: as the value is)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"column kind must be one of {KINDS}, not {self.kind!r}")

    @property
    def numeric(self) -> bool:
        return self.kind in (NUMBER, PERCENT)


@dataclass
class Table:
    """One table: a sheet of a workbook, a section of a printed document."""

    title: str
    columns: Sequence[Col]
    rows: Sequence[Sequence[Any]]
    unit: str | None = None  # 填报单位
    at: str | dt.date | None = None  # 统计时间 (a date, or text such as 2025年度)
    notes: Sequence[str] = ()
    signatures: bool = False  # 填表人 / 审核人 / 填报日期 lines under the table (the 党内统计 forms)
    sheet_name: str | None = None  # default: the title
    chart: Any = None  # drawn under the table when printed: has .drawing(fonts, guard) (statistics.charts.Chart)
    muted_rows: frozenset[int] = frozenset()  # rows (0-based) shown muted: grey italic (a provisional result)
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        n = len(self.columns)
        for i, row in enumerate(self.rows, start=1):
            if len(row) != n:
                raise ValueError(f"row {i} of {self.title!r} has {len(row)} cells, expected {n}")

    def widths(self) -> list[float]:
        """Column widths in Excel characters (a hanzi counts two)."""
        out = []
        for c, col in enumerate(self.columns):
            if col.width:
                out.append(float(col.width))
                continue
            longest = text_width(col.label)
            for row in self.rows[:200]:
                longest = max(longest, text_width(display_text(row[c], col)))
            out.append(float(min(max(longest + 2, 6), 40)))
        return out


def text_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text or "")


def iso_date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def format_number(value: float | int, decimals: int | None = None) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if decimals is not None:
        return f"{value:.{decimals}f}"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def percent_text(fraction: float) -> str:
    """A fraction as a percentage to one place, a half rounded up (四舍五入) as Excel's 0.0% shows
    it: 1 of 16 is 6.3%, where Python's own rounding of the binary 6.25 gives 6.2%."""
    import math
    from decimal import ROUND_HALF_UP, Decimal

    if not math.isfinite(fraction):  # no 'nan%'
        return ""
    return f"{(Decimal(repr(fraction)) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def display_text(value: Any, col: Col) -> str:
    """The value as printed (and as the column width is reckoned)."""
    from ..dates import format_cn

    if value is None:
        return ""
    if col.kind == DATE:
        return format_cn(iso_date(value) or "")
    if col.kind == PERCENT and isinstance(value, (int, float)) and not isinstance(value, bool):
        return percent_text(value)
    if col.kind == NUMBER and isinstance(value, (int, float)):
        return format_number(value, col.decimals)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def at_text(at: str | dt.date | None) -> str:
    from ..dates import format_cn

    if at is None or at == "":
        return ""
    return format_cn(at) if isinstance(at, dt.date) else format_cn(str(at))
