"""What the 组织台账 page's actions do: open the dialog for the selection, or ask and run the change.

Every change goes through a kit Operation (the dialogs' OK, 删除组织 here), so every page hears it
on the operation bus; this page refreshes after it (once: on_data_changed skips a change shown
already), and a change that can be taken back is offered on 编辑 → 撤销 (push_undo).
A mixin of RegistryTab: it reads the page's selection and tells it what to select afterwards.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any, Callable

from ...registry.members import available_events
from ...registry.undoable import delete_org_undoable
from ..common import open_dialog
from ..kit.messages import slot
from ..kit.operations import Operation
from ..undo_menu import push_undo
from .history_dialog import HistoryDialog
from .member_dialogs import MemberDialog
from .org_dialogs import GroupLeaderDialog, OrgDialog
from .status_dialogs import RemoveMemberDialog, StatusDialog, TransferDialog
from .term_dialogs import CommitteeMemberDialog, TermDialog

ROSTER_MISSING = "本版本尚未包含花名册导入导出功能。"


class EditingMixin:
    """The actions of RegistryTab (which provides db, the selection and the refresh)."""

    db: Any
    current_dialog: Any

    # ---- opening dialogs --------------------------------------------------------------------
    def _open(self, wrapper: Any, on_saved: Callable[[Any], None] | None = None) -> Any:
        """Open a dialog window-modally without blocking; `current_dialog` holds it while it is open.
        After it saved (or removed), its change is offered for undo and `on_saved(result)` runs."""
        open_dialog(self, wrapper)
        saved = getattr(wrapper, "saved", None) or getattr(wrapper, "removed", None)
        if saved is not None:
            saved.connect(lambda result: self._after_save(result, on_saved, wrapper))
        return wrapper

    def _after_save(self, result: Any, then: Callable[[Any], None] | None, wrapper: Any = None) -> None:
        push_undo(self, getattr(wrapper, "undo_change", None))  # offered on 编辑 → 撤销
        try:
            self.on_data_changed(None)  # shown already when the bus told the page (skipped then)
            if then is not None:
                then(result)
        except Exception as e:  # noqa: BLE001 - never raise into the event loop
            self.show_error(e)

    def _open_new_under_current(self, dialog_class: type, under: str, on_saved: Callable[[Any], None]) -> None:
        """A dialog adding an organisation or member under the tree's current node: an office, or the
        organisation passed as keyword `under`."""
        key = self.current_key()
        if self.db is None or key is None:
            return
        if key[0] == "office":
            dlg = dialog_class(self.db, self, office_id=key[1])
        else:
            dlg = dialog_class(self.db, self, **{under: key[1]})
        self._open(dlg, on_saved)

    def _open_editor(self, dlg: Any, on_saved: Callable[[Any], None]) -> None:
        """An edit dialog, shown read-only when the database is."""
        if self.db.readonly:
            dlg.set_readonly()
        self._open(dlg, on_saved)

    # ---- organisations ----------------------------------------------------------------------
    @slot
    def add_org(self) -> None:
        self._open_new_under_current(OrgDialog, "parent_id", lambda oid: self.select_org(oid))

    @slot
    def edit_org(self) -> None:
        org = self.current_org()
        if self.db is None or org is None:
            return
        self._open_editor(OrgDialog(self.db, self, org_id=org["id"]), lambda oid: self.select_org(oid))

    @slot
    def delete_org(self) -> None:
        org = self.current_org()
        if self.db is None or org is None:
            return
        oid, name = org["id"], org["name"]

        def deleted(result) -> None:
            push_undo(self, result[1])
            self.on_data_changed(None)  # shown already when the main window passed the change on

        def delete() -> None:
            Operation(self, "删除组织", lambda db: delete_org_undoable(db, oid)).success(deleted).run()

        self.ask(f"确定删除“{name}”吗？\n\n只能删除没有下级组织、没有党员，也没有考核、会议和台账记录的组织。", "删除组织", delete)

    # ---- committee and term -----------------------------------------------------------------
    @slot
    def new_term(self) -> None:
        org = self.current_org()
        if org is not None:
            self._open(TermDialog(self.db, self, org_id=org["id"]))

    @slot
    def extend_term(self) -> None:
        org = self.current_org()
        if org is not None:
            self._open(TermDialog(self.db, self, org_id=org["id"], extend=True))

    @slot
    def appoint_committee_member(self) -> None:
        org = self.current_org()
        if org is not None:
            self._open(CommitteeMemberDialog(self.db, self, org_id=org["id"]))

    @slot
    def set_group_leader(self) -> None:
        org = self.current_org()
        if org is not None and org["org_type"] == "党小组":
            self._open(GroupLeaderDialog(self.db, self, group_id=org["id"]))

    @slot
    def end_committee_member(self) -> None:
        org = self.current_org()
        cm = self.details.selected_committee_member()
        if org is None or cm is None:
            self.inform("请先在支委名单中选中离任的成员。", "离任")
            return
        self._open(CommitteeMemberDialog(self.db, self, org_id=org["id"], end_cm_id=cm))

    # ---- members ----------------------------------------------------------------------------
    def _one_member(self, title: str) -> str | None:
        mid = self.current_member_id()
        if mid is None:
            self.inform("请先在党员列表中选中一名党员。", title)
        return mid

    @slot
    def add_member(self) -> None:
        self._open_new_under_current(MemberDialog, "org_id", lambda mid: self.show_member(mid))

    @slot
    def edit_member(self) -> None:
        if self.db is None:
            return
        mid = self._one_member("编辑党员")
        if mid is not None:
            self._open_editor(MemberDialog(self.db, self, member_id=mid), lambda m: self.show_member(m))

    @slot
    def transfer_member(self) -> None:
        mid = self._one_member("转接")
        if mid is not None:
            self._open(TransferDialog(self.db, self, member_id=mid), lambda m: self.show_member(m))

    @slot
    def change_status(self) -> None:
        mid = self._one_member("党籍变动")
        if mid is None:
            return
        m = self.db.get("member", mid)
        if m is not None and not available_events(m):
            self.inform(f"{m['name']}的党籍状态为“{m['status']}”，没有可办理的变动。", "党籍变动")
            return
        # A member who left (转出, 死亡 …) drops out of the list unless 含已转出 is ticked: the cursor
        # then stays on the member who took their place (refresh_members).
        self._open(StatusDialog(self.db, self, member_id=mid), lambda m: self.select_members([m], current=m)
                   if self.members.model.row_of(m) >= 0 else None)

    @slot
    def remove_member(self) -> None:
        if self.db is None or self.db.readonly:
            return
        mid = self._one_member("删除党员")
        if mid is not None:
            self._open(RemoveMemberDialog(self.db, mid, self))

    @slot
    def show_history(self) -> None:
        mid = self._one_member("党员变动历史")
        if mid is not None:
            self._open(HistoryDialog(self.db, mid, self))

    # ---- the roster (another module, imported when used so the page works without it) --------
    def _roster(self, module: str, name: str):
        package = __package__.rsplit(".", 1)[0] + ".roster"  # gui/roster/
        try:
            found = importlib.import_module(f"{package}.{module}")
        except ModuleNotFoundError as e:
            if e.name and (e.name == package or e.name.startswith(package + ".")):
                self.inform(ROSTER_MISSING, "花名册")
                return None
            raise
        return getattr(found, name)

    def _selected_branch_id(self) -> str | None:
        org = self.current_org()
        if org is None:
            return None
        return org["parent_id"] if org["org_type"] == "党小组" else org["id"]

    @slot
    def import_roster(self) -> None:
        wizard_cls = self._roster("wizard", "RosterImportWizard")
        if wizard_cls is None or self.db is None:
            return
        wizard = wizard_cls(self.db, parent=self, default_org_id=self._selected_branch_id())
        wizard.finished.connect(lambda _r: self.on_data_changed(None))
        self._open(wizard)

    @slot
    def export_roster(self) -> None:
        export = self._roster("dialogs", "export_roster_dialog")
        if export is None or self.db is None:
            return
        key = self.current_key()
        org_id = key[1] if key and key[0] == "org" else None
        member_ids = None
        if self.members.model.filter_text.strip() or (key and key[0] == "office"):
            member_ids = self.members.model.ids  # what the table shows
        export(self, self.db, org_id=org_id, member_ids=member_ids)

    @slot
    def save_template(self) -> None:
        template = self._roster("dialogs", "save_template_dialog")
        if template is None:
            return
        # With the database the template's drop-down lists name this office's branches.
        if self.db is not None and len(inspect.signature(template).parameters) > 1:
            template(self, self.db)
        else:
            template(self)
