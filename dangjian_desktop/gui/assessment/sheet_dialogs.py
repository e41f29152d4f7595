"""The dialogs of one branch's sheet: a workflow step, 登记申诉, 申诉处理, an adjustment after
确定, and marking a veto triggered. Each wraps a ui/assessment_*.ui form and runs one core change
(assessment.workflow, assessment.sheets) as a kit Operation on OK."""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QWidget

from ... import dates
from ...assessment import rounds as rounds_api
from ...assessment import sheets as sh
from ...assessment import workflow as wf
from ...assessment.workdays import calendar
from ...db import Database
from ...errors import UserError
from ...schemes import model as sm
from ..common import iso_of
from ..kit.formatting import format_score
from ..kit.plain_text import plain  # the intros name branches, items and appeals as written
from .dialog_base import ChangeDialog, set_date
from .score_input import ScoreValidator, refusal_text


class MoveDialog(ChangeDialog):
    """One workflow step of a sheet, with a note; the start date when publicity begins."""

    FORM = "assessment_move.ui"

    def __init__(self, db: Database, sheet: sh.Sheet, target: str, label: str, parent: QWidget | None = None):
        super().__init__(db, parent)
        self.sheet, self.target = sheet, target
        f = self.dialog
        f.setWindowTitle(label)
        plain(f.intro).setText(f"“{sheet.org_name}”：{sheet.state} → {target}（{label}）")
        publicity = target == "公示"
        f.formLayout.setRowVisible(f.dateEdit, publicity)
        set_date(f.dateEdit, dates.today())
        if publicity:
            rnd = rounds_api.get_round(db, sheet.round_id)
            if rnd.publicity_start:
                set_date(f.dateEdit, rnd.publicity_start)
            self._appeal_days = rnd.appeal_days
            f.dateEdit.dateChanged.connect(self._show_deadline)
            self._show_deadline()
        elif target == "确定":
            f.hintLabel.setText("确定后分数锁定，之后的更正只能作为“调整”记录（须填写原因）。")
        elif wf.BACK.get(sheet.state) == target:
            f.hintLabel.setText("退回时请在说明中写明原因。")
        self.ok_button.setText(label)

    def _show_deadline(self, *_args) -> None:
        """The appeal window from the date chosen, its last day marked 未确认 on a year without a table."""
        window = wf.window_from(calendar(self.db), dates.parse_iso(iso_of(self.dialog.dateEdit)), self._appeal_days)
        self.dialog.hintLabel.setText(f"公示开始后 {self._appeal_days} 个工作日内可以登记申诉（周末和节假日不计），"
                                      f"至 {window.end_text()}。")

    def save(self) -> str:
        f = self.dialog
        note = f.noteEdit.toPlainText().strip()
        s, target = self.sheet, self.target
        if target == "公示":
            day = iso_of(f.dateEdit)
            self.change("开始公示", lambda db: wf.start_publicity(db, s.round_id, day, sheet_ids=[s.id]))
        elif target == "确定":
            self.change("确定考核结果", lambda db: wf.confirm(db, s.id, note=note))
        else:
            self.change(f"考核环节：{target}", lambda db: wf.move(db, s.id, target, note=note))
        return target


class AppealDialog(ChangeDialog):
    """登记申诉 within the appeal window."""

    FORM = "assessment_appeal.ui"

    def __init__(self, db: Database, sheet: sh.Sheet, parent: QWidget | None = None):
        super().__init__(db, parent)
        self.sheet = sheet
        f = self.dialog
        plain(f.intro).setText(f"对“{sheet.org_name}”{sheet.year}年度考核结果的申诉")
        window = wf.appeal_window(db, sheet.id)
        if window is not None:
            f.windowLabel.setText(f"申诉期：{dates.format_cn(window.start)} 至 {window.end_text()}"
                                  f"（{window.days} 个工作日）。逾期的申诉不予登记。")
        f.lodgedByEdit.setText(sheet.org_name)
        set_date(f.lodgedOnEdit, dates.today())
        f.lodgedOnEdit.setMaximumDate(f.lodgedOnEdit.date())  # an appeal is recorded once received

    def save(self) -> str:
        f = self.dialog
        sid = self.sheet.id
        values = dict(lodged_by=f.lodgedByEdit.text().strip(), reason=f.reasonEdit.toPlainText().strip(),
                      material=f.materialEdit.toPlainText().strip(), lodged_on=iso_of(f.lodgedOnEdit))
        return self.change("登记申诉", lambda db: wf.lodge_appeal(db, sid, **values))


