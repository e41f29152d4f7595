"""The rectification ledger (整改台账) and the round dashboard."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment_util import add_branches, drive, new_round
from dangjian_desktop.assessment import (add_rectification, close_rectification, dashboard, list_evidence,
                                         list_rectifications, overdue_rectifications, reopen_rectification,
                                         rounds, sheets, update_rectification)
from dangjian_desktop.errors import UserError

D = dt.date


@pytest.fixture
def branch(db):
    (org,) = add_branches(db, [("东岭村党支部", "村")])
    return db, org


def test_overdue_items_are_flagged(branch):
    db, org = branch
    add_rectification(db, org_id=org, problem="三会一课记录不全", deadline="2026-03-31", today=D(2026, 1, 10))
    add_rectification(db, org_id=org, problem="党费收缴不及时", deadline="2026-06-30", today=D(2026, 1, 10))
    late = overdue_rectifications(db, today=D(2026, 4, 1))
    assert [r.problem for r in late] == ["三会一课记录不全"]
    assert not overdue_rectifications(db, today=D(2026, 3, 31))


def test_closing_needs_a_note_or_evidence_and_records_it(branch, tmp_path):
    db, org = branch
    rid = add_rectification(db, org_id=org, problem="活动室设施陈旧", measure="更新设施", responsible="书记",
                            deadline="2026-05-31", today=D(2026, 1, 10))
    with pytest.raises(UserError, match="整改结果"):
        close_rectification(db, rid, closed_on="2026-04-20")
    (tmp_path / "验收.pdf").write_bytes(b"%PDF-1.4 accepted")
    close_rectification(db, rid, closed_on="2026-04-20", note="已更新，验收合格", evidence=[tmp_path / "验收.pdf"])
    (r,) = list_rectifications(db)
    assert (r.status, r.closed_on, r.evidence_count, r.overdue) == ("已销号", "2026-04-20", 1, False)
    assert list_evidence(db, rectification_id=rid)[0].file_name == "验收.pdf"
    # A closed item is not overdue even past its deadline, and cannot be edited until reopened.
    assert not overdue_rectifications(db, today=D(2026, 12, 1))
    with pytest.raises(UserError, match="已销号"):
        update_rectification(db, rid, measure="改")
    reopen_rectification(db, rid)
    update_rectification(db, rid, measure="再次整改", status="整改中")
    assert list_rectifications(db)[0].measure == "再次整改"


def test_an_edited_deadline_cannot_go_before_the_entry_was_made(branch):
    db, org = branch
    rid = add_rectification(db, org_id=org, problem="党费收缴不及时", deadline="2026-03-31", today=D(2026, 2, 10))
    with pytest.raises(UserError, match="不能早于登记日期"):
        update_rectification(db, rid, deadline="2026-01-31")
    assert list_rectifications(db)[0].deadline == "2026-03-31"
    update_rectification(db, rid, deadline="2026-02-10")  # the day it was entered is still allowed
    assert list_rectifications(db)[0].deadline == "2026-02-10"


@pytest.mark.parametrize("kw, message", [
    ({"problem": " ", "deadline": "2026-05-01"}, "存在的问题"),
    ({"problem": "x", "deadline": ""}, "整改期限"),
    ({"problem": "x", "deadline": "2025-12-01"}, "不能早于"),
])
def test_bad_entries_refused(branch, kw, message):
    db, org = branch
    with pytest.raises(UserError, match=message):
        add_rectification(db, org_id=org, today=D(2026, 1, 10), **kw)


def test_dashboard_shows_state_missing_and_overdue(db):
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村"), ("南河村党支部", "村")])
    rid, branches = new_round(db, self_due="2025-11-30")
    sheets.set_score(db, branches[0].id, "A", "self", 18)
    drive(db, branches[1].id, "公示", publicity=D(2025, 12, 1))
    drive(db, branches[2].id, "初审")
    add_rectification(db, org_id=branches[2].org_id, problem="台账不全", deadline="2025-12-05",
                      today=D(2025, 11, 1), round_id=rid)
    d = dashboard(db, rid, today=D(2025, 12, 10))
    rows = {r.org_name: r for r in d.rows}
    first = rows["东岭村党支部"]
    assert first.state == "自评" and "4项自评分未填" in first.missing and "缺少自我评价报告" in first.missing
    assert first.overdue == ["自评已逾期（截止2025年11月30日）"]
    pub = rows["西岭村党支部"]
    assert pub.window_end == "2025-12-19" and "申诉期至2025年12月19日" in pub.next_step and pub.ok
    assert rows["南河村党支部"].overdue == ["整改事项逾期1项"]
    assert d.counts["自评"] == 1 and d.counts["公示"] == 1 and d.overdue_rectifications == 1
    # After the window: confirming is due.
    late = {r.org_name: r for r in dashboard(db, rid, today=D(2025, 12, 22)).rows}["西岭村党支部"]
    assert "可确定结果" in late.next_step and "公示期满未确定" in late.overdue
    assert rounds.get_round(db, rid).state == "自评"


def test_dashboard_asks_for_a_ledger_when_the_result_calls_for_one(db):
    # Seven branches: 五化 allows one 五星 among them (15 %), so no quota decision is needed.
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")] + [(f"{c}村党支部", "村") for c in "甲乙丙丁戊"])
    rid, branches = new_round(db, scheme="wuhua")
    branches = sorted(branches, key=lambda b: b.org_name != "东岭村党支部")[:2]
    # 五化: 三星 and below must list their problems with a deadline.
    drive(db, branches[0].id, "确定", value_of=lambda i: 12)  # 无星
    drive(db, branches[1].id, "确定", value_of=lambda i: 18)  # 五星
    rows = {r.org_name: r for r in dashboard(db, rid, today=D(2026, 1, 10)).rows}
    assert any("整改台账" in m for m in rows["东岭村党支部"].missing)
    assert rows["西岭村党支部"].missing == []
    add_rectification(db, org_id=branches[0].org_id, round_id=rid, problem="班子软弱", deadline="2026-06-30",
                      today=D(2026, 1, 10))
    rows = {r.org_name: r for r in dashboard(db, rid, today=D(2026, 1, 10)).rows}
    assert rows["东岭村党支部"].missing == []


def test_sheet_names_the_team_drawn_to_assess_it(tmp_path):
    from assessment_util import county_db

    from dangjian_desktop.assessment import draw_lots

    db = county_db(tmp_path / "c.sqlite", ["甲镇", "乙镇"], per_town=1)
    rid, branches = new_round(db)
    assert sheets.open_sheet(db, branches[0].id).assessed_by is None
    draw_lots(db, rid, "5")
    got = {b.town: sheets.open_sheet(db, b.id).assessed_by for b in branches}
    assert got == {"甲镇": "乙镇", "乙镇": "甲镇"}
    db.close()
