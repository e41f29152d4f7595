"""Dialogs of the 党员积分 page: catalogue item, ledger entry, exemption, year lock and the 民主评议
sheet. Each is a Designer form (ui/points_*.ui) around one core call run as a kit Operation; a
refusal shows in the form, which stays open. Open them with `.open()` (window-modal, non-blocking)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHeaderView, QListWidget, QListWidgetItem, QSpinBox,
                               QTableWidgetItem, QWidget)

from ... import dates
from ...db import Database
from ...errors import ValidationError
from ...meetings import MEETING_TYPES, STATUSES
from ...points import catalogue as cat
from ...points.batch import EntryDraft
from ...points.common import EXEMPTION_KINDS, MEMBER_CLASSES
from ...points.ledger import add_entries, add_entry
from ...points.review import GRADES, ReviewInput, reviews
from ...points.totals import lock_year, unlock_year
from ...points.undoable import (add_item_undoable, record_reviews_undoable, set_exemption_undoable,
                                update_item_undoable)
from ..common import date_edit, iso_of, set_date
from ..errors import error_text
from ..kit.form_dialog import FormDialog, error_label_name
from ..screen_fit import fit_to_screen
from .views import run_change


class PointsFormDialog(FormDialog):
    """A single field message without a label of its own is shown as it is, several as a list."""

    def show_exception(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and exc.errors and any(
                error_label_name(f) in self.error_labels for f in exc.errors if f):
            self.show_errors(exc.errors)
        else:
            self.set_error(error_text(exc, list_from=2))

    def run(self, label: str, fn) -> Any:
        """The dialog's one change, as an Operation; its refusal is raised into the form."""
        return run_change(self.dialog, label, fn, self.db)


def _checkable(lst: QListWidget, names) -> None:
    for name in names:
        it = QListWidgetItem(name)
        it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        it.setCheckState(Qt.CheckState.Unchecked)
        lst.addItem(it)


def _check(lst: QListWidget, names) -> None:
    for i in range(lst.count()):
        it = lst.item(i)
        it.setCheckState(Qt.CheckState.Checked if it.text() in names else Qt.CheckState.Unchecked)


def _checked(lst: QListWidget) -> list[str]:
    return [lst.item(i).text() for i in range(lst.count()) if lst.item(i).checkState() == Qt.CheckState.Checked]


# ---- catalogue item ----------------------------------------------------------------------

class ItemDialog(PointsFormDialog):
    """新增/修改积分项目 (ui/points_item_dialog.ui)."""

    FORM = "points_item_dialog.ui"
    FIELD_WIDGETS = {"code": "codeEdit", "title": "titleEdit", "points": "pointsSpin", "yearly_cap": "capSpin",
                     "exempt_classes": "exemptList", "meeting_types": "meetingList", "on_status": "statusCombo"}
    undo_change: Any = None  # how to take back what save() did (the panel offers it as 编辑 → 撤销)

    def __init__(self, db: Database, office_id: str, year: int, parent: QWidget | None = None,
                 item_id: str | None = None):
        super().__init__(parent)
        self.db, self.office_id, self.year, self.item_id = db, office_id, year, item_id
        d = self.dialog
        for k in cat.KINDS:
            d.kindCombo.addItem(k, k)
        for u, text in cat.UNITS.items():
            d.unitCombo.addItem(text, u)
        d.statusCombo.addItem("（不关联）", None)
        for s in STATUSES:
            d.statusCombo.addItem(s, s)
        _checkable(d.exemptList, MEMBER_CLASSES)
        _checkable(d.meetingList, MEETING_TYPES)
        d.capCheck.toggled.connect(d.capSpin.setEnabled)
        d.capSpin.setEnabled(False)
        self.rev = None
        if item_id:
            self._show(cat.get_item(db, item_id))
        else:
            d.setWindowTitle("新增积分项目")

    def _show(self, it) -> None:
        d = self.dialog
        self.rev = it.rev
        d.setWindowTitle(f"修改积分项目 {it.code}")
        d.codeEdit.setText(it.code)
        d.kindCombo.setCurrentIndex(d.kindCombo.findData(it.kind))
        d.titleEdit.setText(it.title)
        d.pointsSpin.setValue(it.points)
        d.unitCombo.setCurrentIndex(d.unitCombo.findData(it.unit))
        d.capCheck.setChecked(it.yearly_cap is not None)
        d.capSpin.setValue(it.yearly_cap or 0)
        _check(d.exemptList, it.exempt_classes)
        _check(d.meetingList, it.meeting_types)
        d.statusCombo.setCurrentIndex(max(0, d.statusCombo.findData(it.on_status)))
        d.noteEdit.setText(it.note)
        d.activeCheck.setChecked(it.active)
        used = cat.item_usage(self.db, it.id)
        if used:
            d.intro.setText(f"该项目已有 {used} 条积分记录：修改分值不影响已记的分数；年度上限和免计类别对全年有效。")

    def values(self) -> dict[str, Any]:
        d = self.dialog
        return {"code": d.codeEdit.text(), "kind": d.kindCombo.currentData(), "title": d.titleEdit.text(),
                "points": d.pointsSpin.value() or None, "unit": d.unitCombo.currentData(),
                "yearly_cap": d.capSpin.value() if d.capCheck.isChecked() else None,
                "exempt_classes": _checked(d.exemptList), "meeting_types": _checked(d.meetingList),
                "on_status": d.statusCombo.currentData(), "note": d.noteEdit.text(),
                "active": d.activeCheck.isChecked()}

    def save(self) -> str:
        v = self.values()
        if self.item_id:
            item_id, rev = self.item_id, self.rev
            _r, self.undo_change = self.run(f"修改积分项目 {v['code']}",
                                            lambda db: update_item_undoable(db, item_id, v, expected_rev=rev))
            return item_id
        office, year = self.office_id, self.year
        item_id, self.undo_change = self.run(f"新增积分项目 {v['code']}",
                                             lambda db: add_item_undoable(db, office, year, v))
        return item_id


