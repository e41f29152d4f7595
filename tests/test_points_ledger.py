"""积分台账: single entries and their rules, batches and 撤销上一批, evidence, the ledger in Excel."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from dangjian_desktop.errors import LockedError, UserError, ValidationError
from dangjian_desktop.points.batch import (EntryDraft, last_batch, undo_last_batch, undoable_batch)
from dangjian_desktop.points.ledger import (add_entries, add_entry, delete_entry, evidence, export_ledger_xlsx,
                                            import_ledger_xlsx, list_entries, set_evidence)
from dangjian_desktop.points.totals import lock_year, totals

from points_util import YEAR, add_branch, simple_catalogue


@pytest.fixture
def setup(db):
    b = add_branch(db, n=3)
    return db, b, simple_catalogue(db)


def count(db):
    return db.scalar("SELECT count(*) FROM points_entry")


def test_an_entry_takes_the_items_points_by_default(setup):
    db, b, items = setup
    eid = add_entry(db, b.members[0], items["M1"].id, f"{YEAR}-05-06", note="无故缺席党员大会")
    row = db.get("points_entry", eid)
    assert (row["points"], row["year"], row["note"]) == (-2, YEAR, "无故缺席党员大会")
    assert row["entered_by"]


@pytest.mark.parametrize("code, date, points, words", [
    ("P2", f"{YEAR}-05-06", -5, "正数"),
    ("M1", f"{YEAR}-05-06", 2, "负数"),
    ("P2", f"{YEAR}-05-06", 0, "不能为0"),
    ("P2", f"{YEAR}-05-06", 25, "年度上限"),
    ("P2", "2099-01-01", None, "不能晚于今天"),
    ("P2", "2025/05/06", None, "格式"),
    ("P2", f"{YEAR - 1}-12-31", None, "年度的细则"),
])
def test_entry_rules(setup, code, date, points, words):
    db, b, items = setup
    with pytest.raises(ValidationError) as e:
        add_entry(db, b.members[0], items[code].id, date, points=points)
    assert words in e.value.message
    assert count(db) == 0


def test_a_per_month_item_counts_once_a_month(setup):
    db, b, items = setup
    add_entry(db, b.members[0], items["P3"].id, f"{YEAR}-05-06")
    add_entry(db, b.members[0], items["P3"].id, f"{YEAR}-06-01")
    with pytest.raises(ValidationError) as e:
        add_entry(db, b.members[0], items["P3"].id, f"{YEAR}-05-28")
    assert "5月已有记录" in e.value.message


def test_a_per_year_item_counts_once_a_year(setup):
    db, b, items = setup
    add_entry(db, b.members[0], items["M2"].id, f"{YEAR}-05-06")
    with pytest.raises(ValidationError) as e:
        add_entries(db, [EntryDraft(b.members[1], items["M2"].id, f"{YEAR}-03-01"),
                         EntryDraft(b.members[0], items["M2"].id, f"{YEAR}-09-01")], title="t")
    assert "已有记录" in e.value.message and count(db) == 1


def test_a_stopped_item_takes_no_new_entries(setup):
    from dangjian_desktop.points.catalogue import delete_item

    db, b, items = setup
    add_entry(db, b.members[0], items["P2"].id, f"{YEAR}-05-06")
    delete_item(db, items["P2"].id)
    with pytest.raises(ValidationError) as e:
        add_entry(db, b.members[1], items["P2"].id, f"{YEAR}-05-06")
    assert "停用" in e.value.message


def test_a_member_who_left_takes_no_entries(setup):
    from dangjian_desktop.registry import change_status

    db, b, items = setup
    change_status(db, b.members[2], event="转出", date="2026-01-10")
    with pytest.raises(ValidationError) as e:
        add_entry(db, b.members[2], items["P2"].id, f"{YEAR}-05-06")
    assert "已转出" in e.value.message


def test_batch_of_entries_is_one_unit_of_work(setup):
    db, b, items = setup
    before = db.scalar("SELECT count(*) FROM tx_log")
    batch = add_entries(db, [EntryDraft(m, items["P2"].id, f"{YEAR}-07-01") for m in b.members], title="志愿服务",
                        org_id=b.id)
    assert batch.row_count == 3 and count(db) == 3
    assert db.scalar("SELECT count(*) FROM tx_log") == before + 1


def test_one_bad_entry_stops_the_whole_batch(setup):
    db, b, items = setup
    with pytest.raises(ValidationError) as e:
        add_entries(db, [EntryDraft(b.members[0], items["P2"].id, f"{YEAR}-07-01"),
                         EntryDraft(b.members[1], items["P2"].id, f"{YEAR}-07-01", points=-1)], title="t")
    assert db.get("member", b.members[1])["name"] in e.value.message
    assert count(db) == 0


def test_undo_takes_back_the_last_batch_only(setup):
    db, b, items = setup
    add_entries(db, [EntryDraft(m, items["P2"].id, f"{YEAR}-07-01") for m in b.members], title="第一批")
    add_entries(db, [EntryDraft(m, items["P4"].id, f"{YEAR}-08-01") for m in b.members], title="第二批")
    undone = undo_last_batch(db, b.office_id)
    assert undone.title == "第二批" and undone.undone
    assert {r["item_id"] for r in db.query("SELECT item_id FROM points_entry")} == {items["P2"].id}
    with pytest.raises(UserError) as e:
        undo_last_batch(db, b.office_id)
    assert "已于" in e.value.message and count(db) == 3
    assert undoable_batch(db, b.office_id) is None


def test_undo_is_logged_as_one_unit_of_work_with_the_deletes(setup):
    db, b, items = setup
    add_entries(db, [EntryDraft(m, items["P2"].id, f"{YEAR}-07-01") for m in b.members], title="志愿服务")
    undo_last_batch(db, b.office_id)
    tx = db.one("SELECT * FROM tx_log ORDER BY id DESC LIMIT 1")
    assert tx["reason"] == "撤销上一批：志愿服务"
    ops = [r[0] for r in db.query("SELECT op FROM change_log WHERE tx_id = ? AND tbl = 'points_entry'", (tx["id"],))]
    assert ops == ["delete"] * 3
    assert db.verify() == []


def test_undo_refused_when_the_year_is_locked(setup):
    db, b, items = setup
    add_entry(db, b.members[0], items["P2"].id, f"{YEAR}-07-01")
    lock_year(db, b.office_id, YEAR, publicity_start="2026-01-05", publicity_end="2026-01-11")
    with pytest.raises(LockedError):
        undo_last_batch(db, b.office_id)


def test_nothing_to_undo(db):
    with pytest.raises(UserError):
        undo_last_batch(db, db.local_office_id)
    assert last_batch(db, db.local_office_id) is None


def test_delete_entry_changes_the_total(setup):
    db, b, items = setup
    eid = add_entry(db, b.members[0], items["P2"].id, f"{YEAR}-07-01")
    delete_entry(db, eid)
    assert next(t for t in totals(db, YEAR) if t.member_id == b.members[0]).items == 0


def test_an_entry_deleted_by_hand_is_not_offered_for_undo(setup):
    # The single entry was its own batch: once deleted, 撤销上一批 offered to take back an entry
    # that no longer exists (and its confirmation said it would be deleted).
    db, b, items = setup
    add_entry(db, b.members[0], items["P2"].id, f"{YEAR}-05-06")
    second = add_entry(db, b.members[1], items["P2"].id, f"{YEAR}-05-07")
    delete_entry(db, second)
    assert undoable_batch(db, b.office_id) is None
    assert count(db) == 1


def test_list_entries_for_a_member_and_a_branch(setup):
    db, b, items = setup
    add_entry(db, b.members[0], items["P2"].id, f"{YEAR}-07-01")
    add_entry(db, b.members[1], items["P4"].id, f"{YEAR}-08-01")
    assert [e.item_code for e in list_entries(db, YEAR, member_id=b.members[0])] == ["P2"]
    assert [e.item_code for e in list_entries(db, YEAR, org_id=b.id)] == ["P4", "P2"]


def test_evidence_is_stored_and_removed(setup, tmp_path):
    from PIL import Image

    db, b, items = setup
    photo = tmp_path / "证明.png"
    Image.new("RGB", (40, 30), "red").save(photo)
    eid = add_entry(db, b.members[0], items["P2"].id, f"{YEAR}-07-01", evidence=photo)
    name, mime, data = evidence(db, eid)
    assert name == "证明.jpg" and mime == "image/jpeg" and data[:2] == b"\xff\xd8"
    set_evidence(db, eid, None)
    assert evidence(db, eid) is None and db.scalar("SELECT count(*) FROM attachment") == 0


# ---- Excel ledger ----------------------------------------------------------------------------------

def write_ledger(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "积分台账"
    ws.append(["姓名", "所在党支部", "身份证号", "日期", "项目编号", "分值", "备注"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_ledger_import_writes_one_undoable_batch(setup, tmp_path):
    db, b, items = setup
    names = [db.get("member", m)["name"] for m in b.members]
    idn = db.get("member", b.members[2])["id_number"]
    path = write_ledger(tmp_path / "台账.xlsx", [
        [names[0], "东村党支部", None, f"{YEAR}-03-05", "P2", None, "清扫村道"],
        [names[1], None, None, f"{YEAR}/4/1", "P4", 0.5, ""],
        [None, None, idn, f"{YEAR}-04-02", "M1", -2, "缺席"],
    ])
    batch = import_ledger_xlsx(db, path, b.office_id)
    assert batch.kind == "导入" and batch.row_count == 3
    assert sorted(r[0] for r in db.query("SELECT points FROM points_entry")) == [-2, 0.5, 5]
    undo_last_batch(db, b.office_id)
    assert count(db) == 0


def test_ledger_import_names_every_bad_row(setup, tmp_path):
    db, b, _ = setup
    name = db.get("member", b.members[0])["name"]
    path = write_ledger(tmp_path / "台账.xlsx", [
        [name, None, None, f"{YEAR}-03-05", "P2", None, ""],
        ["查无此人", None, None, f"{YEAR}-03-05", "P2", None, ""],
        [name, None, None, "三月五日", "P2", None, ""],
        [name, None, None, f"{YEAR}-03-05", "ZZ", None, ""],
    ])
    with pytest.raises(ValidationError) as e:
        import_ledger_xlsx(db, path, b.office_id)
    msg = e.value.message
    assert "第3行" in msg and "第4行" in msg and "第5行" in msg and "第2行" not in msg
    assert count(db) == 0


@pytest.mark.parametrize("value, words", [("nan", "不是数字"), ("inf", "不是数字"), ("1e300", "过大")])
def test_ledger_import_refuses_values_that_are_no_points(setup, tmp_path, value, words):
    # "nan" and "inf" read as floats: a deduction item once crashed on nan, an item without a
    # cap took inf or 1e300 and made the member's total absurd.
    db, b, _ = setup
    name = db.get("member", b.members[0])["name"]
    path = write_ledger(tmp_path / "台账.xlsx", [
        [name, None, None, f"{YEAR}-03-05", "M1", value if value == "nan" else None, ""],
        [name, None, None, f"{YEAR}-03-06", "P4", value, ""],
    ])
    with pytest.raises(ValidationError) as e:
        import_ledger_xlsx(db, path, b.office_id)
    assert words in e.value.message
    assert count(db) == 0


def test_ledger_export_can_be_imported_again(setup, tmp_path):
    db, b, items = setup
    add_entry(db, b.members[0], items["P2"].id, f"{YEAR}-07-01", note="志愿")
    path = export_ledger_xlsx(db, YEAR, tmp_path / "out.xlsx", org_id=b.id)
    undo_last_batch(db, b.office_id)
    import_ledger_xlsx(db, path, b.office_id)
    row = db.one("SELECT points, note, date FROM points_entry")
    assert tuple(row) == (5, "志愿", f"{YEAR}-07-01")


def test_a_sheet_imported_twice_is_refused_the_second_time(setup, tmp_path):
    db, b, items = setup
    name = db.get("member", b.members[0])["name"]
    path = write_ledger(tmp_path / "台账.xlsx", [
        [name, None, None, f"{YEAR}-03-05", "P2", None, "清扫村道"],
        [name, None, None, f"{YEAR}-03-05", "P2", None, "清扫村道"],  # twice the same day: both kept
        [name, None, None, f"{YEAR}-04-01", "M1", -2, "缺席"],
    ])
    import_ledger_xlsx(db, path, b.office_id)
    assert count(db) == 3
    with pytest.raises(ValidationError) as e:
        import_ledger_xlsx(db, path, b.office_id)
    assert "第2行" in e.value.message and "第4行" in e.value.message and "可能已经导入过" in e.value.message
    assert count(db) == 3


def test_an_exported_ledger_is_not_imported_over_itself(setup, tmp_path):
    db, b, items = setup
    add_entry(db, b.members[0], items["P2"].id, f"{YEAR}-07-01", note="志愿")
    path = export_ledger_xlsx(db, YEAR, tmp_path / "out.xlsx", org_id=b.id)
    with pytest.raises(ValidationError):
        import_ledger_xlsx(db, path, b.office_id)
    assert count(db) == 1


def test_ledger_export_lists_branches_and_members_by_pinyin(db, tmp_path):
    """The exported 积分台账 runs by branch and member in pinyin order (上沟 after 北营, 李 before 叶),
    not by character code."""
    from openpyxl import load_workbook

    from dangjian_desktop.registry import update_member

    items = simple_catalogue(db)
    shang, bei = add_branch(db, "上沟村党支部", n=2), add_branch(db, "北营村党支部", n=2)
    for m, name in zip(shang.members + bei.members, ["叶平娜", "李翠静", "孟山元", "潘华"]):
        update_member(db, m, {"name": name})
        add_entry(db, m, items["P2"].id, f"{YEAR}-07-01")
    ws = load_workbook(export_ledger_xlsx(db, YEAR, tmp_path / "out.xlsx"), read_only=True).worksheets[0]
    rows = [r[:2] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert rows == [("孟山元", "北营村党支部"), ("潘华", "北营村党支部"), ("李翠静", "上沟村党支部"),
                    ("叶平娜", "上沟村党支部")]
