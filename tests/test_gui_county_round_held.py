"""The 考核检查 page at a town for a county round (pytest-qt, offscreen): a sheet the town has
submitted is the county's to review, and the page shows it read-only with who holds it; a sheet
still in the town's stages stays editable with its step buttons."""

from __future__ import annotations

import pytest

from dangjian_desktop.db import Database

from test_exchange_county_round import _submit, county_round  # noqa: F401 - the fixture

pytestmark = pytest.mark.gui


def _editor(qtbot):
    from dangjian_desktop.gui.assessment.sheet_editor import SheetEditor

    ed = SheetEditor()
    qtbot.addWidget(ed)
    ed.resize(1100, 700)
    ed.show()
    return ed


def _editable_cells(model) -> int:
    return sum(model.editable(r, c) for r in range(model.rowCount()) for c in range(model.columnCount()))


def test_a_submitted_sheet_is_read_only_at_the_town_and_says_who_holds_it(qtbot, county_round):
    tmp, county, town, rid, sids = county_round
    _submit(town, sids[0])
    db = Database.open(town)
    ed = _editor(qtbot)
    try:
        ed.set_sheet(db, sids[0])
        assert "现由测试县办理" in ed.title_label.text()
        assert _editable_cells(ed.model) == 0
        assert "只读方式" not in ed.items.stage_hint.text() and "测试县办理" in ed.items.stage_hint.text()
        assert [b.property("target") for b in ed.workflow.move_buttons if b.property("target")] == []
        assert not ed.report.save_button.isEnabled()
        ed.set_sheet(db, sids[1])  # still the town's: 自评 can be typed and submitted
        assert "办理，本单位只能查看" not in ed.title_label.text()
        assert _editable_cells(ed.model) > 0
        assert [b.property("target") for b in ed.workflow.move_buttons] == ["初审"]
    finally:
        ed.set_sheet(None, None)
        db.close()
