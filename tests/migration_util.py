"""A demo town written by an older schema's code path, for the migration tests."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.registry import init_office

TODAY = dt.date(2026, 11, 22)


def demo_town_at(folder: Path, version: int, *, seed: int = 3,
                 then: Callable[[Database], object] | None = None) -> tuple[Path, object]:
    """A closed demo town at schema `version` (its keys and settings inside `folder`), and what
    `then` returned after doing its part on the open database (None without one)."""
    path = folder / f"v{version}.sqlite"
    result = None
    with pytest.MonkeyPatch.context() as mp:
        for var in ("DANGJIAN_DATA_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            mp.setenv(var, str(folder / "user" / var.lower()))
        db = Database.create(path, schema_version=version)
        try:
            init_office(db, name="文城镇", level="town")
            generate(db, seed=seed, today=TODAY)
            if then is not None:
                result = then(db)
        finally:
            db.close()
    return path, result


def table_rows(conn, table: str) -> list[tuple]:
    """A table's rows with their rowids, in rowid order. The change log is a view from v14: its
    entries with their seq (the rowid they had in the change_log table), in seq order. The gid
    column schema version 15 adds (empty on the rows it finds) is left out."""
    cols = ", ".join(f'"{r[1]}"' for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] != "gid")
    sql = ("SELECT seq, * FROM change_log ORDER BY seq" if table == "change_log"
           else f'SELECT rowid, {cols} FROM "{table}" ORDER BY rowid')
    return [tuple(r) for r in conn.execute(sql)]


@contextmanager
def upgraded_copy(source: Path, folder: Path) -> Iterator[Database]:
    """A copy of an older schema's file in `folder`, opened (and so upgraded) as the app opens it."""
    db = Database.open(shutil.copyfile(source, folder / "town.sqlite"))
    try:
        yield db
    finally:
        db.close()


def copy_with_rows(source: Path, folder: Path, version: int) -> tuple[Path, dict[str, list[tuple]]]:
    """A copy of an older schema's file in `folder` (checked to be at `version`) and every row of
    its rowid tables (table_rows), read before the app upgrades it."""
    path = shutil.copyfile(source, folder / "town.sqlite")
    conn = sqlite3.connect(path)  # the app opens an older schema only to upgrade it
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                            "AND sql NOT LIKE '%WITHOUT ROWID%' ORDER BY name")]
        return path, {t: table_rows(conn, t) for t in names}
    finally:
        conn.close()


def sent_since(db: Database, base: int):
    """What the town's next package to the county would carry after transaction `base`, with the
    ids the package has (global: exchange/idmap.py)."""
    from dangjian_desktop.exchange import idmap
    from dangjian_desktop.exchange.export import town_rows

    me = db.scalar("SELECT value FROM meta WHERE key = 'local_office_id'")
    rows, deleted = town_rows(db, me, base)
    return idmap.to_global(db.conn, rows), idmap.deleted_to_global(db.conn, deleted)


def town_with_a_deletion(folder: Path, version: int) -> tuple[Path, tuple[str, object]]:
    """A demo town at schema `version` with an attendance row deleted after its year, the deleted
    row's id and what a package would carry of the year and the deletion (sent_since)."""
    def then(db):
        base = db.scalar("SELECT max(id) FROM tx_log")
        gone = db.scalar("SELECT id FROM meeting_attendance ORDER BY rowid LIMIT 1")
        with db.transaction("删除一条考勤") as tx:
            tx.delete("meeting_attendance", gone)
        return gone, sent_since(db, base - 1)

    return demo_town_at(folder, version, seed=5, then=then)
