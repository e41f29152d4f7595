"""Vetoes come from the data the program holds: proposed with the fact behind them, confirmed or
dismissed by a person with a reason (never silent, never automatic)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from assessment_util import add_branches, drive, fill, new_round
from dangjian_desktop.assessment import dashboard, rate_round, workflow
from dangjian_desktop.assessment.veto_proposals import (confirm_veto, dismiss_veto, propose_vetoes,
                                                        round_veto_proposals)
from dangjian_desktop.cli import main
from dangjian_desktop.errors import LockedError, UserError
from dangjian_desktop.registry import add_committee_member, end_committee_member, extend_term, start_term

DAY = dt.date(2026, 1, 10)


def full_but(code, value=0):
    """Full marks (a deduction item: nothing deducted) except `code`, which gets `value`."""
    return lambda i: value if i.code == code else (0 if i.kind == "deduction" else i.max)


@pytest.fixture
def funding(db):
    """规范化: a branch that scored the funding item D3 at 0 and ticked no veto."""
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, scheme="guifanhua")
    fill(db, b.id, "self", full_but("D3"))
    return db, rid, b.id


def test_funding_item_at_zero_is_proposed_not_applied(funding):
    db, rid, sid = funding
    (p,) = propose_vetoes(db, sid, today=DAY)
    assert (p.code, p.status) == ("V3", "待决定") and "D3" in p.fact and "0 分" in p.fact
    # Proposed only: the result is unchanged until a person confirms.
    b = rate_round(db, rid).branches[0]
    assert (b.total, b.rating, b.vetoed) == (97, "合格", False)
    assert [x.code for x in b.veto_proposals] == ["V3"]


def test_publicity_waits_for_a_decision_then_a_confirmation_is_logged(funding):
    db, rid, sid = funding
    drive(db, sid, "审核", value_of=full_but("D3"))
    fill(db, sid, "final", full_but("D3"))
    with pytest.raises(UserError, match="否决项待审核人决定"):
        workflow.move(db, sid, "公示", today=dt.date(2025, 12, 1))
    with pytest.raises(UserError, match="理由"):
        confirm_veto(db, sid, "V3", reason="", today=DAY)
    confirm_veto(db, sid, "V3", reason="经核实全年未拨付党建经费", today=DAY, actor="李审核")
    b = rate_round(db, rid).branches[0]
    assert (b.rating, b.vetoed) == ("不合格", True)
    assert "经核实全年未拨付党建经费" in b.veto_facts[0] and "D3" in b.veto_facts[0]
    review = db.one("SELECT * FROM round_veto_review")
    assert (review["decision"], review["decided_by"]) == ("确认", "李审核")
    assert "确认" in db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1")
    assert [p.status for p in propose_vetoes(db, sid, today=DAY)] == ["已确认"]
    workflow.move(db, sid, "公示", today=dt.date(2025, 12, 1))


def test_a_dismissal_holds_while_the_fact_is_the_same(funding):
    db, rid, sid = funding
    with pytest.raises(UserError, match="理由"):
        dismiss_veto(db, sid, "V3", reason=" ", today=DAY)
    dismiss_veto(db, sid, "V3", reason="经费已由镇财政统一列支，有凭证", today=DAY)
    assert [p.status for p in propose_vetoes(db, sid, today=DAY)] == ["已驳回"]
    assert round_veto_proposals(db, rid, today=DAY, pending_only=True) == []
    assert rate_round(db, rid).branches[0].vetoed is False
    # The town's own check scores it 0 too: a new fact, proposed again.
    workflow.move(db, sid, "初审")
    fill(db, sid, "initial", full_but("D3"))
    (p,) = propose_vetoes(db, sid, today=DAY)
    assert p.status == "待决定" and "初评分" in p.fact


def _branch_with_committee(db, name="东岭村党支部"):
    (org,) = add_branches(db, [(name, "村")])
    start_term(db, org, start_date="2023-03-01", years=3)
    sec = add_committee_member(db, org, role="书记", start_date="2023-03-01", name="王书记")
    return org, sec


def test_secretary_vacant_now_is_proposed_with_the_fact(db):
    org, sec = _branch_with_committee(db)
    rid, (b,) = new_round(db, scheme="guifanhua")
    assert propose_vetoes(db, b.id, today=DAY) == []
    end_committee_member(db, sec, end_date="2025-09-01")
    (p,) = propose_vetoes(db, b.id, today=DAY)
    assert p.code == "V1" and "2025年9月1日" in p.fact and "王书记" in p.fact
    add_committee_member(db, org, role="书记", start_date="2025-12-01", name="李书记")
    assert propose_vetoes(db, b.id, today=DAY) == []


def test_no_committee_on_record_proves_nothing(db):
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, scheme="guifanhua")
    assert propose_vetoes(db, b.id, today=DAY) == []


def test_a_year_without_a_secretary_disqualifies_from_stars(db):
    org, sec = _branch_with_committee(db)
    end_committee_member(db, sec, end_date="2024-11-01")
    rid, (b,) = new_round(db, scheme="chuangxing", year=2025)
    codes = {p.code: p for p in propose_vetoes(db, b.id, today=DAY)}
    assert "V1" in codes and "空缺满一年" in codes["V1"].fact
    # Vacant for less than a year: not proposed.
    db2_org, sec2 = _branch_with_committee(db, "西岭村党支部")
    end_committee_member(db, sec2, end_date="2025-06-01")
    add_committee_member(db, db2_org, role="书记", start_date="2025-10-01", name="赵书记")
    rid2, branches = new_round(db, scheme="guifanhua", year=2025)
    west = next(x for x in branches if x.org_name == "西岭村党支部")
    assert propose_vetoes(db, west.id, today=DAY) == []


def test_term_expired_without_approved_extension(db):
    (org,) = add_branches(db, [("东岭村党支部", "村")])
    term = start_term(db, org, start_date="2022-03-01", years=3)
    add_committee_member(db, org, role="书记", start_date="2022-03-01", name="王书记")
    rid, (b,) = new_round(db, scheme="chuangxing", year=2025)
    (p,) = propose_vetoes(db, b.id, today=DAY)
    assert p.code == "V2" and "2025年3月1日" in p.fact and "仍未换届" in p.fact
    extend_term(db, term, months=12, approval="县委组织部〔2025〕3号")
    assert propose_vetoes(db, b.id, today=DAY) == []


def test_confirmed_sheets_get_no_proposals(funding):
    db, rid, sid = funding
    dismiss_veto(db, sid, "V3", reason="有凭证", today=DAY)
    drive(db, sid, "审核", value_of=full_but("D3"))
    fill(db, sid, "final", full_but("D3"))
    # The county's own 考核分 is 0 too: a new fact, asked again before publicity.
    assert [p.status for p in propose_vetoes(db, sid, today=DAY)] == ["待决定"]
    dismiss_veto(db, sid, "V3", reason="有凭证，考核组复核", today=DAY)
    drive(db, sid, "确定", value_of=full_but("D3"))
    assert propose_vetoes(db, sid, today=DAY) == []
    with pytest.raises(LockedError):
        confirm_veto(db, sid, "V3", reason="x", today=DAY)


def test_dashboard_lists_what_waits_for_the_reviewer(funding):
    db, rid, sid = funding
    (row,) = dashboard(db, rid, today=DAY).rows
    assert row.veto_proposals == 1 and any("否决情形待审核" in m for m in row.missing)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_lists_confirms_and_dismisses(funding, db_path, capsys):
    db, rid, sid = funding
    db.close()
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "vetoes", "--round", rid, "--json")
    (p,) = json.loads(out)["proposals"]
    assert code == 0 and (p["branch"], p["code"], p["pending"]) == ("东岭村党支部", "V3", True)
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "rate", "--round", rid)
    assert "据台账提出否决项 V3" in out
    code, _, err = run(capsys, "--db", str(db_path), "rounds", "veto-dismiss", "--round", rid,
                       "--branch", "东岭村党支部", "--code", "V3", "--reason", "")
    assert code != 0 and "理由" in err
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "veto-confirm", "--round", rid,
                       "--branch", "东岭村党支部", "--code", "v3", "--reason", "未拨付")
    assert code == 0 and "已确认" in out
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "vetoes", "--round", rid, "--all", "--json")
    assert [p["status"] for p in json.loads(out)["proposals"]] == ["已确认"]
    d = json.loads(run(capsys, "--db", str(db_path), "rounds", "rate", "--round", rid, "--json")[1])
    assert d["branches"][0]["rating"] == "不合格"


def test_moving_on_tells_the_reviewer(db, db_path, capsys):
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, scheme="guifanhua")
    fill(db, b.id, "self", full_but("D3"))
    db.close()
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "move", "--round", rid, "--to", "初审")
    assert code == 0 and "据台账提出否决项 V3" in out