class ResolveAppealDialog(ChangeDialog):
    """申诉处理: 维持 or 调整; the sheet returns to 公示."""

    FORM = "assessment_resolve_appeal.ui"
    OUTCOMES = ("维持", "调整")

    def __init__(self, db: Database, sheet: sh.Sheet, parent: QWidget | None = None):
        super().__init__(db, parent)
        self.sheet = sheet
        f = self.dialog
        self.appeal = next((a for a in wf.appeals(db, sheet.id) if a.open), None)
        if self.appeal is None:
            plain(f.intro).setText(f"“{sheet.org_name}”没有待处理的申诉。")
            self.ok_button.setEnabled(False)
        else:
            a = self.appeal
            plain(f.intro).setText(f"“{sheet.org_name}”：{dates.format_cn(a.lodged_on)} {a.lodged_by} 提出申诉：{a.reason}")
        set_date(f.decidedOnEdit, dates.today())
        f.decidedOnEdit.setMaximumDate(f.decidedOnEdit.date())  # a decision is recorded once made

    def save(self) -> str:
        f = self.dialog
        assert self.appeal is not None
        aid = self.appeal.id
        values = dict(decision=f.decisionEdit.toPlainText().strip(),
                      outcome=self.OUTCOMES[f.outcomeCombo.currentIndex()], decided_on=iso_of(f.decidedOnEdit))
        self.change("处理申诉", lambda db: wf.resolve_appeal(db, aid, **values))
        return aid


class AdjustmentDialog(ChangeDialog):
    """After 确定: correct one item's final score, or a veto, with a required reason."""

    FORM = "assessment_adjustment.ui"

    def __init__(self, db: Database, sheet: sh.Sheet, *, item: sh.SheetItem | None = None,
                 veto: sh.SheetVeto | None = None, parent: QWidget | None = None):
        super().__init__(db, parent)
        self.sheet, self.item, self.veto = sheet, item, veto
        f = self.dialog
        plain(f.intro).setText(f"“{sheet.org_name}”的考核结果已确定。调整不会抹去原结果，而是另作记录。")
        plain(f.currentLabel)
        form = f.formLayout
        if item is not None:
            f.setWindowTitle("调整分数")
            f.currentLabel.setText(f"{item.code} {item.title}\n当前考核分：{format_score(item.final_score) or '（空）'}"
                                   f"　分值：{format_score(item.max)}")
            # Checked when saved, not key by key: a validator here dropped a refused key without a word
            # (21 typed on a 20-point item became 2).
            self.validator = ScoreValidator(item.max, yesno=item.kind == sm.YESNO, parent=f.valueEdit)
            f.valueEdit.setText(format_score(item.final_score))
            form.setRowVisible(f.vetoCheck, False)
            form.setRowVisible(f.factEdit, False)
        else:
            assert veto is not None
            f.setWindowTitle("调整否决项")
            f.currentLabel.setText(f"{veto.code} {veto.title}\n现在：{'已触发：' + veto.fact if veto.triggered else '未触发'}")
            f.vetoCheck.setChecked(not veto.triggered)
            f.factEdit.setPlainText(veto.fact)
            form.setRowVisible(f.valueEdit, False)
        self.ok_button.setText("调整")

    def save(self) -> str:
        f = self.dialog
        reason = f.reasonEdit.toPlainText().strip()
        if not reason:
            raise UserError("请填写调整原因。")
        sid = self.sheet.id
        if self.item is not None:
            text = f.valueEdit.text().strip()
            if not text:
                raise UserError("请填写新的考核分。")
            if self.validator.validate(text, len(text)) != QValidator.State.Acceptable:
                raise UserError(refusal_text(self.item, text))
            code = self.item.code
            return self.change("调整分数", lambda db: wf.adjust_score(db, sid, code, text, reason=reason))
        code, triggered, fact = self.veto.code, f.vetoCheck.isChecked(), f.factEdit.toPlainText().strip()
        return self.change("调整否决项", lambda db: wf.adjust_veto(db, sid, code, triggered=triggered, fact=fact,
                                                                 reason=reason))


class VetoDialog(ChangeDialog):
    """Mark a veto item as triggered, with the fact (required)."""

    FORM = "assessment_veto.ui"

    def __init__(self, db: Database, sheet: sh.Sheet, veto: sh.SheetVeto, parent: QWidget | None = None):
        super().__init__(db, parent)
        self.sheet, self.veto = sheet, veto
        f = self.dialog
        plain(f.intro).setText(f"“{sheet.org_name}”：{veto.code} {veto.title}")
        f.factEdit.setPlainText(veto.fact)
        set_date(f.foundOnEdit, veto.found_on or dates.today())
        self.ok_button.setText("标记触发")

    def save(self) -> str:
        f = self.dialog
        fact = f.factEdit.toPlainText().strip()
        if not fact:
            raise UserError("请写明触发否决的事实。")
        sid, code, found_on = self.sheet.id, self.veto.code, iso_of(f.foundOnEdit)
        self.change("标记否决项", lambda db: sh.set_veto(db, sid, code, fact, found_on=found_on))
        return code
