"""Backups of an office database: making, listing and thinning them (no Qt).

A backup is made with SQLite's online backup API from a connection of its own (so it reads the
last committed state, whatever the app is doing) into a hidden temporary file in the backup
folder. The copy is switched to a rollback journal (one self-contained file) and checked with
`PRAGMA integrity_check` while it is compressed into a ZIP file with a description of it
(backup_zip.py; the two run side by side); the ZIP is synced and only then renamed to its final
name: a failed backup leaves no file, never a 0-byte or half-written one. Backups made before
they were compressed (plain `.sqlite` files) are listed, thinned and restored as before. The
database file itself is only ever read through SQLite, never with open()/read() (closing such a
descriptor would drop the process's SQLite locks on it).

By default backups live in `user_data_dir()/backups/<stem>-<hash of the database's absolute
path>/`, one folder per database path, named `<stem>_<YYYYMMDD-HHMMSS>_<reason>.zip`. Each records
the database it was made of, so a database moved elsewhere still lists them (backup_info.py).
After each automatic or manual backup the folder is thinned (see `KeepPolicy`), and kept under a
ceiling of disk space (backup_space.py); before a backup is written its disk is checked for room.

Restoring one is in `restore.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from ..errors import UserError, os_reason, sqlite_reason
from ..paths import user_data_dir
from ..progress import Progress
from . import backup_space, backup_zip
from .backup_info import SUFFIX, BackupInfo, belongs, location, origin, other_folders, parse_name
from .backup_rules import SETTING_KEEP, SETTING_SPACE, KeepPolicy, SpaceRule, backups_to_keep, over_ceiling
from .backup_leftovers import remove_leftovers, remove_restore_leftovers
from .readonly import readonly_uri, unwritable_reason
from .storage import fsync_path

if TYPE_CHECKING:
    from .database import Database

log = logging.getLogger(__name__)

DbOrPath = Union["Database", str, Path]

PAGES_PER_STEP = 2048  # 8 MB of 4 KiB pages between two progress reports

_REASON = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# ---- where ----------------------------------------------------------------------------------

def _path_of(db: DbOrPath) -> Path:
    return Path(db.path if hasattr(db, "path") else db)


def backup_dir(db: DbOrPath) -> Path:
    """The default backup folder of a database: one per database file, in the user data folder."""
    p = Path(os.path.abspath(_path_of(db)))
    digest = hashlib.sha256(os.path.normcase(str(p)).encode("utf-8")).hexdigest()[:8]
    return user_data_dir() / "backups" / f"{p.stem}-{digest}"


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%Y%m%d-%H%M%S")


def _unique_target(folder: Path, stem: str, when: dt.datetime, reason: str, suffix: str = SUFFIX) -> Path:
    base = f"{stem}_{_stamp(when)}"
    target = folder / f"{base}_{reason}{suffix}"
    n = 2
    while target.exists() or _tmp_of(target).exists():
        target = folder / f"{base}-{n}_{reason}{suffix}"
        n += 1
    return target


def _tmp_of(target: Path) -> Path:
    return target.with_name(f".{target.name}.part")


def _remove_with_sidecars(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            Path(str(path) + suffix).unlink(missing_ok=True)
        except OSError as e:  # Windows: still open somewhere; nothing we can do now
            log.warning("could not remove %s: %s", str(path) + suffix, e)


# ---- making ---------------------------------------------------------------------------------

def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """What `PRAGMA integrity_check` reports (empty: sound)."""
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def _describe(e: sqlite3.Error) -> str:
    text = str(e)
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return "无法写入备份文件夹（没有写入权限或磁盘被写保护）"
    if "not a database" in text or "malformed" in text:
        return "数据库文件已损坏"
    return sqlite_reason(e)


def open_source(path: Path) -> sqlite3.Connection:
    """A connection of our own to a database that is (or may be) in use: read through SQLite only.

    Read-write mode (it never writes) so that the last connection to close checkpoints and
    removes -wal/-shm as usual; read-only when the file cannot be opened for writing.
    """
    if not path.is_file():
        raise UserError(f"找不到数据库文件：{path}")
    uri = path.resolve().as_uri()
    if unwritable_reason(path) is not None:
        # A file nobody here may write (a write-protected stick): read as it is. Opened otherwise, SQLite
        # made read-only -wal/-shm beside it that the next backup waited on for ever.
        conn = sqlite3.connect(readonly_uri(path, location_writable=False, shm_trusted=False), uri=True,
                               check_same_thread=False)
    else:
        try:
            conn = sqlite3.connect(f"{uri}?mode=rw", uri=True, check_same_thread=False)
        except sqlite3.OperationalError:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def copy_into(src: sqlite3.Connection, target: Path, *, progress: Progress | None = None,
              label: str = "正在备份", page_size: int | None = None, scratch: bool = False) -> Path:
    """Copy what `src` holds to `target` safely: temporary file, integrity check, sync, rename.

    `page_size` rewrites the copy with that page size (a copy restored into a database in
    WAL mode must have the same page size as it). On any failure the temporary file is
    removed and `target` is untouched; a failure is raised as a UserError. A `scratch` copy is
    one the caller checks itself, reads once and removes (make_backup's: checked while it is
    compressed, the compressed file synced instead): it is neither checked nor synced here
    (syncing a county's 850 MB copy took 0.7 s).
    """
    target = Path(target)
    tmp = _tmp_of(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_with_sidecars(tmp)
        dst = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            # A new file, renamed into place only once it is whole (and checked, and synced when
            # it is to last): it needs no journal and no syncs of its own while it is written.
            dst.execute("PRAGMA journal_mode = OFF")
            dst.execute("PRAGMA synchronous = OFF")

            def step(_status: int, remaining: int, total: int) -> None:
                if progress:
                    progress(total - remaining, total, label)

            src.backup(dst, pages=PAGES_PER_STEP, progress=step)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            if page_size and dst.execute("PRAGMA page_size").fetchone()[0] != page_size:
                dst.execute(f"PRAGMA page_size = {int(page_size)}")
                dst.execute("VACUUM")
            if not scratch:
                if progress:
                    progress(0, 0, "正在检查备份文件的完整性")
                _refuse_damaged(integrity_problems(dst))
        finally:
            dst.close()
        if not scratch:
            fsync_path(tmp)
        os.replace(tmp, target)
        if not scratch:
            fsync_path(target.parent)
    except BaseException as e:
        _remove_with_sidecars(tmp)
        if isinstance(e, sqlite3.Error):
            raise UserError(f"备份没有成功：{_describe(e)}。没有留下不完整的文件。") from None
        if isinstance(e, OSError):
            raise UserError(f"备份没有成功：{os_reason(e)}（{target.parent}）。没有留下不完整的文件。") from None
        raise
    return target


def _refuse_damaged(problems: list[str]) -> None:
    if problems:
        raise UserError(f"备份文件没有通过完整性检查（{problems[0]}），已删除这份不完整的备份。"
                        f"请检查磁盘后重试。")


def copy_database(db: DbOrPath, target: Path, *, progress: Progress | None = None) -> Path:
    """A consistent, checked copy of a database at `target` (replaces an existing file atomically)."""
    src = open_source(_path_of(db))
    try:
        return copy_into(src, Path(target), progress=progress)
    finally:
        src.close()


def make_backup(db: DbOrPath, reason: str = "manual", dest_dir: str | Path | None = None, *,
                progress: Progress | None = None, now: dt.datetime | None = None,
                spare: Path | None = None) -> Path:
    """Back up a database (an open Database or a path) into `dest_dir` or its backup folder: a
    copy (copy_into), checked while it is compressed with its description (backup_zip).

    Before anything is written its disk is checked for room (backup_space.py); in the default
    folder older backups may be deleted to make it, never `spare` (a backup being restored). The
    copy is written beside the compressed file, except for a `dest_dir` on another disk: there it
    goes into the default folder when this disk has room for it, and the other disk (a USB stick)
    takes only the compressed file.
    Returns the new file's path. Raises UserError (and leaves no file) when it fails.
    """
    if not _REASON.match(reason):
        raise ValueError(f"bad backup reason {reason!r}")
    path = _path_of(db)
    folder = Path(dest_dir) if dest_dir is not None else backup_dir(path)
    src = open_source(path)
    try:
        scratch = _make_room(db, path, folder, default=dest_dir is None, now=now, spare=spare)
        target = _unique_target(folder, path.stem, now or dt.datetime.now(), reason, backup_zip.SUFFIX)
        plain = scratch / f".{target.name}{SUFFIX}"  # hidden, and not a backup's name
        try:
            folder.mkdir(parents=True, exist_ok=True)  # (the copy's folder is made by copy_into)
        except OSError as e:
            raise UserError(f"备份没有成功：{os_reason(e)}（{folder}）。没有留下不完整的文件。") from None
        try:
            copy_into(src, plain, progress=progress, scratch=True)
            _check_and_compress(plain, target, path, progress)
        finally:
            _remove_with_sidecars(plain)
        if dest_dir is not None:  # a chosen folder (a USB stick) is tidied by nothing else
            _tidy(lambda: remove_leftovers(folder, lambda name: parse_name(Path(name)) is not None), folder)
        return target
    finally:
        src.close()


def _tidy(remove, where: Path) -> None:
    """Remove what backups cut short left; a failure never costs the backup just made."""
    try:
        remove()
    except Exception:  # noqa: BLE001
        log.exception("tidying the backups in %s failed", where)


def _make_room(db: DbOrPath, path: Path, folder: Path, *, default: bool, now: dt.datetime | None,
               spare: Path | None) -> Path:
    """Refuse a backup its disk has no room for, before anything is written (backup_space.py), and
    say where its plain copy goes. In the default folder the backups are thinned first: by the
    rules, then further by the same order, never the newest few. Another folder on another disk
    (a USB stick) takes only the compressed file when this computer's disk has room for the copy."""
    local = backup_dir(path)
    try:
        size = path.stat().st_size
    except OSError:
        return folder  # open_source has just read it: a file gone since fails in the copy, with its own message
    wal = Path(f"{path}-wal")
    size += wal.stat().st_size if wal.is_file() else 0  # what is not yet written into the file is copied too
    backups = list_backups(folder=folder, details=False)
    # The compression of this database's newest backup: in its own folder, else in the chosen one.
    known = backups if default else [*list_backups(folder=local, details=False), *backups]
    compressed = backup_space.estimated(size, next((b.path for b in known if backup_zip.is_zip_backup(b.path)), None))
    reserve = backup_space.reserve(size)
    if not default and not backup_space.same_disk(local, folder):
        there = backup_space.room_on(folder, compressed=compressed)
        if there.short:
            raise there.refusal()
        if not backup_space.room_on(local, copy=size, kept_free=reserve).short:
            return local

    def room() -> backup_space.Room:  # the copy beside the compressed file
        return backup_space.room_on(folder, copy=size, compressed=compressed, kept_free=reserve if default else 0)

    short, freed = room().short, 0
    if short and default:
        sizes = {b.path: b.size for b in backups}
        freed = sum(sizes.get(p, 0) for p in thin_backups(db, now=now, make_free=short, spare=spare))
        short = room().short
    if short:
        raise room().refusal(freed)
    return folder


def _check_and_compress(plain: Path, target: Path, source: Path, progress: Progress | None) -> None:
    """The copy's integrity check and its compression side by side (SQLite and zlib both let go
    of the GIL, so two cores do both in the time of the longer), then the compressed file is
    synced and renamed into place. A copy that fails the check, or any failure, leaves no file.
    Its description records the database `source` it was made of (backup_info.py)."""
    arcname = f"{source.stem}{SUFFIX}"
    tmp = _tmp_of(target)
    stop = threading.Event()
    failed: list[BaseException] = []

    def compress() -> None:
        try:
            backup_zip.write(plain, tmp, arcname, details, progress, stop=stop.is_set)
            if progress:  # the check may go on after the bar is full (9 s for a prefecture's 7 GB)
                progress(0, 0, "正在检查备份文件的完整性")
        except BaseException as e:  # noqa: BLE001 - raised below, in the caller's thread
            failed.append(e)

    worker = None
    try:
        details = {**read_details(plain), "database": location(source)}
        worker = threading.Thread(target=compress, name="backup-compress", daemon=True)
        worker.start()
        conn = open_snapshot(plain)
        try:
            problems = integrity_problems(conn)
        finally:
            conn.close()
        if problems:
            stop.set()
        worker.join()
        _refuse_damaged(problems)
        if failed:
            raise failed[0]
        fsync_path(tmp)
        os.replace(tmp, target)
        fsync_path(target.parent)
    except BaseException as e:
        stop.set()
        if worker is not None:
            worker.join()
        _remove_with_sidecars(tmp)
        if isinstance(e, OSError):
            raise UserError(f"备份没有成功：{os_reason(e)}（{target.parent}）。没有留下不完整的文件。") from None
        if isinstance(e, sqlite3.Error):
            raise UserError(f"备份没有成功：{_describe(e)}。没有留下不完整的文件。") from None
        raise


def auto_backup(db: DbOrPath, reason: str, *, progress: Progress | None = None) -> Path:
    """An automatic (or 立即备份) backup into the default folder, then the folder is thinned."""
    target = make_backup(db, reason, progress=progress)
    try:
        thin_backups(db)
        # What backups cut short left: hidden, as large as the database.
        remove_leftovers(target.parent, lambda name: parse_name(Path(name)) is not None)
        remove_restore_leftovers(_path_of(db))  # and what restores cut short left beside the database
    except Exception:  # noqa: BLE001 - tidying the folder must never cost the backup just made
        log.exception("tidying the backups of %s failed", _path_of(db))
    return target


def backup_before_import(db: DbOrPath, what: str = "roster", *, progress: Progress | None = None) -> Path:
    """The backup made before an import writes anything ('roster', 'package').

    Raises UserError when it fails: the import must then not go ahead.
    """
    try:
        return auto_backup(db, f"import-{what}", progress=progress)
    except UserError as e:
        raise UserError(f"导入前的自动备份没有成功：{e.message}\n为安全起见，本次没有导入任何数据。") from None


# ---- what has changed -----------------------------------------------------------------------

def change_marker(db: Any) -> str | None:
    """The last committed unit of work (id and time of the newest tx_log row), or None.

    Two states of the same database with the same marker hold the same data. `db` is a
    Database or an sqlite3 connection.
    """
    conn = db.conn if hasattr(db, "conn") else db
    try:
        row = conn.execute("SELECT id, at FROM tx_log ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else f"{row[0]}@{row[1]}"


def unsaved_changes(db: "Database", since: str | None) -> bool:
    """True when the database changed after `since` (its marker when it was opened) and its
    newest backup in the default folder does not hold that state yet."""
    now = change_marker(db)
    if now is None or now == since:
        return False
    newest = list_backups(db, details=False, elsewhere=False)
    return not newest or read_details(newest[0].path).get("marker") != now


# ---- listing --------------------------------------------------------------------------------

def list_backups(db: DbOrPath | None = None, *, folder: str | Path | None = None,
                 details: bool = True, elsewhere: bool = True) -> list[BackupInfo]:
    """The backups of a database (its default folder, or `folder`), newest first.

    With `db`, those recorded as another office's are left out; from its default folder (and
    `elsewhere`) those recorded as its own in other paths' folders are added, with where the
    database was then (`origin`; backup_info.py). With `details` each one's description is read
    (a plain file opened read-only, never changed) for its schema version and counts.
    """
    where = Path(folder) if folder is not None else backup_dir(db)
    identity = database_identity(db) if db is not None else None
    out = [b for b in _listed(where, details, identity is not None) if belongs(b.owner, identity)]
    if identity is not None and folder is None and elsewhere:
        out += [b for other in other_folders(where) for b in _listed(other, details, True) if b.owner == identity]
    if db is not None:
        for b in out:
            b.origin = origin(b.database, _path_of(db))
    out.sort(key=lambda b: (b.created, b.seq, b.path.name), reverse=True)
    return out


def _listed(where: Path, details: bool, owners: bool) -> list[BackupInfo]:
    """The backup files in a folder; with `details` their descriptions, with `owners` at least the
    database a compressed one records."""
    out = []
    try:
        entries = list(where.iterdir())
    except OSError:
        return []
    for p in entries:
        parsed = parse_name(p)
        if parsed is None or p.name.startswith(".") or not p.is_file():
            continue
        try:
            size = p.stat().st_size
        except OSError:
            continue
        info = BackupInfo(p, parsed[0], parsed[2], size, parsed[1])
        if details:
            info.take(read_details(p))
        elif owners and backup_zip.is_zip_backup(p):
            info.take_owner(backup_zip.read_details(p))
        out.append(info)
    return out


def open_snapshot(path: Path) -> sqlite3.Connection:
    """Read a file nobody writes (a backup): read-only, immutable, leaves no -wal/-shm behind."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                           check_same_thread=False)


def _count(conn: sqlite3.Connection, sql: str) -> int | None:
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # an older schema without that table
        return None


def read_details(path: Path) -> dict[str, Any]:
    """Schema version, office, counts and change marker of a backup (a compressed one's stored
    description) or of a database file nobody writes."""
    if backup_zip.is_zip_backup(path):
        return backup_zip.read_details(path)
    try:
        conn = open_snapshot(path)
    except sqlite3.Error as e:
        return {"error": f"无法读取：{_describe(e)}"}
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        office = conn.execute("SELECT m.value, o.name FROM meta m LEFT JOIN office o ON o.id = m.value "
                              "WHERE m.key = 'local_office_id'").fetchone()
        return {
            "schema_version": version,
            "office_id": office[0] if office else None,
            "office": office[1] if office else None,
            "counts": {
                "organisations": _count(conn, "SELECT count(*) FROM org"),
                "members": _count(conn, "SELECT count(*) FROM member WHERE status IN ('正常', '失联')"),
                "rounds": _count(conn, "SELECT count(*) FROM assessment_round"),
            },
            "marker": change_marker(conn),
        }
    except sqlite3.DatabaseError as e:
        return {"error": f"不是可用的党建台账数据库（{_describe(e)}）"}
    finally:
        conn.close()


# ---- thinning (which backups stay: backup_rules.py) -------------------------------------------

def _value(db: DbOrPath, sql: str, *args: str) -> str | None:
    """One value read from a database (an open one, or a path opened read-only), None when there
    is none or it cannot be read."""
    try:
        if hasattr(db, "conn"):
            return db.scalar(sql, args)
        conn = open_source(_path_of(db))
        try:
            row = conn.execute(sql, args).fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except (sqlite3.Error, UserError):
        return None


def _setting(db: DbOrPath, key: str) -> str | None:
    return _value(db, "SELECT value FROM setting WHERE id = ?", key)


def database_identity(db: DbOrPath) -> str | None:
    """What a database's backups record it by: the id of its own office (backup_info.py), None
    before the office is set up or when the file cannot be read."""
    return _value(db, "SELECT value FROM meta WHERE key = 'local_office_id'")


def _saved_rule(db: DbOrPath, key: str, rule: type):
    """The rule (a class with `parse`) saved as the setting `key` of a database, else its default."""
    text = _setting(db, key)
    if text:
        try:
            return rule.parse(text)
        except UserError:
            log.warning("ignoring invalid %s setting %r", key, text)
    return rule()


def keep_policy(db: DbOrPath) -> KeepPolicy:
    """The thinning rule saved in a database (setting backup_keep), else the default."""
    return _saved_rule(db, SETTING_KEEP, KeepPolicy)


def space_rule(db: DbOrPath) -> SpaceRule:
    """The ceiling on a database's backups saved in it (setting backup_space), else the default."""
    return _saved_rule(db, SETTING_SPACE, SpaceRule)


def thin_backups(db: DbOrPath | None = None, policy: KeepPolicy | None = None, *,
                 folder: str | Path | None = None, now: dt.datetime | None = None, make_free: int = 0,
                 spare: Path | None = None) -> list[Path]:
    """Delete the backups in a database's folder (or `folder`) the rule does not keep, then those
    over the database's ceiling on their space (backup_space.py), then, while `make_free` bytes are
    still to be freed, further ones in the same order (never the newest few, nor `spare`).

    The rule defaults to the database's setting (the default without a database), and so does the
    ceiling. Only files named like backups are considered, never those recorded as another
    office's (backup_info.py); returns the deleted paths.
    """
    if policy is None:
        policy = keep_policy(db) if db is not None else KeepPolicy()
    space = space_rule(db) if db is not None else SpaceRule()
    backups = list_backups(db, folder=folder, details=False, elsewhere=False)  # never another path's, nor office's
    stamps, sizes = [b.created for b in backups], [b.size for b in backups]
    spared = {i for i, b in enumerate(backups)  # (a damaged database a restore kept: its only copy)
              if (spare is not None and b.path == Path(spare)) or b.reason == "damaged"}
    keep = backups_to_keep(stamps, now or dt.datetime.now(), policy)
    keep = (keep - over_ceiling(stamps, sizes, keep, space.limit)) | spared
    if make_free:
        dropped = sum(sizes[i] for i in range(len(backups)) if i not in keep)
        if dropped < make_free:  # further ones, chosen among those that may go
            movable = keep - spared
            kept = sum(sizes[i] for i in movable)
            keep -= over_ceiling(stamps, sizes, movable, max(0, kept - (make_free - dropped)))
    removed = []
    for i, b in enumerate(backups):
        if i in keep:
            continue
        try:
            b.path.unlink()
        except OSError as e:
            log.warning("could not delete old backup %s: %s", b.path, e)
            continue
        _remove_with_sidecars(b.path)
        removed.append(b.path)
    return removed
