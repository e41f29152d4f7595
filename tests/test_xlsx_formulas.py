"""No Excel file the app writes holds a formula made of a user's text.

Formula-like text (=…, +…, -…, @…, =HYPERLINK(…), a DDE payload) is planted in every free-text
field a writer puts into a workbook: the office and branch names, a member's 工作单位 / 家庭住址 /
流动去向 / 备注, the cells of an imported roster, a scheme's texts, a round's title, self-assessment
reasons, veto facts and report, points items and ledger notes. Every writer then saves its
workbook; every cell is read back with openpyxl: none is a formula (the app writes none on
purpose: ALLOWED_FORMULAS is empty) and the text is there exactly as typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import dangjian_desktop
from dangjian_desktop.assessment import (export_form, import_form, set_reason, set_self_report, set_veto,
                                         open_sheet)
from dangjian_desktop.assessment import save_error_report as save_form_errors
from dangjian_desktop.assessment.rounds import create_round, round_branches
from dangjian_desktop.db import Database
from dangjian_desktop.points import catalogue, ledger
from dangjian_desktop.registry import init_office, update_member
from dangjian_desktop.roster import ImportOptions, export_roster, import_roster, save_error_report, write_template
from dangjian_desktop.roster.report import _values_copy
from dangjian_desktop.schemes import excel as scheme_excel
from dangjian_desktop.schemes.model import scheme_from_dict, scheme_to_dict
from dangjian_desktop.schemes.store import load_scheme
from dangjian_desktop.tables import save_tables
from dangjian_desktop.xlsx_safe import FORMULA_STARTS

from roster_util import HEADER, add_branches, person

HOSTILE = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://example.com/x","点这里")', "+1+1", "-2+3", "@SUM(1,2)",
           "=1+1", "#N/A"]
# Cells that hold a formula because the app put it there, by writer: none today. A writer that
# adds a totals formula lists its cells here (e.g. "points ledger": {"积分台账!F100"}).
ALLOWED_FORMULAS: dict[str, set[str]] = {}
ROSTER_EXTRA = ["工作单位", "家庭住址", "流动党员", "流动去向", "备注", "支部类别"]
MEMBER_FIELDS = ("name", "sex", "ethnicity", "birth_date", "id_number", "education", "join_date", "full_date",
                 "category", "person_class", "job", "workplace", "phone", "address", "is_mobile",
                 "mobile_whereabouts", "is_hardship", "note", "status")
SCHEME_TEXT_KEYS = {"version", "title", "issuer", "file", "unit", "standard", "evidence", "note", "group"}


def text_book(path: Path, rows: list[list], sheet: str = "花名册") -> Path:
    """An input xlsx whose str cells are text cells, as a clerk's Excel stores typed text
    (openpyxl alone would turn '=…' into a formula)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                c.data_type = "s"
    wb.save(path)
    return path


def formulas(path: Path) -> list[str]:
    """Cells holding a formula, or an error value ('#N/A' typed as text must stay text)."""
    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type in ("f", "e")]


def strings(path: Path) -> Counter:
    wb = load_workbook(path)
    return Counter(c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str))


def hostile_scheme(text: str):
    """A built-in scheme with every free text replaced by `text` (codes and rules kept)."""
    def walk(x, key=""):
        if isinstance(x, dict):
            return {k: walk(v, k) for k, v in x.items()}
        if isinstance(x, list):
            return [text if key == "notes" else walk(v, key) for v in x]
        return text if isinstance(x, str) and key in SCHEME_TEXT_KEYS else x
    data = walk({k: v for k, v in scheme_to_dict(load_scheme("chuangxing")).items() if k != "name"})
    return scheme_from_dict({**data, "name": text})  # level names stay: rules refer to them


def roster_rows(text: str, *, bad: bool = False) -> list[list]:
    """The header and one member with `text` in every free-text column and as the branch name;
    with `bad`, also a row whose 民族 and 身份证号 are wrong (so the import reports them)."""
    header = HEADER + ["所在党小组"] + ROSTER_EXTRA
    rows = [header, person(1, branch=text) + [None, text, text, "是", text, text, "村"]]
    if bad:
        broken = person(2, branch=text, ethnicity=text) + [None, text, text, "否", None, text, "村"]
        broken[4] = text
        rows.append(broken)
    return rows


