"""Dialogs of the 组织台账 tab: organisation, member, term, committee member, status change, transfer.

Each dialog wraps a Qt Designer form from ui/ (loaded with load_form), calls one registry core
function when OK is pressed, and stays open showing the core's Chinese field messages in red
under the fields until the input is valid. Open them with `.open()` (window-modal, non-blocking).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QCompleter, QDialog, QDialogButtonBox,
                               QHeaderView, QLabel, QLineEdit, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from .. import dates
from ..db import Database
from ..errors import UserError, ValidationError
from ..registry import codes, idcard
from ..registry.members import ACTIVE_STATUSES, EVENTS, history
from ..registry.orgs import (ALLOWED_PARENTS, KINDS, ORG_TYPES, ROLES, add_committee_member,
                             committee, current_term, end_committee_member, extend_term, set_group_leader,
                             start_term)
from ..registry.undoable import (add_member_undoable, add_org_undoable, change_status_undoable,
                                 remove_member_undoable, transfer_member_undoable, update_member_undoable,
                                 update_org_undoable)
from ..registry.validation import FIELD_LABELS
from . import common
from .errors import bug_text
from .kit import form_dialog as kit_form
from .kit.form_dialog import error_label_name  # noqa: F401 - the 'Error' label of a field
from .screen_fit import fit_to_screen

# ---- small helpers -------------------------------------------------------------------

def normalise_date_text(text: str | None) -> str | None:
    """Registry dates may be months typed as six digits ('202007' -> '2020-07')."""
    return common.normalise_date_text(text, six_digit_month=True)


_GONE = {"org": "组织不存在，可能已被删除", "member": "党员记录不存在，可能已被删除"}


def existing(db: Database, table: str, row_id: str) -> Any:
    """The row of an organisation or member, or a UserError if it was deleted meanwhile."""
    row = db.get(table, row_id)
    if row is None:
        raise UserError(_GONE[table])
    return row


def fill_combo(combo: QComboBox, items: list[tuple[str, Any]], current: Any = None) -> None:
    """Items as (text, data); select the item whose data is `current` (or the first)."""
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    i = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(i if i >= 0 else (0 if items else -1))
    combo.blockSignals(False)


def code_items(table_id: str, empty: str | None = None) -> list[tuple[str, Any]]:
    items = [(empty, None)] if empty is not None else []
    return items + [(v, v) for v in codes.values(table_id)]


def keep_only_page(stack) -> None:
    """Drop the other pages of a form's stack so that only the page in use sizes the dialog."""
    current = stack.currentWidget()
    for i in reversed(range(stack.count())):
        page = stack.widget(i)
        if page is not current:
            stack.removeWidget(page)  # stays a hidden child: its labels remain valid


