"""三会一课 compliance: periods counted across month, quarter and half-year boundaries, the
running period never counted missing, groups counted on their own, the secretary's lecture."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.meetings.compliance import (compliance, compliance_table, figures_for_text, kinds_in_text,
                                                  periods)
from dangjian_desktop.meetings.ledger import record_meeting

from points_util import YEAR, add_branch, simple_catalogue

END = dt.date(YEAR + 1, 1, 5)  # the whole year has ended


@pytest.fixture
def setup(db):
    b = add_branch(db, n=4, groups=2)
    simple_catalogue(db)
    return db, b


def meet(db, b, mtype, date, *, group=None, host=None):
    people = b.members if group is None else [m for k, m in enumerate(b.members) if b.groups[k % 2] == group]
    record_meeting(db, org_id=b.id, meeting_type=mtype, date=date, attendance={m: "出席" for m in people},
                   group_id=group, host_member_id=host)


def test_month_boundary_last_and_first_day(setup):
    db, b = setup
    meet(db, b, "支委会", f"{YEAR}-01-31")
    meet(db, b, "支委会", f"{YEAR}-02-01")
    c = compliance(db, b.id, YEAR, as_of=END)["支委会"]
    assert (c.required, c.held) == (12, 2)
    assert c.missing == [f"{m}月" for m in range(3, 13)]


def test_two_meetings_in_one_month_do_not_cover_another_month(setup):
    db, b = setup
    meet(db, b, "支委会", f"{YEAR}-03-01")
    meet(db, b, "支委会", f"{YEAR}-03-31")
    c = compliance(db, b.id, YEAR, as_of=END)["支委会"]
    assert (c.held, c.meetings) == (1, 2) and "4月" in c.missing and "3月" not in c.missing


@pytest.mark.parametrize("dates_held, missing", [
    ([f"{YEAR}-03-31"], ["第二季度", "第三季度", "第四季度"]),
    ([f"{YEAR}-04-01"], ["第一季度", "第三季度", "第四季度"]),
    ([f"{YEAR}-03-31", f"{YEAR}-04-01", f"{YEAR}-09-30", f"{YEAR}-10-01"], []),
    ([f"{YEAR}-12-31"], ["第一季度", "第二季度", "第三季度"]),
])
def test_quarter_boundaries(setup, dates_held, missing):
    db, b = setup
    for d in dates_held:
        meet(db, b, "支部党员大会", d)
    assert compliance(db, b.id, YEAR, as_of=END)["支部党员大会"].missing == missing


@pytest.mark.parametrize("day, missing", [(f"{YEAR}-06-30", ["下半年"]), (f"{YEAR}-07-01", ["上半年"])])
def test_half_year_boundary(setup, day, missing):
    db, b = setup
    meet(db, b, "组织生活会", day)
    assert compliance(db, b.id, YEAR, as_of=END)["组织生活会"].missing == missing


def test_the_running_period_is_pending_not_missing(setup):
    db, b = setup
    meet(db, b, "支委会", f"{YEAR}-01-10")
    as_of = dt.date(YEAR, 4, 15)
    c = compliance(db, b.id, YEAR, as_of=as_of)["支委会"]
    assert (c.required, c.missing, c.current_held) == (3, ["2月", "3月"], False)
    q = compliance(db, b.id, YEAR, as_of=as_of)["支部党员大会"]
    assert (q.required, q.missing, q.current_held) == (1, ["第一季度"], False)


def test_the_last_day_of_a_period_still_counts_it_as_running(setup):
    db, b = setup
    c = compliance(db, b.id, YEAR, as_of=dt.date(YEAR, 3, 31))
    assert c["支委会"].required == 2 and c["支部党员大会"].required == 0


def test_a_future_year_requires_nothing(setup):
    db, b = setup
    c = compliance(db, b.id, YEAR + 5, as_of=END)
    assert all(t.required == 0 for t in c.values())


def test_meetings_after_as_of_are_not_counted(setup):
    db, b = setup
    meet(db, b, "支委会", f"{YEAR}-05-10")
    c = compliance(db, b.id, YEAR, as_of=dt.date(YEAR, 5, 1))["支委会"]
    assert c.meetings == 0


def test_each_party_group_is_counted_on_its_own(setup):
    db, b = setup
    for m in range(1, 13):
        meet(db, b, "党小组会", f"{YEAR}-{m:02d}-10", group=b.groups[0])
    meet(db, b, "党小组会", f"{YEAR}-05-10", group=b.groups[1])
    c = compliance(db, b.id, YEAR, as_of=END)["党小组会"]
    assert (c.required, c.held, c.per_year) == (24, 13, 24)
    assert c.missing[0] == "第二党小组1月" and "第二党小组5月" not in c.missing
    assert [(g.name, g.held) for g in c.groups] == [("第一党小组", 12), ("第二党小组", 1)]


def test_a_branch_without_groups_has_no_group_meeting_requirement(db):
    b = add_branch(db, "小村党支部", n=2)
    c = compliance(db, b.id, YEAR, as_of=END)["党小组会"]
    assert (c.applicable, c.ok, c.note) == (False, True, "未设党小组")


def test_the_secretary_must_give_a_lecture(setup):
    db, b = setup
    meet(db, b, "党课", f"{YEAR}-03-10", host=b.members[1])
    c = compliance(db, b.id, YEAR, as_of=END)
    assert c["书记讲党课"].missing == [f"{YEAR}年"] and c["党课"].held == 1
    assert c["书记讲党课"].summary() == f"书记讲党课（每年）：应开1次，已开0次，缺{YEAR}年"
    meet(db, b, "党课", f"{YEAR}-06-10", host=b.members[0])
    assert compliance(db, b.id, YEAR, as_of=END)["书记讲党课"].ok


def test_joint_meetings_are_required_of_communities_only(db):
    village = add_branch(db, "东村党支部", n=2)
    community = add_branch(db, "东街社区党支部", n=2, kind="社区")
    assert "党建联席会" not in compliance(db, village.id, YEAR, as_of=END)
    assert compliance(db, community.id, YEAR, as_of=END)["党建联席会"].required == 4


def test_summary_names_the_missing_months(setup):
    db, b = setup
    for m in (1, 2, 4, 5, 6, 8, 9, 10, 11, 12):
        meet(db, b, "支委会", f"{YEAR}-{m:02d}-05")
    text = compliance(db, b.id, YEAR, as_of=END)["支委会"].summary()
    assert text == "支委会（每月）：应开12次，已开10次，缺3月、7月"


def test_table_covers_every_branch(db):
    a = add_branch(db, "东村党支部", n=2)
    add_branch(db, "西村党支部", n=2)
    simple_catalogue(db)
    record_meeting(db, org_id=a.id, meeting_type="支委会", date=f"{YEAR}-01-05", attendance={a.members[0]: "出席"})
    rows = {r.org_name: r for r in compliance_table(db, YEAR, office_id=db.local_office_id, as_of=END)}
    assert set(rows) == {"东村党支部", "西村党支部"}
    assert rows["东村党支部"].types["支委会"].held == 1 and rows["西村党支部"].types["支委会"].held == 0
    assert rows["西村党支部"].missing_total > rows["东村党支部"].missing_total


def test_periods_cover_the_year_without_gaps():
    for freq in ("月", "季度", "半年"):
        ps = periods(freq, YEAR)
        assert ps[0].start == dt.date(YEAR, 1, 1) and ps[-1].end == dt.date(YEAR, 12, 31)
        assert all(a.end + dt.timedelta(days=1) == b.start for a, b in zip(ps, ps[1:]))


@pytest.mark.parametrize("text, kinds", [
    ("每月召开一次支委会，内容形式、到会人数符合要求。", ["支委会"]),
    ("每三个月召开一次支部党员大会，内容形式、到会人数符合要求。", ["支部党员大会"]),
    ("每三个月上一次党课，内容形式、到会人数符合要求。", ["党课"]),
    ("每半年召开一次党支部或党小组组织生活会，会议内容、流程符合要求。", ["组织生活会"]),
    ("落实“三会一课”制度", ["支部党员大会", "支委会", "党小组会", "党课"]),
    ("党组织主要负责同志每年至少讲1次党课", ["党课"]),
    ("支部书记每年至少讲1次党课", ["党课", "书记讲党课"]),
    ("党支部班子搭配科学，分工明确。", []),
])
def test_checklist_wording_names_meeting_kinds(text, kinds):
    assert kinds_in_text(text) == kinds


def test_figures_for_a_checklist_item(setup):
    db, b = setup
    meet(db, b, "支委会", f"{YEAR}-01-31")
    lines = figures_for_text(db, b.id, YEAR, "每月召开一次支委会，内容形式、到会人数符合要求。", as_of=END)
    assert lines == ["支委会（每月）：应开12次，已开1次，缺" + "、".join(f"{m}月" for m in range(2, 13))]
    assert figures_for_text(db, b.id, YEAR, "党支部按期换届", as_of=END) == []
