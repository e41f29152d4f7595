"""A county round across offices (assessment.stage_owner, exchange.handover): the county creates it
and hands each sheet to its town; the town self-assesses, checks and submits (提交审核 hands the
sheet back); the county reviews, publishes and may return it (退回初审). Each office changes a
sheet only in its own stages, and every hand-over travels by package, through the CLI."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.errors import UserError

from exchange_util import county_with_towns, dj, dj_json, dump, there

SELF = {"A": 30, "B": 20, "C": 15, "D": 15, "E": 10}


def _at(src, dst, table, row_id):
    """The id in the database `dst` of the row that is `row_id` in `src` (each numbers its own rows)."""
    with Database.open(src, mode="read") as s, Database.open(dst, mode="read") as d:
        got = there(s, d, table, row_id)
    assert got is not None, f"{table} {row_id} of {src.name} is not in {dst.name}"
    return got


def _trip(tmp, src, dst, name, *, town=None):
    extra = ("--town", town) if town else ()
    dj("--db", src, "exchange", "export", *extra, "--out", tmp / name)
    return dj_json("--db", dst, "exchange", "import", tmp / name, "--json")


@pytest.fixture()
def county_round(tmp_path):
    """A county with 甲镇 enrolled and a county round received by the town."""
    from dangjian_desktop.assessment import create_round

    county, towns = county_with_towns(tmp_path, ["甲镇"])
    town = towns["甲镇"]
    _trip(tmp_path, town, county, "t1.djx")
    with Database.open(county) as db:
        rid = create_round(db, year=2025, scheme_id="liuyou")
    _trip(tmp_path, county, town, "b1.djx", town="甲镇")
    town_rid = _at(county, town, "assessment_round", rid)
    with Database.open(town, mode="read") as db:
        sheet_ids = [r[0] for r in db.query("SELECT id FROM round_branch WHERE round_id = ? ORDER BY org_name",
                                            (town_rid,))]
    return tmp_path, county, town, rid, sheet_ids


def _submit(town, sid):
    from dangjian_desktop.assessment import sheets, workflow

    with Database.open(town) as db:
        sheets.set_scores(db, sid, "self", SELF)
        workflow.move(db, sid, "初审")
        sheets.set_scores(db, sid, "initial", SELF)
        workflow.move(db, sid, "审核")


def _state(path, sid):
    with Database.open(path, mode="read") as db:
        return db.one("SELECT state, owner FROM round_branch WHERE id = ?", (sid,))


def test_the_county_hands_each_sheet_to_its_town_and_cannot_fill_it_in(county_round):
    from dangjian_desktop.assessment import sheets

    tmp, county, town, rid, sids = county_round
    at_county = _at(town, county, "round_branch", sids[0])
    with Database.open(county) as db:
        town_id = db.scalar("SELECT id FROM office WHERE name = '甲镇'")
        assert {r[0] for r in db.query("SELECT owner FROM round_branch WHERE round_id = ?", (rid,))} == {town_id}
        with pytest.raises(UserError, match="属于其他单位|由其他单位办理"):
            sheets.set_scores(db, at_county, "self", SELF)
    town_rid = _at(county, town, "assessment_round", rid)
    with Database.open(town, mode="read") as db:
        assert db.scalar("SELECT count(*) FROM round_branch WHERE round_id = ? AND owner = ?",
                         (town_rid, db.local_office_id)) == len(sids) == 2


def test_a_town_submits_and_the_county_reviews_publishes_and_the_town_sees_the_result(county_round):
    from dangjian_desktop.assessment import sheets, workflow

    tmp, county, town, rid, sids = county_round
    sid = sids[0]
    _submit(town, sid)
    with Database.open(town) as db:  # handed over: the town can no longer change it
        with pytest.raises(UserError, match="属于其他单位|由其他单位办理"):
            sheets.set_scores(db, sid, "final", {"A": 1})
    got = _trip(tmp, town, county, "t2.djx")
    assert got["status"] == "applied", got
    at_county = _at(town, county, "round_branch", sid)
    with Database.open(county) as db:
        assert db.one("SELECT state FROM round_branch WHERE id = ?", (at_county,))[0] == "审核"
        assert db.scalar("SELECT count(*) FROM round_score WHERE round_branch_id = ? AND self_score IS NOT NULL "
                         "AND initial_score IS NOT NULL AND owner = ?", (at_county, db.local_office_id)) == 5
        sheets.set_scores(db, at_county, "final", {"A": 28, "B": 20, "C": 15, "D": 15, "E": 10})
        workflow.move(db, at_county, "公示", today=dt.date(2026, 1, 5))
    _trip(tmp, county, town, "b2.djx", town="甲镇")
    with Database.open(town, mode="read") as db:
        assert db.one("SELECT state FROM round_branch WHERE id = ?", (sid,))[0] == "公示"
        assert db.scalar("SELECT final_score FROM round_score WHERE round_branch_id = ? AND item_code = 'A'",
                         (sid,)) == 28
        # the history of both offices is there, in order
        steps = [r[0] for r in db.query("SELECT to_state FROM round_history WHERE round_branch_id = ? "
                                        "ORDER BY at, rowid", (sid,))]
        assert steps == ["自评", "初审", "审核", "公示"]
    # the town's next package repeats nothing the county has
    again = _trip(tmp, town, county, "t3.djx")
    assert again["total"]["new"] == again["total"]["updated"] == 0, again["tables"]


def test_the_county_returns_a_sheet_and_the_town_may_work_on_it_again(county_round):
    from dangjian_desktop.assessment import sheets, workflow

    tmp, county, town, rid, sids = county_round
    sid = sids[0]
    _submit(town, sid)
    _trip(tmp, town, county, "t2.djx")
    at_county = _at(town, county, "round_branch", sid)
    with Database.open(county) as db:
        workflow.move(db, at_county, "初审", note="佐证材料不全")
        with pytest.raises(UserError, match="由其他单位办理"):
            sheets.set_scores(db, at_county, "initial", {"A": 1})
    _trip(tmp, county, town, "b2.djx", town="甲镇")
    with Database.open(town) as db:
        assert tuple(db.one("SELECT state, owner FROM round_branch WHERE id = ?", (sid,))) == ("初审", db.local_office_id)
        sheets.set_scores(db, sid, "initial", {"A": 25})
        workflow.move(db, sid, "审核")
    _trip(tmp, town, county, "t3.djx")
    with Database.open(county, mode="read") as db:
        assert db.one("SELECT state FROM round_branch WHERE id = ?", (at_county,))[0] == "审核"
        assert db.scalar("SELECT initial_score FROM round_score WHERE round_branch_id = ? AND item_code = 'A'",
                         (at_county,)) == 25


def test_a_package_made_before_the_hand_over_arrived_changes_nothing(county_round):
    """The county's package written before it imported the town's submission lists neither the
    submitted sheet as the county's nor its new score rows: the town keeps both."""
    tmp, county, town, rid, sids = county_round
    sid = sids[0]
    dj("--db", county, "exchange", "export", "--town", "甲镇", "--out", tmp / "old.djx")
    _submit(town, sid)
    before = dump(town)
    got = dj_json("--db", town, "exchange", "import", tmp / "old.djx", "--json")
    assert got["total"]["deleted"] == 0 and got["total"]["refused"] == 0, got
    after = dump(town)
    for table in ("round_branch", "round_score"):
        assert after[table] == before[table]
    # and the submission still reaches the county whole
    _trip(tmp, town, county, "t2.djx")
    at_county = _at(town, county, "round_branch", sid)
    with Database.open(county, mode="read") as db:
        assert db.scalar("SELECT count(*) FROM round_score WHERE round_branch_id = ?", (at_county,)) == 5


