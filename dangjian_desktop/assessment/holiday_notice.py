"""The State Council's yearly notice on public holidays (国务院办公厅关于××年部分节假日安排的通知),
pasted as text, read into the days of the holiday table — for the clerk to check day by day
before saving (the GUI fills its holiday editor with them; the CLI saves them with --notice).

The notice's lines look like:

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
    一、元旦：1月1日（周三）放假1天，不调休。

Parenthesised notes (周几, 农历…) are ignored. A day range may cross a month or a year
("12月31日至1月2日"); a year written out ("2027年1月1日") wins over the notice's year.
"""

from __future__ import annotations

import datetime as dt
import re

from .. import dates
from ..db import Database
from ..errors import UserError
from .workdays import OFF, WORK, Holiday, set_holidays

_SECTION = re.compile(r"(?:^|\n|。)\s*[一二三四五六七八九十]+\s*[、.．]\s*([^：:\n]{1,20})[：:]")
_DAY = r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日"
_RANGE = re.compile(_DAY + r"(?:\s*(?:至|到|—|-|－|~|～)\s*" + _DAY + r")?")
_NOTES = re.compile(r"[（(][^（()）]*[)）]")


def _date(year: int, month: int, day: int, what: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise UserError(f"通知中的日期“{year}年{month}月{day}日”不存在（{what}）。") from None


def parse_notice(text: str, year: int) -> list[Holiday]:
    """The holidays (休) and make-up working days (班) a notice lists, sorted by day.

    Raises UserError when nothing can be read, naming what is expected.
    """
    text = _NOTES.sub("", (text or "").replace("\r", ""))
    sections = list(_SECTION.finditer(text))
    if not sections:
        raise UserError("没有读到放假安排。请粘贴通知正文中“一、元旦：1月1日至3日放假调休，共3天。”这样的各条。")
    out: dict[str, Holiday] = {}
    for n, sec in enumerate(sections):
        name = sec.group(1).strip()
        body = text[sec.end(): sections[n + 1].start() if n + 1 < len(sections) else len(text)]
        for sentence in re.split(r"[。；;\n]", body):
            if not sentence.strip():
                continue
            work = "上班" in sentence
            if not work and "放假" not in sentence and "休息" not in sentence:
                continue
            for m in _RANGE.finditer(sentence):
                y1, m1, d1, y2, m2, d2 = m.groups()
                if m1 is None:
                    continue  # "共3天" and the like: no month, no date
                first_year = int(y1) if y1 else int(year)
                start = _date(first_year, int(m1), int(d1), name)
                end = start
                if d2 is not None:
                    end_year = int(y2) if y2 else start.year
                    end = _date(end_year, int(m2) if m2 else start.month, int(d2), name)
                    if end < start and not y2:
                        end = _date(end_year + 1, end.month, end.day, name)
                    if (end - start).days > 31:
                        raise UserError(f"“{name}”的放假日期 {dates.format_cn(start)}至{dates.format_cn(end)} "
                                        f"超过一个月，请核对通知原文。")
                kind = WORK if work else OFF
                day = start
                while day <= end:
                    out[day.isoformat()] = Holiday(day.isoformat(), kind, name)
                    day += dt.timedelta(days=1)
                if not work:
                    break  # one holiday range per sentence; the rest of it is 共N天, 不调休 …
    if not out:
        raise UserError("通知中没有读到具体日期，请核对粘贴的内容。")
    return [out[k] for k in sorted(out)]


def import_notice(db: Database, year: int, text: str, *, actor: str | None = None) -> list[Holiday]:
    """Read a notice and make it the year's holiday table (one logged unit of work).

    Days of another year the notice mentions (a 元旦 starting on 31 December) are left out:
    they belong to that year's table. Returns the days saved.
    """
    days = parse_notice(text, year)
    mine = [h for h in days if h.day.startswith(f"{int(year):04d}-")]
    if not mine:
        raise UserError(f"通知中没有 {year} 年的日期，请核对年度。")
    set_holidays(db, int(year), mine, actor=actor)
    return mine
