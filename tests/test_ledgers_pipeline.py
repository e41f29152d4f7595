"""发展党员: the procedure's intervals at their edges (a day early, the day, a day late), steps
without their record, acceptance onto the roster and conversion through the roster's own status
history, the yearly plan."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.errors import UserError
from dangjian_desktop.ledgers import pipeline as pl
from dangjian_desktop.ledgers.pipeline_checks import check_person, pipeline_warnings
from dangjian_desktop.registry.idcard import make

from points_util import add_branch

_seq = [0]


def applicant(db, branch, applied: str, born: dt.date = dt.date(1995, 5, 4)) -> str:
    _seq[0] += 1
    return pl.add_person(db, branch.id, {"name": f"周新{'甲乙丙丁戊己庚辛'[_seq[0] % 8]}", "ethnicity": "汉族",
                                         "id_number": make("140826", born, _seq[0], True), "education": "大学本科"},
                         applied_on=applied)


def codes(db, pid, as_of):
    return sorted(w.code for w in check_person(pl.get_person(db, pid), as_of))


@pytest.mark.parametrize("talk, late", [("2024-02-14", False), ("2024-02-15", False), ("2024-02-16", True)])
def test_talk_within_a_month_of_the_application(db, talk, late):
    b = add_branch(db, n=3)
    pid = applicant(db, b, "2024-01-15")
    pl.record_step(db, pid, "谈话", talk)
    assert ("too_late" in codes(db, pid, dt.date(2024, 3, 1))) is late


@pytest.mark.parametrize("as_of, overdue", [(dt.date(2024, 2, 15), False), (dt.date(2024, 2, 16), True)])
def test_a_talk_not_yet_held_is_overdue_the_day_after_the_month(db, as_of, overdue):
    b = add_branch(db, n=3)
    pid = applicant(db, b, "2024-01-15")
    assert ("overdue" in codes(db, pid, as_of)) is overdue


@pytest.mark.parametrize("candidate, early", [("2025-03-09", True), ("2025-03-10", False), ("2025-03-11", False)])
def test_a_candidate_after_at_least_a_year_as_activist(db, candidate, early):
    b = add_branch(db, n=3)
    pid = applicant(db, b, "2024-01-15")
    pl.record_step(db, pid, "谈话", "2024-01-20")
    pl.record_step(db, pid, "积极分子", "2024-03-10", decision="支部委员会研究确定")
    pl.record_step(db, pid, "考察", "2024-09-01")
    pl.record_step(db, pid, "发展对象", candidate)
    found = check_person(pl.get_person(db, pid), dt.date(2025, 3, 20))
    assert any(w.code == "too_early" and "2025年3月10日" in w.message for w in found) is early


def _to_candidate(db, b, pid):
    pl.record_step(db, pid, "谈话", "2023-01-20")
    pl.record_step(db, pid, "积极分子", "2023-03-10")
    pl.record_step(db, pid, "考察", "2023-09-01")
    pl.record_step(db, pid, "考察", "2024-02-20")
    pl.record_step(db, pid, "发展对象", "2024-03-20")
    pl.record_step(db, pid, "备案", "2024-03-25")


def test_acceptance_without_its_records_is_warned(db):
    b = add_branch(db, n=3)
    pid = applicant(db, b, "2023-01-15")
    _to_candidate(db, b, pid)
    pending = [w for w in check_person(pl.get_person(db, pid), dt.date(2024, 4, 1)) if w.code == "incomplete"]
    assert pending and pending[0].level == "提醒" and "入党介绍人" in pending[0].message
    pl.record_step(db, pid, "培训", "2024-04-01", hours=16)
    pl.accept(db, pid, "2024-05-20")
    found = [w for w in check_person(pl.get_person(db, pid), dt.date(2024, 6, 1)) if w.code == "incomplete"]
    assert found and found[0].level == "严重"
    for lack in ("2名正式党员作入党介绍人", "政治审查", "已有16学时", "上级党委预审"):
        assert lack in found[0].message
    # A step whose earlier step is not on record.
    other = applicant(db, b, "2024-01-10", born=dt.date(1996, 1, 1))
    pl.record_step(db, other, "积极分子", "2024-02-01")
    assert any(w.code == "missing" and "谈话" in w.message for w in check_person(pl.get_person(db, other),
                                                                               dt.date(2024, 2, 2)))


def test_acceptance_and_conversion_go_through_the_roster(db):
    b = add_branch(db, n=3)
    pid = applicant(db, b, "2023-01-15")
    _to_candidate(db, b, pid)
    pl.set_introducers(db, pid, b.members[0], b.members[1])
    pl.record_step(db, pid, "政审", "2024-04-01", result="合格")
    pl.record_step(db, pid, "培训", "2024-04-10", hours=24)
    pl.record_step(db, pid, "预审", "2024-05-01", result="合格")
    pl.accept(db, pid, "2024-05-20")
    pl.record_step(db, pid, "审批", "2024-06-20", decision="镇党委")
    p = pl.get_person(db, pid)
    member = db.get("member", p.member_id)
    assert p.stage == "预备党员" and member["category"] == "预备党员" and member["join_date"] == "2024-05-20"
    assert [e["event_type"] for e in db.query("SELECT * FROM member_event WHERE member_id = ?", (p.member_id,))] \
        == ["入党登记"]
    assert codes(db, pid, dt.date(2024, 7, 1)) == []
    # a day early: warned; conversion goes through the registry's 预备转正.
    assert "too_early" not in codes(db, pid, dt.date(2025, 5, 19))
    pl.convert(db, pid, "2025-05-20", decision="支部党员大会讨论通过")
    member = db.get("member", p.member_id)
    assert member["category"] == "正式党员" and member["full_date"] == "2025-05-20"
    events = db.query("SELECT * FROM member_event WHERE member_id = ? ORDER BY event_date", (p.member_id,))
    assert [(e["event_type"], e["event_date"], e["from_status"], e["to_status"]) for e in events] == \
        [("入党登记", "2024-05-20", None, "正常"), ("预备转正", "2025-05-20", "正常", "正常")]
    assert pl.get_person(db, pid).stage == "正式党员" and codes(db, pid, dt.date(2025, 6, 1)) == []
    with pytest.raises(UserError, match="花名册"):
        pl.remove_step(db, pl.get_person(db, pid).all("转正")[0].id)
    with pytest.raises(UserError, match="已于"):
        pl.convert(db, pid, "2025-06-01")
    assert db.verify() == []


@pytest.mark.parametrize("full_on, early", [("2025-05-19", True), ("2025-05-20", False)])
def test_conversion_a_day_before_the_year_is_too_early(db, full_on, early):
    b = add_branch(db, n=3, probationary=())
    pid = applicant(db, b, "2023-01-15")
    pl.accept(db, pid, "2024-05-20")
    pl.convert(db, pid, full_on)
    assert ("too_early" in codes(db, pid, dt.date(2025, 6, 1))) is early


@pytest.mark.parametrize("as_of, overdue", [(dt.date(2025, 6, 20), False), (dt.date(2025, 6, 21), True)])
def test_probation_not_decided_a_month_after_it_ends(db, as_of, overdue):
    b = add_branch(db, n=3)
    pid = applicant(db, b, "2023-01-15")
    pl.accept(db, pid, "2024-05-20")
    found = [w for w in check_person(pl.get_person(db, pid), as_of) if w.code == "overdue" and "预备期" in w.message]
    assert bool(found) is overdue
    pl.record_step(db, pid, "延长预备期", "2025-05-25", months=6, decision="支部党员大会讨论决定")
    assert not [w for w in check_person(pl.get_person(db, pid), dt.date(2025, 12, 1)) if "预备期" in w.message]


def test_roster_probationary_member_converted_and_cancelled(db):
    b = add_branch(db, n=4, probationary=(2, 3))
    keep, drop = b.members[2], b.members[3]
    pid = pl.convert_member(db, keep, "2025-12-05")
    assert pl.get_person(db, pid).stage == "正式党员"
    assert db.get("member", keep)["category"] == "正式党员"
    assert db.scalar("SELECT count(*) FROM member_event WHERE member_id = ? AND event_type = '预备转正'", (keep,)) == 1
    other = pl.adopt_member(db, drop)
    assert pl.adopt_member(db, drop) == other  # once
    pl.record_step(db, other, "取消预备党员资格", "2025-12-05", decision="支部党员大会讨论决定")
    assert db.get("member", drop)["status"] == "已出党" and pl.get_person(db, other).stage == "已取消"
    with pytest.raises(UserError, match="已取消"):
        pl.record_step(db, other, "考察", "2025-12-06")


def test_person_validation_and_lists(db):
    b = add_branch(db, n=3)
    with pytest.raises(UserError):
        pl.add_person(db, b.id, {"name": "李四", "id_number": "140826199001011235"}, applied_on="2024-01-01")
    with pytest.raises(UserError):
        pl.add_person(db, b.id, {"name": "李四"}, applied_on="2999-01-01")
    young = applicant(db, b, "2024-01-15", born=dt.date(2006, 6, 1))
    assert "age" in codes(db, young, dt.date(2024, 1, 20))
    pl.record_step(db, young, "谈话", "2024-01-20")
    with pytest.raises(UserError, match="已登记过"):
        pl.record_step(db, young, "谈话", "2024-01-21")
    with pytest.raises(UserError, match="学时"):
        pl.record_step(db, young, "培训", "2024-01-22")
    assert [p.stage for p in pl.people(db, stage="入党申请人")] == ["入党申请人"]
    assert pl.find_person(db, young[-8:]).id == young
    pl.set_plan(db, b.id, 2024, 2)
    line = next(x for x in pl.plan_lines(db, 2024) if x.org_id == b.id)
    assert line.planned == 2 and line.accepted == 0
    assert all(w.person_id == young for w in pipeline_warnings(db, as_of=dt.date(2024, 1, 20)))


def test_a_step_dated_before_the_application_is_refused(db):
    b = add_branch(db, n=3)
    pid = applicant(db, b, "2024-01-15")
    with pytest.raises(UserError, match="早于.*递交入党申请书的日期2024年1月15日"):
        pl.record_step(db, pid, "谈话", "2000-01-01")
    assert pl.get_person(db, pid).first("谈话") is None
    pl.record_step(db, pid, "谈话", "2024-01-15")  # the same day is fine


def test_an_acceptance_dated_before_the_application_is_refused_and_not_on_the_roster(db):
    b = add_branch(db, n=3)
    pid = applicant(db, b, "2024-01-15")
    before = db.scalar("SELECT count(*) FROM member")
    with pytest.raises(UserError, match="早于.*递交入党申请书的日期2024年1月15日"):
        pl.record_step(db, pid, "接收", "2023-06-01")
    assert pl.get_person(db, pid).member_id is None and db.scalar("SELECT count(*) FROM member") == before


def test_people_are_listed_by_branch_then_name_in_pinyin(db):
    """发展党员台账: within a branch by pinyin (李 孟 潘 叶), not by character code (叶 孟 李 潘)."""
    b = add_branch(db, "西店村党支部", n=1)
    for n, name in enumerate(["叶平娜", "孟山元", "李翠静", "潘华"]):
        pl.add_person(db, b.id, {"name": name, "ethnicity": "汉族", "id_number": make("140826", dt.date(1996, 1, 1 + n),
                                                                                   n, True)},
                      applied_on="2025-03-01")
    assert [p.name for p in pl.people(db, org_id=b.id)] == ["李翠静", "孟山元", "潘华", "叶平娜"]
