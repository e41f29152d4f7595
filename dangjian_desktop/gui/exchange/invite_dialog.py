"""邀请乡镇: which town to invite (one of the county's towns, or a name typed)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget


class InviteDialog(QDialog):
    def __init__(self, towns: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("邀请乡镇")
        form = QFormLayout(self)
        note = QLabel("为乡镇生成一次性的邀请文件（县里的公钥、乡镇名称和一次性密码），\n"
                      "交给乡镇加入数据交换。已加入的乡镇再邀请一次，需要重新加入。", self)
        form.addRow(note)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.addItems(towns)
        form.addRow("乡镇：", self.combo)
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton("生成邀请文件…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def town(self) -> str:
        return self.combo.currentText().strip()

    def _accept(self) -> None:
        if self.town():
            self.accept()
