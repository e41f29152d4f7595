"""花名册 import wizard (choose file → preview and column mapping → check → import) and the
export and template dialogs of the 组织台账 tab.

The import runs the core's RosterImport generator in the GUI thread, a slice of rows per timer
tick, so the database is only ever touched from the GUI thread (commit listeners included) and
the window stays responsive; cancelling closes the generator, which rolls the unit of work back.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QObject, QSortFilterProxyModel, QStandardPaths, Qt,
                            QTimer, QUrl, Signal)
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QProgressBar,
                               QProgressDialog, QPushButton, QTableView, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget, QWizard, QWizardPage)

from ..db import Database
from ..errors import UserError
from ..roster import (ImportOptions, ImportReport, Problem, RosterImport, export_roster, preview_file,
                      save_error_report, write_template)
from ..roster.columns import spec
from ..roster.header import SCAN_ROWS, detect
from ..roster.export import ExportCancelled
from ..roster.importer import branch_names
from ..roster.reader import column_letter
from ..roster.report import PROBLEM_HEADERS, shown
from .errors import log_bug
from .screen_fit import fit_to_screen

EXCEL_FILTER = "Excel文件 (*.xlsx *.xlsm *.xls)"
TICK_SECONDS = 0.04      # work per timer tick before the event loop runs again
STEP_ROWS = 50           # rows between two progress reports of the core


def _documents() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


_open_boxes: set[QMessageBox] = set()


def _message(parent: QWidget | None, title: str, text: str, icon=QMessageBox.Icon.Information,
             open_path: Path | None = None) -> QMessageBox:
    """A non-blocking message box (kept alive by its parent); 打开 opens `open_path`."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:  # nobody else keeps it alive while it is shown
        _open_boxes.add(box)
        box.finished.connect(lambda _r, b=box: _open_boxes.discard(b))
    if open_path is not None:
        btn = box.addButton("打开文件", QMessageBox.ButtonRole.ActionRole)
        btn.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(open_path))))
    box.open()
    return box


# ---- running the core import a slice at a time ---------------------------------------------

class ImportRunner(QObject):
    """Drives RosterImport.steps() from a zero-interval timer; emits progress and the result."""

    progress = Signal(int, int)
    finished = Signal(object)      # ImportReport
    failed = Signal(str)           # a Chinese message

    def __init__(self, db: Database, path: Path, options: ImportOptions, parent: QObject | None = None):
        super().__init__(parent)
        self.run = RosterImport(db, path, options)
        self.run.step_rows = STEP_ROWS
        self._gen = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)
        self.running = False

    def start(self) -> None:
        self._gen = self.run.steps()
        self.running = True
        self._timer.start()

    def _tick(self) -> None:
        deadline = time.monotonic() + TICK_SECONDS
        try:
            while True:  # at least one slice per tick
                done, total = next(self._gen)
                self.progress.emit(done, total)
                if time.monotonic() >= deadline:
                    break
        except StopIteration:
            self._stop()
            self.finished.emit(self.run.report)
        except UserError as e:
            self._stop()
            self.failed.emit(e.message)
        except Exception as e:  # noqa: BLE001 - a bug must not escape into Qt's event loop
            path = log_bug()
            self._stop()
            self.failed.emit(f"程序内部错误（{type(e).__name__}），数据没有被修改。" + (f"\n详情已记录在：{path}" if path else ""))

    def _stop(self) -> None:
        self._timer.stop()
        self.running = False
        if self._gen is not None:
            self._gen.close()  # rolls back when the import had not finished
            self._gen = None

    def cancel(self) -> None:
        if self.running:
            self._stop()
            self.run.mark_cancelled()
            self.finished.emit(self.run.report)


# ---- the error table ---------------------------------------------------------------------------

