"""Room on the disk before a backup is written (no Qt). Which backups stay, the ceiling on their
total size included, is backup_rules.py.

A backup first writes a plain copy as large as the database, then compresses it into its ZIP file.
Before it starts, the disk must hold that copy, the ZIP (estimated from the newest backup's
compression) and, on the disk of the default backup folder, a reserve as large as the database
(at least 256 MB: a restore unpacks a copy that large beside the database, and the database needs
room to grow). Where it does not, backup.py thins the default folder first (as after a backup,
then further in the ceiling's order, never the newest backups); if it still does not, the backup
is refused with a Chinese message saying how much it needs and how much is free, before anything
is written. A backup to another disk (a USB stick) writes its plain copy on this computer's disk
when that has room for it and the reserve: the stick then takes only the ZIP, about a fifth of
the database, and is never read back.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from .storage import disk_of, fmt_size

GB = 1 << 30
RESERVE_MIN = 256 << 20
UNKNOWN_RATIO = 0.35  # a compressed backup's size against its database's, with no backup to go by (about 0.2)


def reserve(database_size: int) -> int:
    """The free space a backup must leave on the disk of the default backup folder: as much as the
    database (a restore then still has room for the copy it unpacks beside it, and the database
    room to grow), at least RESERVE_MIN."""
    return max(RESERVE_MIN, database_size)


def compressed_ratio(newest: Path | None) -> float:
    """A compressed backup's size against its database's, from the newest ZIP backup (read from
    its directory), with a margin; UNKNOWN_RATIO without one."""
    if newest is None:
        return UNKNOWN_RATIO
    try:
        with zipfile.ZipFile(newest) as zf:
            members = [i for i in zf.infolist() if i.filename.endswith(".sqlite")]
    except (OSError, zipfile.BadZipFile):
        return UNKNOWN_RATIO
    if not members or not members[0].file_size:
        return UNKNOWN_RATIO
    return min(1.0, members[0].compress_size / members[0].file_size + 0.05)


@dataclass(frozen=True)
class Room:
    """What a backup needs on one disk (its plain copy, its compressed file, a reserve), and what
    that disk has."""

    copy: int  # the plain copy, as large as the database
    compressed: int  # the ZIP, estimated
    kept_free: int  # the reserve left for everything else (0 outside the default folder)
    disk: str
    free: int | None

    @property
    def needed(self) -> int:
        return self.copy + self.compressed + self.kept_free

    @property
    def short(self) -> int:
        """How many bytes are missing (0: enough, or the free space unknown)."""
        return 0 if self.free is None else max(0, self.needed - self.free)

    def refusal(self, freed: int = 0) -> UserError:
        parts = [f"要先写一份与数据库一样大的复制件（{fmt_size(self.copy)}）"] if self.copy else []
        parts += [f"压缩后的备份文件约 {fmt_size(self.compressed)}"] if self.compressed else []
        parts += [f"之后还要留出 {fmt_size(self.kept_free)}（至少与数据库一样大：恢复备份时要先解开一份那么大的复制件）"
                  ] if self.kept_free else []
        freed_text = f"已按保留规则删去较早的备份共 {fmt_size(freed)}，" if freed else ""
        return UserError(
            f"磁盘空间不足，没有备份：备份时{'，'.join(parts)}，共需约 {fmt_size(self.needed)}；"
            f"{freed_text}磁盘 {self.disk} 只剩 {fmt_size(self.free or 0)}。"
            f"请删除该磁盘上不需要的文件、清空回收站后再试；较早的备份也可以从 文件 → 备份与恢复 → "
            f"打开备份文件夹 移到U盘上保存。")


def room_on(folder: Path, *, copy: int = 0, compressed: int = 0, kept_free: int = 0) -> Room:
    """What is needed on the disk of `folder`, with what that disk has."""
    disk, free = disk_of(folder)
    return Room(copy, compressed, kept_free, disk, free)


def same_disk(a: Path, b: Path) -> bool:
    return disk_of(a)[0] == disk_of(b)[0]


def estimated(database_size: int, newest: Path | None) -> int:
    """The compressed backup of a database of `database_size` bytes, estimated (compressed_ratio)."""
    return int(database_size * compressed_ratio(newest))
