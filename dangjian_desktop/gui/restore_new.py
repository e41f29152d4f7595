"""从备份恢复为数据库: a backup made into a database file again and opened, through the window.

On a new computer (or after the database file is lost) there is no database to open 备份与恢复
from: the clerk chooses the backup copied from the stick, then where the database is to be,
and the core's restore writes it there (checked, an older backup upgraded) before it is opened.
A backup chosen with 打开数据库… is offered the same way instead of being called no database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..db.restore import restore
from ..paths import default_db_path
from .backup_auto import run_blocking
from .errors import show_error
from .kit.plain_text import literal

BACKUP_FILTER = "党建台账备份 (*.zip *.sqlite);;所有文件 (*)"
DATABASE_FILTER = "党建台账数据库 (*.sqlite)"


def _suggested_target(backup: Path) -> Path:
    """Where the database is proposed: the usual place when nothing is there yet, else beside it
    under the backup's office name."""
    usual = default_db_path()
    if not usual.exists():
        return usual
    stem = backup.stem.split("_")[0] or "恢复的数据库"
    candidate = usual.with_name(f"{stem}.sqlite")
    n = 2
    while candidate.exists():
        candidate = usual.with_name(f"{stem}（{n}）.sqlite")
        n += 1
    return candidate


def restore_to_new_file(window, backup: Path | None = None) -> bool:
    """Ask for a backup (unless given) and a database file to make of it; restore, then open it.
    True when the restored database was opened."""
    if backup is None:
        start = str(Path(str(window.settings.value("last_db", str(default_db_path())))).parent)
        chosen, _ = QFileDialog.getOpenFileName(window, "选择备份文件", start, BACKUP_FILTER)
        if not chosen:
            return False
        backup = Path(chosen)
    target_text, _ = QFileDialog.getSaveFileName(window, "恢复为数据库文件", str(_suggested_target(backup)),
                                                 DATABASE_FILTER)
    if not target_text:
        return False
    target = Path(target_text)
    if target.suffix.lower() != ".sqlite":
        target = target.with_name(target.name + ".sqlite")
    if window.db is not None and target.resolve() == Path(window.db.path).resolve():
        window.close_database()  # the restore replaces the open file (after a backup of it)
    try:
        run_blocking(window, "正在从备份恢复…", lambda progress: restore(target, backup, progress=progress))
    except Exception as e:  # noqa: BLE001
        show_error(window, e, "从备份恢复")
        return False
    if not window.open_database(target):
        return False
    window.statusBar().showMessage(f"已从备份 {backup.name} 恢复为 {target}，并已打开。", 15000)
    return True


def offer_restore(window, backup: Path) -> bool:
    """A backup chosen where a database was asked for: offer to restore it into a database file."""
    answer = QMessageBox.question(
        window, "打开数据库",
        literal(f"“{backup.name}”是一份备份，不能直接打开。\n要把它恢复为一个数据库文件并打开吗？"
                "（下一步选择数据库保存的位置）"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    return restore_to_new_file(window, backup)
