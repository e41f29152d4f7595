"""Membership dialogs of the 组织台账 page: 党籍变动, 转接 and 删除党员记录."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ... import dates
from ...db import Database
from ...errors import UserError, ValidationError
from ...registry.members import available_events
from ...registry.status import ACTIVE_STATUSES
from ...registry.tree import offices_with_orgs
from ...registry.undoable import change_status_undoable, remove_member_undoable, transfer_member_undoable
from ...registry.validation import one_line
from ..kit.messages import report_error
from ..kit.operations import Operation
from ..kit.palette import RED_HEX, css
from ..screen_fit import fit_to_screen
from .dialog_base import (FormDialog, existing, fill_combo, make_searchable, normalise_date_text, org_path_items,
                          searchable_data)
from .member_dialogs import BRANCH_TYPES

EVENT_HINTS = {
    "转出": "组织关系转往本单位以外（外县、外镇等），党籍状态变为“已转出”。",
    "预备转正": "预备期满，经支部大会讨论通过转为正式党员，转正日期为变动日期。",
    "停止党籍": "党籍状态变为“停止党籍”，不再计入党员人数；此后可办理“恢复党籍”或“出党”。",
    "出党": "除名、开除党籍或自行脱党等，党籍状态变为“已出党”。",
    "死亡": "党籍状态变为“已去世”。",
    "失联": "与组织失去联系，党籍状态变为“失联”，列入预警。",
    "恢复联系": "失联党员与组织恢复联系，党籍状态恢复为“正常”。",
    "恢复党籍": "被停止党籍的党员重新与组织取得联系，经党组织审查同意恢复党籍，党籍状态恢复为“正常”。",
    "转入": "已转出的党员重新转回本单位，党籍状态恢复为“正常”。",
}


class StatusDialog(FormDialog):
    """党籍变动: a dated status event (转出、预备转正、停止党籍、出党、死亡、失联、恢复联系、恢复党籍、转入)."""

    FORM = "status_dialog.ui"
    FIELD_WIDGETS = {"event": "eventCombo", "date": "dateEdit", "note": "noteEdit"}

    def __init__(self, db: Database, parent: QWidget | None = None, *, member_id: str):
        super().__init__(db, parent)
        self.member = existing(db, "member", member_id)
        m = self.member
        events = available_events(m)
        if not events:
            raise UserError(f"{m['name']}的党籍状态为“{m['status']}”，没有可办理的变动")
        f = self.dialog
        f.setWindowTitle(f"党籍变动 — {m['name']}")
        org = db.get("org", m["org_id"])
        f.memberLabel.setText(f"<b>{escape(m['name'])}</b>　{escape(org['name']) if org else ''}　"
                              f"{escape(str(m['category']))}　党籍状态：{escape(m['status'])}")
        fill_combo(f.eventCombo, [(e, e) for e in events])
        f.eventCombo.currentIndexChanged.connect(self._event_changed)
        self._event_changed()
        f.dateEdit.setText(dates.today().isoformat())
        f.eventCombo.setFocus()

    def _event_changed(self, *_args) -> None:
        self.dialog.hintLabel.setText(EVENT_HINTS.get(self.dialog.eventCombo.currentData(), ""))

    def save(self) -> str:
        mid, event, note = self.member["id"], self.dialog.eventCombo.currentData(), self.text("noteEdit")
        date = normalise_date_text(self.text("dateEdit")) or ""
        _, self.undo_change = self.change(
            "党籍变动", lambda db: change_status_undoable(db, mid, event=event, date=date, note=note))
        return mid


class TransferDialog(FormDialog):
    """组织关系转接 within this database: the member moves to another branch."""

    FORM = "transfer_dialog.ui"
    FIELD_WIDGETS = {"org_id": "orgCombo", "date": "dateEdit", "note": "noteEdit"}

    def __init__(self, db: Database, parent: QWidget | None = None, *, member_id: str):
        super().__init__(db, parent)
        self.member = existing(db, "member", member_id)
        m = self.member
        f = self.dialog
        f.setWindowTitle(f"组织关系转接 — {m['name']}")
        org = db.get("org", m["org_id"])
        hint = ("转往本单位以外的党组织请用“党籍变动 → 转出”。" if m["status"] in ACTIVE_STATUSES else
                f"党籍状态为“{escape(m['status'])}”：只移动这份记录（如原党支部撤销或合并），党籍状态不变。")
        f.memberLabel.setText(f"<b>{escape(m['name'])}</b>　现在：{escape(org['name'])}<br>{hint}")
        several = offices_with_orgs(db) > 1
        items = org_path_items(db, office_id=None if several else org["office_id"],
                               types=BRANCH_TYPES, exclude={m["org_id"]}, with_office=several)
        # Typed into and filtered: no tree indentation here.
        fill_combo(f.orgCombo, [(text.strip("　"), oid) for text, oid in items])
        make_searchable(f.orgCombo)
        f.orgCombo.setCurrentIndex(-1)
        f.orgCombo.lineEdit().setPlaceholderText("输入党支部名称查找")
        f.dateEdit.setText(dates.today().isoformat())
        f.orgCombo.setFocus()

    def save(self) -> str:
        to_org = searchable_data(self.dialog.orgCombo)
        if to_org is None:
            raise ValidationError({"org_id": "请从列表中选择转入的党支部"})
        mid, note = self.member["id"], self.text("noteEdit")
        date = normalise_date_text(self.text("dateEdit")) or ""
        _, self.undo_change = self.change(
            "转接", lambda db: transfer_member_undoable(db, mid, to_org_id=to_org, date=date, note=note))
        return mid


class RemoveMemberDialog(QDialog):
    """删除党员记录: asks for the reason (the change log keeps it); only for records entered by mistake."""

    removed = Signal(str)
    undo_change: Any = None  # how to take the removal back (the tab offers it as 编辑 → 撤销)

    def __init__(self, db: Database, member_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.member = existing(db, "member", member_id)
        self.setWindowTitle("删除党员记录")
        self.setMinimumWidth(440)
        fit_to_screen(self)
        layout = QVBoxLayout(self)
        info = QLabel(f"确定删除党员<b>{escape(self.member['name'])}</b>的记录吗？<br><br>"
                      "删除只用于纠正录入错误，删除后不能恢复。党员转出、去世、出党等请用“党籍变动”办理，"
                      "以保留党员的变动历史。", self)
        info.setWordWrap(True)
        layout.addWidget(info)
        reason_label = QLabel("删除原因(&R)：", self)
        layout.addWidget(reason_label)
        self.reasonEdit = QLineEdit(self)
        self.reasonEdit.setPlaceholderText("如：重复录入、录入错误")
        reason_label.setBuddy(self.reasonEdit)
        layout.addWidget(self.reasonEdit)
        self.errorLabel = QLabel(self)
        self.errorLabel.setStyleSheet(css(RED_HEX))
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setVisible(False)
        layout.addWidget(self.errorLabel)
        self.buttonBox = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                          self)
        self.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText("删除")
        self.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttonBox.accepted.connect(self._accept)
        self.buttonBox.rejected.connect(self.reject)
        layout.addWidget(self.buttonBox)
        self.reasonEdit.setFocus()

    def _accept(self) -> None:
        mid, reason = self.member["id"], one_line(self.reasonEdit.text())
        work = Operation(self, "删除党员", lambda db: remove_member_undoable(db, mid, reason=reason), db=self.db)
        work.failure(self._refused).run()
        if work.error is not None:
            return
        _, self.undo_change = work.result
        self.accept()
        self.removed.emit(mid)

    def _refused(self, e: BaseException) -> None:
        if not isinstance(e, UserError):
            report_error(self, e)  # a bug: told in the one place, the dialog stays open
            return
        self.errorLabel.setText("；".join(e.errors.values()) if isinstance(e, ValidationError) else e.message)
        self.errorLabel.setVisible(True)
        self.adjustSize()
