"""党费收缴登记表: export and import back unchanged; new payments and yearly bases from a file;
all-or-nothing import with row-level Chinese errors and an error report; user text stays text."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook, load_workbook

from dangjian_desktop.ledgers import dues
from dangjian_desktop.ledgers.dues_excel import HEADER_ROW, SHEET, export_dues, import_dues, save_error_report
from dangjian_desktop.registry import add_org

from points_util import add_branch, root_id

Y = 2025
END = dt.date(Y + 1, 1, 1)


def _setup(db):
    b = add_branch(db, n=4)
    a, c, d, _ = b.members
    dues.set_base(db, a, Y, base=3000, rate_class="在职", fixed_on=f"{Y}-01-05")
    dues.record_payment(db, a, Y, "1-6", paid_on=f"{Y}-01-10")
    dues.set_base(db, a, Y, base=6000, rate_class="在职", from_month=7, fixed_on=f"{Y}-06-20")
    dues.set_base(db, c, Y, rate_class="农民", fixed_on=f"{Y}-01-05")
    dues.record_payment(db, c, Y, "1-12", paid_on=f"{Y}-01-10")
    dues.set_exemption(db, d, Y, "1-12", reason="生活困难")
    return b


def _snapshot(db):
    return [m.to_dict() for m in dues.status(db, Y, as_of=END).members]


def _counts(db):
    return tuple(db.scalar(f"SELECT count(*) FROM {t}") for t in ("dues_base", "dues_payment", "tx_log"))


def test_export_then_import_changes_nothing(db, tmp_path):
    _setup(db)
    path = export_dues(db, Y, tmp_path / "dues.xlsx", as_of=END)
    ws = load_workbook(path)[SHEET]
    header = [c.value for c in ws[HEADER_ROW]]
    assert header[:3] == ["序号", "党支部", "姓名"] and header[7] == "1月" and header[18] == "12月"
    assert "2025年度党费收缴登记表" in ws["A1"].value
    before, counts = _snapshot(db), _counts(db)
    report = import_dues(db, path)
    assert report.ok and report.year == Y and not report.written, report.to_text()
    assert report.rows == 4 and report.unchanged == 4
    assert _snapshot(db) == before and _counts(db) == counts


def test_import_adds_payments_and_first_bases(db, tmp_path):
    b = _setup(db)
    new = b.members[3]  # no base yet
    path = export_dues(db, Y, tmp_path / "dues.xlsx", as_of=END)
    wb = load_workbook(path)
    ws = wb[SHEET]
    rows = {ws.cell(r, 3).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    name_a = db.get("member", b.members[0])["name"]
    name_new = db.get("member", new)["name"]
    for month in range(7, 13):  # the difference after the base change, and the rest of the year
        ws.cell(rows[name_a], 7 + month, 90)
    ws.cell(rows[name_new], 5, "在职")
    ws.cell(rows[name_new], 6, 4500)
    ws.cell(rows[name_new], 8, 45)
    ws.cell(rows[name_new], 9, 45)
    wb.save(tmp_path / "filled.xlsx")
    report = import_dues(db, tmp_path / "filled.xlsx", paid_on=f"{Y}-12-30", receiver="李组织")
    assert report.ok and report.written, report.to_text()
    assert len(report.bases) == 1 and len(report.payments) == 2
    a = dues.member_dues(db, b.members[0], Y, as_of=END)
    assert a.arrears_fen == 0 and a.months_paid == list(range(1, 13))
    n = dues.member_dues(db, new, Y, as_of=END)
    assert n.rate_class == "在职" and n.base_fen == 450000 and n.monthly_fen == 4500
    assert n.months_paid == [1, 2] and n.arrears_fen == 10 * 4500
    pay = db.one("SELECT * FROM dues_payment WHERE member_id = ?", (new,))
    assert (pay["from_month"], pay["to_month"], pay["amount_fen"], pay["receiver"]) == (1, 2, 9000, "李组织")
    assert "导入" in db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1")
    assert db.verify() == []


def test_import_tells_its_steps_and_the_rows_checked(db, tmp_path, monkeypatch):
    from dangjian_desktop.ledgers import dues_excel

    b = _setup(db)
    monkeypatch.setattr(dues_excel, "PROGRESS_ROWS", 2)
    path = export_dues(db, Y, tmp_path / "dues.xlsx", as_of=END)
    wb = load_workbook(path)
    ws = wb[SHEET]
    rows = {ws.cell(r, 3).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    ws.cell(rows[db.get("member", b.members[0])["name"]], 7 + 12, 90)
    wb.save(tmp_path / "filled.xlsx")
    told = []
    report = import_dues(db, tmp_path / "filled.xlsx", paid_on=f"{Y}-12-30", progress=lambda *a: told.append(a))
    assert report.written, report.to_text()
    body = ws.max_row - HEADER_ROW
    texts = [t for _d, _n, t in told]
    assert texts[0] == "正在读取文件……" and texts[-1] == "正在写入 1 笔缴费……"
    assert [(d, n) for d, n, t in told if t.startswith("已核对")] == [(k, body) for k in range(2, body, 2)]
    assert "正在与已登记的缴费比对……" in texts
    told.clear()
    assert import_dues(db, tmp_path / "filled.xlsx", dry_run=True, progress=lambda *a: told.append(a)).ok
    assert not any(t.startswith("正在写入") for _d, _n, t in told)  # a dry run writes nothing


def test_import_is_all_or_nothing_with_row_level_errors(db, tmp_path):
    b = _setup(db)
    path = export_dues(db, Y, tmp_path / "dues.xlsx", as_of=END)
    wb = load_workbook(path)
    ws = wb[SHEET]
    row = {db.get("member", mid)["id"]: r for r in range(HEADER_ROW + 1, ws.max_row + 1)
           for mid in b.members if db.get("member", mid)["id_number"] == ws.cell(r, 4).value}
    a, farmer, _exempt, plain = (row[mid] for mid in b.members)
    ws.cell(a, 9, "十五元")  # 2月 (column I): not a number
    ws.cell(farmer, 8, 0.1)  # 1月 (column H) less than the 0.50 recorded: refused
    ws.cell(plain, 10, 20)  # a valid new payment: must not be written either
    ws.append([None, "东村党支部", "不存在", "140826199001011234"])
    wb.save(tmp_path / "bad.xlsx")
    before, counts = _snapshot(db), _counts(db)
    report = import_dues(db, tmp_path / "bad.xlsx")
    assert not report.ok and not report.written
    found = {(p.row, p.column) for p in report.errors}
    assert found == {(a, "I"), (farmer, "H"), (ws.max_row, "D")}, report.to_text()
    assert any("已登记交纳0.50元" in p.problem for p in report.errors)
    assert all(p.problem and p.suggestion for p in report.errors)
    assert _snapshot(db) == before and _counts(db) == counts
    assert "未导入任何数据" in report.to_text()
    out = save_error_report(report, tmp_path / "errors.xlsx")
    err = load_workbook(out)
    assert err.sheetnames[0] == "错误清单" and err["错误清单"].max_row == len(report.errors) + 1
    # A base that differs from the one fixed is an error too (a change is made from a month in the program).
    wb = load_workbook(path)
    wb[SHEET].cell(row[b.members[0]], 6, 9999)  # a member whose base is fixed (rows follow pinyin order)
    wb.save(tmp_path / "base.xlsx")
    r2 = import_dues(db, tmp_path / "base.xlsx")
    assert not r2.ok and any("一年一核定" in p.suggestion for p in r2.errors)
    assert b.members  # the branch is still there


def test_an_office_file_with_only_names_and_months_is_read(db, tmp_path):
    b = add_branch(db, name="西村党支部", n=2)
    dues.set_base(db, b.members[0], Y, base=2000, rate_class="在职", fixed_on=f"{Y}-01-05")
    name = db.get("member", b.members[0])["name"]
    wb = Workbook()
    ws = wb.active
    ws.append([f"西村党支部{Y}年党费交纳情况"])
    ws.append(["姓名", "1月", "2月", "3月"])
    ws.append([name, 10, 10, None])
    ws.append(["合计", 20, None, None])
    wb.save(tmp_path / "office.xlsx")
    report = import_dues(db, tmp_path / "office.xlsx", paid_on=f"{Y}-03-01")
    assert report.ok and report.written and report.year == Y, report.to_text()
    assert dues.member_dues(db, b.members[0], Y, as_of=dt.date(Y, 4, 1)).months_owed == [3]
    wb.active["A1"] = "党费交纳情况"  # no year anywhere: told, nothing read
    wb.save(tmp_path / "noyear.xlsx")
    r = import_dues(db, tmp_path / "noyear.xlsx")
    assert not r.ok and "年度" in r.errors[0].problem


def test_user_text_stays_text_in_the_export(db, tmp_path):
    hostile = '=HYPERLINK("http://example.com/x","点这里")'
    bid = add_org(db, parent_id=root_id(db), name=hostile, org_type="党支部", kind="村")
    from dangjian_desktop.registry import add_member
    from dangjian_desktop.registry.idcard import make

    add_member(db, {"name": "王芳", "ethnicity": "汉族", "id_number": make("140826", dt.date(1980, 2, 3), 1, False),
                    "join_date": "2010-07-01", "full_date": "2011-07-01", "category": "正式党员"}, org_id=bid)
    path = export_dues(db, Y, tmp_path / "dues.xlsx", as_of=END)
    cells = [c for row in load_workbook(path)[SHEET].iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type in ("f", "e")]
    assert any(c.value == hostile and c.quotePrefix for c in cells)


def test_the_export_tells_its_progress_member_by_member(db, tmp_path):
    _setup(db)
    told = []
    export_dues(db, Y, tmp_path / "dues.xlsx", as_of=END, progress=lambda *a: told.append(a))
    assert told[0] == (0, 0, "正在计算每名党员的党费……")
    assert told[1][:2] == (0, 4) and told[-1][:2] == (4, 4)
