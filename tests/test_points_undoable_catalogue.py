"""积分细则 and 民主评议 on 编辑 → 撤销: adding, changing and deleting an item, the base score and a
branch's review sheet are taken back and done again row for row, named for the clerk, and refused
once the year is locked or when the catalogue has moved on (an item used, a code taken)."""

from __future__ import annotations

import pytest

from dangjian_desktop.errors import LockedError, UserError
from dangjian_desktop.points import catalogue as cat
from dangjian_desktop.points.ledger import add_entry
from dangjian_desktop.points.review import ReviewInput, record_reviews
from dangjian_desktop.points.totals import lock_year
from dangjian_desktop.points.undoable import (add_item_undoable, delete_item_undoable, record_reviews_undoable,
                                              set_base_score_undoable, update_item_undoable)
from dangjian_desktop.undo import UndoStack

from points_util import YEAR, add_branch

NEW = {"code": "X1", "title": "参加志愿服务", "kind": "加分", "points": 1, "unit": "次", "yearly_cap": 5}


@pytest.fixture
def town(db):
    b = add_branch(db, n=3)
    cat.ensure_catalogue(db, db.local_office_id, YEAR)
    return db, b


def rows(db, table: str) -> dict[str, dict]:
    """Every row of the table by id, without the columns each unit of work sets itself."""
    return {r["id"]: {k: r[k] for k in r.keys() if k not in ("rev", "updated_at")}
            for r in db.query(f"SELECT * FROM {table}")}


def lock(db, b) -> None:
    lock_year(db, b.office_id, YEAR, publicity_start=f"{YEAR + 1}-01-05", publicity_end=f"{YEAR + 1}-01-11")


def undone_and_redone(db, stack: UndoStack, table: str, before: dict, after: dict) -> None:
    stack.undo(db)
    assert rows(db, table) == before
    stack.redo(db)
    assert rows(db, table) == after
    assert db.verify() == []


def test_adding_changing_and_deleting_an_item_are_undone_and_redone_exactly(town):
    db, b = town
    stack = UndoStack()
    before = rows(db, "points_item")
    item_id, change = add_item_undoable(db, b.office_id, YEAR, NEW)
    stack.push(change)
    assert stack.undo_label() == "新增积分细则 X1 参加志愿服务"
    undone_and_redone(db, stack, "points_item", before, after := rows(db, "points_item"))
    assert item_id in after
    _, change = update_item_undoable(db, item_id, {"title": "参加志愿服务活动", "points": 2, "exempt_classes": ["流动党员"]})
    stack.push(change)
    assert stack.undo_label() == "修改积分细则 X1 参加志愿服务活动"
    undone_and_redone(db, stack, "points_item", after, changed := rows(db, "points_item"))
    done, change = delete_item_undoable(db, item_id)
    stack.push(change)
    assert (done, stack.undo_label()) == ("删除", "删除积分细则 X1 参加志愿服务活动")
    stack.undo(db)
    assert rows(db, "points_item") == changed  # back with its own id and every value
    stack.redo(db)
    assert item_id not in rows(db, "points_item")


def test_deactivating_an_item_in_use_is_undone(town):
    db, b = town
    item = next(i for i in cat.items(db, b.office_id, YEAR) if i.code == "A05")
    add_entry(db, b.members[1], item.id, f"{YEAR}-03-02")
    before = rows(db, "points_item")
    done, change = delete_item_undoable(db, item.id)
    assert (done, change.label) == ("停用", f"停用积分细则 A05 {item.title}")
    stack = UndoStack()
    stack.push(change)
    undone_and_redone(db, stack, "points_item", before, rows(db, "points_item"))
    assert not cat.get_item(db, item.id).active


def test_the_base_score_is_undone_and_redone(town):
    db, b = town
    before = rows(db, "points_year")
    _, change = set_base_score_undoable(db, b.office_id, YEAR, "70")
    assert change.label == f"修改{YEAR}年度基础分 60→70"
    stack = UndoStack()
    stack.push(change)
    undone_and_redone(db, stack, "points_year", before, rows(db, "points_year"))
    assert cat.year_settings(db, b.office_id, YEAR).base_score == 70
    assert set_base_score_undoable(db, b.office_id, YEAR, "70")[1] is None  # nothing changed: nothing to undo


