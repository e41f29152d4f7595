"""Several towns through the county and back, each step a `dangjian` process as a clerk runs it:
invite, join, export, preview, import, idempotent re-import, the county's reply, incremental
packages with updates and deletions, the log, the status and the receipts."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from dangjian_desktop.db import Database
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import update_member

from exchange_util import county_with_towns, dj, dj_json, dump, gid_of, id_in, members, pdf_text, there

TOWNS = ["甲镇", "乙镇", "丙镇"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exchange")
    county, towns = county_with_towns(tmp, TOWNS)
    packages = {}
    for n, (name, path) in enumerate(towns.items()):
        packages[name] = tmp / f"p{n}.djx"
        dj("--db", path, "exchange", "export", "--out", packages[name])
    return tmp, county, towns, packages


def test_dry_run_previews_and_changes_nothing(world):
    tmp, county, towns, packages = world
    before = dump(county)
    out = dj_json("--db", county, "exchange", "import", packages["甲镇"], "--dry-run", "--json")
    assert out["status"] == "dry-run"
    assert out["sender"] == "甲镇" and out["created_at"]
    assert out["tables"]["member"]["new"] == 8 and out["total"]["updated"] == 0
    assert dump(county) == before


def test_towns_merge_into_the_county_and_reimport_changes_nothing(world):
    tmp, county, towns, packages = world
    for name in TOWNS:
        out = dj_json("--db", county, "exchange", "import", packages[name], "--json")
        assert out["status"] == "applied", out
        assert out["enrolled"] is True
    stats = dj_json("--db", county, "stats", "--json")
    assert stats["members"] == sum(members(p) for p in towns.values()) == 24
    assert stats["towns"] == 3
    assert dj("--db", county, "verify").returncode == 0
    # The evidence files travel with the rows that use them (each town's meeting photos).
    with Database.open(towns["甲镇"], mode="read") as town, Database.open(county, mode="read") as c:
        photos = town.query("SELECT id, sha256, data FROM attachment")
        assert photos  # one file, used by both branches' meetings (stored once)
        for p in photos:
            assert bytes(c.get("attachment", there(town, c, "attachment", p["id"]))["data"]) == bytes(p["data"])
    before = dump(county)
    again = dj("--db", county, "exchange", "import", packages["甲镇"], "--json")
    out = json.loads(again.stdout)
    assert out["status"] == "nothing" and out["total"]["new"] == 0 and out["total"]["updated"] == 0
    assert out["total"]["unchanged"] > 0 and "导入过" in out["message"] and out["imported_at"]
    assert dump(county) == before
    text = dj("--db", county, "exchange", "import", packages["甲镇"]).stdout
    assert "已于" in text and "没有改动" in text


def test_county_rows_of_a_town_are_read_only_at_the_county(world):
    tmp, county, towns, packages = world
    with Database.open(county) as db:
        mid = db.scalar("SELECT id FROM member LIMIT 1")
        with pytest.raises(UserError, match="属于其他单位"):
            update_member(db, mid, {"note": "县里改"})
        assert db.get("member", mid)["note"] == ""


def test_the_county_sends_each_town_its_reply_with_the_acknowledgement(world):
    tmp, county, towns, packages = world
    for n, (name, path) in enumerate(towns.items()):
        back = tmp / f"back{n}.djx"
        dj("--db", county, "exchange", "export", "--town", name, "--out", back)
        before = members(path)
        out = dj_json("--db", path, "exchange", "import", back, "--json")
        assert out["status"] == "applied" and out["kind"] == "county"
        assert any("确认已收到" in note for note in out["notes"])
        assert members(path) == before
    status = dj_json("--db", towns["甲镇"], "exchange", "status", "--json")
    assert status["peers"][0]["state"] == "enrolled" and status["peers"][0]["pending"] == []


def test_a_second_package_carries_only_the_changes_since_the_acknowledgement(world):
    tmp, county, towns, packages = world
    path = towns["甲镇"]
    with Database.open(path) as db:
        mid, name = db.one("SELECT id, name FROM member ORDER BY name LIMIT 1")
        update_member(db, mid, {"note": "已走访"})
        gone = db.scalar("SELECT id FROM member WHERE id != ? AND id NOT IN (SELECT member_id FROM committee_member "
                         "WHERE member_id IS NOT NULL) ORDER BY name LIMIT 1", (mid,))
        from dangjian_desktop.registry import remove_member

        gone_gid = gid_of(db, "member", gone)  # the county knows the rows by their global ids
        remove_member(db, gone, reason="录入错误")
        mid = gid_of(db, "member", mid)
    gone = gone_gid
    with Database.open(county, mode="read") as db:
        assert id_in(db, "member", gone) is not None  # the county has the row the package deletes
    p2 = tmp / "p0-2.djx"
    out = dj("--db", path, "exchange", "export", "--out", p2).stdout
    assert "党员" in out
    res = dj_json("--db", county, "exchange", "import", p2, "--json")
    assert res["status"] == "applied"
    assert res["tables"]["member"]["updated"] == 1 and res["tables"]["member"]["deleted"] == 1
    assert res["tables"]["member"]["new"] == 0 and res["tables"]["member"]["unchanged"] == 0
    with Database.open(county, mode="read") as db:
        assert db.get("member", id_in(db, "member", mid))["note"] == "已走访"
        assert id_in(db, "member", gone) is None
    assert dj_json("--db", county, "stats", "--json")["members"] == 23
    # The first package, imported again after the second, is older: nothing changes, and it says why.
    before = dump(county)
    old = dj("--db", county, "exchange", "import", packages["甲镇"])
    assert old.returncode == 0
    assert dump(county) == before


def test_an_older_package_after_a_newer_one_changes_nothing_and_says_why(world):
    tmp, county, towns, packages = world
    path = towns["乙镇"]
    p1, p2 = tmp / "yi-1.djx", tmp / "yi-2.djx"
    with Database.open(path) as db:
        mid = db.scalar("SELECT id FROM member ORDER BY name LIMIT 1")
        update_member(db, mid, {"note": "一"})
    dj("--db", path, "exchange", "export", "--out", p1)
    with Database.open(path) as db:
        update_member(db, mid, {"note": "二"})
    dj("--db", path, "exchange", "export", "--out", p2)
    assert dj_json("--db", county, "exchange", "import", p2, "--json")["status"] == "applied"
    before = dump(county)
    out = dj_json("--db", county, "exchange", "import", p1, "--json")
    assert out["status"] == "nothing" and "旧" in out["message"]
    assert dump(county) == before
    with Database.open(county, mode="read") as db, Database.open(path, mode="read") as town:
        assert db.get("member", there(town, db, "member", mid))["note"] == "二"


def test_log_status_and_receipts(world):
    tmp, county, towns, packages = world
    log = dj_json("--db", county, "exchange", "log", "--json")
    received = [e for e in log if e["direction"] == "in"]
    assert {e["peer"] for e in received} == set(TOWNS)
    assert all(e["sender_fingerprint"] and e["total"]["new"] >= 0 for e in received)
    status = dj_json("--db", county, "exchange", "status", "--json")
    by_name = {p["name"]: p for p in status["peers"]}
    assert set(by_name) == set(TOWNS) and all(p["reported"] for p in by_name.values())
    # Both sides show the same fingerprint for the town: the one to compare over the phone.
    own = dj_json("--db", towns["甲镇"], "exchange", "status", "--json")["own_fingerprint"]
    assert by_name["甲镇"]["fingerprint"] == own
    assert {e["sender_fingerprint"] for e in received if e["peer"] == "甲镇"} == {own}
    pid = received[0]["package"]
    pdf = tmp / "回执.pdf"
    dj("--db", county, "exchange", "receipt", pid, "--out", pdf)
    text = pdf_text(pdf)
    assert "数据交换回执" in text and pid in text.replace("\n", "")
    assert received[0]["sender_fingerprint"] in text.replace("\n", "")
    # Every page is numbered (a receipt of a town's first full package runs over two).
    pages = [p.extract_text().replace(" ", "") for p in PdfReader(pdf).pages]
    assert all(f"第{i}页共{len(pages)}页" in page for i, page in enumerate(pages, 1))
    text_out = dj("--db", county, "exchange", "log").stdout
    assert pid in text_out


def test_a_new_town_that_has_not_reported_is_listed(world):
    tmp, county, towns, packages = world
    dj("--db", county, "exchange", "invite", "--town", "丁镇", "--out", tmp / "inv-ding")
    status = dj_json("--db", county, "exchange", "status", "--json")
    ding = next(p for p in status["peers"] if p["name"] == "丁镇")
    assert ding["state"] == "invited" and not ding["reported"]
    assert "尚未报送：丁镇" in dj("--db", county, "exchange", "status").stdout


def test_the_county_sees_the_merged_towns_in_rounds(world):
    """A town's own assessment round travels with it and is rated at the county."""
    tmp, county, towns, packages = world
    from dangjian_desktop.assessment import create_round, rate_round

    path = towns["丙镇"]
    with Database.open(path) as db:
        rid = gid_of(db, "assessment_round", create_round(db, year=2025, scheme_id="chuangxing"))
    p = tmp / "bing-2.djx"
    dj("--db", path, "exchange", "export", "--out", p)
    assert dj_json("--db", county, "exchange", "import", p, "--json")["tables"]["assessment_round"]["new"] == 1
    with Database.open(county, mode="read") as db:
        rating = rate_round(db, id_in(db, "assessment_round", rid))
        assert len(rating.branches) == 2