def test_a_town_cannot_take_back_or_move_on_a_sheet_outside_its_stages(county_round):
    """A town whose program wrote a sheet beyond 初审 as its own (or took back one the county
    reviews) is refused at the county, with the database unchanged."""
    tmp, county, town, rid, sids = county_round
    # what a tampered program would write, sealed as an ordinary change would be
    with Database.open(town) as db, db.transaction("test: forged move") as tx:
        tx.update("round_branch", sids[1], {"state": "公示"})
    dj("--db", town, "exchange", "export", "--out", tmp / "forged.djx")
    before = dump(county)
    r = dj("--db", county, "exchange", "import", tmp / "forged.djx", check=False)
    assert r.returncode == 2, r.stdout
    assert "环节不归发送单位办理" in r.stdout + r.stderr
    assert dump(county) == before


def test_a_town_package_written_before_a_return_reached_it_does_not_undo_the_return(county_round):
    """退回初审 at the county, then a package the town wrote before it had the return: the sheet
    it lists as handed to the county is older than the county's return, which stands."""
    from dangjian_desktop.assessment import workflow

    tmp, county, town, rid, sids = county_round
    sid = sids[0]
    _submit(town, sid)
    _trip(tmp, town, county, "t2.djx")
    at_county = _at(town, county, "round_branch", sid)
    with Database.open(county) as db:
        workflow.move(db, at_county, "初审", note="佐证材料不全")
        town_id = db.scalar("SELECT id FROM office WHERE name = '甲镇'")
    with Database.open(town) as db:  # some other work at the town, then a package
        with db.transaction("test: unrelated change") as tx:
            tx.update("round_branch", sids[1], {"classification": None})
    got = _trip(tmp, town, county, "t3.djx")
    assert got["status"] == "applied" and got["total"]["refused"] == 0, got
    assert tuple(_state(county, at_county)) == ("初审", town_id)
    # once the town has the return, its sheet is its own again
    _trip(tmp, county, town, "b2.djx", town="甲镇")
    assert tuple(_state(town, sid)) == ("初审", town_id)


