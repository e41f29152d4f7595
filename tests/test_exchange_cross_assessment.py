"""Cross-assessment by lot across offices (抽签交叉考核): the county draws lots; a town that
submits its sheet for 初审 hands it to the town whose team assesses it; the county passes the
sheet on; that team's scores and submission travel back through the county to the county's
review and to the assessed town. The assessing town's own registry, statistics and warnings do
not change with the other town's sheets it holds."""

from __future__ import annotations

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.errors import UserError

from exchange_util import county_with_towns, dj, dj_json, there

SCORES = {"A": 30, "B": 20, "C": 15, "D": 15, "E": 10}


def _at(src, dst, table, row_id):
    """The id in the database `dst` of the row that is `row_id` in `src` (each numbers its own rows)."""
    with Database.open(src, mode="read") as s, Database.open(dst, mode="read") as d:
        got = there(s, d, table, row_id)
    assert got is not None, f"{table} {row_id} of {src.name} is not in {dst.name}"
    return got


def _trip(tmp, src, dst, name, *, town=None):
    extra = ("--town", town) if town else ()
    dj("--db", src, "exchange", "export", *extra, "--out", tmp / name)
    got = dj_json("--db", dst, "exchange", "import", tmp / name, "--json")
    assert got["status"] in ("applied", "nothing"), got
    assert got["total"]["refused"] == 0, got
    return got


def _views(path) -> dict:
    """What the town's own pages and imports read of its registry."""
    import datetime as dt

    from dangjian_desktop.assessment.rounds import scope_branches
    from dangjian_desktop.ledgers.common import branches
    from dangjian_desktop.meetings.compliance import compliance_table
    from dangjian_desktop.registry.summary import summary
    from dangjian_desktop.registry.tree import offices_with_orgs, org_tree, orgs_in_tree_order
    from dangjian_desktop.registry.warnings import compute_warnings
    from dangjian_desktop.roster.branches import branch_choices
    from dangjian_desktop.statistics.structure import structure

    day = dt.date(2026, 6, 1)
    with Database.open(path, mode="read") as db:
        tree = org_tree(db)
        return {
            "summary": summary(db), "warnings": [w.to_dict() for w in compute_warnings(db, today=day)],
            "tree": (tree.own, tree.office_order), "order": [(d, r["id"]) for d, r in orgs_in_tree_order(db)],
            "offices": offices_with_orgs(db), "structure": structure(db, as_of=day, today=day).to_dict(),
            "branches": branch_choices(db), "round scope": [b["id"] for b in scope_branches(db)],
            "ledgers": [r["id"] for r in branches(db)],
            "meetings": [b.to_dict() for b in compliance_table(db, 2026, as_of=day)],
            "cli": [dj("--db", path, *cmd).stdout for cmd in (("stats",), ("warnings",))],
        }


@pytest.fixture()
def lots_round(tmp_path):
    from dangjian_desktop.assessment import create_round, draw_lots

    county, towns = county_with_towns(tmp_path, ["甲镇", "乙镇"])
    for n, t in enumerate(towns.values()):
        _trip(tmp_path, t, county, f"first{n}.djx")
    with Database.open(county) as db:
        rid = create_round(db, year=2025, scheme_id="liuyou")
        draw_lots(db, rid, seed="7")
        ids = {r[0]: r[1] for r in db.query("SELECT name, id FROM office")}
    views = _views(towns["乙镇"])  # before any other town's sheet reaches 乙镇
    for name, t in towns.items():
        _trip(tmp_path, county, t, f"round-{name}.djx", town=name)
    return tmp_path, county, towns, rid, ids, views


