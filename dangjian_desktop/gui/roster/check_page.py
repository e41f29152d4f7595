"""第三步：检查每一行 (a dry run): errors, changes to registered members and notes, each in a tab
(ui/roster_check.ui); the errors can be saved as a copy of the file with the bad cells in red."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHeaderView, QMessageBox, QTableView

from ...errors import UserError
from ...roster import ImportReport, save_error_report
from ..forms import load_form
from .dialogs import ask_xlsx, message
from .models import PROBLEM_WIDTHS, ChangesModel, ProblemModel
from .run_page import RunPage

RESIZE_ROWS_UP_TO = 500  # measuring every row of a huge list would stall the window
ERRORS, CHANGES, NOTES = range(3)


def show_problems(view: QTableView, model: ProblemModel) -> None:
    """`view` lists `model`, sortable (by row number at first)."""
    proxy = QSortFilterProxyModel(view)
    proxy.setSourceModel(model)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    view.setModel(proxy)
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    for col, width in enumerate(PROBLEM_WIDTHS):
        view.setColumnWidth(col, width)


def can_import(report: ImportReport | None, update: bool) -> bool:
    """Is there anything to write: new members or branches, or changes the clerk asked to apply."""
    return report is not None and report.ok and bool(report.added or report.created_orgs or (update and report.changes))


class CheckPage(RunPage):
    """检查结果: nothing is written; any error keeps the import from going on."""

    dry_run = True

    def __init__(self, wizard):
        super().__init__(wizard)
        self.setTitle("检查结果")
        self.setSubTitle("逐行检查文件中的每一名党员。只要有一处错误就不会导入，请按清单修改Excel后重新选择文件。")
        self.results = f = load_form("roster_check.ui", self.body)
        self.tabs = f.resultTabs
        self.error_model = ProblemModel(parent=self)
        self.error_view = f.errorView
        show_problems(self.error_view, self.error_model)
        self.note_model = ProblemModel(parent=self)
        self.note_view = f.noteView
        show_problems(self.note_view, self.note_model)
        self.changes_model = ChangesModel(self)
        self.changes = f.changesView
        self.changes.setModel(self.changes_model)
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.save_button = f.saveButton
        self.save_button.clicked.connect(self.save_report)
        self.saved = None

    def initializePage(self) -> None:  # noqa: N802
        self.error_model.set_problems([])
        self.note_model.set_problems([])
        self.changes_model.set_report(None)
        self.save_button.setEnabled(False)
        super().initializePage()

    def _finished(self, report: ImportReport) -> None:
        self.error_model.set_problems(report.errors)
        self.note_model.set_problems(report.warnings)
        for view, n in ((self.error_view, len(report.errors)), (self.note_view, len(report.warnings))):
            if n <= RESIZE_ROWS_UP_TO:
                view.resizeRowsToContents()
        self.tabs.setTabText(ERRORS, f"错误（{len(report.errors)}）")
        self.tabs.setTabText(CHANGES, f"信息变化（{len(report.changes)}）")
        self.tabs.setTabText(NOTES, f"提示（{len(report.warnings)}）")
        self.changes_model.set_report(report)
        self.save_button.setEnabled(bool(report.errors))
        update = self.w.options.update
        if report.errors:
            self.tabs.setCurrentIndex(ERRORS)
        elif report.changes:
            self.tabs.setCurrentIndex(CHANGES)
            if not update:
                self.status.setText(report.summary() + "如需按文件修改，请返回第一步勾选“按文件修改”。")
        elif report.warnings:
            self.tabs.setCurrentIndex(NOTES)
        if report.ok and self.w.db.readonly:
            self.status.setText(report.summary() + "数据库为只读，不能导入。")
        if report.ok and not can_import(report, update):
            self.status.setText(report.summary() + "没有需要导入的内容。")

    def save_report(self) -> None:
        if self.report is None:
            return
        path = ask_xlsx(self, "保存错误报告", f"{self.w.path.stem}-错误报告.xlsx")
        if path is None:
            return
        try:
            self.saved = save_error_report(self.report, path)
        except (OSError, UserError) as e:
            message(self, "保存错误报告", f"无法保存：{getattr(e, 'message', None) or e}", QMessageBox.Icon.Warning)
            return
        message(self, "保存错误报告", f"已保存，出错的单元格标成了红色：\n{self.saved}", open_path=self.saved)

    def isComplete(self) -> bool:  # noqa: N802
        return not self.w.db.readonly and can_import(self.report, self.w.options.update)
