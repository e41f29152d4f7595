"""The settings dialog refuses printed values holding an ID number or a private phone, and asks
once (yes/no) before saving an objection phone that is also a member's phone."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from dangjian_desktop.registry import add_member, get_setting
from dangjian_desktop.registry.idcard import make as make_id
from dangjian_desktop.registry.orgs import add_org
from dangjian_desktop.privacy import CONFIRMED_PHONE_KEY

pytestmark = pytest.mark.gui

MEMBER_ID = make_id("140826", dt.date(1980, 5, 6), 12, True)
MEMBER_PHONE = "13912345678"


@pytest.fixture
def dialog(qtbot, db):
    from dangjian_desktop.gui.settings_dialog import SettingsDialog

    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    branch = add_org(db, parent_id=root, name="东岭村党支部", org_type="党支部", kind="村")
    add_member(db, {"name": "王建国", "sex": "男", "ethnicity": "汉族", "birth_date": "1980-05-06",
                    "id_number": MEMBER_ID, "join_date": "2005-07-01", "full_date": "2006-07-01",
                    "category": "正式党员", "phone": MEMBER_PHONE}, org_id=branch)
    dlg = SettingsDialog(db)
    qtbot.addWidget(dlg.dialog)
    dlg.open()
    return dlg


def press_ok(dlg) -> None:
    dlg.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok).click()


def test_an_id_number_in_the_issuer_is_refused_and_nothing_saved(dialog, db):
    dialog.dialog.issuerEdit.setText(f"中共测试镇委员会{MEMBER_ID}")
    dialog.dialog.contactOfficeEdit.setText("镇党委组织办")
    press_ok(dialog)
    error = dialog.error_shown()
    assert "公示发布单位（落款）" in error and "1408**********" in error and MEMBER_ID not in error
    assert dialog.dialog.isVisible()
    assert get_setting(db, "publicity_issuer") is None and get_setting(db, "publicity_contact_office") is None


@pytest.mark.parametrize("answer, saved", [(QMessageBox.StandardButton.Yes, True), (QMessageBox.StandardButton.No, False)])
def test_a_members_phone_as_objection_phone_is_asked_once(qtbot, dialog, db, answer, saved):
    dialog.dialog.contactPhoneEdit.setText(MEMBER_PHONE)
    press_ok(dialog)
    box = dialog.question
    assert box is not None and box.isVisible()
    assert "139****5678" in box.text() and MEMBER_PHONE not in box.text()
    assert get_setting(db, "publicity_contact_phone") is None  # nothing written before the answer
    box.button(answer).click()
    qtbot.waitUntil(lambda: dialog.question is None)
    if saved:
        assert get_setting(db, "publicity_contact_phone") == MEMBER_PHONE
        assert get_setting(db, CONFIRMED_PHONE_KEY) == MEMBER_PHONE
        assert not dialog.dialog.isVisible()
    else:
        assert get_setting(db, "publicity_contact_phone") is None
        assert "未保存" in dialog.error_shown() and dialog.dialog.isVisible()


def test_the_confirmed_phone_is_not_asked_again(qtbot, dialog, db):
    from dangjian_desktop.gui.settings_dialog import SettingsDialog
    from dangjian_desktop.registry import set_setting

    set_setting(db, "publicity_contact_phone", MEMBER_PHONE, confirm_member_phone=True)
    again = SettingsDialog(db)
    qtbot.addWidget(again.dialog)
    again.open()
    again.dialog.contactOfficeEdit.setText("镇党委组织办")
    press_ok(again)
    assert again.question is None and again.error_shown() == ""
    assert get_setting(db, "publicity_contact_office") == "镇党委组织办"