# ---- ledger entry -------------------------------------------------------------------------

class EntryDialog(PointsFormDialog):
    """录入积分 for one member or several (one batch) (ui/points_entry_dialog.ui)."""

    FORM = "points_entry_dialog.ui"

    def __init__(self, db: Database, office_id: str, year: int, members: list[tuple[str, str]],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.members = db, members
        self.evidence: Path | None = None
        d = self.dialog
        names = "、".join(n for _i, n in members[:8]) + (f" 等 {len(members)} 人" if len(members) > 8 else "")
        d.whoText.setText(names)
        d.setWindowTitle("录入积分" if len(members) == 1 else f"为 {len(members)} 名党员录入积分（一批）")
        if not db.readonly:  # the items to choose from (no unit of work when the year has them)
            self.run(f"建立{year}年度积分细则", lambda d: cat.ensure_catalogue(d, office_id, year))
        self.items = {i.id: i for i in cat.items(db, office_id, year, active_only=True)}
        for it in self.items.values():
            d.itemCombo.addItem(f"{it.code} {it.title}（{it.describe()}）", it.id)
        d.itemCombo.currentIndexChanged.connect(self._item_changed)
        today = dates.today()
        set_date(d.dateEdit, today if year >= today.year else dt.date(year, 12, 31))
        d.evidenceButton.clicked.connect(self._choose)
        d.evidenceEdit.setEnabled(len(members) == 1)
        d.evidenceButton.setEnabled(len(members) == 1)
        self._item_changed()

    def _item_changed(self, *_args) -> None:
        it = self.items.get(self.dialog.itemCombo.currentData())
        if it is None:
            return
        self.dialog.pointsSpin.setValue(it.signed_points)
        linked = f"该项目通常由“{'、'.join(it.meeting_types)}”的考勤自动记入。" if it.meeting_types else ""
        self.dialog.hintLabel.setText(f"{it.describe()}。{linked}")

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.dialog, "选择佐证材料", "",
                                              "图片或文件 (*.jpg *.jpeg *.png *.pdf *.doc *.docx *.xls *.xlsx)")
        if path:
            self.set_evidence(Path(path))

    def set_evidence(self, path: Path | None) -> None:
        self.evidence = path
        self.dialog.evidenceEdit.setText(path.name if path else "")

    def save(self) -> Any:
        d = self.dialog
        item_id = d.itemCombo.currentData()
        if item_id is None:
            raise ValidationError({"item": "请选择积分项目"})
        date, points, note, evidence = iso_of(d.dateEdit), d.pointsSpin.value(), d.noteEdit.text(), self.evidence
        if len(self.members) == 1:
            member_id = self.members[0][0]
            return self.run("录入积分", lambda db: add_entry(db, member_id, item_id, date, points=points, note=note,
                                                          evidence=evidence))
        it = self.items[item_id]
        drafts = [EntryDraft(mid, item_id, date, points, note) for mid, _n in self.members]
        title = f"批量录入积分 {it.code} {it.title}（{len(self.members)}人）"
        return self.run(title, lambda db: add_entries(db, drafts, title=title))


# ---- exemption ------------------------------------------------------------------------------

