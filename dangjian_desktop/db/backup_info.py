"""What a backup file is (no Qt): its name (time, sequence within the second, reason), the
reason's Chinese label, what the list of backups tells of it (BackupInfo), and which database it
belongs to.

A backup belongs to a database in two ways. By its folder: one per database path
(backup.backup_dir), as backups were always found. And by the identity of the database it was
made of, recorded in its description (backup.json) with where that file was: `office_id`, the
database's own office (meta `local_office_id`, made once when the office is set up and carried by
every copy, move and restore of the file; nothing new in the schema), and `database`, its absolute
path then. So a database moved or renamed (another folder, another laptop, a USB stick under
another drive letter) still lists the backups made where it was before, each with that place
(`origin`). A copy of it elsewhere lists them too: they are the same office's.

The record also keeps databases apart: a backup recorded as another office's is never listed as
this database's, not even in its own folder (a new database made at the path of one moved away),
and so never thinned by its rules. Backups without the record (plain `.sqlite` files, ZIPs made
before it, those of a database whose office is not set up yet) belong by their folder only, as
before. Thinning only ever deletes in the database's own folder: backups found by identity in
another folder are left to the rules of whatever lives at that path (perhaps a copy of the same
database).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import dates
from . import backup_zip

SUFFIX = ".sqlite"  # a plain copy: backups made before they were compressed, and kept damaged files
OWNER = "office_id"  # the keys of the record in a compressed backup's description
LOCATION = "database"

_NAME = re.compile(r"^(?P<stem>.+)_(?P<ts>\d{8}-\d{6})(?:-(?P<n>\d+))?_(?P<reason>[a-z0-9]+(?:-[a-z0-9]+)*)"
                   + f"(?:{re.escape(SUFFIX)}|{re.escape(backup_zip.SUFFIX)})$")
_REASON_LABELS = {
    "manual": "手动备份",
    "close": "关闭时自动备份",
    "auto": "定时自动备份",
    "restore": "恢复前自动备份",
    "damaged": "恢复前保留的损坏文件",
}
_IMPORT_LABELS = {"roster": "花名册", "package": "数据包"}


def reason_label(reason: str) -> str:
    """The Chinese label of a reason slug ('manual', 'import-roster', 'upgrade-v5' …)."""
    if reason in _REASON_LABELS:
        return _REASON_LABELS[reason]
    if reason.startswith("import"):
        what = _IMPORT_LABELS.get(reason.partition("-")[2], "")
        return f"导入{what}前自动备份"
    m = re.fullmatch(r"upgrade-v(\d+)", reason)
    if m:
        return f"升级到第{m[1]}版前自动备份"
    return reason


def parse_name(path: Path) -> tuple[dt.datetime, int, str] | None:
    """(time, sequence within the second, reason) of a backup file name, None for other files."""
    m = _NAME.match(path.name)
    if not m:
        return None
    try:
        when = dt.datetime.strptime(m["ts"], "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    return when, int(m["n"] or 1), m["reason"]


@dataclass
class BackupInfo:
    path: Path
    created: dt.datetime
    reason: str
    size: int
    seq: int = 1
    schema_version: int | None = None
    office: str | None = None
    counts: dict[str, int | None] = field(default_factory=dict)
    marker: str | None = None
    error: str | None = None
    owner: str | None = None  # the office id recorded with `database` (None: a backup without the record)
    database: str | None = None  # where the database was when it was backed up, as recorded
    origin: Path | None = None  # that place, when the database listed is elsewhere now

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)

    @property
    def created_text(self) -> str:
        """2026年3月1日 14:05"""
        return f"{dates.format_cn(self.created.date())} {self.created:%H:%M}"

    def take(self, details: dict[str, Any]) -> None:
        """Fill in what a backup's description (backup.read_details) says."""
        self.schema_version, self.office = details.get("schema_version"), details.get("office")
        self.counts, self.marker, self.error = details.get("counts", {}), details.get("marker"), details.get("error")
        self.take_owner(details)

    def take_owner(self, details: dict[str, Any]) -> None:
        """The record of the database it was made of: only both together (a plain file tells its
        office but not where it was: it belongs by its folder)."""
        if details.get(OWNER) and details.get(LOCATION):
            self.owner, self.database = details[OWNER], details[LOCATION]

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "created": self.created.isoformat(timespec="seconds"),
                "size": self.size, "reason": self.reason, "reason_label": self.reason_label,
                "schema_version": self.schema_version, "office": self.office, "counts": dict(self.counts),
                "error": self.error, "origin": None if self.origin is None else str(self.origin)}


def belongs(owner: str | None, identity: str | None) -> bool:
    """A backup in a database's own folder is its own unless it is recorded as another office's."""
    return owner is None or identity is None or owner == identity


def other_folders(own: Path) -> list[Path]:
    """The backup folders of the other database paths (beside `own`, the default folder of one)."""
    try:
        return sorted(p for p in own.parent.iterdir() if p != own and not p.name.startswith(".") and p.is_dir())
    except OSError:
        return []


def origin(database: str | None, current: Path) -> Path | None:
    """Where a backup's database was when it was made (`database`, as recorded), when that is not
    `current`, the path of the database listed."""
    if not database:
        return None
    same = os.path.normcase(os.path.abspath(database)) == os.path.normcase(os.path.abspath(current))
    return None if same else Path(database)


def location(path: Path) -> str:
    """A database's path as a backup records it."""
    return os.path.abspath(path)
