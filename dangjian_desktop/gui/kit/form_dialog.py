"""The form-dialog base: a Qt Designer form (top widget a QDialog) around one core call.

OK runs `save()`. When it raises, the dialog stays open and says why under the fields: a
ValidationError's field messages in the labels named `<field>Error` (`FIELD_WIDGETS` says which
widget gets the focus), anything else in the form's `formError` label. After a successful save
the dialog closes and `saved` carries what `save()` returned. Open with `.open()`: window-modal,
non-blocking; whoever opens it deletes it once it closed with forms.release (common.open_dialog
does), never with a bare deleteLater.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QTextEdit, QWidget

from ...errors import ValidationError
from ..errors import error_text
from ..forms import load_dialog
from ..screen_fit import fit_to_screen
from .plain_text import plain

BUTTON_TEXTS = ((QDialogButtonBox.StandardButton.Ok, "确定"), (QDialogButtonBox.StandardButton.Cancel, "取消"),
                (QDialogButtonBox.StandardButton.Close, "关闭"))


def error_label_name(field: str) -> str:
    """'id_number' -> 'idNumberError' (the label under that field in a Designer form)."""
    head, *rest = field.split("_")
    return head + "".join(p.capitalize() for p in rest) + "Error"


class FormDialog(QObject):
    """A Designer form around one core call; `save()` is defined by each dialog."""

    FORM = ""  # the .ui file in ui/
    FIELD_WIDGETS: dict[str, str] = {}  # core field name -> objectName of the widget to focus on an error
    FIELD_LABELS: dict[str, str] = {}  # core field name -> its label, for messages shown in formError
    saved = Signal(object)  # what save() returned

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.dialog: QDialog = load_dialog(self.FORM, parent)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        fit_to_screen(self.dialog)
        self.result: Any = None
        # The messages name what was typed (a member, a branch): shown as written, never as markup.
        self.error_labels: dict[str, QLabel] = {
            lbl.objectName(): plain(lbl)
            for lbl in self.dialog.findChildren(QLabel) if lbl.objectName().endswith("Error")}
        bb: QDialogButtonBox = self.dialog.buttonBox
        for which, text in BUTTON_TEXTS:
            button = bb.button(which)
            if button is not None:
                button.setText(text)
        bb.accepted.connect(self._accept)
        bb.rejected.connect(self.dialog.reject)
        self.clear_errors()

    # ---- the form ----------------------------------------------------------------------------
    def w(self, name: str) -> Any:
        return getattr(self.dialog, name)

    def text(self, name: str) -> str:
        """The stripped text of a line edit or a plain-text field."""
        widget = self.w(name)
        if isinstance(widget, (QPlainTextEdit, QTextEdit)):
            return widget.toPlainText().strip()
        return widget.text().strip()

    def open(self) -> None:
        self.dialog.open()

    @property
    def ok_button(self):
        return self.dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    # ---- errors --------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for lbl in self.error_labels.values():
            lbl.clear()
            lbl.setVisible(False)

    def set_error(self, text: str) -> None:
        """Show `text` in the form's formError label ('' hides it)."""
        label = self.error_labels.get("formError")
        if label is None:
            return
        label.setText(text)
        label.setVisible(bool(text))

    def error_shown(self) -> str:
        """The text of formError while it shows ('' when hidden)."""
        label = self.error_labels.get("formError")
        return label.text() if label is not None and label.isVisibleTo(self.dialog) else ""

    def errors_shown(self) -> dict[str, str]:
        """objectName -> text of every error label now showing."""
        return {n: lbl.text() for n, lbl in self.error_labels.items() if lbl.isVisibleTo(self.dialog)}

    def show_errors(self, errors: dict[str, str]) -> None:
        """Field messages under their fields; those without a label of their own in formError."""
        general = []
        first_widget = None
        for field, message in errors.items():
            lbl = self.error_labels.get(error_label_name(field)) if field else None
            if lbl is None or lbl.objectName() == "formError":
                label = self.FIELD_LABELS.get(field)
                general.append(f"{label}：{message}" if label and label not in message else message)
                continue
            lbl.setText(message)
            lbl.setVisible(True)
            if first_widget is None and field in self.FIELD_WIDGETS:
                first_widget = self.w(self.FIELD_WIDGETS[field])
        if general:
            self.set_error("\n".join(general))
        if first_widget is not None:
            first_widget.setFocus()
        self.dialog.adjustSize()

    def show_exception(self, exc: BaseException) -> None:
        """Why save() failed: field messages under their fields when the form has labels for them,
        else the whole message (errors.error_text) in formError."""
        if isinstance(exc, ValidationError) and exc.errors and any(
                error_label_name(f) in self.error_labels for f in exc.errors if f):
            self.show_errors(exc.errors)
        else:
            self.set_error(error_text(exc))

    def _accept(self) -> None:
        self.clear_errors()
        try:
            self.result = self.save()
        except Exception as e:  # noqa: BLE001 - the dialog stays open with the reason
            self.show_exception(e)
            return
        self.dialog.accept()
        self.saved.emit(self.result)

    def save(self) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError
