"""党员队伍结构 as of a past date: the members of that day, rebuilt from the status history (joined
by then, not yet left, in the branch they were in, 预备党员 until the conversion date), at the
edges (the day before, of and after each event); on or after today exactly the roster."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dangjian_desktop.registry import add_member, change_status
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.registry.members import transfer_member
from dangjian_desktop.roster.selection import roster_selection
from dangjian_desktop.statistics import structure

from roster_util import add_branches

DAY = dt.date(2024, 6, 30)
ONE = dt.timedelta(days=1)
_serial = itertools.count(1)


def add(db, branch: str, *, joined: str = "2005-07-01", category: str = "正式党员", full: str | None = None,
        born: dt.date = dt.date(1980, 5, 6), **kw) -> str:
    n = next(_serial)
    return add_member(db, {
        "name": f"党员{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{'子丑寅卯辰巳午未申酉'[n // 10 % 10]}",
        "sex": "男", "ethnicity": "汉族", "birth_date": born.isoformat(),
        "id_number": make("110101", born, n, True), "join_date": joined, "category": category,
        "full_date": full}, org_id=branch, **{"event_date": joined, **kw})  # 入党登记 on the join date


def total(db, branch: str | None, day: dt.date) -> int:
    return structure(db, branch, day).total


def branch(db) -> str:
    return add_branches(db, f"第{next(_serial)}村党支部").popitem()[1]


@pytest.mark.parametrize("event", ["转出", "死亡", "出党", "停止党籍"])
def test_a_member_who_left_is_counted_until_the_day_before_they_left(db, event):
    b = branch(db)
    add(db, b)  # stays
    leaver = add(db, b)
    change_status(db, leaver, event=event, date=DAY.isoformat())
    assert total(db, b, DAY - ONE) == 2  # left the day after the date: still a member then
    assert total(db, b, DAY) == 1        # left on the date itself: no longer counted
    assert total(db, b, DAY + ONE) == 1  # left the day before the date
    assert total(db, b, dt.date.today()) == 1 == len(db.query(f"SELECT 1 {roster_selection(db, org_id=b)[0]}",
                                                              roster_selection(db, org_id=b)[1]))


def test_a_member_counts_from_the_join_date_whenever_the_record_was_entered(db):
    b = branch(db)
    today = dt.date.today().isoformat()
    add(db, b, joined=DAY.isoformat(), event_date=today)  # entered today (入党登记 dated today), joined on DAY
    add(db, b, joined="2024-07", event_date=today)        # a month only: its first day
    assert total(db, b, DAY - ONE) == 0
    assert total(db, b, DAY) == 1
    assert total(db, b, DAY + ONE) == 2
    assert structure(db, b, DAY - ONE).notes[0].startswith("统计时间2024年6月29日早于今天")


def test_probationary_until_the_conversion_date(db):
    b = branch(db)
    m = add(db, b, joined="2023-06-30", category="预备党员")
    change_status(db, m, event="预备转正", date=DAY.isoformat())
    assert db.get("member", m)["full_date"] == DAY.isoformat()

    def category(day):
        return {k: v for k, v in structure(db, b, day).dimensions["党员类别"].counts.items() if v}

    assert category(DAY - ONE) == {"预备党员": 1}
    assert category(DAY) == {"正式党员": 1}
    assert category(DAY + ONE) == {"正式党员": 1}
    add(db, b, joined="2010-07-01", category="正式党员", full="2011-07")  # converted long ago
    assert category(DAY - ONE) == {"预备党员": 1, "正式党员": 1}


def test_a_member_transferred_between_branches_counts_where_they_were(db):
    a, b = branch(db), branch(db)
    m = add(db, a)
    transfer_member(db, m, to_org_id=b, date=DAY.isoformat())
    assert (total(db, a, DAY - ONE), total(db, b, DAY - ONE)) == (1, 0)
    assert (total(db, a, DAY), total(db, b, DAY)) == (0, 1)
    assert total(db, None, DAY - ONE) == total(db, None, DAY)  # in the office all along


def test_transferred_in_from_outside_counts_from_the_day_they_came(db):
    b = branch(db)
    add(db, b, event="转入", event_date=DAY.isoformat())
    assert [total(db, b, d) for d in (DAY - ONE, DAY, DAY + ONE)] == [0, 1, 1]


def test_away_between_leaving_and_coming_back(db):
    b = branch(db)
    m = add(db, b)
    change_status(db, m, event="转出", date="2023-01-10")
    change_status(db, m, event="转入", date="2024-01-10")
    assert [total(db, b, dt.date.fromisoformat(d)) for d in ("2023-01-09", "2023-01-10", "2024-01-09", "2024-01-10")] \
        == [1, 0, 0, 1]


def test_lost_contact_as_of_the_day_and_ages_at_the_day(db):
    b = branch(db)
    m = add(db, b, born=dt.date(1993, 6, 30), joined="2016-07-01")
    change_status(db, m, event="失联", date=DAY.isoformat())
    assert structure(db, b, DAY - ONE).flags["失联党员"] == 0
    s = structure(db, b, DAY)
    assert s.flags["失联党员"] == 1 and s.total == 1
    assert {k: v for k, v in s.dimensions["年龄"].counts.items() if v} == {"31至35岁": 1}  # 31 on the day, 30 the day before
    assert {k: v for k, v in structure(db, b, DAY - ONE).dimensions["年龄"].counts.items() if v} == {"30岁及以下": 1}


def test_on_or_after_today_the_roster_as_it_stands(db):
    b = branch(db)
    add(db, b)
    late = add(db, b, joined=dt.date.today().isoformat())  # joins today
    gone = add(db, b)
    change_status(db, gone, event="转出", date=dt.date.today().isoformat())
    sel, params = roster_selection(db, org_id=b)
    listed = len(db.query(f"SELECT m.id {sel}", params))
    assert listed == 2 and db.get("member", late)["status"] == "正常"
    for day in (dt.date.today(), dt.date.today() + ONE, dt.date(dt.date.today().year, 12, 31)):
        s = structure(db, b, day)
        assert s.total == listed and not any("早于今天" in n for n in s.notes), day
    # the day before today: the one who left today is still counted, the one who joins today not yet
    assert total(db, b, dt.date.today() - ONE) == 2
    assert structure(db, b, DAY, today=DAY).total == total(db, b, dt.date.today())  # `today` decides the path
