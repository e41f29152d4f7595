"""Texts a clerk typed or another office sent (names, notes, topics, file names) show as written in
labels, message boxes and tooltips, never read as markup: "<b>张三</b>" shows its tags."""

from __future__ import annotations

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

from dangjian_desktop.gui.kit.messages import info_box, question_box
from dangjian_desktop.gui.kit.plain_text import literal, plain
from dangjian_desktop import dates
from dangjian_desktop.gui.kit.row_model import Col, RowModel
from dangjian_desktop.registry import add_org
from tests.test_gui_registry import click_action, new_member, open_tab, root_id, tab  # noqa: F401 - the fixture

pytestmark = pytest.mark.gui

MARKUP = "<b>张三</b><img src='x.png'> & <a href='x'>链接</a>"


def shown(rich_or_plain: str) -> str:
    """What a place that guesses the format (a tooltip) shows of a text."""
    doc = QTextDocument()
    if QtGui.Qt.mightBeRichText(rich_or_plain):
        doc.setHtml(rich_or_plain)
    else:
        doc.setPlainText(rich_or_plain)
    return doc.toPlainText()


def test_literal_shows_a_text_as_written_and_leaves_plain_text_alone(qtbot):
    for text in (MARKUP, f"党员 {MARKUP}\n第二行  两个空格", "<i>备注</i>"):
        assert shown(literal(text)) == text
    assert literal("普通的备注\n第二行") == "普通的备注\n第二行"  # nothing changes where Qt reads plain text
    assert literal(None) == ""
    label = QLabel(MARKUP)
    qtbot.addWidget(label)
    assert plain(label) is label and label.textFormat() == Qt.TextFormat.PlainText


def test_message_boxes_show_their_text_as_written(qtbot):
    for box in (info_box(QMessageBox.Icon.Information, "提示", f"已删除“{MARKUP}”", None),
                question_box("删除党员", f"删除党员“{MARKUP}”？", None)):
        qtbot.addWidget(box)
        assert box.textFormat() == Qt.TextFormat.PlainText and MARKUP in box.text()


def test_a_table_tooltip_shows_a_note_as_written(qtbot):
    model = RowModel([Col("备注", "note", tip=lambda r: r["note"] or None)])
    model.set_rows([{"note": MARKUP}, {"note": "普通"}, {"note": ""}])
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert shown(tip) == MARKUP
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == "普通"
    assert model.data(model.index(2, 0), Qt.ItemDataRole.ToolTipRole) is None


def test_a_package_from_another_office_shows_its_texts_as_written(qtbot):
    """The sender, file name and refusal of a package (made by another office) show literally."""
    from dangjian_desktop.exchange import PackageRefused
    from dangjian_desktop.gui.exchange.transfer import TransferPanel

    panel = TransferPanel(None)
    qtbot.addWidget(panel)
    for label in (panel.sender_label, panel.file_label, panel.fingerprint_label, panel.date_label):
        assert label.textFormat() == Qt.TextFormat.PlainText
    panel._refused(PackageRefused("sender", f"发送单位“{MARKUP}”不是本县的乡镇"))
    assert f"发送单位“{MARKUP}”" in shown_label(panel.status_label)


def shown_label(label: QLabel) -> str:
    """What a label shows: its rich text as plain text, or its text."""
    if label.textFormat() == Qt.TextFormat.PlainText or (
            label.textFormat() == Qt.TextFormat.AutoText and not QtGui.Qt.mightBeRichText(label.text())):
        return label.text()
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


# ---- 组织台账 ----------------------------------------------------------------------------

def named(db, table: str, row_id: str, name: str) -> str:
    """Give a row a name the core's checks would refuse (one from an older version, a package, a
    hand-edited file): what is shown must still be shown as written."""
    with db.transaction("测试") as tx:
        tx.execute(f"UPDATE {table} SET name = ?, rev = rev + 1 WHERE id = ?", (name, row_id))
    return row_id


def test_the_registry_shows_names_typed_with_markup_as_written(qtbot, tab, db):
    """A branch, its committee and a member named with tags: the details, the term, status,
    transfer, removal and history dialogs show the names literally."""
    from dangjian_desktop.registry.orgs import add_committee_member, start_term

    branch = add_org(db, parent_id=root_id(db), name="<b>甲</b>村党支部", org_type="党支部", kind="村")
    other = add_org(db, parent_id=root_id(db), name="乙村党支部", org_type="党支部", kind="村")
    mid = named(db, "member", new_member(db, branch, "张三", 41), "<i>张三</i>")
    start_term(db, branch, start_date=dates.today().isoformat(), years=3)
    add_committee_member(db, branch, member_id=mid, role="书记", start_date=dates.today().isoformat())
    open_tab(tab, db)
    tab.select_org(branch)
    name_label = tab.details.labels["name"]
    assert name_label.textFormat() == Qt.TextFormat.PlainText and name_label.text() == "<b>甲</b>村党支部"
    tab.select_members([mid])
    for action in (tab.action_status, tab.action_transfer):
        click_action(qtbot, tab, action)
        assert "<i>张三</i>" in shown_label(tab.current_dialog.dialog.memberLabel)
        tab.current_dialog.dialog.reject()
    tab.new_term()
    assert shown_label(tab.current_dialog.dialog.intro).startswith("<b>甲</b>村党支部")
    tab.current_dialog.dialog.reject()
    assert other


