"""The Excel self-assessment forms (自评表) from the 更多 menu (SelfForms, mixed into the page):
export the sheet shown or every sheet still in 自评 (off the GUI thread), import one filled in by
a branch — all or nothing, with its errors listed and savable as a marked-up workbook
(assessment.excel_forms)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from ...assessment import excel_forms
from ..common import open_dialog
from ..kit.messages import slot
from ..kit.operations import Operation, Query


def problem_text(p) -> str:
    """One problem of an import report (roster.report.Problem) as a line: where, what, what to do."""
    where = f"“{p.sheet}”" if p.sheet else ""
    if p.row:
        where += f"第 {p.row} 行"
    if p.header:
        where += f"“{p.header}”"
    value = f"（{p.value}）" if p.value not in (None, "") else ""
    tip = f" {p.suggestion}" if p.suggestion else ""
    return f"{where}{value}：{p.problem}{tip}" if where else f"{p.problem}{tip}"


class SelfForms:
    """The page's form actions; the page provides db, round_id, editor, open_sheet and the task hooks."""

    @slot
    def export_form_dialog(self) -> None:
        s = self.editor.sheet
        if s is None:
            return
        dlg = QFileDialog(self, "导出自评表", str(Path.home() / f"{s.year}年度自评表-{s.org_name}.xlsx"),
                          "Excel 工作簿 (*.xlsx)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("xlsx")
        dlg.fileSelected.connect(lambda p, sid=s.id: self.export_form(sid, p))
        open_dialog(self, dlg)

    @slot
    def export_form(self, sheet_id: str, path: str) -> Path:
        out = excel_forms.export_form(self.db, sheet_id, path)
        self.show_message(f"已导出自评表：{out}\n请交支部填写“自评分”“说明”和自我评价报告后交回，再用“导入自评表”导入。",
                          "导出自评表")
        return out

    @slot
    def export_forms_dialog(self) -> None:
        dlg = QFileDialog(self, "选择保存自评表的文件夹", str(Path.home()))
        dlg.setFileMode(QFileDialog.FileMode.Directory)
        dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dlg.fileSelected.connect(self.export_forms)
        open_dialog(self, dlg)

    @slot
    def export_forms(self, folder: str) -> Query:
        """Every sheet still in 自评, one workbook each, written off the GUI thread (the page held still)."""
        rid = self.round_id

        def done(paths: list[Path]) -> None:
            self.show_message(f"已为 {len(paths)} 个仍在自评环节的党组织导出自评表到：\n{folder}", "导出自评表")

        self._task_started()
        query = Query(self, "正在导出自评表…", lambda db: excel_forms.export_forms(db, rid, folder)).success(done)
        query.after(lambda: self._task_ended(task)).run_in_background()
        task = self.task = query.task
        return query

    @slot
    def import_form_dialog(self) -> None:
        dlg = QFileDialog(self, "导入自评表", str(Path.home()), "Excel 工作簿 (*.xlsx)")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
        dlg.fileSelected.connect(self.import_form)
        open_dialog(self, dlg)

    @slot
    def import_form(self, path: str) -> excel_forms.FormImportReport:
        rid = self.round_id
        report = Operation(self, "导入自评表", lambda db: excel_forms.import_form(db, path, round_id=rid)).run().result
        if report is None:  # refused before it could read the file (told already)
            return None
        self.last_import = report
        if report.ok:
            self._after_write()
            if report.sheet_id:
                self.open_sheet(report.sheet_id)
            text = f"已导入“{report.org_name}”的自评表：{report.changed} 项有变化。"
            if report.warnings:
                text += "\n\n提示：\n" + "\n".join(f"• {problem_text(p)}" for p in report.warnings[:20])
            self.show_message(text, "导入自评表")
        else:
            self.import_errors_message(report)
        return report

    def import_errors_message(self, report: excel_forms.FormImportReport) -> None:
        lines = [f"“{Path(report.path).name}”有 {len(report.errors)} 处错误，没有导入任何内容：", ""]
        for p in report.errors[:15]:
            lines.append(f"• {problem_text(p)}")
        if len(report.errors) > 15:
            lines.append(f"……另有 {len(report.errors) - 15} 处")
        lines += ["", "可以另存错误报告（Excel），逐条修改后重新导入。"]
        box = self.show_message("\n".join(lines), "导入自评表：未导入")
        save = box.addButton("另存错误报告…", box.ButtonRole.ActionRole)
        save.clicked.connect(lambda: self._save_error_report(report))

    def _save_error_report(self, report: excel_forms.FormImportReport) -> None:
        dlg = QFileDialog(self, "保存错误报告", str(Path(report.path).with_name(Path(report.path).stem + "-错误报告.xlsx")),
                          "Excel 工作簿 (*.xlsx)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("xlsx")
        dlg.fileSelected.connect(lambda p: excel_forms.save_error_report(report, p))
        open_dialog(self, dlg)
