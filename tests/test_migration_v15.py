"""Schema v15 (short local row ids, the global id kept once per row in `gid`: db/local_ids.py):
a version-14 demo town upgrades keeping every row and id, verifies, has exactly a new database's
schema, sends the county what it sent before the upgrade, and numbers its new rows locally with
a global id each; undo, the counter and a restored file keep ids apart."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from dangjian_desktop.db import Database, latest_version, local_ids, seal
from dangjian_desktop.db.ids import LENGTH
from dangjian_desktop.db.migrations.v0015_local_ids import NO_GID
from dangjian_desktop.exchange import idmap, ownership
from dangjian_desktop.registry import add_member
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.registry.members import remove_member
from dangjian_desktop.undo import UndoStack, record

from migration_util import copy_with_rows, sent_since, table_rows, town_with_a_deletion, upgraded_copy

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def v14(tmp_path_factory):
    """A v14 demo town with a deletion after its year, and what a package would carry of it."""
    return town_with_a_deletion(tmp_path_factory.mktemp("v14-town"), 14)


@pytest.fixture
def upgraded(v14, tmp_path):
    with upgraded_copy(v14[0], tmp_path) as db:
        yield db


_made = iter(range(1, 99))


def _member(db: Database, name: str) -> str:
    org = db.scalar("SELECT id FROM org WHERE org_type = '党支部' ORDER BY rowid LIMIT 1")
    return add_member(db, {"name": f"新党员{name}", "join_date": "2015-07-01", "full_date": "2016-07-01",
                           "category": "正式党员", "id_number": make("110105", dt.date(1990, 5, 1), next(_made), False)},
                      org_id=org, event_date="2015-07-01")


def test_v15_is_the_latest_version():
    assert latest_version() >= 15


def test_a_v14_town_upgrades_with_every_row_and_id_as_it_was(v14, tmp_path):
    path, before = copy_with_rows(v14[0], tmp_path, 14)
    with Database.open(path) as db:
        assert db.schema_version == latest_version()
        gtabs = local_ids.gid_tables(db.conn)
        travelling = set(ownership.travelling_tables(db.conn))
        assert gtabs == travelling - NO_GID and "member" in gtabs and "office" not in gtabs
        for t, rows in before.items():
            now = table_rows(db.conn, t)
            assert now == rows, t  # table_rows leaves the gid column out
            if t in gtabs:
                assert db.scalar(f'SELECT count(*) FROM "{t}" WHERE gid IS NOT NULL') == 0, t
        assert db.verify() == []


def test_the_upgraded_schema_is_exactly_the_one_a_new_database_gets(upgraded, tmp_path):
    with Database.create(tmp_path / "fresh.sqlite") as fresh:
        created = seal.schema_objects(fresh.conn)
    assert seal.schema_objects(upgraded.conn) == created == seal.reference(latest_version()).objects


def test_a_package_carries_what_it_did_before_the_upgrade(v14, upgraded):
    gone, before = v14[1]
    base = upgraded.scalar("SELECT max(id) FROM tx_log") - 2  # the demo's year and the deletion
    assert sent_since(upgraded, base) == before
    rows, deleted = before
    assert deleted == {"meeting_attendance": [gone]} and sum(len(t.rows) for t in rows.values()) > 50_000


def test_new_rows_get_local_ids_and_a_global_id_each(upgraded):
    db = upgraded
    old = db.scalar("SELECT id FROM member ORDER BY rowid LIMIT 1")
    assert len(old) == LENGTH and db.scalar("SELECT gid FROM member WHERE id = ?", (old,)) is None
    a, b = _member(db, "甲"), _member(db, "乙")
    assert local_ids.is_local(a) and local_ids.is_local(b) and a != b
    gid = db.scalar("SELECT gid FROM member WHERE id = ?", (a,))
    assert len(gid) == LENGTH and not local_ids.is_local(gid)
    assert local_ids.global_of(db.conn, "member", a) == gid and local_ids.local_of(db.conn, "member", gid) == a
    assert local_ids.global_of(db.conn, "member", old) == old and local_ids.local_of(db.conn, "member", old) == old
    # The member's first history entry refers to him by his local id.
    assert db.scalar("SELECT count(*) FROM member_event WHERE member_id = ?", (a,)) == 1
    assert db.verify() == []


def test_the_counter_never_gives_an_id_twice(upgraded):
    db = upgraded
    first = _member(db, "甲")
    with pytest.raises(RuntimeError), db.transaction("回滚") as tx:
        tx.insert("member_event", {"member_id": first, "event_type": "失联", "event_date": "2026-01-02"})
        raise RuntimeError("rolled back")
    second = _member(db, "乙")
    made = [int(x, 32) for x in (first, second)]
    assert made[1] > made[0]
    # A unit of work gives back the block it did not use: the counter stands after the last id made.
    assert db.scalar("SELECT next FROM local_id_counter") == max(
        int(r, 32) for (r,) in db.conn.execute("SELECT id FROM member_event UNION SELECT id FROM member")
        if local_ids.is_local(r)) + 1


def test_undo_of_a_deletion_brings_back_the_same_ids(upgraded):
    db = upgraded
    stack = UndoStack()
    mid = _member(db, "丙")
    gid = db.scalar("SELECT gid FROM member WHERE id = ?", (mid,))
    _, change = record(db, "删除党员", lambda: remove_member(db, mid, reason="录错"))
    stack.push(change)
    assert db.get("member", mid) is None
    stack.undo(db)
    assert db.scalar("SELECT gid FROM member WHERE id = ?", (mid,)) == gid
    assert db.verify() == []


def test_a_rows_global_id_cannot_change(upgraded):
    db = upgraded
    mid = _member(db, "丁")
    with pytest.raises(sqlite3.IntegrityError, match="immutable"), db.transaction("改全局编号") as tx:
        tx.execute("UPDATE member SET gid = 'aaaaaaaaaaaaaaaa', rev = rev + 1 WHERE id = ?", (mid,))
    old = db.scalar("SELECT id FROM member WHERE gid IS NULL LIMIT 1")
    with pytest.raises(sqlite3.IntegrityError, match="immutable"), db.transaction("给旧行全局编号") as tx:
        tx.execute("UPDATE member SET gid = 'aaaaaaaaaaaaaaaa', rev = rev + 1 WHERE id = ?", (old,))


def test_ids_inside_json_travel_as_global_ids(upgraded):
    """A quota decision lists the sheets it considered; a round's scope may list organisations."""
    from dangjian_desktop.exchange.payload import TableRows

    db = upgraded
    conn = db.conn
    orgs = [r[0] for r in conn.execute("SELECT id FROM org WHERE org_type = '党支部' ORDER BY rowid LIMIT 2")]
    with db.transaction("新组织") as tx:
        new_org = tx.insert("org", {"office_id": db.local_office_id, "parent_id": None, "name": "新建党支部",
                                    "org_type": "党支部", "kind": "村"})
    scope = json.dumps({"kinds": [], "org_ids": [orgs[0], new_org]}, ensure_ascii=False)
    out = idmap.to_global(conn, {"assessment_round": TableRows(["id", "scope_json"], [["r1", scope]])})
    sent = json.loads(out["assessment_round"].rows[0][1])["org_ids"]
    assert sent == [orgs[0], local_ids.global_of(conn, "org", new_org)] and not local_ids.is_local(sent[1])
    round_gid = "a" * 16  # a round this database does not have
    back = {"tables": {"assessment_round": TableRows(["id", "scope_json"], [[round_gid, json.dumps(
        {"kinds": [], "org_ids": sent}, ensure_ascii=False)]])}}
    idmap.to_local(conn, back)
    tr = back["tables"]["assessment_round"]
    assert json.loads(tr.rows[0][tr.index("scope_json")])["org_ids"] == [orgs[0], new_org]


