"""The scheme editor's 分数取整 row: how a score with a fraction meets bands written in whole points
(去尾 or 四舍五入, schemes.rounding), with the rule spelled out on an example."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ...schemes import model as m
from ...schemes.rounding import rounding_text
from ..kit.palette import HINT_HEX, css


class RoundingRow(QWidget):
    """分数取整(&Q): [去尾（不足1分的部分不计） ▾]  如 94.5 分按 94 分对照分数线。

    `changed(rounding)` when the clerk picks another rule (not when a scheme is shown)."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._loading = False
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("分数取整(&Q)：")
        self.combo = QComboBox()
        self.combo.setAccessibleName("分数取整")
        for kind in m.ROUNDING_KINDS:
            self.combo.addItem(m.ROUNDING_LABELS[kind], kind)
        label.setBuddy(self.combo)
        self.combo.setToolTip("文件的分数线写的是整数分（如“85-94分为优良”“95分以上为优秀”），带小数的分数按这里的规则"
                              "取整后对照分数线；党员积分评星与本方案用同一规则。")
        self.hint = QLabel()
        self.hint.setStyleSheet(css(HINT_HEX))
        row.addWidget(label)
        row.addWidget(self.combo)
        row.addWidget(self.hint, 1)
        self.combo.currentIndexChanged.connect(self._changed)

    def set_value(self, rounding: str | None, *, applies: bool = True) -> None:
        """Show a scheme's rule; `applies` is False for a classification scheme (no score bands)."""
        self._loading = True
        self.combo.setCurrentIndex(max(0, self.combo.findData(rounding or m.DEFAULT_ROUNDING)))
        self._loading = False
        self.setVisible(applies)
        self._show_hint()

    @property
    def value(self) -> str:
        return self.combo.currentData()

    def _show_hint(self) -> None:
        self.hint.setText(rounding_text(self.value).removeprefix("分数取整：").split("，", 1)[-1])

    def _changed(self, _index: int) -> None:
        self._show_hint()
        if not self._loading:
            self.changed.emit(self.value)
