"""Undo and redo (core): every kind of registry change and sheet score, reason and veto taken back
and done again, each as its own logged unit of work; refusals when the data have moved on."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment_util import add_branches, fill, new_round
from dangjian_desktop import dates
from dangjian_desktop import registry as reg
from dangjian_desktop.assessment import sheets, workflow
from dangjian_desktop.assessment import undoable as su
from dangjian_desktop.errors import LockedError, UserError
from dangjian_desktop.registry import undoable as ru
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.undo import RowState, UndoStack, mark, tx_mark

_seq = iter(range(10_000))


def person(name="张伟", **over):
    v = {"name": name, "ethnicity": "汉族", "id_number": make("140826", dt.date(1980, 1, 1), next(_seq), True),
         "join_date": "2005-07-01", "full_date": "2006-07-01", "category": "正式党员"}
    v.update(over)
    return v


@pytest.fixture
def root(db):
    return db.scalar("SELECT id FROM org WHERE parent_id IS NULL")


@pytest.fixture
def branch(db, root):
    return reg.add_org(db, parent_id=root, name="东村党支部", org_type="党支部", kind="村")


def last_reason(db) -> str:
    return db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1")


def snapshot(db, table: str, row_id: str) -> dict | None:
    row = db.get(table, row_id)
    return None if row is None else {k: row[k] for k in row.keys() if k not in ("rev", "updated_at")}


def events(db, member_id: str) -> list[tuple]:
    return [(r["id"], r["event_type"]) for r in
            db.query("SELECT id, event_type FROM member_event WHERE member_id = ? ORDER BY id", (member_id,))]


def undo_and_check(db, stack: UndoStack, label: str) -> None:
    """One undo: one new unit of work named 撤销：label, the change log sound."""
    before = tx_mark(db)
    assert stack.undo_label() == label
    stack.undo(db)
    assert tx_mark(db) == before + 1
    assert last_reason(db) == f"撤销：{label}"
    assert db.verify() == []


def redo_and_check(db, stack: UndoStack, label: str) -> None:
    before = tx_mark(db)
    assert stack.redo_label() == label
    stack.redo(db)
    assert tx_mark(db) == before + 1
    assert last_reason(db) == f"重做：{label}"
    assert db.verify() == []


# ---- members ----------------------------------------------------------------------------------

def test_edit_member_undone_and_redone(db, branch):
    mid = reg.add_member(db, person(phone="13800138000"), org_id=branch)
    before = snapshot(db, "member", mid)
    stack = UndoStack()
    _, change = ru.update_member_undoable(db, mid, {"name": "张三", "phone": "13900139000"},
                                          expected_rev=db.get("member", mid)["rev"])
    stack.push(change)
    after = snapshot(db, "member", mid)
    assert after["name"] == "张三"
    undo_and_check(db, stack, "修改党员 张伟→张三")
    assert snapshot(db, "member", mid) == before
    assert not stack.can_undo() and stack.can_redo()
    redo_and_check(db, stack, "修改党员 张伟→张三")
    assert snapshot(db, "member", mid) == after
    undo_and_check(db, stack, "修改党员 张伟→张三")  # and back again
    assert db.get("member", mid)["name"] == "张伟"


def test_two_edits_of_one_member_undone_and_redone_in_turn(db, branch):
    """Undoing the later edit leaves the row at a new revision holding what the earlier edit left:
    the earlier edit's undo accepts it, and so do the redos."""
    mid = reg.add_member(db, person("陈晨"), org_id=branch)
    stack = UndoStack()
    states = [snapshot(db, "member", mid)]
    for phone in ("13800000001", "13800000002"):
        change = ru.update_member_undoable(db, mid, {"phone": phone})[1]
        assert change.expects == (RowState("member", mid, db.get("member", mid)["rev"]),)
        stack.push(change)
        states.append(snapshot(db, "member", mid))
    for state in (states[1], states[0]):
        undo_and_check(db, stack, "修改党员 陈晨")
        assert snapshot(db, "member", mid) == state
    for state in (states[1], states[2]):
        redo_and_check(db, stack, "修改党员 陈晨")
        assert snapshot(db, "member", mid) == state
    undo_and_check(db, stack, "修改党员 陈晨")
    reg.update_member(db, mid, {"note": "别处的修改"})  # a change outside the stack: the older undo refuses
    with pytest.raises(UserError, match="此后又被修改过"):
        stack.undo(db)


