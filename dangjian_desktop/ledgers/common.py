"""What the ledgers share: money in fen, months, dates, the data files under resources/ledgers,
members and branches looked up with Chinese errors, the owner of a new row."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .. import dates
from ..db import Database
from ..errors import UserError, ValidationError
from ..paths import resource
from ..registry import idcard
from ..registry.offices import own_orgs_sql

ACTIVE_STATUSES = ("正常", "失联")
#: The years the ledgers keep: their lists are by year from FIRST_YEAR (check_year), so a record
#: dated before it (1900-01-01, a mistyped 0202-03-01) could never be seen again and is refused
#: (check_day); the ledgers page's year picker starts there too.
FIRST_YEAR, LAST_YEAR = 1950, 2200


# ---- money -------------------------------------------------------------------------------------
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_SCIENTIFIC = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d{1,9}")
MAX_FEN = 10 ** 9  # ten million yuan: more than any one entry of a township's ledgers


def to_fen(value: Any, *, what: str = "金额", allow_zero: bool = True) -> int:
    """Yuan as typed ('12.5', 12.5, '１２元') -> fen; UserError for anything else.

    At most two decimals, never negative."""
    if isinstance(value, bool) or value is None:
        raise UserError(f"{what}应为数字（元）。")
    text = str(value).strip().replace("元", "").replace(",", "").replace("，", "")
    text = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if not _PLAIN_NUMBER.fullmatch(text):  # 1e9, inf, 0x10: numbers to Python, not to a clerk
        if _SCIENTIFIC.fullmatch(text):  # but 1e12 (or an Excel cell's 1e+16) is a number: told what is wrong
            if Decimal(text) < 0:
                raise UserError(f"{what}不能为负数。")
            if Decimal(text) > Decimal(MAX_FEN) / 100:
                raise UserError(f"{what}“{value}”过大（一笔最多{MAX_FEN // 100:,}元），请核对。")
        raise UserError(f"{what}“{value}”不是数字。")
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise UserError(f"{what}“{value}”不是数字。") from None
    if not d.is_finite():
        raise UserError(f"{what}“{value}”不是数字。")
    if d < 0:
        raise UserError(f"{what}不能为负数。")
    if d != d.quantize(Decimal("0.01")):
        raise UserError(f"{what}“{value}”最多保留两位小数（分）。")
    fen = int(d * 100)
    if fen == 0 and not allow_zero:
        raise UserError(f"{what}应大于0。")
    if fen > MAX_FEN:
        raise UserError(f"{what}“{value}”过大（一笔最多{MAX_FEN // 100:,}元），请核对。")
    return fen


def yuan(fen: int | None) -> float | None:
    """fen -> yuan as a number for JSON (None stays None)."""
    return None if fen is None else round(fen / 100, 2)


def fmt_yuan(fen: int | None) -> str:
    """fen -> '12.50' (empty for None)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def percent_of(fen: int, percent: Decimal | float | str) -> int:
    """fen × percent / 100, rounded half up to the fen."""
    value = Decimal(fen) * Decimal(str(percent)) / Decimal(100)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ---- months and dates --------------------------------------------------------------------------
_MONTHS = re.compile(r"^\s*(\d{1,2})\s*(?:月)?\s*(?:[-–—~～至到]\s*(\d{1,2})\s*(?:月)?)?\s*$")


def parse_months(text: Any) -> tuple[int, int]:
    """'3' / '3月' / '1-6' / '1月至6月' -> (from, to); UserError otherwise."""
    m = _MONTHS.match(str(text or ""))
    if not m:
        raise UserError(f"月份“{text}”无效，应写作 3、3月 或 1-6。")
    a = int(m[1])
    b = int(m[2]) if m[2] else a
    if not (1 <= a <= 12 and 1 <= b <= 12):
        raise UserError(f"月份“{text}”超出1到12月。")
    if b < a:
        raise UserError(f"月份“{text}”的起止颠倒了。")
    return a, b


