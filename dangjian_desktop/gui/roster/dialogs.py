"""导出花名册 and 下载导入模板: ask where to save, write the file, say where it is (with 打开文件)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ...db import Database
from ...errors import UserError
from ...roster import export_roster, write_template
from ...roster.export import ExportCancelled, roster_unit
from ...roster.branches import branch_names
from ..kit.messages import info_box, report_error
from ..kit.operations import Query

EXCEL_FILTER = "Excel文件 (*.xlsx *.xlsm *.xls)"
XLSX_FILTER = "Excel文件 (*.xlsx)"


def documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def ask_xlsx(parent: QWidget | None, title: str, default_name: str) -> Path | None:
    """Where to save an .xlsx file (the suffix added when the clerk left it out); None: cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path(documents_folder()) / default_name), XLSX_FILTER)
    if not path:
        return None
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    return Path(path)


_open_boxes: set[QMessageBox] = set()


def message(parent: QWidget | None, title: str, text: str, icon=QMessageBox.Icon.Information,
            open_path: Path | None = None) -> QMessageBox:
    """A non-blocking message box (kept alive while shown); 打开文件 opens `open_path`."""
    box = info_box(icon, title, text, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:  # nobody else keeps it alive while it is shown
        _open_boxes.add(box)
        box.finished.connect(lambda _r, b=box: _open_boxes.discard(b))
    if open_path is not None:
        btn = box.addButton("打开文件", QMessageBox.ButtonRole.ActionRole)
        btn.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(open_path))))
    box.open()
    return box


def export_roster_dialog(parent: QWidget | None, db: Database, org_id: str | None = None,
                         member_ids: list[str] | None = None) -> Query | None:
    """导出花名册: ask where to save, then export in the background (after a moment a progress
    dialog with 取消; the window keeps repainting meanwhile) and tell the result. Returns the running Query
    (None: cancelled in the file dialog); its `result` is the number of members written."""
    path = ask_xlsx(parent, "导出花名册", f"{roster_unit(db, org_id) or '党员'}党员花名册.xlsx")
    if path is None:
        return None

    def work(reader: Database, progress, cancelled) -> int:
        return export_roster(reader, path, org_id=org_id, member_ids=member_ids, cancel=cancelled,
                             progress=lambda done, total: progress(done, total, f"已写入 {done} / {total} 名党员"))

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, ExportCancelled):  # 取消 leaves no file and needs no words
            report_error(parent, exc)

    def done(n: int) -> None:
        message(parent, "导出花名册", f"已导出 {n} 名党员：\n{path}", open_path=path)

    return Query(parent, "正在导出花名册……", work, db=db, takes_progress=True, cancellable=True) \
        .success(done).failure(failed).run_in_background()


def save_template_dialog(parent: QWidget | None, db: Database | None = None) -> Path | None:
    """下载导入模板: a blank roster with drop-down lists (branch names from `db` when given)."""
    path = ask_xlsx(parent, "保存导入模板", "党员花名册导入模板.xlsx")
    if path is None:
        return None
    try:
        write_template(path, branches=branch_names(db) if db is not None else ())
    except UserError as e:
        message(parent, "导入模板", e.message, QMessageBox.Icon.Warning)
        return None
    message(parent, "导入模板", f"已保存导入模板：\n{path}\n\n按模板填写后，用“导入花名册”导入。", open_path=path)
    return path
