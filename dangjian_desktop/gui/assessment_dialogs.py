"""Dialogs of the assessment rounds: new round, draw lots, holidays, workflow steps, appeal,
adjustment after the lock and vetoes. Each wraps a ui/assessment_*.ui
form and calls one core function on OK; open them with `.open()` (window-modal, non-blocking)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QFileDialog, QHeaderView, QListWidget,
                               QListWidgetItem, QTableWidget, QTableWidgetItem, QWidget)

from .. import dates
from ..assessment import lots as lots_api
from ..assessment import rounds as rounds_api
from ..assessment import sheets as sh
from ..assessment import workdays
from ..assessment import workflow as wf
from ..db import Database
from ..errors import UserError
from ..registry.offices import towns as list_towns
from ..registry.orgs import KINDS
from ..schemes import list_schemes
from . import common
from .assessment_common import FormDialog, cn_date, error_text, fmt_score, normalise_date_text
from .score_input import ScoreValidator
from .common import date_edit, iso_of

def set_date(edit: QDateEdit, value: dt.date | str | None) -> None:
    """Show the date (None: today) in a date field styled as 2026年3月1日 with a calendar popup."""
    date_edit(edit)
    common.set_date(edit, value)


# ---- rounds ------------------------------------------------------------------------------------

class NewRoundDialog(FormDialog):
    """新建考核轮次: year, scheme (frozen into the round), scope by kind and town, deadlines."""

    FORM = "assessment_new_round.ui"

    def __init__(self, db: Database, parent: QWidget | None = None, *, year: int | None = None):
        super().__init__(parent)
        self.db = db
        f = self.dialog
        today = dates.today()
        f.yearSpin.setValue(year or today.year)
        for info in list_schemes():
            if info.error:
                continue
            f.schemeCombo.addItem(f"{info.name}（{info.id}）", info.id)
        for kind in KINDS:
            it = QListWidgetItem(kind, f.kindsList)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked)
        for t in list_towns(db):
            it = QListWidgetItem(t["name"], f.townsList)
            it.setData(Qt.ItemDataRole.UserRole, t["id"])
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked)
        if f.townsList.count() <= 1:
            f.formLayout.setRowVisible(f.townsList, False)
        self._set_default_dates()
        for name in ("selfDue", "initialDue", "reviewDue"):
            check = getattr(f, name + "Check")
            edit = getattr(f, name + "Edit")
            check.toggled.connect(edit.setEnabled)
            edit.setEnabled(False)
        f.yearSpin.valueChanged.connect(self._set_default_dates)
        f.kindsList.itemChanged.connect(self._update_scope)
        f.townsList.itemChanged.connect(self._update_scope)
        self._update_scope()

    def _set_default_dates(self, *_args) -> None:
        y = self.dialog.yearSpin.value()
        set_date(self.dialog.selfDueEdit, dt.date(y, 11, 30))
        set_date(self.dialog.initialDueEdit, dt.date(y, 12, 15))
        set_date(self.dialog.reviewDueEdit, dt.date(y, 12, 31))

    @staticmethod
    def _checked(lst: QListWidget, role: bool = False) -> list:
        out = []
        for i in range(lst.count()):
            it = lst.item(i)
            if it.checkState() == Qt.CheckState.Checked:
                out.append(it.data(Qt.ItemDataRole.UserRole) if role else it.text())
        return out

    def scope(self) -> tuple[list[str] | None, list[str] | None]:
        """(kinds, town ids) to pass on; None where everything is ticked."""
        f = self.dialog
        kinds = self._checked(f.kindsList)
        towns = self._checked(f.townsList, role=True)
        return (None if len(kinds) == f.kindsList.count() else kinds,
                None if len(towns) == f.townsList.count() else towns)

    def _update_scope(self, *_args) -> None:
        kinds, towns = self.scope()
        f = self.dialog
        if kinds == [] or towns == []:
            f.scopeLabel.setText("请至少勾选一个支部类别和一个乡镇。")
            return
        try:
            n = len(rounds_api.scope_branches(self.db, kinds=kinds, town_ids=towns))
        except UserError as e:
            f.scopeLabel.setText(e.message)
            return
        f.scopeLabel.setText(f"本轮将为 {n} 个党支部各建立一张考核检查表。")

    def save(self) -> str:
        f = self.dialog
        kinds, towns = self.scope()
        if kinds == [] or towns == []:
            raise UserError("请至少勾选一个支部类别和一个乡镇。")
        scheme_id = f.schemeCombo.currentData()
        if not scheme_id:
            raise UserError("请选择评分方案。")

        def due(name: str) -> str | None:
            return iso_of(getattr(f, name + "Edit")) if getattr(f, name + "Check").isChecked() else None

        return rounds_api.create_round(
            self.db, year=f.yearSpin.value(), scheme_id=scheme_id, kinds=kinds, town_ids=towns,
            title=f.titleEdit.text().strip() or None, self_due=due("selfDue"), initial_due=due("initialDue"),
            review_due=due("reviewDue"), appeal_days=f.appealDaysSpin.value())


# ---- lots -------------------------------------------------------------------------------------

class DrawLotsDialog(FormDialog):
    """抽签交叉考核: seed, result table, verify from the seed, print to PDF."""

    FORM = "assessment_lots.ui"

    def __init__(self, db: Database, round_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.round_id = round_id
        self.draw: lots_api.LotDraw | None = None
        self.current_dialog = None
        f = self.dialog
        rnd = rounds_api.get_round(db, round_id)
        f.setWindowTitle(f"抽签交叉考核 — {rnd.title}")
        t: QTableWidget = f.resultTable
        t.setColumnCount(3)
        t.setHorizontalHeaderLabels(["序号", "考核组", "被考核乡镇"])
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        t.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        f.newSeedButton.clicked.connect(lambda: f.seedEdit.setText(lots_api.new_seed()))
        f.drawButton.clicked.connect(self.draw_now)
        f.verifyButton.clicked.connect(self.verify)
        f.printButton.clicked.connect(self.print_dialog)
        f.drawButton.setEnabled(not db.readonly)
        self.show_draw(lots_api.current_lots(db, round_id))

    def show_draw(self, draw: lots_api.LotDraw | None) -> None:
        self.draw = draw
        f = self.dialog
        t: QTableWidget = f.resultTable
        t.setRowCount(0)
        f.verifyButton.setEnabled(draw is not None)
        f.printButton.setEnabled(draw is not None)
        if draw is None:
            f.recordLabel.setText("本轮尚未抽签。")
            return
        names = draw.names()
        t.setRowCount(len(draw.pairs))
        for r, (team, target) in enumerate(draw.pairs):
            for c, text in enumerate((str(r + 1), f"{names[team]}考核组", names[target])):
                it = QTableWidgetItem(text)
                it.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                t.setItem(r, c, it)
        f.seedEdit.setText(draw.seed)
        f.recordLabel.setText(f"种子 {draw.seed}；抽签时间 {cn_date(draw.drawn_at)}；抽签人 {draw.drawn_by}；"
                              f"乡镇顺序（按拼音）：{'、'.join(n for _, n in draw.towns)}")

    def draw_now(self) -> None:
        self.set_error("")
        try:
            seed = self.dialog.seedEdit.text().strip() or None
            self.show_draw(lots_api.draw_lots(self.db, self.round_id, seed))
            self.result = self.draw
            self.saved.emit(self.draw)
        except Exception as e:  # noqa: BLE001
            self.set_error(error_text(e))

    def verify(self) -> bool:
        if self.draw is None:
            return False
        ok = lots_api.verify_lots(self.draw)
        self.dialog.recordLabel.setText(
            self.dialog.recordLabel.text().split("\n")[0]
            + ("\n复核结果：用种子重新计算，结果与记录一致。" if ok else "\n复核结果：与记录不一致！请核查数据是否被改动。"))
        return ok

    def print_dialog(self) -> None:
        dlg = QFileDialog(self.dialog, "保存抽签结果", str(Path.home() / "抽签结果.pdf"), "PDF 文件 (*.pdf)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("pdf")
        dlg.fileSelected.connect(self.save_pdf)
        self.current_dialog = dlg
        dlg.open()

    def save_pdf(self, path: str) -> Path | None:
        self.set_error("")
        try:
            from ..reports.lots import lots_pdf

            out = lots_pdf(self.db, self.round_id, path)
        except Exception as e:  # noqa: BLE001
            self.set_error(error_text(e))
            return None
        self.dialog.recordLabel.setText(self.dialog.recordLabel.text().split("\n")[0] + f"\n已保存：{out}")
        return Path(out)

    def save(self) -> Any:  # Close only; never called
        return self.draw


# ---- holidays ----------------------------------------------------------------------------------

class HolidayDialog(FormDialog):
    """节假日与调休: the year's days off and make-up working days (defaults until edited)."""

    FORM = "assessment_holidays.ui"

    def __init__(self, db: Database, parent: QWidget | None = None, *, year: int | None = None):
        super().__init__(parent)
        self.db = db
        self.dirty = False
        f = self.dialog
        t: QTableWidget = f.table
        t.setColumnCount(3)
        t.setHorizontalHeaderLabels(["日期", "类型", "名称"])
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        t.setColumnWidth(0, 150)
        t.setColumnWidth(1, 120)
        t.setMinimumHeight(320)
        t.itemChanged.connect(self._edited)
        self.year = year or dates.today().year
        f.yearSpin.setValue(self.year)
        f.yearSpin.valueChanged.connect(self._year_changed)
        f.addButton.clicked.connect(self.add_row)
        f.removeButton.clicked.connect(self.remove_rows)
        f.resetButton.clicked.connect(self.reset)
        if db.readonly:
            for b in (f.addButton, f.removeButton, f.resetButton, self.ok_button):
                b.setEnabled(False)
        from .round_calendar import install_notice_button

        install_notice_button(self)  # the State Council's notice, pasted and read day by day
        self.load()

    def load(self) -> None:
        f = self.dialog
        entries = workdays.holidays(self.db, self.year)
        edited = self.year in workdays.edited_years(self.db)
        f.resetButton.setEnabled(edited and not self.db.readonly)
        from .round_calendar import year_note

        note, style = year_note(self.db, self.year)  # an unknown year says its deadlines are unconfirmed
        f.sourceLabel.setText(note)
        f.sourceLabel.setStyleSheet(style or "color: #555555;")
        t: QTableWidget = f.table
        t.blockSignals(True)
        t.setRowCount(0)
        for h in entries:
            self._append(h.day, h.kind, h.name)
        t.blockSignals(False)
        self.dirty = False

    def _append(self, day: str, kind: str, name: str) -> int:
        t: QTableWidget = self.dialog.table
        r = t.rowCount()
        t.insertRow(r)
        t.setItem(r, 0, QTableWidgetItem(dates.format_cn(day)))
        combo = QComboBox()
        for k, label in workdays.KIND_LABELS.items():
            combo.addItem(label, k)
        combo.setCurrentIndex(max(0, combo.findData(kind)))
        combo.currentIndexChanged.connect(self._edited)
        t.setCellWidget(r, 1, combo)
        t.setItem(r, 2, QTableWidgetItem(name))
        return r

    def _edited(self, *_args) -> None:
        self.dirty = True

    def _year_changed(self, year: int) -> None:
        if self.dirty:
            self.dialog.yearSpin.blockSignals(True)
            self.dialog.yearSpin.setValue(self.year)
            self.dialog.yearSpin.blockSignals(False)
            self.set_error(f"{self.year} 年的修改尚未保存：请先按“确定”保存，或按“取消”放弃。")
            return
        self.set_error("")
        self.year = year
        self.load()

    def add_row(self) -> None:
        t: QTableWidget = self.dialog.table
        day = dt.date(self.year, 1, 1) if self.year != dates.today().year else dates.today()
        r = self._append(day.isoformat(), workdays.OFF, "")
        t.setCurrentCell(r, 0)
        t.editItem(t.item(r, 0))
        self.dirty = True

    def remove_rows(self) -> None:
        t: QTableWidget = self.dialog.table
        for r in sorted({i.row() for i in t.selectedIndexes()}, reverse=True):
            t.removeRow(r)
            self.dirty = True

    def reset(self) -> None:
        try:
            workdays.reset_year(self.db, self.year)
        except Exception as e:  # noqa: BLE001
            self.set_error(error_text(e))
            return
        self.load()

    def entries(self) -> list[tuple[str, str, str]]:
        t: QTableWidget = self.dialog.table
        out = []
        for r in range(t.rowCount()):
            raw = (t.item(r, 0).text() if t.item(r, 0) else "").strip()
            day = normalise_date_text(raw) or ""
            if not dates.is_iso_date(day):
                raise UserError(f"第 {r + 1} 行的日期“{raw}”无效，应为 2026-10-01 或 2026年10月1日。")
            out.append((day, t.cellWidget(r, 1).currentData(), (t.item(r, 2).text() if t.item(r, 2) else "")))
        return out

    def save(self) -> int:
        if self.dirty:
            workdays.set_holidays(self.db, self.year, self.entries())
        return self.year


