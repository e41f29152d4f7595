"""评分, the sheet's first page (ui/assessment_items.ui): the classification of a 分类评定 scheme,
the score table typed into from the keyboard (SheetView over sheet_model.SheetModel, the cells'
editor score_input.ScoreDelegate), what the records say about the current item (item_figures),
the last save or refusal, and 调整分数 after 确定."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ...assessment import sheets as sh
from ...db import Database
from ...schemes import model as sm
from ..forms import load_form
from ..kit.formatting import format_score
from ..kit.palette import GREEN_HEX, RED_HEX, css
from ..kit.plain_text import plain
from .item_figures import ItemFigures
from .score_input import ScoreDelegate
from .sheet_model import (COL_CODE, COL_EVIDENCE, COL_FINAL, COL_INITIAL, COL_MAX, COL_OF_STAGE, COL_REASON,
                          COL_SELF, COL_TITLE, SheetModel)


class SheetView(QTableView):
    """Tab/Enter move down the items in the same column (section rows are skipped)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)  # one line per item, the full text in the tooltip: fast to paint
        self.setTextElideMode(Qt.TextElideMode.ElideRight)

    def _step(self, row: int, col: int, step: int) -> QModelIndex:
        model = self.model()
        r = row + step
        while 0 <= r < model.rowCount():
            if model.is_item_row(r):
                return model.index(r, col)
            r += step
        return QModelIndex()

    def moveCursor(self, action, modifiers):  # noqa: N802 - Qt API
        cur = self.currentIndex()
        model = self.model()
        if cur.isValid() and isinstance(model, SheetModel):
            A = QAbstractItemView.CursorAction
            if action in (A.MoveNext, A.MoveDown):
                nxt = self._step(cur.row(), cur.column(), 1)
                return nxt if nxt.isValid() else cur
            if action in (A.MovePrevious, A.MoveUp):
                prev = self._step(cur.row(), cur.column(), -1)
                return prev if prev.isValid() else cur
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing:
            cur = self.currentIndex()
            if cur.isValid() and self.model().flags(cur) & Qt.ItemFlag.ItemIsEditable:
                self.edit(cur)
                return
            nxt = self.moveCursor(QAbstractItemView.CursorAction.MoveDown, event.modifiers())
            if nxt.isValid():
                self.setCurrentIndex(nxt)
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not editing:
            # Delete on a cell clears it, as in a spreadsheet (it did nothing and said nothing).
            cur = self.currentIndex()
            if cur.isValid() and self.model().flags(cur) & Qt.ItemFlag.ItemIsEditable and cur.data():
                self.model().setData(cur, "", Qt.ItemDataRole.EditRole)
            return
        super().keyPressEvent(event)

    def edit_cell(self, row: int, col: int) -> None:
        idx = self.model().index(row, col)
        self.setCurrentIndex(idx)
        self.edit(QPersistentModelIndex(idx))


