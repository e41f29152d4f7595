"""A second open of a database in the same process must not drop this process's SQLite locks.

On POSIX systems closing any descriptor of a file releases every lock the process holds on it;
another process closing its connection next would then delete -wal/-shm from under us and later
writes would be lost (seen as scores shown 已保存 and missing after a restart).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.errors import UserError


def _outside_open_and_close(path) -> None:
    code = textwrap.dedent(f"""
        import sqlite3
        c = sqlite3.connect({str(path)!r})
        c.execute("SELECT count(*) FROM meta").fetchone()
        c.close()
    """)
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("second_mode", ["read", "auto"])
def test_a_second_open_keeps_wal_and_writes_survive(db, db_path, second_mode):
    db.scalar("SELECT count(*) FROM member")
    again = None
    try:
        again = Database.open(db_path, mode=second_mode)  # the app's own open path, same process
    finally:
        if again is not None:
            again.close()
    _outside_open_and_close(db_path)
    assert (db_path.with_name(db_path.name + "-wal")).exists()
    assert (db_path.with_name(db_path.name + "-shm")).exists()
    with db.transaction("写入一条设置") as tx:
        tx.set_meta("pitfall_probe", "still here")
    db.close()
    with Database.open(db_path, mode="read") as reopened:
        assert reopened.meta("pitfall_probe") == "still here"


def test_a_refused_non_database_is_read_through_sqlite(tmp_path):
    p = tmp_path / "x.sqlite"
    p.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 40)
    with pytest.raises(UserError, match="不是党建台账的数据库"):
        Database.open(p)


def test_no_plain_open_of_a_database_path_in_the_data_layer():
    """Audit: the data layer never reads a database file through open()/read_bytes()."""
    from pathlib import Path

    import dangjian_desktop.db.database as mod

    src = Path(mod.__file__).read_text(encoding="utf-8")
    assert "open(path" not in src and "read_bytes" not in src