def test_add_member_undone_removes_it_and_its_history_redo_brings_the_same_id_back(db, branch):
    stack = UndoStack()
    mid, change = ru.add_member_undoable(db, person("李娜"), org_id=branch)
    stack.push(change)
    row, history = snapshot(db, "member", mid), events(db, mid)
    assert history and history[0][1] == "入党登记"
    undo_and_check(db, stack, "新增党员 李娜")
    assert db.get("member", mid) is None and events(db, mid) == []
    redo_and_check(db, stack, "新增党员 李娜")
    assert snapshot(db, "member", mid) == row and events(db, mid) == history


def test_removed_member_comes_back_with_id_history_and_group_leadership(db, branch):
    group = reg.add_org(db, parent_id=branch, name="第一党小组", org_type="党小组")
    mid = reg.add_member(db, person("王强", group_id=group), org_id=branch)
    reg.set_group_leader(db, group, mid)
    reg.change_status(db, mid, event="失联", date=dates.today().isoformat())
    row, history = snapshot(db, "member", mid), events(db, mid)
    stack = UndoStack()
    _, change = ru.remove_member_undoable(db, mid, reason="录入错误")
    stack.push(change)
    assert db.get("member", mid) is None and db.get("org", group)["leader_member_id"] is None
    undo_and_check(db, stack, "删除党员 王强")
    assert snapshot(db, "member", mid) == row
    assert events(db, mid) == history and len(history) == 2
    assert db.get("org", group)["leader_member_id"] == mid
    redo_and_check(db, stack, "删除党员 王强")
    assert db.get("member", mid) is None and events(db, mid) == []


def test_transfer_undone_puts_the_member_back_and_drops_the_event(db, root, branch):
    other = reg.add_org(db, parent_id=root, name="西村党支部", org_type="党支部", kind="村")
    group = reg.add_org(db, parent_id=branch, name="第一党小组", org_type="党小组")
    mid = reg.add_member(db, person("赵敏", group_id=group), org_id=branch)
    reg.set_group_leader(db, group, mid)
    stack = UndoStack()
    _, change = ru.transfer_member_undoable(db, mid, to_org_id=other, date="2024-03-01")
    stack.push(change)
    assert db.get("member", mid)["org_id"] == other and len(events(db, mid)) == 2
    undo_and_check(db, stack, "转接党员 赵敏")
    m = db.get("member", mid)
    assert (m["org_id"], m["group_id"]) == (branch, group)
    assert [e[1] for e in events(db, mid)] == ["入党登记"]
    assert db.get("org", group)["leader_member_id"] == mid
    redo_and_check(db, stack, "转接党员 赵敏")
    assert db.get("member", mid)["org_id"] == other


def test_status_change_undone(db, branch):
    mid = reg.add_member(db, person("孙丽"), org_id=branch)
    stack = UndoStack()
    _, change = ru.change_status_undoable(db, mid, event="转出", date=dates.today().isoformat())
    stack.push(change)
    assert db.get("member", mid)["status"] == "已转出"
    undo_and_check(db, stack, "党籍变动 孙丽（转出）")
    assert db.get("member", mid)["status"] == "正常"
    assert [e[1] for e in events(db, mid)] == ["入党登记"]


# ---- organisations ------------------------------------------------------------------------

def test_organisation_add_edit_delete_undone(db, root):
    stack = UndoStack()
    oid, change = ru.add_org_undoable(db, parent_id=root, name="南村党支部", org_type="党支部", kind="村")
    stack.push(change)
    _, change = ru.update_org_undoable(db, oid, {"name": "南庄村党支部", "phone": "13800138000"})
    stack.push(change)
    renamed = snapshot(db, "org", oid)
    undo_and_check(db, stack, "修改组织 南村党支部→南庄村党支部")
    assert db.get("org", oid)["name"] == "南村党支部" and db.get("org", oid)["phone"] is None
    redo_and_check(db, stack, "修改组织 南村党支部→南庄村党支部")
    assert snapshot(db, "org", oid) == renamed
    _, change = ru.delete_org_undoable(db, oid)
    stack.push(change)
    assert db.get("org", oid) is None
    undo_and_check(db, stack, "删除组织 南庄村党支部")
    assert snapshot(db, "org", oid) == renamed
    undo_and_check(db, stack, "修改组织 南村党支部→南庄村党支部")
    undo_and_check(db, stack, "新增党支部 南村党支部")
    assert db.get("org", oid) is None


