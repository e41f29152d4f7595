"""Members on a past day: a meeting entered late lists the branch as it was on the meeting's date
and refuses whoever was not a member of it then; a points entry (single or imported) dated before
the member joined or came, or after they left, is refused; catch-up entry for those who were
there keeps working."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from dangjian_desktop.errors import ValidationError
from dangjian_desktop.meetings.ledger import (attendance, candidates, record_meeting, set_attendance,
                                              update_meeting)
from dangjian_desktop.points.ledger import add_entry, import_ledger_xlsx
from dangjian_desktop.points.membership import History, members_on
from dangjian_desktop.registry import add_member, change_status, transfer_member
from dangjian_desktop.registry.idcard import make

from points_util import YEAR, add_branch, simple_catalogue

DATE = f"{YEAR}-03-15"


def newcomer(db, org_id, name, *, join_date="2000-07-01", event="入党登记", event_date=None, born=(1980, 5, 6)):
    values = {"name": name, "sex": "男", "ethnicity": "汉族", "id_number": make("140826", dt.date(*born), 7, True),
              "birth_date": dt.date(*born).isoformat(), "join_date": join_date, "category": "正式党员",
              "full_date": None}
    if join_date > "2001":
        values.update(category="预备党员")
    return add_member(db, values, org_id=org_id, event=event, event_date=event_date or join_date)


@pytest.fixture
def town(db):
    east = add_branch(db, "东村党支部", n=4)
    west = add_branch(db, "西村党支部", n=2, secretary=False)
    return db, east, west, simple_catalogue(db)


def listed(db, org_id, date, meeting_type="支部党员大会", **kw):
    return [c.member_id for c in candidates(db, org_id, meeting_type, date=date, **kw)]


def meet(db, org_id, members, date=DATE):
    return record_meeting(db, org_id=org_id, meeting_type="支部党员大会", date=date,
                          attendance={m: "出席" for m in members}, topic="学习党章")


def refusal(db, org_id, members, date=DATE) -> str:
    with pytest.raises(ValidationError) as e:
        meet(db, org_id, members, date)
    assert db.scalar("SELECT count(*) FROM meeting") == 0
    return e.value.message


def test_a_member_who_joined_after_the_meeting_is_not_listed_and_is_refused(town):
    db, east, _west, _ = town
    late = newcomer(db, east.id, "新一", join_date=f"{YEAR}-05-01")
    assert late not in listed(db, east.id, DATE)
    assert late in listed(db, east.id, f"{YEAR}-05-01") and late in listed(db, east.id, None)
    message = refusal(db, east.id, [*east.members, late])
    assert "新一" in message and f"{YEAR}年5月1日入党" in message and "2025年3月15日" in message


def test_a_member_who_died_before_the_meeting_is_refused(town):
    db, east, _west, _ = town
    change_status(db, east.members[3], event="死亡", date=f"{YEAR}-02-03")
    assert east.members[3] not in listed(db, east.id, DATE)
    assert east.members[3] in listed(db, east.id, f"{YEAR}-02-02")
    name = db.get("member", east.members[3])["name"]
    message = refusal(db, east.id, east.members)
    assert f"{name}（{YEAR}年2月3日去世）" in message


def test_a_member_transferred_in_later_is_refused(town):
    db, east, west, _ = town
    mover = west.members[0]
    transfer_member(db, mover, to_org_id=east.id, date=f"{YEAR}-05-01")
    assert mover not in listed(db, east.id, DATE) and mover in listed(db, west.id, DATE)
    assert mover in listed(db, east.id, f"{YEAR}-05-01")
    name = db.get("member", mover)["name"]
    message = refusal(db, east.id, [*east.members, mover])
    assert f"{name}（当时在西村党支部，{YEAR}年5月1日转入本支部）" in message
    # and one who came from outside the town on that day
    outsider = newcomer(db, east.id, "外一", event="转入", event_date=f"{YEAR}-05-01")
    assert outsider not in listed(db, east.id, DATE)
    assert f"外一（{YEAR}年5月1日转入本镇）" in refusal(db, east.id, [*east.members, outsider])


def test_a_member_transferred_out_after_the_date_is_still_listed_for_it(town):
    db, east, west, items = town
    moved, gone = east.members[2], east.members[3]
    transfer_member(db, moved, to_org_id=west.id, date=f"{YEAR}-06-01")  # within the town
    change_status(db, gone, event="转出", date=f"{YEAR}-06-01")  # out of the town
    people = {c.member_id: c for c in candidates(db, east.id, "支部党员大会", date=DATE)}
    assert set(people) == set(east.members)
    assert people[gone].left == f"{YEAR}年6月1日转出" and people[moved].left == ""
    assert moved not in listed(db, west.id, DATE) and moved in listed(db, west.id, f"{YEAR}-06-01")
    assert set(listed(db, east.id, f"{YEAR}-06-01")) == set(east.members[:2])

    record = meet(db, east.id, east.members)  # catch-up entry of a meeting they were at
    assert {r["member_id"] for r in attendance(db, record.meeting_id)} == set(east.members)
    points = {r["member_id"] for r in db.query("SELECT member_id FROM points_entry WHERE meeting_id = ?",
                                               (record.meeting_id,))}
    assert points == set(east.members[:3])  # the one who left the town is not rated: attendance only
    assert record.left == [db.get("member", gone)["name"]]


def test_correcting_a_meeting_keeps_to_the_members_of_its_day(town):
    db, east, _west, items = town
    late = newcomer(db, east.id, "新二", join_date=f"{YEAR}-05-01")
    record = meet(db, east.id, east.members[:2])
    with pytest.raises(ValidationError) as e:
        set_attendance(db, record.meeting_id, late, "出席")
    assert "新二" in e.value.message and "入党" in e.value.message
    set_attendance(db, record.meeting_id, east.members[2], "缺席")  # one who was there: fine

    summer = meet(db, east.id, [*east.members[:2], late], date=f"{YEAR}-06-10")
    with pytest.raises(ValidationError) as e:
        update_meeting(db, summer.meeting_id, {"date": f"{YEAR}-04-10"})
    assert "新二" in e.value.errors["date"]
    update_meeting(db, summer.meeting_id, {"date": f"{YEAR}-05-20"})


def test_a_points_entry_outside_the_membership_is_refused_in_words(town):
    db, east, _west, items = town
    late = newcomer(db, east.id, "新三", join_date=f"{YEAR}-05-01")
    with pytest.raises(ValidationError) as e:
        add_entry(db, late, items["P2"].id, f"{YEAR}-04-30")
    assert f"新三在{YEAR}年4月30日不是本镇党员（{YEAR}年5月1日入党）" in e.value.message
    add_entry(db, late, items["P2"].id, f"{YEAR}-05-01")

    back = east.members[1]  # left the town and came back: the months away take no entries
    change_status(db, back, event="转出", date=f"{YEAR}-03-01")
    change_status(db, back, event="转入", date=f"{YEAR}-06-01")
    with pytest.raises(ValidationError) as e:
        add_entry(db, back, items["P2"].id, f"{YEAR}-04-01")
    assert f"（{YEAR}年3月1日转出）" in e.value.message
    add_entry(db, back, items["P2"].id, f"{YEAR}-02-28")
    add_entry(db, back, items["P2"].id, f"{YEAR}-06-01")

    change_status(db, east.members[3], event="死亡", date=f"{YEAR}-08-08")
    with pytest.raises(ValidationError) as e:
        add_entry(db, east.members[3], items["P2"].id, f"{YEAR}-09-01")
    assert f"已于{YEAR}年8月8日去世" in e.value.message


def test_catch_up_entry_for_a_member_whose_record_was_entered_today(town):
    """A member of long standing registered today (入党登记 dated today) was a member last year."""
    db, east, _west, items = town
    old = newcomer(db, east.id, "老一", event_date=dt.date.today().isoformat())
    assert old in listed(db, east.id, DATE)
    add_entry(db, old, items["P2"].id, DATE)
    meet(db, east.id, [*east.members, old])


def test_imported_rows_outside_the_membership_are_row_errors(town, tmp_path):
    db, east, _west, _ = town
    newcomer(db, east.id, "新四", join_date=f"{YEAR}-05-01")
    wb = Workbook()
    ws = wb.active
    ws.title = "积分台账"
    ws.append(["姓名", "所在党支部", "身份证号", "日期", "项目编号", "分值", "备注"])
    name = db.get("member", east.members[0])["name"]
    ws.append([name, None, None, f"{YEAR}-03-05", "P2", None, ""])
    ws.append(["新四", None, None, f"{YEAR}-03-05", "P2", None, ""])
    ws.append(["新四", None, None, f"{YEAR}-07-05", "P2", None, ""])
    wb.save(tmp_path / "台账.xlsx")
    with pytest.raises(ValidationError) as e:
        import_ledger_xlsx(db, tmp_path / "台账.xlsx", east.office_id)
    message = e.value.message
    assert f"第3行：新四在{YEAR}年3月5日不是本镇党员（{YEAR}年5月1日入党）" in message
    assert "第2行" not in message and "第4行" not in message
    assert db.scalar("SELECT count(*) FROM points_entry") == 0


def test_the_members_of_a_past_day_agree_with_the_statistics(town):
    from dangjian_desktop.statistics.as_of import members_on as statistics_members_on

    db, east, west, _ = town
    newcomer(db, east.id, "新五", join_date=f"{YEAR}-05-01")
    newcomer(db, west.id, "外二", event="转入", event_date=f"{YEAR}-04-01", born=(1981, 2, 3))
    transfer_member(db, west.members[1], to_org_id=east.id, date=f"{YEAR}-03-01")
    change_status(db, east.members[3], event="死亡", date=f"{YEAR}-02-03")
    change_status(db, east.members[2], event="失联", date=f"{YEAR}-02-03")
    for day in (f"{YEAR}-01-01", f"{YEAR}-02-03", f"{YEAR}-03-01", f"{YEAR}-04-15", f"{YEAR}-06-30"):
        for org in (east.id, west.id):
            clause, params = statistics_members_on(db, dt.date.fromisoformat(day), org)
            expected = {r[0] for r in db.query(f"SELECT m.id {clause}", params)}
            assert set(members_on(db, org, day)) == expected, (day, org)
    history = History(db, east.members)
    assert history.on(east.members[2], f"{YEAR}-03-01").member  # 失联 still counts
