"""Single-writer lock on a database file: one process writes, others read or are refused.

The lock file (`<db>.lock`) holds who has it (computer, process, user, since when) as JSON,
and the holder keeps an OS lock on it. The OS drops that lock when the holder dies, so a
lock file whose OS lock can be taken was left by a crash: it is stale and is cleared.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from ..dates import now_iso

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
        return f"计算机“{self.host}”上的进程 {self.pid}（用户 {self.user}，自 {self.since} 起）"


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


def _read_holder(path: Path) -> LockHolder | None:
    try:
        raw = path.read_bytes()[:_LOCK_OFFSET].decode("utf-8").strip("\0 \n")
        data = json.loads(raw)
        return LockHolder(str(data["host"]), int(data["pid"]), str(data["user"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class WriterLock:
    """The write lock of one database file, held by this process until `release()`."""

    def __init__(self, db_path: Path):
        self.path = Path(str(db_path) + ".lock")
        self._fd: int | None = None
        self.stale_cleared: LockHolder | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> LockHolder | None:
        """Take the lock. Returns None on success, or the live holder when another process has it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _os_try_lock(fd):
            os.close(fd)
            return _read_holder(self.path) or LockHolder("未知", 0, "未知", "")
        previous = _read_holder(self.path)
        if previous is not None:
            # Nobody holds the OS lock, yet the file names a holder: a crash left it.
            self.stale_cleared = previous
        me = {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "user": _user(),
            "since": now_iso(),
        }
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(me, ensure_ascii=False).encode("utf-8"))
        os.fsync(fd)
        self._fd = fd
        return None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            _os_unlock(fd)
        finally:
            os.close(fd)
        try:
            self.path.unlink()
        except OSError:
            pass


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return "unknown"


def current_actor() -> str:
    """Who is making a change when the caller names nobody: the OS login on this computer."""
    return f"{_user()}@{socket.gethostname()}"
