"""Organisation dialogs of the 组织台账 page: 新增/编辑组织 and 设定党小组长."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtWidgets import QWidget

from ...db import Database
from ...errors import ValidationError
from ...registry.members import group_members
from ...registry.orgs import ALLOWED_PARENTS, KINDS, ORG_TYPES, subtree_ids
from ...registry.undoable import add_org_undoable, set_group_leader_undoable, update_org_undoable
from ..kit.plain_text import plain
from .dialog_base import FormDialog, existing, fill_combo, normalise_date_text, org_path_items

CHILD_TYPES = {parent: tuple(t for t in ORG_TYPES if parent in ALLOWED_PARENTS[t])
               for parent in (None, *ORG_TYPES)}
DEFAULT_CHILD = {None: "党委", "党委": "党支部", "党总支": "党支部", "党支部": "党小组"}
PARENT_TYPES = ("党委", "党总支", "党支部")


class OrgDialog(FormDialog):
    """新增/编辑组织 (党委、党总支、党支部、党小组)."""

    FORM = "org_dialog.ui"
    FIELD_WIDGETS = {"parent_id": "parentCombo", "org_type": "typeCombo", "name": "nameEdit",
                     "kind": "kindCombo", "founded_on": "foundedEdit", "phone": "phoneEdit",
                     "address": "addressEdit", "note": "noteEdit"}

    def __init__(self, db: Database, parent: QWidget | None = None, *, org_id: str | None = None,
                 parent_id: str | None = None, office_id: str | None = None):
        super().__init__(db, parent)
        self.org = existing(db, "org", org_id) if org_id else None
        parent_org = None
        if self.org is not None:
            office_id = self.org["office_id"]
            parent_id = self.org["parent_id"]
        elif parent_id:
            parent_org = existing(db, "org", parent_id)
            office_id = parent_org["office_id"]
        self.office_id = office_id or db.local_office_id
        f = self.dialog
        f.setWindowTitle("编辑组织" if self.org else "新增组织")
        office = db.get("office", self.office_id)
        plain(f.intro).setText(f"所属单位：{office['name']}" if office else "")  # the office's name as written
        exclude = set(subtree_ids(db, self.org["id"])) if self.org is not None else set()
        parents = org_path_items(db, office_id=self.office_id, types=PARENT_TYPES, exclude=exclude)
        fill_combo(f.parentCombo, [("（最上层）", None)] + parents, current=parent_id)
        if parent_id is None:
            f.parentCombo.setCurrentIndex(0)
        fill_combo(f.kindCombo, [("（不分类别）", None)] + [(k, k) for k in KINDS],
                   current=self.org["kind"] if self.org else None)
        f.parentCombo.currentIndexChanged.connect(self._parent_changed)
        self._parent_changed(keep=self.org["org_type"] if self.org else None)
        if self.org is not None:
            f.nameEdit.setText(self.org["name"])
            f.foundedEdit.setText(self.org["founded_on"] or "")
            f.phoneEdit.setText(self.org["phone"] or "")
            f.addressEdit.setText(self.org["address"] or "")
            f.noteEdit.setText(self.org["note"] or "")
        elif parent_org is not None and parent_org["kind"]:  # a new branch is of its parent's kind
            f.kindCombo.setCurrentIndex(f.kindCombo.findData(parent_org["kind"]))
        f.nameEdit.setFocus()

    def _parent_changed(self, *_args, keep: str | None = None) -> None:
        f = self.dialog
        pid = f.parentCombo.currentData()
        parent = self.db.get("org", pid) if pid else None
        ptype = parent["org_type"] if parent is not None else None
        allowed = CHILD_TYPES.get(ptype, ())
        current = keep or f.typeCombo.currentData() or DEFAULT_CHILD.get(ptype)
        if current not in allowed:
            current = DEFAULT_CHILD.get(ptype) if DEFAULT_CHILD.get(ptype) in allowed else None
        fill_combo(f.typeCombo, [(t, t) for t in allowed], current=current)

    def values(self) -> dict[str, Any]:
        f = self.dialog
        return {"parent_id": f.parentCombo.currentData(), "org_type": f.typeCombo.currentData(),
                "name": self.text("nameEdit"), "kind": f.kindCombo.currentData(),
                "founded_on": normalise_date_text(self.text("foundedEdit")),
                "phone": self.text("phoneEdit") or None, "address": self.text("addressEdit") or None,
                "note": self.text("noteEdit")}

    def save(self) -> str:
        v = self.values()
        if v["org_type"] is None:
            raise ValidationError({"org_type": "请选择组织类型（所选上级组织下不能再设下级组织）"})
        if self.org is None:
            oid, self.undo_change = self.change(
                "新增组织", lambda db: add_org_undoable(db, office_id=self.office_id, **v))
            return oid
        org_id, rev = self.org["id"], self.org["rev"]
        _, self.undo_change = self.change(
            "修改组织", lambda db: update_org_undoable(db, org_id, v, expected_rev=rev))
        return org_id


class GroupLeaderDialog(FormDialog):
    """设定党小组长: one of the group's members, or vacant."""

    FORM = "group_leader_dialog.ui"
    FIELD_WIDGETS = {"member_id": "memberCombo"}

    def __init__(self, db: Database, parent: QWidget | None = None, *, group_id: str):
        super().__init__(db, parent)
        self.group = existing(db, "org", group_id)
        branch = db.get("org", self.group["parent_id"])
        f = self.dialog
        f.intro.setText(f"<b>{escape(branch['name']) if branch else ''}{escape(self.group['name'])}</b><br>"
                        "组长须是本党小组的党员；如需从其他党小组选人，请先修改该党员的“所在党小组”。")
        fill_combo(f.memberCombo, [("（空缺）", None)] + [(r["name"], r["id"]) for r in group_members(db, group_id)],
                   current=self.group["leader_member_id"])
        f.memberCombo.setFocus()

    def save(self) -> Any:
        group_id, member_id = self.group["id"], self.dialog.memberCombo.currentData()
        _, self.undo_change = self.change(
            "设定党小组长", lambda db: set_group_leader_undoable(db, group_id, member_id))
        return group_id
