"""One writer means one writer: processes racing to open the same database for writing never
hold the writer lock at the same time, and the lock file stays in place between holders."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.db.lock import WriterLock

# Each racer opens the database for writing again and again until the common deadline and
# appends the monotonic start and end of every interval it held the lock to its own file.
RACER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from dangjian_desktop.errors import LockedError
    path, out, start, stop, level = sys.argv[1:6]
    start, stop = float(start), float(stop)
    if level == "database":
        from dangjian_desktop.db import Database

        def hold():
            try:
                db = Database.open(path, mode="write")
            except LockedError:
                return None
            return db, db.close
    else:
        from dangjian_desktop.db.lock import WriterLock

        def hold():
            lock = WriterLock(Path(path))
            if lock.acquire() is not None:
                return None
            return lock, lock.release
    while time.time() < start:
        time.sleep(0.001)
    with open(out, "w") as f:
        while time.time() < stop:
            got = hold()
            if got is None:
                continue
            began = time.monotonic_ns()
            time.sleep(0.001)
            ended = time.monotonic_ns()
            got[1]()
            f.write(f"{began} {ended}\\n")
""")


def _race(tmp_path, db_path, level: str, processes: int, seconds: float) -> tuple[int, int]:
    """Run the racers; return (intervals held, intervals that overlapped another racer's)."""
    start = time.time() + 1.5  # every interpreter is up before the race starts
    outs = [tmp_path / f"held-{level}-{n}.txt" for n in range(processes)]
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(db_path), str(out), str(start),
                               str(start + seconds), level]) for out in outs]
    for p in procs:
        assert p.wait(timeout=120) == 0
    held = []
    for n, out in enumerate(outs):
        for line in out.read_text().splitlines():
            began, ended = map(int, line.split())
            held.append((began, ended, n))
    held.sort()
    overlaps, latest_end, latest_owner = 0, -1, None
    for began, ended, n in held:
        if began < latest_end and latest_owner != n:
            overlaps += 1
        if ended > latest_end:
            latest_end, latest_owner = ended, n
    return len(held), overlaps


def test_racing_writers_through_database_open_never_overlap(db, db_path, tmp_path):
    db.close()
    held, overlaps = _race(tmp_path, db_path, "database", processes=3, seconds=4)
    assert held >= 20  # the racers really took turns
    assert overlaps == 0


def test_racing_writer_locks_never_overlap(db, db_path, tmp_path):
    # Without the database work around it the lock changes hands thousands of times a second:
    # the window in which a deleted lock file let two processes in is hit quickly.
    db.close()
    held, overlaps = _race(tmp_path, db_path, "lock", processes=2, seconds=3)
    assert held >= 100
    assert overlaps == 0


def test_lock_file_stays_and_is_empty_after_release(db, db_path):
    lock_file = db_path.with_name(db_path.name + ".lock")
    assert str(os.getpid()) in lock_file.read_text(encoding="utf-8")  # the holder names itself
    db.close()
    assert lock_file.exists() and lock_file.read_bytes() == b""
    again = Database.open(db_path, mode="write")
    try:
        assert again.stale_lock_cleared is None  # an emptied file is no crash
    finally:
        again.close()


def test_a_lock_holder_is_named_while_the_file_is_being_filled(db, db_path, monkeypatch):
    """A process refused in the instant between the holder's lock and its name being written
    waits for the name instead of reporting an unknown holder."""
    import dangjian_desktop.db.lock as lock_mod

    reads = []
    real = lock_mod._read_holder

    def first_read_finds_the_file_empty(path):
        reads.append(path)
        return None if len(reads) == 1 else real(path)

    monkeypatch.setattr(lock_mod, "_read_holder", first_read_finds_the_file_empty)
    holder = WriterLock(db_path).acquire()
    assert holder is not None and holder.pid == os.getpid() and len(reads) == 2


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_lock_file_takes_the_database_files_permission_bits(db, db_path):
    """The lock file stays, so whoever may write the database (a shared group) may take it too."""
    lock_file = db_path.with_name(db_path.name + ".lock")
    db.close()
    lock_file.unlink()
    db_path.chmod(0o660)
    old = os.umask(0o002)
    try:
        Database.open(db_path).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(lock_file.stat().st_mode) == 0o660
