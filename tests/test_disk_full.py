"""A full disk never takes the program down: the clerk reads 磁盘空间不足 (which disk, how much is
left), the database stays as it was, and a file being saved is either whole or not there."""

from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dangjian_desktop.cli import Context, main
from dangjian_desktop.db import Database
from dangjian_desktop.db.storage import DiskFullError, DiskIOError, disk_of, storage_error
from dangjian_desktop.filesave import save_file, write_bytes


def snapshot(db: Database) -> list[str]:
    return list(db.conn.iterdump())


def fill_up(db: Database) -> None:
    """Make the database file 'full': SQLite refuses to grow it past its present size (SQLITE_FULL)."""
    db.conn.execute(f"PRAGMA max_page_count = {db.scalar('PRAGMA page_count')}")


def big_unit_of_work(db: Database, rows: int = 3000) -> None:
    with db.transaction("写入大量设置") as tx:
        for i in range(rows):
            tx.set_meta(f"probe_{i}", "长" * 400)


# ---- the database --------------------------------------------------------------------------

def test_a_full_database_says_disk_full_and_keeps_everything(db, db_path):
    before = snapshot(db)
    fill_up(db)
    with pytest.raises(DiskFullError) as exc:
        big_unit_of_work(db)
    message = exc.value.message
    assert message.startswith("磁盘空间不足")
    assert disk_of(db_path)[0] in message and "可用空间" in message
    assert "数据库保持原样" in message
    assert isinstance(exc.value.__cause__, sqlite3.OperationalError)
    assert not db.conn.in_transaction
    db.conn.execute("PRAGMA max_page_count = 1073741823")
    assert snapshot(db) == before
    assert db.verify() == []
    with db.transaction("磁盘清理后再写") as tx:  # the same connection goes on working
        tx.set_meta("after_cleanup", "ok")
    assert db.meta("after_cleanup") == "ok"


