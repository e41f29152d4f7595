"""Excel export/import: a human-editable workbook that round-trips exactly."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from dangjian_desktop.errors import UserError
from dangjian_desktop.schemes import check, export_xlsx, import_xlsx, load_scheme, scheme_to_dict
from dangjian_desktop.schemes.excel import SchemeImportError

BUILTINS = ["liuyou", "xingji-zhibu", "xingji-dangyuan", "guifanhua", "wuhua", "chuangxing", "wugehao"]


@pytest.mark.parametrize("sid", BUILTINS)
def test_export_import_changes_nothing(sid, tmp_path):
    s = load_scheme(sid)
    path = export_xlsx(s, tmp_path / f"{sid}.xlsx")
    back = import_xlsx(path)
    assert back == s
    assert scheme_to_dict(back) == scheme_to_dict(s)


def test_second_round_trip_gives_the_same_workbook_content(tmp_path):
    s = load_scheme("guifanhua")
    a = export_xlsx(s, tmp_path / "a.xlsx")
    b = export_xlsx(import_xlsx(a), tmp_path / "b.xlsx")
    wa, wb = load_workbook(a), load_workbook(b)
    assert wa.sheetnames == wb.sheetnames
    for name in wa.sheetnames:
        assert [list(r) for r in wa[name].iter_rows(values_only=True)] == \
               [list(r) for r in wb[name].iter_rows(values_only=True)]


def _rows(path, sheet):
    ws = load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_items_sheet_is_in_document_order_with_points(tmp_path):
    path = export_xlsx(load_scheme("guifanhua"), tmp_path / "g.xlsx")
    head, rows = _rows(path, "评分细则")
    col = {h: n for n, h in enumerate(head)}
    items = [(r[col["细项编号"]], r[col["分值"]]) for r in rows if r[col["细项编号"]]]
    assert [p for _c, p in items] == [2, 2, 3, 3] + [3] * 10 + [2, 6, 6, 2, 8, 8] + [3] * 5 + [5] * 3
    sections = [(r[col["部分名称"]], r[col["部分满分"]]) for r in rows if not r[col["细项编号"]]]
    assert sections == [("组织设置合理", 10), ("党员管理规范", 30), ("活动开展有序", 30), ("保障措施到位", 30)]


def test_workbook_has_a_sheet_per_part(tmp_path):
    path = export_xlsx(load_scheme("wuhua"), tmp_path / "w.xlsx")
    assert load_workbook(path).sheetnames == ["填写说明", "方案信息", "评分细则", "评定规则", "否决项", "名额",
                                              "加分", "后果", "处理说明"]
    _head, bonus = _rows(path, "加分")
    assert bonus == [("五星", 10), ("四星", 8), ("三星", 5), ("二星", 1), ("一星", 0), ("无星", 0)]


def _edit(path, sheet, match_col, match_value, col, value):
    wb = load_workbook(path)
    ws = wb[sheet]
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[head.index(match_col)].value == match_value:
            row[head.index(col)].value = value
            row_number = row[0].row
            break
    else:
        raise AssertionError(f"{match_value} not found")
    wb.save(path)
    return row_number


def test_a_county_edit_is_imported(tmp_path):
    path = export_xlsx(load_scheme("guifanhua"), tmp_path / "g.xlsx")
    _edit(path, "评分细则", "细项编号", "C2", "分值", 4)
    s = import_xlsx(path)
    assert s.section("C").items[1].max == 4
    assert [f.key for f in check(s)] == ["stale:section_sum:C"]


def test_columns_may_be_moved(tmp_path):
    path = export_xlsx(load_scheme("liuyou"), tmp_path / "l.xlsx")
    wb = load_workbook(path)
    wb["评定规则"].move_range("A1:D10", cols=4)  # 等次 table now starts in column E
    wb.save(path)
    assert import_xlsx(path) == load_scheme("liuyou")


@pytest.mark.parametrize("sheet, match_col, match, col, value, fragment", [
    ("评分细则", "细项编号", "A2", "分值", "两分", "工作表“评分细则”第 {row} 行“分值”列：“两分”不是数字"),
    ("评分细则", "细项编号", "A2", "计分方式", "加分", "工作表“评分细则”第 {row} 行“计分方式”列：“加分”无法识别"),
    ("评分细则", "细项编号", "A3", "细项编号", "A2", "工作表“评分细则”第 {row} 行“细项编号”列：编号“A2”与第"),
    ("评分细则", "细项编号", "A2", "细项内容", None, "工作表“评分细则”第 {row} 行“细项内容”列：不能为空"),
    ("评定规则", "等次", "合格", "最低分（含）", "八十五", "工作表“评定规则”第 {row} 行“最低分（含）”列"),
    ("否决项", "编号", "V2", "编号", "V1", "工作表“否决项”第 {row} 行“编号”列：否决项编号“V1”与第 2 行重复"),
    ("方案信息", "项目", "评定方式", "内容", "打分", "工作表“方案信息”第 {row} 行“内容”列：“打分”无法识别"),
    ("后果", "编号", "C1", "条件", "很严重", "工作表“后果”第 {row} 行“条件”列"),
    ("评分细则", "细项编号", "A2", "分值", 1e308, "工作表“评分细则”第 {row} 行“分值”列：数值过大"),
    ("评分细则", "细项编号", "A2", "分值", "1" + "0" * 400, "工作表“评分细则”第 {row} 行“分值”列：数值过大"),
])
def test_import_errors_name_sheet_row_and_column(tmp_path, sheet, match_col, match, col, value, fragment):
    path = export_xlsx(load_scheme("guifanhua"), tmp_path / "g.xlsx")
    row = _edit(path, sheet, match_col, match, col, value)
    with pytest.raises(SchemeImportError) as e:
        import_xlsx(path)
    assert e.value.exit_code == 2
    assert fragment.format(row=row) in e.value.message


def test_validator_errors_are_refused_naming_the_sheet(tmp_path):
    path = export_xlsx(load_scheme("liuyou"), tmp_path / "l.xlsx")
    _edit(path, "评定规则", "等次", "差", "最低分（含）", 10)
    with pytest.raises(SchemeImportError) as e:
        import_xlsx(path)
    assert "工作表“评定规则”：最低等次“差”从 10 分起" in e.value.message
    assert import_xlsx(path, strict=False).rating.levels[-1].min == 10


def test_missing_sheet_is_named(tmp_path):
    path = export_xlsx(load_scheme("liuyou"), tmp_path / "l.xlsx")
    wb = load_workbook(path)
    del wb["评分细则"]
    wb.save(path)
    with pytest.raises(SchemeImportError) as e:
        import_xlsx(path)
    assert "缺少工作表“评分细则”" in e.value.message


def test_renamed_header_is_named(tmp_path):
    path = export_xlsx(load_scheme("liuyou"), tmp_path / "l.xlsx")
    wb = load_workbook(path)
    wb["评分细则"]["H1"] = "分数"
    wb.save(path)
    with pytest.raises(SchemeImportError) as e:
        import_xlsx(path)
    assert "工作表“评分细则”第 1 行缺少列：分值" in e.value.message


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_text("not excel", encoding="utf-8")
    with pytest.raises(UserError) as e:
        import_xlsx(bad)
    assert "文本文件，不是Excel工作簿" in e.value.message and e.value.exit_code == 2


def test_numbers_typed_as_text_are_accepted(tmp_path):
    path = export_xlsx(load_scheme("guifanhua"), tmp_path / "g.xlsx")
    _edit(path, "评分细则", "细项编号", "A1", "分值", "2.5分")
    assert import_xlsx(path, strict=False).section("A").items[0].max == 2.5


def test_export_leaves_no_partial_file_on_failure(tmp_path, monkeypatch):
    import openpyxl.workbook.workbook as wbmod

    def boom(self, stream):
        stream.write(b"half")  # the workbook is made in memory and written to disk only when whole
        raise OSError("disk full")

    monkeypatch.setattr(wbmod.Workbook, "save", boom)
    with pytest.raises(OSError):
        export_xlsx(load_scheme("liuyou"), tmp_path / "l.xlsx")
    assert list(tmp_path.iterdir()) == []
