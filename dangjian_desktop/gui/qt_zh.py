"""What Qt's own zh_CN catalogue leaves in English: the file dialog's 'Look in:' and 'Files of type:'
labels, the file kinds in its list ('Folder', 'File'), and the Discard button on some desktops.

Installed after Qt's catalogues (so asked first); anything not listed here falls through to them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTranslator

MISSING: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File"): "文件",
    ("QAbstractFileIconProvider", "%1 File"): "%1 文件",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "Shortcut"): "快捷方式",
    ("QAbstractFileIconProvider", "Unknown"): "未知",
    ("QFileSystemModel", "Folder"): "文件夹",
    ("QPlatformTheme", "Don't Save"): "不保存",
    ("QPlatformTheme", "&Don't Save"): "不保存(&D)",
    ("QPlatformTheme", "Close without Saving"): "关闭且不保存",
}


class SupplementTranslator(QTranslator):
    """Chinese for the few strings above; None (not '') for the rest, so Qt asks its own catalogues."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.setObjectName("qt_zh_supplement")

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D401 - Qt API
        if isinstance(context, bytes):
            context = context.decode("utf-8", "replace")
        return MISSING.get((context, source_text))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt API
        return False
