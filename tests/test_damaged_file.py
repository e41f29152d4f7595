"""A database file with damaged pages is told as damaged, in Chinese, with what to do: opening it
no longer calls it "not a database", and verify lists the damage instead of failing with
SQLite's English text and a crash log."""

from __future__ import annotations

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.errors import UserError
from dangjian_desktop.points.ledger import add_entry

from points_util import YEAR, add_branch, simple_catalogue


@pytest.fixture
def closed(db):
    """A town with a few hundred rows, closed (its pages on disk)."""
    items = simple_catalogue(db)
    for k in range(3):
        b = add_branch(db, f"第{k}村党支部", n=20)
        for m in b.members:
            add_entry(db, m, items["P2"].id, f"{YEAR}-07-01", note="志愿服务" * 20)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path, root = db.path, db.scalar("SELECT rootpage FROM sqlite_master WHERE name = 'points_entry'")
    db.close()
    return path, root


def _damage(path, first_page: int, pages: int = 3):
    data = bytearray(path.read_bytes())
    for page in range(first_page, first_page + pages):
        data[page * 4096 + 8: page * 4096 + 200] = b"\x55" * 192
    path.write_bytes(bytes(data))


def test_a_damaged_schema_page_is_called_damaged_not_foreign(closed):
    closed, _root = closed
    data = bytearray(closed.read_bytes())
    data[108:200] = b"\x55" * 92  # the first page's tree: the list of tables cannot be read
    closed.write_bytes(bytes(data))
    with pytest.raises(UserError) as e:
        Database.open(closed, mode="read")
    assert "已损坏" in e.value.message and "从备份恢复" in e.value.message and "不是党建台账" not in e.value.message


def test_verify_of_damaged_pages_lists_the_damage_in_chinese(closed):
    closed, root = closed
    _damage(closed, root - 1, pages=1)  # the points entries' table (pages count from 1)
    with Database.open(closed, mode="read") as db:
        found = db.verify()
    assert found and any("已损坏" in p or "完整性检查" in p for p in found), found
    assert not any("malformed" in p for p in found if "完整性检查：***" not in p)