def test_the_sender_can_reopen_its_own_export_but_not_import_it(world):
    tmp, county, towns, packages = world
    shown = dj_json("--db", towns["甲镇"], "exchange", "show", packages["甲镇"], "--json")
    assert shown["own"] is True and shown["from"] == "甲镇" and shown["to"] == "测试县"
    assert shown["tables"]["member"] == 8
    r = dj("--db", towns["甲镇"], "exchange", "import", packages["甲镇"], check=False)
    assert r.returncode == 2 and "自己导出的" in r.stderr
    # A third office can neither read nor import it.
    r = dj("--db", towns["乙镇"], "exchange", "show", packages["甲镇"], check=False)
    assert r.returncode == 2


def test_an_older_reply_of_the_county_changes_nothing_at_the_town(world):
    tmp, county, towns, packages = world
    path = towns["丙镇"]
    old, new = tmp / "bing-old.djx", tmp / "bing-new.djx"
    dj("--db", county, "exchange", "export", "--town", "丙镇", "--out", old)
    dj("--db", county, "exchange", "export", "--town", "丙镇", "--out", new)
    assert dj_json("--db", path, "exchange", "import", new, "--json")["status"] == "applied"
    before = dump(path)
    out = dj_json("--db", path, "exchange", "import", old, "--json")
    assert out["status"] == "nothing" and "旧" in out["message"]
    assert dump(path) == before