def make_searchable(combo: QComboBox) -> None:
    """An editable combo whose list is filtered by any part of the typed text."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    combo.setCompleter(completer)


def searchable_data(combo: QComboBox) -> Any:
    """Data of the item whose text is typed in an editable combo (None when none matches)."""
    text = combo.currentText()
    for candidate in (text, text.strip()):
        i = combo.findText(candidate, Qt.MatchFlag.MatchExactly)
        if i >= 0:
            return combo.itemData(i)
    return None


def org_path_items(db: Database, *, office_id: str | None, types: tuple[str, ...],
                   exclude: set[str] = frozenset(), with_office: bool = False) -> list[tuple[str, str]]:
    """Organisations in tree order, indented by depth ('　' per level), as combo items."""
    where = "WHERE office_id = ?" if office_id else ""
    rows = db.query(f"SELECT id, parent_id, name, org_type, office_id FROM org {where} "
                    f"ORDER BY sort_order, name", (office_id,) if office_id else ())
    offices = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM office")} if with_office else {}
    kids: dict[str | None, list] = {}
    for r in rows:
        kids.setdefault(r["parent_id"], []).append(r)
    ids = {r["id"] for r in rows}
    out: list[tuple[str, str]] = []

    def walk(items: list, depth: int) -> None:
        for r in items:
            if r["id"] in exclude:
                continue
            if r["org_type"] in types:
                prefix = f"{offices.get(r['office_id'], '')} / " if with_office else ""
                out.append(("　" * depth + prefix + r["name"], r["id"]))
            walk(kids.get(r["id"], []), depth + 1)

    walk([r for r in rows if r["parent_id"] is None or r["parent_id"] not in ids], 0)
    return out


# ---- base ------------------------------------------------------------------------------

class FormDialog(kit_form.FormDialog):
    """A Designer form around one registry core call (kit.form_dialog.FormDialog) on `db`; errors from
    the core stay visible under the fields, those of no field of the form in its formError line."""

    FIELD_LABELS = FIELD_LABELS
    undo_change: Any = None  # how to take back what save() did (the tab offers it as 编辑 → 撤销)

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db

    @property
    def result_id(self) -> Any:
        """The id returned by the core call (or None)."""
        return self.result

    def show_exception(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors or {"": exc.message})
        elif isinstance(exc, UserError):
            self.show_errors({"": exc.message})
        else:  # a bug must not close the dialog silently
            self.show_errors({"": bug_text(exc, sep="")})

    def set_readonly(self) -> None:
        """Viewing only (a read-only database): inputs locked, only a 关闭 button."""
        for widget in self.dialog.findChildren(QWidget):
            if isinstance(widget, QLineEdit):
                widget.setReadOnly(True)
            elif isinstance(widget, (QComboBox, QCheckBox, QSpinBox)):
                widget.setEnabled(False)
        bb = self.dialog.buttonBox
        bb.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        bb.button(QDialogButtonBox.StandardButton.Close).setText("关闭")


# ---- organisation ----------------------------------------------------------------------

CHILD_TYPES = {parent: tuple(t for t in ORG_TYPES if parent in ALLOWED_PARENTS[t])
               for parent in (None, *ORG_TYPES)}
DEFAULT_CHILD = {None: "党委", "党委": "党支部", "党总支": "党支部", "党支部": "党小组"}


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
        if self.org is not None:
            office_id = self.org["office_id"]
            parent_id = self.org["parent_id"]
        elif parent_id:
            office_id = db.get("org", parent_id)["office_id"]
        self.office_id = office_id or db.local_office_id
        f = self.dialog
        f.setWindowTitle("编辑组织" if self.org else "新增组织")
        office = db.get("office", self.office_id)
        f.intro.setText(f"所属单位：{office['name']}" if office else "")
        exclude = set()
        if self.org is not None:
            from ..registry.orgs import subtree_ids

            exclude = set(subtree_ids(db, self.org["id"]))
        parents = org_path_items(db, office_id=self.office_id, types=("党委", "党总支", "党支部"), exclude=exclude)
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
        elif parent_id:
            kind = db.scalar("SELECT kind FROM org WHERE id = ?", (parent_id,))
            if kind:
                f.kindCombo.setCurrentIndex(f.kindCombo.findData(kind))
        f.nameEdit.setFocus()

    def _parent_changed(self, *_args, keep: str | None = None) -> None:
        f = self.dialog
        pid = f.parentCombo.currentData()
        ptype = self.db.scalar("SELECT org_type FROM org WHERE id = ?", (pid,)) if pid else None
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
            oid, self.undo_change = add_org_undoable(self.db, office_id=self.office_id, **v)
            return oid
        _, self.undo_change = update_org_undoable(self.db, self.org["id"], v, expected_rev=self.org["rev"])
        return self.org["id"]


# ---- member ----------------------------------------------------------------------------

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
        fill_combo(f.educationCombo, code_items("education", "（未填）"))
        fill_combo(f.personClassCombo, code_items("person_class", "（未填）"))
        fill_combo(f.jobCombo, code_items("job", "（未填）"))
        fill_combo(f.categoryCombo, code_items("category"), current="正式党员")
        branches = org_path_items(db, office_id=self.office_id, types=("党委", "党总支", "党支部"))
        fill_combo(f.orgCombo, branches, current=org["id"] if org is not None else None)
        if org is None or org["org_type"] not in ("党委", "党总支", "党支部"):
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
        f.nameEdit.setFocus()

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
        groups = self.db.query("SELECT id, name FROM org WHERE parent_id = ? AND org_type = '党小组' "
                               "ORDER BY sort_order, name", (oid,)) if oid else []
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
        """A valid ID number fills in the birth date and sex the clerk left empty."""
        f = self.dialog
        idn = idcard.normalise(f.idNumberEdit.text())
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
            _, self.undo_change = update_member_undoable(self.db, self.member["id"], v,
                                                         expected_rev=self.member["rev"])
            return self.member["id"]
        org_id = self.dialog.orgCombo.currentData()
        event = "转入" if self.dialog.registrationCombo.currentIndex() == 1 else "入党登记"
        mid, self.undo_change = add_member_undoable(self.db, v, org_id=org_id, event=event)
        return mid


# ---- committee and term ----------------------------------------------------------------

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
            f.intro.setText(f"<b>{self.org['name']}</b><br>本届：{term_text(self.term)}<br>"
                            "延期换届须经上级党组织批准，一般不超过一年。")
            if self.term.extension_months:
                f.monthsSpin.setValue(self.term.extension_months)
            f.approvalEdit.setText(db.scalar("SELECT extension_approval FROM committee_term WHERE id = ?",
                                             (self.term.id,)) or "")
            f.monthsSpin.setFocus()
        else:
            f.setWindowTitle("换届")
            f.stack.setCurrentWidget(f.newTermPage)
            previous = f"上一届：{term_text(self.term)}。换届后上一届支委班子同时离任。" if self.term else \
                "首次录入本组织的支委班子任期。"
            f.intro.setText(f"<b>{self.org['name']}</b><br>{previous}")
            f.startEdit.setText(dates.today().isoformat())
            f.startEdit.setFocus()
            f.startEdit.selectAll()
        keep_only_page(f.stack)

    def save(self) -> str:
        f = self.dialog
        if self.extend:
            extend_term(self.db, self.term.id, months=f.monthsSpin.value(), approval=self.text("approvalEdit"))
            return self.term.id
        return start_term(self.db, self.org["id"], start_date=normalise_date_text(self.text("startEdit")) or "",
                          years=f.yearsCombo.currentData(), note=self.text("noteEdit"))


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
            f.intro.setText(f"<b>{self.org['name']}</b><br>{self.cm['role']} {self.cm['name']}，"
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
            f.intro.setText(f"<b>{self.org['name']}</b><br>本届：{term_text(term)}；现有支委 {len(current)} 人")
            taken = {c["role"] for c in current}
            first_free = next((r for r in ROLES if r not in taken), "委员")
            fill_combo(f.roleCombo, [(r, r) for r in ROLES], current=first_free)
            self._fill_members(org_id)
            f.startEdit.setText(term.start.isoformat() if not current else dates.today().isoformat())
            f.memberCombo.setFocus()
        keep_only_page(f.stack)

    def _fill_members(self, org_id: str) -> None:
        from ..registry.orgs import subtree_ids

        ids = subtree_ids(self.db, org_id)
        rows = self.db.query(
            f"SELECT m.id, m.name, m.birth_date, o.name AS org_name FROM member m JOIN org o ON o.id = m.org_id "
            f"WHERE m.org_id IN ({','.join('?' * len(ids))}) AND m.status IN ('正常', '失联') "
            f"ORDER BY m.name_pinyin LIMIT 5000", ids)
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
            end_committee_member(self.db, self.cm["id"], end_date=normalise_date_text(self.text("endEdit")) or "")
            return self.cm["id"]
        member_id, name = self.selected_member()
        return add_committee_member(self.db, self.org["id"], role=f.roleCombo.currentData(),
                                    start_date=normalise_date_text(self.text("startEdit")) or "",
                                    member_id=member_id, name=None if member_id else name)


# ---- member status and transfer --------------------------------------------------------

EVENT_HINTS = {
    "转出": "组织关系转往本单位以外（外县、外镇等），党籍状态变为“已转出”。",
    "预备转正": "预备期满，经支部大会讨论通过转为正式党员，转正日期为变动日期。",
    "停止党籍": "党籍状态变为“停止党籍”。",
    "出党": "除名、开除党籍或自行脱党等，党籍状态变为“已出党”。",
    "死亡": "党籍状态变为“已去世”。",
    "失联": "与组织失去联系，党籍状态变为“失联”，列入预警。",
    "恢复联系": "失联党员与组织恢复联系，党籍状态恢复为“正常”。",
    "转入": "已转出的党员重新转回本单位，党籍状态恢复为“正常”。",
}


def available_events(member) -> list[str]:
    out = []
    for event, rule in EVENTS.items():
        if member["status"] not in rule["from"]:
            continue
        if event == "预备转正" and member["category"] != "预备党员":
            continue
        out.append(event)
    return out


class StatusDialog(FormDialog):
    """党籍变动: a dated status event (转出、预备转正、停止党籍、出党、死亡、失联、恢复联系、转入)."""

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
        org = db.scalar("SELECT name FROM org WHERE id = ?", (m["org_id"],))
        f.memberLabel.setText(f"<b>{m['name']}</b>　{org}　{m['category']}　党籍状态：{m['status']}")
        fill_combo(f.eventCombo, [(e, e) for e in events])
        f.eventCombo.currentIndexChanged.connect(self._event_changed)
        self._event_changed()
        f.dateEdit.setText(dates.today().isoformat())
        f.eventCombo.setFocus()

    def _event_changed(self, *_args) -> None:
        self.dialog.hintLabel.setText(EVENT_HINTS.get(self.dialog.eventCombo.currentData(), ""))

    def save(self) -> str:
        _, self.undo_change = change_status_undoable(
            self.db, self.member["id"], event=self.dialog.eventCombo.currentData(),
            date=normalise_date_text(self.text("dateEdit")) or "", note=self.text("noteEdit"))
        return self.member["id"]


class GroupLeaderDialog(FormDialog):
    """设定党小组长: one of the group's members, or vacant."""

    FORM = "group_leader_dialog.ui"
    FIELD_WIDGETS = {"member_id": "memberCombo"}

    def __init__(self, db: Database, parent: QWidget | None = None, *, group_id: str):
        super().__init__(db, parent)
        self.group = existing(db, "org", group_id)
        branch = db.get("org", self.group["parent_id"])
        f = self.dialog
        f.intro.setText(f"<b>{branch['name'] if branch else ''}{self.group['name']}</b><br>"
                        "组长须是本党小组的党员；如需从其他党小组选人，请先修改该党员的“所在党小组”。")
        rows = db.query("SELECT id, name FROM member WHERE group_id = ? AND status IN ('正常', '失联') "
                        "ORDER BY name_pinyin", (group_id,))
        fill_combo(f.memberCombo, [("（空缺）", None)] + [(r["name"], r["id"]) for r in rows],
                   current=self.group["leader_member_id"])
        f.memberCombo.setFocus()

    def save(self) -> Any:
        set_group_leader(self.db, self.group["id"], self.dialog.memberCombo.currentData())
        return self.group["id"]


