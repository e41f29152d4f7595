"""Rosters as offices really keep them: 人员类别 holding 正式党员/预备党员 (the national 党员信息
system's export), columns read by their values, optional columns missing (信息不全), old
15-digit ID numbers, region codes, and names with rare characters (生僻字)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.cli import main
from dangjian_desktop.registry import compute_warnings, idcard
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.roster import ImportOptions, import_roster
from dangjian_desktop.roster.header import detect

from roster_util import add_branches, person, write_roster

# The columns of a roster taken from the national 党员信息 system.
NATIONAL = ["序号", "姓名", "性别", "公民身份号码", "民族", "学历", "人员类别", "入党时间", "转正时间", "所在党支部"]


@pytest.fixture
def town(db):
    add_branches(db, "红星村党支部")
    return db


def run(db, path, **kw):
    return import_roster(db, path, ImportOptions(**kw))


def national_row(seq: int, category: str, *, born=dt.date(1970, 3, 5), full="1996-07-01") -> list:
    idn = make("110101", born, seq, True)
    return [seq, f"党员{'甲乙丙丁戊'[seq % 5]}", "男", idn, "汉族", "大学本科", category, "1995-07-01",
            full if category.startswith("正") else None, "红星村党支部"]


def stored(db, column: str) -> list:
    return [r[0] for r in db.query(f"SELECT {column} FROM member ORDER BY id_number")]


# ---- 人员类别 read by its values ------------------------------------------------------------

@pytest.mark.parametrize("full, probationary", [("正式党员", "预备党员"), ("正", "预")])
def test_a_national_system_roster_with_the_category_under_renyuan_leibie(town, tmp_path, full, probationary):
    rows = [national_row(1, full), national_row(2, probationary), national_row(3, full)]
    report = run(town, write_roster(tmp_path / "r.xlsx", rows, header=NATIONAL))
    assert report.errors == [], report.to_text()
    assert report.added == 3
    assert stored(town, "category") == ["正式党员", "预备党员", "正式党员"]
    assert stored(town, "person_class") == [None, None, None]
    text = report.to_text()
    assert "列的理解" in text and "列G“人员类别”的内容是" in text and "按“党员类别”" in text


def test_renyuan_leibie_holding_the_occupation_class_stays_the_occupation_class(town, tmp_path):
    header = NATIONAL + ["党员类别"]
    rows = [national_row(1, "农牧渔民") + ["正式党员"], national_row(2, "在岗职工") + ["正式党员"]]
    for r in rows:
        r[8] = "1996-07-01"
    report = run(town, write_roster(tmp_path / "r.xlsx", rows, header=header))
    assert report.errors == [], report.to_text()
    assert stored(town, "person_class") == ["农牧渔民", "在岗职工"]
    assert stored(town, "category") == ["正式党员", "正式党员"]
    assert "按“人员类别”（职业类别）导入" in report.to_text()


@pytest.mark.parametrize("heading", ["身份", None])
def test_an_unknown_or_blank_header_whose_values_are_the_category(town, tmp_path, heading):
    header = ["序号", "姓名", "身份证号", "民族", "入党日期", heading]
    rows = [[1, "张伟", make("110101", dt.date(1970, 3, 5), 1, True), "汉族", "1995-07-01", "正式党员"],
            [2, "李娜", make("110101", dt.date(1971, 3, 5), 2, False), "汉族", "2025-07-01", "预备党员"]]
    report = run(town, write_roster(tmp_path / "r.xlsx", rows, header=header), branch="红星村党支部")
    assert report.errors == [], report.to_text()
    assert stored(town, "category") == ["正式党员", "预备党员"]
    shown = "身份" if heading else "（无列名）"
    assert f"列F“{shown}”不是已知的列名，内容是正式党员、预备党员，按“党员类别”导入" in report.to_text()


def test_a_column_named_for_the_category_wins_over_one_read_from_its_values(town, tmp_path):
    header = NATIONAL + ["党员类别"]
    rows = [national_row(1, "正式党员") + ["正式党员"]]
    layout = detect("花名册", [(1, header), (2, rows[0])])
    assert layout.fields()["category"] == 10
    assert any("都表示党员类别，只导入列K" in n for n in layout.notes)


def test_the_user_can_override_a_reading(town, tmp_path):
    rows = [national_row(1, "正式党员")]
    layout = detect("花名册", [(1, NATIONAL), (2, rows[0])], {"人员类别": "person_class"})
    assert layout.fields()["person_class"] == 6 and "category" not in layout.fields()
    assert not any("人员类别" in r and "党员类别" in r for r in layout.readings)


# ---- optional columns: imported as missing, listed as 信息不全 -----------------------------

def test_a_roster_without_ethnicity_education_or_job_imports_them_as_missing(town, tmp_path):
    header = ["序号", "姓名", "身份证号", "入党日期", "转正日期", "党员类别"]
    rows = [[1, "张伟", make("110101", dt.date(1970, 3, 5), 1, True), "1995-07-01", "1996-07-01", "正式党员"]]
    report = run(town, write_roster(tmp_path / "r.xlsx", rows, header=header), branch="红星村党支部")
    assert report.errors == [] and report.added == 1, report.to_text()
    assert "没有“民族”“学历”“人员类别（职业类别）”“工作岗位”列" in report.to_text()
    m = town.one("SELECT * FROM member")
    assert (m["ethnicity"], m["education"], m["job"], m["sex"], m["birth_date"]) == (
        "未填", None, None, "男", "1970-03-05")
    found = [w for w in compute_warnings(town) if w.code == "incomplete"]
    assert [w.member_id for w in found] == [m["id"]]
    assert "缺民族、学历、人员类别、工作岗位" in found[0].message

    # Completed later from a fuller roster: 未填 is replaced, nothing else is erased.
    full = write_roster(tmp_path / "full.xlsx", [person(1, name="张伟")])
    assert run(town, full, update=True).updated == 1
    assert town.scalar("SELECT ethnicity FROM member") == "汉族"


def test_an_empty_ethnicity_cell_is_missing_not_an_error(town, tmp_path):
    report = run(town, write_roster(tmp_path / "r.xlsx", [person(1, ethnicity=None), person(2)]))
    assert report.errors == [] and report.added == 2
    assert sorted(stored(town, "ethnicity")) == ["未填", "汉族"]


def test_a_weiti_cell_never_erases_a_stored_value(town, tmp_path):
    run(town, write_roster(tmp_path / "a.xlsx", [person(1)]))
    report = run(town, write_roster(tmp_path / "b.xlsx", [person(1, ethnicity="未填")]), update=True)
    assert report.changes == [] and stored(town, "ethnicity") == ["汉族"]


# ---- ID numbers -----------------------------------------------------------------------------

def test_an_old_15_digit_number_is_imported_in_its_18_digit_form_with_a_warning(town, tmp_path):
    new = make("110101", dt.date(1970, 3, 5), 1, True)
    old = new[:6] + new[8:17]
    row = person(1)
    row[4] = old
    report = run(town, write_roster(tmp_path / "r.xlsx", [row]))
    assert report.errors == [], report.to_text()
    assert stored(town, "id_number") == [new]
    assert any(old in w.problem and new in w.problem for w in report.warnings)


def test_an_unknown_province_is_refused(town, tmp_path):
    row = person(1)
    first17 = "99" + row[4][2:17]
    row[4] = first17 + idcard.check_digit(first17)
    report = run(town, write_roster(tmp_path / "r.xlsx", [row]))
    assert report.added == 0 and not report.written
    assert "省级行政区划代码" in report.errors[0].problem


def test_an_unknown_county_is_a_warning_once_per_code(town, tmp_path):
    rows = []
    for seq in (1, 2):
        row = person(seq)
        first17 = "110199" + row[4][6:17]   # 北京, but no such county
        row[4] = first17 + idcard.check_digit(first17)
        rows.append(row)
    report = run(town, write_roster(tmp_path / "r.xlsx", rows))
    assert report.errors == [] and report.added == 2
    region = [w for w in report.warnings if "110199" in w.problem]
    assert len(region) == 1 and "第4行等2人" in region[0].problem


# ---- rare characters in names ----------------------------------------------------------------

def test_a_name_with_an_extension_b_character_is_imported(town, tmp_path):
    report = run(town, write_roster(tmp_path / "r.xlsx", [person(1, name="王𪚥")]))
    assert report.errors == [], report.to_text()
    assert stored(town, "name") == ["王𪚥"]


# ---- the CLI says which reading was chosen ---------------------------------------------------

def test_the_cli_report_says_how_the_columns_were_read(db_path, tmp_path, capsys):
    from dangjian_desktop.db import Database
    from dangjian_desktop.registry import init_office

    db = Database.create(db_path)
    init_office(db, name="测试镇", level="town")
    add_branches(db, "红星村党支部")
    db.close()
    f = write_roster(tmp_path / "r.xlsx", [national_row(1, "正式党员"), national_row(2, "预备党员")], header=NATIONAL)
    assert main(["--db", str(db_path), "roster", "import", str(f), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "列的理解：" in out and "列G“人员类别”的内容是正式党员、预备党员，按“党员类别”（正式/预备）导入" in out


def test_the_cli_finds_a_member_by_the_id_number_however_it_is_typed(town, tmp_path):
    from dangjian_desktop.ledgers.common import find_member

    seq = next(s for s in range(100) if make("110101", dt.date(1970, 3, 5), s, True).endswith("X"))
    run(town, write_roster(tmp_path / "r.xlsx", [person(seq)]))
    idn = stored(town, "id_number")[0]
    full_width = idn[:6].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}) + idn[6:]
    for typed in (idn.lower(), full_width, idn[:6] + idn[8:17]):
        assert find_member(town, typed)["id_number"] == idn


def test_weitian_ethnicity_counts_as_unknown_in_the_statistics_not_as_a_minority(town, tmp_path):
    from dangjian_desktop.statistics.structure import structure

    run(town, write_roster(tmp_path / "r.xlsx", [person(1, ethnicity=None), person(2), person(3, ethnicity="回族")]))
    from dangjian_desktop.statistics.structure import ETHNICITY

    s = structure(town)
    assert s.dimensions[ETHNICITY].counts == {"汉族": 1, "少数民族": 1, "未填写": 1}
    assert s.minorities == {"回族": 1}