class ExemptionDialog(PointsFormDialog):
    """免评/免计 on request: kind, reason, approval date (ui/points_exemption_dialog.ui)."""

    FORM = "points_exemption_dialog.ui"
    KIND_TEXTS = ("不参评（本年度不参与党员评星）", "年老体弱（免计注明该类别的项目）")
    undo_change: Any = None  # how to take back what save() did (the panel offers it as 编辑 → 撤销)

    def __init__(self, db: Database, year: int, member_id: str, member_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.year, self.member_id = db, year, member_id
        d = self.dialog
        d.setWindowTitle(f"{member_name} {year}年度免评/免计")
        for k, text in zip(EXEMPTION_KINDS, self.KIND_TEXTS):
            d.kindCombo.addItem(text, k)
        self.kind, self.reason, self.approved = d.kindCombo, d.reasonEdit, date_edit(d.approvedEdit)
        set_date(self.approved, dates.today())
        fit_to_screen(d, 520, key="ExemptionDialog")

    def save(self) -> str:
        member_id, year, kind = self.member_id, self.year, self.kind.currentData()
        reason, approved = self.reason.text(), iso_of(self.approved)
        exemption_id, self.undo_change = self.run(
            "免评/免计", lambda db: set_exemption_undoable(db, member_id, year, kind, reason, approved_on=approved))
        return exemption_id


# ---- lock / unlock -----------------------------------------------------------------------------

class LockDialog(PointsFormDialog):
    """锁定年度 after publicity (dates), or 解除锁定 with a reason (ui/points_lock_dialog.ui)."""

    FORM = "points_lock_dialog.ui"
    LOCK_TEXT = ("公示期满、无异议后锁定：全体党员的年度积分和星级按现在的结果固定，之后不能再修改本年度的积分、"
                 "会议、细则和免评。")
    UNLOCK_TEXT = "解除锁定后，本年度积分可以再次修改，固定的公示结果将被清除；原因记入变更日志。"

    def __init__(self, db: Database, office_id: str, year: int, *, unlock: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.office_id, self.year, self.unlock = db, office_id, year, unlock
        d = self.dialog
        d.setWindowTitle(f"{'解除' if unlock else ''}锁定{year}年度党员积分")
        d.introLabel.setText(self.UNLOCK_TEXT if unlock else self.LOCK_TEXT)
        self.reason, self.start, self.end = d.reasonEdit, date_edit(d.startEdit), date_edit(d.endEdit)
        d.formLayout.setRowVisible(d.reasonEdit, unlock)
        d.formLayout.setRowVisible(d.startEdit, not unlock)
        d.formLayout.setRowVisible(d.endEdit, not unlock)
        if not unlock:
            settings = cat.year_settings(db, office_id, year)
            today = dates.today()
            set_date(self.start, settings.publicity_start or today - dt.timedelta(days=7))
            set_date(self.end, settings.publicity_end or today)
        self.ok_button.setText("解除锁定" if unlock else "锁定")
        fit_to_screen(d, 480, key="LockDialog")

    def save(self) -> Any:
        office, year = self.office_id, self.year
        if self.unlock:
            reason = self.reason.text()
            return self.run("解除锁定", lambda db: unlock_year(db, office, year, reason=reason))
        start, end = iso_of(self.start), iso_of(self.end)
        return self.run("锁定年度", lambda db: lock_year(db, office, year, publicity_start=start, publicity_end=end))


# ---- 民主评议 ---------------------------------------------------------------------------------------

class ReviewDialog(PointsFormDialog):
    """民主评议党员: a branch's sheet of ballots (好/一般/差) and grades, saved in one unit of work
    (ui/points_review_dialog.ui)."""

    FORM = "points_review_dialog.ui"
    undo_change: Any = None  # how to take back what save() did (the panel offers it as 编辑 → 撤销)

    def __init__(self, db: Database, year: int, org_id: str, org_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.year = db, year
        d = self.dialog
        d.setWindowTitle(f"{org_name} {year}年度民主评议党员")
        self.rows = reviews(db, year, org_id=org_id)
        self.table = d.reviewTable
        self.table.setRowCount(len(self.rows))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.spins: list[tuple[QSpinBox, QSpinBox, QSpinBox, QComboBox]] = []
        for r, row in enumerate(self.rows):
            name = QTableWidgetItem(row["name"])
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(r, 0, name)
            cells = []
            for c, key in enumerate(("good", "fair", "poor"), start=1):
                spin = QSpinBox()
                spin.setRange(0, 9999)
                spin.setValue(row[key] or 0)
                self.table.setCellWidget(r, c, spin)
                cells.append(spin)
            grade = QComboBox()
            grade.addItem("（未评定）", None)
            for g in GRADES:
                grade.addItem(g, g)
            grade.setCurrentIndex(max(0, grade.findData(row["grade"])))
            self.table.setCellWidget(r, 4, grade)
            self.spins.append((*cells, grade))
        self.ok_button.setText("保存")
        fit_to_screen(d, 620, 560, key="ReviewDialog")

    def save(self) -> int:
        entries = [ReviewInput(row["member_id"], g.value(), f.value(), p.value(), grade.currentData())
                   for row, (g, f, p, grade) in zip(self.rows, self.spins)]
        year = self.year
        changed, self.undo_change = self.run("民主评议", lambda db: record_reviews_undoable(db, year, entries))
        return changed
