"""第一步：选择文件和导入方式 (the form is ui/roster_file.ui)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWizardPage

from ...roster.branches import branch_choices
from ..forms import load_form
from .dialogs import EXCEL_FILTER, documents_folder, save_template_dialog


class FilePage(QWizardPage):
    """The roster file, the branch for rows that name none, and whether to create and update."""

    def __init__(self, wizard):
        super().__init__(wizard)
        self.w = wizard
        self.setTitle("选择花名册文件")
        self.setSubTitle("选择本单位的Excel花名册。表头可以在标题、填报单位等行之下；每个党支部一个工作表，"
                         "或者一个工作表加“所在党支部”列都可以。")
        self.form = f = load_form("roster_file.ui", self)
        self.path_edit = f.pathEdit
        self.branch_combo = f.branchCombo
        self.create_check = f.createCheck
        self.update_check = f.updateCheck
        self.readonly_label = f.readonlyLabel
        self.path_edit.textChanged.connect(self.completeChanged)
        f.browseButton.clicked.connect(self.browse)
        f.templateButton.clicked.connect(lambda: save_template_dialog(self, wizard.db))
        self.branch_combo.addItem("（不指定：按文件中的所在党支部列、工作表名或填报单位）", None)
        for org_id, name in branch_choices(wizard.db):
            self.branch_combo.addItem(name, org_id)
        if wizard.default_org_id:
            i = self.branch_combo.findData(wizard.default_org_id)
            if i >= 0:
                self.branch_combo.setCurrentIndex(i)
        self.readonly_label.setVisible(wizard.db.readonly)

    def browse(self) -> None:
        start = self.path_edit.text() or documents_folder()
        path, _ = QFileDialog.getOpenFileName(self, "选择花名册", start, EXCEL_FILTER)
        if path:
            self.path_edit.setText(path)

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return Path(self.path_edit.text().strip()).is_file()

    def validatePage(self) -> bool:  # noqa: N802
        self.w.path = Path(self.path_edit.text().strip())
        self.w.options.branch_id = self.branch_combo.currentData()
        self.w.options.create_branches = self.create_check.isChecked()
        self.w.options.update = self.update_check.isChecked()
        return True
