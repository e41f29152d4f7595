"""Typing scores into the sheet editor (pytest-qt, offscreen): a number above an item's maximum is
refused as a whole (never saved in part), and a valid number is saved exactly as typed."""

from __future__ import annotations

import pytest
from assessment_util import add_branches, new_round
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from dangjian_desktop.assessment import sheets

pytestmark = pytest.mark.gui


@pytest.fixture
def editor(qtbot, db):
    """The real sheet editor on the first branch of a 创星晋位 round (every item worth 20 points)."""
    from dangjian_desktop.gui.assessment.sheet_editor import SheetEditor

    add_branches(db, [("东岭村党支部", "村")])
    _rid, branches = new_round(db, "chuangxing")
    ed = SheetEditor()
    qtbot.addWidget(ed)
    ed.resize(1100, 700)
    ed.show()
    ed.set_sheet(db, branches[0].id)
    yield ed
    ed.set_sheet(None, None)


def _first_item_cell(ed):
    model = ed.model
    row = next(r for r in range(model.rowCount()) if model.is_item_row(r))
    return model.item_at(row), model.index(row, 3)  # 自评分


def _open_editor(qtbot, ed, index):
    ed.view.setFocus()
    ed.view.setCurrentIndex(index)
    ed.view.edit(index)
    line = ed.view.indexWidget(index)
    assert line is not None, "the cell editor did not open"
    return line


def _stored(ed, code):
    return sheets.open_sheet(ed.db, ed.sheet.id).scores("self").get(code)


@pytest.mark.parametrize("old", [None, 18])
def test_typing_over_the_maximum_in_an_open_cell_saves_nothing(qtbot, editor, old):
    item, index = _first_item_cell(editor)
    assert item.max == 20
    if old is not None:
        sheets.set_score(editor.db, editor.sheet.id, item.code, "self", old)
        editor.reload()
    line = _open_editor(qtbot, editor, index)
    qtbot.keyClick(line, "2")
    qtbot.keyClick(line, "5")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert _stored(editor, item.code) == old  # nothing written: neither 2 nor 25
    assert index.data() == ("" if old is None else str(old))
    message = editor.items.status_label.text()
    assert "不能超过本项分值 20 分" in message and "25" in message
    assert "已保存" not in message


def test_refused_entry_puts_the_cell_back_and_tab_commits_nothing(qtbot, editor):
    item, index = _first_item_cell(editor)
    sheets.set_score(editor.db, editor.sheet.id, item.code, "self", 12)
    editor.reload()
    line = _open_editor(qtbot, editor, index)
    qtbot.keyClicks(line, "25")
    assert line.text() == "12" and line.selectedText() == "12"  # the whole entry was refused
    qtbot.keyClick(line, Qt.Key.Key_Tab)
    assert _stored(editor, item.code) == 12
    assert "不能超过本项分值 20 分" in editor.items.status_label.text()


def test_input_method_digits_over_the_maximum_are_refused_too(qtbot, editor):
    item, index = _first_item_cell(editor)
    line = _open_editor(qtbot, editor, index)
    qtbot.keyClick(line, "2")
    ime = QInputMethodEvent()
    ime.setCommitString("５")  # a full-width digit from a Chinese input method
    QApplication.sendEvent(line, ime)
    assert line.text() == ""
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert _stored(editor, item.code) is None
    assert "不能输入 25" in editor.items.status_label.text()


@pytest.mark.parametrize("typed, value", [("15", 15), ("12.5", 12.5), ("20", 20), ("0", 0)])
def test_valid_typed_score_is_saved_exactly(qtbot, editor, typed, value):
    item, index = _first_item_cell(editor)
    line = _open_editor(qtbot, editor, index)
    qtbot.keyClicks(line, typed)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert _stored(editor, item.code) == value
    assert index.data() == typed
    assert editor.items.status_label.text() == f"已保存：{item.code} 自评分 {typed}"


@pytest.mark.parametrize("typed", ["215", "-1", "5.5.5", "1e1", "2.55"])
def test_the_keys_typed_on_after_a_refusal_are_refused_with_it(qtbot, editor, typed):
    """Typed fast, the rest of a refused entry is not saved as a number of its own (215 saved 5,
    -1 saved 1, 5.5.5 saved 5)."""
    item, index = _first_item_cell(editor)
    sheets.set_score(editor.db, editor.sheet.id, item.code, "self", 7)
    editor.reload()
    line = _open_editor(qtbot, editor, index)
    qtbot.keyClicks(line, typed)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert _stored(editor, item.code) == 7
    message = editor.items.status_label.text()
    assert "已保存" not in message and "请重新输入" in message, message


def test_after_a_pause_or_an_editing_key_the_clerk_types_afresh(qtbot, editor, monkeypatch):
    from dangjian_desktop.gui.assessment import score_input

    item, index = _first_item_cell(editor)
    line = _open_editor(qtbot, editor, index)
    qtbot.keyClicks(line, "25")  # refused at 5
    qtbot.keyClick(line, Qt.Key.Key_Backspace)  # an editing key ends the refusal
    qtbot.keyClicks(line, "18")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert _stored(editor, item.code) == 18
    now = [1000.0]
    monkeypatch.setattr(score_input.time, "monotonic", lambda: now[0])
    line = _open_editor(qtbot, editor, index)
    qtbot.keyClicks(line, "21")  # refused at 1
    now[0] += score_input.REFUSED_BURST_S + 0.5  # the clerk reads the message
    qtbot.keyClicks(line, "19")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert _stored(editor, item.code) == 19


def test_an_adjustment_above_the_maximum_is_refused_not_cut_to_a_key(qtbot, db):
    """调整分数 on a confirmed sheet: 21 on a 20-point item was typed as 2 (the field dropped the
    refused key without a word) and saved as an adjustment 20 → 2."""
    from assessment_util import drive

    from dangjian_desktop.errors import UserError
    from dangjian_desktop.gui.assessment.sheet_dialogs import AdjustmentDialog

    add_branches(db, [("东岭村党支部", "村")])
    _rid, branches = new_round(db, "chuangxing")
    drive(db, branches[0].id, "确定")
    sheet = sheets.open_sheet(db, branches[0].id)
    item = sheet.items[0]
    dlg = AdjustmentDialog(db, sheet, item=item)
    f = dlg.dialog
    qtbot.addWidget(f)
    f.valueEdit.clear()
    qtbot.keyClicks(f.valueEdit, "21")
    assert f.valueEdit.text() == "21"
    f.reasonEdit.setPlainText("复核更正")
    with pytest.raises(UserError, match="不能超过本项分值 20 分"):
        dlg.save()
    assert db.scalar("SELECT count(*) FROM round_adjustment") == 0


@pytest.mark.parametrize("key", [Qt.Key.Key_Delete, Qt.Key.Key_Backspace])
def test_delete_on_a_score_cell_clears_it(qtbot, editor, key):
    item, index = _first_item_cell(editor)
    sheets.set_score(editor.db, editor.sheet.id, item.code, "self", 12)
    editor.reload()
    editor.view.setFocus()
    editor.view.setCurrentIndex(index)
    qtbot.keyClick(editor.view, key)
    assert _stored(editor, item.code) is None
    assert editor.view.state() != editor.view.State.EditingState
