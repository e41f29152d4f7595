"""党费 sub-page: every member's year (base, months paid, arrears, state), keyboard-first payment
entry (select a member, Enter: the months owed and their amount are filled in, Enter again saves),
bases and exemptions, the office's Excel register in and out (an import with any error writes
nothing and can save its error list), the reminder list and the year's list to print."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFileDialog

from ... import dates
from ...ledgers import dues
from ...ledgers.common import fmt_yuan
from ..kit.messages import slot
from ..kit.operations import Operation
from . import dialogs, models
from .panels import LedgerPanel


class DuesPanel(LedgerPanel):
    KIND, TITLE, COLUMNS = "dues", "党费", models.DUES
    WATCHED = frozenset({"dues_base", "dues_payment", "dues_exemption", "member", "member_event"})
    ENTER = "pay"
    ROW_KEY = "member_id"
    imported = Signal(object)  # the DuesImportReport of an import that ran

    def __init__(self, page):
        super().__init__(page)
        self.owing_only = QCheckBox("只看欠缴(&V)")
        self.owing_only.toggled.connect(self._owing_toggled)
        self.bar.insertWidget(0, self.owing_only)
        self.last_report = None
        self.years: dict[tuple, dues.DuesYear] = {}  # (year, office, organisation) -> the year as last shown

    def actions(self):
        return [("登记缴费(&P)…", self.pay), ("核定基数(&B)…", self.base), ("减免(&X)…", self.exempt),
                ("取消减免…", self.unexempt), ("沿用上年基数", self.carry), ("导入登记表(&I)…", self.import_dialog)]

    def menu_actions(self):
        return [("导出党费收缴登记表（每月一列）…", self.export_register_dialog), ("打印催缴名单…", self.reminder_dialog)]

    def load(self, db, s):
        read = self.years.get((s["year"], s["office_id"], s["org_id"]))
        if read is not None:
            # Shown before (after a save, or back to a scope): the members changed since are read
            # again, not the whole year (a county's takes a second or more).
            return dues.refreshed(db, read)
        if s["office_id"] is None and s["org_id"] is None:
            # A county's (a prefecture's) whole year takes most of a second (several): its first
            # town is shown meanwhile, as the beginning of the same list.
            as_of = dates.today()
            part = dues.first_office(db, s["year"], as_of=as_of)
            if part is not None:
                self.show_early(s, part)
            return dues.status(db, s["year"], as_of=as_of)
        return dues.status(db, s["year"], office_id=s["office_id"], org_id=s["org_id"])

    def show_part(self, part) -> None:
        """The first town's members while the rest of the year is read; no totals yet."""
        self.set_rows(self._shown(part))
        at = self.page.town_combo.findData(part.scope[0]) if part.scope else -1
        town = self.page.town_combo.itemText(at) if at >= 0 else "第一个乡镇"
        self.hint.setText(f"正在读取全部乡镇{part.year}年的党费，先显示{town}的{len(part.members)}名党员……"
                          f"（合计和导出在读完后可用）")

    def _shown(self, data) -> list:
        return [m for m in data.members if m.arrears_fen] if self.owing_only.isChecked() else data.members

    def _owing_toggled(self, _on: bool) -> None:
        if self.early_rows is not None:
            self.show_part(self.early_rows)
        else:
            self.show_rows(getattr(self, "data", None))

    def forget(self) -> None:
        super().forget()
        self.data = None
        self.years.clear()

    def _keep(self, data) -> None:
        """Keep the year shown and the one shown before it (e.g. 全县 while a town is looked at)."""
        key = (data.year, *data.scope)
        self.years.pop(key, None)
        self.years[key] = data
        while len(self.years) > 2:
            self.years.pop(next(iter(self.years)))

    def show_rows(self, data):
        if data is None:
            return
        if data is not getattr(self, "data", None):
            self._keep(data)
        self.data = data
        self.set_rows(self._shown(data))
        # The totals from the branches' (a member owing dues is always counted in their branch's).
        members = sum(b.members for b in data.branches)
        on_time = sum(b.on_time for b in data.branches)
        owing = sum(b.in_arrears for b in data.branches)
        self.hint.setText(f"{data.year}年：{members}名党员，按时足额{on_time}人；欠缴{owing}人共"
                          f"{fmt_yuan(sum(b.arrears_fen for b in data.branches))}元（只计已结束的月份）。"
                          f"选中党员后按回车登记缴费。")

    def _member(self):
        m = self.current()
        if m is None:
            self.page.inform("请先在表中选择一名党员。")
        return m

    @slot
    def pay(self):
        m = self._member()
        if m is not None:
            self.open_dialog(dialogs.PaymentDialog, member=m, receiver=getattr(self.page, "last_receiver", ""))

    @slot
    def base(self):
        m = self._member()
        if m is not None:
            self.open_dialog(dialogs.BaseDialog, member=m)

    @slot
    def exempt(self):
        m = self._member()
        if m is not None:
            self.open_dialog(dialogs.ExemptionDialog, member=m)

    @slot
    def unexempt(self):
        m = self._member()
        if m is None:
            return
        rows = dues.exemptions(self.db, m.member_id, m.year)
        if not rows:
            self.page.inform(f"{m.name}{m.year}年没有登记党费减免。")
            return
        self.open_dialog(dialogs.CancelExemptionDialog, member=m, rows=rows)

    @slot
    def carry(self):
        year = self.page.scope()["year"]
        self.page.ask(f"按{year - 1}年度的基数核定{year}年度（已核定的党员不变）？", "沿用上年基数", self._carry)

    def _carry(self) -> None:
        s = self.page.scope()
        n = dialogs.apply(self.page, "沿用上年基数", lambda db: dues.carry_bases(
            db, s["year"] - 1, s["year"], office_id=s["office_id"], org_id=s["org_id"]))
        self.page.inform(f"已按{s['year'] - 1}年度基数核定{n}人。")

    # ---- Excel ---------------------------------------------------------------------------------
    def _file_dialog(self, title: str, name: str, save: bool, done) -> None:
        dlg = QFileDialog(self, title, str(Path.home() / name), "Excel 工作簿 (*.xlsx)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        if save:
            dlg.setDefaultSuffix("xlsx")
        else:
            dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.fileSelected.connect(done)
        self.page.current_dialog = dlg
        dlg.open()

    @slot
    def export_register_dialog(self):
        year = self.page.scope()["year"]
        self._file_dialog("导出党费收缴登记表", f"{year}年度党费收缴登记表.xlsx", True, self.export_register)

    @slot
    def export_register(self, path):
        from ...ledgers.dues_excel import export_dues
        from ..kit.operations import Query

        s = self.page.scope()
        return Query(self.page, "正在导出党费收缴登记表……", lambda db, progress: export_dues(
            db, s["year"], path, office_id=s["office_id"], org_id=s["org_id"], progress=progress),
            takes_progress=True, stops_at_progress=True).success(self.page.saved_file).run_in_background()

    @slot
    def reminder_dialog(self):
        year = self.page.scope()["year"]
        dlg = QFileDialog(self, "打印催缴名单", str(Path.home() / f"{year}年党费欠缴提醒名单.pdf"), "PDF 文件 (*.pdf)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("pdf")
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.fileSelected.connect(lambda path: self.export(path, "arrears"))
        self.page.current_dialog = dlg
        dlg.open()

    @slot
    def import_dialog(self):
        self._file_dialog("导入党费收缴登记表", "", False, self.import_file)

    @slot
    def import_file(self, path):
        """Import a register in the background: all or nothing; the report is told when it ends."""
        from ...ledgers.dues_excel import import_dues

        s = self.page.scope()
        op = Operation(self.page, f"正在导入“{Path(path).name}”……", lambda db, progress: import_dues(
            db, path, year=s["year"], office_id=s["office_id"], receiver=getattr(self.page, "last_receiver", ""),
            progress=progress), takes_progress=True)
        return op.success(self._imported).run_in_background()

    def _imported(self, report) -> None:
        self.last_report = report
        self.imported.emit(report)
        if report.errors:
            lines = "\n".join(f"第{p.row}行 {p.column or ''}{('“' + p.header + '”') if p.header else ''}：{p.problem}"
                              if p.row else p.problem for p in report.sorted_errors()[:12])
            more = f"\n……另有{len(report.errors) - 12}处" if len(report.errors) > 12 else ""
            self.page.ask(f"{report.summary()}\n\n{lines}{more}\n\n把错误清单另存为 Excel（出错的单元格标红）？",
                          "导入未完成", self._save_errors, yes_text="另存错误清单")
            return
        self.page.inform(report.summary(), "导入党费登记表")

    def _save_errors(self) -> None:
        report = self.last_report

        def save(path):
            from ...ledgers.dues_excel import save_error_report

            self.page.saved_file(save_error_report(report, path))

        self._file_dialog("另存错误清单", f"{report.path.stem}-错误清单.xlsx", True, save)
