"""免评 / 免计 on 编辑 → 撤销: marking and clearing an exemption are taken back and done again,
named for the clerk, and refused once the year is locked."""

from __future__ import annotations

import pytest

from dangjian_desktop.errors import LockedError, UserError
from dangjian_desktop.points import catalogue
from dangjian_desktop.points.totals import lock_year, not_rated_exemption
from dangjian_desktop.points.undoable import remove_exemption_undoable, set_exemption_undoable
from dangjian_desktop.undo import UndoStack

from points_util import YEAR, add_branch


@pytest.fixture
def town(db):
    b = add_branch(db, n=2)
    catalogue.ensure_catalogue(db, db.local_office_id, YEAR)
    return db, b


def test_marking_and_clearing_an_exemption_are_undone_and_redone(town):
    db, b = town
    mid = b.members[1]
    name = db.get("member", mid)["name"]
    stack = UndoStack()
    xid, change = set_exemption_undoable(db, mid, YEAR, "不参评", "长期住院，本人申请")
    stack.push(change)
    assert stack.undo_label() == f"登记免评 {name}（{YEAR}年度）"
    stack.undo(db)
    assert not_rated_exemption(db, mid, YEAR) is None
    stack.redo(db)
    assert not_rated_exemption(db, mid, YEAR)["reason"] == "长期住院，本人申请"
    _, change = set_exemption_undoable(db, mid, YEAR, "不参评", "外出务工")
    stack.push(change)
    assert stack.undo_label() == f"修改免评 {name}（{YEAR}年度）"
    stack.undo(db)
    assert not_rated_exemption(db, mid, YEAR)["reason"] == "长期住院，本人申请"
    _, change = remove_exemption_undoable(db, xid)
    stack.push(change)
    assert stack.undo_label() == f"取消免评 {name}（{YEAR}年度）"
    stack.undo(db)
    assert not_rated_exemption(db, mid, YEAR)["id"] == xid  # back with its own id
    _, change = set_exemption_undoable(db, mid, YEAR, "年老体弱", "年老体弱，本人申请")
    assert change.label == f"登记免计（年老体弱） {name}（{YEAR}年度）"
    assert db.verify() == []


def test_an_exemption_is_not_undone_after_the_year_was_locked(town):
    db, b = town
    mid = b.members[1]
    _, change = set_exemption_undoable(db, mid, YEAR, "不参评", "长期住院，本人申请")
    lock_year(db, b.office_id, YEAR, publicity_start=f"{YEAR + 1}-01-05", publicity_end=f"{YEAR + 1}-01-11")
    with pytest.raises(LockedError) as e:
        change.undo(db)
    assert "锁定" in e.value.message and not_rated_exemption(db, mid, YEAR) is not None


def test_an_unknown_exemption_is_refused_in_chinese(town):
    db, _b = town
    with pytest.raises(UserError, match="找不到这条免评记录"):
        remove_exemption_undoable(db, "nosuchexemption0")