# ---- refusals ---------------------------------------------------------------------------------

def test_undo_refused_when_the_member_was_edited_again_elsewhere(db, branch):
    mid = reg.add_member(db, person("周杰"), org_id=branch)
    stack = UndoStack()
    _, change = ru.update_member_undoable(db, mid, {"phone": "13800138000"})
    stack.push(change)
    reg.update_member(db, mid, {"phone": "13900139000"})  # another edit, not through the stack
    mark, row = tx_mark(db), snapshot(db, "member", mid)
    with pytest.raises(UserError, match="不能撤销“修改党员 周杰”：党员“周杰”此后又被修改过"):
        stack.undo(db)
    assert tx_mark(db) == mark and snapshot(db, "member", mid) == row
    assert not stack.can_undo() and not stack.can_redo()  # the stale entry is dropped
    assert db.verify() == []


def test_undo_of_an_add_refused_once_the_member_is_used_elsewhere(db, branch):
    stack = UndoStack()
    mid, change = ru.add_member_undoable(db, person("吴刚"), org_id=branch)
    stack.push(change)
    reg.start_term(db, branch, start_date="2023-03-01", years=3)
    reg.add_committee_member(db, branch, role="书记", start_date="2023-03-01", member_id=mid)
    mark = tx_mark(db)
    with pytest.raises(UserError, match="此后已被其他记录用到（支委任职 1 条）"):
        stack.undo(db)
    assert tx_mark(db) == mark and db.get("member", mid) is not None


def test_undo_of_a_removal_refused_when_the_id_number_was_registered_again(db, branch):
    values = person("郑爽")
    mid = reg.add_member(db, values, org_id=branch)
    stack = UndoStack()
    _, change = ru.remove_member_undoable(db, mid, reason="录入错误")
    stack.push(change)
    reg.add_member(db, dict(values, name="郑霜"), org_id=branch)  # the same person entered again
    with pytest.raises(UserError, match="身份证号与已登记的党员“郑霜”重复"):
        stack.undo(db)
    assert db.get("member", mid) is None


def test_redo_refused_when_the_row_moved_on_after_the_undo(db, branch):
    mid = reg.add_member(db, person("钱进"), org_id=branch)
    stack = UndoStack()
    stack.push(ru.update_member_undoable(db, mid, {"phone": "13800138000"})[1])
    stack.undo(db)
    reg.update_member(db, mid, {"note": "后来的修改"})
    with pytest.raises(UserError, match="不能重做“修改党员 钱进”：.*又被修改过"):
        stack.redo(db)
    assert db.get("member", mid)["phone"] is None and db.get("member", mid)["note"] == "后来的修改"


# ---- the stack --------------------------------------------------------------------------------

def test_a_new_action_clears_the_redo_list_and_the_stack_is_bounded(db, branch):
    mid = reg.add_member(db, person("冯雪"), org_id=branch)
    stack = UndoStack(limit=3)
    for phone in ("13800000001", "13800000002", "13800000003", "13800000004"):
        stack.push(ru.update_member_undoable(db, mid, {"phone": phone})[1])
    assert len(stack.labels()[0]) == 3
    stack.undo(db)
    assert db.get("member", mid)["phone"] == "13800000003" and stack.can_redo()
    stack.push(ru.update_member_undoable(db, mid, {"note": "新的修改"})[1])
    assert not stack.can_redo()
    assert stack.labels() == (["修改党员 冯雪"] * 3, [])
    stack.push(ru.update_member_undoable(db, mid, {"note": "新的修改"})[1])  # nothing changed: nothing pushed
    assert len(stack.labels()[0]) == 3
    with pytest.raises(UserError, match="没有可以重做"):
        stack.redo(db)


# ---- assessment sheets ----------------------------------------------------------------------

