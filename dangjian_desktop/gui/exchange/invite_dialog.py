"""邀请乡镇: which town to invite (one of the county's towns, or a name typed); and, for a town
whose computer died, which enrolled town gets a recovery file (its data as the county holds them)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget


class InviteDialog(QDialog):
    def __init__(self, towns: list[str], parent: QWidget | None = None, *, recovery: bool = False):
        super().__init__(parent)
        self.setWindowTitle("为乡镇生成恢复数据包" if recovery else "邀请乡镇")
        form = QFormLayout(self)
        if recovery:
            text = ("乡镇的电脑损坏或丢失时，用县里保存的该乡镇数据生成恢复数据包，\n"
                    "乡镇在新电脑上用它和恢复码恢复数据，并重新加入数据交换。\n"
                    "生成后，该乡镇原来的密钥即停用：旧电脑导出的数据包县里不再接收。")
        else:
            text = ("为乡镇生成一次性的邀请文件（县里的公钥、乡镇名称和一次性密码），\n"
                    "交给乡镇加入数据交换。已加入的乡镇再邀请一次，需要重新加入。")
        form.addRow(QLabel(text, self))
        self.combo = QComboBox(self)
        self.combo.setEditable(not recovery)  # a recovery file only for a town whose data the county has
        self.combo.addItems(towns)
        form.addRow("乡镇：", self.combo)
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton("生成恢复数据包…" if recovery else "生成邀请文件…",
                                    QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def town(self) -> str:
        return self.combo.currentText().strip()

    def _accept(self) -> None:
        if self.town():
            self.accept()
