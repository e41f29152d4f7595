"""预警: the registry's warnings (ui/registry_warnings.ui), all or those of the selected node.

Double-clicking a warning sends it up (`opened`): the page selects its organisation or opens its member.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QToolButton, QVBoxLayout, QWidget

from ..forms import load_form
from ..table_export import add_table_export
from .models import WarningModel, read_only_rows

SHOWN_ROWS = 3  # the panel starts at the height of three warnings; the splitter moves it


class WarningsPanel(QWidget):
    opened = Signal(object)  # the registry.warnings.Warning double-clicked
    scope_toggled = Signal()  # 只看所选组织 ticked or unticked

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.box = f = load_form("registry_warnings.ui", self)
        self.scope_check = f.warningsScopeCheck
        self.model = WarningModel(self)
        self.view = w = f.warningTable
        w.setModel(self.model)
        read_only_rows(w)
        w.setColumnWidth(0, 56)
        w.setColumnWidth(1, 130)
        # The hint in two lines, so the check box, the hint and the export button stand beside three warnings.
        hint = f.warningsHint
        hint.setFixedWidth(max(self.scope_check.sizeHint().width() + 8,
                               hint.fontMetrics().horizontalAdvance(hint.text()) // 2 + 24))
        w.activated.connect(self._activated)
        self.scope_check.toggled.connect(lambda _c: self.scope_toggled.emit())
        self.all: list = []

    def add_export(self, host: QWidget) -> list:
        """导出 Excel / 打印/PDF of the warnings as shown: the context menu, and one 导出与打印 button
        under the hint (the box is only three warnings high)."""
        actions = add_table_export(self.view, host, "党组织和党员预警")
        self.export_button = b = QToolButton(self.box)
        b.setText("导出与打印")
        b.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(b)
        menu.addActions(actions)
        b.setMenu(menu)
        self.box.findChild(QVBoxLayout, "warningsSide").insertWidget(2, b)  # above the spacer
        return actions

    def _activated(self, index) -> None:
        if index.isValid() and index.row() < len(self.model.items):
            self.opened.emit(self.model.items[index.row()])

    def starting_height(self) -> int:
        """The box's height showing SHOWN_ROWS warnings."""
        w = self.view
        chrome = self.box.minimumSizeHint().height() - w.minimumSizeHint().height()
        table = (w.horizontalHeader().sizeHint().height() + 2 * w.frameWidth()
                 + SHOWN_ROWS * w.verticalHeader().defaultSectionSize())
        return chrome + max(table, self._side_height())

    def _side_height(self) -> int:
        """What the column beside the table needs: the check box, the wrapped hint, the export button."""
        side = self.box.findChild(QVBoxLayout, "warningsSide")
        items = [side.itemAt(i).widget() for i in range(side.count())]
        shown = [x for x in items if x is not None and not x.isHidden()]
        heights = [x.heightForWidth(x.width() if x.width() > 0 else x.maximumWidth()) if x.hasHeightForWidth()
                   else x.sizeHint().height() for x in shown]
        return sum(heights) + side.spacing() * max(len(shown) - 1, 0)

    @property
    def scoped(self) -> bool:
        return self.scope_check.isChecked()

    def show_warnings(self, warnings: list, org_ids: list[str] | None = None) -> None:
        """Show `warnings`: those of `org_ids` when 只看所选组织 is ticked (None: every one)."""
        self.all = list(warnings)
        items = self.all
        if self.scoped and org_ids is not None:
            wanted = set(org_ids)
            items = [w for w in items if w.org_id in wanted]
        self.model.set_items(items)
        total = len(self.all)
        serious = sum(1 for w in items if w.level == "严重")
        shown = f"{len(items)}/{total}" if len(items) != total else str(total)
        self.box.setTitle(f"预警（{shown}）" + (f"　其中严重 {serious} 条" if serious else ""))
