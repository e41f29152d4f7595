"""The dashboard and the round's veto proposals do each piece of work once: every sheet is
evaluated once per dashboard (and not again while its scores stay the same), and the proposals
of a round are read with a few queries for the whole round, giving what the sheet-by-sheet path
gives."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from assessment_util import add_branches, drive, fill, new_round
from dangjian_desktop.assessment import results, sheets
from dangjian_desktop.assessment.dashboard import dashboard
from dangjian_desktop.assessment.results import rate_round
from dangjian_desktop.assessment.veto_proposals import dismiss_veto, propose_vetoes, round_veto_proposals
from dangjian_desktop.registry import add_committee_member, end_committee_member, start_term
from sql_trace import traced

evaluator = importlib.import_module("dangjian_desktop.schemes.evaluate")  # the module, not the function

DAY = dt.date(2026, 1, 10)
EXCELLENT = {"A": 40, "B": 20, "C": 15, "D": 15, "E": 10}
NAMES = [("甲村党支部", "村"), ("乙村党支部", "村"), ("丙村党支部", "村"), ("丁村党支部", "村"), ("戊社区党支部", "社区")]


@pytest.fixture
def evaluations(monkeypatch):
    """Counts the evaluator's runs (one per sheet evaluated), from a cold start."""
    results._cache.clear()
    getattr(results, "_sheet_cache", {}).clear()
    calls = []
    real = evaluator.Prepared.evaluate

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluator.Prepared, "evaluate", counted)
    yield calls
    results._cache.clear()
    getattr(results, "_sheet_cache", {}).clear()


@pytest.fixture
def two_years(db):
    """六有: last year's round confirmed, this year's with scores at every stage, two capped titles."""
    branches = add_branches(db, NAMES)
    last, old = new_round(db, scheme="liuyou", year=2024)
    for b in old:
        drive(db, b.id, "确定", value_of=lambda i: EXCELLENT[i.code] - 2)
    rid, now = new_round(db, scheme="liuyou", year=2025)
    for b, total in zip(now, (100, 98, 96, 90, 80)):
        fill(db, b.id, "self", lambda i, t=total: EXCELLENT[i.code] - (100 - t if i.code == "A" else 0))
    drive(db, now[4].id, "公示", value_of=lambda i: EXCELLENT[i.code] - 20 if i.code == "A" else EXCELLENT[i.code])
    return db, rid, now, branches


def test_the_dashboard_evaluates_each_sheet_once(two_years, evaluations):
    db, rid, now, _ = two_years
    dashboard(db, rid, today=DAY)
    assert len(evaluations) == len(now)  # not last year's sheets, not this year's twice
    dashboard(db, rid, today=DAY)
    assert len(evaluations) == len(now)  # nothing changed: nothing evaluated again
    sheets.set_scores(db, now[0].id, "self", {"A": 30})
    d = dashboard(db, rid, today=DAY)
    assert len(evaluations) == len(now) + 1  # only the sheet typed into
    assert next(r for r in d.rows if r.sheet_id == now[0].id).rating is not None


def test_the_dashboard_shows_the_ratings_the_results_give(two_years):
    db, rid, now, _ = two_years
    rows = {r.sheet_id: r for r in dashboard(db, rid, today=DAY).rows}
    rated = rate_round(db, rid, proposals=False).branches
    assert any(b.quota_pending for b in rated) and any(not b.provisional for b in rated)
    for b in rated:
        r = rows[b.sheet_id]
        assert (r.rating, r.stars, r.provisional, r.quota_pending) == (b.rating, b.stars, b.provisional,
                                                                       b.quota_pending)


@pytest.fixture
def registry_round(db):
    """Branches whose registry proves a vacancy of a year, an overdue term, nothing, or has no committee."""
    orgs = add_branches(db, NAMES)
    vacant, overdue, fine, replaced, _none = orgs
    start_term(db, vacant, start_date="2023-03-01", years=3)
    sec = add_committee_member(db, vacant, role="书记", start_date="2023-03-01", name="王书记")
    end_committee_member(db, sec, end_date="2024-11-01")
    start_term(db, overdue, start_date="2022-03-01", years=3)
    add_committee_member(db, overdue, role="书记", start_date="2022-03-01", name="李书记")
    start_term(db, fine, start_date="2024-03-01", years=3)
    add_committee_member(db, fine, role="书记", start_date="2024-03-01", name="赵书记")
    start_term(db, replaced, start_date="2023-05-01", years=3)
    old = add_committee_member(db, replaced, role="书记", start_date="2023-05-01", name="钱书记")
    end_committee_member(db, old, end_date="2024-06-01")
    add_committee_member(db, replaced, role="书记", start_date="2025-07-01", name="孙书记")
    return db, orgs


