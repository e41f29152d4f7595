"""第四步：导入 — one unit of work in the background; 取消 stops it and nothing is written."""

from __future__ import annotations

from ...roster import ImportReport
from ..undo_menu import push_undo
from .run_page import RunPage


class ImportPage(RunPage):
    """Writes what the check found, as one kit Operation (the pages hear of it on the bus)."""

    dry_run = False

    def __init__(self, wizard):
        super().__init__(wizard)
        self.setTitle("导入")
        self.setSubTitle("正在写入数据库。点“取消”可以停止，已处理的内容会全部撤销。")
        self.setFinalPage(True)
        self.setCommitPage(False)

    file_changed = False  # the file changed since its check (RunPage): going back checks it again

    def cleanupPage(self) -> None:  # noqa: N802 - going Back
        super().cleanupPage()
        if self.file_changed:
            self.file_changed = False
            self.w.check_page.initializePage()

    def _finished(self, report: ImportReport) -> None:
        if report.written:
            self.setSubTitle("导入完成。")
            self.w.report = report
            # Offered on the main window's 编辑 menu (the wizard is a window of its own).
            push_undo(self.w.parentWidget() or self.w, self.run.change if self.run is not None else None)
            self.w.imported.emit(report)
        elif report.errors:  # the file changed since the check
            self.status.setText(report.summary() + "（文件在检查后被修改过，请返回重新检查。）")
