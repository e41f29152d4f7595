"""A town restores an old backup and works on: its complete package surfaces every row changed on
both sides as a conflict, side by side; the person chooses; the choice is logged; what the town
lost comes back to it with the county's reply. Never a silent overwrite."""

from __future__ import annotations

import shutil

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.registry import add_member, update_member

from exchange_util import county_with_towns, dj, dj_json, dump, gid_of, id_in

# Members are named by their global id here: each database numbers its rows its own way.


def local(path, gid):
    """The id in the database at `path` of the member whose global id is `gid`."""
    with Database.open(path, mode="read") as db:
        return id_in(db, "member", gid)


def note(path, gid):
    with Database.open(path, mode="read") as db:
        row_id = id_in(db, "member", gid)
        row = None if row_id is None else db.get("member", row_id)
        return None if row is None else row["note"]


def edit(path, gid, text):
    with Database.open(path) as db:
        update_member(db, id_in(db, "member", gid), {"note": text})


@pytest.fixture
def forked(tmp_path):
    """County and 甲镇 after 甲镇 went back to a backup: (tmp, county, town, member global ids, new member's)."""
    county, towns = county_with_towns(tmp_path, ["甲镇"])
    town = towns["甲镇"]
    dj("--db", town, "exchange", "export", "--out", tmp_path / "p1")
    dj("--db", county, "exchange", "import", tmp_path / "p1")
    dj("--db", county, "exchange", "export", "--town", "甲镇", "--out", tmp_path / "ack1")
    dj("--db", town, "exchange", "import", tmp_path / "ack1")
    with Database.open(town, mode="read") as db:
        a, b, c = [r[0] for r in db.query("SELECT id FROM member ORDER BY id LIMIT 3")]
        branch = db.scalar("SELECT org_id FROM member WHERE id = ?", (a,))
        a, b, c = [gid_of(db, "member", m) for m in (a, b, c)]
    shutil.copy(town, tmp_path / "backup.sqlite")
    edit(town, a, "县里收到的修改A")
    edit(town, c, "县里收到的修改C")
    with Database.open(town) as db:
        new = add_member(db, {"name": "新来的", "ethnicity": "汉族", "id_number": "140826198001010038",
                              "join_date": "2010-07-01", "full_date": "2011-07-01", "category": "正式党员"},
                         org_id=branch, event_date="2010-07-01")
        new = gid_of(db, "member", new)
    dj("--db", town, "exchange", "export", "--out", tmp_path / "p2")
    dj("--db", county, "exchange", "import", tmp_path / "p2")
    dj("--db", county, "exchange", "export", "--town", "甲镇", "--out", tmp_path / "ack2")
    shutil.copy(tmp_path / "backup.sqlite", town)  # the old backup comes back
    dj("--db", town, "exchange", "import", tmp_path / "ack2")
    edit(town, a, "乡镇后来的修改A")
    edit(town, b, "只在乡镇改过B")
    edit(town, c, "乡镇后来的修改C")
    return tmp_path, county, town, (a, b, c), new


def test_the_fork_is_listed_as_conflicts_and_nothing_is_overwritten(forked):
    tmp, county, town, (a, b, c), new = forked
    assert dj("--db", town, "exchange", "export", "--out", tmp / "p3").returncode == 0
    assert dj("--db", county, "exchange", "import", tmp / "p3", check=False).returncode == 2
    dj("--db", town, "exchange", "export", "--full", "--out", tmp / "p4")
    out = dj_json("--db", county, "exchange", "import", tmp / "p4", "--json")
    assert out["status"] == "applied", out
    assert out["tables"]["member"]["conflicts"] == 2 and out["tables"]["member"]["updated"] == 1
    assert any("恢复了旧备份" in n for n in out["notes"])
    # Changed on both sides: the county's copy stays until someone chooses.
    assert note(county, a) == "县里收到的修改A" and note(county, c) == "县里收到的修改C"
    # Changed only at the town after the fork: merged.
    assert note(county, b) == "只在乡镇改过B"
    # Made in the work the town lost: kept at the county (and sent back, see below).
    assert note(county, new) == ""
    listed = dj_json("--db", county, "exchange", "conflicts", "--json")
    assert {x["row"] for x in listed} == {local(county, a), local(county, c)}
    diff_a = next(x for x in listed if x["row"] == local(county, a))["differences"]
    assert {"column": "note", "local": "县里收到的修改A", "remote": "乡镇后来的修改A"} in diff_a
    text = dj("--db", county, "exchange", "conflicts").stdout
    assert "县里收到的修改A" in text and "乡镇后来的修改A" in text
    # In the clerk's words, as the window shows them: the column's Chinese name, no Python quoting.
    assert "备注：本单位 县里收到的修改A  |  对方 乡镇后来的修改A" in text and "'" not in text and "note：" not in text


