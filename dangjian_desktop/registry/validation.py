"""Member field rules shared by the GUI forms, the CLI and the roster import."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .. import dates
from ..numbers import FULL_WIDTH
from . import codes, idcard

FIELD_LABELS = {
    "name": "姓名", "sex": "性别", "ethnicity": "民族", "birth_date": "出生日期",
    "id_number": "身份证号", "education": "学历", "join_date": "入党日期",
    "full_date": "转正日期", "category": "党员类别", "person_class": "人员类别",
    "job": "工作岗位", "status": "党籍状态", "phone": "联系电话", "address": "家庭住址",
    "workplace": "工作单位", "is_mobile": "流动党员", "mobile_whereabouts": "流动去向",
    "is_hardship": "困难党员", "note": "备注", "org_id": "所在党支部", "group_id": "所在党小组",
}
CODED = {"sex": "sex", "ethnicity": "ethnicity", "education": "education", "category": "category",
         "person_class": "person_class", "job": "job", "status": "party_status"}
# What identifies a member and what the rules need; sex and birth date come from the ID number.
# 民族 is NOT NULL in the member table but not required: unknown, it is stored as codes.MISSING
# and the member is listed as 信息不全 (registry.completeness) until the clerk completes it.
REQUIRED = ("name", "sex", "birth_date", "id_number", "join_date", "category")
MISSING_MARKED = ("ethnicity",)   # coded fields stored as codes.MISSING when unknown

# Hanzi of every CJK block (URO, Extension A, the compatibility ideographs, and Extensions B to H
# in plane 2 and 3: 生僻字 such as 𪚥 in 王𪚥), Latin letters, and the middle dot of minority names.
HANZI = ("\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007"
         "\U00020000-\U0002fa1f\U00030000-\U000323af")
_NAME = re.compile(f"^[{HANZI}A-Za-z·•.\u00b7]{{2,30}}$")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")
_SPACES = re.compile(r"[\s\u3000]+")
# Readings of code values remembered by value (the oldest forgotten past the limit).
MEMO_LIMIT = 4096
_CODES: dict[tuple, tuple] = {}


_BREAKS = re.compile(r"[ \t\u3000]*[\r\n\v\f\x85\u2028\u2029]+[\s\u3000]*")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def one_line(text: Any) -> str:
    """Text for a one-line field (a name, an address, a note) as one line: lines pasted from a
    document joined (Chinese directly, two Latin words or numbers with a space), tabs read as
    spaces, the ends stripped."""
    text = str(text or "").replace("\t", " ")

    def join(m: re.Match) -> str:
        before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        return " " if _ASCII_WORD.match(before) and _ASCII_WORD.match(after) else ""

    return _BREAKS.sub(join, text).strip()


def is_person_name(text: Any) -> bool:
    """Does the text read as a person's name (Hanzi, Latin letters, the middle dot; 2 to 30)?"""
    return bool(_NAME.match(clean_name(text)))


def clean_name(text: Any) -> str:
    """Remove every kind of space inside a name ('张　三' -> '张三'); unify the middle dot."""
    return _SPACES.sub("", str(text or "")).replace("•", "·").replace(".", "·").replace("\u00b7", "·")


