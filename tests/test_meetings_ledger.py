"""Meeting ledger: one confirm writes the meeting, everyone's attendance and the linked points;
undo takes all of it back; attendance corrections rewrite the points."""

from __future__ import annotations

import pytest

from dangjian_desktop.errors import UserError, ValidationError
from dangjian_desktop.meetings.ledger import (add_photo, attendance, candidates, delete_meeting, list_meetings,
                                              photo_data, photos, record_meeting, remove_photo, set_attendance,
                                              set_attendances,
                                              update_meeting)
from dangjian_desktop.points.batch import undo_last_batch
from dangjian_desktop.points.totals import totals

from points_util import YEAR, add_branch, simple_catalogue

DATE = f"{YEAR}-03-15"


@pytest.fixture
def setup(db):
    b = add_branch(db, n=6, groups=2, mobile=(5,))
    return db, b, simple_catalogue(db)


def items_of(db, b):
    return {t.member_id: t.items for t in totals(db, YEAR) if t.member_id in b.members}


def record(db, b, statuses, **kw):
    att = {m: s for m, s in zip(b.members, statuses)}
    return record_meeting(db, org_id=b.id, meeting_type=kw.pop("meeting_type", "支部党员大会"),
                          date=kw.pop("date", DATE), attendance=att, place="村委会议室", topic="学习党章", **kw)


def test_one_confirm_writes_meeting_attendance_and_points(setup):
    db, b, _ = setup
    before = db.scalar("SELECT count(*) FROM tx_log")
    res = record(db, b, ["出席", "出席", "请假", "缺席", "出席", "缺席"])
    assert res.counts == {"出席": 3, "请假": 1, "缺席": 2} and res.entries == 5
    assert db.scalar("SELECT count(*) FROM tx_log") == before + 1
    assert db.scalar("SELECT count(*) FROM meeting_attendance") == 6
    got = items_of(db, b)
    # present +2, leave 0, absent -2, a mobile member's absence is exempt
    assert [got[m] for m in b.members] == [2, 2, 0, -2, 2, 0]


def test_sixty_members_are_ticked_in_one_unit_of_work(db):
    b = add_branch(db, "大村党支部", n=60)
    simple_catalogue(db)
    att = {m: ("出席" if k % 7 else "缺席") for k, m in enumerate(b.members)}
    before = db.scalar("SELECT count(*) FROM tx_log")
    res = record_meeting(db, org_id=b.id, meeting_type="党课", date=DATE, attendance=att)
    assert res.entries == 60 and db.scalar("SELECT count(*) FROM tx_log") == before + 1


def test_undo_of_a_meeting_takes_everything_back(setup):
    db, b, _ = setup
    record(db, b, ["出席"] * 6, date=f"{YEAR}-02-10")
    first = items_of(db, b)
    record(db, b, ["出席", "缺席", "出席", "出席", "出席", "出席"])
    undone = undo_last_batch(db, b.office_id)
    assert undone.kind == "会议"
    assert db.scalar("SELECT count(*) FROM meeting") == 1
    assert db.scalar("SELECT count(*) FROM meeting_attendance") == 6
    assert items_of(db, b) == first
    assert db.verify() == []


@pytest.mark.parametrize("statuses, words", [
    (["请假"] * 6, "至少要有一名党员出席"),
    (["迟到"] + ["出席"] * 5, "考勤状态"),
    ([], "请勾选"),
])
def test_attendance_rules(setup, statuses, words):
    db, b, _ = setup
    with pytest.raises(ValidationError) as e:
        record(db, b, statuses)
    assert words in e.value.message
    assert db.scalar("SELECT count(*) FROM meeting") == 0


def test_future_date_and_unknown_type_are_refused(setup):
    db, b, _ = setup
    with pytest.raises(ValidationError) as e:
        record(db, b, ["出席"] * 6, date="2099-01-01", meeting_type="茶话会")
    assert set(e.value.errors) >= {"date", "meeting_type"}


def test_members_of_another_town_cannot_attend(setup):
    db, b, _ = setup
    with db.transaction("test") as tx:  # a second office in the same file
        oid = tx.insert("office", {"name": "别镇", "level": "town", "owner": "x"})
        root = tx.insert("org", {"office_id": oid, "name": "别镇党委", "org_type": "党委", "owner": "x"})
        other = tx.insert("org", {"office_id": oid, "parent_id": root, "name": "别村党支部", "org_type": "党支部",
                                  "kind": "村", "owner": "x"})
        tx.update("member", b.members[4], {"org_id": other})
    with pytest.raises(ValidationError) as e:
        record(db, b, ["出席"] * 6)
    assert "不是本镇党员" in e.value.message


