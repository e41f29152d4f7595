"""A town whose laptop died gets its data back from the county (recovery package, recovery code,
re-enrolment); the old key stays known at the county, so the old laptop's packages are still
recognised — and refused when they carry new data. Also: the county's rows are read-only at the town."""

from __future__ import annotations

import re

import pytest

from dangjian_desktop.assessment import create_round, update_round
from dangjian_desktop.db import Database
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import update_member

from exchange_util import county_with_towns, dj, dj_json, dump, there

TOWN_TABLES = ("org", "member", "member_event", "committee_term", "committee_member", "meeting",
               "meeting_attendance", "meeting_photo", "attachment")


def counts(path, office_id):
    with Database.open(path, mode="read") as db:
        return {t: db.scalar(f'SELECT count(*) FROM "{t}" WHERE owner = ?', (office_id,)) for t in TOWN_TABLES}


@pytest.fixture
def exchanged(tmp_path):
    county, towns = county_with_towns(tmp_path, ["甲镇"])
    town = towns["甲镇"]
    dj("--db", town, "exchange", "export", "--out", tmp_path / "p1")
    dj("--db", county, "exchange", "import", tmp_path / "p1")
    dj("--db", county, "exchange", "export", "--town", "甲镇", "--out", tmp_path / "r1")
    dj("--db", town, "exchange", "import", tmp_path / "r1")
    with Database.open(town) as db:
        update_member(db, db.scalar("SELECT id FROM member ORDER BY id LIMIT 1"), {"note": "第二次报送"})
        office = db.local_office_id
    dj("--db", town, "exchange", "export", "--out", tmp_path / "p2")
    dj("--db", county, "exchange", "import", tmp_path / "p2")
    return tmp_path, county, town, office


def recovery(tmp, county) -> str:
    out = dj("--db", county, "exchange", "invite", "--town", "甲镇", "--recovery", "--out", tmp / "rec").stdout
    return re.search(r"恢复码：(\d{4}-\d{4}-\d{4})", out).group(1)


def test_a_dead_laptop_gets_its_data_back_and_joins_again(exchanged):
    tmp, county, town, office = exchanged
    code = recovery(tmp, county)
    new = tmp / "新电脑.sqlite"
    out = dj("--db", new, "exchange", "recover", tmp / "rec", "--code", code).stdout
    assert "已从测试县的恢复数据包恢复甲镇的数据" in out
    assert counts(new, office) == counts(town, office)
    with Database.open(new, mode="read") as db:
        assert db.local_office_id == office
        assert db.scalar("SELECT note FROM member WHERE note = '第二次报送'") == "第二次报送"
        assert db.verify() == []
    # The new laptop's first package proves the new invitation and binds its new key.
    with Database.open(new) as db:
        update_member(db, db.scalar("SELECT id FROM member ORDER BY id DESC LIMIT 1"), {"note": "新电脑"})
    dj("--db", new, "exchange", "export", "--out", tmp / "p3")
    res = dj_json("--db", county, "exchange", "import", tmp / "p3", "--json")
    assert res["status"] == "applied" and res["enrolled"] is True
    assert res["tables"]["member"]["updated"] == 1 and res["total"]["new"] == 0
    new_fp = dj_json("--db", new, "exchange", "status", "--json")["own_fingerprint"]
    status = dj_json("--db", county, "exchange", "status", "--json")["peers"][0]
    assert status["fingerprint"] == new_fp and status["state"] == "enrolled"


def test_the_old_laptops_new_package_is_recognised_and_refused(exchanged):
    tmp, county, town, office = exchanged
    recovery(tmp, county)
    with Database.open(town) as db:  # the old laptop was not dead after all, and works on
        update_member(db, db.scalar("SELECT id FROM member ORDER BY id LIMIT 1"), {"note": "旧电脑"})
    dj("--db", town, "exchange", "export", "--out", tmp / "old.djx")
    before = dump(county)
    r = dj("--db", county, "exchange", "import", tmp / "old.djx", check=False)
    assert r.returncode == 2 and "已停用的密钥" in r.stderr
    assert dump(county) == before
    # An old package the county already has is still verified with the old key: nothing to do.
    again = dj_json("--db", county, "exchange", "import", tmp / "p2", "--json")
    assert again["status"] == "nothing"


def test_a_wrong_recovery_code_creates_nothing(exchanged):
    tmp, county, town, office = exchanged
    code = recovery(tmp, county)
    wrong = ("1" if code[0] != "1" else "2") + code[1:]
    new = tmp / "新电脑.sqlite"
    r = dj("--db", new, "exchange", "recover", tmp / "rec", "--code", wrong, check=False)
    assert r.returncode == 2 and "恢复码不对" in r.stderr
    assert not new.exists()


def test_the_countys_rows_are_read_only_at_the_town(exchanged):
    tmp, county, town, office = exchanged
    with Database.open(county) as db:
        rid = create_round(db, year=2025, scheme_id="chuangxing", title="全县2025年度考核")
    dj("--db", county, "exchange", "export", "--town", "甲镇", "--out", tmp / "r2")
    res = dj_json("--db", town, "exchange", "import", tmp / "r2", "--json")
    assert res["tables"]["assessment_round"]["new"] == 1 and res["tables"]["round_branch"]["new"] == 2
    with Database.open(county, mode="read") as c, Database.open(town, mode="read") as t:
        town_rid = there(c, t, "assessment_round", rid)  # the round's id at the town (each numbers its own rows)
    assert town_rid is not None
    with Database.open(town) as db:
        with pytest.raises(UserError, match="属于其他单位"):
            update_round(db, town_rid, title="乡镇改名")
        assert db.get("assessment_round", town_rid)["title"] == "全县2025年度考核"
    # What the county no longer sends is removed at the town with its next reply.
    with Database.open(county) as db:
        from dangjian_desktop.assessment import delete_round

        delete_round(db, rid)
    dj("--db", county, "exchange", "export", "--town", "甲镇", "--out", tmp / "r3")
    res = dj_json("--db", town, "exchange", "import", tmp / "r3", "--json")
    assert res["tables"]["assessment_round"]["deleted"] == 1
    with Database.open(town, mode="read") as db:
        assert db.get("assessment_round", town_rid) is None
        assert db.verify() == []
