"""The registry's figures and tree in the core: summary (dangjian stats), the tree with its member
counts (the 组织台账 tree and `stats --tree`), the member table's queries, and the one definition
of an active member."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.registry import (add_member, add_org, add_town, change_status, idcard, init_office,
                                       org_tree, summary, tree_counts, update_member)
from dangjian_desktop.registry.member_table import SORT_KEYS, member_ids, member_rows
from dangjian_desktop.registry.members import EVENTS, available_events, member_query
from dangjian_desktop.registry.status import ACTIVE_STATUSES, active_sql, is_active
from dangjian_desktop.registry.tree import MemberCounts, offices_with_orgs, orgs_in_tree_order

SEQ = iter(range(1, 10_000))


def member(db: Database, org_id: str, name: str, *, category: str = "正式党员", born: str = "1980-05-06",
           group_id: str | None = None) -> str:
    values = {"name": name, "id_number": idcard.make("140826", dt.date.fromisoformat(born), next(SEQ), True),
              "ethnicity": "汉族", "join_date": "2020-07-01" if category == "正式党员" else "2025-07-01",
              "category": category}
    mid = add_member(db, values, org_id=org_id)
    if group_id:
        update_member(db, mid, {"group_id": group_id})
    return mid


@pytest.fixture
def town(db):
    """测试镇党委 → 东村党支部 (two party groups) and 党总支 → 西村党支部; one member transferred out."""
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    east = add_org(db, parent_id=root, name="东村党支部", org_type="党支部", kind="村")
    g1 = add_org(db, parent_id=east, name="第一党小组", org_type="党小组")
    g2 = add_org(db, parent_id=east, name="第二党小组", org_type="党小组")
    general = add_org(db, parent_id=root, name="文城社区党总支", org_type="党总支", kind="社区")
    west = add_org(db, parent_id=general, name="西村党支部", org_type="党支部", kind="社区")
    ids = {
        "张三": member(db, east, "张三", group_id=g1),
        "李四": member(db, east, "李四", category="预备党员", group_id=g1),
        "王五": member(db, east, "王五", group_id=g2, born="1970-01-01"),
        "赵六": member(db, east, "赵六"),  # in no group
        "钱七": member(db, west, "钱七", born="1990-01-01"),
        "孙八": member(db, west, "孙八", category="预备党员"),
        "周九": member(db, west, "周九"),
    }
    change_status(db, ids["周九"], event="转出", date=dt.date.today().isoformat())
    return dict(root=root, east=east, g1=g1, g2=g2, general=general, west=west, ids=ids)


# ---- one definition of an active member -------------------------------------------------------

def test_the_sql_condition_and_the_python_rule_agree_on_every_status(db):
    statuses = ("正常", "失联", "已转出", "已去世", "已出党", "停止党籍", None)
    for status in statuses:
        got = db.scalar(f"SELECT {active_sql('m')} FROM (SELECT ? AS status) m", (status,))
        assert bool(got) == is_active(status), status
    assert ACTIVE_STATUSES == ("正常", "失联")
    assert active_sql("") == "status IN ('正常', '失联')"


def test_available_events_follow_the_events_table():
    assert available_events({"status": "正常", "category": "预备党员"}) == [
        e for e in EVENTS if e not in ("恢复联系", "恢复党籍", "转入")]
    assert "预备转正" not in available_events({"status": "正常", "category": "正式党员"})
    assert available_events({"status": "失联", "category": "正式党员"}) == [
        "转出", "停止党籍", "出党", "死亡", "恢复联系"]
    assert available_events({"status": "停止党籍", "category": "正式党员"}) == ["出党", "死亡", "恢复党籍"]
    assert available_events({"status": "已去世", "category": "正式党员"}) == []


# ---- summary and tree counts ------------------------------------------------------------------

def test_summary_counts_offices_organisations_and_active_members(db, town):
    s = summary(db)
    assert (s["offices"], s["towns"]) == (1, 1)
    assert (s["orgs"], s["party_committees"], s["general_branches"], s["branches"], s["groups"]) == (6, 1, 1, 2, 2)
    # 周九 was transferred out: a record, not a member any more.
    assert (s["members"], s["members_full"], s["members_probationary"], s["members_all_records"]) == (6, 4, 2, 7)
    assert s["schema_version"] == db.schema_version


def test_tree_counts_count_each_member_once_and_groups_their_own(db, town):
    counts = tree_counts(db)
    assert counts[town["east"]] == MemberCounts(4, 3, 1)  # its groups' members are its own already
    assert counts[town["g1"]] == MemberCounts(2, 1, 1)
    assert counts[town["g2"]] == MemberCounts(1, 1, 0)
    assert counts[town["west"]] == MemberCounts(2, 1, 1)  # not the one transferred out
    assert counts[town["general"]] == counts[town["west"]]
    assert counts[town["root"]] == MemberCounts(6, 4, 2)


def test_a_status_change_moves_the_counts(db, town):
    change_status(db, town["ids"]["张三"], event="死亡", date=dt.date.today().isoformat())
    counts = tree_counts(db)
    assert counts[town["g1"]].total == 1 and counts[town["east"]].total == 3 and counts[town["root"]].total == 5


def test_the_town_tree_is_its_own_organisations_in_order(db, town):
    tree = org_tree(db)
    assert tree.own == [town["root"]] and tree.office_order == []
    assert [tree.orgs[o]["name"] for _d, o in tree.walk(town["root"])] == [
        "测试镇党委", "东村党支部", "第一党小组", "第二党小组", "文城社区党总支", "西村党支部"]
    assert sorted(tree.subtree(town["east"])) == sorted([town["east"], town["g1"], town["g2"]])
    assert tree.kinds_below(tree.subtree(town["root"]), exclude=town["root"]) == {"党支部": 2, "党小组": 2, "党总支": 1}
    rank = tree.rank()
    assert rank[town["root"]] < rank[town["east"]] < rank[town["g2"]] < rank[town["west"]]


def test_a_county_tree_shows_every_town_in_code_order_with_its_count(tmp_path):
    db = Database.create(tmp_path / "county.sqlite")
    try:
        init_office(db, name="示范县", level="county")
        later = add_town(db, "安镇", code="140826102")
        first = add_town(db, "赵镇", code="140826101")
        empty = add_town(db, "白镇", code="140826103")
        root = db.scalar("SELECT id FROM org WHERE office_id = ?", (later,))
        branch = add_org(db, parent_id=root, name="安村党支部", org_type="党支部", kind="村")
        member(db, branch, "吴一")
        tree = org_tree(db)
        assert tree.own == [] and tree.office_order == [first, later, empty]  # by code, not by name
        assert tree.office_counts(later).total == 1 and tree.office_counts(empty).total == 0
        assert tree.office_tops[empty] == [db.scalar("SELECT id FROM org WHERE office_id = ?", (empty,))]
        assert sorted(tree.office_org_ids(later)) == sorted([root, branch])
        assert offices_with_orgs(db) == 3
        rows = orgs_in_tree_order(db)
        assert [(d, r["name"], r["office_name"]) for d, r in rows if r["office_id"] == later] == [
            (0, "安镇党委", "安镇"), (1, "安村党支部", "安镇")]
    finally:
        db.close()


# ---- the member table's queries ------------------------------------------------------------------

def names(db: Database, ids: list[str]) -> list[str]:
    rows = member_rows(db, ids)
    return [rows[i]["name"] for i in ids]


def test_member_ids_by_scope_search_and_status(db, town):
    ids = town["ids"]
    assert names(db, member_ids(db)) == ["李四", "钱七", "孙八", "王五", "张三", "赵六"]  # by pinyin
    assert names(db, member_ids(db, group_id=town["g1"])) == ["李四", "张三"]
    assert member_ids(db, org_ids=[]) == []
    assert names(db, member_ids(db, org_ids=[town["west"]], include_inactive=True)) == ["钱七", "孙八", "周九"]
    assert names(db, member_ids(db, text="zs")) == ["张三"]
    assert member_ids(db, text="周九") == [] and member_ids(db, text="周九", include_inactive=True) == [ids["周九"]]
    # The same filter as the CLI's member_query.
    where, params = member_query(db, text="s")
    assert sorted(member_ids(db, text="s")) == sorted(r[0] for r in db.query(f"SELECT m.id FROM member m{where}", params))


def test_member_ids_sort_by_any_column_and_by_branch_in_tree_order(db, town):
    assert set(SORT_KEYS) >= {"name", "birth_date", "org", "group", "flags"}
    oldest_first = names(db, member_ids(db, sort="birth_date"))
    assert oldest_first[0] == "王五" and oldest_first[-1] == "钱七"
    assert names(db, member_ids(db, sort="birth_date", descending=True))[0] == "钱七"
    by_tree = member_ids(db, sort="org", org_rank={town["west"]: 0, town["east"]: 1})
    assert names(db, by_tree)[:2] == ["钱七", "孙八"]  # 西村 first as the rank says, then by name
    by_other = member_ids(db, sort="org", org_rank={town["east"]: 0, town["west"]: 1})
    assert names(db, by_other)[-2:] == ["钱七", "孙八"]


def test_member_rows_name_the_branch_and_group(db, town):
    rows = member_rows(db, [town["ids"]["张三"], "no-such-id"])
    assert list(rows) == [town["ids"]["张三"]]
    row = rows[town["ids"]["张三"]]
    assert (row["org_name"], row["group_name"]) == ("东村党支部", "第一党小组")
    assert member_rows(db, []) == {}


# ---- the CLI calls the same functions -------------------------------------------------------------

def test_stats_tree_prints_the_tree_the_tab_shows(db, db_path, town, capsys):
    db.close()
    assert main(["--db", str(db_path), "stats", "--tree"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "测试镇：1个单位，2个党支部，2个党小组，党员6名（正式4，预备2）"
    assert out[1].strip() == "测试镇党委  党委  6人（正式4，预备2）"
    assert "　　　第一党小组  党小组  2人" in out
    assert main(["--db", str(db_path), "stats", "--tree", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    rows = {r["name"]: r for r in s["tree"]}
    assert (rows["东村党支部"]["depth"], rows["东村党支部"]["members"], rows["东村党支部"]["full"]) == (1, 4, 3)
    assert rows["西村党支部"]["depth"] == 2 and s["members"] == 6
    assert main(["--db", str(db_path), "stats", "--json"]) == 0
    assert "tree" not in json.loads(capsys.readouterr().out)


def test_verify_says_how_many_log_entries_it_checked(db, db_path, town, capsys):
    entries = db.scalar("SELECT count(*) FROM change_log")
    db.close()
    assert main(["--db", str(db_path), "verify"]) == 0
    assert f"{entries}条变更日志与数据一致" in capsys.readouterr().out


def test_warnings_count_a_branchs_full_members_from_the_trees_counts(db, town):
    from dangjian_desktop.registry import compute_warnings

    few = {w.org_id: w.message for w in compute_warnings(db) if w.code == "too_few_members"}
    assert set(few) == {town["west"]} and "只有1名正式党员" in few[town["west"]]  # 东村 has 3: enough
    tree = org_tree(db)
    assert [w.to_dict() for w in compute_warnings(db, counts=tree.counts)] == [w.to_dict() for w in compute_warnings(db)]
