"""Committee dialogs of the 组织台账 page: 换届, 延期换届, 任命支委 and 离任."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QWidget

from ... import dates
from ...db import Database
from ...errors import UserError
from ...registry.members import active_members_under
from ...registry.orgs import ROLES, committee, current_term
from ...registry.undoable import (add_committee_member_undoable, end_committee_member_undoable, extend_term_undoable,
                                  start_term_undoable)
from .dialog_base import (FormDialog, existing, fill_combo, keep_only_page, make_searchable, normalise_date_text,
                          searchable_data)

MEMBER_CHOICES = 5000  # members offered for a committee post (the rest can be typed by name)


def term_text(term) -> str:
    """'2023年3月1日换届，任期3年，2026年3月1日届满' (+ extension)."""
    if term is None:
        return "未录入"
    text = f"{dates.format_cn(term.start)}换届，任期{term.years}年，{dates.format_cn(term.due)}届满"
    if term.extension_months:
        text += f"（含延期{term.extension_months}个月）"
    return text


class TermDialog(FormDialog):
    """换届 (a new term) or 延期换届 (extend the current one)."""

    FORM = "term_dialog.ui"
    FIELD_WIDGETS = {"start_date": "startEdit", "years": "yearsCombo", "note": "noteEdit",
                     "months": "monthsSpin", "approval": "approvalEdit"}

    def __init__(self, db: Database, parent: QWidget | None = None, *, org_id: str, extend: bool = False):
        super().__init__(db, parent)
        self.org = existing(db, "org", org_id)
        self.extend = extend
        self.term = current_term(db, org_id)
        f = self.dialog
        f.yearsCombo.setItemData(0, 3)
        f.yearsCombo.setItemData(1, 2)
        if extend:
            if self.term is None:
                raise UserError(f"{self.org['name']}还没有录入任期，不能延期换届")
            f.setWindowTitle("延期换届")
            f.stack.setCurrentWidget(f.extendPage)
            f.intro.setText(f"<b>{escape(self.org['name'])}</b><br>本届：{term_text(self.term)}<br>"
                            "延期换届须经上级党组织批准，一般不超过一年。")
            if self.term.extension_months:
                f.monthsSpin.setValue(self.term.extension_months)
            f.approvalEdit.setText(self.term.extension_approval or "")
            f.monthsSpin.setFocus()
        else:
            f.setWindowTitle("换届")
            f.stack.setCurrentWidget(f.newTermPage)
            previous = f"上一届：{term_text(self.term)}。换届后上一届支委班子同时离任。" if self.term else \
                "首次录入本组织的支委班子任期。"
            f.intro.setText(f"<b>{escape(self.org['name'])}</b><br>{previous}")
            f.startEdit.setText(dates.today().isoformat())
            f.startEdit.setFocus()
            f.startEdit.selectAll()
        keep_only_page(f.stack)

    def save(self) -> str:
        f = self.dialog
        if self.extend:
            term_id, months, approval = self.term.id, f.monthsSpin.value(), self.text("approvalEdit")
            _, self.undo_change = self.change(
                "延期换届", lambda db: extend_term_undoable(db, term_id, months=months, approval=approval))
            return term_id
        org_id, years, note = self.org["id"], f.yearsCombo.currentData(), self.text("noteEdit")
        start = normalise_date_text(self.text("startEdit")) or ""
        term_id, self.undo_change = self.change(
            "换届", lambda db: start_term_undoable(db, org_id, start_date=start, years=years, note=note))
        return term_id


class CommitteeMemberDialog(FormDialog):
    """任命支委 (appoint) or 离任 (a committee member leaves)."""

    FORM = "committee_member_dialog.ui"
    FIELD_WIDGETS = {"role": "roleCombo", "member_id": "memberCombo", "start_date": "startEdit",
                     "end_date": "endEdit"}

    def __init__(self, db: Database, parent: QWidget | None = None, *, org_id: str, end_cm_id: str | None = None):
        super().__init__(db, parent)
        self.org = existing(db, "org", org_id)
        f = self.dialog
        self.cm = db.get("committee_member", end_cm_id) if end_cm_id else None
        if end_cm_id:
            if self.cm is None:
                raise UserError("支委成员记录不存在")
            f.setWindowTitle("支委离任")
            f.stack.setCurrentWidget(f.endPage)
            f.intro.setText(f"<b>{escape(self.org['name'])}</b><br>{escape(self.cm['role'])} {escape(self.cm['name'])}，"
                            f"{dates.format_cn(self.cm['start_date'])}起任职")
            f.endEdit.setText(dates.today().isoformat())
            f.endEdit.setFocus()
            f.endEdit.selectAll()
        else:
            term = current_term(db, org_id)
            if term is None:
                raise UserError(f"请先为{self.org['name']}录入换届日期和任期（点“换届”）")
            f.setWindowTitle("任命支委")
            f.stack.setCurrentWidget(f.appointPage)
            current = committee(db, org_id)
            f.intro.setText(f"<b>{escape(self.org['name'])}</b><br>本届：{term_text(term)}；现有支委 {len(current)} 人")
            taken = {c["role"] for c in current}
            first_free = next((r for r in ROLES if r not in taken), "委员")
            fill_combo(f.roleCombo, [(r, r) for r in ROLES], current=first_free)
            self._fill_members(org_id)
            f.startEdit.setText(term.start.isoformat() if not current else dates.today().isoformat())
            f.memberCombo.setFocus()
        keep_only_page(f.stack)

    def _fill_members(self, org_id: str) -> None:
        rows = active_members_under(self.db, org_id, limit=MEMBER_CHOICES)
        several = len({r["org_name"] for r in rows}) > 1
        seen: dict[str, int] = {}
        for r in rows:
            seen[r["name"]] = seen.get(r["name"], 0) + 1
        items = []
        for r in rows:
            text = r["name"]
            if several:
                text += f"（{r['org_name']}）"
            if seen[r["name"]] > 1:
                text += f" {dates.format_cn(r['birth_date'][:7])}生"
            items.append((text, r["id"]))
        self.member_names = {r["id"]: r["name"] for r in rows}
        f = self.dialog
        fill_combo(f.memberCombo, items)
        make_searchable(f.memberCombo)
        f.memberCombo.setCurrentIndex(-1)
        f.memberCombo.lineEdit().setPlaceholderText("输入姓名查找；非本组织党员可直接填写姓名")

    def selected_member(self) -> tuple[str | None, str]:
        """(member id, name): a listed member, or a typed name of someone not in this organisation."""
        f = self.dialog
        typed = f.memberCombo.currentText().strip()
        member_id = searchable_data(f.memberCombo)
        if member_id is None and typed:
            same_name = [mid for mid, name in self.member_names.items() if name == typed]
            if len(same_name) == 1:
                member_id = same_name[0]
        if member_id is not None:
            return member_id, self.member_names[member_id]
        return None, typed

    def save(self) -> str:
        f = self.dialog
        if self.cm is not None:
            cm_id, end = self.cm["id"], normalise_date_text(self.text("endEdit")) or ""
            _, self.undo_change = self.change(
                "支委离任", lambda db: end_committee_member_undoable(db, cm_id, end_date=end))
            return cm_id
        member_id, name = self.selected_member()
        org_id, role = self.org["id"], f.roleCombo.currentData()
        start = normalise_date_text(self.text("startEdit")) or ""
        cm_id, self.undo_change = self.change("任命支委", lambda db: add_committee_member_undoable(
            db, org_id, role=role, start_date=start, member_id=member_id, name=None if member_id else name))
        return cm_id
