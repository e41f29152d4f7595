"""The checklist sheet editor (考核检查表) of one branch: item scores at three stages entered by
keyboard, vetoes with their facts, the self-evaluation report, evidence files and the workflow."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QUrl,
                            Signal)
from PySide6.QtGui import QBrush, QDesktopServices, QFont, QKeyEvent, QValidator
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QComboBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QPushButton, QSplitter, QStyledItemDelegate, QTableView, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from ..assessment import evidence as ev
from ..assessment import sheets as sh
from ..assessment import undoable as su
from ..assessment import workflow as wf
from ..db import Database
from ..schemes import model as sm
from ..undo import mark as undo_mark
from .assessment_common import (AMBER, LIGHT_GREY, RED, SECTION_BG, MessageHost, close_dialog, cn_date,
                                error_text, fmt_score, open_dialog, slot)
from .assessment_figures import ItemFigures
from .kit.operations import commit_mark
from .score_input import _FULLWIDTH, ScoreValidator  # noqa: F401 - tests import ScoreValidator from here
from .round_calendar import ask_for_calendar, deadline_style, deadline_text
from .round_decisions import VetoProposalsPanel, pending_note, provisional_note
from .undo_menu import push_undo

# ---- columns ------------------------------------------------------------------------------

COL_CODE, COL_TITLE, COL_MAX, COL_SELF, COL_INITIAL, COL_FINAL, COL_REASON, COL_EVIDENCE = range(8)
HEADERS = ("编号", "考核内容", "分值", "自评分", "初评分", "考核分", "扣分原因 / 说明", "佐证")
STAGE_OF_COL = {COL_SELF: "self", COL_INITIAL: "initial", COL_FINAL: "final"}
COL_OF_STAGE = {v: k for k, v in STAGE_OF_COL.items()}
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
ITEM_ROLE_INT = int(ITEM_ROLE)
_DISPLAY, _EDIT, _ALIGN, _BACKGROUND, _FOREGROUND, _FONT, _TOOLTIP = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ToolTipRole))
_ROLES_USED = frozenset((_DISPLAY, _EDIT, _ALIGN, _BACKGROUND, _FOREGROUND, _FONT, _TOOLTIP, ITEM_ROLE_INT))
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_READ_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE_FLAGS = _READ_FLAGS | Qt.ItemFlag.ItemIsEditable



def _max_text(item: sh.SheetItem) -> str:
    if item.max is None:
        return "—"
    if item.kind == sm.DEDUCTION:
        return f"扣≤{fmt_score(item.max)}"
    if item.kind == sm.YESNO:
        return f"是否 {fmt_score(item.max)}"
    return fmt_score(item.max)


def refusal_text(item: sh.SheetItem, attempted: str) -> str:
    """Why a keystroke was refused, in the clerk's words."""
    t = attempted.strip().translate(_FULLWIDTH)
    label = f"{item.code}“{item.title[:24]}”"
    if t.count(".") == 1 and len(t.partition(".")[2]) > 1:
        return f"{label}：分数最多保留一位小数，不能输入 {t}。"
    try:
        value = float(t)
    except ValueError:
        return f"{label}：只能输入数字（0 到 {fmt_score(item.max)}），“{t}”无效。"
    if item.max is not None and value > float(item.max):
        what = "扣分" if item.kind == sm.DEDUCTION else "得分"
        return f"{label}：{what}不能超过本项分值 {fmt_score(item.max)} 分，不能输入 {t}。"
    if item.kind == sm.YESNO:
        return f"{label}为“是否”项，只能填 1（是）或 0（否）。"
    return f"{label}：不能输入“{t}”。"


# ---- the model ---------------------------------------------------------------------------

_SECTION_BRUSH = QBrush(SECTION_BG)
_LOCKED_BRUSH = QBrush(LIGHT_GREY)
_DEDUCTION_BRUSH = QBrush(AMBER)

