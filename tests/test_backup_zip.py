"""Compressed backups (db/backup_zip.py): a backup is a ZIP of the checked copy and its
description; listing reads the description only; restoring unpacks it beside the database and
refuses foreign, damaged or oversized files (and a full disk) with nothing changed or left;
plain backups made before still list and restore."""

from __future__ import annotations

import sqlite3
import zipfile
from collections import namedtuple

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.db import backup as backup_mod
from dangjian_desktop.db import backup_zip
from dangjian_desktop.db.backup import backup_dir, copy_database, list_backups, make_backup
from dangjian_desktop.db.restore import restore
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import get_setting, set_setting

from roster_util import add_branches

ISSUER = "publicity_issuer"


def _issuer(path):
    with Database.open(path, mode="read") as db:
        return get_setting(db, ISSUER)


def _hidden(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_backup_is_a_zip_of_the_checked_copy_and_its_description_and_much_smaller(db, db_path):
    add_branches(db, *[f"第{n}村党支部" for n in range(40)])
    set_setting(db, ISSUER, "中共测试镇委员会")
    path = make_backup(db, "manual")
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["backup.json", "office.sqlite"]
        assert zf.testzip() is None
        plain = zf.getinfo("office.sqlite")
        assert plain.compress_type == zipfile.ZIP_DEFLATED
    assert path.stat().st_size * 3 < plain.file_size  # compressed several times
    [info] = list_backups(db_path)
    assert info.counts["organisations"] == 41 and info.office and info.error is None
    assert info.marker == backup_mod.change_marker(db)
    assert _hidden(path.parent) == []


def test_the_database_is_deflated_at_the_fast_level_not_zlibs_default(db, monkeypatch):
    # A ZipInfo opened for writing ignores the ZipFile's level: the copy was deflated at level 6.
    import zlib

    levels, real = [], zlib.compressobj

    def spy(level=zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        levels.append(level)
        return real(level, *args, **kwargs)

    monkeypatch.setattr(zlib, "compressobj", spy)
    add_branches(db, *[f"第{n}村党支部" for n in range(20)])
    path = make_backup(db, "manual")
    monkeypatch.undo()
    assert len(levels) == 2 and set(levels) == {backup_zip.LEVEL}  # the description, the database
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None


def test_listing_reads_the_stored_description_without_opening_the_database(db, db_path, monkeypatch):
    make_backup(db, "manual")
    opened = []
    monkeypatch.setattr(backup_mod, "open_snapshot", lambda p: opened.append(p) or sqlite3.connect(":memory:"))
    [info] = list_backups(db_path)
    assert opened == [] and info.schema_version == db.schema_version and info.counts["organisations"] == 1


def test_a_failed_compression_leaves_no_file(db, db_path, monkeypatch):
    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_zip, "write", full)
    with pytest.raises(UserError, match="备份没有成功.*没有留下不完整的文件"):
        make_backup(db, "manual")
    assert list(backup_dir(db_path).iterdir()) == []


def test_restore_from_a_compressed_backup_leaves_nothing_unpacked(db, db_path):
    set_setting(db, ISSUER, "原来的")
    bk = make_backup(db, "manual", db_path.parent / "bk")
    set_setting(db, ISSUER, "后来改的")
    db.close()
    steps = []
    result = restore(db_path, bk, progress=lambda done, total, text: steps.append(text))
    assert _issuer(db_path) == "原来的" and result.restored_from == bk
    assert "正在解压所选备份" in steps
    assert _hidden(db_path.parent) == []
    with Database.open(db_path) as again:
        assert again.verify() == []


@pytest.fixture
def closed(db, db_path):
    set_setting(db, ISSUER, "现在的")
    bk = make_backup(db, "manual", db_path.parent / "bk")
    db.close()
    return db_path, bk


def _refused(db_path, bad, match):
    before = db_path.read_bytes()
    with pytest.raises(UserError, match=match):
        restore(db_path, bad)
    assert db_path.read_bytes() == before and _hidden(db_path.parent) == []
    assert list_backups(db_path) == []  # not even the safety backup: refused before anything


def test_a_zip_that_is_not_our_backup_is_refused(closed, tmp_path):
    db_path, _bk = closed
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("a.jpg", b"x" * 100)
    _refused(db_path, other, "不是党建台账的备份文件")
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.sqlite", b"x")
        zf.writestr("b.sqlite", b"y")
    _refused(db_path, two, "不是党建台账的备份文件")
    text = tmp_path / "text.zip"
    text.write_text("不是压缩文件", encoding="utf-8")
    _refused(db_path, text, "不是党建台账的备份文件")
    inside = tmp_path / "inside.zip"
    with zipfile.ZipFile(inside, "w") as zf:
        zf.writestr("office.sqlite", b"not a database at all" * 100)
    _refused(db_path, inside, "不是党建台账的数据库")


def test_a_damaged_or_truncated_backup_is_refused(closed, tmp_path):
    db_path, bk = closed
    data = bytearray(bk.read_bytes())
    with zipfile.ZipFile(bk) as zf:
        info = zf.getinfo("office.sqlite")
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    data[at] ^= 0xFF
    flipped = tmp_path / "flipped.zip"
    flipped.write_bytes(bytes(data))
    _refused(db_path, flipped, "已损坏或不完整")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(bk.read_bytes()[: len(data) // 2])
    _refused(db_path, cut, "已损坏或不完整|不是党建台账的备份文件")


def test_a_member_larger_than_it_says_is_refused(closed, tmp_path, monkeypatch):
    db_path, bk = closed
    real = zipfile.ZipFile.infolist

    def shrunk(self):
        out = real(self)
        for i in out:
            if i.filename.endswith(".sqlite"):
                i.file_size = 1000
        return out

    monkeypatch.setattr(zipfile.ZipFile, "infolist", shrunk)
    _refused(db_path, bk, "已损坏或不完整")


def test_no_room_to_unpack_is_said_before_anything_is_written(closed, monkeypatch):
    db_path, bk = closed
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(backup_zip.shutil, "disk_usage", lambda p: usage(10 ** 9, 10 ** 9, 1000))
    _refused(db_path, bk, "磁盘空间不足")


def test_a_plain_backup_made_before_compression_still_lists_and_restores(db, db_path):
    set_setting(db, ISSUER, "旧备份里的")
    old = copy_database(db, backup_dir(db_path) / "office_20260301-140500_manual.sqlite")
    set_setting(db, ISSUER, "现在的")
    new = make_backup(db, "manual")
    listed = list_backups(db_path)
    assert [b.path for b in listed] == [new, old]
    assert listed[1].counts["organisations"] == 1 and listed[1].error is None
    db.close()
    restore(db_path, old)
    assert _issuer(db_path) == "旧备份里的"


def test_a_database_in_use_is_said_before_the_backup_is_unpacked(db, db_path):
    from dangjian_desktop.errors import LockedError

    bk = make_backup(db, "manual", db_path.parent / "bk")
    steps = []
    with pytest.raises(LockedError, match="不能恢复"):
        restore(db_path, bk, progress=lambda done, total, text: steps.append(text))
    assert steps == [] and _hidden(db_path.parent) == []


def test_the_copy_is_checked_while_another_thread_compresses_it_and_a_bad_copy_leaves_nothing(db, db_path,
                                                                                            monkeypatch):
    import threading

    threads = []
    real = backup_zip.write

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(backup_zip, "write", spy)
    make_backup(db, "manual")
    assert threads and threads[0] is not threading.main_thread()
    monkeypatch.setattr(backup_mod, "integrity_problems", lambda conn: ["*** in database main ***"])
    with pytest.raises(UserError, match="没有通过完整性检查"):
        make_backup(db, "manual")
    assert len(list(backup_dir(db_path).iterdir())) == 1  # only the first backup