def validate_member(values: dict[str, Any], *, today: dt.date | None = None
                    ) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalise and check member fields. Returns (clean values, errors by field).

    Only the fields present in `values` are cleaned; the required ones are always checked.
    """
    today = today or dates.today()
    v = dict(values)
    err: dict[str, str] = {}

    for key in REQUIRED:
        if v.get(key) in (None, ""):
            if key == "birth_date" and v.get("id_number"):
                continue  # derived from the ID number below
            if key == "sex" and v.get("id_number"):
                continue
            err[key] = f"{FIELD_LABELS[key]}不能为空"

    if "name" in v and v["name"]:
        v["name"] = clean_name(v["name"])
        if len(v["name"]) > 30:
            err["name"] = f"姓名最多30个字，这里有{len(v['name'])}个字"
        elif not _NAME.match(v["name"]):
            err["name"] = "姓名应为2个以上汉字（少数民族姓名可含“·”）"

    for key, tid in CODED.items():
        ok, problem = _coded(key, tid, v.get(key))
        if problem:
            err[key] = problem
        else:
            v[key] = ok

    idn = idcard.normalise(v.get("id_number"))
    if "id_number" in v:
        v["id_number"] = idn
    born_from_id = None
    if idn:
        probs = idcard.problems(idn, today=today)
        if probs:
            err["id_number"] = "；".join(probs)
        else:
            born_from_id = idcard.birth_date(idn)
            if not v.get("birth_date"):
                v["birth_date"] = born_from_id.isoformat()
            if not v.get("sex"):
                v["sex"] = idcard.sex(idn)
            elif v["sex"] in ("男", "女") and v["sex"] != idcard.sex(idn) and "sex" not in err:
                err["sex"] = f"性别与身份证号不符（身份证号第17位表示{idcard.sex(idn)}）"

    birth = _date_field(v, "birth_date", err, allow_month=False, today=today)
    if birth and born_from_id and birth != born_from_id and "birth_date" not in err:
        err["birth_date"] = (f"出生日期{dates.format_cn(birth)}与身份证号中的"
                             f"{dates.format_cn(born_from_id)}不符")
    joined = _date_field(v, "join_date", err, allow_month=True, today=today)
    full = _date_field(v, "full_date", err, allow_month=True, today=today)

    if birth and joined and "join_date" not in err:
        latest_join = _month_end(v["join_date"]) if len(v["join_date"]) == 7 else joined
        if latest_join < dates.add_years(birth, 18):
            err["join_date"] = f"入党时未满18周岁（出生于{dates.format_cn(birth)}）"
    if joined and full and "full_date" not in err and full <= joined:
        err["full_date"] = "转正日期应晚于入党日期"
    if v.get("category") == "预备党员" and v.get("full_date"):
        err["full_date"] = "预备党员尚未转正，不应填写转正日期"

    if v.get("phone"):
        # Full-width digits and dash from a Chinese input method count as the plain ones.
        v["phone"] = str(v["phone"]).strip().translate(FULL_WIDTH).replace(" ", "")
        if not _PHONE.match(v["phone"]):
            err["phone"] = "联系电话应为11位手机号或带区号的固定电话"
    for flag in ("is_mobile", "is_hardship"):
        if flag in v:
            v[flag] = 1 if v[flag] in (1, True, "1", "是", "√", "Y", "y") else 0
    if v.get("is_mobile") and not (v.get("mobile_whereabouts") or "").strip():
        err["mobile_whereabouts"] = "流动党员须填写流动去向"
    for key in ("address", "workplace", "note", "mobile_whereabouts"):
        if key in v and v[key] is not None:
            v[key] = str(v[key]).strip()
    return v, err


def _date_field(v: dict, key: str, err: dict, *, allow_month: bool, today: dt.date) -> dt.date | None:
    raw = v.get(key)
    if raw in (None, ""):
        v[key] = None if key in v else v.get(key)
        return None
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        raw = raw.isoformat()
    raw = str(raw).strip()
    try:
        d = dates.parse_iso(raw, allow_month=allow_month)
    except ValueError:
        err[key] = f"{FIELD_LABELS[key]}“{raw}”不是有效日期" + ("（格式如2020-07-01或2020-07）" if allow_month
                                                           else "（格式如2020-07-01）")
        return None
    v[key] = raw
    if d > today:
        err[key] = f"{FIELD_LABELS[key]}{dates.format_cn(raw)}晚于今天"
    return d


def _coded(key: str, tid: str, raw: Any) -> tuple[str | None, str]:
    """(stored value, '') or (None, the problem) of a coded field; each distinct value of a field
    is read once (a roster repeats a few values thousands of times)."""
    table = codes.table(tid)
    try:
        memo = (key, raw.__class__, raw)  # 1, 1.0 and True read differently
        hit = _CODES.get(memo)
    except TypeError:  # unhashable: read as it is
        return _read_code(key, table, raw)
    if hit is None or hit[0] is not table:  # a table replaced since (tests) is read again
        hit = _CODES[memo] = (table, *_read_code(key, table, raw))
        if len(_CODES) > MEMO_LIMIT:
            _CODES.pop(next(iter(_CODES)))
    return hit[1], hit[2]


def _read_code(key: str, table: codes.CodeTable, raw: Any) -> tuple[str | None, str]:
    if codes.is_missing(raw):
        if key == "status":
            return "正常", ""
        return (codes.MISSING if key in MISSING_MARKED else None), ""
    ok = table.normalise(raw)
    if ok is not None:
        return ok, ""
    hint = table.suggest(str(raw))
    return None, f"{FIELD_LABELS[key]}“{raw}”不在代码表中" + (f"，是否为“{hint}”？" if hint else "")


def _month_end(iso_month: str) -> dt.date:
    d = dates.parse_iso(iso_month, allow_month=True)
    return dates.add_months(d, 1) - dt.timedelta(days=1)
