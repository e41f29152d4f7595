"""The member search held in memory for large databases (registry.member_search): the same members,
in the same order, as member_query's SQL, and never stale after a change."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.registry import add_member, idcard, member_search
from dangjian_desktop.registry.member_table import member_ids
from dangjian_desktop.registry.members import remove_member, update_member

TEXTS = ["z", "zh", "zhang", "zhangw", "w", "wl", "王", "王丽", "1", "14", "1408", "140826198", "l", "li",
         "ling", "李", "李秀", "秀英", "英", "ZH", "Li", "alice", "ALI", "lic", "x", "X", "a b", "王 ",
         "１４０", "不存在的名字"]


@pytest.fixture
def town(demo_town, monkeypatch):
    db = Database.open(demo_town, mode="write")
    # A few members whose columns the in-memory copy must match as LIKE does: ASCII letters in any
    # case, a lower-case x at the end of an ID number, a name with a space.
    rows = db.query("SELECT id, id_number FROM member ORDER BY name_pinyin LIMIT 3")
    with db.transaction("test names") as tx:
        tx.update("member", rows[0]["id"], {"name": "Alice王", "name_pinyin": "Alice wang Alice王",
                                            "name_initials": "AW"})
        tx.update("member", rows[1]["id"], {"id_number": rows[1]["id_number"][:17] + "x"})
        tx.update("member", rows[2]["id"], {"name": "王 丽", "name_pinyin": "wang li 王 丽"})
    monkeypatch.setattr(member_search, "INDEX_FROM", 0)  # the demo town is small: search it in memory
    monkeypatch.setattr(member_search, "MAX_SHARE", 1.0)
    yield db
    db.close()


def by_sql(db, monkeypatch, **kw) -> list[str]:
    with monkeypatch.context() as mp:
        mp.setattr(member_search, "INDEX_FROM", 10 ** 9)
        return member_ids(db, **kw)


def test_same_members_in_the_same_order_as_sql(town, monkeypatch):
    branch = town.scalar("SELECT org_id FROM member GROUP BY org_id ORDER BY count(*) DESC LIMIT 1")
    an_id = town.scalar("SELECT id_number FROM member LIMIT 1 OFFSET 100")
    found = 0
    for text in TEXTS + [an_id, an_id.lower(), an_id[:6] + an_id[8:17]]:
        assert member_search.matching_rowids(town, text) is not None, text  # searched in memory
        for kw in ({}, {"include_inactive": True}, {"org_ids": [branch]}, {"sort": "birth_date", "descending": True}):
            got = member_ids(town, text=text, **kw)
            assert got == by_sql(town, monkeypatch, text=text, **kw), (text, kw)
            found += len(got)
    assert found > 1000
    assert member_ids(town, text="alice") and member_ids(town, text="王 丽")


def test_a_change_is_searched_at_once(town):
    assert member_ids(town, text="欧阳娜娜") == []
    mid = town.scalar("SELECT id FROM member WHERE status = '正常' LIMIT 1")
    update_member(town, mid, {"name": "欧阳娜娜"})
    assert member_ids(town, text="欧阳娜娜") == [mid]
    assert member_ids(town, text="oyn") == [mid]  # the initials changed with it
    branch = town.scalar("SELECT id FROM org WHERE org_type = '党支部' LIMIT 1")
    new = add_member(town, {"name": "欧阳娜", "id_number": idcard.make("110101", dt.date(1990, 1, 1), 7, False),
                            "ethnicity": "汉族", "join_date": "2015-07-01", "category": "正式党员"}, org_id=branch)
    assert set(member_ids(town, text="欧阳娜")) == {mid, new}
    remove_member(town, new, reason="录入错误")
    assert member_ids(town, text="欧阳娜") == [mid]


def test_a_change_by_another_connection_is_searched_too(town):
    assert member_ids(town, text="司马光") == []
    mid = town.scalar("SELECT id FROM member WHERE status = '正常' LIMIT 1")
    reader = Database.open(town.path, mode="read")
    try:
        assert member_ids(reader, text="司马光") == []  # the reader's copy is made now
        update_member(town, mid, {"name": "司马光"})
        assert member_ids(reader, text="司马光") == [mid]
    finally:
        reader.close()


def test_sql_searches_what_memory_should_not(town, monkeypatch):
    assert member_search.matching_rowids(town, "") is None
    assert member_search.matching_rowids(town, "王%丽") is None  # LIKE's wildcards stay SQL's
    assert member_ids(town, text="王%丽") == by_sql(town, monkeypatch, text="王%丽")
    monkeypatch.setattr(member_search, "MAX_SHARE", 0.05)
    assert member_search.matching_rowids(town, "1") is None  # every ID number starts with 1
    assert member_ids(town, text="1") == by_sql(town, monkeypatch, text="1")
    monkeypatch.setattr(member_search, "INDEX_FROM", 20_000)
    assert member_search.matching_rowids(town, "李") is None  # a town is small


def test_a_save_is_taken_in_without_copying_every_member_again(town):
    assert member_ids(town, text="上官婉") == []
    index = member_search._indexes[town]
    mid, old_name = town.one("SELECT id, name FROM member WHERE status = '正常' LIMIT 1")
    update_member(town, mid, {"name": "上官婉"})
    assert member_ids(town, text="上官婉") == [mid]
    assert member_ids(town, text="sgw") == [mid]
    assert member_search._indexes[town] is index  # the one row read again, not the table
    assert mid not in member_ids(town, text=old_name)
    # A name longer than any before does not fit the column: the copy is made anew.
    update_member(town, mid, {"name": "上官婉" * 4})
    assert member_ids(town, text="婉上官") == [mid]
    assert member_search._indexes[town] is not index


def test_a_search_inside_a_unit_of_work_that_is_rolled_back(town):
    mid = town.scalar("SELECT id FROM member WHERE status = '正常' LIMIT 1")
    with pytest.raises(RuntimeError):
        with town.transaction("rolled back") as tx:
            tx.update("member", mid, {"name": "诸葛亮"})
            assert member_ids(town, text="诸葛亮") == [mid]  # this connection sees its own write
            raise RuntimeError("cancelled")
    with town.transaction("another") as tx:  # the same number of member writes as the rolled-back one
        tx.update("member", town.scalar("SELECT id FROM member WHERE id != ? LIMIT 1", (mid,)), {"note": "x"})
    assert member_ids(town, text="诸葛亮") == []


def test_a_text_most_members_match_is_filtered_from_the_name_order_held_in_memory(town, monkeypatch):
    """The start of an ID number every member shares: no SQL sort of them all, the same list."""
    monkeypatch.setattr(member_search, "MAX_SHARE", 0.05)
    assert member_search.matching_rowids(town, "1") is None  # too many for the rowid list
    assert member_search.ordered_ids(town, "1") is not None  # filtered from the order in memory
    for text in ("", "1", "14", "l"):
        for kw in ({}, {"include_inactive": True}):
            assert member_ids(town, text=text, **kw) == by_sql(town, monkeypatch, text=text, **kw), (text, kw)
    # a rename moves the member in the order at once
    first = member_ids(town)[0]
    update_member(town, first, {"name": "藏之介"})
    assert member_ids(town) == by_sql(town, monkeypatch)
    assert member_ids(town)[0] != first
