"""新增/编辑党员: the member dialog of the 组织台账 page."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ...db import Database
from ...registry import idcard
from ...registry.orgs import party_groups
from ...registry.undoable import add_member_undoable, update_member_undoable
from ..member_checks import add_missing_choice, incomplete_note, read_id_number, region_note
from .dialog_base import FormDialog, code_items, existing, fill_combo, normalise_date_text, org_path_items

BRANCH_TYPES = ("党委", "党总支", "党支部")  # what a member's 所在党支部 may be (registry.members)


class MemberDialog(FormDialog):
    """新增/编辑党员: every roster field, checked by the core's member rules."""

    FORM = "member_dialog.ui"
    FIELD_WIDGETS = {"name": "nameEdit", "id_number": "idNumberEdit", "sex": "sexCombo",
                     "birth_date": "birthDateEdit", "ethnicity": "ethnicityCombo", "education": "educationCombo",
                     "person_class": "personClassCombo", "job": "jobCombo", "org_id": "orgCombo",
                     "group_id": "groupCombo", "category": "categoryCombo", "join_date": "joinDateEdit",
                     "full_date": "fullDateEdit", "phone": "phoneEdit", "workplace": "workplaceEdit",
                     "address": "addressEdit", "mobile_whereabouts": "whereaboutsEdit", "note": "noteEdit"}

    def __init__(self, db: Database, parent: QWidget | None = None, *, member_id: str | None = None,
                 org_id: str | None = None, office_id: str | None = None):
        super().__init__(db, parent)
        self.member = existing(db, "member", member_id) if member_id else None
        f = self.dialog
        if self.member is not None:
            org_id = self.member["org_id"]
        org = db.get("org", org_id) if org_id else None
        if org is not None and org["org_type"] == "党小组":  # a party group selected: its branch
            self._preset_group = org["id"]
            org = db.get("org", org["parent_id"])
        else:
            self._preset_group = None
        self.office_id = org["office_id"] if org is not None else (office_id or db.local_office_id)
        f.setWindowTitle(f"编辑党员 — {self.member['name']}" if self.member else "新增党员")

        fill_combo(f.sexCombo, [("（按身份证号）", None), ("男", "男"), ("女", "女")])
        fill_combo(f.ethnicityCombo, code_items("ethnicity"), current="汉族")
        add_missing_choice(f.ethnicityCombo)  # 未填: a member from a roster without 民族
        self._intro = f.intro.text()
        fill_combo(f.educationCombo, code_items("education", "（未填）"))
        fill_combo(f.personClassCombo, code_items("person_class", "（未填）"))
        fill_combo(f.jobCombo, code_items("job", "（未填）"))
        fill_combo(f.categoryCombo, code_items("category"), current="正式党员")
        branches = org_path_items(db, office_id=self.office_id, types=BRANCH_TYPES)
        fill_combo(f.orgCombo, branches, current=org["id"] if org is not None else None)
        if org is None or org["org_type"] not in BRANCH_TYPES:
            f.orgCombo.setCurrentIndex(-1)
        f.orgCombo.currentIndexChanged.connect(self._org_changed)
        self._org_changed()
        if self._preset_group:
            f.groupCombo.setCurrentIndex(max(0, f.groupCombo.findData(self._preset_group)))
        f.mobileCheck.toggled.connect(f.whereaboutsEdit.setEnabled)
        f.whereaboutsEdit.setEnabled(False)
        f.categoryCombo.currentIndexChanged.connect(self._category_changed)
        f.idNumberEdit.editingFinished.connect(self._id_number_entered)

        if self.member is not None:
            self._load(self.member)
            # The branch changes only through 转接 so that the history records it.
            f.orgCombo.setEnabled(False)
            f.orgCombo.setToolTip("更换党支部请使用“转接”")
            f.registrationCombo.setVisible(False)
            f.registrationComboLabel.setVisible(False)
        self._category_changed()
        self._show_notes()
        f.nameEdit.setFocus()

    def _show_notes(self, idn: str = "") -> None:
        """The intro line, with 信息不全 for a member registered without some fields and a note
        when the ID number's county code is unknown."""
        notes = [n for n in (incomplete_note(self.member), region_note(idn)) if n]
        self.dialog.intro.setText("<br>".join([self._intro, *notes]) if notes else self._intro)

    def _load(self, m) -> None:
        f = self.dialog
        f.nameEdit.setText(m["name"])
        f.idNumberEdit.setText(m["id_number"] or "")
        f.sexCombo.setCurrentIndex(max(0, f.sexCombo.findData(m["sex"])))
        f.birthDateEdit.setText(m["birth_date"] or "")
        for combo, key in ((f.ethnicityCombo, "ethnicity"), (f.educationCombo, "education"),
                           (f.personClassCombo, "person_class"), (f.jobCombo, "job"),
                           (f.categoryCombo, "category"), (f.groupCombo, "group_id")):
            i = combo.findData(m[key])
            combo.setCurrentIndex(i if i >= 0 else 0)
        f.joinDateEdit.setText(m["join_date"] or "")
        f.fullDateEdit.setText(m["full_date"] or "")
        f.phoneEdit.setText(m["phone"] or "")
        f.workplaceEdit.setText(m["workplace"] or "")
        f.addressEdit.setText(m["address"] or "")
        f.mobileCheck.setChecked(bool(m["is_mobile"]))
        f.whereaboutsEdit.setText(m["mobile_whereabouts"] or "")
        f.whereaboutsEdit.setEnabled(bool(m["is_mobile"]))
        f.hardshipCheck.setChecked(bool(m["is_hardship"]))
        f.noteEdit.setText(m["note"] or "")

    def _org_changed(self, *_args) -> None:
        f = self.dialog
        oid = f.orgCombo.currentData()
        groups = party_groups(self.db, oid)
        fill_combo(f.groupCombo, [("（不属于党小组）", None)] + [(g["name"], g["id"]) for g in groups],
                   current=f.groupCombo.currentData())
        f.groupCombo.setEnabled(bool(groups))

    def _category_changed(self, *_args) -> None:
        f = self.dialog
        probationary = f.categoryCombo.currentData() == "预备党员"
        f.fullDateEdit.setEnabled(not probationary)
        if probationary:
            f.fullDateEdit.clear()

    def _id_number_entered(self) -> None:
        """A valid ID number fills in the birth date and sex the clerk left empty; an old
        15-digit number is offered in its 18-digit form."""
        f = self.dialog
        idn = read_id_number(f.idNumberEdit, f)
        self._show_notes(idn)
        if idn and not idcard.problems(idn):
            if not f.birthDateEdit.text().strip():
                f.birthDateEdit.setText(idcard.birth_date(idn).isoformat())
            if f.sexCombo.currentData() is None:
                f.sexCombo.setCurrentIndex(f.sexCombo.findData(idcard.sex(idn)))

    def values(self) -> dict[str, Any]:
        f = self.dialog
        return {
            "name": self.text("nameEdit"), "id_number": self.text("idNumberEdit"),
            "sex": f.sexCombo.currentData(), "birth_date": normalise_date_text(self.text("birthDateEdit")),
            "ethnicity": f.ethnicityCombo.currentData(), "education": f.educationCombo.currentData(),
            "person_class": f.personClassCombo.currentData(), "job": f.jobCombo.currentData(),
            "category": f.categoryCombo.currentData(), "join_date": normalise_date_text(self.text("joinDateEdit")),
            "full_date": normalise_date_text(self.text("fullDateEdit")),
            "phone": self.text("phoneEdit") or None, "workplace": self.text("workplaceEdit") or None,
            "address": self.text("addressEdit") or None, "is_mobile": int(f.mobileCheck.isChecked()),
            "mobile_whereabouts": self.text("whereaboutsEdit") if f.mobileCheck.isChecked() else None,
            "is_hardship": int(f.hardshipCheck.isChecked()), "note": self.text("noteEdit"),
            "group_id": f.groupCombo.currentData(),
        }

    def save(self) -> str:
        v = self.values()
        if self.member is not None:
            mid, rev = self.member["id"], self.member["rev"]
            _, self.undo_change = self.change(
                "修改党员", lambda db: update_member_undoable(db, mid, v, expected_rev=rev))
            return mid
        org_id = self.dialog.orgCombo.currentData()
        event = "转入" if self.dialog.registrationCombo.currentIndex() == 1 else "入党登记"
        mid, self.undo_change = self.change(
            "新增党员", lambda db: add_member_undoable(db, v, org_id=org_id, event=event))
        return mid
