"""A branch in publicity for which the registry's data now proves a veto nobody has confirmed or
dismissed is not printed on the publicity sheet: its review is not complete (issue items 2 and 5)."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment_util import add_branches, drive, new_round
from dangjian_desktop.assessment.veto_proposals import dismiss_veto, pending_vetoes
from dangjian_desktop.cli import main
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import add_committee_member, set_setting, start_term
from dangjian_desktop.reports.round_publicity import PublicityOptions, prepare, publicity_pdf

DAY = dt.date(2025, 12, 1)


@pytest.fixture
def overdue(db, monkeypatch):
    """Two branches in publicity; then the registry learns that 东岭村's term ran out in March 2025."""
    from dangjian_desktop import dates

    monkeypatch.setattr(dates, "today", lambda: DAY)
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    east, _west = add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    rid, branches = new_round(db, scheme="chuangxing", year=2025)
    for b in branches:
        drive(db, b.id, "公示", publicity=DAY)
    start_term(db, east, start_date="2022-03-01", years=3)
    add_committee_member(db, east, role="书记", start_date="2022-03-01", name="王书记")
    sid = next(b.id for b in branches if b.org_name == "东岭村党支部")
    assert [p.code for p in pending_vetoes(db, sid, today=DAY)] == ["V2"]
    return db, rid, sid


def test_a_pending_proposal_keeps_the_branch_off_the_sheet(overdue):
    db, rid, sid = overdue
    info = prepare(db, rid, PublicityOptions(start=DAY), today=DAY)
    assert [row[1] for row in info.sheet.rows] == ["西岭村党支部"]
    assert info.vetoes_pending == ["东岭村党支部"] and info.left_out == 1
    assert any("另有 1 个党组织" in n for n in info.sheet.notes)
    built = publicity_pdf(db, rid, PublicityOptions(start=DAY))
    assert any("东岭村党支部有据组织台账提出的否决项待审核人确认或驳回" in w for w in built.warnings)
    # Dismissed with a reason: the review is complete and the branch is printed.
    dismiss_veto(db, sid, "V2", reason="县委组织部已批复延期，批文待录入", today=DAY)
    info = prepare(db, rid, PublicityOptions(start=DAY), today=DAY)
    assert sorted(row[1] for row in info.sheet.rows) == ["东岭村党支部", "西岭村党支部"]
    assert info.vetoes_pending == []


def test_only_pending_branches_is_refused_with_the_reason(db, monkeypatch):
    from dangjian_desktop import dates

    monkeypatch.setattr(dates, "today", lambda: DAY)
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    (east,) = add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, scheme="chuangxing", year=2025)
    drive(db, b.id, "公示", publicity=DAY)
    start_term(db, east, start_date="2022-03-01", years=3)
    with pytest.raises(UserError, match="否决项已逐项确认或驳回"):
        prepare(db, rid, PublicityOptions(start=DAY), today=DAY)


def test_the_cli_says_which_branches_wait(overdue, db_path, tmp_path, capsys):
    db, rid, sid = overdue
    db.close()
    code = main(["--db", str(db_path), "report", "publicity", "--round", rid, "--start", DAY.isoformat(),
                 "--out", str(tmp_path / "p.pdf")])
    out = capsys.readouterr()
    assert code == 0 and "1 个党组织" in out.out
    assert "东岭村党支部有据组织台账提出的否决项" in out.err
