"""Checklist sheets: scores as typed, stages per state, vetoes with facts, the report, the lock."""

from __future__ import annotations

import pytest

from assessment_util import add_branches, drive, new_round
from dangjian_desktop.assessment import evidence, sheets, workflow
from dangjian_desktop.errors import LockedError, UserError


@pytest.mark.parametrize("text, value", [
    ("8.5", 8.5), ("20", 20), ("0", 0), ("０．５", 0.5), (" 12 ", 12), ("", None), (None, None), (7, 7), (7.5, 7.5),
    (".5", 0.5),
])
def test_parse_score_accepts(text, value):
    assert sheets.parse_score(text, 20) == value


@pytest.mark.parametrize("text, message", [
    ("20.5", "超过该项满分 20 分"), ("-1", "负数"), ("8.55", "一位小数"), ("八", "不是数字"), (8.25, "一位小数"),
    (True, "数字"), ("1e1", "不是数字"),
])
def test_parse_score_refuses_with_chinese_message(text, message):
    with pytest.raises(UserError, match=message):
        sheets.parse_score(text, 20, title="A 服务经济发展")


def test_yes_no_items_take_one_or_zero():
    assert sheets.parse_score("1", None, kind="yesno") == 1
    with pytest.raises(UserError, match="是否"):
        sheets.parse_score("2", None, kind="yesno")


@pytest.fixture
def sheet(db):
    add_branches(db, [("东岭村党支部", "村")])
    rid, branches = new_round(db)
    return db, branches[0].id


def test_open_sheet_lists_the_scheme_items(sheet):
    db, sid = sheet
    s = sheets.open_sheet(db, sid)
    assert [i.code for i in s.items] == ["A", "B", "C", "D", "E"]
    assert [i.max for i in s.items] == [20] * 5
    assert [v.code for v in s.vetoes] == ["V1", "V2", "V3"]
    assert s.editable_stages == ("self",)


def test_scores_are_stored_and_read_back(sheet):
    db, sid = sheet
    sheets.set_score(db, sid, "A", "self", "18.5", reason="合作社带动不足")
    s = sheets.open_sheet(db, sid)
    assert s.item("A").self_score == 18.5 and s.item("A").reason == "合作社带动不足"
    assert s.scores("self") == {"A": 18.5}


def test_score_above_max_is_refused_and_nothing_stored(sheet):
    db, sid = sheet
    with pytest.raises(UserError, match="超过"):
        sheets.set_scores(db, sid, "self", {"A": 18, "B": 21})
    assert sheets.open_sheet(db, sid).scores("self") == {}


@pytest.mark.parametrize("stage", ["initial", "final"])
def test_stage_not_editable_in_self_assessment(sheet, stage):
    db, sid = sheet
    with pytest.raises(UserError, match="不能填写"):
        sheets.set_score(db, sid, "A", stage, 10)


def test_initial_score_in_preliminary_review(sheet):
    db, sid = sheet
    drive(db, sid, "初审")
    sheets.set_score(db, sid, "A", "initial", 17)
    with pytest.raises(UserError, match="不能填写自评分"):
        sheets.set_score(db, sid, "A", "self", 17)
    assert sheets.open_sheet(db, sid).item("A").initial_score == 17


def test_veto_needs_its_fact(sheet):
    db, sid = sheet
    with pytest.raises(UserError, match="事实"):
        sheets.set_veto(db, sid, "V1", "  ")
    sheets.set_veto(db, sid, "V1", "书记3月调离后一直空缺", found_on="2025-03-15")
    v = sheets.open_sheet(db, sid).vetoes[0]
    assert (v.triggered, v.fact, v.found_on) == (True, "书记3月调离后一直空缺", "2025-03-15")
    sheets.clear_veto(db, sid, "V1")
    assert not sheets.open_sheet(db, sid).vetoes[0].triggered
    with pytest.raises(UserError, match="晚于今天"):
        sheets.set_veto(db, sid, "V1", "书记空缺", found_on="2099-01-01")
    assert not sheets.open_sheet(db, sid).vetoes[0].triggered


def test_unknown_veto_refused(sheet):
    db, sid = sheet
    with pytest.raises(UserError, match="不在本方案"):
        sheets.set_veto(db, sid, "V9", "事实")


def test_self_report_saved_by_parts(sheet):
    db, sid = sheet
    sheets.set_self_report(db, sid, situation="全年召开党员大会4次")
    sheets.set_self_report(db, sid, problems="党员老化", measures="发展年轻党员")
    r = sheets.get_self_report(db, sid)
    assert (r.situation, r.problems, r.measures) == ("全年召开党员大会4次", "党员老化", "发展年轻党员")


def _confirmed(sheet):
    db, sid = sheet
    drive(db, sid, "确定", value_of=lambda i: 18)
    return db, sid


@pytest.mark.parametrize("write", [
    lambda db, sid: sheets.set_score(db, sid, "A", "final", 19),
    lambda db, sid: sheets.set_scores(db, sid, "self", {"A": 19}),
    lambda db, sid: sheets.set_reason(db, sid, "A", "改原因"),
    lambda db, sid: sheets.set_veto(db, sid, "V1", "事实"),
    lambda db, sid: sheets.clear_veto(db, sid, "V1"),
    lambda db, sid: sheets.set_self_report(db, sid, situation="改报告"),
    lambda db, sid: workflow.move(db, sid, "公示"),
])
def test_confirmed_sheet_is_locked(sheet, write):
    db, sid = _confirmed(sheet)
    before = db.scalar("SELECT max(seq) FROM change_log")
    with pytest.raises(LockedError):
        write(db, sid)
    assert db.scalar("SELECT max(seq) FROM change_log") == before


def test_evidence_locked_after_confirmation(sheet, tmp_path):
    db, sid = _confirmed(sheet)
    f = tmp_path / "记录.pdf"
    f.write_bytes(b"%PDF-1.4 test")
    with pytest.raises(LockedError):
        evidence.add_evidence(db, f, sheet_id=sid)


def test_adjustment_after_lock_is_recorded(sheet):
    db, sid = _confirmed(sheet)
    with pytest.raises(UserError, match="原因"):
        workflow.adjust_score(db, sid, "A", 19, reason=" ")
    workflow.adjust_score(db, sid, "A", 19.5, reason="复核发现漏计", actor="李明")
    assert sheets.open_sheet(db, sid).item("A").final_score == 19.5
    adj = workflow.adjustments(db, sid)[0]
    assert (adj.old_value, adj.new_value, adj.reason, adj.actor) == ("18", "19.5", "复核发现漏计", "李明")
    assert adj.at
    assert any(h.what == "adjustment" and "18 → 19.5" in h.text for h in workflow.history(db, sid))


def test_adjustment_refused_before_confirmation(sheet):
    db, sid = sheet
    with pytest.raises(UserError, match="尚未确定"):
        workflow.adjust_score(db, sid, "A", 10, reason="x")


def test_adjustment_respects_the_maximum(sheet):
    db, sid = _confirmed(sheet)
    with pytest.raises(UserError, match="超过"):
        workflow.adjust_score(db, sid, "A", 21, reason="x")


def test_veto_adjustment_after_lock(sheet):
    db, sid = _confirmed(sheet)
    workflow.adjust_veto(db, sid, "V3", triggered=True, fact="12月发生群体性事件", reason="事后查实")
    assert sheets.open_sheet(db, sid).triggered_vetoes() == ["V3"]
    assert workflow.adjustments(db, sid)[0].new_value == "触发：12月发生群体性事件"