def months_label(months: list[int]) -> str:
    """[1, 2, 3, 5] -> '1-3月、5月'."""
    if not months:
        return ""
    parts, start, prev = [], months[0], months[0]
    for m in months[1:] + [None]:
        if m is not None and m == prev + 1:
            prev = m
            continue
        parts.append(f"{start}月" if start == prev else f"{start}-{prev}月")
        if m is not None:
            start = prev = m
    return "、".join(parts)


def check_day(value: str | dt.date | None, what: str, *, today: dt.date | None = None,
              allow_future: bool = False) -> str:
    """An ISO day (as text) from FIRST_YEAR on, not in the future unless allowed; ValidationError
    otherwise."""
    if isinstance(value, dt.date):
        value = value.isoformat()
    value = (value or "").strip()
    if not dates.is_iso_date(value):
        raise ValidationError({"date": f"{what}应为 2026-03-01 这样的日期"})
    if dates.parse_iso(value).year < FIRST_YEAR:
        raise ValidationError({"date": f"{what}“{value}”早于{FIRST_YEAR}年1月1日，台账不记此前的记录，请核对年份"})
    if not allow_future and dates.parse_iso(value) > (today or dates.today()):
        raise ValidationError({"date": f"{what}不能晚于今天"})
    return value


def check_year(year: Any) -> int:
    """A ledger year, FIRST_YEAR to LAST_YEAR; UserError naming the range otherwise."""
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise UserError(f"年度“{year}”无效。") from None
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise UserError(f"年度“{year}”无效，台账的年度应在{FIRST_YEAR}年至{LAST_YEAR}年之间。")
    return y


def month_end(year: int, month: int) -> dt.date:
    return dates.add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)


