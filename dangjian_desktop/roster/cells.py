"""Reading one row's cells for the import: text as the registry wants it, yes/no flags, ID numbers
Excel damaged, blank rows and the footers and repeated headers that are no members."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

from .. import dates
from ..registry import idcard
from ..registry.validation import FIELD_LABELS
from .columns import field_for_header, half_width, label, spec, squeeze
from .report import shown

DATE_FIELDS = ("birth_date", "join_date", "full_date")
TEXT_FIELDS = ("address", "workplace", "note", "mobile_whereabouts")
FLAG_FIELDS = ("is_mobile", "is_hardship")
ROSTER_ONLY = ("seq", "branch", "group", "branch_kind")
CODED_FIELDS = {"sex": "sex", "ethnicity": "ethnicity", "education": "education", "category": "category",
                "person_class": "person_class", "job": "job"}
_TRUE = {"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "有"}
_FALSE = {"否", "×", "✗", "N", "NO", "0", "FALSE", "无", "不是"}
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.I)
_ID_LIKE = re.compile(r"\d{15}")
_QUOTED_NUMBER = re.compile(r"[\dXx\-+() ]+")
_BLANK = " \t\r\n\u3000\u00a0\u200b\u200c\u200d\ufeff"

#: err(field, problem, suggestion) records a problem with the row's cell of `field`.
Err = Callable[..., None]


def cell_text(v: Any, *, half: bool = True) -> str:
    """A cell as text: whole-number floats lose their '.0'; full-width digits/letters half-width
    (with `half`: not in free text, kept as the registry keeps what is typed, so an exported and
    imported again 备注 of full-width letters reads unchanged)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    elif isinstance(v, (dt.datetime, dt.date, dt.time)):
        v = v.isoformat()
    if not half:
        return str(v)
    text = half_width(str(v))
    if text[:1] == "'" and _QUOTED_NUMBER.fullmatch(text[1:]):
        # Excel's apostrophe that keeps a number as text, kept as a character in a cell formatted
        # as 文本 (the import's own advice is to type it): not part of the ID number or the phone.
        text = text[1:]
    return text


def looks_like_id(v: Any) -> bool:
    """Could this cell be an ID number (15 digits in a row, or a number that long)?"""
    if isinstance(v, str):
        return bool(_ID_LIKE.search(v))
    return isinstance(v, (int, float)) and not isinstance(v, bool) and 1e14 <= abs(v) < 1e18


def field_label(f: str) -> str:
    if f in ROSTER_ONLY:
        return label(f)
    return FIELD_LABELS.get(f, f)


def show_value(f: str, value) -> str:
    """A stored value as the change list shows it (是/否, 2026年3月1日)."""
    if value in (None, ""):
        return ""
    if f in FLAG_FIELDS:
        return "是" if value else "否"
    if f in DATE_FIELDS:
        return dates.format_cn(value)
    return str(value)


def is_blank_row(raw: dict) -> bool:
    """No value in any column but the sequence number."""
    return all(v is None or (isinstance(v, str) and not v.strip(_BLANK)) for f, v in raw.items() if f != "seq")


def flag_value(f: str, v: Any, err: Err) -> int | None:
    """A yes/no cell: 1, 0 or None (empty); anything else is reported."""
    t = squeeze(cell_text(v)).upper()
    if t in _TRUE:
        return 1
    if t in _FALSE:
        return 0
    if t:
        err(f, f"{field_label(f)}应填“是”或“否”，这里是“{shown(v)}”", "填写“是”或“否”（不是也可留空）")
    return None


def id_cell(v: Any, err: Err) -> str | None:
    """The ID number of a cell, normalised; None (reported) when Excel stored it as a number."""
    if v is None or (isinstance(v, str) and not squeeze(v)):
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        digits = f"{v:.0f}" if isinstance(v, float) and abs(v) < 1e30 else str(v)
        if len(digits) == 15 and float(v).is_integer():  # an old 15-digit number: a number keeps it whole
            return idcard.normalise(digits)
        err("id_number",
            f"身份证号被Excel存成了数字（{digits}）。Excel的数字只保留15位有效数字，18位号码的后几位已经丢失",
            "请把“身份证号”列设置为“文本”格式（选中该列→右键→设置单元格格式→文本），"
            "再按原始档案重新输入号码；也可以在号码前加英文单引号'")
        return None
    t = idcard.normalise(cell_text(v))
    if _SCIENTIFIC.match(t):
        err("id_number", f"身份证号“{shown(v)}”是科学计数法，号码的后几位已经丢失",
            "请把该列设置为“文本”格式，再按原始档案重新输入号码")
        return None
    return t


def is_footer_or_header(row: list, raw: dict) -> bool:
    """A 填表人/合计 line under the members, or the header repeated (printed on every page)."""
    idv = raw.get("id_number")
    if isinstance(idv, str) and _ID_LIKE.search(idv):
        return False
    texts = [squeeze(v) for v in row if isinstance(v, str) and v.strip()]
    if not texts:
        return False
    if any(texts[0].startswith(k) for k in spec().footer_keywords):
        return True
    # A repeated header row (a sheet printed with its header on every page, pasted back).
    return sum(1 for t in texts if field_for_header(t)) >= 3
