"""What the 组织台账 dialogs share: the form-dialog base whose OK runs one registry change as a kit
Operation, and the helpers that fill their combo boxes.

Each dialog wraps a Qt Designer form from ui/ (loaded with load_form), and stays open showing the
core's Chinese field messages in red under the fields until the input is valid. Open them with
`.open()` (window-modal, non-blocking).
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QCompleter, QDialogButtonBox, QLineEdit, QSpinBox, QWidget

from ...db import Database
from ...errors import UserError, ValidationError
from ...registry import codes
from ...registry.tree import orgs_in_tree_order
from ...registry.validation import FIELD_LABELS, one_line
from .. import common
from ..errors import bug_text
from ..kit import form_dialog as kit_form
from ..kit.operations import Operation

T = TypeVar("T")
INDENT = "　"  # one level of the tree in a combo box

_GONE = {"org": "组织不存在，可能已被删除", "member": "党员记录不存在，可能已被删除"}


def normalise_date_text(text: str | None) -> str | None:
    """Registry dates may be months typed as six digits ('202007' -> '2020-07')."""
    return common.normalise_date_text(text, six_digit_month=True)


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
    """Organisations of `types` in tree order, indented by depth, as combo items; an excluded
    organisation is left out with everything below it."""
    out: list[tuple[str, str]] = []
    skip_below: int | None = None  # depth of the excluded organisation whose subtree is being passed
    for depth, r in orgs_in_tree_order(db, office_id):
        if skip_below is not None and depth > skip_below:
            continue
        skip_below = None
        if r["id"] in exclude:
            skip_below = depth
            continue
        if r["org_type"] in types:
            prefix = f"{r['office_name'] or ''} / " if with_office else ""
            out.append((INDENT * depth + prefix + r["name"], r["id"]))
    return out


class FormDialog(kit_form.FormDialog):
    """A Designer form around one registry change on `db` (kit.form_dialog.FormDialog); errors from
    the core stay visible under the fields, those of no field of the form in its formError line."""

    FIELD_LABELS = FIELD_LABELS
    undo_change: Any = None  # how to take back what save() did (the page offers it as 编辑 → 撤销)

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db

    def text(self, name: str) -> str:
        """A line edit's text as one line: every field here is one line, and text pasted from a
        document keeps its line breaks in a QLineEdit (a note or an address saved over two lines)."""
        widget = self.w(name)
        return one_line(widget.text()) if isinstance(widget, QLineEdit) else super().text(name)

    @property
    def result_id(self) -> Any:
        """The id returned by the core call (or None)."""
        return self.result

    def change(self, label: str, op: Callable[[Database], T]) -> T:
        """Run `op(db)` as one Operation (on the GUI thread: a registry change is quick), so every
        page hears what it changed; its failure comes back here for the form to show."""
        work = Operation(self.dialog, label, op, db=self.db).failure(lambda _e: None).run()
        if work.error is not None:
            raise work.error
        return work.result

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
