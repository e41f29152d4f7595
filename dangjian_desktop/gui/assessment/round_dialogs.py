"""The dialogs of a round: 新建考核轮次 (year, frozen scheme, scope, deadlines) and 抽签交叉考核
(seed, the draw, checking it from the seed, its PDF). Each wraps a ui/assessment_*.ui form; what
they change runs as a kit Operation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHeaderView, QListWidget, QListWidgetItem, QTableWidget,
                               QTableWidgetItem, QWidget)

from ... import dates
from ...assessment import lots as lots_api
from ...assessment import rounds as rounds_api
from ...db import Database
from ...errors import UserError
from ...registry.offices import towns as list_towns
from ...registry.orgs import KINDS
from ...schemes import list_schemes
from ..common import iso_of
from ..errors import error_text
from ..kit.formatting import format_date
from ..kit.plain_text import plain
from .dialog_base import ChangeDialog, set_date


class NewRoundDialog(ChangeDialog):
    """新建考核轮次: year, scheme (frozen into the round), scope by kind and town, deadlines."""

    FORM = "assessment_new_round.ui"

    def __init__(self, db: Database, parent: QWidget | None = None, *, year: int | None = None):
        super().__init__(db, parent)
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

        values = dict(year=f.yearSpin.value(), scheme_id=scheme_id, kinds=kinds, town_ids=towns,
                      title=f.titleEdit.text().strip() or None, self_due=due("selfDue"),
                      initial_due=due("initialDue"), review_due=due("reviewDue"), appeal_days=f.appealDaysSpin.value())
        return self.change("新建考核轮次", lambda db: rounds_api.create_round(db, **values))


class DrawLotsDialog(ChangeDialog):
    """抽签交叉考核: seed, result table, verify from the seed, print to PDF."""

    FORM = "assessment_lots.ui"

    def __init__(self, db: Database, round_id: str, parent: QWidget | None = None):
        super().__init__(db, parent)
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
        plain(f.recordLabel)  # who drew, the towns' names and the file saved, as written
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
        f.recordLabel.setText(f"种子 {draw.seed}；抽签时间 {format_date(draw.drawn_at)}；抽签人 {draw.drawn_by}；"
                              f"乡镇顺序（按拼音）：{'、'.join(n for _, n in draw.towns)}")

    def draw_now(self) -> None:
        self.set_error("")
        seed = self.dialog.seedEdit.text().strip() or None
        rid = self.round_id
        try:
            draw = self.change("抽签交叉考核", lambda db: lots_api.draw_lots(db, rid, seed))
        except Exception as e:  # noqa: BLE001 - shown in the dialog
            self.set_error(error_text(e))
            return
        self.show_draw(draw)
        self.result = self.draw
        self.saved.emit(self.draw)

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
            from ...reports.lots import lots_pdf

            out = lots_pdf(self.db, self.round_id, path)
        except Exception as e:  # noqa: BLE001
            self.set_error(error_text(e))
            return None
        self.dialog.recordLabel.setText(self.dialog.recordLabel.text().split("\n")[0] + f"\n已保存：{out}")
        return Path(out)

    def save(self) -> Any:  # Close only; never called
        return self.draw