def ended_months(year: int, as_of: dt.date) -> int:
    """How many months of `year` have ended before `as_of` (0-12): a month's last day still
    belongs to it (its dues can be paid on time that day)."""
    if as_of.year > year:
        return 12
    if as_of.year < year:
        return 0
    return as_of.month - 1


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# ---- data files --------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def load_data(name: str) -> dict:
    """A data file of resources/ledgers (dues_rates, pipeline_rules, targets)."""
    path = resource("ledgers", f"{name}.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"缺少数据文件 {path}，请重新安装程序。") from None
    except (OSError, ValueError) as e:
        raise UserError(f"数据文件 {path} 无法读取（{e}），请重新安装程序。") from None


# ---- look-ups ---------------------------------------------------------------------------------
def member_row(db: Database, member_id: str):
    row = db.one("""SELECT m.*, o.name AS org_name, o.office_id, o.kind AS org_kind FROM member m
                    JOIN org o ON o.id = m.org_id WHERE m.id = ?""", (member_id,))
    if row is None:
        raise UserError("找不到该党员，可能已被删除。")
    return row


def branch_row(db: Database, org_id: str):
    row = db.get("org", org_id)
    if row is None:
        raise UserError("找不到该党组织，可能已被删除。")
    if row["org_type"] == "党小组":
        raise UserError(f"“{row['name']}”是党小组，请选择它所在的党支部。")
    return row


def find_member(db: Database, name_or_id: str, *, org_id: str | None = None, office_id: str | None = None):
    """A member by id, ID number or name (within a branch or office); UserError when none or several."""
    key = text(name_or_id)
    if not key:
        raise UserError("请指明党员（姓名或身份证号）。")
    row = db.one("SELECT id FROM member WHERE id = ?", (key,))
    if row:
        return member_row(db, row["id"])
    idn = idcard.normalise(key)  # a lower-case x, full-width digits; an old 15-digit number's 18-digit form
    where, params = ["(m.id_number IN (?, ?) OR m.name = ?)"], [idn, idcard.upgrade(idn) or idn, key]
    if org_id:
        where.append("m.org_id = ?")
        params.append(org_id)
    if office_id:
        where.append("o.office_id = ?")
        params.append(office_id)
    hits = db.query(f"""SELECT m.id, m.status, o.name AS org_name FROM member m JOIN org o ON o.id = m.org_id
                        WHERE {' AND '.join(where)}""", params)
    if len(hits) > 1:
        active = [h for h in hits if h["status"] in ACTIVE_STATUSES]
        hits = active if len(active) == 1 else hits
    if not hits:
        wrong = idcard.problems(idn) if len(idn) == 18 and idn[:17].isdigit() else []
        # A number that looks like an ID number but is not a valid one: say what is wrong with it.
        raise UserError(f"找不到党员“{key}”" + (f"：{wrong[0]}。" if wrong else "。"))
    if len(hits) > 1:
        raise UserError(f"有{len(hits)}名党员叫“{key}”（{'、'.join(h['org_name'] for h in hits[:5])}），"
                        f"请用身份证号或 --branch 指明。")
    return member_row(db, hits[0]["id"])


def active_member_ids(db: Database, org_id: str) -> list[str]:
    """The members of a branch in good standing (正常, 失联), in roster order."""
    return [r[0] for r in db.query("SELECT id FROM member WHERE org_id = ? AND status IN (?, ?) ORDER BY name_pinyin",
                                   (org_id, *ACTIVE_STATUSES))]


def owner_of(db: Database, *, org_id: str | None = None, member_id: str | None = None) -> str:
    """The office that owns rows about this branch or member (the town)."""
    if member_id:
        row = db.one("SELECT o.office_id, m.owner FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = ?",
                     (member_id,))
    else:
        row = db.one("SELECT office_id, owner FROM org WHERE id = ?", (org_id,))
    if row is None:
        raise UserError("找不到该党组织或党员，可能已被删除。")
    return row["owner"] or row["office_id"]


def branches(db: Database, *, office_id: str | None = None, org_id: str | None = None) -> list:
    """The 党支部 (and 党总支 keeping members) of an office or under an organisation, in tree order."""
    from ..registry.orgs import subtree_ids

    where, params = ["o.org_type IN ('党支部', '党总支')"], []
    if org_id:
        ids = subtree_ids(db, org_id)
        where.append(f"o.id IN ({','.join('?' * len(ids))})")
        params += ids
    elif office_id:
        where.append("o.office_id = ?")
        params.append(office_id)
    where.append(own_orgs_sql(db))
    rows = db.query(f"""SELECT o.*, f.name AS town FROM org o JOIN office f ON f.id = o.office_id
                        WHERE {' AND '.join(where)} ORDER BY f.name, o.sort_order, o.name""", params)
    return [r for r in rows if r["org_type"] == "党支部" or db.scalar(
        "SELECT 1 FROM member WHERE org_id = ? LIMIT 1", (r["id"],))]


def member_scope(db: Database, where: list[str], params: list, *, office_id: str | None = None,
                 org_id: str | None = None, column: str = "m.org_id") -> None:
    """Narrow a member query (aliases m, o) to an organisation's subtree or an office."""
    from ..points.common import scope_filter

    scope_filter(db, where, params, org_id=org_id, office_id=office_id, org_column=column)


def age_on(birth_date: str | None, day: dt.date) -> int | None:
    if not birth_date or not dates.is_iso_date(birth_date, allow_month=True):
        return None
    b = dates.parse_iso(birth_date, allow_month=True)
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def members_in(db: Database, *, office_id: str | None = None, org_id: str | None = None,
               full_only: bool = False) -> list:
    """Members in good standing of an office or under an organisation (id, name, org_name …), in
    branch and pinyin order: the choices of the ledgers' entry forms."""
    where, params = ["m.status IN (?, ?)"], [*ACTIVE_STATUSES]
    if full_only:
        where.append("m.category = '正式党员'")
    member_scope(db, where, params, office_id=office_id, org_id=org_id)
    return db.query(f"""SELECT m.id, m.name, m.org_id, o.name AS org_name, m.category, m.is_hardship,
                               m.join_date < '1949-10-01' AS is_old
                        FROM member m JOIN org o ON o.id = m.org_id WHERE {' AND '.join(where)}
                        ORDER BY o.sort_order, o.name, m.name_pinyin""", params)
