"""The dialogs of the 整改台账: an entry added or changed (ui/assessment_rectification.ui) and closed
with its date, what was done and the evidence (ui/assessment_close_rectification.ui). Each OK runs
one core call of assessment.rectification as a kit Operation (the bus tells every page); a
refusal is said in the dialog, which stays open."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QListWidgetItem, QWidget

from ... import dates
from ...assessment import rectification as rect_api
from ...assessment import rounds as rounds_api
from ...db import Database
from ...errors import UserError
from ..common import date_edit, iso_of, set_date
from ..kit.form_dialog import FormDialog
from ..kit.formatting import format_date
from ..kit.operations import Operation
from ..kit.palette import RED_HEX, css
from ..kit.plain_text import literal, plain


def run_change(dialog: FormDialog, label: str, fn: Callable[[Database], Any]) -> Any:
    """Run one change now as an Operation and return its result; its failure is raised to the dialog."""
    failed: list[BaseException] = []
    op = Operation(dialog.dialog, label, fn, db=dialog.db).failure(failed.append).run()
    if failed:
        raise failed[0]
    return op.result


def _date_field(edit, value) -> None:
    date_edit(edit)
    set_date(edit, value)


class RectificationDialog(FormDialog):
    """整改台账: add or edit an open entry."""

    FORM = "assessment_rectification.ui"

    def __init__(self, db: Database, parent: QWidget | None = None, *, rect: rect_api.Rectification | None = None,
                 round_id: str | None = None, org_id: str | None = None, problem: str = ""):
        super().__init__(parent)
        self.db, self.rect, self.round_id = db, rect, (rect.round_id if rect else round_id)
        f = self.dialog
        f.setWindowTitle("修改整改事项" if rect else "新增整改事项")
        if self.round_id:
            branches = [(f"{b.town} / {b.org_name}", b.org_id) for b in rounds_api.round_branches(db, self.round_id)]
        else:
            branches = [(f"{r['town']} / {r['name']}", r["id"]) for r in rounds_api.scope_branches(db)]
        for text, oid in branches:
            f.orgCombo.addItem(text, oid)
        want = rect.org_id if rect else org_id
        if want:
            f.orgCombo.setCurrentIndex(max(0, f.orgCombo.findData(want)))
        f.orgCombo.setEnabled(rect is None)
        for s in rect_api.OPEN_STATUSES:
            f.statusCombo.addItem(s, s)
        if rect is not None:
            f.problemEdit.setPlainText(rect.problem)
            f.measureEdit.setPlainText(rect.measure)
            f.responsibleEdit.setText(rect.responsible)
            _date_field(f.deadlineEdit, rect.deadline)
            f.statusCombo.setCurrentIndex(max(0, f.statusCombo.findData(rect.status)))
            f.intro.setText(f"登记于 {format_date(rect.created_on)}")
        else:
            f.problemEdit.setPlainText(problem)
            _date_field(f.deadlineEdit, dates.add_months(dates.today(), 3))
            f.intro.setText("三星及以下的党组织应列出问题清单，明确整改措施和时限。")

    def save(self) -> str:
        f = self.dialog
        values = dict(problem=f.problemEdit.toPlainText().strip(), measure=f.measureEdit.toPlainText().strip(),
                      responsible=f.responsibleEdit.text().strip(), deadline=iso_of(f.deadlineEdit))
        status = f.statusCombo.currentData()
        if self.rect is None:
            org_id, round_id = f.orgCombo.currentData(), self.round_id
            if org_id is None:
                raise UserError("请选择党组织。")

            def add(db: Database) -> str:
                rid = rect_api.add_rectification(db, org_id=org_id, round_id=round_id, **values)
                if status != rect_api.STATUSES[0]:
                    rect_api.update_rectification(db, rid, status=status)
                return rid

            return run_change(self, "新增整改事项", add)
        rect = self.rect
        run_change(self, "修改整改事项", lambda db: rect_api.update_rectification(
            db, rect.id, status=status, expected_rev=rect.rev, **values))
        return rect.id


class CloseRectificationDialog(FormDialog):
    """销号: closing date, what was done, evidence files."""

    FORM = "assessment_close_rectification.ui"

    def __init__(self, db: Database, rect: rect_api.Rectification, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.rect = db, rect
        self.current_dialog = None
        f = self.dialog
        plain(f.intro).setText(f"{rect.town} / {rect.org_name}：{rect.problem}\n整改时限：{format_date(rect.deadline)}"
                        + ("（已逾期）" if rect.overdue else ""))
        if rect.overdue:
            f.intro.setStyleSheet(css(RED_HEX))
        _date_field(f.closedOnEdit, dates.today())
        f.addEvidenceButton.clicked.connect(self.browse)
        f.removeEvidenceButton.clicked.connect(self.remove_selected)
        self.ok_button.setText("销号")

    def browse(self) -> None:
        dlg = QFileDialog(self.dialog, "选择佐证材料")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dlg.filesSelected.connect(self.add_files)
        self.current_dialog = dlg
        dlg.open()

    def add_files(self, paths: list[str]) -> None:
        for p in paths:
            it = QListWidgetItem(Path(p).name, self.dialog.evidenceList)
            it.setData(Qt.ItemDataRole.UserRole, p)
            it.setToolTip(literal(p))

    def remove_selected(self) -> None:
        lst = self.dialog.evidenceList
        for it in lst.selectedItems():
            lst.takeItem(lst.row(it))

    def files(self) -> list[str]:
        lst = self.dialog.evidenceList
        return [lst.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lst.count())]

    def save(self) -> str:
        f = self.dialog
        rect, closed_on, note, files = self.rect, iso_of(f.closedOnEdit), f.noteEdit.toPlainText().strip(), self.files()
        run_change(self, "整改事项销号", lambda db: rect_api.close_rectification(
            db, rect.id, closed_on=closed_on, note=note, evidence=files))
        return rect.id