class SheetModel(QAbstractTableModel):
    """Section rows and item rows of one sheet; edits go straight to the core, one unit of work each."""

    refused = Signal(str)  # a value was refused (Chinese message)
    saved = Signal(str, str)  # item code, column key ('self' | 'initial' | 'final' | 'reason')

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.db: Database | None = None
        self.sheet: sh.Sheet | None = None
        self.readonly = True
        self.rows: list[tuple[str, Any]] = []  # ('section', (code, title, max, [item indices])) | ('item', SheetItem)
        self.last_own_tx: int | None = None
        self.writing = False  # a write of ours is under way (the tab must not reload the sheet under the editor)
        self._bold = QFont()
        self._bold.setBold(True)

    # -- loading ------------------------------------------------------------------------------
    def set_sheet(self, db: Database | None, sheet: sh.Sheet | None, *, readonly: bool = False) -> None:
        self.beginResetModel()
        self.db, self.sheet, self.readonly = db, sheet, readonly
        self.rows = []
        if sheet is not None:
            current = None
            members: list[int] = []
            for item in sheet.items:
                if item.section_code != current:
                    current = item.section_code
                    section = sheet.scheme.section(current)
                    members = []
                    if section is not None and section.whole:
                        pass  # a section scored as a whole is its own single row
                    else:
                        smax = section.effective_max() if section is not None else None
                        self.rows.append(("section", (current, item.section_title, smax, members)))
                self.rows.append(("item", item))
                members.append(len(self.rows) - 1)
        self.endResetModel()

    def _section_row(self, row: int) -> int:
        while row >= 0 and self.rows[row][0] != "section":
            row -= 1
        return row

    def item_at(self, row: int) -> sh.SheetItem | None:
        if 0 <= row < len(self.rows) and self.rows[row][0] == "item":
            return self.rows[row][1]
        return None

    def row_of(self, code: str) -> int:
        for n, (kind, value) in enumerate(self.rows):
            if kind == "item" and value.code == code:
                return n
        return -1

    def is_item_row(self, row: int) -> bool:
        return self.item_at(row) is not None

    # -- Qt API --------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008,N802 - Qt API
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def editable(self, row: int, col: int) -> bool:
        item = self.item_at(row)
        if item is None or self.sheet is None or self.readonly:
            return False
        if col in STAGE_OF_COL:
            return STAGE_OF_COL[col] in self.sheet.editable_stages and item.max is not None
        if col == COL_REASON:
            return not self.sheet.locked
        return False

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _EDITABLE_FLAGS if self.editable(index.row(), index.column()) else _READ_FLAGS

    def _section_sum(self, rows: list[int], stage: str) -> str:
        values = [self.rows[r][1].score(stage) for r in rows]
        values = [v for v in values if v is not None]
        if not values:
            return ""
        items = [self.rows[r][1] for r in rows]
        total = 0.0
        for it in items:
            v = it.score(stage)
            if v is None:
                continue
            total += (float(it.max) - float(v)) if it.kind == sm.DEDUCTION and it.max is not None else float(v)
        return fmt_score(round(total, 1))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called a few thousand times per paint: plain int roles, early exits, shared brushes.
        role = int(role) if not isinstance(role, int) else role
        if role not in _ROLES_USED or not index.isValid():
            return None
        row = index.row()
        kind, value = self.rows[row]
        col = index.column()
        if kind == "section":
            code, title, smax, rows = value
            if role == _DISPLAY:
                if col == COL_CODE:
                    return code
                if col == COL_TITLE:
                    return title
                if col == COL_MAX:
                    return fmt_score(smax)
                if col in STAGE_OF_COL:
                    return self._section_sum(rows, STAGE_OF_COL[col])
                return None
            if role == _BACKGROUND:
                return _SECTION_BRUSH
            if role == _FONT:
                return self._bold
            if role == _ALIGN and col not in (COL_TITLE, COL_REASON):
                return _CENTER
            return None
        item: sh.SheetItem = value
        if role == _DISPLAY or role == _EDIT:
            if col == COL_CODE:
                return item.code
            if col == COL_TITLE:
                return item.title
            if col == COL_MAX:
                return _max_text(item) if role == _DISPLAY else item.max
            if col in STAGE_OF_COL:
                return fmt_score(getattr(item, sh.STAGE_COLUMNS[STAGE_OF_COL[col]]))
            if col == COL_REASON:
                return item.reason
            if col == COL_EVIDENCE:
                return str(item.evidence_count) if item.evidence_count else ""
            return None
        if role == _ALIGN:
            return None if col in (COL_TITLE, COL_REASON) else _CENTER
        if role == _BACKGROUND:
            if col in STAGE_OF_COL and not self.editable(row, col):
                return _LOCKED_BRUSH
            return None
        if role == _FOREGROUND:
            return _DEDUCTION_BRUSH if col in STAGE_OF_COL and item.kind == sm.DEDUCTION else None
        if role == ITEM_ROLE_INT:
            return item
        if role == _TOOLTIP and col in (COL_TITLE, COL_CODE, COL_REASON):
            if col == COL_REASON:
                return item.reason or None
            parts = [item.title]
            if item.standard:
                parts.append(f"评分标准：{item.standard}")
            if item.evidence_hint:
                parts.append(f"佐证材料：{item.evidence_hint}")
            return "\n".join(parts)
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not self.editable(index.row(), index.column()):
            return False
        item = self.item_at(index.row())
        assert item is not None and self.sheet is not None and self.db is not None
        col = index.column()
        self.writing = True
        try:
            if col in STAGE_OF_COL:
                stage = STAGE_OF_COL[col]
                text = "" if value is None else str(value).strip()
                old = item.score(stage)
                if text == fmt_score(old):
                    return True
                stored, change = su.set_score_undoable(self.db, self.sheet.id, item.code, stage,
                                                       text if text else None)
                setattr(item, sh.STAGE_COLUMNS[stage], stored)
                key = stage
            else:
                text = "" if value is None else str(value).strip()
                if text == item.reason:
                    return True
                _, change = su.set_reason_undoable(self.db, self.sheet.id, item.code, text)
                item.reason = text
                key = "reason"
        except Exception as e:  # noqa: BLE001 - shown to the clerk; the cell keeps its value
            self.refused.emit(error_text(e))
            return False
        finally:
            self.writing = False
        self.last_own_tx = commit_mark(self.db)
        push_undo(self, change)  # 编辑 → 撤销 takes it back
        self.dataChanged.emit(index, index)
        sec = self._section_row(index.row())
        if sec >= 0:
            self.dataChanged.emit(self.index(sec, COL_SELF), self.index(sec, COL_FINAL))
        self.saved.emit(item.code, key)
        return True

    def refresh_item(self, code: str) -> None:
        row = self.row_of(code)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))


# ---- the delegate and the view --------------------------------------------------------------

