"""Undo and redo of committee and term changes (换届, 延期换届, 任命支委, 支委离任): the rows come back
exactly; refusals when the committee has moved on so that writing the old values back would break it;
and the member changes that end committee posts (转出, 死亡 …) undone alongside them."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop import dates
from dangjian_desktop import registry as reg
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import undoable as ru
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.undo import UndoStack, tx_mark

_seq = iter(range(10_000))
TODAY = dates.today().isoformat()


def person(name: str) -> dict:
    return {"name": name, "ethnicity": "汉族", "id_number": make("140826", dt.date(1980, 1, 1), next(_seq), True),
            "join_date": "2005-07-01", "full_date": "2006-07-01", "category": "正式党员"}


@pytest.fixture
def branch(db):
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    return reg.add_org(db, parent_id=root, name="南村党支部", org_type="党支部", kind="村")


@pytest.fixture
def sitting(db, branch):
    """南村党支部 elected 2021-03-01 with 张伟 as 书记 and 李娜 as 组织委员."""
    zhang, li = (reg.add_member(db, person(n), org_id=branch) for n in ("张伟", "李娜"))
    term = reg.start_term(db, branch, start_date="2021-03-01", years=3)
    posts = [reg.add_committee_member(db, branch, role=role, start_date="2021-03-01", member_id=m)
             for role, m in (("书记", zhang), ("组织委员", li))]
    return term, posts, zhang, li


def rows(db, branch) -> dict:
    """Every term and post of the branch as stored, revisions and times left out."""
    out = {}
    for table, sql in (("committee_term", "SELECT * FROM committee_term WHERE org_id = ?"),
                       ("committee_member", "SELECT cm.* FROM committee_member cm JOIN committee_term t "
                                            "ON t.id = cm.term_id WHERE t.org_id = ?")):
        for r in db.query(sql, (branch,)):
            out[(table, r["id"])] = {k: r[k] for k in r.keys() if k not in ("rev", "updated_at")}
    return out


def undo(db, stack: UndoStack, label: str) -> None:
    before = tx_mark(db)
    assert stack.undo_label() == label
    stack.undo(db)
    assert tx_mark(db) == before + 1
    assert db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1") == f"撤销：{label}"
    assert db.verify() == []


def redo(db, stack: UndoStack, label: str) -> None:
    assert stack.redo_label() == label
    stack.redo(db)
    assert db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1") == f"重做：{label}"
    assert db.verify() == []


def refused(db, stack: UndoStack, match: str, *, redo_it: bool = False) -> None:
    """The undo (or redo) says why and writes nothing."""
    before, data = tx_mark(db), {t: db.query(f"SELECT * FROM {t} ORDER BY id") for t in
                                 ("committee_term", "committee_member", "member")}
    with pytest.raises(UserError, match=match):
        stack.redo(db) if redo_it else stack.undo(db)
    assert tx_mark(db) == before
    assert {t: db.query(f"SELECT * FROM {t} ORDER BY id") for t in data} == data


# ---- each change undone and redone --------------------------------------------------------

def test_new_term_undone_restores_the_former_term_and_committee_and_redone_ends_them_again(db, branch, sitting):
    term, posts, _zhang, _li = sitting
    before = rows(db, branch)
    stack = UndoStack()
    new, change = ru.start_term_undoable(db, branch, start_date="2024-03-01", years=3)
    stack.push(change)
    after = rows(db, branch)
    assert reg.current_term(db, branch).id == new and reg.committee(db, branch) == []
    undo(db, stack, "换届 南村党支部")
    assert rows(db, branch) == before
    assert reg.current_term(db, branch).id == term
    assert [c["id"] for c in reg.committee(db, branch)] == posts
    redo(db, stack, "换届 南村党支部")
    assert rows(db, branch) == after
    undo(db, stack, "换届 南村党支部")
    assert rows(db, branch) == before


def test_first_term_undone_leaves_the_branch_without_one(db, branch):
    stack = UndoStack()
    term, change = ru.start_term_undoable(db, branch, start_date="2023-03-01", years=2)
    stack.push(change)
    undo(db, stack, "换届 南村党支部")
    assert db.get("committee_term", term) is None and reg.current_term(db, branch) is None
    redo(db, stack, "换届 南村党支部")
    assert reg.current_term(db, branch).id == term


def test_extension_undone_and_redone(db, branch, sitting):
    term = sitting[0]
    before = rows(db, branch)
    stack = UndoStack()
    stack.push(ru.extend_term_undoable(db, term, months=6, approval="镇党委〔2024〕3号")[1])
    after = rows(db, branch)
    undo(db, stack, "延期换届 南村党支部")
    assert rows(db, branch) == before and reg.current_term(db, branch).extension_months == 0
    redo(db, stack, "延期换届 南村党支部")
    assert rows(db, branch) == after and reg.current_term(db, branch).extension_approval == "镇党委〔2024〕3号"


def test_appointment_and_departure_undone_and_redone(db, branch, sitting):
    wang = reg.add_member(db, person("王强"), org_id=branch)
    stack = UndoStack()
    before = rows(db, branch)
    cm, change = ru.add_committee_member_undoable(db, branch, role="宣传委员", start_date=TODAY, member_id=wang)
    stack.push(change)
    appointed = rows(db, branch)
    _, change = ru.end_committee_member_undoable(db, sitting[1][0], end_date=TODAY)
    stack.push(change)
    ended = rows(db, branch)
    undo(db, stack, "支委离任 张伟（书记）")
    assert rows(db, branch) == appointed and db.get("committee_member", sitting[1][0])["end_date"] is None
    undo(db, stack, "任命支委 王强（宣传委员）")
    assert rows(db, branch) == before and db.get("committee_member", cm) is None
    redo(db, stack, "任命支委 王强（宣传委员）")
    assert rows(db, branch) == appointed
    redo(db, stack, "支委离任 张伟（书记）")
    assert rows(db, branch) == ended


def test_appointing_someone_not_on_the_roster_is_named_as_typed(db, branch, sitting):
    stack = UndoStack()
    stack.push(ru.add_committee_member_undoable(db, branch, role="委员", start_date=TODAY, name=" 赵敏 ")[1])
    undo(db, stack, "任命支委 赵敏（委员）")


# ---- refusals --------------------------------------------------------------------------------

def test_new_term_not_undone_once_someone_was_appointed_in_it(db, branch, sitting):
    stack = UndoStack()
    stack.push(ru.start_term_undoable(db, branch, start_date="2024-03-01", years=3)[1])
    reg.add_committee_member(db, branch, role="书记", start_date="2024-03-01", member_id=sitting[2])  # not undoable
    refused(db, stack, "不能撤销“换届 南村党支部”：.*此后已被其他记录用到（支委任职 1 条）")


def test_new_term_not_undone_when_a_former_committee_member_has_since_died(db, branch, sitting):
    stack = UndoStack()
    stack.push(ru.start_term_undoable(db, branch, start_date="2024-03-01", years=3)[1])
    reg.change_status(db, sitting[3], event="死亡", date="2024-05-01")
    refused(db, stack, "不能撤销“换届 南村党支部”：李娜的党籍状态此后为“已去世”，不能再任组织委员")


def test_departure_not_undone_once_a_new_secretary_was_appointed(db, branch, sitting):
    wang = reg.add_member(db, person("王强"), org_id=branch)
    stack = UndoStack()
    stack.push(ru.end_committee_member_undoable(db, sitting[1][0], end_date=TODAY)[1])
    reg.add_committee_member(db, branch, role="书记", start_date=TODAY, member_id=wang)
    refused(db, stack, "本届此后已由王强任书记，请先办理其离任")


def test_departure_not_undone_after_a_new_term(db, branch, sitting):
    stack = UndoStack()
    stack.push(ru.end_committee_member_undoable(db, sitting[1][1], end_date="2023-01-01")[1])
    reg.start_term(db, branch, start_date="2024-03-01", years=3)
    refused(db, stack, "南村党支部此后已换届，李娜不能再回到上一届的组织委员职务")


def test_appointment_not_redone_when_the_member_was_appointed_again_meanwhile(db, branch, sitting):
    wang = reg.add_member(db, person("王强"), org_id=branch)
    stack = UndoStack()
    stack.push(ru.add_committee_member_undoable(db, branch, role="宣传委员", start_date=TODAY, member_id=wang)[1])
    stack.undo(db)
    reg.add_committee_member(db, branch, role="委员", start_date=TODAY, member_id=wang)
    refused(db, stack, "不能重做“任命支委 王强（宣传委员）”：王强此后已任本届委员", redo_it=True)


def test_new_term_not_redone_when_the_former_committee_grew_meanwhile(db, branch, sitting):
    wang = reg.add_member(db, person("王强"), org_id=branch)
    stack = UndoStack()
    stack.push(ru.start_term_undoable(db, branch, start_date="2024-03-01", years=3)[1])
    stack.undo(db)
    reg.add_committee_member(db, branch, role="委员", start_date=TODAY, member_id=wang)
    refused(db, stack, "南村党支部这一届支委班子此后又有王强任委员，请先办理其离任", redo_it=True)


# ---- member changes that end committee posts ------------------------------------------------

def test_undone_death_of_a_secretary_brings_back_the_post_and_the_new_term_undo_goes_first(db, branch, sitting):
    term, posts, zhang, _li = sitting
    before = rows(db, branch)
    stack = UndoStack()
    stack.push(ru.change_status_undoable(db, zhang, event="死亡", date="2024-01-10")[1])
    assert db.get("committee_member", posts[0])["end_date"] == "2024-01-10"
    stack.push(ru.start_term_undoable(db, branch, start_date="2024-03-01", years=3)[1])
    undo(db, stack, "换届 南村党支部")
    assert db.get("committee_member", posts[0])["end_date"] == "2024-01-10"  # still ended by the death
    undo(db, stack, "党籍变动 张伟（死亡）")
    assert rows(db, branch) == before and db.get("member", zhang)["status"] == "正常"
    redo(db, stack, "党籍变动 张伟（死亡）")
    redo(db, stack, "换届 南村党支部")
    assert reg.current_term(db, branch).id != term


def test_undone_transfer_out_refused_when_the_post_s_term_has_since_ended(db, branch, sitting):
    stack = UndoStack()
    stack.push(ru.change_status_undoable(db, sitting[2], event="转出", date="2024-01-10")[1])
    reg.start_term(db, branch, start_date="2024-03-01", years=3)  # not through the stack
    refused(db, stack, "不能撤销“党籍变动 张伟（转出）”：南村党支部此后已换届，张伟不能再回到上一届的书记职务")


def test_undone_transfer_out_refused_once_another_secretary_sits(db, branch, sitting):
    wang = reg.add_member(db, person("王强"), org_id=branch)
    stack = UndoStack()
    stack.push(ru.change_status_undoable(db, sitting[2], event="转出", date=TODAY)[1])
    reg.add_committee_member(db, branch, role="书记", start_date=TODAY, member_id=wang)
    refused(db, stack, "本届此后已由王强任书记")


def test_redone_death_refused_when_the_member_took_a_post_after_the_undo(db, branch, sitting):
    li = sitting[3]
    stack = UndoStack()
    stack.push(ru.change_status_undoable(db, li, event="死亡", date=TODAY)[1])
    stack.undo(db)
    general = reg.add_org(db, parent_id=db.get("org", branch)["parent_id"], name="南村党总支", org_type="党总支")
    reg.start_term(db, general, start_date=TODAY, years=3)
    reg.add_committee_member(db, general, role="纪检委员", start_date=TODAY, member_id=li)
    refused(db, stack, "不能重做“党籍变动 李娜（死亡）”：李娜此后又任纪检委员，请先办理其离任", redo_it=True)


# ---- party group leaders -------------------------------------------------------------------

def test_group_leader_undone_and_redone_and_refused_once_the_leader_left_the_group(db, branch):
    group = reg.add_org(db, parent_id=branch, name="第一党小组", org_type="党小组")
    zhou, wu = (reg.add_member(db, dict(person(n), group_id=group), org_id=branch) for n in ("周杰", "吴刚"))
    reg.set_group_leader(db, group, zhou)
    stack = UndoStack()
    stack.push(ru.set_group_leader_undoable(db, group, wu)[1])
    undo(db, stack, "设定党小组长 第一党小组（吴刚）")
    assert db.get("org", group)["leader_member_id"] == zhou
    redo(db, stack, "设定党小组长 第一党小组（吴刚）")
    assert db.get("org", group)["leader_member_id"] == wu
    reg.update_member(db, zhou, {"group_id": None})  # 周杰 leaves the group
    refused(db, stack, "不能撤销“设定党小组长 第一党小组（吴刚）”：周杰此后已不在第一党小组，不能再任组长")


def test_redone_transfer_out_refused_when_the_member_leads_a_group_again(db, branch):
    group = reg.add_org(db, parent_id=branch, name="第二党小组", org_type="党小组")
    zheng = reg.add_member(db, dict(person("郑爽"), group_id=group), org_id=branch)
    stack = UndoStack()
    stack.push(ru.change_status_undoable(db, zheng, event="转出", date=TODAY)[1])
    stack.undo(db)
    reg.set_group_leader(db, group, zheng)  # not through the stack
    refused(db, stack, "郑爽此后任第二党小组组长，请先另选组长", redo_it=True)
