"""积分细则: the year's items, the base score, Excel import and export, back to the default (ui/points_catalogue.ui)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from ...points import catalogue as cat
from ...points.undoable import delete_item_undoable, set_base_score_undoable
from ..kit.formatting import format_score
from ..kit.messages import slot
from ..kit.operations import Operation, Query
from ..kit.row_model import RowModel
from ..undo_menu import push_undo
from .dialogs import ItemDialog
from .models import ITEM_COLUMNS
from .views import Panel, fit, select_where, selected_row, setup_table, table_out


class CataloguePanel(Panel):
    FORM = "points_catalogue.ui"

    def __init__(self, tab, parent=None):
        super().__init__(tab, parent)
        f = self.form
        self.base, self.base_button, self.info, self.view = f.baseEdit, f.baseButton, f.infoLabel, f.itemView
        self.add_button, self.edit_button, self.delete_button = f.addButton, f.editButton, f.deleteButton
        self.up_button, self.down_button = f.upButton, f.downButton
        self.import_button, self.export_button, self.reset_button = f.importButton, f.exportButton, f.resetButton
        self.model = RowModel(ITEM_COLUMNS, self)
        setup_table(self.view, self.model, sorting=False)
        table_out(self, self.view, lambda: f"{self.tab.year}年度党员积分细则")  # 打印 from the context menu
        self.view.doubleClicked.connect(lambda *_a: self.edit())
        self.base_button.clicked.connect(self.set_base)
        self.base.returnPressed.connect(self.set_base)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.import_button.clicked.connect(self.import_dialog)
        self.export_button.clicked.connect(self.export_dialog)
        self.reset_button.clicked.connect(self.reset)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

    def refresh(self) -> None:
        tab = self.tab
        keep = self.selected()
        if not self.ready():
            self.model.set_rows([])
            self.base.clear()
            self.info.clear()
            self._update_buttons()
            return
        if self.writable():  # a year's catalogue is made when it is first shown (no unit of work otherwise)
            office, year = tab.office_id, tab.year
            self.change(f"建立{year}年度积分细则", lambda db: cat.ensure_catalogue(db, office, year))
        self.model.set_rows(cat.items(tab.db, tab.office_id, tab.year))
        fit(self.view, 360)
        s = tab.settings()
        self.base.setText(format_score(s.base_score))
        d = cat.default_catalogue()
        self.info.setText(f"年度总积分 = 基础分 + 各项加分（每项不超过年度上限）− 各项扣分（每项不超过年度上限）；"
                          f"免计类别中的党员不计该项。{'本年度已锁定，不能修改。' if s.locked else ''}"
                          f"<br>默认细则说明：{d['source']}")
        if keep is not None:
            select_where(self.view, lambda it: it.id == keep.id)
        self._update_buttons()

    def selected(self):
        return selected_row(self.view)

    def _update_buttons(self, *_args) -> None:
        editable = self.editable()
        one = self.selected() is not None
        for b in (self.base_button, self.add_button, self.import_button, self.reset_button):
            b.setEnabled(editable)
        self.base.setReadOnly(not editable)
        for b in (self.edit_button, self.delete_button, self.up_button, self.down_button):
            b.setEnabled(editable and one)
        self.export_button.setEnabled(self.ready())

    # ---- actions ----------------------------------------------------------------------------------
    @slot
    def set_base(self, *_args) -> None:
        office, year, text = self.tab.office_id, self.tab.year, self.base.text()
        self.change("设置基础分", lambda db: set_base_score_undoable(db, office, year, text),
                    lambda result: push_undo(self, result[1]))

    @slot
    def add(self, *_args) -> None:
        self._open(ItemDialog(self.db, self.tab.office_id, self.tab.year, self))

    @slot
    def edit(self, *_args) -> None:
        it = self.selected()
        if it is None or not self.edit_button.isEnabled():
            return
        self._open(ItemDialog(self.db, self.tab.office_id, self.tab.year, self, item_id=it.id))

    def _open(self, dlg: ItemDialog) -> None:
        dlg.saved.connect(lambda _id: push_undo(self, dlg.undo_change))  # offered on 编辑 → 撤销
        self.tab.open_dialog(dlg)

    @slot
    def delete(self, *_args) -> None:
        it = self.selected()
        if it is None:
            return
        used = cat.item_usage(self.db, it.id)
        text = (f"项目 {it.code} 已有 {used} 条积分记录，将改为“停用”（已有记录仍计入）。" if used
                else f"删除项目 {it.code} {it.title}？")
        self.tab.ask(text, "删除积分项目", lambda: self.change(
            f"删除积分项目 {it.code}", lambda db: delete_item_undoable(db, it.id), self._deleted(it.code)),
            yes_text="停用" if used else "删除")

    def _deleted(self, code: str):
        def done(result) -> None:
            push_undo(self, result[1])
            self.status.emit(f"已{result[0]}积分项目 {code}")
        return done

    @slot
    def move(self, step: int) -> None:
        it = self.selected()
        if it is None:
            return
        self.change("调整积分项目顺序", lambda db: cat.move_item(db, it.id, step),
                    lambda _r: select_where(self.view, lambda row: row.id == it.id))

    @slot
    def import_dialog(self, *_args) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入积分细则", "", "Excel 文件 (*.xlsx)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> Operation:
        """Read the workbook and replace the year's catalogue, off the GUI thread (one unit of work)."""
        office, year = self.tab.office_id, self.tab.year
        return self.change_in_background("正在导入积分细则…", lambda db: cat.import_xlsx(db, path, office, year),
                                         self._imported, lambda e: self.tab.show_error(e, "导入积分细则"))

    def _imported(self, report: dict) -> None:
        self.tab.inform(f"已导入{report['year']}年度积分细则：新增{len(report['added'])}项，"
                        f"修改{len(report['updated'])}项，删除{len(report['deleted'])}项，"
                        f"停用{len(report['deactivated'])}项，未变{report['unchanged']}项。", "导入积分细则")

    @slot
    def export_dialog(self, *_args) -> None:
        name = f"{self.tab.year}年度党员积分细则.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出积分细则", name, "Excel 文件 (*.xlsx)")
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> Query:
        office, year = self.tab.office_id, self.tab.year
        return Query(self, "正在导出积分细则…", lambda db: cat.export_xlsx(db, office, year, path),
                     db=self.db, own_connection=False).success(
            lambda saved: self.status.emit(f"已导出 {saved}")).run()

    @slot
    def reset(self, *_args) -> None:
        office, year = self.tab.office_id, self.tab.year
        self.tab.ask(f"把{year}年度的积分细则恢复为默认细则？\n本年度自己添加的项目将被删除（已有积分记录的改为停用）。",
                     "恢复默认细则", lambda: self.change("恢复默认细则", lambda db: cat.reset_to_default(db, office, year)),
                     yes_text="恢复默认")