def test_a_sheet_goes_to_the_assessing_town_and_its_scores_come_back(lots_round):
    from dangjian_desktop.assessment import draw_lots, sheets, workflow

    tmp, county, towns, rid, ids, views_before = lots_round
    jia, yi = towns["甲镇"], towns["乙镇"]
    # each database numbers its own rows: `sid` is the sheet's id at 甲镇, at_yi and at_county the same
    # sheet's ids at 乙镇 and at the county
    jia_rid = _at(county, jia, "assessment_round", rid)
    with Database.open(jia) as db:
        sid = db.scalar("SELECT id FROM round_branch WHERE round_id = ? AND office_id = ? ORDER BY org_name",
                        (jia_rid, ids["甲镇"]))
        sheets.set_scores(db, sid, "self", SCORES)
        workflow.move(db, sid, "初审")
        assert db.scalar("SELECT owner FROM round_branch WHERE id = ?", (sid,)) == ids["乙镇"]
        with pytest.raises(UserError, match="由其他单位办理|属于其他单位"):
            sheets.set_scores(db, sid, "initial", {"A": 1})
    assert _views(yi) == views_before  # 甲镇's branches do not become part of 乙镇's own data
    at_yi, at_county = _at(jia, yi, "round_branch", sid), _at(jia, county, "round_branch", sid)
    with Database.open(yi) as db:  # from the round's start 乙镇 sees the sheets it will assess, read-only
        assert sheets.open_sheet(db, at_yi).held_by == "甲镇"
    _trip(tmp, jia, county, "jia2.djx")
    with Database.open(county) as db:
        assert tuple(db.one("SELECT state, owner FROM round_branch WHERE id = ?",
                            (at_county,))) == ("初审", ids["乙镇"])
        with pytest.raises(UserError, match="不能重新抽签"):  # the sheet is with the team drawn
            draw_lots(db, rid, seed="8")
    got = _trip(tmp, county, yi, "yi2.djx", town="乙镇")
    assert got["tables"]["round_branch"]["updated"] == 1 and got["tables"]["round_score"]["new"] == 5, got["tables"]
    with Database.open(yi) as db:
        s = sheets.open_sheet(db, at_yi)
        assert s.town == "甲镇" and s.held_by is None and s.editable_stages == ("initial",)
        assert s.scores("self") == SCORES  # the team sees the branch's self-assessment
        sheets.set_scores(db, at_yi, "initial", {**SCORES, "A": 27})
        workflow.move(db, at_yi, "审核")
    _trip(tmp, yi, county, "yi3.djx")
    with Database.open(county, mode="read") as db:
        assert tuple(db.one("SELECT state, owner FROM round_branch WHERE id = ?",
                            (at_county,))) == ("审核", ids["测试县"])
        assert db.scalar("SELECT initial_score FROM round_score WHERE round_branch_id = ? AND item_code = 'A'",
                         (at_county,)) == 27
        assert db.verify() == []
    _trip(tmp, county, jia, "jia3.djx", town="甲镇")
    with Database.open(jia, mode="read") as db:
        assert db.one("SELECT state FROM round_branch WHERE id = ?", (sid,))[0] == "审核"
        assert db.scalar("SELECT initial_score FROM round_score WHERE round_branch_id = ? AND item_code = 'A'",
                         (sid,)) == 27
        assert db.verify() == []
    # 乙镇 keeps seeing the sheet it assessed, now the county's, read-only
    _trip(tmp, county, yi, "yi4.djx", town="乙镇")
    with Database.open(yi) as db:
        assert sheets.open_sheet(db, at_yi).held_by == "测试县"
        assert db.verify() == []
    assert _views(yi) == views_before


def test_a_town_cannot_hand_its_sheet_to_a_town_the_lots_did_not_name(lots_round):
    tmp, county, towns, rid, ids, _views_before = lots_round
    jia = towns["甲镇"]
    with Database.open(county) as db:
        from dangjian_desktop.registry.offices import add_town

        add_town(db, name="丙镇")
        bing = db.scalar("SELECT id FROM office WHERE name = '丙镇'")
    from dangjian_desktop.assessment.stage_owner import hand_over

    jia_rid = _at(county, jia, "assessment_round", rid)
    with Database.open(jia) as db, db.transaction("test: forged hand-over") as tx:
        sid = db.scalar("SELECT id FROM round_branch WHERE round_id = ? AND office_id = ?", (jia_rid, ids["甲镇"]))
        tx.update("round_branch", sid, {"state": "初审"})
        hand_over(tx, [sid], bing)
    dj("--db", jia, "exchange", "export", "--out", tmp / "forged.djx")
    r = dj("--db", county, "exchange", "import", tmp / "forged.djx", check=False)
    assert r.returncode == 2 and "环节不归发送单位办理" in r.stdout + r.stderr


def test_only_the_county_draws_the_lots_of_its_round(lots_round):
    from dangjian_desktop.assessment import draw_lots

    tmp, county, towns, rid, ids, _views_before = lots_round
    yi_rid = _at(county, towns["乙镇"], "assessment_round", rid)
    with Database.open(towns["乙镇"]) as db:
        with pytest.raises(UserError, match="由组织考核的单位抽签"):
            draw_lots(db, yi_rid, seed="9")
