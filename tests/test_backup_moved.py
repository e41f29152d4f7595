"""Backups belong to the database they were made of, not only to its path: a database moved or
renamed lists the backups made where it was (with that place), another office's database never
does, and thinning never deletes them for the wrong database. Backups without that record are
found by their folder, as before."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.db import backup_zip
from dangjian_desktop.db.backup import backup_dir, database_identity, list_backups, make_backup, thin_backups
from dangjian_desktop.db.backup_rules import KeepPolicy
from dangjian_desktop.registry import init_office

NOW = dt.datetime(2026, 3, 15, 12, 0)
DROP_ALL_BUT_NEWEST = KeepPolicy(1, 0, 0, 0)  # of backups older than a day, only the newest stays


def day(n: int) -> dt.datetime:
    return dt.datetime(2026, 1, n, 9, 0)


def moved(path: Path, to: Path) -> Path:
    """Move a closed database file (and whatever lies beside it) to `to`, as a clerk does."""
    to.parent.mkdir(parents=True, exist_ok=True)
    for tail in ("", "-wal", "-shm", "-journal"):
        if Path(f"{path}{tail}").exists():
            shutil.move(f"{path}{tail}", f"{to}{tail}")
    return to


def other_office(path: Path, name: str = "另一镇") -> Path:
    """A database of another office (its own office id) at `path`."""
    db = Database.create(path)
    try:
        init_office(db, name=name, level="town")
    finally:
        db.close()
    return path


def without_record(backup: Path) -> Path:
    """The compressed backup as made before backups recorded their database."""
    with zipfile.ZipFile(backup) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    doc = json.loads(members[backup_zip.DETAILS])
    doc.pop("office_id"), doc.pop("database")
    members[backup_zip.DETAILS] = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(backup, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return backup


@pytest.fixture
def earlier(db, db_path):
    """Two backups of `db` made at its first place, the database then closed."""
    made = [make_backup(db, "manual", now=day(1)), make_backup(db, "close", now=day(2))]
    db.close()
    return made


def test_a_backup_records_the_database_it_was_made_of(db, db_path):
    doc = backup_zip.read_details(make_backup(db, "manual"))
    assert doc["office_id"] == db.local_office_id == database_identity(db_path)
    assert doc["database"] == str(db_path)


def test_a_moved_database_lists_the_backups_made_where_it_was(earlier, db_path, tmp_path):
    new = moved(db_path, tmp_path / "新电脑" / "文城镇党建.sqlite")
    assert backup_dir(new) != backup_dir(db_path)
    listed = list_backups(new)
    assert [b.path for b in listed] == earlier[::-1]
    assert all(b.origin == db_path for b in listed)
    assert listed[0].counts["organisations"] == 1 and listed[0].reason_label == "关闭时自动备份"
    made_here = make_backup(new, "manual", now=day(3))
    listed = list_backups(new)
    assert [b.path for b in listed] == [made_here, *earlier[::-1]]
    assert listed[0].origin is None and listed[0].path.parent == backup_dir(new)
    # Moved back, it finds both: those of its own folder, and those made while it was elsewhere.
    back = moved(new, db_path)
    assert [(b.path, b.origin) for b in list_backups(back)] == [
        (made_here, new), *((p, None) for p in earlier[::-1])]


def test_the_commands_list_a_moved_databases_backups_with_where_it_was(earlier, db_path, tmp_path, capsys):
    new = moved(db_path, tmp_path / "U盘" / "镇.sqlite")
    assert main(["--db", str(new), "backups"]) == 0
    text = capsys.readouterr().out
    assert text.count(f"原位置：{db_path}") == 2 and "共2份备份" in text
    assert "其中2份是数据库在原位置时做的" in text
    assert main(["--db", str(new), "backups", "--json"]) == 0
    assert [b["origin"] for b in json.loads(capsys.readouterr().out)] == [str(db_path)] * 2


def test_another_offices_database_never_lists_them(earlier, db_path, tmp_path, capsys):
    new = moved(db_path, tmp_path / "moved" / "office.sqlite")
    beside = other_office(tmp_path / "beside.sqlite")
    make_backup(beside, "manual", now=day(3))
    assert [b.reason for b in list_backups(beside)] == ["manual"]
    assert [b.path for b in list_backups(new)] == earlier[::-1]  # and this one never lists beside's
    # Another office's database made at the path the first one left shares its backup folder.
    again = other_office(db_path)
    assert backup_dir(again) == earlier[0].parent
    assert list_backups(again) == [] and list_backups(again, details=False) == []
    assert main(["--db", str(again), "backups"]) == 0
    assert "还没有备份" in capsys.readouterr().out
    mine = make_backup(again, "manual", now=day(4))
    assert [b.path for b in list_backups(again)] == [mine]


def test_thinning_never_deletes_a_moved_databases_backups(earlier, db_path, tmp_path):
    new = moved(db_path, tmp_path / "moved" / "office.sqlite")
    make_backup(new, "manual", now=day(3))
    assert thin_backups(new, DROP_ALL_BUT_NEWEST, now=NOW) == []  # the earlier ones are another path's
    assert all(p.is_file() for p in earlier)
    again = other_office(db_path)  # another office at the old path: its rules are not theirs
    mine = [make_backup(again, "manual", now=day(n)) for n in (5, 6)]
    assert thin_backups(again, DROP_ALL_BUT_NEWEST, now=NOW) == [mine[0]]
    assert all(p.is_file() for p in earlier) and mine[1].is_file()
    assert len(list_backups(new)) == 3


def test_a_copy_elsewhere_lists_the_same_backups_and_thins_only_its_own(earlier, db_path, tmp_path):
    copy = tmp_path / "copy" / "office.sqlite"
    copy.parent.mkdir()
    shutil.copyfile(db_path, copy)
    theirs = make_backup(copy, "manual", now=day(7))
    assert [b.path for b in list_backups(copy)] == [theirs, *earlier[::-1]]
    assert [b.path for b in list_backups(db_path)] == [theirs, *earlier[::-1]]
    assert thin_backups(db_path, DROP_ALL_BUT_NEWEST, now=NOW) == [earlier[0]]  # its own folder only
    assert theirs.is_file() and earlier[1].is_file()
    assert thin_backups(copy, DROP_ALL_BUT_NEWEST, now=NOW) == [] and earlier[1].is_file()


def test_backups_without_the_record_are_found_by_their_folder_as_before(earlier, db_path, tmp_path):
    old = without_record(earlier[0])
    plain = old.parent / "office_20251201-090000_auto.sqlite"
    shutil.copyfile(db_path, plain)
    assert {b.path for b in list_backups(db_path)} == {old, plain, earlier[1]}
    assert {b.path for b in list_backups(db_path, details=False)} == {old, plain, earlier[1]}
    new = moved(db_path, tmp_path / "moved" / "office.sqlite")
    assert [b.path for b in list_backups(new)] == [earlier[1]]  # only what records its database
    # Found by their folder, they are thinned by its rules as before.
    assert set(thin_backups(db_path, DROP_ALL_BUT_NEWEST, now=NOW)) == {old, plain}


def test_a_database_without_an_office_keeps_to_its_folder(tmp_path):
    bare = tmp_path / "bare.sqlite"
    Database.create(bare).close()
    assert database_identity(bare) is None
    made = make_backup(bare, "manual")
    assert [b.path for b in list_backups(bare)] == [made]
    assert list_backups(moved(bare, tmp_path / "elsewhere" / "bare.sqlite")) == []