def test_candidates_depend_on_the_meeting_type(setup):
    db, b, _ = setup
    everyone = [c.member_id for c in candidates(db, b.id, "支部党员大会")]
    group = [c.member_id for c in candidates(db, b.id, "党小组会", group_id=b.groups[0])]
    committee = [c.member_id for c in candidates(db, b.id, "支委会")]
    assert sorted(everyone) == sorted(b.members)
    assert sorted(group) == sorted(b.members[0::2])
    assert committee == [b.members[0], b.members[1]]  # 书记 first


def test_correcting_one_members_attendance_rewrites_their_points(setup):
    db, b, _ = setup
    res = record(db, b, ["出席"] * 6)
    set_attendance(db, res.meeting_id, b.members[2], "缺席")
    assert items_of(db, b)[b.members[2]] == -2
    set_attendance(db, res.meeting_id, b.members[2], "请假")
    assert items_of(db, b)[b.members[2]] == 0
    set_attendance(db, res.meeting_id, b.members[2], None)
    assert b.members[2] not in {r["member_id"] for r in attendance(db, res.meeting_id)}


def test_the_last_present_member_cannot_be_marked_absent(setup):
    db, b, _ = setup
    res = record(db, b, ["出席"] + ["请假"] * 5)
    with pytest.raises(UserError):
        set_attendance(db, res.meeting_id, b.members[0], "缺席")


def test_a_meeting_is_not_moved_into_a_month_its_per_month_points_already_have(db):
    # 每月参加党小组会 +1: two meetings in March and April; moving April's to March would give
    # every attendee two March entries of a once-a-month item.
    b = add_branch(db, n=3)
    simple_catalogue(db, items=[{"code": "G1", "title": "参加党小组会", "kind": "加分", "points": 1, "unit": "月",
                                 "meeting_types": ["党小组会"], "on_status": "出席"}])
    record(db, b, ["出席"] * 3, meeting_type="党小组会", date=f"{YEAR}-03-10")
    april = record(db, b, ["出席"] * 3, meeting_type="党小组会", date=f"{YEAR}-04-10")
    with pytest.raises(ValidationError) as e:
        update_meeting(db, april.meeting_id, {"date": f"{YEAR}-03-28"})
    assert "3月已有记录" in e.value.message
    assert {r[0] for r in db.query("SELECT date FROM points_entry WHERE meeting_id = ?", (april.meeting_id,))} \
        == {f"{YEAR}-04-10"}
    update_meeting(db, april.meeting_id, {"date": f"{YEAR}-04-20"})  # within its month: fine


def test_correcting_several_members_is_all_or_nothing(setup):
    # Marking both members present as 请假 is refused for the second: the first stays 出席 too
    # (it was changed alone before, and the clerk was told nothing was done).
    db, b, _ = setup
    res = record(db, b, ["出席", "出席", "缺席", "缺席", "缺席", "缺席"])
    before = items_of(db, b)
    with pytest.raises(UserError):
        set_attendances(db, res.meeting_id, b.members[:2], "请假")
    assert {r["member_id"]: r["status"] for r in attendance(db, res.meeting_id)}[b.members[0]] == "出席"
    assert items_of(db, b) == before
    set_attendances(db, res.meeting_id, b.members[2:4], "出席")
    assert items_of(db, b)[b.members[2]] == items_of(db, b)[b.members[3]] == 2


def test_update_meeting_moves_its_entries_within_the_year(setup):
    db, b, _ = setup
    res = record(db, b, ["出席"] * 6)
    update_meeting(db, res.meeting_id, {"date": f"{YEAR}-04-02", "place": "党群服务中心"})
    assert {r[0] for r in db.query("SELECT date FROM points_entry")} == {f"{YEAR}-04-02"}
    with pytest.raises(ValidationError):
        update_meeting(db, res.meeting_id, {"date": f"{YEAR + 1}-01-02"})
    with pytest.raises(ValidationError):
        update_meeting(db, res.meeting_id, {"meeting_type": "党课"})


