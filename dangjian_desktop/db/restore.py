"""Restoring a backup over an office database (no Qt).

1. The writer lock of the database is taken: nobody may write while it is replaced (and a
   database in use is said at once, before a compressed backup is unpacked).
2. The chosen file is checked (an SQLite file of this app, `PRAGMA integrity_check`, not from a
   newer program). A compressed backup (`.zip`, backup_zip.py) is first unpacked into a hidden
   file beside the database (removed afterwards).
3. A backup from an older schema, or with another page size than the database's, is copied
   (SQLite backup API) into a temporary file beside the database and migrated or rewritten there;
   one of this version with the same page size is used as it is. A failure up to here changes
   nothing.
4. The current database is backed up into its backup folder (reason `restore`).
5. The checked file is written into the database through the backup API — the file is never
   deleted, so at every moment there is a whole database at its path. Only a current file that
   SQLite cannot use any more (damaged, or not a database) is replaced by an atomic rename of a
   copy, after its bytes were kept in the backup folder as `…_damaged.sqlite`.

Rows are never rewritten, so the change log and its seals stay as they were in the backup.
The caller must have closed its own connections to the database (the GUI closes it first).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .. import APP_NAME
from ..errors import LockedError, UserError, os_reason, sqlite_reason
from ..progress import Progress
from . import backup_zip
from .backup import (PAGES_PER_STEP, _remove_with_sidecars, _unique_target, backup_dir, copy_into,
                     integrity_problems, make_backup, open_snapshot, open_source)
from .database import Database, _connect
from .lock import WriterLock
from .migrations import latest_version
from .readonly import unwritable_reason
from .seal import KEY_MISSING


@dataclass
class RestoreResult:
    restored_from: Path
    safety_backup: Path | None  # the database as it was before, backed up first (None: there was none)
    from_version: int  # schema version of the chosen backup
    schema_version: int  # schema version of the restored database
    damaged: bool = False  # the current file was unusable; its bytes are in safety_backup

    @property
    def migrated(self) -> bool:
        return self.from_version != self.schema_version


@dataclass
class _FileState:
    readable: bool
    office_id: str | None = None
    office_name: str | None = None
    page_size: int | None = None


def _office(conn: sqlite3.Connection) -> tuple[str | None, str | None]:
    try:
        row = conn.execute("SELECT m.value, o.name FROM meta m LEFT JOIN office o ON o.id = m.value "
                           "WHERE m.key = 'local_office_id'").fetchone()
    except sqlite3.OperationalError:
        return None, None
    return (row[0], row[1]) if row else (None, None)


def check_backup(path: str | Path, name: str | None = None) -> tuple[int, _FileState]:
    """Check a database file can be restored: (its schema version, its office). UserError when
    not. `name`: the file the clerk chose, when `path` was unpacked from it."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到备份文件：{path}")
    name = name or path.name
    not_ours = f"{name} 不是党建台账的数据库，不能用来恢复。"
    try:
        conn = open_snapshot(path)
    except sqlite3.Error:
        raise UserError(not_ours) from None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        problems = integrity_problems(conn)
        if problems:
            raise UserError(f"所选备份 {name} 已损坏（SQLite 完整性检查：{problems[0]}），不能用来恢复。"
                            f"请选择另一份备份。")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        try:
            app = conn.execute("SELECT value FROM meta WHERE key = 'app'").fetchone()
        except sqlite3.OperationalError:
            app = None
        if version == 0 or app is None or app[0] != APP_NAME:
            raise UserError(not_ours)
        if version > latest_version():
            raise UserError(f"所选备份由更新版本的党建台账写入（数据库版本 {version}，本程序只支持到 "
                            f"{latest_version()}），不能用它恢复。请先安装新版本的党建台账再恢复。")
        office_id, office_name = _office(conn)
        return version, _FileState(True, office_id, office_name, conn.execute("PRAGMA page_size").fetchone()[0])
    except sqlite3.DatabaseError as e:
        if "not a database" in str(e) or "encrypted" in str(e):
            raise UserError(not_ours) from None
        raise UserError(f"所选备份 {name} 已损坏（{sqlite_reason(e)}），不能用来恢复。请选择另一份备份。") from None
    finally:
        conn.close()


