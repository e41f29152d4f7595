"""Registry core: tree rules, committees and terms, member history, warnings."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop import dates
from dangjian_desktop import registry as reg
from dangjian_desktop.errors import UserError, ValidationError
from dangjian_desktop.registry.idcard import make

_seq = iter(range(10_000))


def person(born=dt.date(1980, 1, 1), male=True, **over):
    v = {"name": "张伟" if male else "王芳", "ethnicity": "汉族", "education": "大学本科",
         "person_class": "在岗职工", "job": "公务员",
         "id_number": make("140826", born, next(_seq), male), "join_date": "2005-07-01",
         "full_date": "2006-07-01", "category": "正式党员"}
    v.update(over)
    return v


@pytest.fixture
def root(db):
    return db.scalar("SELECT id FROM org WHERE parent_id IS NULL")


@pytest.fixture
def branch(db, root):
    return reg.add_org(db, parent_id=root, name="东村党支部", org_type="党支部", kind="村")


def codes(db, **kw):
    return sorted(w.code for w in reg.compute_warnings(db, **kw))


@pytest.mark.parametrize("parent_type, child_type, ok", [
    ("党委", "党总支", True), ("党委", "党支部", True), ("党总支", "党支部", True),
    ("党支部", "党小组", True), ("党支部", "党支部", False), ("党小组", "党小组", False), ("党委", "党小组", False),
])
def test_tree_rules(db, root, parent_type, child_type, ok):
    parents = {"党委": root}
    parents["党总支"] = reg.add_org(db, parent_id=root, name="社区党总支", org_type="党总支", kind="社区")
    parents["党支部"] = reg.add_org(db, parent_id=root, name="西村党支部", org_type="党支部", kind="村")
    parents["党小组"] = reg.add_org(db, parent_id=parents["党支部"], name="第一党小组", org_type="党小组")
    kind = "网格" if child_type == "党支部" else None
    if ok:
        reg.add_org(db, parent_id=parents[parent_type], name="新组织", org_type=child_type, kind=kind)
    else:
        with pytest.raises(ValidationError, match="不能设在"):
            reg.add_org(db, parent_id=parents[parent_type], name="新组织", org_type=child_type, kind=kind)


def test_branch_needs_a_kind_and_a_unique_name(db, root, branch):
    with pytest.raises(ValidationError, match="须选择类别"):
        reg.add_org(db, parent_id=root, name="南村党支部", org_type="党支部")
    with pytest.raises(ValidationError, match="已有名为"):
        reg.add_org(db, parent_id=root, name="东村党支部", org_type="党支部", kind="村")


def test_an_organisation_name_pasted_over_two_lines_is_one_name_and_has_a_length(db, root, branch):
    """A name pasted with a line break read as another name: a second 东村党支部 that looks the same."""
    with pytest.raises(ValidationError, match="已有名为“东村党支部”"):
        reg.add_org(db, parent_id=root, name="东村\n党支部", org_type="党支部", kind="村")
    oid = reg.add_org(db, parent_id=root, name=" 南村\r\n党支部", org_type="党支部", kind="村",
                      address="文城镇\n南村 1 号", note="2019年\n由两村合并")
    row = db.get("org", oid)
    assert (row["name"], row["address"], row["note"]) == ("南村党支部", "文城镇南村 1 号", "2019年由两村合并")
    with pytest.raises(ValidationError, match="组织名称最多50个字，这里有503个字"):
        reg.add_org(db, parent_id=root, name="北" * 500 + "党支部", org_type="党支部", kind="村")


def test_a_party_group_or_branch_with_members_keeps_them_in_a_branch(db, root, branch):
    """A 党小组 moved with its members to another branch left them in the old branch in a group of
    the new one (every later edit of theirs refused); a branch made a 党小组 left its members in no
    branch (no longer counted anywhere)."""
    from dangjian_desktop.registry.undoable import update_org_undoable

    other = reg.add_org(db, parent_id=root, name="西村党支部", org_type="党支部", kind="村")
    group = reg.add_org(db, parent_id=branch, name="第一党小组", org_type="党小组")
    m = reg.add_member(db, person(group_id=group), org_id=branch, event_date="2005-07-01")
    reg.add_member(db, person(), org_id=other, event_date="2005-07-01")
    with pytest.raises(UserError, match="“第一党小组”还有1名党员，不能移到其他组织之下"):
        reg.update_org(db, group, {"parent_id": other})
    with pytest.raises(UserError, match="“第一党小组”还有1名党员，不能改为党支部"):
        reg.update_org(db, group, {"org_type": "党支部", "parent_id": root, "kind": "村"})
    with pytest.raises(UserError, match="“西村党支部”还有1名党员，不能改为党小组"):
        reg.update_org(db, other, {"org_type": "党小组", "parent_id": branch, "kind": None})
    assert reg.tree_counts(db)[root].total == 2
    reg.update_org(db, group, {"name": "第一党小组（东片）"})  # a rename stays possible
    # An empty group moves; moving it back is refused once it has members where it is now.
    empty = reg.add_org(db, parent_id=branch, name="第二党小组", org_type="党小组")
    _, change = update_org_undoable(db, empty, {"parent_id": other})
    reg.add_member(db, person(group_id=empty), org_id=other, event_date="2005-07-01")
    with pytest.raises(UserError, match="不能撤销.*还有1名党员"):
        change.undo(db)
    reg.update_member(db, m, {"phone": "13800138000"})


def test_org_with_members_cannot_be_deleted(db, branch):
    reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    with pytest.raises(UserError, match="还有 1 名党员"):
        reg.delete_org(db, branch)


def test_a_branch_whose_members_left_hands_their_records_to_its_successor_and_is_deleted(db, root, branch):
    """A branch where someone had died could never be dissolved: deleting it asked to transfer
    its members first, and a member who died could not be transferred."""
    successor = reg.add_org(db, parent_id=root, name="新东村党支部", org_type="党支部", kind="村")
    m = reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    reg.change_status(db, m, event="死亡", date="2024-02-01")
    with pytest.raises(UserError, match="还有 1 名党员的记录.*其中1名已转出、去世等"):
        reg.delete_org(db, branch)
    reg.transfer_member(db, m, to_org_id=successor, date="2025-01-01", note="东村党支部撤销")
    row = db.get("member", m)
    assert (row["org_id"], row["status"]) == (successor, "已去世")
    last = reg.history(db, m)[-1]
    assert (last["from_org"], last["to_org"], last["from_status"], last["to_status"]) == \
        ("东村党支部", "新东村党支部", "已去世", "已去世")
    assert reg.tree_counts(db)[successor].total == 0
    reg.delete_org(db, branch)
    assert db.get("org", branch) is None


def test_org_with_records_is_not_deleted_and_keeps_them(db, branch):
    """An empty branch that still has an applicant and a 谈心谈话 record (deleted with it by the
    schema) is refused with what it holds in words, not deleted with them; once they are gone it
    can be deleted."""
    from dangjian_desktop.ledgers import pipeline, records

    pid = pipeline.add_person(db, branch, {"name": "周新", "ethnicity": "汉族"}, applied_on="2025-03-01")
    tid = records.add_talk(db, branch, date="2025-03-05", talker="镇党委书记", participants="支委全体",
                           topic="班子履职情况")
    with pytest.raises(UserError, match="还有1名发展党员对象、1条谈心谈话记录，不能删除"):
        reg.delete_org(db, branch)
    assert db.get("org", branch) and db.get("dev_person", pid) and db.get("talk_record", tid)
    with db.transaction("清理") as tx:
        tx.delete("dev_person", pid)
        tx.delete("talk_record", tid)
    reg.delete_org(db, branch)
    assert db.get("org", branch) is None


def test_org_in_an_assessment_round_is_refused_in_words(db, branch):
    """A branch on a round's sheet: a Chinese reason, not the schema's foreign-key failure."""
    from dangjian_desktop.assessment import rounds

    rounds.create_round(db, year=2026, scheme_id="guifanhua", org_ids=[branch])
    with pytest.raises(UserError, match="还有1张考核表（考核轮次），不能删除"):
        reg.delete_org(db, branch)
    assert db.get("org", branch)


def test_new_term_ends_the_previous_one_and_its_committee(db, branch):
    m = reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    reg.start_term(db, branch, start_date="2021-03-01", years=3)
    reg.add_committee_member(db, branch, role="书记", member_id=m, start_date="2021-03-01")
    reg.start_term(db, branch, start_date="2024-03-01", years=3)
    assert reg.committee(db, branch) == []
    assert reg.current_term(db, branch).due == dt.date(2027, 3, 1)
    assert db.scalar("SELECT end_date FROM committee_member") == "2024-03-01"


@pytest.mark.parametrize("years", [1, 4, 5])
def test_term_is_two_or_three_years(db, branch, years):
    with pytest.raises(ValidationError, match="2年或3年"):
        reg.start_term(db, branch, start_date="2024-03-01", years=years)


def test_extension_needs_approval_and_at_most_a_year(db, branch):
    tid = reg.start_term(db, branch, start_date="2023-03-01", years=3)
    with pytest.raises(ValidationError, match="批准"):
        reg.extend_term(db, tid, months=6, approval="")
    with pytest.raises(ValidationError, match="不超过一年"):
        reg.extend_term(db, tid, months=13, approval="镇党委〔2026〕1号")
    reg.extend_term(db, tid, months=6, approval="镇党委〔2026〕1号")
    assert reg.current_term(db, branch).due == dt.date(2026, 9, 1)


def test_only_one_secretary_at_a_time(db, branch):
    a = reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    b = reg.add_member(db, person(male=False), org_id=branch, event_date="2005-07-01")
    reg.start_term(db, branch, start_date="2024-03-01", years=3)
    reg.add_committee_member(db, branch, role="书记", member_id=a, start_date="2024-03-01")
    with pytest.raises(ValidationError, match="已有书记"):
        reg.add_committee_member(db, branch, role="书记", member_id=b, start_date="2024-03-01")


def test_status_changes_are_dated_history_never_overwritten(db, branch):
    m = reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    reg.change_status(db, m, event="失联", date="2024-01-10")
    reg.change_status(db, m, event="恢复联系", date="2024-05-01")
    reg.change_status(db, m, event="转出", date="2025-01-01", note="转至县城")
    events = [(e["event_type"], e["event_date"], e["to_status"]) for e in reg.history(db, m)]
    assert events == [("入党登记", "2005-07-01", "正常"), ("失联", "2024-01-10", "失联"),
                      ("恢复联系", "2024-05-01", "正常"), ("转出", "2025-01-01", "已转出")]
    assert db.get("member", m)["status"] == "已转出"


def test_a_member_whose_membership_was_stopped_can_have_it_restored(db, branch):
    """停止党籍 is not the end: a member back in contact whom the party organisation accepts again
    gets 恢复党籍 and is counted again; 出党 stays open too."""
    from dangjian_desktop.registry.members import available_events

    m = reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    reg.change_status(db, m, event="失联", date="2024-01-10")
    reg.change_status(db, m, event="停止党籍", date="2024-08-01")
    assert reg.tree_counts(db)[branch].total == 0
    assert "恢复党籍" in available_events(db.get("member", m)) and "出党" in available_events(db.get("member", m))
    reg.change_status(db, m, event="恢复党籍", date="2025-03-01", note="经党委审查同意")
    row = db.get("member", m)
    assert row["status"] == "正常" and reg.tree_counts(db)[branch].total == 1
    last = reg.history(db, m)[-1]
    assert (last["event_type"], last["from_status"], last["to_status"]) == ("恢复党籍", "停止党籍", "正常")
    assert "恢复党籍" not in available_events(row)


def test_impossible_status_change_is_refused(db, branch):
    m = reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    with pytest.raises(UserError, match="不能办理“恢复联系”"):
        reg.change_status(db, m, event="恢复联系", date="2024-05-01")


def test_becoming_a_full_member_sets_category_and_date(db, branch):
    m = reg.add_member(db, person(category="预备党员", full_date=None, join_date="2025-06-01"),
                       org_id=branch, event_date="2025-06-01")
    reg.change_status(db, m, event="预备转正", date="2026-06-01")
    row = db.get("member", m)
    assert (row["category"], row["full_date"]) == ("正式党员", "2026-06-01")


def test_a_conversion_or_loss_of_contact_of_months_ago_is_caught_up_for_a_member_registered_today(db, branch):
    """Registration is dated the day the record was entered; what came before it in the member's
    life (a 转正 last June) is caught up afterwards. The join date bounds it, and status changes
    still go forward among themselves."""
    m = reg.add_member(db, person(category="预备党员", full_date=None, join_date="2025-06-01"), org_id=branch)
    assert reg.history(db, m)[0]["event_date"] == dates.today().isoformat()
    reg.change_status(db, m, event="预备转正", date="2026-06-02")
    assert db.get("member", m)["full_date"] == "2026-06-02"
    with pytest.raises(ValidationError, match="变动日期不能早于入党日期（2025年6月1日）"):
        reg.change_status(db, m, event="失联", date="2025-01-01")
    reg.change_status(db, m, event="失联", date="2026-08-01")
    with pytest.raises(ValidationError, match="变动日期不能早于上一次变动（2026年8月1日）"):
        reg.change_status(db, m, event="恢复联系", date="2026-07-01")


def test_transfer_moves_the_member_and_records_from_where(db, root, branch):
    other = reg.add_org(db, parent_id=root, name="西村党支部", org_type="党支部", kind="村")
    m = reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    reg.transfer_member(db, m, to_org_id=other, date="2025-03-01")
    assert db.get("member", m)["org_id"] == other
    last = reg.history(db, m)[-1]
    assert (last["from_org"], last["to_org"]) == ("东村党支部", "西村党支部")


def test_duplicate_id_number_is_refused(db, branch):
    p = person()
    reg.add_member(db, p, org_id=branch, event_date="2005-07-01")
    with pytest.raises(ValidationError, match="重复"):
        reg.add_member(db, dict(p, name="李强"), org_id=branch)


def test_removal_needs_a_reason_and_is_logged(db, branch):
    m = reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    with pytest.raises(ValidationError):
        reg.remove_member(db, m, reason=" ")
    reg.remove_member(db, m, reason="录入错误")
    assert db.get("member", m) is None
    assert db.scalar("SELECT count(*) FROM change_log WHERE tbl = 'member' AND op = 'delete'") == 1
    assert db.verify() == []


# ---- warnings -----------------------------------------------------------------------

def full_branch(db, branch, n=3, **term):
    ids = [reg.add_member(db, person(), org_id=branch, event_date="2005-07-01") for _ in range(n)]
    if term is not None:
        reg.start_term(db, branch, start_date=term.get("start", "2025-01-01"), years=term.get("years", 3))
        reg.add_committee_member(db, branch, role="书记", member_id=ids[0], start_date="2025-01-01")
    return ids


def test_a_sound_branch_has_no_warnings(db, branch):
    full_branch(db, branch)
    assert [c for c in codes(db) if c not in ("no_term", "secretary_vacant")] == []
    assert all(w.org_id != branch for w in reg.compute_warnings(db))


@pytest.mark.parametrize("today, expected", [
    (dt.date(2027, 9, 1), []),
    (dt.date(2027, 10, 3), ["term_due"]),  # 90 days before 2028-01-01
    (dt.date(2027, 12, 31), ["term_due"]),
    (dt.date(2028, 1, 2), ["term_expired"]),
])
def test_term_warnings(db, branch, today, expected):
    full_branch(db, branch, start="2025-01-01", years=3)
    got = [w.code for w in reg.compute_warnings(db, today) if w.org_id == branch]
    assert got == expected


def test_secretary_vacant(db, branch):
    full_branch(db, branch)
    sec = db.scalar("SELECT id FROM committee_member WHERE role = '书记'")
    reg.end_committee_member(db, sec, end_date="2026-01-01")
    assert "secretary_vacant" in [w.code for w in reg.compute_warnings(db) if w.org_id == branch]


def test_committee_larger_than_seven(db, branch):
    ids = full_branch(db, branch, n=9)
    for i in ids[1:8]:
        reg.add_committee_member(db, branch, role="委员", member_id=i, start_date="2025-01-01")
    assert "committee_too_large" in [w.code for w in reg.compute_warnings(db) if w.org_id == branch]


def test_fewer_than_three_full_members(db, branch):
    full_branch(db, branch, n=2)
    assert "too_few_members" in [w.code for w in reg.compute_warnings(db) if w.org_id == branch]


def test_probationary_member_overdue(db, branch):
    full_branch(db, branch)
    joined = dates.add_years(dates.today(), -1) - dt.timedelta(days=2)
    m = reg.add_member(db, person(category="预备党员", full_date=None, join_date=joined.isoformat()),
                       org_id=branch, event_date=joined.isoformat())
    assert [w.member_id for w in reg.compute_warnings(db) if w.code == "probation_overdue"] == [m]


def test_a_probation_extended_in_the_development_ledger_is_overdue_only_after_the_extension(db, branch):
    """延长预备期 (recorded in the 发展党员 ledger) moves the end of probation: the member is not
    told as overdue while the extension runs, and once it has run out the warning says so."""
    from dangjian_desktop.ledgers import pipeline

    full_branch(db, branch)
    joined = dates.add_years(dates.today(), -1) - dt.timedelta(days=40)
    m = reg.add_member(db, person(category="预备党员", full_date=None, join_date=joined.isoformat()),
                       org_id=branch, event_date=joined.isoformat())
    pid = pipeline.adopt_member(db, m)
    pipeline.record_step(db, pid, "延长预备期", dates.add_years(joined, 1).isoformat(), months=6)
    assert [w for w in reg.compute_warnings(db) if w.code == "probation_overdue"] == []
    later = dates.add_months(dates.add_years(joined, 1), 6) + dt.timedelta(days=1)
    overdue = [w.message for w in reg.compute_warnings(db, today=later) if w.code == "probation_overdue"]
    assert overdue == [f"东村党支部预备党员张伟于{dates.format_cn(joined)}入党，预备期延长6个月，"
                       f"已于{dates.format_cn(dates.add_months(dates.add_years(joined, 1), 6))}期满，尚未办理转正"]


def test_lost_contact_member(db, branch):
    ids = full_branch(db, branch)
    reg.change_status(db, ids[1], event="失联", date="2025-06-01")
    ws = [w for w in reg.compute_warnings(db) if w.code == "lost_contact"]
    assert [w.member_id for w in ws] == [ids[1]] and "2025年6月1日" in ws[0].message


@pytest.mark.parametrize("phone, ok", [("0359-7651234", True), ("13912345678", True), ("12345", False),
                                       ("电话", False)])
def test_org_phone_is_checked(db, root, phone, ok):
    if ok:
        reg.add_org(db, parent_id=root, name="南村党支部", org_type="党支部", kind="村", phone=phone)
    else:
        with pytest.raises(ValidationError, match="联系电话"):
            reg.add_org(db, parent_id=root, name="南村党支部", org_type="党支部", kind="村", phone=phone)


# ---- party group leaders ----------------------------------------------------------------

@pytest.fixture
def group(db, branch):
    return reg.add_org(db, parent_id=branch, name="第一党小组", org_type="党小组")


def test_group_without_leader_is_warned_until_one_is_named(db, branch, group):
    m = reg.add_member(db, person(group_id=group), org_id=branch, event_date="2005-07-01")
    assert "group_leader_vacant" in [w.code for w in reg.compute_warnings(db) if w.org_id == group]
    reg.set_group_leader(db, group, m)
    assert db.get("org", group)["leader_member_id"] == m
    assert "group_leader_vacant" not in [w.code for w in reg.compute_warnings(db) if w.org_id == group]


def test_leader_must_belong_to_the_group(db, branch, group):
    outsider = reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    with pytest.raises(ValidationError, match="不在第一党小组"):
        reg.set_group_leader(db, group, outsider)


def test_only_a_party_group_has_a_leader(db, branch):
    m = reg.add_member(db, person(), org_id=branch, event_date="2005-07-01")
    with pytest.raises(UserError, match="只有党小组"):
        reg.set_group_leader(db, branch, m)


@pytest.mark.parametrize("how", ["transfer", "leave_group", "status", "remove"])
def test_a_leader_who_leaves_leaves_the_post_in_the_same_unit_of_work(db, root, branch, group, how):
    m = reg.add_member(db, person(group_id=group), org_id=branch, event_date="2005-07-01")
    reg.set_group_leader(db, group, m)
    if how == "transfer":
        other = reg.add_org(db, parent_id=root, name="西村党支部", org_type="党支部", kind="村")
        reg.transfer_member(db, m, to_org_id=other, date="2025-03-01")
    elif how == "leave_group":
        reg.update_member(db, m, {"group_id": None})
    elif how == "status":
        reg.change_status(db, m, event="死亡", date="2025-03-01")
    else:
        reg.remove_member(db, m, reason="录入错误")
    assert db.get("org", group)["leader_member_id"] is None
    assert db.verify() == []


@pytest.mark.parametrize("event", ["死亡", "转出", "出党", "停止党籍"])
def test_a_secretary_who_leaves_the_party_organisation_leaves_the_post(db, branch, event):
    """The secretary who died (or left) stayed on the committee: no 书记空缺, no veto proposed."""
    secretary = full_branch(db, branch)[0]  # 书记 since 2025-01-01
    assert "secretary_vacant" not in [w.code for w in reg.compute_warnings(db) if w.org_id == branch]
    reg.change_status(db, secretary, event=event, date="2025-05-01")
    assert [c["role"] for c in reg.committee(db, branch) if c["member_id"] == secretary] == []
    assert db.scalar("SELECT end_date FROM committee_member WHERE member_id = ?", (secretary,)) == "2025-05-01"
    assert "secretary_vacant" in [w.code for w in reg.compute_warnings(db) if w.org_id == branch]
    assert db.verify() == []


def test_a_member_without_ethnicity_education_or_job_is_listed_as_incomplete(db, branch):
    full_branch(db, branch)
    mid = reg.add_member(db, person(ethnicity=None, education=None, job=None), org_id=branch)
    member = db.get("member", mid)
    assert member["ethnicity"] == "未填"  # the member table requires 民族: the documented marker
    found = [w for w in reg.compute_warnings(db) if w.code == "incomplete"]
    assert [w.member_id for w in found] == [mid]
    assert "信息不全" in found[0].message and "缺民族、学历、工作岗位" in found[0].message
    reg.update_member(db, mid, {"ethnicity": "回族", "education": "初中", "job": "农牧渔民"})
    assert not [w for w in reg.compute_warnings(db) if w.code == "incomplete"]


def test_search_reads_an_id_number_as_everywhere_else(db, branch):
    from dangjian_desktop.registry import idcard
    from dangjian_desktop.registry.members import member_query

    born = dt.date(1970, 3, 5)
    seq = next(s for s in range(100) if make("140826", born, s, True).endswith("X"))
    mid = reg.add_member(db, person(id_number=make("140826", born, seq, True).lower()), org_id=branch)
    idn = db.get("member", mid)["id_number"]
    assert idn.endswith("X")  # stored upper-case whatever was typed

    def found(text):
        where, params = member_query(db, text=text)
        return [r[0] for r in db.query(f"SELECT m.id FROM member m{where}", params)]

    assert found(idn.lower()) == [mid]                                   # a lower-case x
    assert found(idn[:10].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})) == [mid]  # full-width
    assert found(idn[:6] + idn[8:17]) == [mid]                           # the old 15-digit number
    assert idcard.upgrade(idn[:6] + idn[8:17]) == idn


def test_groups_sharing_a_name_are_told_apart_by_their_branches(db, root, branch):
    from dangjian_desktop.registry.orgs import org_named

    west = reg.add_org(db, parent_id=root, name="西村党支部", org_type="党支部", kind="村")
    for parent in (branch, west):
        reg.add_org(db, parent_id=parent, name="第一党小组", org_type="党小组")
    with pytest.raises(UserError) as e:
        org_named(db, "第一党小组")
    assert "有2个党小组叫“第一党小组”（分属" in e.value.message and "东村党支部" in e.value.message
    assert "西村党支部" in e.value.message and "--town" not in e.value.message  # one town: the town cannot help


def test_a_name_far_too_long_is_told_by_its_length():
    from dangjian_desktop.registry.validation import validate_member
    from dangjian_desktop.roster.report import Problem, ProblemReport

    _v, err = validate_member({"name": "张" * 32000})
    assert err["name"] == "姓名最多30个字，这里有32000个字"
    report = ProblemReport()
    report.errors, report.warnings = [Problem("花名册", 5, "B", "姓名", "张" * 32000, err["name"])], []
    line = report.error_lines()[1]
    assert len(line) < 200 and "（共32000个字）" in line  # the terminal is not flooded with the cell


def test_dates_and_names_that_cannot_be_are_refused(db, root, branch):
    from dangjian_desktop.registry.orgs import start_term

    future = dates.add_months(dates.today(), 1).isoformat()
    with pytest.raises(ValidationError, match="成立日期不能晚于今天"):
        reg.add_org(db, parent_id=root, name="新村党支部", org_type="党支部", kind="村", founded_on=future)
    start_term(db, branch, start_date="2024-03-01", years=3)
    with pytest.raises(ValidationError, match="任职日期不能晚于今天"):
        reg.add_committee_member(db, branch, role="委员", start_date=future, name="张三")
    with pytest.raises(ValidationError, match="不能早于本届支委班子产生的日期"):
        reg.add_committee_member(db, branch, role="委员", start_date="1900-01-01", name="张三")
    with pytest.raises(ValidationError, match="请写姓名"):
        reg.add_committee_member(db, branch, role="委员", start_date="2024-03-01", name="Tom123")
    reg.add_committee_member(db, branch, role="委员", start_date="2024-03-01", name="张三")
    mid = reg.add_member(db, {"name": "李四", "id_number": make("140826", dt.date(1980, 5, 6), 11, True),
                              "ethnicity": "汉族", "join_date": "2005-07-01", "category": "正式党员"},
                         org_id=branch, event_date="2005-07-01")
    other = reg.add_org(db, parent_id=root, name="西村党支部", org_type="党支部", kind="村")
    with pytest.raises(ValidationError, match="转接日期不能早于入党日期（2005年7月1日）"):
        reg.transfer_member(db, mid, to_org_id=other, date="1900-01-01")
    reg.transfer_member(db, mid, to_org_id=other, date="2010-03-01")  # a transfer of years ago, caught up


def test_a_committee_member_leaves_once_and_not_in_the_future(db, branch):
    """离任 dated 2030 took the secretary off the committee at once; a second 离任 rewrote the date."""
    reg.start_term(db, branch, start_date="2024-03-01", years=3)
    cm = reg.add_committee_member(db, branch, role="书记", start_date="2024-03-01", name="张三")
    future = dates.add_months(dates.today(), 1).isoformat()
    with pytest.raises(ValidationError, match="离任日期不能晚于今天"):
        reg.end_committee_member(db, cm, end_date=future)
    assert [c["id"] for c in reg.committee(db, branch)] == [cm]
    reg.end_committee_member(db, cm, end_date="2025-05-01")
    with pytest.raises(UserError, match="张三已于2025年5月1日离任书记"):
        reg.end_committee_member(db, cm, end_date="2025-06-01")
    assert db.get("committee_member", cm)["end_date"] == "2025-05-01"


def test_a_members_phone_typed_in_full_width_digits_is_taken(db, branch):
    """The member dialog refused "１３９１２３４５６７８" (11 digits from an input method) that the
    roster import takes; both read it as the plain digits now."""
    from dangjian_desktop.registry.validation import validate_member

    clean, errors = validate_member(person(phone="１３９１２３４５６７８"))
    assert "phone" not in errors and clean["phone"] == "13912345678"
    clean, errors = validate_member(person(phone="０８９８－６６１２３４５６"))
    assert "phone" not in errors and clean["phone"] == "0898-66123456"


def test_a_percent_or_underscore_typed_into_search_is_looked_for_not_taken_as_any(db, branch):
    from dangjian_desktop.registry.members import member_query

    reg.add_member(db, person(name="张伟"), org_id=branch)
    reg.add_member(db, person(name="王芳", male=False), org_id=branch)

    def found(text):
        where, params = member_query(db, text=text)
        return db.scalar(f"SELECT count(*) FROM member m{where}", params)

    assert found("%") == 0 and found("_") == 0 and found("张") == 1
