"""The workflow: no skipped states, the appeal window in working days, confirmation after it."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment_util import add_branches, drive, fill, new_round
from dangjian_desktop.assessment import sheets, workflow
from dangjian_desktop.errors import LockedError, UserError

D = dt.date
PUB = D(2025, 12, 1)  # Monday; 15 working days end Friday 19 December


@pytest.fixture
def sheet(db):
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    rid, branches = new_round(db)
    return db, branches[0].id


def state(db, sid):
    return sheets.open_sheet(db, sid).state


@pytest.mark.parametrize("target", ["审核", "公示", "确定"])
def test_states_cannot_be_skipped(sheet, target):
    db, sid = sheet
    fill(db, sid, "self", lambda i: 18)
    with pytest.raises(UserError, match="不能跳过|期满后|公示期满"):
        workflow.move(db, sid, target)
    assert state(db, sid) == "自评"


def test_forward_needs_the_stage_complete(sheet):
    db, sid = sheet
    sheets.set_score(db, sid, "A", "self", 18)
    with pytest.raises(UserError, match="4 项自评分未填"):
        workflow.move(db, sid, "初审")


def test_each_move_records_who_and_when(sheet):
    db, sid = sheet
    drive(db, sid, "审核")
    h = [e for e in workflow.history(db, sid) if e.what == "state"]
    assert [(e.from_state, e.to_state) for e in h] == [(None, "自评"), ("自评", "初审"), ("初审", "审核")]
    assert all(e.actor and e.at for e in h)


def test_going_back_needs_a_reason(sheet):
    db, sid = sheet
    drive(db, sid, "初审")
    with pytest.raises(UserError, match="原因"):
        workflow.move(db, sid, "自评")
    workflow.move(db, sid, "自评", note="自评分依据不足，退回重填", actor="张三")
    assert state(db, sid) == "自评"
    last = workflow.history(db, sid)[-1]
    assert (last.from_state, last.to_state, last.actor, last.note) == ("初审", "自评", "张三", "自评分依据不足，退回重填")


def test_only_one_step_back(sheet):
    db, sid = sheet
    drive(db, sid, "审核")
    with pytest.raises(UserError, match="一个环节"):
        workflow.move(db, sid, "自评", note="x")


def test_publicity_window_is_fifteen_working_days(sheet):
    db, sid = sheet
    drive(db, sid, "公示", publicity=PUB)
    w = workflow.appeal_window(db, sid)
    assert (w.start, w.end, w.days) == (PUB, D(2025, 12, 19), 15)


@pytest.mark.parametrize("day, allowed", [
    (D(2025, 12, 1), True), (D(2025, 12, 19), True), (D(2025, 12, 20), False), (D(2025, 11, 30), False),
])
def test_appeal_only_within_the_window(sheet, day, allowed):
    db, sid = sheet
    drive(db, sid, "公示", publicity=PUB)
    if allowed:
        workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="A项扣分过重", lodged_on=day)
        assert state(db, sid) == "申诉"
    else:
        with pytest.raises(UserError, match="申诉期"):
            workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="A项扣分过重", lodged_on=day)
        assert state(db, sid) == "公示"


def test_window_skips_a_public_holiday(sheet):
    db, sid = sheet
    # Publicity from Monday 22 September 2025: 国庆/中秋 1-8 October are off, 28 Sep and 11 Oct are worked.
    drive(db, sid, "公示", publicity=D(2025, 9, 22))
    w = workflow.appeal_window(db, sid)
    # 22-26 (5), 28 (6), 29-30 (8), 9-10 Oct (10), 11 Oct (11), 13-16 Oct (15).
    assert w.end == D(2025, 10, 16)
    workflow.lodge_appeal(db, sid, lodged_by="x", reason="y", lodged_on=D(2025, 10, 16))


def test_confirm_only_after_the_window(sheet):
    db, sid = sheet
    drive(db, sid, "公示", publicity=PUB)
    with pytest.raises(UserError, match="2025年12月19日"):
        workflow.confirm(db, sid, today=D(2025, 12, 19))
    assert ("确定", "确定结果") not in workflow.allowed_moves(db, sid, today=D(2025, 12, 19))
    assert ("确定", "确定结果") in workflow.allowed_moves(db, sid, today=D(2025, 12, 22))
    workflow.confirm(db, sid, today=D(2025, 12, 22))
    assert state(db, sid) == "确定"


def test_open_appeal_blocks_confirmation(sheet):
    db, sid = sheet
    drive(db, sid, "公示", publicity=PUB)
    ap = workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="A项扣分过重", lodged_on=D(2025, 12, 3))
    with pytest.raises(UserError, match="申诉"):
        workflow.confirm(db, sid, today=D(2025, 12, 22))
    with pytest.raises(UserError, match="尚未处理"):
        workflow.move(db, sid, "公示")
    # During the appeal the county may change the final score.
    sheets.set_score(db, sid, "A", "final", 19, reason="申诉后复核")
    workflow.resolve_appeal(db, ap, decision="补充材料属实，A项调整为19分", outcome="调整", decided_on=D(2025, 12, 5))
    assert state(db, sid) == "公示"
    workflow.confirm(db, sid, today=D(2025, 12, 22))
    a = workflow.appeals(db, sid)[0]
    assert (a.outcome, a.decided_on, a.open) == ("调整", "2025-12-05", False)
    texts = [e.text for e in workflow.history(db, sid)]
    assert texts.index("东岭村党支部提出申诉：A项扣分过重") < texts.index("公示 → 申诉（登记申诉）")
    assert texts[-1] == "公示 → 确定（确定结果）"


def test_an_appeal_whose_scores_changed_cannot_be_kept_as_it_was(sheet):
    """维持 says the assessment stands: refused once a score of the sheet changed during the appeal;
    a change before the appeal was lodged does not count."""
    db, sid = sheet
    drive(db, sid, "公示", publicity=PUB)
    ap = workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="A项扣分过重", lodged_on=D(2025, 12, 3))
    sheets.set_score(db, sid, "A", "final", 10, reason="申诉后复核")
    with pytest.raises(UserError, match="处理结果应为“调整”"):
        workflow.resolve_appeal(db, ap, decision="维持原评分", outcome="维持", decided_on=D(2025, 12, 5))
    assert workflow.appeals(db, sid)[0].open and state(db, sid) == "申诉"
    workflow.resolve_appeal(db, ap, decision="A项调整为10分", outcome="调整", decided_on=D(2025, 12, 5))
    # A second appeal with nothing changed since it was lodged may be kept.
    ap2 = workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="仍有异议", lodged_on=D(2025, 12, 8))
    workflow.resolve_appeal(db, ap2, decision="维持调整后的评分", outcome="维持", decided_on=D(2025, 12, 9))
    assert [a.outcome for a in workflow.appeals(db, sid)] == ["调整", "维持"]


def test_history_shows_an_appeal_when_it_was_lodged_not_when_it_was_decided(sheet, monkeypatch):
    import dangjian_desktop.db.database as database

    db, sid = sheet
    drive(db, sid, "公示", publicity=PUB)
    monkeypatch.setattr(database, "now_iso", lambda: "2025-12-03T09:00:00+08:00")
    ap = workflow.lodge_appeal(db, sid, lodged_by="东岭村党支部", reason="A项扣分过重", lodged_on=D(2025, 12, 3))
    monkeypatch.setattr(database, "now_iso", lambda: "2025-12-05T16:00:00+08:00")
    workflow.resolve_appeal(db, ap, decision="维持原评分", outcome="维持", decided_on=D(2025, 12, 5))
    at = {e.what: e.at for e in workflow.history(db, sid)}
    assert at["appeal"] == "2025-12-03T09:00:00+08:00"
    assert at["decision"] == "2025-12-05T16:00:00+08:00"


def test_appeal_decision_needs_an_outcome_and_text(sheet):
    db, sid = sheet
    drive(db, sid, "公示", publicity=PUB)
    ap = workflow.lodge_appeal(db, sid, lodged_by="x", reason="y", lodged_on=D(2025, 12, 2))
    with pytest.raises(UserError, match="维持"):
        workflow.resolve_appeal(db, ap, decision="z", outcome="驳回")
    with pytest.raises(UserError, match="处理意见"):
        workflow.resolve_appeal(db, ap, decision=" ", outcome="维持")


def test_final_scores_editable_only_in_review_and_appeal(sheet):
    db, sid = sheet
    drive(db, sid, "公示", publicity=PUB)
    with pytest.raises(UserError, match="不能填写考核分"):
        sheets.set_score(db, sid, "A", "final", 10)


def test_confirmed_sheet_cannot_move(sheet):
    db, sid = sheet
    drive(db, sid, "确定")
    with pytest.raises(LockedError):
        workflow.move(db, sid, "公示")
    with pytest.raises(LockedError):
        workflow.lodge_appeal(db, sid, lodged_by="x", reason="y", lodged_on=D(2025, 12, 2))


def test_start_publicity_moves_every_reviewed_sheet(db):
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村"), ("南河村党支部", "村")])
    rid, branches = new_round(db)
    for b in branches[:2]:
        drive(db, b.id, "审核")
        fill(db, b.id, "final", lambda i: 17)
    w = workflow.start_publicity(db, rid, PUB)
    assert w.end == D(2025, 12, 19)
    assert [state(db, b.id) for b in branches] == ["公示", "公示", "自评"]
    assert db.scalar("SELECT publicity_start FROM assessment_round WHERE id = ?", (rid,)) == "2025-12-01"


def test_publicity_cannot_start_before_the_year_assessed(db):
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, year=2025)
    drive(db, b.id, "审核")
    fill(db, b.id, "final", lambda i: 17)
    with pytest.raises(UserError, match="早于考核年度 2025 年"):
        workflow.start_publicity(db, rid, D(2019, 1, 2))  # 2025 typed as 2019
    assert state(db, b.id) == "审核"
    assert db.scalar("SELECT publicity_start FROM assessment_round WHERE id = ?", (rid,)) is None
    workflow.start_publicity(db, rid, D(2026, 1, 5))  # early next year is usual
    assert state(db, b.id) == "公示"


def test_move_many_is_all_or_nothing(db):
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    rid, branches = new_round(db)
    fill(db, branches[0].id, "self", lambda i: 18)  # the second is incomplete
    with pytest.raises(UserError, match="未填"):
        workflow.move_many(db, [b.id for b in branches], "初审")
    assert [state(db, b.id) for b in branches] == ["自评", "自评"]


def test_confirm_round_confirms_only_closed_windows(db):
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    rid, branches = new_round(db)
    drive(db, branches[0].id, "公示", publicity=PUB)
    drive(db, branches[1].id, "公示", publicity=D(2025, 12, 15))
    assert workflow.confirm_round(db, rid, today=D(2025, 12, 22)) == 1
    assert [state(db, b.id) for b in branches] == ["确定", "公示"]