def test_choices_are_applied_logged_and_what_the_county_kept_goes_back(forked):
    tmp, county, town, (a, b, c), new = forked
    dj("--db", town, "exchange", "export", "--full", "--out", tmp / "p4")
    dj("--db", county, "exchange", "import", tmp / "p4")
    listed = {x["row"]: x["id"] for x in dj_json("--db", county, "exchange", "conflicts", "--json")}
    a_there, c_there = local(county, a), local(county, c)
    dj("--db", county, "exchange", "resolve", listed[a_there][:8], "--keep", "local")
    dj("--db", county, "exchange", "resolve", listed[c_there][:8], "--keep", "remote")
    assert note(county, a) == "县里收到的修改A" and note(county, c) == "乡镇后来的修改C"
    assert dj_json("--db", county, "exchange", "conflicts", "--json") == []
    again = dj("--db", county, "exchange", "resolve", listed[a_there][:8], "--keep", "remote", check=False)
    assert again.returncode != 0 and "处理过" in again.stderr
    with Database.open(county, mode="read") as db:
        reasons = [r[0] for r in db.query("SELECT reason FROM tx_log WHERE reason LIKE '处理数据交换冲突%'")]
        assert len(reasons) == 2 and any("保留本单位" in r for r in reasons) and any("保留甲镇" in r for r in reasons)
    assert dj("--db", county, "verify").returncode == 0
    # The county's reply carries the versions it kept; the town has not touched them since.
    dj("--db", county, "exchange", "export", "--town", "甲镇", "--out", tmp / "reply")
    out = dj_json("--db", town, "exchange", "import", tmp / "reply", "--json")
    assert out["status"] == "applied" and out["total"]["conflicts"] == 0
    assert note(town, a) == "县里收到的修改A" and note(town, new) == ""
    assert note(town, c) == "乡镇后来的修改C"
    assert dj("--db", town, "verify").returncode == 0
    # Back in step: the town's next package changes nothing at the county.
    dj("--db", town, "exchange", "export", "--out", tmp / "p5")
    out = dj_json("--db", county, "exchange", "import", tmp / "p5", "--json")
    assert out["status"] == "applied" and out["total"]["conflicts"] == 0 and out["total"]["updated"] == 0
    status = dj_json("--db", county, "exchange", "status", "--json")["peers"][0]
    assert status["returned_pending"] == 0 and status["open_conflicts"] == 0


def test_a_returned_row_the_town_changed_meanwhile_is_a_conflict_at_the_town(forked):
    tmp, county, town, (a, b, c), new = forked
    dj("--db", town, "exchange", "export", "--full", "--out", tmp / "p4")
    dj("--db", county, "exchange", "import", tmp / "p4")
    listed = {x["row"]: x["id"] for x in dj_json("--db", county, "exchange", "conflicts", "--json")}
    a_there = local(county, a)
    dj("--db", county, "exchange", "resolve", listed[a_there], "--keep", "local")
    dj("--db", county, "exchange", "export", "--town", "甲镇", "--out", tmp / "reply")
    edit(town, a, "乡镇又改了A")
    before = note(town, a)
    out = dj_json("--db", town, "exchange", "import", tmp / "reply", "--json")
    assert out["status"] == "applied" and out["tables"]["member"]["conflicts"] == 1
    assert note(town, a) == before  # not overwritten
    mine = dj_json("--db", town, "exchange", "conflicts", "--json")
    assert [x["row"] for x in mine] == [local(town, a)] and mine[0]["kind"] == "returned"
    dj("--db", town, "exchange", "resolve", mine[0]["id"], "--keep", "remote")
    assert note(town, a) == "县里收到的修改A"


def test_a_refused_incremental_fork_leaves_the_county_unchanged(forked):
    tmp, county, town, (a, b, c), new = forked
    dj("--db", town, "exchange", "export", "--out", tmp / "p3")
    before = dump(county)
    r = dj("--db", county, "exchange", "import", tmp / "p3", check=False)
    assert r.returncode == 2 and "--full" in r.stderr
    assert dump(county) == before
