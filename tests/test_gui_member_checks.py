"""The member dialog for members from real rosters: 信息不全 on the member's page, 民族 that
may stay 未填, ID numbers read as everywhere else, the 18-digit form of an old number offered."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox

from dangjian_desktop.gui import member_checks as mc
from dangjian_desktop.registry import add_member, add_org, compute_warnings, idcard

pytestmark = pytest.mark.gui

NEW = idcard.make("140826", dt.date(1970, 3, 5), 3, True)
OLD = NEW[:6] + NEW[8:17]


@pytest.fixture
def answer(monkeypatch):
    """Answer the 15-digit question without showing it; records what was asked."""
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return answer.reply

    answer.reply = QMessageBox.StandardButton.Yes
    answer.asked = asked
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return answer


def test_a_lower_case_x_and_full_width_digits_are_normalised_in_the_field(qtbot, answer):
    seq = next(s for s in range(100) if idcard.make("140826", dt.date(1970, 3, 5), s, True).endswith("X"))
    idn = idcard.make("140826", dt.date(1970, 3, 5), seq, True)
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.setText(" " + idn[:4].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}) + idn[4:].lower())
    assert mc.read_id_number(edit) == idn and edit.text() == idn
    assert answer.asked == []


@pytest.mark.parametrize("reply, expected", [(QMessageBox.StandardButton.Yes, NEW),
                                             (QMessageBox.StandardButton.No, OLD)])
def test_the_18_digit_form_of_an_old_number_is_offered(qtbot, answer, reply, expected):
    answer.reply = reply
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.setText(OLD)
    assert mc.read_id_number(edit) == expected and edit.text() == expected
    assert len(answer.asked) == 1 and NEW in answer.asked[0] and "15位" in answer.asked[0]


def test_an_unknown_county_code_is_a_note_not_a_refusal():
    first17 = "110199" + NEW[6:17]
    idn = first17 + idcard.check_digit(first17)
    assert idcard.problems(idn) == []
    assert "110199" in mc.region_note(idn) and mc.region_note(NEW) == ""


def test_the_ethnicity_combo_can_hold_weitian(qtbot):
    combo = QComboBox()
    qtbot.addWidget(combo)
    for v in ("汉族", "回族"):
        combo.addItem(v, v)
    combo.setCurrentIndex(0)
    mc.add_missing_choice(combo)
    mc.add_missing_choice(combo)  # once only
    assert [combo.itemText(i) for i in range(combo.count())] == ["（未填）", "汉族", "回族"]
    assert combo.currentData() == "汉族"
    assert combo.findData("未填") == 0


def test_the_incomplete_note_names_the_missing_fields(db):
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="红星村党支部", org_type="党支部", kind="村")
    mid = add_member(db, {"name": "王𪚥", "id_number": NEW, "join_date": "1995-07-01", "category": "正式党员",
                          "education": "初中", "person_class": "农牧渔民"}, org_id=branch)
    note = mc.incomplete_note(db.get("member", mid))
    assert "信息不全：缺民族、工作岗位，请补全" in note
    assert [w.member_id for w in compute_warnings(db) if w.code == "incomplete"] == [mid]
    assert mc.incomplete_note(None) == ""


def test_a_kept_old_number_is_not_asked_about_again(qtbot, answer):
    answer.reply = QMessageBox.StandardButton.No
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.setText(OLD)
    mc.read_id_number(edit)
    mc.read_id_number(edit)
    assert len(answer.asked) == 1


def test_the_member_dialog_shows_incomplete_members_and_lets_the_clerk_complete_them(qtbot, db, answer):
    from dangjian_desktop.gui.registry.member_dialogs import MemberDialog

    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="红星村党支部", org_type="党支部", kind="村")
    mid = add_member(db, {"name": "王𪚥", "id_number": NEW, "join_date": "1995-07-01", "category": "正式党员",
                          "education": "初中", "person_class": "农牧渔民"}, org_id=branch)
    dlg = MemberDialog(db, member_id=mid)
    qtbot.addWidget(dlg.dialog)
    f = dlg.dialog
    assert "信息不全：缺民族、工作岗位" in f.intro.text()
    assert f.ethnicityCombo.currentText() == "（未填）"       # never silently 汉族
    assert dlg.values()["ethnicity"] == "未填"
    f.ethnicityCombo.setCurrentIndex(f.ethnicityCombo.findData("回族"))
    f.jobCombo.setCurrentIndex(f.jobCombo.findData("农牧渔民"))
    dlg.save()
    assert db.get("member", mid)["ethnicity"] == "回族"
    assert not [w for w in compute_warnings(db) if w.code == "incomplete"]

    new = MemberDialog(db, org_id=branch)
    qtbot.addWidget(new.dialog)
    assert "信息不全" not in new.dialog.intro.text()
    assert new.dialog.ethnicityCombo.currentText() == "汉族"
    new.dialog.idNumberEdit.setText(OLD)
    new._id_number_entered()
    assert new.dialog.idNumberEdit.text() == NEW and new.dialog.birthDateEdit.text() == "1970-03-05"
