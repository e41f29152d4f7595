"""Small dialogs of the main window: new database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QWidget

from ..paths import default_db_path
from .forms import load_form
from .screen_fit import fit_to_screen


class NewDatabaseDialog:
    """Ask for the office's name, its level and where to keep the file."""

    def __init__(self, parent: QWidget | None = None):
        self.dialog: QDialog = load_form("new_database.ui")
        self.dialog.setParent(parent, self.dialog.windowFlags())
        fit_to_screen(self.dialog)
        f = self.dialog
        path = default_db_path()
        if path.exists():
            path = path.with_name("新单位.sqlite")
        f.pathEdit.setText(str(path))
        f.browseButton.clicked.connect(self._browse)
        f.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText("创建")
        f.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        f.buttonBox.accepted.connect(self._accept)
        f.buttonBox.rejected.connect(f.reject)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.dialog, "数据库保存位置", self.dialog.pathEdit.text(),
                                              "党建台账数据库 (*.sqlite)")
        if path:
            if not path.endswith(".sqlite"):
                path += ".sqlite"
            self.dialog.pathEdit.setText(path)

    def _accept(self) -> None:
        f = self.dialog
        problem, field = None, None
        if not f.nameEdit.text().strip():
            problem, field = "请填写单位名称", f.nameEdit
        elif not f.pathEdit.text().strip():
            problem, field = "请选择保存位置", f.pathEdit
        elif Path(f.pathEdit.text()).exists():
            problem, field = "该文件已存在。请换一个文件名，或用“打开数据库”打开它。", f.pathEdit
        if problem:
            f.errorLabel.setText(problem)
            field.setFocus()
            return
        f.errorLabel.setText("")
        f.accept()

    def values(self) -> tuple[str, str, Path]:
        f = self.dialog
        level = "town" if f.levelCombo.currentIndex() == 0 else "county"
        return f.nameEdit.text().strip(), level, Path(f.pathEdit.text().strip())
