"""The scheme's rule for fractions at the bands' edges (分数取整) travels with the scheme to the branch:
the Excel self-assessment form states it with the bands, and `dangjian schemes show` prints it."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from assessment_util import add_branches
from dangjian_desktop.assessment import export_form, import_form, rounds, sheets
from dangjian_desktop.cli import main
from dangjian_desktop.schemes import copy_scheme, load_scheme
from dangjian_desktop.schemes import model as m
from test_assessment_forms import filled
from test_round_deadline_marked import stars_office  # noqa: F401 - a fixture


def _form(db, tmp_path, scheme):
    add_branches(db, [("东岭村党支部", "村")])
    rid = rounds.create_round(db, year=2025, scheme=scheme)
    (b,) = rounds.round_branches(db, rid)
    return rid, b.id, export_form(db, b.id, tmp_path / f"{scheme.id}-{scheme.rating.rounding}.xlsx")


def test_the_form_states_the_documents_reading(db, tmp_path):
    scheme = load_scheme("liuyou")
    rid, sid, path = _form(db, tmp_path, scheme)
    head = load_workbook(path)["自评表"]["A3"].value
    assert "填写说明" in head  # what to fill in still comes first
    assert f"评定标准：{scheme.rating.note}" in head
    assert "分数取整：去尾" in head and "94.5 分按 94 分对照分数线" in head
    # The form still reads back: the rule sits above the header row, not among the items.
    report = import_form(db, filled(path, {"A": 40, "B": 20, "C": 15, "D": 15, "E": 4.5}), round_id=rid)
    assert report.ok and report.written
    assert sheets.open_sheet(db, sid).scores("self")["E"] == 4.5


def test_the_form_follows_the_round_s_frozen_rule(db, tmp_path):
    scheme = copy_scheme(load_scheme("liuyou"))
    scheme.rating.rounding = m.ROUND_HALF_UP
    _rid, _sid, path = _form(db, tmp_path, scheme)
    head = load_workbook(path)["自评表"]["A3"].value
    assert "分数取整：四舍五入" in head and "94.5 分按 95 分对照分数线" in head


def test_a_classification_form_has_no_rounding_line(db, tmp_path):
    _rid, _sid, path = _form(db, tmp_path, load_scheme("wugehao"))
    assert "分数取整" not in load_workbook(path)["自评表"]["A3"].value


@pytest.mark.parametrize("sid, shown", [("liuyou", True), ("wuhua", True), ("wugehao", False)])
def test_schemes_show_prints_the_rule(capsys, sid, shown):
    assert main(["schemes", "show", sid]) == 0
    out = capsys.readouterr().out
    assert ("分数取整：去尾（不足1分的部分不计），如 94.5 分按 94 分对照分数线。" in out) is shown


def test_the_member_stars_sheet_states_the_rule(stars_office, tmp_path):
    from dangjian_desktop.reports.member_stars import MemberStarsOptions, build_member_stars
    from points_util import YEAR
    from test_round_deadline_marked import text_of

    db, b1 = stars_office
    text = text_of(build_member_stars(db, YEAR, b1, tmp_path / "s.pdf", MemberStarsOptions(start="2026-12-01")))
    assert "分数取整：去尾（不足1分的部分不计），如94.5分按94分对照分数线。" in text
