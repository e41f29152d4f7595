"""Citizen ID numbers (公民身份号码, GB 11643-1999): 18 characters with an ISO 7064 check digit.

The first six digits are the region code (GB/T 2260) of the county where the number was first
issued. The province (first two digits) must be one of GB/T 2260's; an unknown county code
only earns a warning, because codes change over time (the list in resources/codes/regions.json
holds every code used from 1980 to 2020, abolished ones included, and newer counties are
missing from it).

An old 15-digit number (issued before 1999: no century, no check digit) is not accepted as it
is; `upgrade` gives its 18-digit form ('19' inserted before the year, check digit computed),
which the user is offered instead. Every entry point (import, dialogs, CLI, search) uses
`normalise`, so a lower-case 'x' and full-width characters are read the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from operator import mul

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")
_OLD_SHAPE = re.compile(r"^[1-9]\d{14}$")

# GB/T 2260 provinces (省级行政区划代码): the first two digits of every ID number.
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}


_ASCII_ZEROS = 48 * sum(_WEIGHTS)  # what the code points of 17 ASCII digits add over their values


def check_digit(first17: str) -> str:
    if len(first17) == 17 and first17.isascii() and first17.isdigit():  # the usual case: by code point
        return _CHECK[(sum(map(mul, _WEIGHTS, first17.encode())) - _ASCII_ZEROS) % 11]
    # Any other digits (int reads them too); the weights first: like zip, it stops after the 17th.
    return _CHECK[sum(map(mul, _WEIGHTS, map(int, first17))) % 11]


_FULLWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)}
_FULLWIDTH.update({0xFF38: ord("X"), 0xFF58: ord("X")})
_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\u200c\u200d\ufeff]+")


def normalise(text: str | None) -> str:
    """Upper-case (a final 'x' becomes 'X'), half-width, no spaces of any kind."""
    if text is None:
        return ""
    return _SPACES.sub("", str(text).translate(_FULLWIDTH)).upper()


@lru_cache(maxsize=1)
def region_codes() -> dict[str, str]:
    """County-level region codes known to be valid starts of an ID number, with their names."""
    from ..paths import resource

    return json.loads(resource("codes", "regions.json").read_text(encoding="utf-8"))["values"]


def region_problem(idn: str) -> str | None:
    """A refusal when the first two digits are no GB/T 2260 province."""
    if len(idn) >= 2 and idn[:2] not in PROVINCES:
        return f"身份证号前两位“{idn[:2]}”不是省级行政区划代码（GB/T 2260），请核对号码"
    return None


def region_warning(idn: str) -> str | None:
    """A warning (not a refusal) when the six-digit region code is not in the list."""
    if len(idn) < 6 or not idn[:6].isdigit() or region_problem(idn):
        return None
    if idn[:6] in region_codes():
        return None
    return (f"身份证号前六位“{idn[:6]}”不在行政区划代码表中（{PROVINCES[idn[:2]]}），"
            "可能是新设或抄错的县级代码，请核对")


def region_name(idn: str) -> str:
    """'湖北省 茅箭区' for a known code, the province alone otherwise ('' when unknown)."""
    province = PROVINCES.get(idn[:2], "")
    county = region_codes().get(idn[:6], "") if len(idn) >= 6 else ""
    return f"{province} {county}".strip() if county and county != province else province


def upgrade(old: str) -> str | None:
    """The 18-digit form of an old 15-digit number ('19' before the year, check digit added),
    or None when `old` is not a 15-digit number with a real birth date."""
    old = normalise(old)
    if not _OLD_SHAPE.match(old):
        return None
    first17 = old[:6] + "19" + old[6:]
    if birth_date(first17 + "0") is None:
        return None
    return first17 + check_digit(first17)


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
    if len(idn) == 15:
        new = upgrade(idn)
        if new is not None:
            return [f"这是15位的旧身份证号，请改为18位新号码：{new}（在年份前加“19”，并补上校验位）"]
    if len(idn) != 18:
        return [f"身份证号应为18位，这里是{len(idn)}位"]
    if not _SHAPE.match(idn):
        return ["身份证号只能由17位数字加最后一位数字或X组成"]
    out = []
    region = region_problem(idn)
    if region:
        out.append(region)
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