def test_a_corrected_topic_renames_the_entries_that_named_the_meeting(setup):
    """The entries' note names the meeting by its topic: corrected with it, in the same unit of
    work; a note a clerk wrote otherwise stays."""
    db, b, _ = setup
    res = record(db, b, ["出席"] * 6)
    notes = [r[0] for r in db.query("SELECT note FROM points_entry WHERE meeting_id = ?", (res.meeting_id,))]
    assert set(notes) == {"支部党员大会：学习党章"} and len(notes) >= 2
    kept = db.scalar("SELECT id FROM points_entry WHERE meeting_id = ? ORDER BY rowid LIMIT 1", (res.meeting_id,))
    with db.transaction("补记") as tx:
        tx.update("points_entry", kept, {"note": "补记：会上发言"})
    before = db.scalar("SELECT count(*) FROM tx_log")
    update_meeting(db, res.meeting_id, {"topic": "学习党章和准则"})
    assert db.scalar("SELECT count(*) FROM tx_log") == before + 1
    got = dict(db.tuples("SELECT id, note FROM points_entry WHERE meeting_id = ?", (res.meeting_id,)))
    assert got.pop(kept) == "补记：会上发言"
    assert set(got.values()) == {"支部党员大会：学习党章和准则"}
    update_meeting(db, res.meeting_id, {"topic": ""})
    assert set(dict(db.tuples("SELECT id, note FROM points_entry WHERE meeting_id = ? AND id != ?",
                              (res.meeting_id, kept))).values()) == {"支部党员大会"}
    assert db.verify() == []


def test_delete_meeting_removes_its_points_and_its_batch_from_undo(setup):
    db, b, _ = setup
    res = record(db, b, ["出席"] * 6)
    delete_meeting(db, res.meeting_id)
    assert db.scalar("SELECT count(*) FROM points_entry") == 0
    with pytest.raises(UserError):
        undo_last_batch(db, b.office_id)


def test_photos_attach_to_a_meeting_and_go_with_it(setup, tmp_path):
    from PIL import Image

    db, b, _ = setup
    p1, p2 = tmp_path / "会场.png", tmp_path / "签到.jpg"
    Image.new("RGB", (64, 48), "blue").save(p1)
    Image.new("RGB", (64, 48), "green").save(p2)
    res = record(db, b, ["出席"] * 6, photos=[p1])
    pid = add_photo(db, res.meeting_id, p2, caption="签到表")
    assert [p["caption"] for p in photos(db, res.meeting_id)] == ["", "签到表"]
    assert photo_data(db, pid)[:2] == b"\xff\xd8"
    with pytest.raises(UserError):
        add_photo(db, res.meeting_id, p2)
    remove_photo(db, pid)
    assert db.scalar("SELECT count(*) FROM attachment") == 1
    undo_last_batch(db, b.office_id)
    assert db.scalar("SELECT count(*) FROM attachment") == 0


def test_list_meetings_counts_attendance(setup):
    db, b, _ = setup
    record(db, b, ["出席", "请假", "缺席", "出席", "出席", "出席"])
    record(db, b, ["出席"] * 6, meeting_type="党小组会", group_id=b.groups[0], date=f"{YEAR}-03-20")
    rows = list_meetings(db, year=YEAR, org_id=b.id)
    assert [(r["meeting_type"], r["present"], r["leave"], r["absent"]) for r in rows] == [
        ("党小组会", 6, 0, 0), ("支部党员大会", 4, 1, 1)]
    assert rows[0]["group_name"] == "第一党小组"


def test_removing_a_member_who_hosted_a_meeting_clears_the_host_as_a_logged_update(setup):
    """ON DELETE SET NULL would change the meeting without raising its revision: the removal
    clears the host itself, as an update, and the database still verifies."""
    from dangjian_desktop.registry.members import remove_member

    db, b, _ = setup
    host = next(m for m in b.members if not db.scalar("SELECT 1 FROM committee_member WHERE member_id = ?", (m,)))
    meeting_id = record(db, b, ["出席"] * 6, host_member_id=host).meeting_id
    rev = db.get("meeting", meeting_id)["rev"]
    remove_member(db, host, reason="录入错误")
    m = db.get("meeting", meeting_id)
    assert m["host_member_id"] is None and m["rev"] == rev + 1
    assert db.verify() == []