def _sheet_by_sheet(db, rid, pending_only=False):
    order = [r.sheet_id for r in dashboard(db, rid, today=DAY).rows]
    return [p.to_dict() for sid in order for p in propose_vetoes(db, sid, today=DAY)
            if p.pending or not pending_only]


def test_round_proposals_are_those_of_the_sheets_one_by_one(registry_round):
    db, orgs = registry_round
    rid, branches = new_round(db, scheme="chuangxing", year=2025)
    by_org = {b.org_id: b for b in branches}
    one = by_org[orgs[0]].id
    first = round_veto_proposals(db, rid, today=DAY)
    assert {p.code for p in first} == {"V1", "V2"} and len({p.sheet_id for p in first}) >= 2
    dismiss_veto(db, one, "V1", reason="已由镇党委书记兼任，有任命文件", today=DAY)
    drive(db, by_org[orgs[2]].id, "确定", value_of=lambda i: i.max)  # a confirmed sheet gets none
    for pending_only in (False, True):
        got = [p.to_dict() for p in round_veto_proposals(db, rid, today=DAY, pending_only=pending_only)]
        assert got == _sheet_by_sheet(db, rid, pending_only)
    statuses = {(p.sheet_id, p.code): p.status for p in round_veto_proposals(db, rid, today=DAY)}
    assert statuses[(one, "V1")] == "已驳回"
    # 规范化 checks the secretary now and the funding item D3 scored 0 (and the ledgers).
    rid2, branches2 = new_round(db, scheme="guifanhua", year=2025)
    fill(db, branches2[1].id, "self", lambda i: 0 if i.code == "D3" else (0 if i.kind == "deduction" else i.max))
    got = [p.to_dict() for p in round_veto_proposals(db, rid2, today=DAY)]
    assert got == _sheet_by_sheet(db, rid2) and any(p["code"] == "V3" for p in got)


def test_round_proposals_take_a_few_queries_however_many_sheets(registry_round):
    db, _orgs = registry_round
    rid, branches = new_round(db, scheme="chuangxing", year=2025)
    with traced(db.conn) as statements:
        proposals = round_veto_proposals(db, rid, today=DAY)
    assert proposals and len(branches) == 5
    assert len(statements) <= 6, statements  # sheets, round, terms, secretaries, marks, reviews


def test_a_blank_report_is_missing_on_the_dashboard(db):
    add_branches(db, NAMES[:3])
    rid, (a, b, c) = new_round(db)
    sheets.set_self_report(db, a.id, situation="全年召开支部党员大会四次", problems="", measures="")
    sheets.set_self_report(db, b.id, situation=" \u3000\n", problems="\t", measures="\u2003")
    rows = {r.sheet_id: r for r in dashboard(db, rid, today=DAY).rows}
    assert "缺少自我评价报告" not in rows[a.id].missing
    assert "缺少自我评价报告" in rows[b.id].missing and "缺少自我评价报告" in rows[c.id].missing


def test_a_confirmed_result_calling_for_a_problem_list_is_flagged_until_entered(db):
    from dangjian_desktop.assessment.rectification import add_rectification

    add_branches(db, NAMES[:3])
    rid, (low, high, open_) = new_round(db, scheme="wuhua")
    drive(db, low.id, "确定", value_of=lambda i: i.max if i.kind == "deduction" else 0)
    fill(db, high.id, "self", lambda i: 0 if i.kind == "deduction" else i.max)
    drive(db, open_.id, "审核", value_of=lambda i: i.max if i.kind == "deduction" else 0)
    need = "需建立整改台账（问题清单和整改期限）"
    rows = {r.sheet_id: r for r in dashboard(db, rid, today=DAY).rows}
    assert need in rows[low.id].missing  # confirmed, at most three stars: a problem list is due
    assert need not in rows[high.id].missing and need not in rows[open_.id].missing  # not confirmed
    rated = {b.sheet_id: b for b in rate_round(db, rid, proposals=False).branches}
    assert all((r.rating, r.stars, r.provisional) == (rated[k].rating, rated[k].stars, rated[k].provisional)
               for k, r in rows.items())
    add_rectification(db, round_id=rid, org_id=low.org_id, problem="三会一课记录不全", deadline="2026-06-30",
                      today=DAY)
    assert need not in next(r for r in dashboard(db, rid, today=DAY).rows if r.sheet_id == low.id).missing
