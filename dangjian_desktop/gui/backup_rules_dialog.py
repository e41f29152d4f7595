"""备份保留规则 (备份与恢复 → 保留规则…): how many backups are kept over time, and how much disk all of
them may take together (db/backup_rules.py). OK saves both as settings of the
database and thins its backups at once (registry.save_backup_rules)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from ..db.backup import BackupInfo, backup_dir, keep_policy, list_backups, space_rule
from ..db.backup_rules import MIN_KEPT, KeepPolicy, SpaceRule
from ..db.storage import disk_of, fmt_size
from ..registry.offices import save_backup_rules
from .kit.form_dialog import FormDialog

_SPINS = ("allDaysSpin", "dailySpin", "weeklySpin", "monthlySpin")


def usage_text(db_path: Path, backups: list[BackupInfo] | None = None) -> str:
    """现有 N 份备份，共占 X；备份文件夹所在的磁盘还剩 Y。 (`backups`: the database's, when listed already.)
    Those made where the database was before it was moved are in other folders, under no rule of
    its own: told apart."""
    if backups is None:
        backups = list_backups(db_path, details=False)
    own, earlier = [b for b in backups if b.origin is None], sum(b.origin is not None for b in backups)
    disk, free = disk_of(backup_dir(db_path))
    text = f"现有 {len(own)} 份备份，共占 {fmt_size(sum(b.size for b in own))}"
    if earlier:
        text += f"（另有 {earlier} 份是数据库在原位置时做的，不按这里的规则清理）"
    if free is not None:
        text += f"；备份文件夹所在的磁盘（{disk}）还剩 {fmt_size(free)}"
    return text + "。"


class BackupRulesDialog(FormDialog):
    FORM = "backup_rules.ui"

    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        policy, space = keep_policy(db), space_rule(db)
        for name, value in zip(_SPINS, (policy.all_days, policy.daily, policy.weekly, policy.monthly)):
            self.w(name).setValue(value)
        self.w("spaceSpin").setValue(space.gb)
        self.w("introLabel").setText(
            "自动备份在关闭有改动的数据库时、有改动时每 30 分钟、导入和恢复之前进行。较早的备份按下面的规则"
            f"自动删除；所有备份加起来超过空间上限时，先删去与前后备份相隔最近的，最新的 {MIN_KEPT} 份始终保留。"
            "磁盘剩余空间不够做下一份备份时，也照此先删去较早的备份。")
        self.w("usageLabel").setText(usage_text(Path(db.path)))

    def values(self) -> tuple[KeepPolicy, SpaceRule]:
        policy = KeepPolicy(*(self.w(name).value() for name in _SPINS))
        return policy, SpaceRule(round(self.w("spaceSpin").value(), 2))

    def save(self) -> list[Path]:
        """Save the rule and the ceiling, thin the backups; the paths deleted."""
        policy, space = self.values()
        return save_backup_rules(self.db, policy, space)