@pytest.fixture(params=HOSTILE, ids=range(len(HOSTILE)))
def hostile(request, tmp_path):
    """A town named `text`镇, a branch named `text`, a member, a points year and an assessment round,
    each with `text` in their free-text fields."""
    text = request.param
    db = Database.create(tmp_path / "town.sqlite")
    init_office(db, name=f"{text}镇", level="town")
    report = import_roster(db, text_book(tmp_path / "in.xlsx", roster_rows(text)), ImportOptions(create_branches=True))
    assert report.ok and report.added == 1, report.to_text()
    member = db.one("SELECT id, org_id FROM member")
    office = db.local_office_id
    catalogue.ensure_catalogue(db, office, 2025)
    catalogue.replace_catalogue(db, office, 2025, [
        {"code": "P1", "title": text, "kind": "加分", "points": 2, "unit": "次", "note": text}])
    item = catalogue.items(db, office, 2025)[0]
    ledger.add_entry(db, member["id"], item.id, "2025-03-01", note=text, today=dt.date(2025, 12, 1))
    rid = create_round(db, year=2025, scheme=hostile_scheme(text), title=text, org_ids=[member["org_id"]])
    sid = round_branches(db, rid)[0].id
    sheet = open_sheet(db, sid)
    set_reason(db, sid, sheet.items[0].code, text)
    if sheet.vetoes:
        set_veto(db, sid, sheet.vetoes[0].code, text)
    set_self_report(db, sid, situation=text, problems=text, measures=text)
    yield text, db, sid
    db.close()


def write_all(db: Database, text: str, sid: str, out: Path) -> dict[str, Path]:
    """Every workbook the app writes, each from the hostile data."""
    out.mkdir()
    files = {}
    export_roster(db, files.setdefault("roster export", out / "roster.xlsx"))
    write_template(files.setdefault("roster template", out / "template.xlsx"),
                   branches=[r["name"] for r in db.query("SELECT name FROM org WHERE org_type = '党支部'")])
    bad = import_roster(db, text_book(out / "bad.xlsx", roster_rows(text, bad=True),
                                  sheet=re.sub(r"[\\/?*\[\]:]", "", text)[:31].strip("'")),
                        ImportOptions(dry_run=True))
    assert not bad.ok and any(p.value == text for p in bad.errors), bad.to_text()
    save_error_report(bad, files.setdefault("roster error report", out / "errors.xlsx"))
    # The error report of an .xls/.ods file copies its values into a new workbook.
    _values_copy(out / "bad.xlsx").save(files.setdefault("roster error report (values copy)", out / "copy.xlsx"))
    scheme_excel.export_xlsx(hostile_scheme(text), files.setdefault("scheme", out / "scheme.xlsx"))
    form = export_form(db, sid, files.setdefault("self-assessment form", out / "form.xlsx"))
    wb = load_workbook(form)
    wb["自评表"]["F5"] = -1                                # an out-of-range score: the import reports it
    wb.save(out / "form-bad.xlsx")
    form_report = import_form(db, out / "form-bad.xlsx", dry_run=True)
    assert not form_report.ok
    save_form_errors(form_report, files.setdefault("self-assessment error report", out / "form-errors.xlsx"))
    catalogue.export_xlsx(db, db.local_office_id, 2025, files.setdefault("points catalogue", out / "catalogue.xlsx"))
    ledger.export_ledger_xlsx(db, 2025, files.setdefault("points ledger", out / "ledger.xlsx"))
    save_tables(table_exports(db, sid), files.setdefault("tables", out / "tables.xlsx"))
    return files


def table_exports(db: Database, sid: str) -> list:
    """The shared table writer's tables: the structure report, a round's results, the year's totals."""
    from dangjian_desktop.assessment import rate_round
    from dangjian_desktop.assessment.rounds import get_round
    from dangjian_desktop.points.totals import totals
    from dangjian_desktop.statistics import structure
    from dangjian_desktop.statistics.report import structure_tables
    from dangjian_desktop.tables.sources import points_totals_table, round_results_table

    rid = db.scalar("SELECT round_id FROM round_branch WHERE id = ?", (sid,))
    return structure_tables(structure(db), with_charts=False) + [
        round_results_table(db, get_round(db, rid), rate_round(db, rid)), points_totals_table(db, 2025, totals(db, 2025))]


# Cells holding exactly the planted text, at least, per writer.
EXACT = {"roster export": 5, "roster template": 1, "roster error report": 13, "roster error report (values copy)": 11,
         "scheme": 29, "self-assessment form": 19, "self-assessment error report": 19, "points catalogue": 2,
         "points ledger": 3, "tables": 2}


# The modules that save a workbook and are exercised by write_all; selftest.py writes a fixed sample.
WRITER_MODULES = {"roster/export.py", "roster/template.py", "roster/report.py", "schemes/excel.py",
                  "assessment/excel_forms.py", "points/catalogue.py", "points/ledger.py", "tables/excel.py"}
FIXED_CONTENT = {"selftest.py"}
HELPERS = {"xlsx_safe.py"}  # makes the write-only workbooks the writers fill (streamed_workbook)