def _current_state(db_path: Path) -> _FileState | None:
    """What is at the database's path now: None (no file), usable, or not usable by SQLite."""
    if not db_path.exists():
        return None
    try:
        conn = open_source(db_path)
    except (sqlite3.Error, UserError):
        return _FileState(False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        office_id, office_name = _office(conn)
        return _FileState(True, office_id, office_name, conn.execute("PRAGMA page_size").fetchone()[0])
    except sqlite3.DatabaseError:
        return _FileState(False)
    finally:
        conn.close()


def _stage(backup_file: Path, staged: Path, version: int, page_size: int | None, progress: Progress | None) -> int:
    """A checked (and migrated) copy of the backup at `staged`; returns its schema version."""
    src = open_snapshot(backup_file)
    try:
        copy_into(src, staged, progress=progress, label="正在复制所选备份", page_size=page_size)
    finally:
        src.close()
    if version >= latest_version():
        return version
    from .database import Database, _connect

    if progress:
        progress(0, 0, f"正在把备份从第{version}版升级到第{latest_version()}版")
    lock = WriterLock(staged)  # a private file: the lock only makes the Database writable
    lock.acquire()
    db = Database(staged, _connect(staged, readonly=False), lock)
    try:
        db._migrate(backup=False)
        db.conn.execute("PRAGMA journal_mode = DELETE")
        problems = integrity_problems(db.conn)
        if problems:
            raise UserError(f"升级后的备份没有通过完整性检查（{problems[0]}）。")
        return db.schema_version
    except UserError as e:
        raise UserError(f"把备份升级到当前版本时出错：{e.message}当前数据库没有被改动。") from None
    except Exception as e:  # noqa: BLE001 - a failed migration: say so, change nothing
        raise UserError(f"把备份升级到当前版本时出错（{sqlite_reason(e)}）。当前数据库没有被改动。") from None
    finally:
        db.close()


def _is_damaged(db_path: Path) -> bool:
    try:
        conn = open_source(db_path)
    except (sqlite3.Error, UserError):
        return True
    try:
        return [r[0] for r in conn.execute("PRAGMA quick_check")] != ["ok"]
    except sqlite3.DatabaseError:
        return True
    finally:
        conn.close()


def _keep_damaged(db_path: Path) -> Path:
    """Keep the bytes of a database SQLite cannot use (no connection of ours has it open)."""
    target = _unique_target(backup_dir(db_path), db_path.stem, dt.datetime.now(), "damaged")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        for suffix in ("", "-wal", "-journal"):
            src = Path(str(db_path) + suffix)
            if src.exists():
                part = Path(str(target) + suffix + ".part")
                shutil.copyfile(src, part)
                os.replace(part, Path(str(target) + suffix))
    except OSError as e:
        _remove_with_sidecars(target)
        raise UserError(f"无法保留当前的数据库文件（{os_reason(e)}），没有恢复。") from None
    return target


def _write_into(source: Path, db_path: Path, progress: Progress | None) -> None:
    """Write a checked file nobody writes (the staged copy, or the backup itself) into the live
    database through SQLite (one transaction)."""
    src = open_snapshot(source)
    try:
        dst = open_source(db_path)
        try:
            def step(_status: int, remaining: int, total: int) -> None:
                if progress:
                    progress(total - remaining, total, "正在写回数据库")

            src.backup(dst, pages=PAGES_PER_STEP, progress=step)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()


def restore(db_path: str | Path, backup_file: str | Path, *, progress: Progress | None = None) -> RestoreResult:
    """Replace the database at `db_path` by `backup_file` (see the module docstring)."""
    db_path, backup_file = Path(db_path), Path(backup_file)
    if not backup_file.is_file():
        raise UserError(f"找不到备份文件：{backup_file}")
    if not db_path.parent.is_dir():
        raise UserError(f"数据库所在的文件夹不存在：{db_path.parent}")
    why = unwritable_reason(db_path)
    if why is not None:  # said first: nothing is unpacked or backed up for a restore that cannot be written
        raise UserError(f"{why}，不能恢复。当前数据库没有被改动。")
    lock = WriterLock(db_path)  # first: a database in use is said before a backup is unpacked
    holder = lock.acquire()
    if holder is not None:
        raise LockedError(f"数据库正被{holder.describe()}使用，不能恢复。请先关闭那里的程序后再试。")
    try:
        if not backup_zip.is_zip_backup(backup_file) and not _zipped(backup_file):
            with _wal_applied(backup_file, db_path.parent) as plain:
                return _restore(db_path, plain, backup_file, progress)
        with backup_zip.extracted(backup_file, db_path.parent, progress) as plain:
            return _restore(db_path, plain, backup_file, progress)
    finally:
        lock.release()


def _zipped(path: Path) -> bool:
    """A compressed backup under another name (renamed .sqlite by hand): told by its first bytes.
    (Read only here, where no connection of this process has the file open.)"""
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


@contextlib.contextmanager
def _wal_applied(path: Path, folder: Path) -> Iterator[Path]:
    """A plain database file chosen to restore from, with what its write-ahead log holds: a
    database copied with its `-wal` file (after a power cut, the whole folder onto a stick) has its
    last committed changes only there, and a file read as immutable (as a backup is) leaves them
    out without a word. The file and its log are copied beside the database and the log applied to
    the copy, never to the chosen file; without a log the file itself is used."""
    wal = path.with_name(path.name + "-wal")
    if not wal.is_file() or wal.stat().st_size == 0:
        yield path
        return
    copy = folder / f".{path.name}-{secrets.token_hex(4)}.applied"
    try:
        try:
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            conn = sqlite3.connect(copy)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("PRAGMA journal_mode = DELETE")
            finally:
                conn.close()
        except OSError as e:
            raise UserError(f"无法读取所选文件和它的日志文件（{wal.name}）：{os_reason(e)}。") from None
        except sqlite3.DatabaseError:
            raise UserError(f"{path.name} 不是党建台账的数据库，或已损坏（连同 {wal.name}），不能用来恢复。") from None
        yield copy
    finally:
        for tail in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                copy.with_name(copy.name + tail).unlink()


def outside_edits(path: Path) -> list[str]:
    """What the seals and the change log of a database file (a backup) say was changed behind
    the program's back. A key this computer lacks proves nothing either way and is not counted:
    a backup brought to a new computer is restored. Read as immutable: nothing is made beside it."""
    conn = _connect(path, readonly=True, ro_uri=f"{path.resolve().as_uri()}?mode=ro&immutable=1")
    try:
        return [p for p in Database(path, conn, None)._verify_log() if not p.startswith(KEY_MISSING)]
    finally:
        conn.close()


def _restore(db_path: Path, plain: Path, chosen_file: Path, progress: Progress | None) -> RestoreResult:
    """restore() from the database file `plain` (`chosen_file` itself, or unpacked from it), the
    database's writer lock held."""
    if progress:  # SQLite's check says nothing while it runs (41 s for a prefecture's 7 GB)
        progress(0, 0, "正在检查所选备份的完整性")
    version, chosen = check_backup(plain, chosen_file.name)
    if db_path.exists() and os.path.samefile(db_path, chosen_file):
        raise UserError("所选文件就是当前的数据库本身，不需要恢复。")
    if progress:
        progress(0, 0, "正在核对所选备份的签章和变更日志")
    edits = outside_edits(plain)
    if edits:
        more = f"（共{len(edits)}处）" if len(edits) > 1 else ""
        raise UserError(f"所选备份 {chosen_file.name} 在本程序之外被改动过，不能用来恢复：{edits[0]}{more}。"
                        f"请选择另一份备份。当前数据库没有被改动。")
    staged = db_path.with_name(f".{db_path.name}.restoring")
    try:
        current = _current_state(db_path)
        if (current is not None and current.readable and current.office_id and chosen.office_id
                and current.office_id != chosen.office_id):
            raise UserError(f"所选备份是“{chosen.office_name or '另一单位'}”的数据库，当前数据库属于"
                            f"“{current.office_name or '另一单位'}”，不是同一个数据库的备份，不能用来恢复。"
                            f"如确需使用它，请先把当前数据库文件移到别处。")
        page_size = current.page_size if current is not None and current.readable else None
        # A backup of this version with the database's page size is written in as it is: it was
        # checked above, and a copy of it (checked again) changed nothing but took time (a
        # county's 850 MB: 5.4 s). An older one is migrated, another page size rewritten, in a copy.
        direct = (current is not None and current.readable and version >= latest_version()
                  and chosen.page_size == page_size)
        new_version = version if direct else _stage(plain, staged, version, page_size, progress)
        safety, damaged = None, False
        if current is not None:
            if progress:
                progress(0, 0, "正在备份当前数据库")
            try:
                # Room made for it never takes the backup being restored.
                safety = (make_backup(db_path, "restore", progress=progress, spare=chosen_file)
                          if current.readable else None)
            except UserError as e:
                if not _is_damaged(db_path):  # told as the restore's failure: nothing replaced
                    raise UserError(f"恢复前备份当前数据库没有成功，所以没有恢复，当前数据库没有被改动。\n{e.message}",
                                    exit_code=e.exit_code) from None
            if safety is None:
                damaged = True
                safety = _keep_damaged(db_path)
        if current is None or damaged:
            if direct:  # the file SQLite could read turned out damaged: it is replaced by a copy
                _stage(plain, staged, version, page_size, progress)
            for suffix in ("-wal", "-shm", "-journal"):  # they belong to the old file (kept above)
                Path(str(db_path) + suffix).unlink(missing_ok=True)
            os.replace(staged, db_path)
        else:
            _write_into(plain if direct else staged, db_path, progress)
    except sqlite3.Error as e:  # the backup API writes in one transaction: the database is as it was
        raise UserError(f"恢复没有成功（{sqlite_reason(e)}），当前数据库没有被改动。") from None
    finally:
        _remove_with_sidecars(staged)
        Path(str(staged) + ".lock").unlink(missing_ok=True)  # the staged copy's own (released) lock
    return RestoreResult(chosen_file, safety, version, new_version, damaged)
