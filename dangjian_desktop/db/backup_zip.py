"""Compressed backups (no Qt): one ZIP file per backup, holding the checked SQLite copy and a
small description of it.

A database compresses about five times (ids, dates and repeated Chinese texts), and thinning
keeps a few dozen backups of each database, so backups were most of what the program kept on
disk. ZIP because Windows opens it without any other program (a clerk or the county's IT can
take the database out by hand); deflate at level 1 because it is fast (a 40 MB town in about
0.3 s, a county's 860 MB in a few seconds) and the higher levels gain little here.

`write` compresses a copy made by backup.copy_into while backup.py checks its integrity beside it
(a copy that fails the check is never renamed into place). The description (`backup.json`:
schema version, office, counts, change marker, and the database it was made of: backup_info.py)
is stored with it, so listing the backups reads a few hundred bytes per file instead of opening
each database. `extracted` gives the database inside back as a plain file for restoring,
refusing what is not one of our backups, a damaged file (ZIP's own checksum), a member larger
than it says, and a disk without room for it.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import UserError, os_reason
from ..progress import Progress

log = logging.getLogger(__name__)

SUFFIX = ".zip"
DETAILS = "backup.json"
MEMBER_SUFFIX = ".sqlite"
LEVEL = 1
CHUNK = 8 << 20  # bytes between two progress reports
ROOM = 64 << 20  # free space kept beyond an extracted database


def is_zip_backup(path: Path) -> bool:
    """A compressed backup, told by its name (the file is not opened: it may be a live database)."""
    return Path(path).suffix.lower() == SUFFIX


class Stopped(Exception):
    """`write` was asked to stop (its copy failed the check meanwhile)."""


def write(plain: Path, target: Path, arcname: str, details: dict[str, Any], progress: Progress | None = None,
          *, stop: Callable[[], bool] | None = None) -> None:
    """Compress the copy `plain` into the new file `target` (which must not be in use): the
    description first, then the database in chunks with progress. `stop`: asked before each
    chunk; True raises Stopped (the caller removes `target`)."""
    total = plain.stat().st_size
    info = zipfile.ZipInfo.from_file(plain, arcname)  # its size known: ZIP64 when the file needs it
    info.compress_type = zipfile.ZIP_DEFLATED
    # A ZipInfo opened for writing brings its own level and ignores the ZipFile's: without this
    # the database was deflated at zlib's default level 6, 2.4 times slower than at LEVEL for 6%
    # less (a county's 850 MB: 9.1 s against 3.8 s). The name stays protected before Python 3.13
    # (compress_level since, with _compresslevel kept as its alias).
    info._compresslevel = LEVEL
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as zf:
        zf.writestr(DETAILS, json.dumps(details, ensure_ascii=False, sort_keys=True))
        with open(plain, "rb") as src, zf.open(info, "w") as out:
            done = 0
            while chunk := src.read(CHUNK):
                if stop is not None and stop():
                    raise Stopped
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total, "正在检查并压缩备份")


def _member(zf: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """The one database in a backup (top level, .sqlite), or None."""
    found = [i for i in zf.infolist() if i.filename.endswith(MEMBER_SUFFIX) and "/" not in i.filename
             and "\\" not in i.filename and not i.is_dir()]
    return found[0] if len(found) == 1 else None


def read_details(path: Path) -> dict[str, Any]:
    """The stored description of a compressed backup, or {"error": …} when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as zf:
            if _member(zf) is None:
                return {"error": "不是党建台账的备份文件"}
            doc = json.loads(zf.read(DETAILS).decode("utf-8"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, EOFError):
        return {"error": "无法读取：备份文件已损坏或不完整"}
    if not isinstance(doc, dict):
        return {"error": "不是党建台账的备份文件"}
    counts = doc.get("counts")
    out: dict[str, Any] = {"counts": {k: v for k, v in counts.items() if isinstance(v, int) or v is None}
                           if isinstance(counts, dict) else {}}
    for key, kind in (("schema_version", int), ("office", str), ("marker", str), ("error", str),
                      ("office_id", str), ("database", str)):
        if isinstance(doc.get(key), kind):
            out[key] = doc[key]
    return out


@contextmanager
def extracted(path: Path, folder: Path, progress: Progress | None = None) -> Iterator[Path]:
    """The database inside the compressed backup `path`, as a temporary plain file in `folder`
    (removed on leaving). UserError for what cannot be restored from."""
    path, folder = Path(path), Path(folder)
    not_ours = f"{path.name} 不是党建台账的备份文件，不能用来恢复。"
    damaged = f"所选备份 {path.name} 已损坏或不完整，不能用来恢复。请选择另一份备份。"
    # A name of its own: two restores from the same backup (of two databases in one folder) never
    # share an unpacked file.
    out = folder / f".{path.stem}-{secrets.token_hex(4)}{path.suffix}.unzipped"
    try:
        with zipfile.ZipFile(path) as zf:
            info = _member(zf)
            if info is None:
                raise UserError(not_ours)
            try:
                free = shutil.disk_usage(folder).free
            except OSError:
                free = None
            if free is not None and info.file_size + ROOM > free:
                raise UserError(f"磁盘空间不足：解开所选备份需要约 {(info.file_size + ROOM) / 1e6:.0f} MB，"
                                f"{folder} 所在的磁盘只剩 {free / 1e6:.0f} MB。请清理磁盘后再恢复。")
            with zf.open(info) as src, open(out, "wb") as dst:
                done = 0
                while chunk := src.read(CHUNK):
                    done += len(chunk)
                    if done > info.file_size:
                        raise UserError(damaged)
                    dst.write(chunk)
                    if progress:
                        progress(done, info.file_size, "正在解压所选备份")
            if done != info.file_size:
                raise UserError(damaged)
    except BaseException as e:
        _discard(out)
        if isinstance(e, zipfile.BadZipFile):
            raise UserError(damaged if zipfile.is_zipfile(path) else not_ours) from None
        if isinstance(e, (EOFError, zipfile.LargeZipFile)):
            raise UserError(damaged) from None
        if isinstance(e, OSError):
            if not path.is_file():
                raise UserError(f"找不到备份文件：{path}") from None
            raise UserError(f"无法解开所选备份：{os_reason(e)}（{folder}）。") from None
        raise
    try:
        yield out
    finally:
        _discard(out)


def _discard(path: Path) -> None:
    """Remove the unpacked file (only ever opened read-only and immutable: it has no -wal or
    -journal beside it)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as e:  # Windows: still open somewhere; the hidden file stays until next time
        log.warning("could not remove %s: %s", path, e)
