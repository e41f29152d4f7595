"""The 考核检查 page in its new shape (pytest-qt, offscreen): the section subtotals beside the items
are the evaluator's (held to the section's maximum), every change made on the page is one kit
Operation heard on the OperationBus, and the sheet's panels follow the sheet shown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from assessment_util import add_branches, new_round
from dangjian_desktop.assessment import sheets
from dangjian_desktop.gui.kit.operations import Operation, bus_for

pytestmark = pytest.mark.gui


@pytest.fixture
def editor(qtbot, db):
    from dangjian_desktop.gui.assessment.sheet_editor import SheetEditor

    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    ed = SheetEditor()
    qtbot.addWidget(ed)
    ed.resize(1100, 700)
    ed.show()
    yield ed
    ed.set_sheet(None, None)


def section_row(model, code: str) -> int:
    return next(r for r in range(model.rowCount()) if not model.is_item_row(r) and model.index(r, 0).data() == code)


def test_section_subtotal_is_held_to_the_sections_maximum(editor, db):
    _rid, branches = new_round(db, scheme="guifanhua")
    editor.set_sheet(db, branches[0].id)
    model = editor.model
    c = section_row(model, "C")
    assert model.index(c, 2).data() == "30" and model.index(c, 3).data() == ""  # nothing scored yet
    rows = [r for r in range(model.rowCount()) if model.is_item_row(r) and model.item_at(r).section_code == "C"]
    assert sum(model.item_at(r).max for r in rows) == 32  # the document's items add up to more than the section
    for r in rows:
        assert model.setData(model.index(r, 3), str(model.item_at(r).max))
    assert model.index(c, 3).data() == "30"  # as the evaluator counts it, not 32
    assert "合计 30 分" in editor.summary_label.text()
    assert model.setData(model.index(rows[0], 3), "0")
    assert model.index(c, 3).data() == "30"  # 30 of 32 still reaches the cap
    assert model.setData(model.index(rows[1], 3), "0")
    assert model.index(c, 3).data() == "24"


def test_a_typed_score_is_one_operation_heard_on_the_bus(qtbot, editor, db):
    _rid, branches = new_round(db)
    editor.set_sheet(db, branches[0].id)
    heard = []
    bus_for(db).changed.connect(heard.append)
    model = editor.model
    row = next(r for r in range(model.rowCount()) if model.is_item_row(r))
    assert model.setData(model.index(row, 3), "12")
    assert len(heard) == 1 and "round_score" in heard[0].tables
    assert isinstance(heard[0].source, Operation)
    assert not model.setData(model.index(row, 3), "99")  # refused by the core: nothing heard, the reason shown
    assert len(heard) == 1 and "超过" in editor.items.status_label.text()
    assert sheets.open_sheet(db, branches[0].id).scores("self") == {model.item_at(row).code: 12}


def test_saving_the_report_and_clearing_a_veto_are_operations_on_the_bus(qtbot, editor, db):
    _rid, branches = new_round(db)
    sid = branches[0].id
    sheets.set_veto(db, sid, "V1", "2025年5月起书记空缺")
    editor.set_sheet(db, sid)
    heard = []
    bus_for(db).changed.connect(heard.append)
    editor.report.situation.setPlainText("全年召开支部党员大会4次")
    assert editor.report.save_button.isEnabled()
    editor.report.save_button.click()
    assert heard and "round_self_report" in heard[-1].tables and isinstance(heard[-1].source, Operation)
    assert sheets.get_self_report(db, sid).situation == "全年召开支部党员大会4次"
    editor.vetoes.table.selectRow(0)
    assert editor.vetoes.clear_button.isEnabled()
    editor.vetoes.clear_button.click()
    assert "round_veto" in heard[-1].tables and isinstance(heard[-1].source, Operation)
    assert sheets.open_sheet(db, sid).triggered_vetoes() == []
    assert editor.vetoes.table.item(0, 0).text() == ""


def test_panels_follow_the_sheet_shown_and_empty_without_one(qtbot, editor, db):
    _rid, branches = new_round(db)
    editor.set_sheet(db, branches[0].id)
    assert editor.isEnabled() and "东岭村党支部" in editor.title_label.text()
    assert editor.evidence.target.count() == 1 + len(editor.sheet.items)  # 整张考核表 and each item
    editor.view.setCurrentIndex(editor.model.index(2, 3))
    assert editor.evidence.target_code() == editor.model.item_at(2).code  # new files go to the current item
    assert editor.workflow.move_button("初审") is not None
    editor.set_sheet(db, None)
    assert not editor.isEnabled() and "请在左侧选择" in editor.title_label.text()
    assert editor.vetoes.table.rowCount() == 0 and editor.workflow.history_table.rowCount() == 0
    assert editor.evidence.target.count() == 1 and editor.workflow.move_button("初审") is None


def test_the_dashboard_follows_a_batch_step_made_as_one_operation(qtbot, db):
    from dangjian_desktop.gui.assessment.page import AssessmentTab
    from dangjian_desktop.gui.assessment.models import D_STATE

    add_branches(db, [("东岭村党支部", "村"), ("西岭村党支部", "村")])
    _rid, branches = new_round(db)
    for b in branches:
        s = sheets.open_sheet(db, b.id)
        sheets.set_scores(db, b.id, "self", {i.code: i.max for i in s.items})
    tab = AssessmentTab()
    qtbot.addWidget(tab)
    tab.show()
    tab.set_database(db)
    db.on_commit(tab.on_data_changed)
    qtbot.waitUntil(lambda: not tab.loading, timeout=10000)  # the dashboard is read off the GUI thread
    heard = []
    bus_for(db).changed.connect(heard.append)
    tab.dashboard.view.selectAll()
    tab.batch_move("初审")
    tab.current_message.button(tab.current_message.StandardButton.Yes).click()
    assert len(heard) == 1 and isinstance(heard[0].source, Operation)
    assert "2 个党组织" in tab.current_message.text()
    qtbot.waitUntil(lambda: not tab.loading, timeout=10000)
    m = tab.dashboard.model
    assert [m.index(r, D_STATE).data(Qt.ItemDataRole.DisplayRole) for r in range(m.rowCount())] == ["初审", "初审"]
    tab.set_database(None)


def test_the_dashboard_keeps_the_chosen_sheets_through_a_filter(qtbot):
    """Branches chosen, a filter that hides one of them, the filter cleared: both chosen again and
    the current one current (批量流转 then acts on both; ↓ goes on from the current one)."""
    import datetime as dt

    from PySide6.QtCore import QItemSelectionModel

    from dangjian_desktop.assessment.dashboard import Dashboard, DashboardRow
    from dangjian_desktop.gui.assessment.dashboard_panel import DashboardPanel
    from dangjian_desktop.gui.assessment.models import SHEET_ROLE

    states = ["自评", "初审", "自评", "审核", "自评"]
    rows = [DashboardRow(sheet_id=f"s{n}", org_id=f"o{n}", org_name=f"{'东西南北中'[n]}村党支部", town="文城镇",
                         kind="村", state=s, state_since="2026-01-05T09:00:00") for n, s in enumerate(states)]
    panel = DashboardPanel()
    qtbot.addWidget(panel)
    panel.show_dashboard(Dashboard("r", dt.date(2026, 3, 1), rows, {"自评": 3, "初审": 1, "审核": 1}), "s0")
    sm = panel.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    sm.select(panel.proxy.index(1, 0), flags.ClearAndSelect | flags.Rows)
    sm.select(panel.proxy.index(3, 0), flags.Select | flags.Rows)
    sm.setCurrentIndex(panel.proxy.index(3, 0), flags.NoUpdate)
    assert panel.selected_sheet_ids() == ["s1", "s3"]
    panel.state_filter.setCurrentIndex(panel.state_filter.findData("初审"))  # hides s3
    assert panel.selected_sheet_ids() == ["s1"]
    panel.state_filter.setCurrentIndex(0)
    assert panel.selected_sheet_ids() == ["s1", "s3"]
    assert panel.view.currentIndex().data(SHEET_ROLE) == "s3"


def test_the_summary_shows_a_level_named_in_the_scheme_file_as_written(editor, db, monkeypatch):
    """The sheet's summary is rich text of its own: a level's name (from a scheme file) is escaped in it."""
    from types import SimpleNamespace

    from PySide6.QtGui import QTextDocument

    from dangjian_desktop.gui.assessment import sheet_editor

    _rid, branches = new_round(db, scheme="guifanhua")
    editor.set_sheet(db, branches[0].id)
    model = editor.model
    row = next(r for r in range(model.rowCount()) if model.is_item_row(r))
    monkeypatch.setattr(sheet_editor, "evaluate", lambda *a: SimpleNamespace(total=1, rating="<b>优</b> & 良",
                                                                             missing=[], vetoed=False))
    assert model.setData(model.index(row, 3), "1")
    doc = QTextDocument()
    doc.setHtml(editor.summary_label.text())
    assert editor.summary_label.textFormat() == Qt.TextFormat.RichText
    assert "评定 <b>优</b> & 良" in doc.toPlainText()
