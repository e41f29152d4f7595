"""A registered member in the file: what differs between the file and the database (an empty
cell, or 未填, never erases a stored value; a different branch is reported, never applied: a move
between branches is a 转接 with its own history entry), and the changes applied with `update`.

MemberChanges is a part of importer.RosterImport.
"""

from __future__ import annotations

from typing import Any

from .. import pinyin
from ..registry import codes
from ..registry.members import MEMBER_FIELDS
from ..registry.status import is_active
from .branches import Group, Org
from .cells import field_label, show_value
from .report import MemberChange
from .sheets import SheetState

# Fields compared with a registered member (the party group is compared by name apart).
COMPARED = tuple(f for f in MEMBER_FIELDS if f != "group_id")


class MemberChanges:
    """Compare a row with the member registered under its ID number; apply the differences."""

    def _compare(self, st: SheetState, n: int, current, values: dict, clean: dict, org: Org | None,
                 group) -> None:
        if not is_active(current["status"]):
            self._warn(st.sheet, n, f"{current['name']}（{current['id_number']}）已登记，党籍状态为“{current['status']}”")
        same_branch = org is None or org.id == current["org_id"]
        if not same_branch:
            now = self.branches.orgs.get(current["org_id"])
            self._warn(st.sheet, n, f"{current['name']}已登记在“{now.name if now else '其他组织'}”，"
                                    f"文件中为“{org.name}”；导入不改变所在党支部",
                       "如需调整，请在组织台账中办理组织关系转接")
        changes = []
        new_values: dict[str, Any] = {}
        for f in COMPARED:
            if codes.is_missing(values.get(f)):
                continue  # an empty cell (or 未填) never erases a stored value
            new = clean.get(f)
            if f == "note":
                new = new or ""
            if new != current[f]:
                changes.append((f, field_label(f), show_value(f, current[f]), show_value(f, new)))
                new_values[f] = new
        if group is not None and same_branch:
            gid = group.id if isinstance(group, Group) else group
            if gid is None or gid != current["group_id"]:
                old = (self.db.scalar("SELECT name FROM org WHERE id = ?", (current["group_id"],))
                       if current["group_id"] else "")
                new_name = group.name if isinstance(group, Group) else self.db.scalar(
                    "SELECT name FROM org WHERE id = ?", (gid,))
                changes.append(("group_id", "所在党小组", old or "", new_name or ""))
                new_values["group_id"] = group
        if not changes:
            self.report.unchanged += 1
            return
        if "name" in new_values:
            new_values["name_pinyin"] = pinyin.sort_key(new_values["name"])
            new_values["name_initials"] = pinyin.initials(new_values["name"])
        self.report.changes.append(MemberChange(current["id"], current["name"], current["id_number"], st.sheet, n,
                                                changes, new_values))

    def _apply_updates(self) -> None:
        if not self.opts.update:
            return
        for c in self.report.changes:
            self.report.updated += 1
            if not self._writing:
                continue
            values = dict(c.values)
            if "group_id" in values:
                values["group_id"] = self.branches.ensure_group(values["group_id"])
            self._tx.update("member", c.member_id, values)
