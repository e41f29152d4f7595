"""变更历史 answers who / when / which row / which columns old -> new from the compact log."""

from __future__ import annotations

import datetime as dt

from dangjian_desktop.db.history import referenced_names, row_history
from dangjian_desktop.registry import add_member, add_org
from dangjian_desktop.registry.idcard import make


def test_history_of_a_member_from_insert_through_updates(db):
    root = db.scalar("SELECT id FROM org")
    branch = add_org(db, parent_id=root, name="西村党支部", org_type="党支部", kind="村")
    mid = add_member(db, {"name": "赵敏", "ethnicity": "汉族", "id_number": make("140826", dt.date(1990, 5, 6), 2, False),
                          "join_date": "2015-07-01", "full_date": "2016-07-01", "category": "正式党员",
                          "phone": "13800000001"}, org_id=branch, event_date="2015-07-01")
    with db.transaction("改电话", actor="李干事") as tx:
        tx.update("member", mid, {"phone": "13900000002"})
    with db.transaction("改名", actor="王干事") as tx:
        tx.update("member", mid, {"name": "赵敏敏", "note": "曾用名赵敏"})
    h = row_history(db.conn, "member", mid)
    assert [e.op for e in h] == ["insert", "update", "update"]
    created = dict((c, new) for c, _old, new in h[0].changes)
    assert created["name"] == "赵敏" and created["phone"] == "13800000001"  # the values as first entered
    assert h[1].actor == "李干事" and h[1].reason == "改电话"
    assert h[1].changes == [("phone", "13800000001", "13900000002")]
    assert sorted(h[2].changes) == [("name", "赵敏", "赵敏敏"), ("note", "", "曾用名赵敏")]


def test_history_of_a_deleted_row_keeps_its_last_values(db):
    with db.transaction("新增") as tx:
        tx.insert("setting", {"id": "k", "value": "1"})
    with db.transaction("删") as tx:
        tx.delete("setting", "k")
    h = row_history(db.conn, "setting", "k")
    assert [e.op for e in h] == ["insert", "delete"]
    assert ("value", None, "1") in h[0].changes and ("value", "1", None) in h[1].changes


def test_references_are_named_and_a_deleted_row_by_the_name_it_had(db):
    root = db.scalar("SELECT id FROM org")
    west = add_org(db, parent_id=root, name="西村党支部", org_type="党支部", kind="村")
    east = add_org(db, parent_id=root, name="东村党支部", org_type="党支部", kind="村")
    gone = add_org(db, parent_id=root, name="临时党支部", org_type="党支部", kind="村")
    mid = add_member(db, {"name": "钱进", "ethnicity": "汉族", "id_number": make("140826", dt.date(1985, 3, 4), 7, True),
                          "join_date": "2010-07-01", "full_date": "2011-07-01", "category": "正式党员"},
                     org_id=west, event_date="2010-07-01")
    for to in (gone, east):
        with db.transaction("转移组织关系") as tx:
            tx.update("member", mid, {"org_id": to})
    with db.transaction("撤销临时党支部") as tx:
        tx.delete("org", gone)
    h = row_history(db.conn, "member", mid)
    names = referenced_names(db.conn, "member", h)
    assert names[("org_id", west)] == "西村党支部" and names[("org_id", east)] == "东村党支部"
    assert names[("org_id", gone)] == "临时党支部（已删除）"  # deleted since: the name it had, not its id
    assert all(column == "org_id" for column, _ in names)  # only reference columns are named


def test_a_deleted_member_is_named_in_a_groups_history(db):
    from dangjian_desktop.registry import remove_member
    from dangjian_desktop.registry.orgs import set_group_leader

    root = db.scalar("SELECT id FROM org")
    branch = add_org(db, parent_id=root, name="南村党支部", org_type="党支部", kind="村")
    group = add_org(db, parent_id=branch, name="第一党小组", org_type="党小组")
    mid = add_member(db, {"name": "孙强", "ethnicity": "汉族", "id_number": make("140826", dt.date(1980, 1, 2), 3, True),
                          "join_date": "2005-07-01", "full_date": "2006-07-01", "category": "正式党员",
                          "group_id": group}, org_id=branch, event_date="2005-07-01")
    set_group_leader(db, group, mid)
    with db.transaction("改名") as tx:
        tx.update("member", mid, {"name": "孙志强"})
    remove_member(db, mid, reason="录入错误")
    h = row_history(db.conn, "org", group)
    assert ("leader_member_id", mid, None) in h[-1].changes  # the post left vacant when the member went
    assert referenced_names(db.conn, "org", h)[("leader_member_id", mid)] == "孙志强（已删除）"  # the last name
