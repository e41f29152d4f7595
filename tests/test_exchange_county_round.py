"""A county round across offices: the county creates it, the town self-assesses and submits, the
county reviews. Known gap (issue: USB exchange): round_branch rows are owned by whoever created the
round (the county), so the town may add its scores but cannot move its own sheet on; and the
county cannot write its review into the score rows the town owns. The sheet's stages and the
score columns need ownership per stage and per column. Strict: this fails once it is fixed."""

from __future__ import annotations

import pytest

from dangjian_desktop.db import Database

from exchange_util import county_with_towns, dj

pytestmark = pytest.mark.xfail(strict=True, reason="ownership per stage/column of a county round's sheets "
                                                   "is not built yet")


def test_a_town_submits_its_self_assessment_of_a_county_round(tmp_path):
    from dangjian_desktop.assessment import create_round, sheets, workflow

    county, towns = county_with_towns(tmp_path, ["甲镇"])
    town = towns["甲镇"]
    dj("--db", town, "exchange", "export", "--out", tmp_path / "t1.djx")
    dj("--db", county, "exchange", "import", tmp_path / "t1.djx")
    with Database.open(county) as db:
        rid = create_round(db, year=2025, scheme_id="liuyou")
    dj("--db", county, "exchange", "export", "--town", "甲镇", "--out", tmp_path / "b1.djx")
    dj("--db", town, "exchange", "import", tmp_path / "b1.djx")
    with Database.open(town) as db:
        sid = db.scalar("SELECT id FROM round_branch WHERE round_id = ? ORDER BY org_name LIMIT 1", (rid,))
        sheets.set_scores(db, sid, "self", {"A": 30, "B": 20, "C": 15, "D": 15, "E": 10})
        workflow.move(db, sid, "初审")  # refused today: the sheet belongs to the county
    dj("--db", town, "exchange", "export", "--out", tmp_path / "t2.djx")
    dj("--db", county, "exchange", "import", tmp_path / "t2.djx")
    with Database.open(county, mode="read") as db:
        assert db.scalar("SELECT state FROM round_branch WHERE id = ?", (sid,)) == "初审"
