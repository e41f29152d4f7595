"""What may be typed into a score cell (ScoreValidator, shared by the sheet and the adjustment
dialog), and the score cells' editor (ScoreDelegate): a keystroke that would take the number
above the item's maximum refuses the whole entry, never saving part of it."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractItemDelegate, QLineEdit, QStyledItemDelegate, QWidget

from ...assessment import sheets as sh
from ...numbers import FULL_WIDTH
from ...schemes import model as sm
from ..kit.formatting import format_score
from .sheet_model import HEADERS, ITEM_ROLE, STAGE_OF_COL

_DIGITS_ONE_DECIMAL = "0123456789."
# A Chinese input method may type full-width digits and 。 for the decimal point; the core accepts them.

# Keys that leave a score cell (besides Enter).
_LEAVING = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Up, Qt.Key.Key_Down)
#: After a refused keystroke, the rest of the same burst of typing (keys less than this apart) is
#: refused with it: typing 2, 1, 5, Enter fast into a 20-point item saved 5. A pause, or a key that
#: edits (Backspace, Delete, Esc, an arrow), ends the refusal and the clerk types afresh.
REFUSED_BURST_S = 1.0


class ScoreValidator(QValidator):
    """What may be typed into a score cell: blank, or 0 … max with at most one decimal.

    A keystroke that would make the number exceed the item's maximum is refused (Invalid),
    so it never appears in the cell. Yes-no items take 0, 1 or their maximum.
    """

    def __init__(self, maximum: float | int | None, *, yesno: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.maximum = maximum
        self.yesno = yesno

    def validate(self, text: str, pos: int):  # noqa: D401 - Qt API
        t = text.strip().translate(FULL_WIDTH)
        if t == "":
            return QValidator.State.Acceptable
        if any(ch not in _DIGITS_ONE_DECIMAL for ch in t) or t.count(".") > 1:
            return QValidator.State.Invalid
        whole, _, frac = t.partition(".")
        if len(frac) > 1:
            return QValidator.State.Invalid
        if t == ".":
            return QValidator.State.Intermediate
        value = float(t)
        if self.maximum is not None and value > float(self.maximum):
            return QValidator.State.Invalid
        if self.yesno:
            allowed = {0.0, 1.0} | ({float(self.maximum)} if self.maximum is not None else set())
            if value in allowed and not t.endswith("."):
                return QValidator.State.Acceptable
            if any(str(format_score(a)).startswith(t.rstrip(".")) for a in allowed):
                return QValidator.State.Intermediate
            return QValidator.State.Invalid
        if t.endswith("."):
            return QValidator.State.Intermediate
        return QValidator.State.Acceptable


def refusal_text(item: sh.SheetItem, attempted: str) -> str:
    """Why a keystroke was refused, in the clerk's words."""
    t = attempted.strip().translate(FULL_WIDTH)
    label = f"{item.code}“{item.title[:24]}”"
    if t.count(".") == 1 and len(t.partition(".")[2]) > 1:
        return f"{label}：分数最多保留一位小数，不能输入 {t}。"
    try:
        value = float(t)
    except ValueError:
        return f"{label}：只能输入数字（0 到 {format_score(item.max)}），“{t}”无效。"
    if item.max is not None and value > float(item.max):
        what = "扣分" if item.kind == sm.DEDUCTION else "得分"
        return f"{label}：{what}不能超过本项分值 {format_score(item.max)} 分，不能输入 {t}。"
    if item.kind == sm.YESNO:
        return f"{label}为“是否”项，只能填 1（是）或 0（否）。"
    return f"{label}：不能输入“{t}”。"


class ScoreDelegate(QStyledItemDelegate):
    """Score cells: a line edit whose validator refuses numbers above the item's maximum as they are
    typed; Enter and Tab commit and move to the next item's cell in the same column.

    A refused keystroke refuses the whole entry: the cell goes back to the value it had when it was
    opened (selected, to be typed over), so what the clerk was typing is never committed in part
    (typing 2, 5, Enter into a 20-point item must not save 2), and the keys typed on in the same
    burst are refused with it (2, 1, 5, Enter must not save 5; REFUSED_BURST_S).
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
                f"{it.code}：只能输入 0 到 {format_score(it.max)} 的分数，最多一位小数。"))
            editor.setToolTip(f"0 到 {format_score(item.max)} 分，最多一位小数；回车或 Tab 到下一项")
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
        editor.setProperty("refusedAt", time.monotonic())
        if item is not None:
            self.refused.emit(refusal_text(item, attempted) + "请重新输入。")

    @staticmethod
    def _in_refused_burst(editor: QLineEdit) -> bool:
        """Whether a key now belongs to the burst of typing a refusal refused (extending it)."""
        at = editor.property("refusedAt")
        if at is None:
            return False
        now = time.monotonic()
        if now - at >= REFUSED_BURST_S:
            editor.setProperty("refusedAt", None)
            return False
        editor.setProperty("refusedAt", now)
        return True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if isinstance(obj, QLineEdit) and obj.validator() is not None:
            typed = None
            if event.type() == QEvent.Type.KeyPress:
                key = event.key()
                printable = bool(event.text()) and event.text().isprintable() and not (
                    event.modifiers() & Qt.KeyboardModifier.ControlModifier)
                if obj.property("refusedAt") is not None:
                    if printable and self._in_refused_burst(obj):
                        return True  # the rest of the refused entry
                    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, *_LEAVING) \
                            and obj.text() == (obj.property("originalText") or "") and self._in_refused_burst(obj):
                        # Enter right after a refusal: nothing new to save, the refusal stays said
                        self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.NoHint)
                        return True
                    if not printable:
                        obj.setProperty("refusedAt", None)  # an editing key: typed afresh from here
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    if not obj.hasAcceptableInput():
                        self.refused.emit("这个分数还没有输完整（例如“5.”），请补全或删除后再回车。")
                        return True
                    self.commitData.emit(obj)
                    self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.EditNextItem)
                    return True
                if key in _LEAVING and not obj.hasAcceptableInput() and obj.text().strip():
                    # Leaving the cell with half a number: it was dropped without a word (↑↓) or
                    # nothing happened (Tab). Said as for Enter; the cell stays open.
                    self.refused.emit("这个分数还没有输完整（例如“5.”），请补全或删除后再离开这一格。")
                    return True
                text = event.text()
                if text and text.isprintable() and not (event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                    typed = text
            elif event.type() == QEvent.Type.InputMethod and event.commitString():
                if self._in_refused_burst(obj):
                    return True  # the rest of the refused entry
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