def test_catalogue_changes_are_not_undone_after_the_year_was_locked(town):
    db, b = town
    item_id, added = add_item_undoable(db, b.office_id, YEAR, NEW)
    _, based = set_base_score_undoable(db, b.office_id, YEAR, 65)
    lock(db, b)
    for change in (added, based):
        with pytest.raises(LockedError) as e:
            change.undo(db)
        assert "锁定" in e.value.message and "公示" in e.value.message
    assert item_id in rows(db, "points_item")
    assert cat.year_settings(db, b.office_id, YEAR).base_score == 65


def test_an_item_used_since_is_not_taken_away(town):
    db, b = town
    item_id, added = add_item_undoable(db, b.office_id, YEAR, NEW)
    add_entry(db, b.members[1], item_id, f"{YEAR}-03-02")
    with pytest.raises(UserError, match="此后已有 1 条积分记录，不能再去掉"):
        added.undo(db)
    assert item_id in rows(db, "points_item")


def test_an_item_used_since_keeps_its_kind(town):
    db, b = town
    item_id = cat.add_item(db, b.office_id, YEAR, NEW)
    _, changed = update_item_undoable(db, item_id, {"kind": "扣分"})
    add_entry(db, b.members[1], item_id, f"{YEAR}-03-02")
    with pytest.raises(UserError, match="不能再改变加分/扣分类别"):
        changed.undo(db)
    assert cat.get_item(db, item_id).kind == "扣分"


def test_a_deleted_item_is_not_put_back_over_a_code_given_since(town):
    db, b = town
    item_id = cat.add_item(db, b.office_id, YEAR, NEW)
    _, deleted = delete_item_undoable(db, item_id)
    cat.add_item(db, b.office_id, YEAR, NEW | {"title": "志愿服务"})
    with pytest.raises(UserError, match="编号“X1”此后已用于另一个积分项目"):
        deleted.undo(db)


def test_a_restored_meeting_link_may_not_count_a_meeting_twice(town):
    db, b = town
    linked = next(i for i in cat.items(db, b.office_id, YEAR) if i.meeting_types and i.on_status == "出席")
    _, unlinked = update_item_undoable(db, linked.id, {"meeting_types": [], "on_status": None})
    cat.add_item(db, b.office_id, YEAR, NEW | {"meeting_types": linked.meeting_types[:1], "on_status": "出席"})
    with pytest.raises(UserError, match="同一次会议会重复计分"):
        unlinked.undo(db)


def test_a_review_sheet_is_undone_and_redone_and_named_for_the_members(town):
    db, b = town
    a, c = b.members[1], b.members[2]
    names = {m: db.get("member", m)["name"] for m in (a, c)}
    record_reviews(db, YEAR, [ReviewInput(c, 2, 0, 0, "合格")])
    before = rows(db, "member_review")
    stack = UndoStack()
    n, change = record_reviews_undoable(db, YEAR, [ReviewInput(a, 3, 0, 0, "优秀"), ReviewInput(c)])  # c cleared
    stack.push(change)
    assert (n, stack.undo_label()) == (2, f"民主评议 {names[a]}等2人（{YEAR}年度）")
    undone_and_redone(db, stack, "member_review", before, rows(db, "member_review"))
    _, change = record_reviews_undoable(db, YEAR, [ReviewInput(a, 3, 0, 0, "合格")])
    assert change.label == f"民主评议 {names[a]}（{YEAR}年度）"
    assert record_reviews_undoable(db, YEAR, [ReviewInput(a, 3, 0, 0, "合格")])[1] is None


def test_a_review_is_not_undone_when_locked_or_entered_again_since(town):
    db, b = town
    a = b.members[1]
    record_reviews(db, YEAR, [ReviewInput(a, 2, 0, 0, "合格")])
    _, cleared = record_reviews_undoable(db, YEAR, [ReviewInput(a)])
    record_reviews(db, YEAR, [ReviewInput(a, 1, 1, 0, "基本合格")])
    with pytest.raises(UserError, match="民主评议此后已重新登记"):
        cleared.undo(db)
    _, graded = record_reviews_undoable(db, YEAR, [ReviewInput(a, 3, 0, 0, "优秀")])
    lock(db, b)
    with pytest.raises(LockedError, match="锁定"):
        graded.undo(db)
    assert db.scalar("SELECT grade FROM member_review WHERE member_id = ?", (a,)) == "优秀"
