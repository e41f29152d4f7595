"""Rules the faces used to write out for themselves, now named core functions the GUI and the CLI
share: section subtotals as the evaluator counts them (held to the section's maximum), confirming
several sheets at once, and finding a round's sheet or an organisation by the name a user typed."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment_util import add_branches, county_db, drive, fill, new_round
from dangjian_desktop.assessment import rounds, sheets, workflow
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry.orgs import org_named
from dangjian_desktop.schemes import evaluate
from dangjian_desktop.schemes.evaluate import ScoreError, section_scores
from dangjian_desktop.schemes.store import load_scheme

D = dt.date


# ---- section subtotals -------------------------------------------------------------------------

def test_section_scores_are_held_to_the_section_maximum_like_the_evaluator():
    scheme = load_scheme("guifanhua")
    c = next(s for s in scheme.sections if s.code == "C")
    assert sum(i.max for i in c.items) == 32 and c.max == 30  # the document's items add up to 32
    scores = {i.code: i.max for i in c.items}
    by_code = {r.code: r for r in section_scores(scheme, scores)}
    assert (by_code["C"].score, by_code["C"].raw, by_code["C"].capped) == (30, 32, True)
    assert by_code["A"].score == 0  # nothing scored counts 0, as in evaluate()
    assert [(r.code, r.score) for r in evaluate(scheme, scores).sections] == \
        [(r.code, r.score) for r in section_scores(scheme, scores)]


def test_section_scores_count_a_deduction_as_the_maximum_less_it():
    scheme = load_scheme("guifanhua")
    d = next(s for s in scheme.sections if s.code == "D")
    deduction = next(i for i in d.items if i.kind == "deduction")
    by_code = {r.code: r for r in section_scores(scheme, {deduction.code: 1})}
    assert by_code["D"].score == deduction.max - 1


def test_section_scores_refuse_a_score_that_cannot_count():
    scheme = load_scheme("guifanhua")
    with pytest.raises(ScoreError, match="超过满分"):
        section_scores(scheme, {"A1": 5})


def test_sheet_subtotals_per_stage_blank_until_an_item_is_scored(db):
    add_branches(db, [("东岭村党支部", "村")])
    _rid, (b,) = new_round(db, scheme="guifanhua")
    fill(db, b.id, "self", lambda i: i.max if i.section_code == "C" else None)
    sheet = sheets.open_sheet(db, b.id)
    sub = sheet.section_subtotals("self")
    assert sub["C"] == 30  # capped: the items give 32
    assert sub["A"] is None and sub["B"] is None  # nothing scored there yet
    assert set(sheet.section_subtotals("initial").values()) == {None}
    assert sheet.section_subtotals()["C"] == 30  # the effective scores


# ---- confirming several sheets -------------------------------------------------------------------

PUB = D(2025, 12, 1)  # Monday; the 15 working days end on Friday 19 December


def test_confirm_many_confirms_the_ready_ones_in_one_unit_of_work(db):
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村"), ("南河村党支部", "村")])
    _rid, branches = new_round(db)
    drive(db, branches[0].id, "公示", publicity=PUB)
    drive(db, branches[1].id, "公示", publicity=D(2025, 12, 15))  # its window is still open
    ids = [b.id for b in branches]
    assert workflow.ready_to_confirm(db, ids, today=D(2025, 12, 22)) == [branches[0].id]
    before = db.scalar("SELECT count(*) FROM tx_log")
    assert workflow.confirm_many(db, ids, today=D(2025, 12, 22)) == 1
    assert db.scalar("SELECT count(*) FROM tx_log") == before + 1
    assert db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1") == "批量确定考核结果"
    assert [sheets.open_sheet(db, b.id).state for b in branches] == ["确定", "公示", "自评"]


def test_confirm_many_says_why_when_none_is_ready(db):
    add_branches(db, [("东岭村党支部", "村")])
    _rid, (b,) = new_round(db)
    drive(db, b.id, "公示", publicity=PUB)
    with pytest.raises(UserError, match="申诉期都还没有结束"):
        workflow.confirm_many(db, [b.id], today=D(2025, 12, 19))
    assert sheets.open_sheet(db, b.id).state == "公示"


# ---- names a user typed -----------------------------------------------------------------------------

def test_a_rounds_sheets_by_the_names_typed(db):
    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村"), ("河湾社区党支部", "社区")])
    rid, branches = new_round(db)
    by_name = {b.org_name: b for b in branches}
    found = rounds.branches_named(db, rid, ["河湾社区党支部", "东岭", by_name["西岭村党支部"].id])
    assert [b.org_name for b in found] == ["河湾社区党支部", "东岭村党支部", "西岭村党支部"]
    with pytest.raises(UserError, match="对应多个党组织"):
        rounds.branches_named(db, rid, ["岭村"])
    with pytest.raises(UserError, match="本轮考核中没有党组织“北山村党支部”"):
        rounds.branches_named(db, rid, ["北山村党支部"])


def test_an_organisation_by_name_in_a_county(tmp_path):
    db = county_db(tmp_path / "county.sqlite", ["东阳镇", "西林镇"], per_town=1)
    try:
        add_branches(db, [("东阳镇1村党支部", "村")], office_id=db.scalar(
            "SELECT id FROM office WHERE name = '西林镇'"))  # the same name in another town
        with pytest.raises(UserError, match="有2个党组织叫“东阳镇1村党支部”（.*西林镇.*），请用 --town 指明乡镇"):
            org_named(db, "东阳镇1村党支部")
        west = db.scalar("SELECT id FROM office WHERE name = '西林镇'")
        row = org_named(db, " 东阳镇1村党支部 ", west)
        assert (row["name"], row["town"]) == ("东阳镇1村党支部", "西林镇")
        with pytest.raises(UserError, match="找不到党组织“1村”（相近的有：.*东阳镇1村党支部"):
            org_named(db, "1村")
    finally:
        db.close()
