"""导入 Excel on the ledgers' sub-pages (发展党员, 教育培训, 奖惩, 走访慰问, 谈心谈话): choose a file, the
core reads it off the GUI thread (ledgers.record_import, pipeline_import: all or nothing), and the
outcome is told.
A file with errors writes nothing and its every problem is listed in a window (row, column,
content, problem, suggestion, sortable) that can save the list as Excel with the bad cells
marked; a good file's summary is told in a message. The import template is saved from the
导出与打印 menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QVBoxLayout, QWidget

from ...ledgers.ledger_import import import_ledger, kind_of, template_hint
from ...ledgers.record_import import RecordImportReport, save_error_report
from ...tables.ledger_templates import save_template
from ..kit.messages import slot
from ..kit.operations import Operation, Query
from ..kit.palette import HINT_HEX, RED_HEX, css
from ..kit.plain_text import plain
from ..roster.models import ProblemModel, problem_view


def file_dialog(page: QWidget, title: str, name: str, save: bool, done) -> QFileDialog:
    """A window-modal Excel file dialog (kept as the page's current_dialog) calling `done(path)`."""
    dlg = QFileDialog(page, title, str(Path.home() / name), "Excel 工作簿 (*.xlsx *.xls *.xlsm *.ods)" if not save
                      else "Excel 工作簿 (*.xlsx)")
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
    if save:
        dlg.setDefaultSuffix("xlsx")
    else:
        dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.fileSelected.connect(done)
    dlg.finished.connect(lambda _r: _forget(page, dlg))
    page.current_dialog = dlg
    dlg.open()
    return dlg


def _forget(host: QWidget, dlg: QWidget) -> None:
    if getattr(host, "current_dialog", None) is dlg:
        host.current_dialog = None


class ImportErrorsDialog(QDialog):
    """Why a file was not imported: the summary and every problem, with 另存错误清单."""

    def __init__(self, page: QWidget, report: RecordImportReport):
        super().__init__(page)
        self.page, self.report = page, report
        self.tab = page  # slot failures are told on the page
        self.current_dialog = None
        self.setWindowTitle(f"导入{report.title}台账：未导入")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        lay = QVBoxLayout(self)
        # the file's name and cells, shown as written, never as markup
        self.summary = plain(QLabel(f"“{report.path.name}”：{report.summary()}"))
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(css(RED_HEX))
        lay.addWidget(self.summary)
        self.model = ProblemModel(report.sorted_errors(), self)
        self.view = problem_view(self.model, self)
        self.view.setAccessibleName("错误清单")
        lay.addWidget(self.view, 1)
        notes = [w.problem for w in report.warnings]
        self.notes = plain(QLabel("\n".join(notes)))
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(css(HINT_HEX))
        self.notes.setVisible(bool(notes))
        lay.addWidget(self.notes)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("另存错误清单(&S)…", QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save_dialog)
        close.clicked.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(1060, 420)

    @slot
    def save_dialog(self):
        file_dialog(self, "另存错误清单", f"{self.report.path.stem}-错误清单.xlsx", True, self.save)

    @slot
    def save(self, path):
        self.page.saved_file(save_error_report(self.report, path))


class RecordImporter(QObject):
    """The import of one sub-page's ledger (panel.KIND)."""

    imported = Signal(object)  # the RecordImportReport of an import that ran

    def __init__(self, panel):
        super().__init__(panel)
        self.panel = panel
        self.page = panel.page
        self.tab = panel.page  # slot failures are told on the page
        self.spec = kind_of(panel.KIND)
        self.last_report: RecordImportReport | None = None
        self.errors_dialog: ImportErrorsDialog | None = None

    def hint(self) -> str:
        return template_hint(self.spec.kind)

    @slot
    def import_dialog(self):
        file_dialog(self.page, f"导入{self.spec.title}台账", "", False, self.import_file)

    @slot
    def import_file(self, path) -> Operation:
        """Read and write the file in the background; the outcome is told when it ends."""
        office = self.page.scope()["office_id"]
        op = Operation(self.page, f"正在导入“{Path(path).name}”……", lambda db: import_ledger(
            db, self.spec.kind, path, office_id=office))
        return op.success(self._done).run_in_background()

    def _done(self, report: RecordImportReport) -> None:
        self.last_report = report
        if report.errors:
            dlg = ImportErrorsDialog(self.page, report)
            dlg.finished.connect(lambda _r: self._forget(dlg))
            self.errors_dialog = self.page.current_dialog = dlg
            dlg.open()
        else:
            notes = "".join(f"\n{w.problem}" for w in report.warnings)
            self.page.inform(report.summary() + notes, f"导入{self.spec.title}台账")
        self.imported.emit(report)

    def _forget(self, dlg) -> None:
        if self.errors_dialog is dlg:
            self.errors_dialog = None
        _forget(self.page, dlg)

    @slot
    def template_dialog(self):
        file_dialog(self.page, "保存导入模板", f"{self.spec.title}台账导入模板.xlsx", True, self.save_template)

    @slot
    def save_template(self, path) -> Query:
        return Query(self.page, "正在保存导入模板……", lambda _db: save_template(self.spec.kind, path),
                     progress=False).success(self.page.saved_file).run_in_background()