# SQLite rolls a transaction back by itself when a write fails half-way through spilling it to
# disk; the program's own ROLLBACK then failed with "cannot rollback - no transaction is active",
# hiding the real cause. RLIMIT_FSIZE makes the write fail for real, with no root rights needed.
ROLLED_BACK_BY_SQLITE = textwrap.dedent("""
    import json, os, resource, signal, sys
    import dangjian_desktop.db.storage as storage
    from dangjian_desktop.db import Database
    path, nearly_full = sys.argv[1], sys.argv[2] == "1"
    if nearly_full:
        storage.LOW_SPACE = 1 << 62  # the disk counts as nearly full: what the limit stands for
    db = Database.open(path)
    db.conn.execute("PRAGMA cache_size = 20")  # spill the big transaction early
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = max(os.path.getsize(path), os.path.getsize(path + "-wal")) + 64 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    try:
        with db.transaction("写入大量设置") as tx:
            for i in range(20000):
                tx.set_meta(f"probe_{i}", "长" * 400)
        result = {"error": None}
    except Exception as e:
        result = {"error": type(e).__name__, "message": getattr(e, "message", str(e)),
                  "in_transaction": db.conn.in_transaction}
    print(json.dumps(result, ensure_ascii=False))
""")


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
@pytest.mark.parametrize("nearly_full", [True, False])
def test_a_write_failing_half_way_is_told_and_the_database_kept(db, db_path, nearly_full):
    before = snapshot(db)
    db.close()
    out = subprocess.run([sys.executable, "-c", ROLLED_BACK_BY_SQLITE, str(db_path), "1" if nearly_full else "0"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["in_transaction"] is False
    assert "cannot rollback" not in result["message"]
    if nearly_full:
        assert result["error"] == "DiskFullError" and result["message"].startswith("磁盘空间不足")
    else:  # plenty of space left: an I/O error is told as one, not as a bug
        assert result["error"] == "DiskIOError" and "磁盘出错" in result["message"]
    with Database.open(db_path) as again:
        assert snapshot(again) == before
        assert again.verify() == []


def test_the_cli_says_disk_full_not_a_bug(db, db_path, monkeypatch, capsys):
    db.close()
    real_open = Context.open_db

    def open_full(self, mode="write"):
        opened = real_open(self, mode)
        fill_up(opened)
        return opened

    monkeypatch.setattr(Context, "open_db", open_full)
    with Database.open(db_path, mode="read") as reader:
        before = snapshot(reader)
    code = main(["--db", str(db_path), "demo", "--seed", "3"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("磁盘空间不足") and "程序内部错误" not in err and "Traceback" not in err
    with Database.open(db_path, mode="read") as reader:
        assert snapshot(reader) == before


def test_the_cli_tells_a_full_disk_met_outside_a_unit_of_work(db, db_path, monkeypatch, capsys):
    """Writing the lock file's holder on a full disk raises a bare OSError (ENOSPC)."""
    from dangjian_desktop.db.lock import WriterLock

    db.close()

    def no_space(self):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(WriterLock, "acquire", no_space)
    code = main(["--db", str(db_path), "settings", "set", "operator", "张三"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("磁盘空间不足") and disk_of(db_path)[0] in err and "程序内部错误" not in err


def test_translation_of_the_ways_a_full_disk_shows_up(db_path):
    full = sqlite3.OperationalError("database or disk is full")
    assert storage_error(full, db_path).message.startswith("磁盘空间不足")
    enospc = OSError(errno.ENOSPC, "No space left on device")
    assert isinstance(storage_error(enospc, db_path), DiskFullError)
    saved = OSError(errno.ENOSPC, "No space left on device", str(db_path.with_name("名单.xlsx")))
    assert "无法保存“名单.xlsx”" in storage_error(saved, db_path).message
    assert storage_error(OSError(errno.EACCES, "Permission denied"), db_path) is None
    assert storage_error(sqlite3.OperationalError("no such table: x"), db_path) is None
    assert storage_error(ValueError("x"), db_path) is None


def test_the_gui_shows_disk_full_instead_of_a_bug():
    from dangjian_desktop.gui.errors import error_text

    for exc in (OSError(errno.ENOSPC, "No space left on device"), sqlite3.OperationalError("database or disk is full")):
        text = error_text(exc)
        assert text.startswith("磁盘空间不足") and "程序内部错误" not in text


# ---- saving files ------------------------------------------------------------------------

class _FullDiskFile:
    """A file opened for writing on a disk with `room` bytes left: the write that passes it
    writes what fits and fails with ENOSPC, as a real full disk does."""

    def __init__(self, f, room: list[int]):
        self._f, self._room = f, room

    def write(self, data):
        if len(data) > self._room[0]:
            self._f.write(data[:self._room[0]])
            self._room[0] = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room[0] -= len(data)
        return self._f.write(data)

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    """Files written in tmp_path/out fill the 'disk' after 2,000 bytes (io.open is what pathlib,
    zipfile and so openpyxl open files with)."""
    folder = tmp_path / "out"
    folder.mkdir()
    real_open = io.open
    room = [2000]

    def opener(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        if isinstance(file, (str, os.PathLike)) and Path(file).parent == folder and set(mode) & set("wax+"):
            return _FullDiskFile(f, room)
        return f

    monkeypatch.setattr(io, "open", opener)
    return folder


def _assert_nothing_half_written(folder: Path, exc: DiskFullError, name: str) -> None:
    assert exc.message.startswith("磁盘空间不足") and f"“{name}”" in exc.message and "文件没有保存" in exc.message
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no temporary file left either
    assert (folder / name).read_bytes() == b"the earlier copy"  # and the earlier copy intact


def _roster(db, path):
    from dangjian_desktop.roster.export import export_roster

    export_roster(db, path)


def _template(db, path):
    from dangjian_desktop.roster.template import write_template

    write_template(path)


def _catalogue(db, path):
    from dangjian_desktop.points.catalogue import export_xlsx

    export_xlsx(db, db.local_office_id, 2025, path)


def _scheme(db, path):
    from dangjian_desktop.schemes.excel import export_xlsx
    from dangjian_desktop.schemes.store import load_scheme

    export_xlsx(load_scheme("liuyou"), path)


def _publicity(db, path):
    from dangjian_desktop.reports.pdf import Column, ObjectionContact, PublicitySheet, build_publicity_pdf

    build_publicity_pdf(PublicitySheet(
        title="关于2025年度星级党员评定结果的公示", issuer="中共测试镇委员会",
        columns=[Column("序号", 0.6), Column("姓名", 1.0), Column("所在党支部", 2.4, "left")],
        rows=[[i, f"王{'一二三四五六七八九十'[i % 10]}", "城关村党支部"] for i in range(1, 80)],
        period_start="2026-03-01", period_end="2026-03-07",
        contact=ObjectionContact(office="镇党委组织办", phone="0738-1234567", address="镇政府二楼")), path)


@pytest.mark.parametrize("export, name", [(_roster, "花名册.xlsx"), (_template, "模板.xlsx"),
                                          (_catalogue, "积分细则.xlsx"), (_scheme, "方案.xlsx"),
                                          (_publicity, "公示.pdf")])
def test_an_export_on_a_full_disk_leaves_no_half_file(db, full_disk, export, name):
    target = full_disk / name
    target.write_bytes(b"the earlier copy")
    with pytest.raises(DiskFullError) as exc:
        export(db, target)
    _assert_nothing_half_written(full_disk, exc.value, name)


def test_save_file_passes_other_errors_on_and_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    assert save_file(target, lambda stream: stream.write(b"whole")) == target
    assert target.read_bytes() == b"whole"

    def refused(src, dst):  # Windows: the target is open in Excel
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(PermissionError):
        write_bytes(target, b"newer")
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"] and target.read_bytes() == b"whole"
