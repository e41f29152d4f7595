"""Single writer: a second process on the same file reads only or is refused, naming the holder;
a lock left by a crashed process is cleared."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.errors import LockedError

HOLDER = textwrap.dedent("""
    import sys
    from dangjian_desktop.db import Database
    db = Database.open(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    db.close()
    print("closed", flush=True)
""")


@pytest.fixture
def holder(db, db_path):
    db.close()
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_second_writer_is_refused_naming_computer_and_process(holder, db_path):
    with pytest.raises(LockedError) as exc:
        Database.open(db_path, mode="write")
    assert socket.gethostname() in exc.value.message
    assert str(holder.pid) in exc.value.message


def test_second_instance_can_open_read_only(holder, db_path):
    db = Database.open(db_path, mode="auto")
    try:
        assert db.readonly
        assert db.holder.pid == holder.pid
        assert db.scalar("SELECT count(*) FROM office") == 1
    finally:
        db.close()


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need rights on Windows")
def test_a_symbolic_link_to_a_database_in_use_is_refused_too(holder, db_path, tmp_path):
    """The same file under another name (a symbolic link): one lock, not a second writer."""
    link = tmp_path / "link.sqlite"
    link.symlink_to(db_path)
    with pytest.raises(LockedError) as exc:
        Database.open(link, mode="write")
    assert str(holder.pid) in exc.value.message
    assert not (tmp_path / "link.sqlite.lock").exists()


def test_lock_is_released_when_the_holder_closes(holder, db_path):
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "closed"
    db = Database.open(db_path)
    assert not db.readonly and db.stale_lock_cleared is None
    db.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_stale_lock_from_a_crash_is_detected_and_cleared(holder, db_path):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (db_path.parent / (db_path.name + ".lock")).exists()
    db = Database.open(db_path)
    try:
        assert not db.readonly
        assert db.stale_lock_cleared is not None and db.stale_lock_cleared.pid == holder.pid
        assert db.verify() == []
    finally:
        db.close()


def test_the_holder_is_described_with_the_time_as_the_clerk_reads_it():
    from dangjian_desktop.db.lock import LockHolder

    holder = LockHolder(host="办公室电脑", pid=1234, user="clerk", since="2026-03-01T09:30:05+08:00")
    assert holder.describe() == "计算机“办公室电脑”上的进程 1234（用户 clerk，自 2026年3月1日 09:30 起）"
