"""用恢复数据包重建数据库: a town whose computer died gets its database back, through the window.

At the county, 数据交换 → 乡镇换了电脑… writes a recovery file (the town's data as the county
holds them, with a new invitation) and shows a 12-digit recovery code, told over the phone. On
the town's new computer there is no database yet: the clerk chooses the file from the stick,
types the code and where the database is to be; the core's exchange.recover makes it there, and
it is opened. The two key fingerprints are then shown, to be checked with the county by phone
before the first package is sent (which completes the joining again)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from ..exchange import recover
from ..exchange.crypto import code_digits
from ..paths import default_db_path
from .backup_auto import run_blocking
from .errors import show_error
from .exchange.transfer import PACKAGE_FILTER
from .kit.plain_text import literal
from .restore_new import DATABASE_FILTER

CODE_DIGITS = 12


def _suggested_target(town_file: Path) -> Path:
    usual = default_db_path()
    if not usual.exists():
        return usual
    candidate, n = usual.with_name("恢复的数据库.sqlite"), 2
    while candidate.exists():
        candidate = usual.with_name(f"恢复的数据库（{n}）.sqlite")
        n += 1
    return candidate


def _ask_code(window) -> str | None:
    """The recovery code, asked until it has 12 digits or the clerk gives up."""
    text = ""
    while True:
        text, ok = QInputDialog.getText(
            window, "恢复码", f"请输入县里告知的{CODE_DIGITS}位恢复码（如 1234-5678-9012）：",
            QLineEdit.EchoMode.Normal, text)
        if not ok:
            return None
        digits = code_digits(text)
        if len(digits) == CODE_DIGITS:
            return digits
        QMessageBox.warning(window, "恢复码", literal(f"恢复码应为{CODE_DIGITS}位数字，刚才输入的是"
                                                   f"{len(digits)}位。请核对县里告知的恢复码。"))


def recover_to_new_file(window) -> bool:
    """Ask for the county's recovery file, its code and the new database file; make it and open
    it. True when the recovered database was opened."""
    start = str(Path(str(window.settings.value("last_db", str(default_db_path())))).parent)
    chosen, _ = QFileDialog.getOpenFileName(window, "选择县里的恢复数据包", start, PACKAGE_FILTER)
    if not chosen:
        return False
    code = _ask_code(window)
    if code is None:
        return False
    target_text, _ = QFileDialog.getSaveFileName(window, "新建的数据库保存到", str(_suggested_target(Path(chosen))),
                                                 DATABASE_FILTER, options=QFileDialog.Option.DontConfirmOverwrite)
    if not target_text:
        return False
    target = Path(target_text)
    if target.suffix.lower() != ".sqlite":
        target = target.with_name(target.name + ".sqlite")
    try:
        r = run_blocking(window, "正在用恢复数据包重建数据库…", lambda _progress: recover(target, chosen, code))
    except Exception as e:  # noqa: BLE001
        show_error(window, e, "用恢复数据包重建数据库")
        return False
    if not window.open_database(target):
        return False
    QMessageBox.information(window, "已重建数据库", literal(
        f"已从{r.county}的恢复数据包恢复{r.town}的数据：{r.total} 条记录，数据库 {r.path}。\n\n"
        f"县里的密钥指纹：{r.county_fingerprint}\n本镇新的密钥指纹：{r.own_fingerprint}\n\n"
        "请与县里通过电话核对这两个指纹，然后在“文件 → 数据交换”中导出一个数据包交给县里，完成重新加入。"))
    return True