@pytest.fixture
def sheet(db):
    add_branches(db, [("东岭村党支部", "村")])
    _rid, branches = new_round(db)
    return branches[0].id


def test_score_reason_and_veto_undone_and_redone(db, sheet):
    stack = UndoStack()
    sheets.set_score(db, sheet, "A", "self", 12)
    stored, change = su.set_score_undoable(db, sheet, "A", "self", "15")
    assert stored == 15
    stack.push(change)
    stack.push(su.set_score_undoable(db, sheet, "B", "self", "8")[1])  # a new row
    stack.push(su.set_reason_undoable(db, sheet, "A", "会议记录不全")[1])
    stack.push(su.set_veto_undoable(db, sheet, "V1", "书记空缺半年", found_on="2025-05-01")[1])
    s = sheets.open_sheet(db, sheet)
    assert (s.item("A").self_score, s.item("B").self_score, s.item("A").reason) == (15, 8, "会议记录不全")
    assert s.triggered_vetoes() == ["V1"]
    undo_and_check(db, stack, "登记否决项 东岭村党支部 V1")
    undo_and_check(db, stack, "填写扣分原因 东岭村党支部 A")
    undo_and_check(db, stack, "填写自评分 东岭村党支部 B")
    undo_and_check(db, stack, "填写自评分 东岭村党支部 A")
    s = sheets.open_sheet(db, sheet)
    assert (s.item("A").self_score, s.item("B").self_score, s.item("A").reason) == (12, None, "")
    assert s.triggered_vetoes() == []
    for label in ("填写自评分 东岭村党支部 A", "填写自评分 东岭村党支部 B", "填写扣分原因 东岭村党支部 A",
                  "登记否决项 东岭村党支部 V1"):
        redo_and_check(db, stack, label)
    s = sheets.open_sheet(db, sheet)
    assert (s.item("A").self_score, s.item("B").self_score, s.item("A").reason) == (15, 8, "会议记录不全")
    assert s.vetoes[0].fact == "书记空缺半年" and s.vetoes[0].found_on == "2025-05-01"
    stack.push(su.clear_veto_undoable(db, sheet, "V1")[1])
    assert sheets.open_sheet(db, sheet).triggered_vetoes() == []
    undo_and_check(db, stack, "取消否决项 东岭村党支部 V1")
    assert sheets.open_sheet(db, sheet).vetoes[0].fact == "书记空缺半年"


def test_veto_marked_by_a_dialog_recorded_from_a_mark(db, sheet):
    opened = mark(db)
    sheets.set_veto(db, sheet, "V2", "事实")
    change = su.veto_set_since(db, opened, sheet, "V2")
    assert change is not None and change.label == "登记否决项 东岭村党支部 V2"
    assert su.veto_set_since(db, mark(db), sheet, "V2") is None  # nothing since


def test_score_undo_refused_once_the_sheet_moved_past_the_stage(db, sheet):
    fill(db, sheet, "self", lambda i: i.max)
    stack = UndoStack()
    stack.push(su.set_score_undoable(db, sheet, "A", "self", 15)[1])
    workflow.move(db, sheet, "初审")
    with pytest.raises(UserError, match="不能撤销“填写自评分 东岭村党支部 A”：.*不能填写自评分"):
        stack.undo(db)
    assert sheets.open_sheet(db, sheet).item("A").self_score == 15


def test_score_undo_refused_after_the_sheet_is_confirmed(db, sheet):
    fill(db, sheet, "self", lambda i: i.max)
    workflow.move(db, sheet, "初审")
    fill(db, sheet, "initial", lambda i: i.max)
    workflow.move(db, sheet, "审核")
    fill(db, sheet, "final", lambda i: i.max)
    stack = UndoStack()
    stack.push(su.set_score_undoable(db, sheet, "A", "final", 15)[1])
    workflow.move(db, sheet, "公示", today=dt.date(2025, 12, 1))
    workflow.confirm(db, sheet, today=dt.date(2026, 1, 5))
    mark = tx_mark(db)
    with pytest.raises(LockedError, match="不能撤销.*考核结果已确定"):
        stack.undo(db)
    assert tx_mark(db) == mark and sheets.open_sheet(db, sheet).item("A").final_score == 15
    assert db.verify() == []