class ItemsPanel(QWidget):
    """The score table of the sheet shown; what it writes, it writes itself (SheetModel.setData)."""

    classification_chosen = Signal(object)  # the class picked (None: 未评定)
    adjust_requested = Signal()  # 调整分数 for the current item
    current_changed = Signal()  # the cursor moved to another cell

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        f = load_form("assessment_items.ui", self)
        self.class_row, self.class_combo, self.class_hint = f.classRow, f.classCombo, f.classHint
        self.status_label, self.stage_hint, self.adjust_button = f.statusLabel, f.stageHint, f.adjustButton
        plain(self.status_label)  # a reason as typed, or why a value was refused
        plain(self.stage_hint)  # may name the office holding the sheet
        self.model = SheetModel(self)
        self.view = SheetView(f)
        self.view.setModel(self.model)
        self.delegate = ScoreDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setAccessibleName("考核检查表")
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_CODE, 52), (COL_MAX, 64), (COL_SELF, 64), (COL_INITIAL, 64), (COL_FINAL, 64),
                           (COL_REASON, 200), (COL_EVIDENCE, 44)):
            self.view.setColumnWidth(col, width)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        # What the ledgers hold about the item the cursor is on (assessment.figures), with a link to them.
        self.item_figures = ItemFigures(self.view, self.model, f)
        f.layout().insertWidget(1, self.view, 1)
        f.layout().insertWidget(2, self.item_figures)
        self.model.refused.connect(self.show_refusal)
        self.delegate.refused.connect(self.show_refusal)
        self.model.saved.connect(self.show_saved)
        self.view.selectionModel().currentChanged.connect(lambda *_: self.current_changed.emit())
        self.class_combo.activated.connect(lambda _i: self.classification_chosen.emit(self.class_combo.currentData()))
        self.adjust_button.clicked.connect(lambda: self.adjust_requested.emit())

    @property
    def sheet(self) -> sh.Sheet | None:
        return self.model.sheet

    def show_sheet(self, db: Database | None, sheet: sh.Sheet | None, readonly: bool) -> None:
        self.model.set_sheet(db, sheet, readonly=readonly)
        self.status_label.clear()
        self._show_stage_hint(sheet, readonly)
        self._fill_classification(sheet, readonly)

    def _show_stage_hint(self, s: sh.Sheet | None, readonly: bool) -> None:
        if s is None:
            self.stage_hint.clear()
            return
        stages = [sh.STAGE_LABELS[x] for x in s.editable_stages]
        if s.held_by:
            self.stage_hint.setText(f"这张考核表现由{s.held_by}办理，本单位只能查看。")
        elif readonly:
            self.stage_hint.setText("数据库以只读方式打开，不能修改。")
        elif s.locked:
            self.stage_hint.setText("结果已确定，分数已锁定；更正须用“调整分数”并填写原因。")
        elif stages:
            self.stage_hint.setText(f"当前环节可填写：{'、'.join(stages)}。输入数字后按回车或 Tab 到下一项。")
        else:
            self.stage_hint.setText(f"“{s.state}”环节不能修改分数。")

    def _fill_classification(self, s: sh.Sheet | None, readonly: bool) -> None:
        rule = s.scheme.rating if s is not None else None
        show = rule is not None and rule.kind == sm.CLASSIFICATION
        self.class_row.setVisible(show)
        if not show:
            return
        combo = self.class_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("（未评定）", None)
        for lv in rule.levels:
            combo.addItem(f"{lv.name}　{lv.label or ''}".strip(), lv.name)
        combo.setCurrentIndex(max(0, combo.findData(s.classification)))
        combo.blockSignals(False)
        combo.setEnabled(not readonly and not s.locked)
        self.class_hint.setText(rule.note or "")

    def show_classification(self, value: str | None) -> None:
        self.class_combo.setCurrentIndex(max(0, self.class_combo.findData(value)))

    def focus_first_cell(self) -> None:
        """The cursor on the first item, in the column the sheet's state lets the clerk type into."""
        s = self.model.sheet
        if s is None:
            return
        col = COL_OF_STAGE[s.editable_stages[0]] if s.editable_stages else COL_FINAL
        for r in range(self.model.rowCount()):
            if self.model.is_item_row(r):
                self.view.setCurrentIndex(self.model.index(r, col))
                break

    def current_item_code(self) -> str | None:
        idx = self.view.currentIndex()
        item = self.model.item_at(idx.row()) if idx.isValid() else None
        return item.code if item is not None else None

    def show_refusal(self, text: str) -> None:
        self.status_label.setStyleSheet(css(RED_HEX))
        self.status_label.setText(text)

    def show_saved(self, code: str, key: str) -> None:
        self.status_label.setStyleSheet(css(GREEN_HEX))
        item = self.model.sheet.item(code) if self.model.sheet else None
        if item is not None:
            what = "扣分原因" if key == "reason" else sh.STAGE_LABELS[key]
            value = item.reason if key == "reason" else format_score(item.score(key)) or "（空）"
            self.status_label.setText(f"已保存：{code} {what} {value}")

    def update_buttons(self, writable: bool, locked: bool) -> None:
        self.adjust_button.setEnabled(writable and locked and self.current_item_code() is not None)