class TransferDialog(FormDialog):
    """组织关系转接 within this database: the member moves to another branch."""

    FORM = "transfer_dialog.ui"
    FIELD_WIDGETS = {"org_id": "orgCombo", "date": "dateEdit", "note": "noteEdit"}

    def __init__(self, db: Database, parent: QWidget | None = None, *, member_id: str):
        super().__init__(db, parent)
        self.member = existing(db, "member", member_id)
        m = self.member
        if m["status"] not in ACTIVE_STATUSES:
            raise UserError(f"{m['name']}的党籍状态为“{m['status']}”，不能转接")
        f = self.dialog
        f.setWindowTitle(f"组织关系转接 — {m['name']}")
        org = db.get("org", m["org_id"])
        f.memberLabel.setText(f"<b>{m['name']}</b>　现在：{org['name']}<br>"
                              "转往本单位以外的党组织请用“党籍变动 → 转出”。")
        several = (db.scalar("SELECT count(DISTINCT office_id) FROM org") or 0) > 1
        items = org_path_items(db, office_id=None if several else org["office_id"],
                               types=("党委", "党总支", "党支部"), exclude={m["org_id"]}, with_office=several)
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
        _, self.undo_change = transfer_member_undoable(
            self.db, self.member["id"], to_org_id=to_org,
            date=normalise_date_text(self.text("dateEdit")) or "", note=self.text("noteEdit"))
        return self.member["id"]


