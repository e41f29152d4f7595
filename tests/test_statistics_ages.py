"""Age bands at birthdays (the day before, of and after each boundary) and the periods of joining
on the days they start."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dangjian_desktop.registry import add_member
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.statistics import structure

from roster_util import add_branches

AT = dt.date(2026, 12, 31)
AGE_LABELS = ["30岁及以下", "31至35岁", "36至40岁", "41至45岁", "46至50岁", "51至55岁", "56至60岁", "61岁及以上"]
_serial = itertools.count(1)


def years_before(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def add(db, branch: str, born: dt.date, joined: str | None = None) -> str:
    n = next(_serial)
    joined = joined or years_before(AT, 1).isoformat() if born < years_before(AT, 19) else None
    return add_member(db, {
        "name": f"党员{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{'子丑寅卯辰巳午未申酉'[n // 10 % 10]}{'一二三四五六七八九十'[n // 100 % 10]}",
        "sex": "男", "ethnicity": "汉族", "birth_date": born.isoformat(),
        "id_number": make(f"{110101 + n // 90}", born, n % 90, True), "join_date": joined,
        "category": "正式党员", "full_date": None}, org_id=branch)


def alone(db, born: dt.date, joined: str | None = None) -> str:
    """A branch of its own holding one member: the scope the statistics are asked about."""
    branch = add_branches(db, f"第{next(_serial)}村党支部")[f"第{next(_serial) - 1}村党支部"]
    add(db, branch, born, joined)
    return branch


def ages(db, branch: str, at: dt.date) -> dict[str, int]:
    return {k: v for k, v in structure(db, branch, at).dimensions["年龄"].counts.items() if v}


@pytest.mark.parametrize("boundary", [31, 36, 41, 46, 51, 56, 61])
def test_a_member_enters_the_next_band_on_the_birthday(db, boundary):
    birthday = years_before(AT, boundary)  # turns `boundary` on AT
    below = AGE_LABELS[AGE_LABELS.index(next(lb for lb in AGE_LABELS if lb.startswith(str(boundary)))) - 1]
    above = next(lb for lb in AGE_LABELS if lb.startswith(str(boundary)))
    for born, label in ((birthday + dt.timedelta(days=1), below),  # the birthday is tomorrow
                        (birthday, above),                         # today
                        (birthday - dt.timedelta(days=1), above)):  # yesterday
        assert ages(db, alone(db, born), AT) == {label: 1}, (boundary, born)


def test_the_same_member_moves_band_as_the_statistics_date_passes_the_birthday(db):
    branch = add_branches(db, "红星村党支部")["红星村党支部"]
    add(db, branch, dt.date(1990, 6, 15), "2012-07-01")  # a member at each of the dates
    assert ages(db, branch, dt.date(2021, 6, 14)) == {"30岁及以下": 1}   # 30
    assert ages(db, branch, dt.date(2021, 6, 15)) == {"31至35岁": 1}     # 31 on the day
    assert ages(db, branch, dt.date(2051, 6, 14)) == {"56至60岁": 1}     # 60
    assert ages(db, branch, dt.date(2051, 6, 15)) == {"61岁及以上": 1}   # 61


def test_born_on_29_february_comes_of_age_on_1_march(db):
    branch = add_branches(db, "红星村党支部")["红星村党支部"]
    add(db, branch, dt.date(1992, 2, 29), "2015-07-01")
    assert ages(db, branch, dt.date(2023, 2, 28)) == {"30岁及以下": 1}
    assert ages(db, branch, dt.date(2023, 3, 1)) == {"31至35岁": 1}
    assert ages(db, branch, dt.date(2024, 2, 29)) == {"31至35岁": 1}


@pytest.mark.parametrize("start, before, since", [
    ("1949-10-01", "新中国成立前", "新中国成立至党的十一届三中全会前"),
    ("1978-12-18", "新中国成立至党的十一届三中全会前", "十一届三中全会至党的十八大前"),
    ("2012-11-08", "十一届三中全会至党的十八大前", "党的十八大以来"),
])
def test_a_period_of_joining_starts_on_the_day_of_the_event(db, start, before, since):
    day = dt.date.fromisoformat(start)
    for joined, label in ((day - dt.timedelta(days=1), before), (day, since), (day + dt.timedelta(days=1), since)):
        branch = alone(db, dt.date(1925, 5, 4), joined.isoformat())
        got = {k: v for k, v in structure(db, branch, AT).dimensions["入党时间"].counts.items() if v}
        assert got == {label: 1}, joined


def test_a_join_date_known_only_to_the_month_counts_from_its_first_day(db):
    branch = add_branches(db, "红星村党支部")["红星村党支部"]
    add(db, branch, dt.date(1925, 5, 4), "1949-10")
    got = {k: v for k, v in structure(db, branch, AT).dimensions["入党时间"].counts.items() if v}
    assert got == {"新中国成立至党的十一届三中全会前": 1}
