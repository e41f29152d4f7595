"""Citizen ID numbers (公民身份号码, GB 11643-1999): 18 characters with an ISO 7064 check digit."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def normalise(text: str | None) -> str:
    """Upper-case, half-width, no spaces."""
    if text is None:
        return ""
    t = str(text).translate(_FULLWIDTH).strip().replace(" ", "").upper()
    return t


_FULLWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)}
_FULLWIDTH.update({0xFF38: ord("X"), 0xFF58: ord("X"), 0x3000: 0x20})


def birth_date(idn: str) -> dt.date | None:
    try:
        return dt.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except (ValueError, IndexError):
        return None


def sex(idn: str) -> str:
    """'男' when the 17th digit is odd, else '女'."""
    return "男" if int(idn[16]) % 2 else "女"


def problems(idn: str, *, today: dt.date | None = None) -> list[str]:
    """Chinese messages for everything wrong with an ID number; empty when valid."""
    if not idn:
        return ["身份证号不能为空"]
    if len(idn) != 18:
        return [f"身份证号应为18位，这里是{len(idn)}位"]
    if not _SHAPE.match(idn):
        return ["身份证号只能由17位数字加最后一位数字或X组成"]
    out = []
    born = birth_date(idn)
    if born is None:
        out.append(f"身份证号中的出生日期 {idn[6:14]} 不是有效日期")
    elif born > (today or dt.date.today()) or born.year < 1890:
        out.append(f"身份证号中的出生日期 {idn[6:14]} 不合理")
    expected = check_digit(idn[:17])
    if idn[17] != expected:
        out.append(f"身份证号校验位错误：最后一位应为 {expected}，请核对号码是否抄错")
    return out


def make(region: str, born: dt.date, seq: int, male: bool) -> str:
    """Build a valid ID number (demo data, tests)."""
    seq = seq % 100
    sex_digit = (seq % 5) * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{seq:02d}{sex_digit}"
    return first17 + check_digit(first17)