class ProblemModel(QAbstractTableModel):
    """Problems (errors or notes) as a table; UserRole gives sortable values."""

    def __init__(self, problems: list[Problem] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.problems: list[Problem] = list(problems or [])

    def set_problems(self, problems: list[Problem]) -> None:
        self.beginResetModel()
        self.problems = list(problems)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(PROBLEM_HEADERS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return PROBLEM_HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.problems[index.row()]
        value = p.cells()[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return str(value)
        if role == Qt.ItemDataRole.UserRole:
            if index.column() == 1:
                return p.row or 0
            if index.column() == 2:
                return p.sort_key()[2]
            return str(value)
        return None


def problem_view(model: ProblemModel, parent: QWidget) -> QTableView:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    view = QTableView(parent)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.verticalHeader().setVisible(False)
    h = view.horizontalHeader()
    for col, width in enumerate((90, 50, 40, 90, 140, 320, 260)):
        view.setColumnWidth(col, width)
    h.setStretchLastSection(True)
    return view


# ---- pages ---------------------------------------------------------------------------------

class FilePage(QWizardPage):
    """第一步：选择文件和导入方式."""

    def __init__(self, wizard: "RosterImportWizard"):
        super().__init__(wizard)
        self.w = wizard
        self.setTitle("选择花名册文件")
        self.setSubTitle("选择本单位的Excel花名册。表头可以在标题、填报单位等行之下；每个党支部一个工作表，"
                         "或者一个工作表加“所在党支部”列都可以。")
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText("Excel文件（.xlsx、.xls）")
        self.path_edit.textChanged.connect(self.completeChanged)
        browse = QPushButton("浏览(&B)…", self)
        browse.clicked.connect(self.browse)
        file_label = QLabel("文件(&F)：", self)
        file_label.setBuddy(self.path_edit)
        row.addWidget(file_label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        lay.addLayout(row)

        form = QFormLayout()
        self.branch_combo = QComboBox(self)
        self.branch_combo.addItem("（不指定：按文件中的所在党支部列、工作表名或填报单位）", None)
        for r in wizard.db.query("SELECT id, name, org_type FROM org WHERE org_type IN ('党支部', '党总支') "
                                 "ORDER BY sort_order, name"):
            self.branch_combo.addItem(r["name"], r["id"])
        if wizard.default_org_id:
            i = self.branch_combo.findData(wizard.default_org_id)
            if i >= 0:
                self.branch_combo.setCurrentIndex(i)
        form.addRow("文件未注明党支部时导入到(&D)：", self.branch_combo)
        self.create_check = QCheckBox("台账中没有的党支部、党小组自动新建(&N)", self)
        self.update_check = QCheckBox("已登记党员的信息与文件不同时，按文件修改(&U)", self)
        form.addRow(self.create_check)
        form.addRow(self.update_check)
        lay.addLayout(form)
        tpl = QPushButton("下载空白导入模板(&T)…", self)
        tpl.clicked.connect(lambda: save_template_dialog(self, wizard.db))
        lay.addWidget(tpl, 0, Qt.AlignmentFlag.AlignLeft)
        self.readonly_label = QLabel("数据库当前为只读，只能检查文件，不能导入。", self)
        self.readonly_label.setStyleSheet("color: #b00000")
        self.readonly_label.setVisible(wizard.db.readonly)
        lay.addWidget(self.readonly_label)
        lay.addStretch(1)

    def browse(self) -> None:
        start = self.path_edit.text() or _documents()
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


class MappingPage(QWizardPage):
    """第二步：预览，确认每列对应的项目."""

    def __init__(self, wizard: "RosterImportWizard"):
        super().__init__(wizard)
        self.w = wizard
        self.setTitle("预览和列对应")
        self.setSubTitle("检查每一列对应的项目；不对时在列上方的下拉框中改正，不需要的列选“（不导入）”。")
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.currentIndexChanged.connect(self.show_sheet)
        sheet_label = QLabel("工作表(&S)：", self)
        sheet_label.setBuddy(self.sheet_combo)
        top.addWidget(sheet_label)
        top.addWidget(self.sheet_combo, 1)
        lay.addLayout(top)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        # How columns were read from their values (人员类别 holding 正式/预备 …), optional columns missing.
        self.readings = QLabel(self)
        self.readings.setWordWrap(True)
        self.readings.setStyleSheet("color: #1f4e79")
        lay.addWidget(self.readings)
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        lay.addWidget(self.table, 1)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00000")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        self.previews = []
        self.choices = [("（不导入）", "")] + [(c.label, c.field) for c in spec().columns]

    def initializePage(self) -> None:  # noqa: N802
        self.w.options.mapping = {}
        self.reload()

    def reload(self) -> None:
        self.error.clear()
        keep = self.sheet_combo.currentIndex()
        try:
            self.previews = preview_file(self.w.db, self.w.path, self.w.options, max_rows=40)
        except UserError as e:
            self.previews = []
            self.error.setText(e.message)
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for p in self.previews:
            state = "" if p.layout else "（未找到表头，不导入）"
            if not p.visible:
                state = "（隐藏，不导入）"
            self.sheet_combo.addItem(f"{p.name}{state}")
        self.sheet_combo.blockSignals(False)
        if self.previews:
            self.sheet_combo.setCurrentIndex(min(max(keep, 0), len(self.previews) - 1))
            self.show_sheet(self.sheet_combo.currentIndex())
        self.completeChanged.emit()

    def show_sheet(self, index: int) -> None:
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        if not 0 <= index < len(self.previews):
            return
        p = self.previews[index]
        readings = p.layout.readings if p.layout else []
        self.readings.setText("列的理解：" + "；".join(readings) + "。" if readings else "")
        self.readings.setVisible(bool(readings))
        rows = p.rows
        width = max([len(r) for _, r in rows] + [0])
        if p.layout is None:
            self.info.setText("这个工作表中没有找到花名册的表头（需要“姓名”“身份证号”等列名），不会导入。")
            first = 0
        else:
            header = "、".join(str(n) for n in p.layout.header_rows)
            where = (f"没有“所在党支部”列的行导入到：{p.branch}（依据：{p.branch_source}）" if p.branch
                     else "没有注明党支部的行将无法导入，请在上一步选择党支部")
            has_col = p.layout.column_for("branch") is not None
            self.info.setText(f"表头在第 {header} 行，约 {max(p.total_rows - p.layout.header_rows[-1], 0)} 行数据。"
                              + ("按“所在党支部”列导入到各党支部。" if has_col else where))
            first = p.layout.header_rows[0]
            width = max(width, max((c.index for c in p.layout.columns), default=0) + 1)
        shown_rows = [(n, r) for n, r in rows if n >= first][:25]
        self.table.setColumnCount(width)
        self.table.setRowCount(len(shown_rows) + 1)
        self.table.setHorizontalHeaderLabels([column_letter(i) for i in range(width)])
        self.table.setVerticalHeaderLabels(["对应项目"] + [str(n) for n, _ in shown_rows])
        by_index = {c.index: c for c in p.layout.columns} if p.layout else {}
        for i in range(width):
            if p.layout is None:
                continue
            col = by_index.get(i)
            combo = QComboBox(self.table)
            for text, value in self.choices:
                combo.addItem(text, value)
            combo.setCurrentIndex(combo.findData(col.field if col and col.field else ""))
            if col is not None and col.reading:
                combo.setToolTip(f"按内容判断：列{col.letter}“{col.header or '（无列名）'}”{col.reading}")
            key = col.key if col else f"#{column_letter(i)}"
            combo.setProperty("headerKey", key)
            combo.currentIndexChanged.connect(lambda _i, c=combo: self.remap(c))
            self.table.setCellWidget(0, i, combo)
        header_rows = set(p.layout.header_rows) if p.layout else set()
        for r, (n, values) in enumerate(shown_rows, start=1):
            for i, v in enumerate(values[:width]):
                item = QTableWidgetItem(shown(v))
                if n in header_rows:
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                    item.setBackground(QBrush(QColor("#d9e1f2")))
                self.table.setItem(r, i, item)
        self.table.resizeColumnsToContents()
        for i in range(width):
            self.table.setColumnWidth(i, max(self.table.columnWidth(i), 96))

    def remap(self, combo: QComboBox) -> None:
        self.w.options.mapping[combo.property("headerKey")] = combo.currentData() or ""
        for p in self.previews:  # the rows are already read; only the mapping changes
            if p.layout is not None:
                p.layout = detect(p.name, p.rows[:SCAN_ROWS], self.w.options.mapping)
        # Rebuild after this signal returns: the combo that sent it is replaced.
        QTimer.singleShot(0, lambda: self.show_sheet(self.sheet_combo.currentIndex()))

    def isComplete(self) -> bool:  # noqa: N802
        return any(p.layout is not None and p.visible for p in self.previews)


class RunPage(QWizardPage):
    """A page that runs the importer (a check or the real import) with a progress bar."""

    dry_run = True

    def __init__(self, wizard: "RosterImportWizard"):
        super().__init__(wizard)
        self.w = wizard
        self.runner: ImportRunner | None = None
        self.report: ImportReport | None = None
        lay = QVBoxLayout(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.bar = QProgressBar(self)
        self.bar.setFormat("%p%")
        lay.addWidget(self.bar)
        self.body = QVBoxLayout()
        lay.addLayout(self.body, 1)

    def initializePage(self) -> None:  # noqa: N802
        self.report = None
        self.bar.setValue(0)
        self.bar.setVisible(True)
        self.status.setText("正在检查文件……" if self.dry_run else "正在导入，请稍候……")
        opts = ImportOptions(**{**self.w.options.__dict__, "dry_run": self.dry_run})
        self.runner = ImportRunner(self.w.db, self.w.path, opts, self)
        self.runner.progress.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.completeChanged.emit()
        self.runner.start()

    def cleanupPage(self) -> None:  # noqa: N802 - going Back
        self.cancel()

    def cancel(self) -> None:
        if self.runner is not None and self.runner.running:
            self.runner.cancel()

    @property
    def running(self) -> bool:
        return self.runner is not None and self.runner.running

    def _progress(self, done: int, total: int) -> None:
        self.bar.setMaximum(max(total, 1))
        self.bar.setValue(min(done, total))

    def _failed(self, message: str) -> None:
        self.bar.setVisible(False)
        self.status.setText(message)
        self.status.setStyleSheet("color: #b00000")
        self.completeChanged.emit()

    def _finished(self, report: ImportReport) -> None:
        self.report = report
        self.bar.setValue(self.bar.maximum())
        self.status.setStyleSheet("")
        self.status.setText(report.summary())
        self.show_report(report)
        self.completeChanged.emit()

    def show_report(self, report: ImportReport) -> None:
        pass

    def isComplete(self) -> bool:  # noqa: N802
        return self.report is not None and self.report.ok


class CheckPage(RunPage):
    """第三步：检查每一行；有错误时列出来，可保存为标出错误单元格的Excel."""

    dry_run = True

    def __init__(self, wizard: "RosterImportWizard"):
        super().__init__(wizard)
        self.setTitle("检查结果")
        self.setSubTitle("逐行检查文件中的每一名党员。只要有一处错误就不会导入，请按清单修改Excel后重新选择文件。")
        self.tabs = QTabWidget(self)
        self.error_model = ProblemModel(parent=self)
        self.error_view = problem_view(self.error_model, self)
        self.note_model = ProblemModel(parent=self)
        self.note_view = problem_view(self.note_model, self)
        self.changes = QTableWidget(self)
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tabs.addTab(self.error_view, "错误")
        self.tabs.addTab(self.changes, "信息变化")
        self.tabs.addTab(self.note_view, "提示")
        self.body.addWidget(self.tabs, 1)
        self.save_button = QPushButton("保存错误报告(&S)…", self)
        self.save_button.clicked.connect(self.save_report)
        self.body.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.saved = None

    def initializePage(self) -> None:  # noqa: N802
        self.error_model.set_problems([])
        self.note_model.set_problems([])
        self.changes.setRowCount(0)
        self.save_button.setEnabled(False)
        super().initializePage()

    def show_report(self, report: ImportReport) -> None:
        self.error_model.set_problems(report.errors)
        self.note_model.set_problems(report.warnings)
        for view, n in ((self.error_view, len(report.errors)), (self.note_view, len(report.warnings))):
            if n <= 500:  # measuring every row of a huge list would stall the window
                view.resizeRowsToContents()
        self.tabs.setTabText(0, f"错误（{len(report.errors)}）")
        self.tabs.setTabText(1, f"信息变化（{len(report.changes)}）")
        self.tabs.setTabText(2, f"提示（{len(report.warnings)}）")
        self.changes.setColumnCount(5)
        self.changes.setHorizontalHeaderLabels(["工作表", "行号", "党员", "项目", "库中 → 文件"])
        rows = [(c, f) for c in report.changes for f in c.fields]
        self.changes.setRowCount(len(rows))
        for r, (c, (_f, label, old, new)) in enumerate(rows):
            for col, text in enumerate((c.sheet, str(c.row), f"{c.name}（{c.id_number}）", label,
                                        f"{old or '（空）'} → {new or '（空）'}")):
                self.changes.setItem(r, col, QTableWidgetItem(text))
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.save_button.setEnabled(bool(report.errors))
        if report.errors:
            self.tabs.setCurrentIndex(0)
        elif report.changes:
            self.tabs.setCurrentIndex(1)
            if not self.w.options.update:
                self.status.setText(report.summary() + "如需按文件修改，请返回第一步勾选“按文件修改”。")
        elif report.warnings:
            self.tabs.setCurrentIndex(2)
        if report.ok and self.w.db.readonly:
            self.status.setText(report.summary() + "数据库为只读，不能导入。")
        nothing = report.ok and not (report.added or report.created_orgs or (self.w.options.update and report.changes))
        if nothing:
            self.status.setText(report.summary() + "没有需要导入的内容。")

    def save_report(self) -> None:
        if self.report is None:
            return
        default = str(Path(_documents()) / f"{self.w.path.stem}-错误报告.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "保存错误报告", default, "Excel文件 (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            self.saved = save_error_report(self.report, path)
        except (OSError, UserError) as e:
            _message(self, "保存错误报告", f"无法保存：{getattr(e, 'message', None) or e}", QMessageBox.Icon.Warning)
            return
        _message(self, "保存错误报告", f"已保存，出错的单元格标成了红色：\n{self.saved}", open_path=self.saved)

    def isComplete(self) -> bool:  # noqa: N802
        r = self.report
        if r is None or not r.ok or self.w.db.readonly:
            return False
        return bool(r.added or r.created_orgs or (self.w.options.update and r.changes))


class ImportPage(RunPage):
    """第四步：导入（一个操作单元，取消则什么都不写）."""

    dry_run = False

    def __init__(self, wizard: "RosterImportWizard"):
        super().__init__(wizard)
        self.setTitle("导入")
        self.setSubTitle("正在写入数据库。点“取消”可以停止，已处理的内容会全部撤销。")
        self.setFinalPage(True)
        self.setCommitPage(False)

    def _finished(self, report: ImportReport) -> None:
        super()._finished(report)
        if report.written:
            self.setSubTitle("导入完成。")
            self.w.report = report
            self.w.imported.emit(report)
        elif report.errors:  # the file changed since the check
            self.status.setText(report.summary() + "（文件在检查后被修改过，请返回重新检查。）")


class RosterImportWizard(QWizard):
    """导入花名册. exec()/finished give Accepted only when members were written; `imported`
    carries the ImportReport (added, updated, created_orgs …), also kept in `self.report`."""

    imported = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None, default_org_id: str | None = None):
        super().__init__(parent)
        self.db = db
        self.default_org_id = default_org_id
        self.path: Path | None = None
        self.options = ImportOptions()
        self.report: ImportReport | None = None
        self.setWindowTitle("导入花名册")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步(&N) >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< 上一步(&B)")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成(&F)")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page, self.import_page):
            self.addPage(page)
        self.check_page.setButtonText(QWizard.WizardButton.NextButton, "导入(&I)")
        fit_to_screen(self, 980, 640)

    @property
    def counts(self) -> dict[str, int]:
        r = self.report
        return {"added": r.added if r else 0, "updated": r.updated if r else 0,
                "created_orgs": len(r.created_orgs) if r else 0}

    def set_file(self, path: str | Path) -> None:
        """Choose the file (what 浏览 does), for keyboard users pasting a path and for tests."""
        self.file_page.path_edit.setText(str(path))

    def running(self) -> bool:
        return self.check_page.running or self.import_page.running

    def reject(self) -> None:
        # Cancelling while the import runs rolls it back; nothing has been written.
        self.check_page.cancel()
        self.import_page.cancel()
        if self.report is not None and self.report.written:
            super().done(QDialog.DialogCode.Accepted)  # too late to cancel: it is in the database
            return
        super().reject()

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted and not (self.report and self.report.written):
            result = QDialog.DialogCode.Rejected
        super().done(result)


# ---- export and template ---------------------------------------------------------------------

def export_roster_dialog(parent: QWidget | None, db: Database, org_id: str | None = None,
                         member_ids: list[str] | None = None) -> Path | None:
    """导出花名册: ask where to save, export with a progress dialog, report the result."""
    if org_id:
        org = db.get("org", org_id)
        unit = org["name"] if org else "党员"
    else:
        unit = db.scalar("SELECT name FROM org WHERE parent_id IS NULL AND office_id = ?", (db.local_office_id,)) or ""
    default = str(Path(_documents()) / f"{unit}党员花名册.xlsx")
    path, _ = QFileDialog.getSaveFileName(parent, "导出花名册", default, "Excel文件 (*.xlsx)")
    if not path:
        return None
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    dlg = QProgressDialog("正在导出花名册……", "取消", 0, 0, parent)
    dlg.setWindowTitle("导出花名册")
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.setMinimumDuration(600)

    def progress(done: int, total: int) -> None:
        dlg.setMaximum(max(total, 1))
        dlg.setValue(min(done, total))

    try:
        n = export_roster(db, path, org_id=org_id, member_ids=member_ids, progress=progress,
                          cancel=dlg.wasCanceled)
    except ExportCancelled:
        dlg.close()
        return None
    except UserError as e:
        dlg.close()
        _message(parent, "导出花名册", e.message, QMessageBox.Icon.Warning)
        return None
    dlg.close()
    _message(parent, "导出花名册", f"已导出 {n} 名党员：\n{path}", open_path=Path(path))
    return Path(path)


def save_template_dialog(parent: QWidget | None, db: Database | None = None) -> Path | None:
    """下载导入模板: a blank roster with drop-down lists (branch names from `db` when given)."""
    default = str(Path(_documents()) / "党员花名册导入模板.xlsx")
    path, _ = QFileDialog.getSaveFileName(parent, "保存导入模板", default, "Excel文件 (*.xlsx)")
    if not path:
        return None
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    try:
        write_template(path, branches=branch_names(db) if db is not None else ())
    except UserError as e:
        _message(parent, "导入模板", e.message, QMessageBox.Icon.Warning)
        return None
    _message(parent, "导入模板", f"已保存导入模板：\n{path}\n\n按模板填写后，用“导入花名册”导入。", open_path=Path(path))
    return Path(path)
