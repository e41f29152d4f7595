"""备份与恢复 (文件 menu): the database's backups with their date, size, schema version and counts
(and, for those made before the database was moved or renamed, where it was then: 原位置);
立即备份, 恢复 (the window's database is closed, replaced and reopened), 打开备份文件夹."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..db.backup import BackupInfo, auto_backup, backup_dir, keep_policy, list_backups, space_rule
from ..db.restore import restore
from .kit.plain_text import literal
from .kit.tasks import Task
from .common import Messages
from .screen_fit import fit_to_screen

COLUMNS = ("时间", "类型", "大小", "数据库版本", "党组织", "党员", "考核轮次", "原位置")
ORIGIN = COLUMNS.index("原位置")  # shown only when a backup was made with the database elsewhere


def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


def open_backup_dialog(window: Any) -> "BackupDialog | None":
    """文件 → 备份与恢复: the dialog for the window's open database (window-modal, non-blocking)."""
    if window.db is None:
        QMessageBox.information(window, "备份与恢复", "请先打开数据库。")
        return None
    dlg = BackupDialog(window)
    window.current_dialog = dlg

    def closed(_result: int) -> None:
        if window.current_dialog is dlg:
            window.current_dialog = None
        dlg.deleteLater()

    dlg.finished.connect(closed)
    dlg.open()
    return dlg