def test_every_module_that_saves_a_workbook_writes_text_through_xlsx_safe():
    """A writer added later must use the text helpers too (and belongs in write_all)."""
    root = Path(dangjian_desktop.__file__).parent
    found = set()
    for p in root.rglob("*.py"):
        src = p.read_text(encoding="utf-8")
        if ("openpyxl" in src and re.search(r"\bWorkbook\(", src)) or "streamed_workbook()" in src:
            found.add(p.relative_to(root).as_posix())
    assert WRITER_MODULES <= found
    for module in sorted(found - FIXED_CONTENT - HELPERS):
        assert "xlsx_safe" in (root / module).read_text(encoding="utf-8"), f"{module} writes cells without xlsx_safe"


def test_every_writer_keeps_user_text_as_text(hostile, tmp_path):
    text, db, sid = hostile
    files = write_all(db, text, sid, tmp_path / "out")
    assert set(files) == set(EXACT)
    for writer, path in files.items():
        found = set(formulas(path)) - ALLOWED_FORMULAS.get(writer, set())
        assert not found, f"{writer}: user text written as a formula in {found}"
        values = strings(path)
        assert values[text] >= EXACT[writer], f"{writer}: {values[text]} cells hold {text!r}"
    # Text composed around the user's (titles) survives too.
    assert f"{text}镇党委党员花名册" in strings(files["roster export"])
    assert f"{text} 党组织自评表" in strings(files["self-assessment form"])
    # A formula-like text keeps Excel's quote-prefix flag: editing the cell in Excel keeps it text.
    for writer in ("roster export", "scheme", "points ledger"):
        cells = [c for ws in load_workbook(files[writer]).worksheets for row in ws.iter_rows() for c in row
                 if c.value == text]
        assert cells and all(c.quotePrefix == text.startswith(FORMULA_STARTS) for c in cells), writer


def test_roster_export_imports_back_unchanged(hostile, tmp_path):
    text, db, _ = hostile
    export_roster(db, tmp_path / "r.xlsx")
    other = Database.create(tmp_path / "other.sqlite")
    try:
        init_office(other, name="另一镇", level="town")
        add_branches(other, text)
        report = import_roster(other, tmp_path / "r.xlsx")
        assert report.ok and report.added == 1, report.to_text()
        cols = ", ".join(f"m.{c}" for c in MEMBER_FIELDS)
        sql = f"SELECT {cols}, o.name FROM member m JOIN org o ON o.id = m.org_id"
        before, after = [tuple(r) for r in db.query(sql)], [tuple(r) for r in other.query(sql)]
        assert after == before
        assert before[0][MEMBER_FIELDS.index("note")] == text
    finally:
        other.close()


# Letters, digits, punctuation, symbols and plain spaces (the importer reads other spaces as plain ones).
def test_control_characters_do_not_stop_an_export(tmp_path):
    """XML cannot hold \x01 or \x0b: they are left out, the rest of the text and the file are written."""
    db = Database.create(tmp_path / "c.sqlite")
    try:
        init_office(db, name="测试镇", level="town")
        add_branches(db, "红星村党支部")
        assert import_roster(db, text_book(tmp_path / "in.xlsx", roster_rows("红星村党支部"))).added == 1
        update_member(db, db.scalar("SELECT id FROM member"), {"note": "=备注\x01内容", "workplace": "某\x0b合作社"})
        export_roster(db, tmp_path / "r.xlsx")
        found = strings(tmp_path / "r.xlsx")
        assert found["=备注内容"] == 1 and found["某合作社"] == 1 and formulas(tmp_path / "r.xlsx") == []
    finally:
        db.close()


_FORMULA_TEXT = st.builds(lambda start, rest: (start + rest).strip() or start, st.sampled_from(FORMULA_STARTS),
                          st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S"), include_characters=" "),
                                  max_size=40))


def test_property_any_formula_like_text_survives_export_and_import(tmp_path):
    db = Database.create(tmp_path / "p.sqlite")
    init_office(db, name="测试镇", level="town")
    add_branches(db, "红星村党支部")
    assert import_roster(db, text_book(tmp_path / "in.xlsx", roster_rows("红星村党支部"))).added == 1
    member_id = db.scalar("SELECT id FROM member")

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(workplace=_FORMULA_TEXT, note=_FORMULA_TEXT)
    def check(workplace, note):
        update_member(db, member_id, {"workplace": workplace, "note": note})
        stored = db.one("SELECT workplace, note FROM member WHERE id = ?", (member_id,))
        path = tmp_path / "p.xlsx"
        export_roster(db, path)
        assert formulas(path) == []
        assert {stored["workplace"], stored["note"]} <= set(strings(path))
        # The importer sees the same row: an unchanged member.
        again = import_roster(db, path, ImportOptions(dry_run=True))
        assert again.ok and again.unchanged == 1 and not again.changes, again.to_text()

    try:
        check()
    finally:
        db.close()
