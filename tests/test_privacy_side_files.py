"""Personal data kept nowhere but where the clerk put it: a crashed save's hidden copy beside the
export is removed by the next save of that file; the error logs do not grow without end; a file
opened for viewing goes to the user's own folder under a name that cannot point elsewhere, and
is removed after a day."""

from __future__ import annotations

import os
import time

from dangjian_desktop import paths
from dangjian_desktop.filesave import LEFTOVER_AGE_S, write_bytes


def test_a_crashed_saves_hidden_copy_goes_with_the_next_save(tmp_path):
    target = tmp_path / "花名册[全镇].xlsx"
    old = tmp_path / f".~{target.name}.4242-1.part"  # left by a save that was killed
    old.write_bytes(b"names and ID numbers")
    fresh = tmp_path / f".~{target.name}.4343-1.part"  # another program writing it now
    fresh.write_bytes(b"being written")
    other = tmp_path / ".~其他.xlsx.4242-1.part"  # another file's: not ours to remove
    other.write_bytes(b"x")
    hour_ago = time.time() - LEFTOVER_AGE_S - 60
    for p in (old, other):
        os.utime(p, (hour_ago, hour_ago))
    write_bytes(target, b"the roster")
    assert target.read_bytes() == b"the roster"
    assert not old.exists() and fresh.exists() and other.exists()


def test_an_error_log_is_moved_aside_when_it_grows_long(tmp_path, monkeypatch):
    monkeypatch.setenv("DANGJIAN_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(paths, "LOG_LIMIT", 100)
    log = paths.log_file("gui-error.log")
    log.write_text("x" * 150, encoding="utf-8")
    again = paths.log_file("gui-error.log")
    assert again == log and not log.exists()
    assert (tmp_path / "logs" / "gui-error.log.1").read_text(encoding="utf-8") == "x" * 150
    again.write_text("y" * 50, encoding="utf-8")
    assert paths.log_file("gui-error.log").read_text(encoding="utf-8") == "y" * 50  # short: kept


def test_files_for_viewing_stay_in_the_users_folder_for_a_day(tmp_path, monkeypatch):
    monkeypatch.setenv("DANGJIAN_DATA_DIR", str(tmp_path))
    folder = paths.viewing_folder()
    assert folder.is_relative_to(tmp_path)
    if os.name == "posix":
        assert folder.stat().st_mode & 0o077 == 0  # the user's alone
    old = folder / "old-照片.jpg"
    old.write_bytes(b"photo")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    new = folder / "new-照片.jpg"
    new.write_bytes(b"photo")
    assert paths.viewing_folder() == folder
    assert not old.exists() and new.exists()
    for name, safe in (("..\\..\\x.jpg", "x.jpg"), ("../../etc/passwd", "passwd"), ("C:evil.exe", "C_evil.exe"),
                       ("活动照片1-1.jpg", "活动照片1-1.jpg"), (" .. ", "文件")):
        assert paths.safe_file_name(name) == safe


def test_evidence_opened_for_viewing_goes_to_the_users_folder(demo_town, tmp_path, monkeypatch):
    import tempfile
    import types

    from PySide6.QtGui import QDesktopServices

    from dangjian_desktop.db import Database
    from dangjian_desktop.gui.assessment.sheet_actions import SheetActions

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile())))
    with Database.open(demo_town) as db:
        eid = db.scalar("SELECT id FROM round_evidence LIMIT 1")
        assert eid is not None
        for name in ("活动照片.jpg", "..\\..\\..\\x.jpg"):  # the second as it could come in a package
            page = types.SimpleNamespace(db=db, evidence=types.SimpleNamespace(selected_name=lambda n=name: n))
            SheetActions.open_evidence.__wrapped__(page, eid)
    folder = paths.viewing_folder()
    assert [os.path.dirname(p) for p in opened] == [str(folder)] * 2
    assert sorted(os.path.basename(p).split("-", 1)[1] for p in opened) == ["x.jpg", "活动照片.jpg"]
    assert {os.path.basename(p).split("-", 1)[0] for p in opened} == {eid[:8]}
    assert list((tmp_path / "temp").iterdir()) == []


def test_a_file_the_clerk_named_that_cannot_be_used_is_told_in_chinese_not_as_a_bug(tmp_path, monkeypatch, capsys):
    import errno

    from dangjian_desktop.cli import main
    from dangjian_desktop.errors import file_error, os_reason

    monkeypatch.setenv("DANGJIAN_DATA_DIR", str(tmp_path / "data"))
    missing = tmp_path / "没有这个文件夹" / "模板.xlsx"
    assert main(["roster", "template", str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"无法使用“{missing}”：文件或它所在的文件夹不存在" in err and "内部错误" not in err
    assert not (tmp_path / "data" / "logs").exists()  # no crash log for the clerk's own mistake
    folder = tmp_path / "模板.xlsx"  # a folder given for the file
    folder.mkdir()
    assert main(["roster", "template", str(folder)]) == 1
    assert f"无法使用“{folder}”：这是一个文件夹" in capsys.readouterr().err
    told = {cls: os_reason(cls(errno.EIO, "x", "f")) for cls in (FileNotFoundError, IsADirectoryError,
                                                                    NotADirectoryError, FileExistsError,
                                                                    PermissionError)}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in told.values())
    assert "只读" in os_reason(OSError(errno.EROFS, "Read-only file system", "f"))
    assert file_error(OSError(errno.EIO, "I/O error")) is None  # no file named: not the clerk's
    assert file_error(ValueError("x")) is None