def test_a_round_the_county_withdraws_leaves_both_offices_consistent(county_round):
    """The county deletes its round while the town is self-assessing: the town's scores for it
    are left out at the county (not refused), and the county's next package removes the round
    with the town's sheets and scores."""
    from dangjian_desktop.assessment import delete_round, sheets

    tmp, county, town, rid, sids = county_round
    with Database.open(town) as db:
        sheets.set_scores(db, sids[0], "self", SELF)
    with Database.open(county) as db:
        delete_round(db, rid)
        assert db.scalar("SELECT count(*) FROM round_branch WHERE round_id = ?", (rid,)) == 0
    got = _trip(tmp, town, county, "t2.djx")
    assert got["status"] == "applied" and got["total"]["refused"] == 0, got
    assert any("已经撤销的考核" in n for n in got["notes"]), got
    got = _trip(tmp, county, town, "b2.djx", town="甲镇")
    assert got["tables"]["round_score"]["deleted"] == 5, got
    with Database.open(town, mode="read") as db:
        for table in ("assessment_round", "round_branch", "round_score"):
            assert db.scalar(f"SELECT count(*) FROM {table}") == 0, table
        assert db.verify() == []
    with Database.open(county, mode="read") as db:
        assert db.verify() == []


def test_the_status_says_where_the_county_rounds_sheets_are(county_round):
    tmp, county, town, rid, sids = county_round
    pending = dj_json("--db", county, "exchange", "status", "--json")
    jia = next(t for t in pending["peers"] if t["name"] == "甲镇")
    assert "2 张县里考核的考核表在乡镇自评或初审" in jia["pending"]
    _submit(town, sids[0])
    here = dj_json("--db", town, "exchange", "status", "--json")
    county_row = here["peers"][0]
    assert any(p.startswith("1 张县里考核的考核表待本镇办理") for p in county_row["pending"]), county_row


def test_a_town_recovered_from_the_county_gets_its_county_round_sheets_back(county_round):
    """A sheet the town holds (自评) and one it submitted (the county's now) both come back once
    in the recovery package, with their owners."""
    import re

    tmp, county, town, rid, sids = county_round
    _submit(town, sids[0])
    _trip(tmp, town, county, "t2.djx")
    out = dj("--db", county, "exchange", "invite", "--town", "甲镇", "--recovery", "--out", tmp / "rec").stdout
    code = re.search(r"恢复码：(\d{4}-\d{4}-\d{4})", out).group(1)
    new = tmp / "新电脑.sqlite"
    dj("--db", new, "exchange", "recover", tmp / "rec", "--code", code)
    # each database numbers its own rows: the sheets are compared by their global ids
    with Database.open(county, mode="read") as db:
        want = {r[0]: (r[1], r[2]) for r in db.query(
            "SELECT coalesce(gid, id), state, owner FROM round_branch WHERE round_id = ?", (rid,))}
    new_rid = _at(county, new, "assessment_round", rid)
    submitted = _at(town, new, "round_branch", sids[0])
    with Database.open(new, mode="read") as db:
        got = {r[0]: (r[1], r[2]) for r in db.query(
            "SELECT coalesce(gid, id), state, owner FROM round_branch WHERE round_id = ?", (new_rid,))}
        assert db.scalar("SELECT count(*) FROM round_score WHERE round_branch_id = ?", (submitted,)) == 5
        assert db.verify() == []
    assert got == want and len(got) == 2


def test_a_town_makes_no_decisions_for_the_countys_round(county_round):
    """Quota decisions and veto reviews are the reviewer's: at the town the guard refuses them."""
    import datetime as dt2

    tmp, county, town, rid, sids = county_round
    _submit(town, sids[0])
    town_rid = _at(county, town, "assessment_round", rid)
    with Database.open(town) as db:
        with pytest.raises(UserError, match="属于其他单位|由其他单位办理"), db.transaction("test") as tx:
            tx.insert("round_quota_decision", {"round_id": town_rid, "quota_code": "x", "title": "x", "reason": "x",
                                               "decided_by": "x", "decided_at": dt2.date.today().isoformat()})
        with pytest.raises(UserError, match="属于其他单位|由其他单位办理"), db.transaction("test") as tx:
            tx.insert("round_veto_review", {"round_branch_id": sids[0], "code": "x", "fact": "x", "decision": "驳回",
                                            "reason": "x", "decided_by": "x", "decided_at": dt2.date.today().isoformat()})


def test_a_county_that_restored_an_older_backup_still_takes_a_towns_hand_over(county_round):
    """The county goes back to a backup made before its last package to the town: the town's
    acknowledgement then names a package the county no longer knows. The hand-over (提交审核)
    is still taken, and the county's next package does not put the sheet back to the town."""
    import shutil

    tmp, county, town, rid, sids = county_round
    sid = sids[0]
    saved = tmp / "county-saved.sqlite"
    shutil.copy(county, saved)  # the county's backup
    _trip(tmp, county, town, "b2.djx", town="甲镇")  # a package the restored county will not know
    shutil.copy(saved, county)  # the county's laptop goes back to the backup
    _submit(town, sid)
    got = _trip(tmp, town, county, "t2.djx")
    assert got["status"] == "applied", got
    assert _state(county, _at(town, county, "round_branch", sid))[0] == "审核"
    _trip(tmp, county, town, "b3.djx", town="甲镇")
    assert _state(town, sid)[0] == "审核"