# ---- workflow ------------------------------------------------------------------------------------

class MoveDialog(FormDialog):
    """One workflow step of a sheet, with a note; the start date when publicity begins."""

    FORM = "assessment_move.ui"

    def __init__(self, db: Database, sheet: sh.Sheet, target: str, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.sheet, self.target = db, sheet, target
        f = self.dialog
        f.setWindowTitle(label)
        f.intro.setText(f"“{sheet.org_name}”：{sheet.state} → {target}（{label}）")
        publicity = target == "公示"
        f.formLayout.setRowVisible(f.dateEdit, publicity)
        set_date(f.dateEdit, dates.today())
        if publicity:
            rnd = rounds_api.get_round(db, sheet.round_id)
            if rnd.publicity_start:
                set_date(f.dateEdit, rnd.publicity_start)
            f.hintLabel.setText(f"公示开始后 {rnd.appeal_days} 个工作日内可以登记申诉（周末和节假日不计）。")
        elif target == "确定":
            f.hintLabel.setText("确定后分数锁定，之后的更正只能作为“调整”记录（须填写原因）。")
        elif wf.BACK.get(sheet.state) == target:
            f.hintLabel.setText("退回时请在说明中写明原因。")
        self.ok_button.setText(label)

    def save(self) -> str:
        f = self.dialog
        note = f.noteEdit.toPlainText().strip()
        if self.target == "公示":
            wf.start_publicity(self.db, self.sheet.round_id, iso_of(f.dateEdit), sheet_ids=[self.sheet.id])
        elif self.target == "确定":
            wf.confirm(self.db, self.sheet.id, note=note)
        else:
            wf.move(self.db, self.sheet.id, self.target, note=note)
        return self.target


class AppealDialog(FormDialog):
    """登记申诉 within the appeal window."""

    FORM = "assessment_appeal.ui"

    def __init__(self, db: Database, sheet: sh.Sheet, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.sheet = db, sheet
        f = self.dialog
        f.intro.setText(f"对“{sheet.org_name}”{sheet.year}年度考核结果的申诉")
        window = wf.appeal_window(db, sheet.id)
        if window is not None:
            f.windowLabel.setText(f"申诉期：{dates.format_cn(window.start)} 至 {dates.format_cn(window.end)}"
                                  f"（{window.days} 个工作日）。逾期的申诉不予登记。")
        f.lodgedByEdit.setText(sheet.org_name)
        set_date(f.lodgedOnEdit, dates.today())

    def save(self) -> str:
        f = self.dialog
        return wf.lodge_appeal(self.db, self.sheet.id, lodged_by=f.lodgedByEdit.text().strip(),
                               reason=f.reasonEdit.toPlainText().strip(),
                               material=f.materialEdit.toPlainText().strip(), lodged_on=iso_of(f.lodgedOnEdit))


class ResolveAppealDialog(FormDialog):
    """申诉处理: 维持 or 调整; the sheet returns to 公示."""

    FORM = "assessment_resolve_appeal.ui"
    OUTCOMES = ("维持", "调整")

    def __init__(self, db: Database, sheet: sh.Sheet, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.sheet = db, sheet
        f = self.dialog
        self.appeal = next((a for a in wf.appeals(db, sheet.id) if a.open), None)
        if self.appeal is None:
            f.intro.setText(f"“{sheet.org_name}”没有待处理的申诉。")
            self.ok_button.setEnabled(False)
        else:
            a = self.appeal
            f.intro.setText(f"“{sheet.org_name}”：{dates.format_cn(a.lodged_on)} {a.lodged_by} 提出申诉：{a.reason}")
        set_date(f.decidedOnEdit, dates.today())

    def save(self) -> str:
        f = self.dialog
        assert self.appeal is not None
        wf.resolve_appeal(self.db, self.appeal.id, decision=f.decisionEdit.toPlainText().strip(),
                          outcome=self.OUTCOMES[f.outcomeCombo.currentIndex()], decided_on=iso_of(f.decidedOnEdit))
        return self.appeal.id


class AdjustmentDialog(FormDialog):
    """After 确定: correct one item's final score, or a veto, with a required reason."""

    FORM = "assessment_adjustment.ui"

    def __init__(self, db: Database, sheet: sh.Sheet, *, item: sh.SheetItem | None = None,
                 veto: sh.SheetVeto | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.sheet, self.item, self.veto = db, sheet, item, veto
        f = self.dialog
        f.intro.setText(f"“{sheet.org_name}”的考核结果已确定。调整不会抹去原结果，而是另作记录。")
        form = f.formLayout
        if item is not None:
            f.setWindowTitle("调整分数")
            f.currentLabel.setText(f"{item.code} {item.title}\n当前考核分：{fmt_score(item.final_score) or '（空）'}"
                                   f"　分值：{fmt_score(item.max)}")
            f.valueEdit.setValidator(ScoreValidator(item.max, yesno=item.kind == "yesno", parent=f.valueEdit))
            f.valueEdit.setText(fmt_score(item.final_score))
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
        if self.item is not None:
            text = f.valueEdit.text().strip()
            if not text:
                raise UserError("请填写新的考核分。")
            return wf.adjust_score(self.db, self.sheet.id, self.item.code, text, reason=reason)
        return wf.adjust_veto(self.db, self.sheet.id, self.veto.code, triggered=f.vetoCheck.isChecked(),
                              fact=f.factEdit.toPlainText().strip(), reason=reason)


class VetoDialog(FormDialog):
    """Mark a veto item as triggered, with the fact (required)."""

    FORM = "assessment_veto.ui"

    def __init__(self, db: Database, sheet: sh.Sheet, veto: sh.SheetVeto, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.sheet, self.veto = db, sheet, veto
        f = self.dialog
        f.intro.setText(f"“{sheet.org_name}”：{veto.code} {veto.title}")
        f.factEdit.setPlainText(veto.fact)
        set_date(f.foundOnEdit, veto.found_on or dates.today())
        self.ok_button.setText("标记触发")

    def save(self) -> str:
        f = self.dialog
        fact = f.factEdit.toPlainText().strip()
        if not fact:
            raise UserError("请写明触发否决的事实。")
        sh.set_veto(self.db, self.sheet.id, self.veto.code, fact, found_on=iso_of(f.foundOnEdit))
        return self.veto.code

