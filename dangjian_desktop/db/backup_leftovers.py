"""What a backup cut short leaves behind, removed.

A backup is written under hidden names and renamed into place when it is complete (db/backup.py):
the plain copy `.<backup>.zip.sqlite` (as large as the database), the compressed file being
written `.<backup>.zip.part`, the copy's own `.part` while SQLite copies into it, and SQLite's
side files of the copy. A crash, a power cut or the program ended while it copies or compresses
leaves them there, invisible in the backup list, and nothing else removes them: a county's
copy is 0.9 GB, a prefecture's 7.3 GB, and a few of them fill a laptop's disk.

`remove_leftovers` deletes those not written to for LEFTOVER_AGE, in the default folder after each
automatic backup and in a chosen folder (a USB stick) after a backup into it. A backup still being made by
another program on the same database keeps writing its files (a prefecture's takes about
3 minutes here), so it is never taken for a leftover.

A restore cut short leaves two more beside the database (db/restore.py, db/backup_zip.py): the
checked copy `.<database>.restoring` with its side files, and a compressed backup unpacked as
`.<backup>.zip.unzipped`, and a plain file chosen with its write-ahead log is copied with it as
`.<file>-<token>.applied` (with side files) to apply the log. The next restore of the same database from the same backup removes them
itself; otherwise they stayed for ever. `remove_restore_leftovers` deletes them by the same rule.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Callable

from ..paths import remove_old_files

log = logging.getLogger(__name__)

LEFTOVER_AGE = dt.timedelta(hours=6)
_RESTORE_TAILS = ("", "-wal", "-shm", "-journal", ".lock")
_TAILS = (".part", "-journal", "-wal", "-shm", ".sqlite")


def is_leftover_name(name: str, is_backup: Callable[[str], bool]) -> bool:
    """A hidden name made of a backup's name (`is_backup`: db/backup.py's naming) and the endings
    of its unfinished files."""
    if not name.startswith("."):
        return False
    core = name.lstrip(".")
    for _ in range(3):  # `.x.zip.sqlite-journal`, `..x.zip.sqlite.part`: at most three endings
        stripped = next((core[:-len(t)] for t in _TAILS if core.endswith(t)), None)
        if stripped is None:
            return False
        core = stripped
        if is_backup(core):
            return True
    return False


def remove_leftovers(folder: Path, is_backup: Callable[[str], bool], now: dt.datetime | None = None) -> list[Path]:
    """Delete the leftovers in a backup folder older than LEFTOVER_AGE; returns what was deleted."""
    return _remove_old(Path(folder), lambda name: is_leftover_name(name, is_backup), "backup", now)


def _remove_old(folder: Path, is_leftover: Callable[[str], bool], what: str,
                now: dt.datetime | None) -> list[Path]:
    """Delete the files of `folder` whose name is a leftover's and that nobody wrote to for
    LEFTOVER_AGE (paths.remove_old_files), each deletion and failure logged; returns what was deleted."""
    failed: list = []
    removed = remove_old_files(folder, is_leftover, LEFTOVER_AGE, now=now, failed=failed)
    for p, e in failed:  # held open by another program (Windows): the next backup tries again
        log.warning("could not delete the leftover of an unfinished %s %s: %s", what, p, e)
    for p in removed:
        log.info("deleted the leftover of an unfinished %s: %s", what, p)
    return removed


def is_restore_leftover_name(name: str, database: str) -> bool:
    """A name a restore of the database file named `database` writes beside it and removes when it
    ends: its staged copy (with side files) or a backup unpacked (of this database or another)."""
    staged = f".{database}.restoring"
    return (any(name == staged + t for t in _RESTORE_TAILS)
            or (name.startswith(".") and name.endswith(".zip.unzipped") and len(name) > len("..zip.unzipped"))
            or (name.startswith(".") and any(name.endswith(".applied" + t) for t in _RESTORE_TAILS[:4])))


def remove_restore_leftovers(db_path: Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete what restores cut short left beside the database, not written to for LEFTOVER_AGE."""
    db_path = Path(db_path)
    return _remove_old(db_path.parent, lambda name: is_restore_leftover_name(name, db_path.name), "restore", now)