class BackupDialog(Messages, QDialog):
    def __init__(self, window: Any, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.main_window = window  # not `window`: that would hide QWidget.window(), called on a child dialog's parent
        self.db_path: Path = Path(window.db.path)
        self.readonly = window.db.readonly
        self.backups: list[BackupInfo] = []
        self.task: Task | None = None
        self.setWindowTitle("备份与恢复")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        fit_to_screen(self, 900, 480)

        layout = QVBoxLayout(self)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.info_label)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # 类型 takes the spare width
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        layout.addWidget(self.table, 1)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        row = QHBoxLayout()
        self.backup_button = QPushButton("立即备份")
        self.restore_button = QPushButton("恢复所选备份…")
        self.restore_file_button = QPushButton("从其他文件恢复…")
        self.folder_button = QPushButton("打开备份文件夹")
        self.rules_button = QPushButton("保留规则(&K)…")
        self.close_button = QPushButton("关闭")
        for b in (self.backup_button, self.restore_button, self.restore_file_button, self.folder_button,
                  self.rules_button):
            row.addWidget(b)
        for b in (*(row.itemAt(i).widget() for i in range(row.count())), self.close_button):
            b.setAutoDefault(False)  # Enter on the list made a backup (the first button was the default)
            b.setDefault(False)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.folder_button.clicked.connect(self.open_folder)
        self.rules_button.clicked.connect(self.edit_rules)
        self.current_dialog = None  # the 保留规则 dialog while it is open
        self.close_button.clicked.connect(self.reject)
        if self.readonly:
            self.status_label.setText("数据库正被其他程序使用（本窗口只读）：可以备份，但不能恢复。")
        self.refresh()

    # ---- the list
    def refresh(self, select: Path | None = None) -> None:
        from .backup_rules_dialog import usage_text

        db = self.main_window.db or self.db_path
        self.backups = list_backups(db)
        self.info_label.setText(f"数据库：{self.db_path}\n备份文件夹：{backup_dir(self.db_path)}\n"
                                f"保留规则：{keep_policy(db).describe()}\n空间上限：{space_rule(db).describe()}\n"
                                f"{usage_text(self.db_path, self.backups)}")
        self.table.setRowCount(len(self.backups))
        for r, b in enumerate(self.backups):
            if b.error:
                cells = [b.created_text, b.reason_label, size_text(b.size), b.error, "", "", ""]
            else:
                c = b.counts
                cells = [b.created_text, b.reason_label, size_text(b.size), f"第{b.schema_version}版",
                         *("" if c.get(k) is None else str(c[k]) for k in ("organisations", "members", "rounds"))]
            cells.append("" if b.origin is None else str(b.origin))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(literal(str(b.path) if b.origin is None else  # paths shown as written
                                        f"{b.path}\n数据库当时在：{b.origin}（这份备份不按本数据库的保留规则清理）"))
                if 2 <= col < ORIGIN:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, col, item)
        if select is not None:
            for r, b in enumerate(self.backups):
                if b.path == select:
                    self.table.selectRow(r)
        self.table.setColumnHidden(ORIGIN, all(b.origin is None for b in self.backups))
        if not self.backups:
            self.status_label.setText("还没有备份。点“立即备份”做第一份。")
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        idle = self.task is None
        self.backup_button.setEnabled(idle)
        self.restore_button.setEnabled(idle and not self.readonly and self.selected() is not None)
        self.restore_file_button.setEnabled(idle and not self.readonly)
        self.rules_button.setEnabled(idle and not self.readonly and self.main_window.db is not None)
        self.close_button.setEnabled(idle)

    def _run(self, label: str, fn, on_done, on_error=None) -> None:
        self.task = Task(self, label, fn, on_done, on_error)
        self.task.finished.connect(self._task_finished)
        self._update_buttons()

    def _task_finished(self) -> None:
        self.task = None
        self._update_buttons()

    def reject(self) -> None:  # noqa: D401 - Qt API: Esc and 关闭 wait for running work
        if self.task is None:
            super().reject()

    # ---- actions
    def backup_now(self) -> None:
        path = self.db_path

        def done(target: Path) -> None:
            self.refresh(select=target)
            self.status_label.setText(f"已备份：{target.name}")

        self.status_label.setText("正在备份…")
        self._run("正在备份数据库…", lambda progress: auto_backup(path, "manual", progress=progress), done)

    def edit_rules(self) -> None:
        """保留规则…: the keep rule and the space ceiling; saved, the backups are thinned at once."""
        from .backup_rules_dialog import BackupRulesDialog
        from .common import open_dialog

        if self.main_window.db is None or self.readonly or self.task is not None:
            return
        wrapper = BackupRulesDialog(self.main_window.db, self)

        def saved(removed: list[Path]) -> None:
            self.refresh()
            self.status_label.setText("已保存备份保留规则" + (f"，删去了 {len(removed)} 份较早的备份。"
                                                             if removed else "。"))

        open_dialog(self, wrapper, saved)

    def open_folder(self) -> None:
        folder = backup_dir(self.db_path)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def restore_selected(self) -> None:
        b = self.selected()
        if b is None or self.task is not None or self.readonly:
            return
        if b.error:
            self.show_message("不能恢复", f"这份备份无法使用：{b.error}", QMessageBox.Icon.Warning)
            return
        self.confirm("恢复备份",
                     f"用 {b.created_text} 的备份（{b.reason_label}）替换当前数据库？\n\n"
                     f"替换前会先自动备份当前数据库，需要时可以再恢复回来。",
                     lambda: self.restore_file(b.path), yes_text="恢复")

    def restore_from_file(self) -> None:
        if self.task is not None or self.readonly:
            return
        path, _ = QFileDialog.getOpenFileName(self, "选择要恢复的备份文件", str(backup_dir(self.db_path)),
                                              "党建台账备份 (*.zip *.sqlite *.db);;所有文件 (*)")
        if path:
            self.confirm("恢复备份", f"用文件“{Path(path).name}”替换当前数据库？\n\n"
                                     f"替换前会先自动备份当前数据库，需要时可以再恢复回来。",
                         lambda: self.restore_file(Path(path)), yes_text="恢复")

    def restore_file(self, backup_file: Path) -> None:
        """Close the window's database (no on-close backup: the restore makes one), replace it, reopen."""
        window, db_path = self.main_window, self.db_path
        auto = getattr(window, "auto_backup", None)
        kept = auto.baseline if auto is not None else None  # what "changed since opening" is measured from
        if auto is not None:
            auto.suspended = True
        try:
            window.close_database()
        finally:
            if auto is not None:
                auto.suspended = False

        def done(result) -> None:
            window.open_database(db_path)
            self.refresh(select=result.safety_backup)
            text = f"已用“{backup_file.name}”恢复数据库。"
            if result.migrated:
                text += f"\n备份的数据库版本 {result.from_version} 已升级到 {result.schema_version}。"
            if result.safety_backup is not None:
                text += ("\n原数据库文件已损坏，其原样副本保存在：" if result.damaged
                         else "\n恢复前的数据库已备份为：") + result.safety_backup.name
            self.status_label.setText(text)
            self.show_message("恢复完成", text)

        def failed(exc: BaseException) -> None:
            window.open_database(db_path)  # the database was not replaced: open it again as it was
            if auto is not None and window.db is not None:  # its changes before the attempt still unsaved
                auto.baseline = kept
            self.refresh()
            self.status_label.setText("恢复没有完成。")
            self.show_error(exc, "恢复没有完成")

        self.status_label.setText("正在恢复…")
        self._run("正在恢复数据库…", lambda progress: restore(db_path, backup_file, progress=progress), done, failed)
