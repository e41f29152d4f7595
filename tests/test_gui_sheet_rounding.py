"""The sheet in 考核轮次 states the scheme's rule for fractions at the bands' edges (分数取整) from the
moment it is opened, before any score is entered (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest

from assessment_util import add_branches, new_round
from dangjian_desktop.assessment import rounds
from dangjian_desktop.schemes import copy_scheme, load_scheme
from dangjian_desktop.schemes import model as m

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot, db):
    from dangjian_desktop.gui.assessment.page import AssessmentTab

    t = AssessmentTab()
    qtbot.addWidget(t)
    t.resize(1300, 820)
    t.show()
    yield t
    t.set_database(None)


def test_an_empty_sheet_states_the_rule(qtbot, tab, db, tmp_path):
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, scheme="liuyou")
    half = copy_scheme(load_scheme("liuyou"))
    half.rating.rounding = m.ROUND_HALF_UP
    rid2 = rounds.create_round(db, year=2024, scheme=half)
    tab.set_database(db)
    tab.select_round(rid)
    tab.open_sheet(b.id)
    text = tab.editor.summary_label.text()
    assert "自评分已填 0/" in text and "分数取整：去尾" in text and "94.5 分按 94 分" in text
    qtbot.wait(50)
    tab.grab().save(str(tmp_path / "sheet.png"))
    tab.select_round(rid2)
    (b2,) = rounds.round_branches(db, rid2)
    tab.open_sheet(b2.id)
    assert "分数取整：四舍五入" in tab.editor.summary_label.text()


def test_a_classification_sheet_has_no_rule(tab, db):
    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db, scheme="wugehao")
    tab.set_database(db)
    tab.select_round(rid)
    tab.open_sheet(b.id)
    assert "分数取整" not in tab.editor.summary_label.text()
