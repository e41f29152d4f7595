"""SQLite's own checks of a database file (integrity, foreign keys), run by Database.verify on a
second read-only connection in a thread beside the change-log checks, and stopped when the clerk
cancels the check."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import suppress
from pathlib import Path
from typing import Callable

from ..errors import Cancelled


def sqlite_checks(conn: sqlite3.Connection) -> list[str]:
    """SQLite's integrity check and foreign keys."""
    problems = []
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            problems += [f"SQLite 完整性检查：{r}" for r in result[:20]]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as e:  # pages so damaged that a check cannot read past them
        if "malformed" not in str(e):
            raise
        return problems + ["SQLite 完整性检查：数据库文件已损坏，有的数据页无法读取"]
    if fk:
        problems.append(f"有 {len(fk)} 处外键引用了不存在的记录（例如表 {fk[0][0]}）")
    return problems


class VerifyCancelled(Cancelled):
    """The clerk stopped a check (检查数据 → 取消) before it came to a conclusion."""

    def __init__(self):
        super().__init__("已取消检查数据，没有得出结论。")


class SqliteChecks(threading.Thread):
    """sqlite_checks on a read-only connection of its own, in a thread (SQLite runs without
    Python's lock, so they overlap the change-log checks). result(): None when that
    connection could not be had or failed; the caller then runs them on its own. stop(): the
    checks interrupted (a cancelled verify), the thread ended."""

    def __init__(self, file: str, uri: str | None = None):
        super().__init__(name="verify-sqlite-checks", daemon=True)
        # The URI this database was opened read-only with, if any: on read-only media it says
        # `immutable=1`, so that nothing is created beside the file.
        self.uri = uri or f"{Path(file).as_uri()}?mode=ro"
        self.problems: list[str] | None = None
        self._conn: sqlite3.Connection | None = None
        self._stopped = threading.Event()
        self.start()

    def run(self) -> None:
        try:
            conn = sqlite3.connect(self.uri, uri=True, isolation_level=None, check_same_thread=False)
            try:
                self._conn = conn
                if self._stopped.is_set():  # stopped before the connection was there to interrupt
                    return
                conn.execute("PRAGMA busy_timeout = 5000")
                # A page cache for this one pass (the default 2 MB makes every page a read call:
                # a third of integrity_check's time); given back when the connection closes.
                conn.execute("PRAGMA cache_size = -131072")
                self.problems = sqlite_checks(conn)
            finally:
                self._conn = None
                conn.close()
        except sqlite3.Error:
            self.problems = None

    def result(self, cancelled: Callable[[], bool] | None = None) -> list[str] | None:
        """The problems found, once the checks ended; VerifyCancelled when `cancelled()` turns
        true while they run."""
        while self.is_alive():
            self.join(0.1)
            if cancelled is not None and self.is_alive() and cancelled():
                raise VerifyCancelled()
        return self.problems

    def stop(self) -> None:
        self._stopped.set()
        conn = self._conn
        if conn is not None:
            with suppress(sqlite3.Error):  # closed meanwhile: the checks had ended
                conn.interrupt()  # integrity_check ends at once with "interrupted"
        self.join()
