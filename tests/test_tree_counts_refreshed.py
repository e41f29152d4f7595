"""The tree's member counts brought up to date after saves (registry.tree.counts_refreshed): only
the branches of the members the change log names are counted again, and the counts are always
those of a full read, whatever the members did (joined, moved between branches and groups,
left, were deleted, became full members) and however many changes came at once."""

from __future__ import annotations

import pytest

from dangjian_desktop.registry import add_org, update_member
from dangjian_desktop.registry.tree import counts_refreshed, read_counts, tree_counts

from member_saves import MemberSaves
from points_util import add_branch
from sql_trace import traced


@pytest.fixture
def town(db):
    branches = [add_branch(db, f"{name}党支部", n=6, groups=2, secretary=False, probationary=(4,))
                for name in ("东村", "西村", "南村")]
    return db, branches


def _same_as_a_full_read(db, read) -> None:
    assert tree_counts(db, read) == tree_counts(db)


def test_random_saves_keep_the_counts_those_of_a_full_read(town):
    db, branches = town
    read = read_counts(db)
    saves = MemberSaves(db, 7, branches)
    for step in range(40):
        kind = saves.one(step, ("group", "move", "leave", "delete", "full", "lost"))
        if kind is None:
            continue
        before = read
        with traced(db.conn) as statements:
            read = counts_refreshed(db, before)
        if read.log_seq == before.log_seq:  # the save changed nothing (the same group again)
            assert read is before
            continue
        counted = [s for s in statements if "GROUP BY org_id, group_id, category" in s]
        assert len(counted) == 1 and "org_id IN" in counted[0], kind  # the branches touched only
        _same_as_a_full_read(db, read)


def test_nothing_changed_is_nothing_read_and_a_new_branch_is_a_full_read(town):
    db, branches = town
    read = read_counts(db)
    assert counts_refreshed(db, read) is read
    add_org(db, parent_id=db.scalar("SELECT parent_id FROM org WHERE id = ?", (branches[0].id,)),
            name="北村党支部", org_type="党支部", kind="村")
    with traced(db.conn) as statements:
        again = counts_refreshed(db, read)
    assert any("GROUP BY org_id, group_id, category" in s and "org_id IN" not in s for s in statements)
    _same_as_a_full_read(db, again)


def test_many_changes_at_once_are_a_full_read(town, monkeypatch):
    from dangjian_desktop.registry import tree

    db, branches = town
    read = read_counts(db)
    monkeypatch.setattr(tree, "_MOST_CHANGES", 3)
    for mid in branches[0].members[:4]:
        update_member(db, mid, {"phone": "13800000000"})
    with traced(db.conn) as statements:
        again = counts_refreshed(db, read)
    assert any("GROUP BY org_id, group_id, category" in s and "org_id IN" not in s for s in statements)
    _same_as_a_full_read(db, again)