def test_a_packages_rows_get_this_databases_ids(upgraded):
    """Known rows by their local id, new rows a new one with their global id kept, references to
    rows of the package or of the database translated, a reference to neither left as it was."""
    from dangjian_desktop.exchange.crypto import PackageRefused
    from dangjian_desktop.exchange.payload import TableRows

    conn = upgraded.conn
    mine = _member(upgraded, "戊")
    mine_gid = local_ids.global_of(conn, "member", mine)
    old_org = conn.execute("SELECT id FROM org WHERE org_type = '党支部' ORDER BY rowid LIMIT 1").fetchone()[0]
    new_gid, stranger = "b" * 16, "c" * 16
    sections = {"tables": {
        "member": TableRows(["id", "org_id", "name"], [[mine_gid, old_org, "甲"], [new_gid, old_org, "乙"]]),
        "member_event": TableRows(["id", "member_id", "to_org_id"], [["d" * 16, new_gid, stranger]]),
    }}
    counter = conn.execute("SELECT next FROM local_id_counter").fetchone()[0]
    done = idmap.to_local(conn, sections)
    members = sections["tables"]["member"]
    assert members.columns == ["id", "org_id", "name", "gid"]
    (a, _, _, a_gid), (b, _, _, b_gid) = members.rows
    assert (a, a_gid) == (mine, mine_gid)
    assert local_ids.is_local(b) and b_gid == new_gid and int(b, 32) >= counter
    event = sections["tables"]["member_event"].rows[0]
    assert event[1] == b and event[2] == stranger and event[3] == "d" * 16
    assert done.start == counter and done.next_local == counter + 2
    with pytest.raises(PackageRefused):
        idmap.to_local(conn, {"tables": {"member": TableRows(["id", "name"], [["1f", "丙"]])}})
    with pytest.raises(RuntimeError, match="global id"):  # a local id never leaves the database
        idmap.to_global(conn, {"member_event": TableRows(["id", "member_id"], [["d" * 16, "zzzz"]])})
