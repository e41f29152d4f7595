"""The 评分方案 widget: browse, edit with live checks, 试算, Excel import/export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from dangjian_desktop.gui.schemes import page as sw
from dangjian_desktop.gui.schemes.items_panel import T_CODE, T_MAX, T_TITLE
from dangjian_desktop.gui.schemes.page import SchemesWidget
from dangjian_desktop.gui.schemes.trial_panel import BAD_CELL, R_SCORE
from dangjian_desktop.schemes import export_xlsx, list_schemes, load_scheme

pytestmark = pytest.mark.gui


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes answered automatically; their texts recorded."""
    seen: list[tuple[str, str]] = []

    def record(kind, answer=None):
        def f(parent, title, text, *a, **k):
            seen.append((kind, text))
            return answer
        return f

    monkeypatch.setattr(QMessageBox, "information", record("information", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "warning", record("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.Discard))
    return seen


@pytest.fixture
def widget(qtbot, boxes):
    w = SchemesWidget()
    qtbot.addWidget(w)
    w.resize(1200, 760)
    w.show()
    return w


def _type_score(qtbot, w, row, text):
    """Type into the 分数 cell with the keyboard, as a clerk does."""
    w.trial.table.setCurrentCell(row, R_SCORE)
    w.trial.table.setFocus()
    qtbot.keyClick(w.trial.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    with qtbot.waitSignal(w.evaluated):
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_lists_every_scheme(widget):
    assert widget.scheme_list.count() == len(list_schemes()) == 7
    assert widget.scheme is not None and widget.scheme.id == "liuyou"


def test_typing_scores_updates_the_rating(qtbot, widget):
    widget.select_scheme("liuyou")
    widget.tabs.setCurrentIndex(2)
    for row, value in enumerate(["40", "20", "15", "15", "10"]):
        _type_score(qtbot, widget, row, value)
    assert widget.trial.rating_label.text() == "优秀"
    assert widget.trial.total_label.text() == "100 / 100"
    _type_score(qtbot, widget, 4, "4.5")
    assert widget.trial.rating_label.text() == "优良"
    assert widget.trial.total_label.text() == "94.5 / 100"
    assert widget.trial.stars_label.text() == "不评星"


def test_stars_and_reasons_for_wuhua(qtbot, widget):
    widget.select_scheme("wuhua")
    for code, v in zip("ABCDE", [16, 16, 16, 16, 15.5]):
        with qtbot.waitSignal(widget.evaluated):
            widget.trial.set_score(code, v)
    assert widget.trial.rating_label.text() == "四星"
    assert widget.trial.stars_label.text().startswith("★★★★")
    reasons = [widget.trial.reasons_view.item(n).text() for n in range(widget.trial.reasons_view.count())]
    assert any("未达到 16 分" in r for r in reasons)
    assert any("加 8 分" in r for r in reasons)


def test_veto_checkbox_fails_the_branch(qtbot, widget):
    widget.select_scheme("guifanhua")
    scheme = load_scheme("guifanhua")
    for sec in scheme.sections:
        for item in sec.items:
            widget.trial.set_score(item.code, 0 if item.kind == "deduction" else item.max)
    assert widget.trial.rating_label.text() == "合格"
    with qtbot.waitSignal(widget.evaluated):
        widget.trial.vetoes.item(0).setCheckState(Qt.CheckState.Checked)
    assert widget.trial.rating_label.text() == "不合格"


def test_score_above_maximum_is_shown_in_red(qtbot, widget):
    widget.select_scheme("guifanhua")
    with qtbot.waitSignal(widget.evaluated):
        widget.trial.set_score("A1", 5)
    assert widget.trial.rating_label.text() == "无法评定"
    assert "超过满分 2 分" in widget.trial.reasons_view.item(0).text()
    assert widget.trial.table.item(0, R_SCORE).background().color() == BAD_CELL


def test_builtin_shows_its_documented_disagreement(widget):
    widget.select_scheme("guifanhua")
    texts = widget.issue_texts()
    assert any("32" in t and "处理说明" in t for t in texts)


def test_editing_a_value_revalidates_at_once(qtbot, widget):
    widget.select_scheme("guifanhua")
    section_c = widget.items.tree.topLevelItem(2)
    c2 = section_c.child(1)
    assert c2.text(0) == "C2"
    c2.setText(T_MAX, "4")
    texts = widget.issue_texts()
    assert not any(t.startswith("不一致") for t in texts)
    assert any("已不存在" in t for t in texts)
    assert widget.dirty and widget.save_button.isEnabled()
    assert widget.scheme.section("C").items[1].max == 4


def test_an_error_disables_saving(widget):
    widget.select_scheme("liuyou")
    widget.rule.levels_table.item(3, 1).setText("10")  # 差 from 10: totals below 10 have no grade
    assert any(t.startswith("错误") and "低于 10 分" in t for t in widget.issue_texts())
    assert not widget.save_button.isEnabled()


def test_saving_an_edited_builtin_creates_a_user_scheme(widget, boxes):
    widget.select_scheme("wuhua")
    widget.items.tree.topLevelItem(0).setText(T_TITLE, "组织网格化（修订）")
    widget.save()
    assert widget.scheme.id == "wuhua-2" and not widget.builtin and not widget.dirty
    assert load_scheme("wuhua-2").sections[0].title == "组织网格化（修订）"
    assert load_scheme("wuhua").sections[0].title == "组织网格化"
    assert any("wuhua-2" in text for _k, text in boxes)


def test_export_and_import_excel(widget, boxes, tmp_path, monkeypatch):
    out = tmp_path / "liuyou.xlsx"
    monkeypatch.setattr(sw.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    widget.select_scheme("liuyou")
    widget.export_excel()
    assert out.is_file()
    monkeypatch.setattr(sw.QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    widget.import_excel()
    assert widget.scheme.id == "liuyou-2"
    assert widget.scheme_list.count() == 8
    assert widget.scheme.sections == load_scheme("liuyou").sections


def test_import_of_a_broken_workbook_explains(widget, boxes, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    path = export_xlsx(load_scheme("guifanhua"), tmp_path / "g.xlsx")
    wb = load_workbook(path)
    wb["评分细则"]["H3"] = "两分"
    wb.save(path)
    monkeypatch.setattr(sw.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    widget.import_excel()
    assert boxes[-1][0] == "warning" and "第 3 行“分值”列" in boxes[-1][1]
    assert widget.scheme_list.count() == 7


def test_classification_scheme_uses_a_class_box(qtbot, widget):
    widget.select_scheme("wugehao")
    widget.tabs.setCurrentIndex(2)
    assert widget.trial.class_box.isVisible() and widget.trial.class_box.count() == 3
    with qtbot.waitSignal(widget.evaluated):
        widget.trial.class_box.setCurrentText("后进")
    assert widget.trial.rating_label.text() == "后进"
    assert widget.trial.total_label.text() == "不计分"


def test_screenshot(widget, tmp_path):
    widget.select_scheme("guifanhua")
    widget.tabs.setCurrentIndex(2)
    widget.trial.set_score("A1", 2)
    path = tmp_path / "schemes.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000


def test_a_huge_number_typed_as_points_is_refused(widget, boxes):
    widget.select_scheme("guifanhua")
    a1 = widget.items.tree.topLevelItem(0).child(0)
    a1.setText(T_MAX, "1e308")
    assert widget.scheme.section("A").items[0].max == 2
    assert any(kind == "warning" and "不能超过" in text for kind, text in boxes)
    assert not widget.dirty


def test_renaming_the_item_a_veto_checks_keeps_the_scheme_savable(widget):
    widget.select_scheme("guifanhua")
    d3 = widget.items.tree.topLevelItem(3).child(2)
    assert d3.text(T_CODE) == "D3"
    d3.setText(T_CODE, "D3x")
    assert widget.scheme.veto("V3").check == "item_zero:D3x"
    assert not any(t.startswith("错误") for t in widget.issue_texts())
    assert widget.save_button.isEnabled()


def test_a_file_with_errors_never_replaces_or_deletes_the_stored_scheme_of_its_id(widget, boxes, tmp_path,
                                                                                  monkeypatch):
    from dangjian_desktop.schemes import save_user_scheme

    mine = load_scheme("wuhua")
    mine.id, mine.name = "mine", "我的方案"
    save_user_scheme(mine)
    broken = load_scheme("liuyou")
    broken.id, broken.name = "mine", "县里发来的方案"
    broken.rating.levels[-1].min = 10  # an error: totals below 10 have no grade
    path = export_xlsx(broken, tmp_path / "mine.xlsx")
    monkeypatch.setattr(sw.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    widget.import_excel()
    assert widget.scheme.name == "县里发来的方案" and widget.dirty
    assert not widget.delete_button.isEnabled()
    widget.delete_scheme()
    assert load_scheme("mine").name == "我的方案"
    widget.rule.levels_table.item(3, 1).setText("0")
    widget.save()
    assert load_scheme("mine").name == "我的方案"
    assert widget.scheme.id == "mine-2" and load_scheme("mine-2").name == "县里发来的方案"
    assert any("mine-2" in text and "已被使用" in text for _k, text in boxes)


def test_a_file_whose_id_is_not_usable_is_imported_under_a_usable_one(widget, boxes, tmp_path, monkeypatch):
    import json

    from dangjian_desktop.schemes import scheme_to_dict

    data = scheme_to_dict(load_scheme("liuyou"))
    data["id"], data["name"] = "My Scheme!", "手写编号的方案"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(sw.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    widget.import_excel()
    assert widget.scheme.id == "my-scheme" and not widget.dirty
    assert load_scheme("my-scheme").name == "手写编号的方案"
    assert any("My Scheme!" in text and "不合规" in text for _k, text in boxes)


def test_usable_id():
    from dangjian_desktop.schemes.store import usable_id

    assert usable_id("My Scheme") == "my-scheme"
    assert usable_id("六有") == "scheme" and usable_id(None) == "scheme"
    assert usable_id("wuhua-2") == "wuhua-2"


def test_renaming_a_level_to_another_levels_name_is_refused(widget, boxes):
    widget.select_scheme("wuhua")
    widget.rule.levels_table.item(0, 0).setText("四星")
    assert widget.scheme == load_scheme("wuhua") and not widget.dirty
    assert widget.rule.levels_table.item(0, 0).text() == "五星"
    assert any(kind == "warning" and "已有名为“四星”的等次" in text for kind, text in boxes)


def test_an_item_cannot_take_a_code_in_use(widget, boxes):
    widget.select_scheme("guifanhua")
    d3 = widget.items.tree.topLevelItem(3).child(2)
    d3.setText(T_CODE, "D2")  # the veto V3 checks D3: it must not end up checking D2
    assert widget.scheme == load_scheme("guifanhua") and not widget.dirty
    assert widget.items.tree.topLevelItem(3).child(2).text(T_CODE) == "D3"
    assert any(kind == "warning" and "编号“D2”已被使用" in text for kind, text in boxes)


def test_a_schemes_texts_are_shown_as_written_never_as_markup(widget):
    """A scheme file comes from anywhere: its texts show literally in the details and the rule."""
    from dangjian_desktop.gui.schemes.rule_panel import rule_html

    widget.select_scheme("guifanhua")
    scheme = widget.scheme
    item = widget.items.tree.topLevelItem(0).child(0)
    scheme.sections[0].items[0].title = "<b>粗</b><img src='x.png'>"
    scheme.notes.append("<i>说明</i> & <a href='x'>链接</a>")
    widget.items.tree.setCurrentItem(None)
    widget.items.tree.setCurrentItem(item)
    assert "<b>粗</b><img src='x.png'>" in widget.items.detail.toPlainText()
    page = rule_html(scheme)
    assert "&lt;i&gt;说明&lt;/i&gt; &amp; &lt;a href=&#x27;x&#x27;&gt;" in page and "<i>" not in page


def test_a_schemes_name_from_a_file_is_shown_as_written_in_its_messages_and_title(widget, boxes, tmp_path,
                                                                                   monkeypatch):
    """An imported scheme's name holding tags shows literally in the 已导入 box, the title and the
    list's tooltips, and in the question before deleting it."""
    import json

    from PySide6 import QtGui
    from PySide6.QtGui import QTextDocument

    from dangjian_desktop.schemes import scheme_to_dict

    def shown(text: str) -> str:  # what a message box or tooltip guessing the format shows
        doc = QTextDocument()
        doc.setHtml(text) if QtGui.Qt.mightBeRichText(text) else doc.setPlainText(text)
        return doc.toPlainText()

    name = "<b>县里的方案</b><img src='x.png'>"
    data = scheme_to_dict(load_scheme("guifanhua"))
    data["id"], data["name"] = "tagged", name
    data["sections"][0]["items"][0]["title"] = "<i>细项</i>"
    path = tmp_path / "tagged.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(sw.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    widget.import_excel()
    assert widget.scheme.id == "tagged"
    assert boxes[-1][0] == "information" and shown(boxes[-1][1]) == f"已导入“{name}”。"
    assert widget.title_label.textFormat() == Qt.TextFormat.PlainText and widget.title_label.text() == name
    assert widget.origin_label.textFormat() == Qt.TextFormat.PlainText
    assert shown(widget.items.tree.topLevelItem(0).child(0).toolTip(T_TITLE)) == "<i>细项</i>"
    trial = widget.trial.table
    assert any(shown(trial.item(r, 1).toolTip()) == "<i>细项</i>" for r in range(trial.rowCount()))
    widget.delete_scheme()
    assert boxes[-1][0] == "question" and name in shown(boxes[-1][1])
