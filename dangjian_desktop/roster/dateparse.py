"""Dates as town offices write them in Excel, turned into stored ISO dates — or into an error.

A roster cell gives a day ('1998-07-01'), a month ('1998-07', when only the month is
known — never padded with an invented day), or an error with a suggestion. The rules:

Excel date cells (the reader gives a date or datetime)
  - a day; a time of day is ignored;
  - month precision when the cell's number format shows no day (``yyyy"年"m"月"``,
    ``yyyy-mm``, ``mmm-yy``): Excel itself filled in the 1st of the month.

Text cells (full-width digits and spaces are normalised first)
  - ``1998-07-01``, ``1998-7-1``, ``1998/7/1``, ``1998.7.1``, ``1998年7月1日`` (or 号) → a day;
  - ``1998-07``, ``1998/7``, ``1998.07``, ``1998.7``, ``1998年7月`` → a month. In text, ``1998.1``
    is January: the clerk typed it, nothing dropped a digit;
  - ``19980701`` → a day; ``199807`` → a month, except ``199811`` and ``199812``, which also read
    as 1998-1-1 / 1998-1-2 → error (ambiguous);
  - a trailing time (``1998-07-01 00:00:00``) is ignored;
  - ``7/1/1998`` or ``1/7/1998`` (year last): when both leading parts could be the month it is
    ambiguous → error; when one of them is over 12 there is only one reading and it is used;
  - a two-digit year (``98.7.1``, ``98-07``, ``98年7月``) → error: the century is a guess;
  - a year alone (``1998``) → error: at least the month is needed;
  - a 5-digit number (``36342``) → error: it looks like an Excel date serial that lost its
    format; the suggestion names the date it stands for.

Number cells (not formatted as dates)
  - ``19980701`` → a day; ``199807`` → a month (the 11/12 rule above);
  - ``1998.07`` → July 1998, ``1998.2`` → February, ``1998.11`` → November;
  - ``1998.1`` → error: it is 1998.1 or 1998.10 with the trailing zero dropped by Excel — only
    the original record can tell; the fix is to format the column as text and type ``1998.10``
    or ``1998.01``;
  - any other whole number (``36342``) → error, with the date it would be as an Excel serial;
  - a year alone → error.

Years must lie in 1900–2100 and months/days must exist; everything else is an error. Whether a
date is plausible for its field (not in the future, after birth …) is checked later by the
registry's validate_member.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .columns import half_width, squeeze

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_PUNCT = str.maketrans({"－": "-", "／": "/", "．": ".", "。": ".", "、": ".", "：": ":", "—": "-", "–": "-"})

_DAY_SEP = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
_DAY_CN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$")
_MONTH_SEP = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_CN = re.compile(r"^(\d{4})年(\d{1,2})月?$")
_YEAR_LAST = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
_TWO_DIGIT_YEAR = re.compile(r"^(\d{2})(?:[-/.年])(\d{1,2})(?:(?:[-/.月])(\d{1,2})?[日号]?|月)?$")
_TIME_TAIL = re.compile(r"^(.+?)(?:T|\s+|(?<=\d))\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_NUMBER_TEXT = re.compile(r"^\d+(?:\.0+)?$")

FORMAT_HINT = "格式如1998-07-01、1998年7月1日，只知道月份时写1998-07或1998.07"


@dataclass(frozen=True)
class ParsedDate:
    iso: str | None = None          # '1998-07-01' or '1998-07'; None when empty or an error
    error: str | None = None        # what is wrong (Chinese)
    suggestion: str | None = None   # how to fix it (Chinese)

    @property
    def month_only(self) -> bool:
        return self.iso is not None and len(self.iso) == 7


EMPTY = ParsedDate()


def _fail(error: str, suggestion: str | None = None) -> ParsedDate:
    return ParsedDate(None, error, suggestion)


def _day(y: int, m: int, d: int, shown: str) -> ParsedDate:
    if not 1900 <= y <= 2100:
        return _fail(f"年份{y}不合理", FORMAT_HINT)
    try:
        return ParsedDate(dt.date(y, m, d).isoformat())
    except ValueError:
        return _fail(f"“{shown}”不是存在的日期", "请核对月份和日期")


def _month(y: int, m: int, shown: str) -> ParsedDate:
    if not 1900 <= y <= 2100:
        return _fail(f"年份{y}不合理", FORMAT_HINT)
    if not 1 <= m <= 12:
        return _fail(f"“{shown}”中的月份{m}不存在", "请核对月份")
    return ParsedDate(f"{y:04d}-{m:02d}")


def serial_to_date(serial: float) -> dt.date | None:
    """An Excel (1900 system) serial number as a date, or None when out of range."""
    try:
        n = int(serial)
        if n < 1 or n > 2958465:
            return None
        if n < 61:  # Excel's phantom 29 February 1900
            n += 1
        return _EXCEL_EPOCH + dt.timedelta(days=n)
    except (OverflowError, ValueError):
        return None


def _serial_error(n: int, shown: str) -> ParsedDate:
    d = serial_to_date(n)
    if d is not None and 1900 <= d.year <= 2100:
        return _fail(f"“{shown}”是一个数字，像是丢失了日期格式的Excel日期序号（对应{d.year}年{d.month}月{d.day}日）",
                     f"如确为{d.year}年{d.month}月{d.day}日，请填写{d.isoformat()}，或把该列设置为日期格式")
    return _fail(f"“{shown}”不是日期", FORMAT_HINT)


def _digits(s: str, shown: str) -> ParsedDate:
    """A run of digits: yyyymmdd, yyyymm, a year alone or an Excel serial."""
    if len(s) == 8:
        return _day(int(s[:4]), int(s[4:6]), int(s[6:]), shown)
    if len(s) == 6:
        y, m = int(s[:4]), int(s[4:])
        if m in (11, 12):
            return _fail(f"“{shown}”有两种读法：{y}年{m}月，或{y}年1月{m - 10}日",
                         f"请写成{y}-{m:02d}或{y}-01-{m - 10:02d}")
        return _month(y, m, shown)
    if len(s) == 4 and 1900 <= int(s) <= 2100:
        return _fail(f"“{shown}”只有年份", f"请至少填到月份，如{s}-07")
    if 1 <= len(s) <= 5:
        return _serial_error(int(s), shown)
    return _fail(f"“{shown}”不是日期", FORMAT_HINT)


def _dotted_number(text: str, shown: str) -> ParsedDate:
    """A number cell such as 1998.07 (year.month)."""
    year, _, frac = text.partition(".")
    if len(year) != 4:
        return _fail(f"“{shown}”不是日期", FORMAT_HINT)
    y = int(year)
    if frac == "1":
        return _fail(f"“{shown}”是数字，可能是{y}年1月，也可能是{y}年10月（Excel会去掉末尾的0）",
                     f"请把该列设置为“文本”格式，再按原始记录填写{y}.10或{y}.01")
    if len(frac) in (1, 2):
        return _month(y, int(frac), shown)
    return _fail(f"“{shown}”不是日期", FORMAT_HINT)


def parse_date(value, *, month_only_format: bool = False) -> ParsedDate:
    """Parse one cell (any type a reader gives) by the rules in the module docstring."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _fail(f"“{'TRUE' if value else 'FALSE'}”不是日期", FORMAT_HINT)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not 1900 <= value.year <= 2100:
            return _fail(f"年份{value.year}不合理", FORMAT_HINT)
        return ParsedDate(value.isoformat()[:7] if month_only_format else value.isoformat())
    if isinstance(value, dt.time):
        return _fail(f"“{value.isoformat()}”是时间，不是日期", FORMAT_HINT)
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            return _fail(f"“{value}”不是日期", FORMAT_HINT)
        if float(value).is_integer():
            n = int(value)
            return _digits(str(n), str(n))
        shown = f"{value:.10g}"
        if "e" in shown:
            return _fail(f"“{shown}”不是日期", FORMAT_HINT)
        return _dotted_number(shown, shown)
    return parse_date_text(str(value))