class ScoreDelegate(QStyledItemDelegate):
    """Score cells: a line edit whose validator refuses numbers above the item's maximum as they are
    typed; Enter and Tab commit and move to the next item's cell in the same column.

    A refused keystroke refuses the whole entry: the cell goes back to the value it had when it was
    opened (selected, to be typed over), so what the clerk was typing is never committed in part
    (typing 2, 5, Enter into a 20-point item must not save 2).
    """

    refused = Signal(str)

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:  # noqa: N802 - Qt API
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if index.column() in STAGE_OF_COL:
            item: sh.SheetItem = index.data(ITEM_ROLE)
            editor.setValidator(ScoreValidator(item.max, yesno=item.kind == sm.YESNO, parent=editor))
            editor.setProperty("itemCode", item.code)
            editor.setAccessibleName(f"{item.code} {HEADERS[index.column()]}")
            # Keys and input-method text are checked before the line edit sees them (eventFilter);
            # what is left to reject here is pasted text, which the line edit refuses as a whole.
            editor.inputRejected.connect(lambda it=item: self.refused.emit(
                f"{it.code}：只能输入 0 到 {fmt_score(it.max)} 的分数，最多一位小数。"))
            editor.setToolTip(f"0 到 {fmt_score(item.max)} 分，最多一位小数；回车或 Tab 到下一项")
        else:
            editor.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            editor.setMaxLength(500)
        return editor  # the view installs this delegate as the editor's event filter

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802 - Qt API
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        editor.setProperty("originalText", text)
        editor.setText(text)
        editor.selectAll()

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:  # noqa: N802 - Qt API
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    @staticmethod
    def _would_read(editor: QLineEdit, typed: str) -> str:
        """The cell's text if `typed` were inserted at the cursor (over the selection)."""
        cur = editor.text()
        if editor.hasSelectedText():
            start = editor.selectionStart()
            return cur[:start] + typed + cur[start + len(editor.selectedText()):]
        pos = editor.cursorPosition()
        return cur[:pos] + typed + cur[pos:]

    def _refuse_entry(self, editor: QLineEdit, attempted: str) -> None:
        """Refuse what is being typed as a whole: say why and put the cell back as it was."""
        sheet = getattr(self.parent().model(), "sheet", None)  # the delegate belongs to the sheet's view
        item = sheet.item(editor.property("itemCode")) if sheet is not None else None
        editor.setText(editor.property("originalText") or "")
        editor.selectAll()
        if item is not None:
            self.refused.emit(refusal_text(item, attempted))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if isinstance(obj, QLineEdit) and obj.validator() is not None:
            typed = None
            if event.type() == QEvent.Type.KeyPress:
                key = event.key()
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    if not obj.hasAcceptableInput():
                        self.refused.emit("这个分数还没有输完整（例如“5.”），请补全或删除后再回车。")
                        return True
                    self.commitData.emit(obj)
                    self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.EditNextItem)
                    return True
                text = event.text()
                if text and text.isprintable() and not (event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                    typed = text
            elif event.type() == QEvent.Type.InputMethod and event.commitString():
                typed = event.commitString()  # a Chinese input method's full-width digits come this way
            if typed is not None:
                attempted = self._would_read(obj, typed)
                if obj.validator().validate(attempted, len(attempted)) == QValidator.State.Invalid:
                    self._refuse_entry(obj, attempted)
                    return True
        elif isinstance(obj, QLineEdit) and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commitData.emit(obj)
            self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(obj, event)


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
        super().keyPressEvent(event)

    def edit_cell(self, row: int, col: int) -> None:
        idx = self.model().index(row, col)
        self.setCurrentIndex(idx)
        self.edit(QPersistentModelIndex(idx))


# ---- the editor widget ----------------------------------------------------------------------

class SheetEditor(QWidget, MessageHost):
    """One branch's sheet: 评分 | 否决项 | 自我评价报告 | 佐证材料 | 流程与历史."""

    changed = Signal(str)  # the sheet id after a write made here
    request_adjust = Signal(str, str)  # sheet id, item code (the tab opens the adjustment dialog)

    def __init__(self, parent: QWidget | None = None):
        QWidget.__init__(self, parent)
        self.db: Database | None = None
        self.sheet: sh.Sheet | None = None
        self.current_dialog: Any = None
        self.current_message = None
        self.last_open_ms: float | None = None
        self._build()
        self.set_sheet(None, None)

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.title_label.setWordWrap(True)
        outer.addWidget(self.title_label)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        outer.addWidget(self.summary_label)

        self.tabs = QTabWidget(self)
        outer.addWidget(self.tabs, 1)

        # 评分
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(4, 4, 4, 4)
        self.class_row = QWidget()
        crow = QHBoxLayout(self.class_row)
        crow.setContentsMargins(0, 0, 0, 0)
        class_label = QLabel("分类评定(&C)：")
        self.class_combo = QComboBox()
        self.class_combo.setAccessibleName("分类评定")
        class_label.setBuddy(self.class_combo)
        crow.addWidget(class_label)
        crow.addWidget(self.class_combo)
        self.class_hint = QLabel()
        self.class_hint.setStyleSheet("color: #555555;")
        crow.addWidget(self.class_hint, 1)
        self.class_combo.activated.connect(self._classification_chosen)
        lay.addWidget(self.class_row)
        self.model = SheetModel(self)
        self.view = SheetView(page)
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
        lay.addWidget(self.view, 1)
        # What the ledgers hold about the item the cursor is on (assessment.figures), with a link to them.
        self.item_figures = ItemFigures(self.view, self.model, page)
        lay.addWidget(self.item_figures)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        lay.addWidget(self.status_label)
        row = QHBoxLayout()
        self.stage_hint = QLabel()
        self.stage_hint.setStyleSheet("color: #555555;")
        row.addWidget(self.stage_hint, 1)
        self.adjust_button = QPushButton("调整分数(&J)…")
        self.adjust_button.setToolTip("结果确定后更正所选细项的考核分：须填写原因，记入历史")
        self.adjust_button.clicked.connect(self._adjust_clicked)
        row.addWidget(self.adjust_button)
        lay.addLayout(row)
        self.tabs.addTab(page, "评分(&P)")
        self.model.refused.connect(self.show_refusal)
        self.delegate.refused.connect(self.show_refusal)
        self.model.saved.connect(self._after_cell_saved)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._current_cell_changed())

        # 否决项
        page = QWidget()
        lay = QVBoxLayout(page)
        # The vetoes the registry's data proves, each for the reviewer to confirm or dismiss.
        self.veto_proposals = VetoProposalsPanel(page)
        self.veto_proposals.tab = self
        self.veto_proposals.decided.connect(self._written)
        lay.addWidget(self.veto_proposals)
        lay.addWidget(QLabel("勾选触发的一票否决项时须写明事实（何时、何事）。结果确定后如需更正，使用“调整否决项”。"))
        self.veto_table = QTableWidget(0, 4, page)
        self.veto_table.setHorizontalHeaderLabels(["触发", "否决项", "事实", "发现日期"])
        self.veto_table.verticalHeader().setVisible(False)
        self.veto_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.veto_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.veto_table.setColumnWidth(0, 48)
        self.veto_table.setColumnWidth(3, 120)
        self.veto_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.veto_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.veto_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        lay.addWidget(self.veto_table, 1)
        row = QHBoxLayout()
        self.veto_set_button = QPushButton("标记触发(&V)…")
        self.veto_clear_button = QPushButton("取消标记")
        self.veto_adjust_button = QPushButton("调整否决项…")
        for b in (self.veto_set_button, self.veto_clear_button, self.veto_adjust_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.veto_set_button.clicked.connect(self.mark_veto_dialog)
        self.veto_clear_button.clicked.connect(self.clear_selected_veto)
        self.veto_adjust_button.clicked.connect(self.adjust_veto_dialog)
        self.veto_table.itemSelectionChanged.connect(self._update_buttons)
        self.veto_table.doubleClicked.connect(lambda *_: self.mark_veto_dialog())
        self.tabs.addTab(page, "否决项(&V)")

        # 自我评价报告
        page = QWidget()
        form = QFormLayout(page)
        self.report_situation = QPlainTextEdit()
        self.report_problems = QPlainTextEdit()
        self.report_measures = QPlainTextEdit()
        for w, name in ((self.report_situation, "自我评价情况"), (self.report_problems, "存在问题及原因"),
                        (self.report_measures, "整改措施及下步打算")):
            w.setTabChangesFocus(True)
            w.setAccessibleName(name)
            w.textChanged.connect(self._report_edited)
            form.addRow(f"{name}：", w)
        row = QHBoxLayout()
        self.report_state = QLabel()
        row.addWidget(self.report_state, 1)
        self.report_save_button = QPushButton("保存报告(&S)")
        self.report_save_button.clicked.connect(self.save_report)
        row.addWidget(self.report_save_button)
        form.addRow(row)
        self.tabs.addTab(page, "自我评价报告(&R)")

        # 佐证材料
        page = QWidget()
        lay = QVBoxLayout(page)
        self.evidence_hint = QLabel("照片会自动缩小后保存；所有文件随数据库一起保存，并记录 SHA-256 校验值。")
        self.evidence_hint.setWordWrap(True)
        lay.addWidget(self.evidence_hint)
        self.evidence_list = QListWidget(page)
        self.evidence_list.setAccessibleName("佐证材料列表")
        self.evidence_list.itemDoubleClicked.connect(lambda *_: self.open_evidence())
        self.evidence_list.itemSelectionChanged.connect(self._update_buttons)
        lay.addWidget(self.evidence_list, 1)
        row = QHBoxLayout()
        target_label = QLabel("附于(&T)：")
        self.evidence_target = QComboBox()
        self.evidence_target.setMinimumWidth(260)
        self.evidence_target.setAccessibleName("佐证材料附于")
        target_label.setBuddy(self.evidence_target)
        row.addWidget(target_label)
        row.addWidget(self.evidence_target)
        self.evidence_add_button = QPushButton("添加文件(&A)…")
        self.evidence_open_button = QPushButton("打开(&O)")
        self.evidence_save_button = QPushButton("另存为…")
        self.evidence_remove_button = QPushButton("移除")
        for b in (self.evidence_add_button, self.evidence_open_button, self.evidence_save_button,
                  self.evidence_remove_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.evidence_add_button.clicked.connect(self.add_evidence_dialog)
        self.evidence_open_button.clicked.connect(self.open_evidence)
        self.evidence_save_button.clicked.connect(self.save_evidence_dialog)
        self.evidence_remove_button.clicked.connect(self.remove_evidence)
        self.tabs.addTab(page, "佐证材料(&E)")

        # 流程与历史
        page = QWidget()
        lay = QVBoxLayout(page)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        lay.addWidget(self.state_label)
        self.move_box = QHBoxLayout()
        self.move_buttons: list[QPushButton] = []
        lay.addLayout(self.move_box)
        split = QSplitter(Qt.Orientation.Vertical, page)
        box = QGroupBox("申诉")
        bl = QVBoxLayout(box)
        self.appeal_list = QListWidget(box)
        self.appeal_list.setWordWrap(True)
        bl.addWidget(self.appeal_list)
        split.addWidget(box)
        self.move_box.addStretch(1)
        box = QGroupBox("历史记录（谁、何时）")
        bl = QVBoxLayout(box)
        self.history_table = QTableWidget(0, 3, box)
        self.history_table.setHorizontalHeaderLabels(["时间", "经办人", "事项"])
        self.history_table.verticalHeader().setVisible(False)
        self.history_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.history_table.setColumnWidth(0, 160)
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setWordWrap(True)
        bl.addWidget(self.history_table)
        split.addWidget(box)
        split.setSizes([90, 400])
        lay.addWidget(split, 1)
        self.tabs.addTab(page, "流程与历史(&W)")

    # -- loading ---------------------------------------------------------------------------
    @property
    def sheet_id(self) -> str | None:
        return self.sheet.id if self.sheet is not None else None

    def set_sheet(self, db: Database | None, sheet_id: str | None) -> None:
        """Show a sheet (None: nothing). Measured: `last_open_ms`."""
        started = time.perf_counter()
        close_dialog(self)
        self._flush_report()
        self.db = db
        self.sheet = sh.open_sheet(db, sheet_id) if db is not None and sheet_id else None
        self._show_all()
        self.last_open_ms = (time.perf_counter() - started) * 1000

    def reload(self) -> None:
        """Re-read the sheet shown (after changes made elsewhere), keeping the current cell."""
        if self.db is None or self.sheet is None:
            return
        self._flush_report()
        cur = self.view.currentIndex()
        tab = self.tabs.currentIndex()
        try:
            self.sheet = sh.open_sheet(self.db, self.sheet.id)
        except Exception:  # noqa: BLE001 - the sheet is gone (round deleted)
            self.sheet = None
        self._show_all()
        self.tabs.setCurrentIndex(tab)
        if cur.isValid() and cur.row() < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(cur.row(), cur.column()))

    @property
    def readonly(self) -> bool:
        return self.db is None or self.db.readonly

    def _show_all(self) -> None:
        s = self.sheet
        self.model.set_sheet(self.db, s, readonly=self.readonly)
        self.status_label.clear()
        self.setEnabled(s is not None)
        if s is None:
            self.title_label.setText("<p style='color:#666'>请在左侧选择一个党组织，打开其考核检查表。</p>")
            self.summary_label.clear()
            self.veto_proposals.load(None, None)
            self.veto_table.setRowCount(0)
            self._fill_report(sh.SelfReport())
            self._fill_evidence()
            self.appeal_list.clear()
            self.history_table.setRowCount(0)
            self._fill_moves([])
            self.state_label.clear()
            self.stage_hint.clear()
            self._update_buttons()
            return
        self.title_label.setText(f"<b style='font-size:15px'>{s.org_name}</b>　{s.town}　{s.kind or ''}"
                                 f"　<span style='color:#555'>{s.year}年度 · {s.scheme.name}</span>"
                                 f"　状态：<b>{s.state}</b>"
                                 + (f"　初评：{s.assessed_by}考核组（抽签）" if getattr(s, "assessed_by", None) else ""))
        self.veto_proposals.load(self.db, s)  # opening a sheet checks what its data proves
        self.tabs.setTabText(1, "否决项(&V)" + (f" ⚠{len(self.veto_proposals.pending)}"
                                                if self.veto_proposals.pending else ""))
        self._fill_summary()
        stages = [sh.STAGE_LABELS[x] for x in s.editable_stages]
        if self.readonly:
            self.stage_hint.setText("数据库以只读方式打开，不能修改。")
        elif s.locked:
            self.stage_hint.setText("结果已确定，分数已锁定；更正须用“调整分数”并填写原因。")
        elif stages:
            self.stage_hint.setText(f"当前环节可填写：{'、'.join(stages)}。输入数字后按回车或 Tab 到下一项。")
        else:
            self.stage_hint.setText(f"“{s.state}”环节不能修改分数。")
        self._fill_classification()
        self._fill_vetoes()
        self._fill_report(s.report)
        self._fill_evidence()
        self._fill_workflow()
        self._update_buttons()
        self._focus_first_cell()

    def _focus_first_cell(self) -> None:
        s = self.sheet
        if s is None:
            return
        col = COL_OF_STAGE[s.editable_stages[0]] if s.editable_stages else COL_FINAL
        for r in range(self.model.rowCount()):
            if self.model.is_item_row(r):
                self.view.setCurrentIndex(self.model.index(r, col))
                break

    def _fill_summary(self) -> None:
        s = self.sheet
        if s is None:
            return
        from ..schemes import evaluate

        parts = []
        for stage in sh.STAGES:
            scores = s.scores(stage)
            filled = len(scores)
            parts.append(f"{sh.STAGE_LABELS[stage]}已填 {filled}/{len(s.items)}")
        text = "；".join(parts)
        note = pending_note(self.veto_proposals)
        if not s.scores():
            self.summary_label.setText(text + (f"<br>{note}" if note else ""))
            return
        try:
            result = evaluate(s.scheme, s.scores(), s.triggered_vetoes(), s.classification)
            rating = result.rating or "—"
            total = fmt_score(result.total) if result.total is not None else "—"
            text += f"。按现有分数：合计 {total} 分，评定 {rating}"
            if result.missing:
                text += f"（{len(result.missing)} 项未填，按 0 分计）"
            if result.vetoed:
                text += "（触发否决项）"
            text += provisional_note(s)
            if s.scheme.rating.kind != sm.CLASSIFICATION:
                from ..schemes.rounding import rounding_text

                text += f"<br><span style='color:#555555'>{rounding_text(s.scheme.rating.rounding)}</span>"
        except Exception:  # noqa: BLE001 - a half-filled sheet may not evaluate; the counts still show
            pass
        self.summary_label.setText(text + (f"<br>{note}" if note else ""))

    def _fill_classification(self) -> None:
        s = self.sheet
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
        combo.setEnabled(not self.readonly and not s.locked)
        self.class_hint.setText(rule.note or "")

    @slot
    def _classification_chosen(self, _index: int) -> None:
        s = self.sheet
        if s is None:
            return
        value = self.class_combo.currentData()
        try:
            sh.set_classification(self.db, s.id, value)
        except Exception as e:  # noqa: BLE001 - show why and put the combo back
            self.show_refusal(error_text(e))
            self.class_combo.setCurrentIndex(max(0, self.class_combo.findData(s.classification)))
            return
        s.classification = value
        self._written()

    def show_refusal(self, text: str) -> None:
        self.status_label.setStyleSheet("color: #c62828;")
        self.status_label.setText(text)

    def _after_cell_saved(self, code: str, key: str) -> None:
        self.status_label.setStyleSheet("color: #2e7d32;")
        item = self.sheet.item(code) if self.sheet else None
        if item is not None:
            what = "扣分原因" if key == "reason" else sh.STAGE_LABELS[key]
            value = item.reason if key == "reason" else fmt_score(item.score(key)) or "（空）"
            self.status_label.setText(f"已保存：{code} {what} {value}")
        self._fill_summary()
        self.changed.emit(self.sheet.id if self.sheet else "")

    # -- vetoes -----------------------------------------------------------------------------
    def _fill_vetoes(self) -> None:
        s = self.sheet
        self.veto_table.setRowCount(0)
        if s is None:
            return
        self.veto_table.setRowCount(len(s.vetoes))
        for r, v in enumerate(s.vetoes):
            mark = QTableWidgetItem("✔" if v.triggered else "")
            mark.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if v.triggered:
                mark.setForeground(QBrush(RED))
            title = QTableWidgetItem(f"{v.code} {v.title}")
            title.setData(Qt.ItemDataRole.UserRole, v.code)
            fact = QTableWidgetItem(v.fact)
            day = QTableWidgetItem(cn_date(v.found_on))
            for c, it in enumerate((mark, title, fact, day)):
                self.veto_table.setItem(r, c, it)
        self.veto_table.resizeRowsToContents()

    def selected_veto(self) -> sh.SheetVeto | None:
        rows = {i.row() for i in self.veto_table.selectedIndexes()}
        if not rows or self.sheet is None:
            return None
        return self.sheet.vetoes[min(rows)]

    @slot
    def mark_veto_dialog(self) -> None:
        from .assessment_dialogs import VetoDialog

        v = self.selected_veto()
        if v is None or self.sheet is None:
            return
        if self.sheet.locked:
            self.adjust_veto_dialog()
            return
        since, sheet_id = undo_mark(self.db), self.sheet.id

        def marked(_result) -> None:
            push_undo(self, su.veto_set_since(self.db, since, sheet_id, v.code))
            self._written()

        open_dialog(self, VetoDialog(self.db, self.sheet, v, self), marked)

    @slot
    def clear_selected_veto(self) -> None:
        v = self.selected_veto()
        if v is None or self.sheet is None or not v.triggered:
            return
        _, change = su.clear_veto_undoable(self.db, self.sheet.id, v.code)
        push_undo(self, change)
        self._written()

    @slot
    def adjust_veto_dialog(self) -> None:
        from .assessment_dialogs import AdjustmentDialog

        v = self.selected_veto()
        if v is None or self.sheet is None:
            return
        open_dialog(self, AdjustmentDialog(self.db, self.sheet, veto=v, parent=self), lambda _r: self._written())

    # -- report -------------------------------------------------------------------------------
    def _fill_report(self, report: sh.SelfReport) -> None:
        for w, text in ((self.report_situation, report.situation), (self.report_problems, report.problems),
                        (self.report_measures, report.measures)):
            w.blockSignals(True)
            w.setPlainText(text)
            w.blockSignals(False)
        self._report_dirty = False
        self.report_state.setText("" if not report.empty else "尚未填写自我评价报告。")

    def _report_edited(self) -> None:
        self._report_dirty = True
        self.report_state.setText("有未保存的修改。")
        self._update_buttons()

    @property
    def report_dirty(self) -> bool:
        return getattr(self, "_report_dirty", False)

    def _flush_report(self) -> None:
        """Unsaved report text is saved before the sheet is left or re-read, never dropped."""
        if self.report_dirty and self.sheet is not None and not self.readonly and not self.sheet.locked:
            self.save_report()

    @slot
    def save_report(self) -> None:
        if self.sheet is None:
            return
        sh.set_self_report(self.db, self.sheet.id, situation=self.report_situation.toPlainText(),
                           problems=self.report_problems.toPlainText(),
                           measures=self.report_measures.toPlainText())
        self.sheet.report = sh.SelfReport(self.report_situation.toPlainText(), self.report_problems.toPlainText(),
                                          self.report_measures.toPlainText())
        self._report_dirty = False
        self.report_state.setText("已保存。")
        self.model.last_own_tx = commit_mark(self.db)
        self._update_buttons()
        self.changed.emit(self.sheet.id)

    # -- evidence ------------------------------------------------------------------------------
    def _current_cell_changed(self) -> None:
        code = self.current_item_code()
        if code is not None:
            i = self.evidence_target.findData(code)
            if i >= 0:
                self.evidence_target.setCurrentIndex(i)
        self._update_buttons()

    def _fill_evidence(self) -> None:
        self.evidence_list.clear()
        combo = self.evidence_target
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("整张考核表", None)
        for item in self.sheet.items if self.sheet is not None else ():
            combo.addItem(f"{item.code} {item.title[:30]}", item.code)
        code = self.current_item_code()
        combo.setCurrentIndex(max(0, combo.findData(code)) if code else 0)
        combo.blockSignals(False)
        if self.sheet is None:
            return
        for e in ev.list_evidence(self.db, sheet_id=self.sheet.id):
            where = f"［{e.item_code}］" if e.item_code else "［全表］"
            size = f"{e.size / 1024:.0f} KB" if e.size < 1024 * 1024 else f"{e.size / 1024 / 1024:.1f} MB"
            it = QListWidgetItem(f"{where} {e.file_name}　{size}　{cn_date(e.added_on)}"
                                 + (f"　{e.note}" if e.note else ""))
            it.setData(Qt.ItemDataRole.UserRole, e.id)
            it.setToolTip(f"SHA-256：{e.sha256}")
            self.evidence_list.addItem(it)

    def selected_evidence_id(self) -> str | None:
        it = self.evidence_list.currentItem()
        return it.data(Qt.ItemDataRole.UserRole) if it is not None and it.isSelected() else None

    def current_item_code(self) -> str | None:
        item = self.model.item_at(self.view.currentIndex().row()) if self.view.currentIndex().isValid() else None
        return item.code if item is not None else None

    @slot
    def add_evidence_dialog(self) -> None:
        if self.sheet is None:
            return
        photo = " ".join(f"*{x}" for x in sorted(ev.PHOTO_TYPES))
        docs = " ".join(f"*{x}" for x in sorted(ev.DOCUMENT_TYPES))
        dlg = QFileDialog(self, "添加佐证材料")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dlg.setNameFilters([f"照片和文档 ({photo} {docs})", f"照片 ({photo})", f"文档 ({docs})", "所有文件 (*)"])
        dlg.filesSelected.connect(self.add_evidence_files)
        self.current_dialog = dlg
        dlg.finished.connect(lambda *_: setattr(self, "current_dialog", None) if self.current_dialog is dlg else None)
        dlg.open()

    @slot
    def add_evidence_files(self, paths: list[str], item_code: str | None = "current") -> int:
        """Attach files to the sheet, to the item chosen under 附于 (by default the one selected on 评分)."""
        if self.sheet is None or not paths:
            return 0
        code = self.evidence_target.currentData() if item_code == "current" else item_code
        added = 0
        problems = []
        for p in paths:
            try:
                ev.add_evidence(self.db, p, sheet_id=self.sheet.id, item_code=code)
                added += 1
            except Exception as e:  # noqa: BLE001 - other files still go in; the clerk sees each reason
                problems.append(f"{Path(p).name}：{error_text(e)}")
        self._written()
        if problems:
            self.show_message("以下文件未能添加：\n" + "\n".join(problems), "添加佐证材料")
        return added

    @slot
    def open_evidence(self) -> None:
        eid = self.selected_evidence_id()
        if eid is None:
            return
        it = self.evidence_list.currentItem()
        name = it.text().split("　")[0].split("］", 1)[-1].strip()
        folder = Path(tempfile.gettempdir()) / "dangjian-evidence"
        folder.mkdir(parents=True, exist_ok=True)
        target = ev.save_evidence_as(self.db, eid, folder / f"{eid[:8]}-{name}")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    @slot
    def save_evidence_dialog(self) -> None:
        eid = self.selected_evidence_id()
        if eid is None:
            return
        name = self.evidence_list.currentItem().text().split("　")[0].split("］", 1)[-1].strip()
        dlg = QFileDialog(self, "另存佐证材料", str(Path.home() / name))
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.fileSelected.connect(lambda p: self._save_evidence_to(eid, p))
        self.current_dialog = dlg
        dlg.open()

    @slot
    def _save_evidence_to(self, eid: str, path: str) -> None:
        ev.save_evidence_as(self.db, eid, path)
        self.status_label.setText(f"已另存为：{path}")

    @slot
    def remove_evidence(self) -> None:
        eid = self.selected_evidence_id()
        if eid is None:
            return
        name = self.evidence_list.currentItem().text()
        self.ask(f"确定移除佐证材料？\n{name}", "移除佐证材料",
                 lambda: (ev.remove_evidence(self.db, eid), self._written()), yes_text="移除")

    # -- workflow -------------------------------------------------------------------------------
    def _fill_workflow(self) -> None:
        s = self.sheet
        if s is None:
            return
        since = cn_date(s.state_since)
        text = f"当前环节：<b>{s.state}</b>（自 {since}）"
        window = wf.appeal_window(self.db, s.id)
        if window is not None:
            end = deadline_text(window)
            if window.unconfirmed:
                end = f"<span style='{deadline_style(window)}'>{end}</span>"
            text += f"；公示及申诉期：{cn_date(window.start.isoformat())} 至 {end}（{window.days} 个工作日）"
        self.state_label.setText(text)
        moves = [] if self.readonly else wf.allowed_moves(self.db, s.id)
        self._fill_moves(moves)
        self.appeal_list.clear()
        for a in wf.appeals(self.db, s.id):
            status = "待处理" if a.open else f"{a.outcome}（{cn_date(a.decided_on)} {a.decided_by or ''}）"
            it = QListWidgetItem(f"{cn_date(a.lodged_on)} {a.lodged_by}：{a.reason}　—　{status}"
                                 + (f"\n　处理意见：{a.decision}" if a.decision else ""))
            it.setData(Qt.ItemDataRole.UserRole, a.id)
            if a.open:
                it.setForeground(QBrush(RED))
            self.appeal_list.addItem(it)
        entries = wf.history(self.db, s.id)
        self.history_table.setRowCount(len(entries))
        for r, h in enumerate(entries):
            text = h.text + (f"；{h.note}" if h.note and h.note not in h.text else "")
            cells = (cn_date(h.at), h.actor, text)
            for c, value in enumerate(cells):
                it = QTableWidgetItem(value)
                if h.what == "adjustment":
                    it.setForeground(QBrush(AMBER))
                self.history_table.setItem(r, c, it)
        self.history_table.resizeRowsToContents()

    def _fill_moves(self, moves: list[tuple[str, str]]) -> None:
        for b in self.move_buttons:
            self.move_box.removeWidget(b)
            b.hide()
            b.setParent(None)
            b.deleteLater()
        self.move_buttons = []
        for target, label in moves:
            b = QPushButton(f"{label}（→ {target}）")
            b.setProperty("target", target)
            b.clicked.connect(lambda _=False, t=target, lb=label: self.move_dialog(t, lb))
            self.move_box.insertWidget(self.move_box.count() - 1, b)
            self.move_buttons.append(b)
        if not moves:
            hint = QPushButton("（当前没有可执行的流程操作）")
            hint.setEnabled(False)
            hint.setFlat(True)
            self.move_box.insertWidget(self.move_box.count() - 1, hint)
            self.move_buttons.append(hint)

    def move_button(self, target: str) -> QPushButton | None:
        return next((b for b in self.move_buttons if b.property("target") == target), None)

    @slot
    def move_dialog(self, target: str, label: str) -> None:
        from .assessment_dialogs import AppealDialog, MoveDialog, ResolveAppealDialog

        s = self.sheet
        if s is None:
            return
        if target == "确定":
            window = wf.appeal_window(self.db, s.id)
            if window is not None and window.unconfirmed:
                # The deadline rests on a year without a holiday table: enter it (or confirm
                # Monday–Friday) first, then the 确定 dialog opens.
                ask_for_calendar(self, self.db, list(window.unconfirmed),
                                 lambda: (self.reload(), self.move_dialog(target, label)),
                                 reason=f"“{s.org_name}”的申诉期截止日为 {deadline_text(window)}。")
                return
        if s.state == "公示" and target == "申诉":
            dlg = AppealDialog(self.db, s, self)
        elif s.state == "申诉" and target == "公示":
            dlg = ResolveAppealDialog(self.db, s, self)
        else:
            dlg = MoveDialog(self.db, s, target, label, self)
        open_dialog(self, dlg, lambda _r: self._written())

    @slot
    def _adjust_clicked(self) -> None:
        from .assessment_dialogs import AdjustmentDialog

        code = self.current_item_code()
        if self.sheet is None or code is None:
            self.show_refusal("请先在表中选中要调整的细项。")
            return
        open_dialog(self, AdjustmentDialog(self.db, self.sheet, item=self.sheet.item(code), parent=self),
                    lambda _r: self._written())

    def _written(self) -> None:
        """After a write made from this editor: re-read the sheet and tell the tab."""
        if self.db is not None:
            self.model.last_own_tx = commit_mark(self.db)
        self.reload()
        if self.sheet is not None:
            self.changed.emit(self.sheet.id)

    def _update_buttons(self) -> None:
        s = self.sheet
        writable = s is not None and not self.readonly
        locked = s is not None and s.locked
        v = self.selected_veto()
        self.veto_set_button.setEnabled(writable and not locked and v is not None)
        self.veto_clear_button.setEnabled(writable and not locked and v is not None and v.triggered)
        self.veto_adjust_button.setEnabled(writable and locked and v is not None)
        self.adjust_button.setEnabled(writable and locked and self.current_item_code() is not None)
        self.report_save_button.setEnabled(writable and not locked and self.report_dirty)
        for w in (self.report_situation, self.report_problems, self.report_measures):
            w.setReadOnly(not writable or locked)
        has_ev = self.selected_evidence_id() is not None
        self.evidence_add_button.setEnabled(writable and not locked)
        self.evidence_open_button.setEnabled(has_ev)
        self.evidence_save_button.setEnabled(has_ev)
        self.evidence_remove_button.setEnabled(writable and not locked and has_ev)
