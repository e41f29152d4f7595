"""评分方案, the scheme editor shown in 考核检查: the list of schemes, the chosen one's sections and
items (细则), its rating rule (评定规则) and a trial evaluation (试算), checked as it is edited.

The page (ui/schemes_editor.ui) composes the three panels (items_panel, rule_panel, trial_panel)
over the one scheme being edited, keeps whether it is changed, shows the checker's findings
(schemes.check) and saves, deletes, exports and imports through the core's scheme store
(schemes.save_user_scheme, delete_user_scheme, export_xlsx, load_scheme_file). Schemes are files,
not rows of the database: nothing here writes the database.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QListWidgetItem, QMessageBox, QWidget

from ... import schemes as sch
from ...errors import UserError
from ...schemes import model as m
from ...schemes.model import fmt_num
from ...schemes.store import usable_id
from ...schemes.validate import ERROR, INFO, WARNING
from ..forms import load_form
from ..kit.messages import MessageHost, slot
from ..kit.palette import AMBER, GREEN, GREY, RED
from ..kit.plain_text import literal, plain
from .cells import ROLE
from .items_panel import ItemsPanel
from .rule_panel import RulePanel
from .trial_panel import TrialPanel

SEVERITY_COLOURS = {ERROR: RED, WARNING: AMBER, INFO: GREY}


class SchemesWidget(QWidget, MessageHost):
    """Scheme list | sections/items tree with live validation | rating rule | 试算."""

    scheme_changed = Signal(str)  # the id of the scheme shown
    evaluated = Signal()  # the 试算 result was refreshed

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scheme: m.Scheme | None = None
        self.builtin = False
        self.dirty = False
        self.unstored = False  # opened from a file, not yet saved: its id may be another stored scheme's
        self._loading = False
        self.form = f = load_form("schemes_editor.ui", self)
        self.scheme_list, self.tabs, self.issues_list = f.schemeList, f.tabs, f.issuesList
        self.title_label, self.origin_label = plain(f.titleLabel), plain(f.originLabel)  # a scheme file's texts
        self.import_button, self.export_button = f.importButton, f.exportButton
        self.save_button, self.delete_button = f.saveButton, f.deleteButton
        title_font = QFont(self.title_label.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.items = ItemsPanel(self)
        self.rule = RulePanel(self)
        self.trial = TrialPanel()
        for panel, title in ((self.items, "细则(&D)"), (self.rule, "评定规则(&R)"), (self.trial, "试算(&T)")):
            self.tabs.addTab(panel, title)
        f.splitter.setStretchFactor(0, 0)
        f.splitter.setStretchFactor(1, 1)
        f.splitter.setSizes([220, 900])
        self.scheme_list.currentItemChanged.connect(self._on_pick)
        self.import_button.clicked.connect(self.import_excel)
        self.export_button.clicked.connect(self.export_excel)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete_scheme)
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        self.items.edited.connect(lambda: self._changed(rebuild_trial=True))
        self.rule.edited.connect(lambda vetoes: self._changed(rebuild_trial=vetoes))
        self.trial.evaluated.connect(self.evaluated)
        self.reload_list()

    # ---- the list of schemes -----------------------------------------------------------------------
    def reload_list(self, select: str | None = None) -> None:
        current = select or (self.scheme.id if self.scheme else None)
        self._loading = True
        self.scheme_list.clear()
        for info in sch.list_schemes():
            text = f"{info.name}\n{info.id} · {'内置' if info.builtin else '自定义'}"
            if info.error:
                text += " · 无法读取"
            it = QListWidgetItem(text)
            it.setData(ROLE, info.id)
            it.setToolTip(literal(info.error or str(info.path)))
            if info.error:
                it.setForeground(QBrush(RED))
            self.scheme_list.addItem(it)
        self._loading = False
        row = next((n for n in range(self.scheme_list.count())
                    if self.scheme_list.item(n).data(ROLE) == current), 0)
        if self.scheme_list.count():
            if self.scheme_list.currentRow() == row:
                self._on_pick(self.scheme_list.item(row), None)
            else:
                self.scheme_list.setCurrentRow(row)

    def select_scheme(self, scheme_id: str) -> None:
        for n in range(self.scheme_list.count()):
            if self.scheme_list.item(n).data(ROLE) == scheme_id:
                self.scheme_list.setCurrentRow(n)
                return
        raise KeyError(scheme_id)

    def _confirm_discard(self) -> bool:
        if not self.dirty:
            return True
        answer = QMessageBox.question(self, "放弃修改？", literal(f"“{self.scheme.name}”的修改尚未保存，要放弃这些修改吗？"),
                                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def _on_pick(self, item: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if self._loading or item is None:
            return
        sid = item.data(ROLE)
        if self.scheme is not None and sid == self.scheme.id and not self.dirty and previous is not None:
            return
        if previous is not None and not self._confirm_discard():
            self._loading = True
            self.scheme_list.setCurrentItem(previous)
            self._loading = False
            return
        try:
            scheme = sch.load_scheme(sid)
        except UserError as e:
            self.show_error(e, "无法打开方案")
            return
        self.show_scheme(scheme, builtin=sch.is_builtin(sid))

    # ---- the scheme shown ---------------------------------------------------------------------------
    def show_scheme(self, scheme: m.Scheme, *, builtin: bool, dirty: bool = False, unstored: bool = False) -> None:
        self.scheme = scheme
        self.builtin = builtin
        self.dirty = dirty
        self.unstored = unstored
        self.items.show_scheme(scheme)
        self.rule.show_scheme(scheme)
        self.trial.show_scheme(scheme)
        self._refresh_header()
        self._refresh_issues()
        self.trial.run()
        self.scheme_changed.emit(scheme.id)

    def _refresh_header(self) -> None:
        s = self.scheme
        mark = " *（未保存）" if self.dirty else ""
        self.title_label.setText(f"{s.name}{mark}")
        src = s.source
        bits = ["内置方案：修改后保存为新的自定义方案" if self.builtin else
                "从文件导入，尚未保存" if self.unstored else "自定义方案"]
        if src.title:
            bits.append("来源：" + src.title + (f"（{src.issuer}）" if src.issuer else ""))
        tm = s.effective_total_max()
        if tm is not None:
            bits.append(f"总分 {fmt_num(tm)}")
        self.origin_label.setText("；".join(bits))
        self.origin_label.setToolTip(literal(f"方案编号：{s.id}（在命令行中用它指明这个方案）"))
        self.delete_button.setEnabled(not self.builtin and not self.unstored)

    def _changed(self, *, rebuild_trial: bool = False) -> None:
        """A panel changed the scheme: it is unsaved, checked again and tried again."""
        self.dirty = True
        if rebuild_trial:
            self.trial.fill()
        self.rule.fill_text()
        self._refresh_header()
        self._refresh_issues()
        self.trial.run()

    def _refresh_issues(self) -> None:
        self.issues_list.clear()
        findings = sch.check(self.scheme)
        if not findings:
            it = QListWidgetItem("检查通过：分值、分数线和编号没有问题。")
            it.setForeground(QBrush(GREEN))
            self.issues_list.addItem(it)
        for f in findings:
            it = QListWidgetItem(f.text())
            it.setForeground(QBrush(SEVERITY_COLOURS[f.severity]))
            it.setToolTip(literal(f.text()))
            self.issues_list.addItem(it)
        has_errors = any(f.severity == ERROR for f in findings)
        self.save_button.setEnabled(self.dirty and not has_errors)

    def issue_texts(self) -> list[str]:
        return [self.issues_list.item(n).text() for n in range(self.issues_list.count())]

    # ---- files ---------------------------------------------------------------------------------------
    @slot
    def save(self) -> None:
        if self.scheme is None or not self.dirty:
            return
        saved = sch.save_user_scheme(self.scheme, overwrite=not self.builtin and not self.unstored)
        note = "" if saved.id == self.scheme.id else (
            f"（内置方案不能覆盖，已另存为“{saved.id}”）" if self.builtin or sch.is_builtin(self.scheme.id)
            else f"（编号“{self.scheme.id}”已被使用，已另存为“{saved.id}”）")
        self.dirty = False
        self.reload_list(select=saved.id)
        if note:
            QMessageBox.information(self, "已保存", literal(f"已保存“{saved.name}”{note}。"))

    @slot
    def delete_scheme(self) -> None:
        if self.scheme is None or self.builtin or self.unstored:
            return
        answer = QMessageBox.question(self, "删除方案", literal(f"删除自定义方案“{self.scheme.name}”（{self.scheme.id}）？"
                                                               "已冻结到考核轮次中的副本不受影响。"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        sch.delete_user_scheme(self.scheme.id)
        self.dirty = False
        self.scheme = None
        self.reload_list()

    @slot
    def export_excel(self) -> None:
        if self.scheme is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出评分方案", f"{self.scheme.id}.xlsx", "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        sch.export_xlsx(self.scheme, path)
        QMessageBox.information(self, "已导出", literal(f"已导出到：\n{path}\n\n可以在 Excel 中修改后再导入。"))

    @slot
    def import_excel(self) -> None:
        if not self._confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self, "导入评分方案", "", "Excel 工作簿 (*.xlsx);;方案文件 (*.json)")
        if not path:
            return
        from ...schemes.excel import SchemeImportError  # openpyxl is slow to import: not at start

        try:
            scheme = sch.load_scheme_file(Path(path))
        except SchemeImportError as e:
            QMessageBox.warning(self, "导入失败", literal(e.message))
            return
        wanted = scheme.id
        if not m.ID_PATTERN.match(wanted or ""):  # the editor cannot change an id: never open one it must
            scheme.id = usable_id(wanted)
        if any(f.severity == ERROR for f in sch.check(scheme)):
            self.show_scheme(scheme, builtin=False, dirty=True, unstored=True)
            QMessageBox.warning(self, "方案有错误", "方案已打开但尚未保存：请按“检查结果”中的错误修改后再保存。")
            return
        saved = sch.save_user_scheme(scheme)
        self.dirty = False
        self.reload_list(select=saved.id)
        msg = f"已导入“{saved.name}”。"
        if saved.id != wanted:
            why = "不合规（只能用小写英文字母、数字、“-”和“_”）" if scheme.id != wanted else "已被使用或为内置方案"
            msg += f"\n编号“{wanted}”{why}，已保存为“{saved.id}”。"
        QMessageBox.information(self, "已导入", literal(msg))
