"""A backup cut short (a crash, a power cut, the program ended while it compressed) leaves hidden
files in the backup folder, the plain copy as large as the database among them; the next
automatic backup removes those nobody has written to for hours, and nothing else."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from dangjian_desktop.db.backup import auto_backup, backup_dir, list_backups, parse_name
from dangjian_desktop.db.backup_leftovers import LEFTOVER_AGE, is_leftover_name, remove_leftovers

OLD = "town_20261201-101010_close.zip"  # a backup that was being written when the laptop went off
LEFTOVERS = (f".{OLD}.part", f".{OLD}.sqlite", f".{OLD}.sqlite-journal", f"..{OLD}.sqlite.part",
             ".town_20261130-090000-2_import-roster.sqlite.part")
NOT_OURS = (".DS_Store", "说明.txt", f"{OLD}", ".town.sqlite.part", ".town_notes.zip.part")


def _ours(name: str) -> bool:
    return parse_name(Path(name)) is not None


def _aged(path, hours: float) -> None:
    when = (dt.datetime.now() - dt.timedelta(hours=hours)).timestamp()
    os.utime(path, (when, when))


def test_the_names_of_unfinished_backups_and_only_those():
    assert all(is_leftover_name(n, _ours) for n in LEFTOVERS)
    assert not any(is_leftover_name(n, _ours) for n in NOT_OURS)


def test_the_next_backup_removes_old_leftovers_and_keeps_everything_else(db, db_path):
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    for name in (*LEFTOVERS, *NOT_OURS):
        (folder / name).write_bytes(b"\0" * 4096)
        _aged(folder / name, 30)
    fresh = folder / ".town_20261207-100000_manual.zip.part"  # another program's backup, being written
    fresh.write_bytes(b"\0" * 4096)
    _aged(fresh, 0.1)
    made = auto_backup(db, "manual")
    left = {p.name for p in folder.iterdir()}
    assert not left & set(LEFTOVERS)
    assert set(NOT_OURS) <= left and fresh.name in left and made.name in left
    assert [b.path for b in list_backups(db_path, details=False) if b.path == made] == [made]


def test_a_leftover_is_kept_until_it_is_old_enough(tmp_path):
    (tmp_path / LEFTOVERS[0]).write_bytes(b"x")
    _aged(tmp_path / LEFTOVERS[0], LEFTOVER_AGE.total_seconds() / 3600 - 0.5)
    assert remove_leftovers(tmp_path, _ours) == []
    later = dt.datetime.now() + dt.timedelta(hours=1)
    assert remove_leftovers(tmp_path, _ours, now=later) == [tmp_path / LEFTOVERS[0]]


def test_the_next_backup_removes_what_a_restore_cut_short_left_beside_the_database(db, db_path):
    """The staged copy (as large as the database) and a backup unpacked for a restore that never
    ended; the files of another database and a fresh unpacking (a restore running now) stay."""
    from dangjian_desktop.db.backup_leftovers import is_restore_leftover_name, remove_restore_leftovers

    name = db_path.name
    left_behind = [f".{name}.restoring", f".{name}.restoring-wal", f".{name}.restoring.lock",
                   ".town_20261201-101010_close-1a2b3c4d.zip.unzipped", ".某个备份.zip.unzipped",
                   ".town.sqlite-9f8e7d6c.applied", ".town.sqlite-9f8e7d6c.applied-wal"]
    others = [f".other.sqlite.restoring", f"{name}.restoring", "说明.zip.unzipped", ".zip.unzipped",
              "town.sqlite.applied", ".town.sqlite.applied.lock"]
    assert all(is_restore_leftover_name(n, name) for n in left_behind)
    assert not any(is_restore_leftover_name(n, name) for n in others)
    for n in (*left_behind, *others):
        (db_path.parent / n).write_bytes(b"\0" * 4096)
        _aged(db_path.parent / n, 30)
    running = db_path.parent / ".town_20261207-100000_manual.zip.unzipped"  # being unpacked now
    running.write_bytes(b"\0" * 4096)
    auto_backup(db, "manual")
    here = {p.name for p in db_path.parent.iterdir()}
    assert not here & set(left_behind)
    assert set(others) <= here and running.name in here and name in here
    assert remove_restore_leftovers(db_path) == []


def test_a_backup_into_a_chosen_folder_removes_old_leftovers_there(db, db_path, tmp_path):
    """`backup --to` a USB stick killed half-way left its hidden files on the stick, and only the
    default folder was ever tidied: each one as large as the compressed backup, for ever."""
    from dangjian_desktop.db.backup import make_backup

    stick = tmp_path / "U盘"
    stick.mkdir()
    for name in (*LEFTOVERS, *NOT_OURS):
        (stick / name).write_bytes(b"\0" * 4096)
        _aged(stick / name, 30)
    fresh = stick / ".town_20261207-100000_manual.zip.part"  # another computer's backup, being written
    fresh.write_bytes(b"\0" * 4096)
    made = make_backup(db, "manual", stick)
    left = {p.name for p in stick.iterdir()}
    assert not left & set(LEFTOVERS)
    assert set(NOT_OURS) <= left and fresh.name in left and made.name in left
