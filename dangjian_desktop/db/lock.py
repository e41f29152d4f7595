"""Single-writer lock on a database file: one process writes, others read or are refused.

The lock file (`<db>.lock`) holds who has it (computer, process, user, since when) as JSON,
and the holder keeps an OS lock on it. The OS drops that lock when the holder dies, so a
lock file whose OS lock can be taken was left by a crash: it is stale and is cleared.

The lock file is never deleted, only emptied on release. Deleting it would break the lock:
a process that opened the file a moment before the unlink would lock the deleted file while
a third one creates a new file under the same name and locks that one - two writers.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..dates import format_cn_time, now_iso

# The OS lock covers one byte past any holder text, so on Windows (mandatory range
# locks) other processes can still read who holds it.
_LOCK_OFFSET = 4096


@dataclass(frozen=True)
class LockHolder:
    host: str
    pid: int
    user: str
    since: str

    def describe(self) -> str:
        return f"计算机“{self.host}”上的进程 {self.pid}（用户 {self.user}，自 {format_cn_time(self.since)} 起）"


def _os_try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _os_unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _parse_holder(raw: bytes) -> LockHolder | None:
    try:
        data = json.loads(raw[:_LOCK_OFFSET].decode("utf-8").strip("\0 \n"))
        return LockHolder(str(data["host"]), int(data["pid"]), str(data["user"]), str(data["since"]))
    except (ValueError, KeyError, TypeError):
        return None


def _read_holder(path: Path) -> LockHolder | None:
    try:
        return _parse_holder(path.read_bytes())
    except OSError:
        return None


def _live_holder(path: Path) -> LockHolder:
    """Who holds the lock we could not take. The holder writes its name just after taking the lock
    and empties the file just before letting it go: an empty file is read again for a moment."""
    for _ in range(20):
        if (holder := _read_holder(path)) is not None:
            return holder
        time.sleep(0.005)
    return LockHolder("未知", 0, "未知", "")


class WriterLock:
    """The write lock of one database file, held by this process until `release()`."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        # Beside the file itself: a database reached through a symbolic link (or another spelling
        # of its path) has one lock, not one per way of naming it.
        self.path = Path(os.path.realpath(db_path) + ".lock")
        self._fd: int | None = None
        self.stale_cleared: LockHolder | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> LockHolder | None:
        """Take the lock. Returns None on success, or the live holder when another process has it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, self._file_mode())
        if not _os_try_lock(fd):
            os.close(fd)
            return _live_holder(self.path)
        # Read through the locked descriptor: no second descriptor of the file while we hold it.
        os.lseek(fd, 0, os.SEEK_SET)
        previous = _parse_holder(os.read(fd, _LOCK_OFFSET))
        if previous is not None:
            # Nobody holds the OS lock, yet the file names a holder: a crash left it.
            self.stale_cleared = previous
        me = {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "user": _user(),
            "since": now_iso(),
        }
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps(me, ensure_ascii=False).encode("utf-8"))
            os.fsync(fd)
        except OSError:  # a full disk: give the lock back rather than hold it unnamed
            _os_unlock(fd)
            os.close(fd)
            raise
        self._fd = fd
        return None

    def _file_mode(self) -> int:
        """Whoever may write the database may take its lock: the lock file, which stays, gets the
        database file's read/write bits, always writable by its owner (the umask still applies)."""
        try:
            return (os.stat(self.db_path).st_mode & 0o666) | 0o600
        except OSError:
            return 0o644

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)  # a clean release leaves no holder behind to be taken as stale
            _os_unlock(fd)
        finally:
            os.close(fd)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return "unknown"


def current_actor() -> str:
    """Who is making a change when the caller names nobody: the OS login on this computer."""
    return f"{_user()}@{socket.gethostname()}"