# ---- code-built small dialogs ------------------------------------------------------------

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
        info = QLabel(f"确定删除党员<b>{self.member['name']}</b>的记录吗？<br><br>"
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
        self.errorLabel.setStyleSheet("color: #c62828;")
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
        try:
            _, self.undo_change = remove_member_undoable(self.db, self.member["id"], reason=self.reasonEdit.text())
        except UserError as e:
            msg = "；".join(e.errors.values()) if isinstance(e, ValidationError) else e.message
            self.errorLabel.setText(msg)
            self.errorLabel.setVisible(True)
            self.adjustSize()
            return
        self.accept()
        self.removed.emit(self.member["id"])


class HistoryDialog(QDialog):
    """党员变动历史: every dated event of one member, oldest first."""

    HEADERS = ("日期", "变动", "原组织", "新组织", "原状态", "新状态", "说明")

    def __init__(self, db: Database, member_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        m = existing(db, "member", member_id)
        self.setWindowTitle(f"党员变动历史 — {m['name']}")
        fit_to_screen(self, 760, 320)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{m['name']}</b>　身份证号 {m['id_number']}　入党日期 "
                                f"{dates.format_cn(m['join_date'])}　当前状态：{m['status']}", self))
        rows = history(db, member_id)
        self.table = QTableWidget(len(rows), len(self.HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        for i, e in enumerate(rows):
            cells = (dates.format_cn(e["event_date"]), e["event_type"], e["from_org"] or "", e["to_org"] or "",
                     e["from_status"] or "", e["to_status"] or "", e["note"] or "")
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(len(self.HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        bb.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        bb.rejected.connect(self.reject)
        self.changes_button = bb.addButton("修改记录…", QDialogButtonBox.ButtonRole.ActionRole)
        self.changes_button.setToolTip("每一次修改了哪一项、由谁、在何时、为什么")
        self.changes_button.clicked.connect(lambda: self._show_changes(db, member_id, m["name"]))
        layout.addWidget(bb)

    def _show_changes(self, db: Database, member_id: str, name: str) -> None:
        from .data_check import ChangeHistoryDialog

        self.changes_dialog = ChangeHistoryDialog(db, "member", member_id, f"党员 {name}", self)
        self.changes_dialog.open()

