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

    def chosen_path(self) -> Path | None:
        """The file the database goes in, as typed: a name alone (or any relative path) lies in the
        default folder, not in whatever folder the program happened to start in; a name without
        .sqlite gets it, so that 打开数据库 lists the file. None when nothing is typed."""
        text = self.dialog.pathEdit.text().strip().strip('"')
        if not text:
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = default_db_path().parent / path
        if path.suffix.lower() != ".sqlite" and not path.is_dir():
            path = path.with_name(path.name + ".sqlite")
        return path

    def _accept(self) -> None:
        f = self.dialog
        problem, field = None, None
        path = self.chosen_path()
        if not f.nameEdit.text().strip():
            problem, field = "请填写单位名称", f.nameEdit
        elif path is None:
            problem, field = "请选择保存位置", f.pathEdit
        elif path.is_dir():
            problem, field = "保存位置是一个文件夹。请在后面加上文件名（如“青山镇.sqlite”），或点“浏览…”选择。", f.pathEdit
        elif path.exists():
            problem, field = "该文件已存在。请换一个文件名，或用“打开数据库”打开它。", f.pathEdit
        if problem:
            f.errorLabel.setText(problem)
            field.setFocus()
            return
        f.errorLabel.setText("")
        f.pathEdit.setText(str(path))  # where it is made, as the status bar will show it
        f.accept()

    def values(self) -> tuple[str, str, Path]:
        f = self.dialog
        level = "town" if f.levelCombo.currentIndex() == 0 else "county"
        return f.nameEdit.text().strip(), level, self.chosen_path()