def parse_date_text(raw: str) -> ParsedDate:
    shown = raw.strip()
    s = squeeze(half_width(raw).translate(_PUNCT))
    if not s:
        return EMPTY
    m = _TIME_TAIL.match(raw.strip().translate(_PUNCT))
    if m and not _DAY_SEP.match(s):
        s = squeeze(half_width(m.group(1)))
    if _NUMBER_TEXT.match(s):
        return _digits(s.split(".")[0], shown)
    if m := _DAY_SEP.match(s):
        return _day(int(m[1]), int(m[3]), int(m[4]), shown)
    if m := _DAY_CN.match(s):
        return _day(int(m[1]), int(m[2]), int(m[3]), shown)
    if m := _MONTH_SEP.match(s):
        return _month(int(m[1]), int(m[2]), shown)
    if m := _MONTH_CN.match(s):
        return _month(int(m[1]), int(m[2]), shown)
    if m := _YEAR_LAST.match(s):
        a, b, y = int(m[1]), int(m[3]), int(m[4])
        if a <= 12 and b <= 12 and a != b:
            return _fail(f"“{shown}”有两种读法：{y}年{a}月{b}日，或{y}年{b}月{a}日",
                         f"请按“年-月-日”顺序填写，如{y}-{a:02d}-{b:02d}")
        if a > 12:
            return _day(y, b, a, shown)
        return _day(y, a, b, shown)
    if m := _TWO_DIGIT_YEAR.match(s):
        yy, mo, d = int(m[1]), int(m[2]), m[3]
        example = f"19{yy:02d}-{mo:02d}" + (f"-{int(d):02d}" if d else "")
        return _fail(f"“{shown}”的年份只有两位，无法确定是19{yy:02d}年还是20{yy:02d}年",
                     f"请填写四位年份，如{example}")
    return _fail(f"“{shown}”不是可识别的日期", FORMAT_HINT)
