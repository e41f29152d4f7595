"""佐证材料, a sheet's page (ui/assessment_evidence.ui): the files attached to the sheet or to one of
its items, and which item a new file goes to (附于: by default the item the cursor is on in 评分).
Adding, opening, saving and removing are asked of the editor (signals)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidgetItem, QWidget

from ...assessment import evidence as ev
from ...assessment import sheets as sh
from ..forms import load_form
from ..kit.formatting import format_date


def size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


class EvidencePanel(QWidget):
    add_requested = Signal()
    open_requested = Signal(str)  # evidence id
    save_requested = Signal(str)  # evidence id
    remove_requested = Signal(str)  # evidence id
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        f = load_form("assessment_evidence.ui", self)
        self.hint, self.list, self.target = f.evidenceHint, f.evidenceList, f.targetCombo
        self.add_button, self.open_button = f.addButton, f.openButton
        self.save_button, self.remove_button = f.saveButton, f.removeButton
        self.add_button.clicked.connect(lambda: self.add_requested.emit())
        for button, signal in ((self.open_button, self.open_requested), (self.save_button, self.save_requested),
                               (self.remove_button, self.remove_requested)):
            button.clicked.connect(lambda _=False, s=signal: self._ask(s))
        self.list.itemDoubleClicked.connect(lambda *_: self._ask(self.open_requested))
        self.list.itemSelectionChanged.connect(self.selection_changed)

    def _ask(self, signal) -> None:
        eid = self.selected_id()
        if eid is not None:
            signal.emit(eid)

    def show_sheet(self, sheet: sh.Sheet | None, files: list[ev.Evidence], current_code: str | None) -> None:
        """The sheet's files, and its items to attach the next one to (the current item chosen)."""
        self.list.clear()
        combo = self.target
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("整张考核表", None)
        for item in sheet.items if sheet is not None else ():
            combo.addItem(f"{item.code} {item.title[:30]}", item.code)
        combo.setCurrentIndex(max(0, combo.findData(current_code)) if current_code else 0)
        combo.blockSignals(False)
        for e in files:
            where = f"［{e.item_code}］" if e.item_code else "［全表］"
            it = QListWidgetItem(f"{where} {e.file_name}　{size_text(e.size)}　{format_date(e.added_on)}"
                                 + (f"　{e.note}" if e.note else ""))
            it.setData(Qt.ItemDataRole.UserRole, e.id)
            it.setData(Qt.ItemDataRole.UserRole + 1, e.file_name)
            it.setToolTip(f"SHA-256：{e.sha256}")
            self.list.addItem(it)

    def follow_item(self, code: str | None) -> None:
        """The cursor moved to another item in 评分: new files go to it."""
        if code is not None:
            i = self.target.findData(code)
            if i >= 0:
                self.target.setCurrentIndex(i)

    def target_code(self) -> str | None:
        return self.target.currentData()

    def selected_id(self) -> str | None:
        it = self.list.currentItem()
        return it.data(Qt.ItemDataRole.UserRole) if it is not None and it.isSelected() else None

    def selected_name(self) -> str:
        """The file name of the selected entry."""
        it = self.list.currentItem()
        return it.data(Qt.ItemDataRole.UserRole + 1) if it is not None else ""

    def selected_text(self) -> str:
        it = self.list.currentItem()
        return it.text() if it is not None else ""

    def update_buttons(self, writable: bool, locked: bool) -> None:
        has = self.selected_id() is not None
        self.add_button.setEnabled(writable and not locked)
        self.open_button.setEnabled(has)
        self.save_button.setEnabled(has)
        self.remove_button.setEnabled(writable and not locked and has)