def test_removing_a_member_and_the_history_show_the_name_as_written(qtbot, tab, db):
    branch = add_org(db, parent_id=root_id(db), name="甲村党支部", org_type="党支部", kind="村")
    mid = named(db, "member", new_member(db, branch, "张三", 42), "<i>张三</i>")
    open_tab(tab, db)
    tab.select_org(branch)
    tab.select_members([mid])
    click_action(qtbot, tab, tab.action_history)
    labels = tab.current_dialog.findChildren(QLabel)
    assert any("<i>张三</i>" in shown_label(lb) for lb in labels)
    tab.current_dialog.reject()
    tab.members.view.setFocus()
    qtbot.keyClick(tab.members.view, Qt.Key.Key_Delete)
    labels = tab.current_dialog.findChildren(QLabel)
    assert any("确定删除党员<i>张三</i>的记录吗？" in shown_label(lb) for lb in labels)


# ---- tooltips of the tables, the error box ------------------------------------------------

def test_table_tooltips_show_names_and_problems_as_written(qtbot):
    """预警, the 整改台账 and the 考核表 give a name, a problem or a scheme item's text in their tooltips."""
    from types import SimpleNamespace

    from dangjian_desktop.gui.assessment.sheet_model import COL_REASON, COL_TITLE, SheetModel
    from dangjian_desktop.gui.registry.models import WarningModel
    from dangjian_desktop.gui.reports.models import L_CLOSED, L_PROBLEM, LedgerModel

    warnings = WarningModel()
    warnings.set_items([SimpleNamespace(level="严重", code="x", org_name=MARKUP, member_id=None,
                                        message=f"{MARKUP}没有书记")])
    assert shown(warnings.data(warnings.index(0, 2), Qt.ItemDataRole.ToolTipRole)).startswith(f"{MARKUP}没有书记\n")
    ledger = LedgerModel()
    ledger.set_rows([SimpleNamespace(town="镇", org_name=MARKUP, problem=MARKUP, measure="整改", responsible="",
                                     deadline=None, status="整改中", overdue=False, closed=False, closed_on=None,
                                     evidence_count=0, close_note="")])
    assert shown(ledger.data(ledger.index(0, L_PROBLEM), Qt.ItemDataRole.ToolTipRole)) == MARKUP
    assert ledger.data(ledger.index(0, L_CLOSED), Qt.ItemDataRole.ToolTipRole) is None
    sheet = SheetModel()
    item = SimpleNamespace(title=MARKUP, standard="", evidence_hint="", reason="<i>缺</i>记录", kind="score")
    sheet.rows = [("item", item)]
    assert shown(sheet.data(sheet.index(0, COL_TITLE), Qt.ItemDataRole.ToolTipRole)) == MARKUP
    assert shown(sheet.data(sheet.index(0, COL_REASON), Qt.ItemDataRole.ToolTipRole)) == "<i>缺</i>记录"


def test_an_error_naming_a_record_is_shown_as_written(qtbot, monkeypatch):
    from dangjian_desktop.errors import UserError
    from dangjian_desktop.gui import errors

    seen = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: seen.append(text))
    errors.show_error(None, UserError(f"党员“{MARKUP}”已转出，不能修改"))
    assert shown(seen[0]) == f"党员“{MARKUP}”已转出，不能修改"


# ---- 台账, 考核表 and form dialogs ---------------------------------------------------------

def test_a_ledger_dialog_shows_the_members_name_as_written(qtbot, db):
    """登记党费's intro names the member and branch; its field errors may name them too."""
    from types import SimpleNamespace

    from PySide6.QtWidgets import QWidget

    from dangjian_desktop.gui.ledgers.dialogs import PaymentDialog

    page = QWidget()
    qtbot.addWidget(page)
    page.db = db
    member = SimpleNamespace(member_id="m", name=MARKUP, org_name="<i>甲</i>村党支部", year=2026, rate_class=None,
                             monthly_fen=0, months_paid=[], arrears_fen=0, months_owed=[3],
                             member_month=[True] * 12)
    dlg = PaymentDialog(page, member=member)
    intro = dlg.dialog.introLabel
    assert intro.textFormat() == Qt.TextFormat.PlainText
    assert intro.text().startswith(f"{MARKUP}（<i>甲</i>村党支部）2026年")
    assert dlg.error_labels and all(lb.textFormat() == Qt.TextFormat.PlainText for lb in dlg.error_labels.values())
    dlg.dialog.reject()
