"""积分细则: the default catalogue, a new year's catalogue, item rules, Excel export and import."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from dangjian_desktop.errors import UserError, ValidationError
from dangjian_desktop.points import catalogue
from dangjian_desktop.points.catalogue import (add_item, default_catalogue, delete_item, ensure_catalogue,
                                               export_xlsx, import_xlsx, items, normalise_item, update_item,
                                               year_settings)

from points_util import YEAR, add_branch, item


def test_default_catalogue_is_valid_data_with_additions_and_deductions():
    d = default_catalogue()
    kinds = {i["kind"] for i in d["items"]}
    assert kinds == {"加分", "扣分"} and d["base_score"] == 60
    linked = {(t, i["on_status"]) for i in d["items"] for t in i["meeting_types"]}
    assert ("支部党员大会", "出席") in linked and ("支部党员大会", "缺席") in linked


def test_a_new_office_year_starts_from_the_default(db):
    office = db.local_office_id
    assert ensure_catalogue(db, office, YEAR) is True
    assert ensure_catalogue(db, office, YEAR) is False
    assert [i.code for i in items(db, office, YEAR)] == [i["code"] for i in default_catalogue()["items"]]
    assert year_settings(db, office, YEAR).base_score == 60


def test_next_year_copies_this_years_catalogue_and_base(db):
    office = db.local_office_id
    ensure_catalogue(db, office, YEAR)
    add_item(db, office, YEAR, {"code": "C1", "title": "本镇特色项目", "kind": "加分", "points": 3, "unit": "次"})
    catalogue.set_base_score(db, office, YEAR, 70)
    ensure_catalogue(db, office, YEAR + 1)
    assert "C1" in [i.code for i in items(db, office, YEAR + 1)]
    assert year_settings(db, office, YEAR + 1).base_score == 70
    # Items are per year: changing next year's leaves this year's alone.
    nxt = next(i for i in items(db, office, YEAR + 1) if i.code == "C1")
    update_item(db, nxt.id, {"points": 4})
    assert next(i for i in items(db, office, YEAR) if i.code == "C1").points == 3


@pytest.mark.parametrize("change, field, words", [
    ({"code": ""}, "code", "编号"),
    ({"title": " "}, "title", "名称"),
    ({"kind": "奖励"}, "kind", "加分"),
    ({"points": 0}, "points", "大于0"),
    ({"points": -2}, "points", "正数"),
    ({"points": "两分"}, "points", "不是数字"),
    ({"points": 1.234}, "points", "两位小数"),
    ({"unit": "每周"}, "unit", "计分单位"),
    ({"yearly_cap": 1}, "yearly_cap", "不能小于"),
    ({"exempt_classes": "外出人员"}, "exempt_classes", "无法识别"),
    ({"meeting_types": "座谈会", "on_status": "出席"}, "meeting_types", "无法识别"),
    ({"meeting_types": "党课"}, "on_status", "关联考勤"),
    ({"on_status": "出席"}, "meeting_types", "关联会议类型"),
])
def test_item_rules(change, field, words):
    base = {"code": "X1", "title": "项目", "kind": "加分", "points": 2, "unit": "次", "yearly_cap": 10}
    with pytest.raises(ValidationError) as e:
        normalise_item(base | change)
    assert field in e.value.errors and words in e.value.errors[field]


def test_unit_words_are_understood():
    assert normalise_item({"code": "X", "title": "t", "kind": "扣分", "points": 2, "unit": "每月"})["unit"] == "月"
    assert normalise_item({"code": "X", "title": "t", "kind": "扣分", "points": 2, "unit": "一次性"})["unit"] == "年"


def test_two_items_may_not_count_the_same_attendance(db):
    office = db.local_office_id
    ensure_catalogue(db, office, YEAR)
    with pytest.raises(ValidationError) as e:
        add_item(db, office, YEAR, {"code": "X1", "title": "再加分", "kind": "加分", "points": 1, "unit": "次",
                                    "meeting_types": "党课", "on_status": "出席"})
    assert "重复计分" in e.value.message


def test_duplicate_code_is_refused(db):
    office = db.local_office_id
    ensure_catalogue(db, office, YEAR)
    with pytest.raises(ValidationError):
        add_item(db, office, YEAR, {"code": "A01", "title": "重复", "kind": "加分", "points": 1, "unit": "次"})


def test_a_used_item_is_deactivated_not_deleted(db):
    from dangjian_desktop.points.ledger import add_entry

    b = add_branch(db, n=1)
    used, unused = item(db, "A05"), item(db, "A06")
    add_entry(db, b.members[0], used.id, f"{YEAR}-04-01")
    assert delete_item(db, used.id) == "停用"
    assert delete_item(db, unused.id) == "删除"
    codes = {i.code: i.active for i in items(db, db.local_office_id, YEAR)}
    assert codes["A05"] is False and "A06" not in codes


def test_a_used_item_cannot_change_kind(db):
    from dangjian_desktop.points.ledger import add_entry

    b = add_branch(db, n=1)
    it = item(db, "A05")
    add_entry(db, b.members[0], it.id, f"{YEAR}-04-01")
    with pytest.raises(ValidationError):
        update_item(db, it.id, {"kind": "扣分"})


def test_excel_round_trip_changes_nothing(db, tmp_path):
    office = db.local_office_id
    path = export_xlsx(db, office, YEAR, tmp_path / "细则.xlsx")
    before = [(i.code, i.title, i.points, i.unit, i.yearly_cap, i.exempt_classes, i.meeting_types, i.on_status)
              for i in items(db, office, YEAR)]
    report = import_xlsx(db, path, office)
    assert report["added"] == report["updated"] == report["deleted"] == [] and report["unchanged"] == len(before)
    after = [(i.code, i.title, i.points, i.unit, i.yearly_cap, i.exempt_classes, i.meeting_types, i.on_status)
             for i in items(db, office, YEAR)]
    assert after == before


def test_excel_import_adds_updates_and_removes_items(db, tmp_path):
    from dangjian_desktop.points.ledger import add_entry

    office = db.local_office_id
    b = add_branch(db, n=1)
    add_entry(db, b.members[0], item(db, "A07").id, f"{YEAR}-04-01")
    path = export_xlsx(db, office, YEAR, tmp_path / "细则.xlsx")
    wb = load_workbook(path)
    ws = wb["积分细则"]
    rows = [r for r in ws.iter_rows(min_row=2) if r[0].value not in ("A06", "A07")]
    keep = [[c.value for c in r] for r in rows]
    for r in keep:
        if r[0] == "A05":
            r[3] = 3  # points
    keep.append(["C9", "加分", "参加乡村振兴志愿活动", 2, "每次", 8, "", "", "", "是", ""])
    ws.delete_rows(2, ws.max_row)
    for r in keep:
        ws.append(r)
    wb["说明"]["B3"] = 65
    wb.save(path)
    report = import_xlsx(db, path, office)
    assert report["added"] == ["C9"] and report["updated"] == ["A05"]
    assert report["deleted"] == ["A06"] and report["deactivated"] == ["A07"]
    assert year_settings(db, office, YEAR).base_score == 65


def test_excel_import_names_the_bad_rows_and_writes_nothing(db, tmp_path):
    office = db.local_office_id
    ensure_catalogue(db, office, YEAR)
    wb = Workbook()
    ws = wb.active
    ws.title = "积分细则"
    ws.append(list(catalogue.COLUMNS))
    ws.append(["N1", "加分", "好项目", 2, "每次", 10])
    ws.append(["N2", "奖励", "坏类别", 2, "每次", 10])
    ws.append(["N3", "扣分", "坏分值", "两分", "每次", None])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(UserError) as e:
        import_xlsx(db, path, office, YEAR)
    assert "第3行" in e.value.message and "第4行" in e.value.message
    assert "N1" not in [i.code for i in items(db, office, YEAR)]


def test_excel_without_the_sheet_is_refused(db, tmp_path):
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(UserError) as e:
        import_xlsx(db, tmp_path / "x.xlsx", db.local_office_id, YEAR)
    assert "积分细则" in e.value.message


def test_year_in_file_must_match(db, tmp_path):
    office = db.local_office_id
    path = export_xlsx(db, office, YEAR, tmp_path / "细则.xlsx")
    with pytest.raises(UserError) as e:
        import_xlsx(db, path, office, YEAR + 1)
    assert str(YEAR) in e.value.message


@pytest.mark.parametrize("value", ["-1", "abc", "1000.5", "12.345"])
def test_bad_base_scores_are_refused(db, value):
    with pytest.raises(ValidationError):
        catalogue.set_base_score(db, db.local_office_id, YEAR, value)
