"""Backups and restore (core and CLI): safe backups that leave nothing behind when they fail,
thinning, the pre-migration and pre-import backups, restore (older schema migrated, newer one
refused, the current file backed up first) and the three commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database, latest_version
from dangjian_desktop.db import backup as backup_mod
from dangjian_desktop.db import backup_zip
from dangjian_desktop.db.backup import (auto_backup, backup_dir, change_marker, keep_policy, list_backups, make_backup,
                                        thin_backups, unsaved_changes)
from dangjian_desktop.db.backup_rules import SETTING_KEEP, KeepPolicy, backups_to_keep
from dangjian_desktop.db.restore import restore
from dangjian_desktop.errors import LockedError, UserError
from dangjian_desktop.registry import get_setting, init_office, set_setting

from roster_util import add_branches, person, write_roster

ISSUER = "publicity_issuer"


def files_in(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def unpacked(path):
    """The database inside a compressed backup, as a plain file in a folder of its own."""
    path = Path(path)
    if not backup_zip.is_zip_backup(path):
        return path
    out = Path(tempfile.mkdtemp()) / "backup.sqlite"
    with zipfile.ZipFile(path) as zf:
        [member] = [n for n in zf.namelist() if n.endswith(".sqlite")]
        out.write_bytes(zf.read(member))
    return out


def issuer_of(path):
    with Database.open(unpacked(path), mode="read") as db:
        return get_setting(db, ISSUER)


# ---- making a backup -----------------------------------------------------------------------

def test_a_backup_is_a_whole_checked_single_file_in_the_default_folder(db, db_path):
    set_setting(db, ISSUER, "中共测试镇委员会")
    path = make_backup(db, "manual")
    assert path.parent == backup_dir(db_path)
    assert path.parent.parent.parent.name and path.name.startswith("office_") and path.name.endswith("_manual.zip")
    assert files_in(path.parent) == [path.name]  # no temporary or -wal/-shm file beside it
    conn = sqlite3.connect(unpacked(path))
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT value FROM setting WHERE id = ?", (ISSUER,)).fetchone()[0] == "中共测试镇委员会"
    finally:
        conn.close()
    [info] = list_backups(db_path)
    assert info.path == path and info.reason == "manual" and info.size == path.stat().st_size
    assert info.schema_version == latest_version()
    assert info.counts == {"organisations": 1, "members": 0, "rounds": 0}
    assert info.created_text.count("年") == 1 and ":" in info.created_text


def test_the_backup_folder_is_per_database_file(tmp_path):
    a, b = backup_dir(tmp_path / "x" / "town.sqlite"), backup_dir(tmp_path / "y" / "town.sqlite")
    assert a != b and a.name.startswith("town-") and a.parent == b.parent


def test_a_backup_holds_only_committed_work(db):
    set_setting(db, ISSUER, "已提交")
    with db.transaction("进行中") as tx:
        tx.update("setting", ISSUER, {"value": "未提交"})
        path = make_backup(db, "manual")
    with sqlite3.connect(unpacked(path)) as conn:
        assert conn.execute("SELECT value FROM setting WHERE id = ?", (ISSUER,)).fetchone()[0] == "已提交"


def test_two_backups_in_the_same_second_get_two_files(db):
    when = dt.datetime(2026, 3, 1, 14, 5, 0)
    a = make_backup(db, "manual", now=when)
    b = make_backup(db, "manual", now=when)
    assert a != b and a.exists() and b.exists()
    assert [x.path for x in list_backups(db)] == [b, a]  # newest first


def test_a_failed_integrity_check_leaves_no_file(db, db_path, monkeypatch):
    monkeypatch.setattr(backup_mod, "integrity_problems", lambda conn: ["*** in database main *** Page 3 is never used"])
    with pytest.raises(UserError, match="完整性检查"):
        make_backup(db, "manual")
    assert files_in(backup_dir(db_path)) == []


def test_a_copy_failing_midway_leaves_no_file(db, db_path, tmp_path):
    def fail(done, total, text):
        raise OSError(28, "No space left on device")

    with pytest.raises(UserError, match="没有留下不完整的文件"):
        make_backup(db, "manual", tmp_path / "stick", progress=fail)
    assert files_in(tmp_path / "stick") == []


def test_the_temporary_copy_is_written_without_a_journal_and_ends_as_a_plain_file(db, db_path, tmp_path,
                                                                                  monkeypatch):
    # A new file renamed into place only once whole and checked needs no rollback journal.
    add_branches(db, *[f"第{n}村党支部" for n in range(30)])
    monkeypatch.setattr(backup_mod, "PAGES_PER_STEP", 1)  # a progress report after every page
    beside = []

    def look(done, total, text):
        beside.extend(p.name for p in (tmp_path / "stick").iterdir() if p.name.endswith(("-journal", "-wal")))

    copy = backup_mod.copy_database(db, tmp_path / "stick" / "copy.sqlite", progress=look)
    assert beside == []
    with open(copy, "rb") as f:
        assert f.read(20)[18:20] == b"\x01\x01"  # rollback-journal format: one file, not WAL
    assert sorted(p.name for p in (tmp_path / "stick").iterdir()) == ["copy.sqlite"]
    with Database.open(copy, mode="read") as c:
        assert c.scalar("SELECT count(*) FROM org") == 31 and c.scalar("PRAGMA integrity_check") == "ok"


def _synced(monkeypatch) -> list[Path]:
    """The files and folders the backup module syncs to the disk from now on, in order."""
    synced, real = [], backup_mod.fsync_path
    monkeypatch.setattr(backup_mod, "fsync_path", lambda p: synced.append(Path(p)) or real(p))
    return synced


def test_the_backup_file_is_synced_before_it_is_named_and_the_copy_compressed_into_it_is_not(db, db_path,
                                                                                            monkeypatch):
    # The copy is read once and removed: syncing it (0.7 s for a county's 850 MB) kept nothing safer.
    synced = _synced(monkeypatch)
    path = make_backup(db, "manual")
    folder = backup_dir(db_path)
    assert [p.name for p in synced if p.is_relative_to(folder) and p != folder] == [f".{path.name}.part"]
    assert folder in synced  # the new name made durable too
    assert files_in(folder) == [path.name]


def test_a_copy_made_to_last_is_synced(db, tmp_path, monkeypatch):
    synced = _synced(monkeypatch)
    backup_mod.copy_database(db, tmp_path / "copy.sqlite")
    assert synced == [tmp_path / ".copy.sqlite.part", tmp_path]


def test_a_backup_says_it_is_still_checking_once_the_compression_is_done(db):
    add_branches(db, *[f"第{n}村党支部" for n in range(10)])
    said = []
    make_backup(db, "manual", progress=lambda done, total, text: said.append((done, total, text)))
    compressing = [n for n, (_d, _t, text) in enumerate(said) if text == "正在检查并压缩备份"]
    assert compressing and said[compressing[-1]][0] == said[compressing[-1]][1]  # the bar full
    assert (0, 0, "正在检查备份文件的完整性") in said[compressing[-1]:]


def test_a_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(UserError, match="找不到数据库文件"):
        make_backup(tmp_path / "none.sqlite", "manual")
    assert not (tmp_path / "none.sqlite").exists()


# ---- the pre-migration backup -------------------------------------------------------------

def test_opening_an_older_schema_backs_it_up_first_in_the_backup_folder(tmp_path):
    old = latest_version() - 1
    path = tmp_path / "old.sqlite"
    Database.create(path, schema_version=old).close()
    Database.open(path).close()
    [info] = list_backups(path)
    assert info.reason == f"upgrade-v{old + 1}" and info.schema_version == old
    assert not list(tmp_path.glob("*before*"))


def test_an_upgrade_backup_is_named_for_the_version_it_goes_to(tmp_path):
    path = tmp_path / "old.sqlite"
    Database.create(path, schema_version=latest_version() - 3).close()
    Database.open(path).close()
    [info] = list_backups(path)
    assert info.reason == f"upgrade-v{latest_version()}" and info.reason_label == f"升级到第{latest_version()}版前自动备份"


@pytest.mark.parametrize("mode", ["read", "auto"])
def test_an_older_schema_opened_to_be_read_says_how_to_upgrade_it(tmp_path, mode):
    """Not "in use by another program" when nobody else has it: a command that only reads does
    not upgrade, and the clerk is told what does."""
    path = tmp_path / "old.sqlite"
    Database.create(path, schema_version=latest_version() - 1).close()
    if mode == "read":
        with pytest.raises(UserError) as e:
            Database.open(path, mode="read")
        assert "需要升级后才能使用" in e.value.message and "查看它的命令不会升级它" in e.value.message
        assert "其他程序" not in e.value.message
    else:  # nobody holds it: opened for writing and upgraded
        Database.open(path, mode="auto").close()
        assert Database.needs_upgrade(path) is False


def test_a_failed_pre_migration_backup_leaves_no_file_and_no_upgrade(tmp_path, monkeypatch):
    old = latest_version() - 1
    path = tmp_path / "old.sqlite"
    Database.create(path, schema_version=old).close()
    monkeypatch.setattr(backup_mod, "integrity_problems", lambda conn: ["row 1 missing from index"])
    with pytest.raises(UserError, match="没有升级"):
        Database.open(path)
    monkeypatch.undo()
    assert files_in(backup_dir(path)) == []
    assert not [p for p in tmp_path.iterdir() if p.name != "old.sqlite" and p.suffix == ".sqlite"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old


# ---- what changed --------------------------------------------------------------------------

def test_unsaved_changes_compares_with_the_opening_state_and_the_newest_backup(db):
    at_open = change_marker(db)
    assert not unsaved_changes(db, at_open)
    set_setting(db, ISSUER, "改了")
    assert unsaved_changes(db, at_open)
    auto_backup(db, "auto")
    assert not unsaved_changes(db, at_open)
    set_setting(db, ISSUER, "又改了")
    assert unsaved_changes(db, at_open)


# ---- thinning ------------------------------------------------------------------------------

NOW = dt.datetime(2026, 3, 15, 12, 0)


def kept(stamps, policy=None):
    return {stamps[i] for i in backups_to_keep(stamps, NOW, policy)}


def test_thinning_keeps_everything_of_the_last_two_days():
    stamps = [dt.datetime(2026, 3, 15, h) for h in (0, 6, 11)] + [dt.datetime(2026, 3, 14, h, 30) for h in range(24)]
    assert kept(stamps) == set(stamps)


def test_thinning_day_boundaries():
    d = dt.datetime
    stamps = [
        d(2026, 3, 14, 0, 0),        # first moment of the two kept days: kept
        d(2026, 3, 13, 23, 59),      # the day before: not the day's first, deleted
        d(2026, 3, 13, 8, 0),        # that day's first: kept
        d(2026, 3, 2, 0, 0),         # 12th day of the daily tier: kept
        d(2026, 3, 1, 23, 59),       # first 7-day week (23 Feb – 1 Mar), newer: deleted
        d(2026, 2, 23, 0, 0),        # same week, its oldest: kept
        d(2026, 2, 22, 23, 0),       # the next week: kept
    ]
    assert kept(stamps) == {stamps[i] for i in (0, 2, 3, 5, 6)}


def test_thinning_week_and_month_boundaries():
    d = dt.datetime
    # The daily tier ends on 2 March 2026, ten weeks reach back to 22 December 2025,
    # and nine months from there to 22 March 2025.
    stamps = [
        d(2025, 12, 28, 0, 0),   # the tenth week (22–28 Dec), newer: deleted
        d(2025, 12, 22, 0, 0),   # its oldest, on its last day: kept
        d(2025, 12, 21, 23, 0),  # the first month after the weeks (22 Nov – 21 Dec), newer: deleted
        d(2025, 11, 22, 0, 0),   # its oldest, on its first day: kept
        d(2025, 11, 21, 10, 0),  # the month before: kept
        d(2025, 3, 22, 0, 0),    # the ninth month's first day: kept
        d(2025, 3, 21, 23, 0),   # beyond nine months: deleted
        d(2024, 1, 1),           # long ago: deleted
        d(2026, 3, 15, 9, 0),    # today: kept
    ]
    assert kept(stamps) == {stamps[i] for i in (1, 3, 4, 5, 8)}


def test_thinning_never_deletes_the_newest_backup():
    old = [dt.datetime(2020, 1, 1), dt.datetime(2019, 6, 1)]
    assert kept(old) == {old[0]}


def test_thinning_follows_a_configured_rule():
    stamps = [NOW - dt.timedelta(days=n) for n in range(40)]
    assert len(kept(stamps, KeepPolicy(1, 3, 0, 0))) == 1 + 3
    assert len(kept(stamps, KeepPolicy(0, 0, 2, 0))) == 2 + 1  # and the newest, always
    assert len(kept(stamps)) == 2 + 12 + 4  # 26 days left after the daily tier: four 7-day weeks


def test_thinning_day_after_day_keeps_the_rule_over_a_year():
    """Backups twice a day for 400 days, thinned after each: what remains is what the rule says."""
    start = dt.datetime(2025, 1, 1)
    stamps: list[dt.datetime] = []
    for day in range(400):
        for hour in (9, 17):
            now = start + dt.timedelta(days=day, hours=hour)
            stamps.append(now)
            stamps = [stamps[i] for i in sorted(backups_to_keep(stamps, now))]
    now = stamps[-1]
    ages = sorted((now.date() - s.date()).days for s in stamps)
    assert ages[:4] == [0, 0, 1, 1]
    assert ages[4:16] == list(range(2, 14))  # one a day for 12 days
    weekly = [a for a in ages if 14 <= a < 84]
    monthly = [a for a in ages if a >= 84]
    assert len(weekly) == 10 and all(b - a == 7 for a, b in zip(weekly, weekly[1:]))
    assert 8 <= len(monthly) <= 9 and max(monthly) >= 84 + 8 * 28


def test_thin_backups_deletes_only_backup_files_the_rule_drops(db, db_path):
    folder = backup_dir(db_path)
    folder.mkdir(parents=True)
    names = {n: folder / f"office_{n}_auto.sqlite" for n in
             ("20260315-110000", "20260310-080000", "20260310-200000", "20250101-000000")}
    for p in names.values():
        p.write_bytes(b"")
    (folder / "笔记.txt").write_text("不是备份", encoding="utf-8")
    removed = thin_backups(db_path, KeepPolicy(), now=NOW)
    assert sorted(removed) == sorted([names["20260310-200000"], names["20250101-000000"]])
    assert files_in(folder) == sorted(["office_20260315-110000_auto.sqlite", "office_20260310-080000_auto.sqlite",
                                       "笔记.txt"])


def test_the_rule_is_a_setting_of_the_database(db):
    assert keep_policy(db) == KeepPolicy(2, 12, 10, 9)
    set_setting(db, SETTING_KEEP, "3,5,4,6")
    assert keep_policy(db) == KeepPolicy(3, 5, 4, 6)
    assert keep_policy(db.path) == KeepPolicy(3, 5, 4, 6)
    set_setting(db, SETTING_KEEP, "乱写")
    assert keep_policy(db) == KeepPolicy()
    with pytest.raises(UserError, match="2,12,10,9"):
        KeepPolicy.parse("1,2")
    with pytest.raises(UserError, match="全部保留的天数（至少1）"):  # 0 deleted all but the newest at once
        KeepPolicy.parse("0,0,0,0")
    assert KeepPolicy.parse("1,0,0,0") == KeepPolicy(1, 0, 0, 0)


def test_thinning_never_deletes_a_damaged_database_a_restore_kept(db, db_path):
    folder = backup_dir(db_path)
    folder.mkdir(parents=True)
    damaged = folder / "office_20250101-000000_damaged.sqlite"
    old = folder / "office_20250102-000000_auto.sqlite"
    for p in (damaged, old, folder / "office_20260315-110000_auto.sqlite"):
        p.write_bytes(b"")
    assert thin_backups(db_path, KeepPolicy(1, 0, 0, 0), now=NOW) == [old]
    assert damaged.exists()


# ---- before an import ----------------------------------------------------------------------

def test_a_roster_import_is_backed_up_first_a_dry_run_is_not(db, db_path, tmp_path):
    from dangjian_desktop.roster import ImportOptions, import_roster

    add_branches(db, "红星村党支部")
    book = write_roster(tmp_path / "r.xlsx", [person(1), person(2)])
    import_roster(db, book, ImportOptions(dry_run=True))
    assert list_backups(db_path) == []
    report = import_roster(db, book, ImportOptions())
    assert report.written
    [info] = list_backups(db_path)
    assert info.reason == "import-roster" and info.counts["members"] == 0  # the state before the import
    assert info.reason_label == "导入花名册前自动备份"


def test_an_import_whose_backup_fails_writes_nothing(db, db_path, tmp_path, monkeypatch):
    from dangjian_desktop.roster import ImportOptions, import_roster

    add_branches(db, "红星村党支部")
    book = write_roster(tmp_path / "r.xlsx", [person(1)])
    monkeypatch.setattr(backup_mod, "integrity_problems", lambda conn: ["bad"])
    with pytest.raises(UserError, match="没有导入任何数据"):
        import_roster(db, book, ImportOptions())
    assert db.scalar("SELECT count(*) FROM member") == 0
    assert files_in(backup_dir(db_path)) == []


# ---- restore -------------------------------------------------------------------------------

def test_restore_brings_the_earlier_state_back_and_backs_up_the_current_first(db, db_path):
    set_setting(db, ISSUER, "原来的")
    bk = make_backup(db, "manual", db_path.parent / "bk")
    set_setting(db, ISSUER, "后来改的")
    db.close()
    result = restore(db_path, bk)
    assert issuer_of(db_path) == "原来的"
    assert result.safety_backup is not None and result.safety_backup.parent == backup_dir(db_path)
    assert result.safety_backup.name.endswith("_restore.zip") and issuer_of(result.safety_backup) == "后来改的"
    assert not result.migrated and not result.damaged
    with Database.open(db_path) as again:
        assert again.verify() == []
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(".")) == []  # no staging left


def test_a_plain_file_is_restored_with_what_its_write_ahead_log_holds(db, db_path, tmp_path):
    """The folder copied onto a stick after a power cut: the last saved change is in the -wal file
    beside the database file. Restoring from that file brings it back (applied to a copy; the
    chosen files are left as they were), instead of silently the state before it."""
    set_setting(db, ISSUER, "原来的")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    set_setting(db, ISSUER, "WAL中的新落款")  # committed, in the -wal file only
    usb = tmp_path / "U盘"
    usb.mkdir()
    for tail in ("", "-wal"):
        (usb / f"town.sqlite{tail}").write_bytes(Path(f"{db_path}{tail}").read_bytes())
    chosen = {p.name: p.read_bytes() for p in usb.iterdir()}
    with backup_mod.open_snapshot(usb / "town.sqlite") as alone:  # the main file alone: the old state
        assert alone.execute("SELECT value FROM setting WHERE id = ?", (ISSUER,)).fetchone()[0] == "原来的"
    set_setting(db, ISSUER, "后来改的")
    db.close()
    restore(db_path, usb / "town.sqlite")
    assert issuer_of(db_path) == "WAL中的新落款"
    assert {p.name: p.read_bytes() for p in usb.iterdir()} == chosen  # the chosen files untouched
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(".")) == []  # no copy left
    with Database.open(db_path) as again:
        assert again.verify() == []


def test_two_restores_from_one_backup_unpack_it_under_names_of_their_own(db, db_path, monkeypatch):
    bk = make_backup(db, "manual", db_path.parent / "bk")
    db.close()
    names = []
    real = backup_zip.extracted

    def spy(path, folder, progress=None):
        cm = real(path, folder, progress)
        return _Spy(cm, names)

    class _Spy:
        def __init__(self, cm, seen):
            self.cm, self.seen = cm, seen

        def __enter__(self):
            out = self.cm.__enter__()
            self.seen.append(out.name)
            return out

        def __exit__(self, *exc):
            return self.cm.__exit__(*exc)

    monkeypatch.setattr(backup_zip, "extracted", spy)
    restore(db_path, bk)
    restore(db_path, bk)
    assert len(set(names)) == 2 and all(n.endswith(".zip.unzipped") for n in names)


READ_ONLY = "数据库文件是只读的（可能在光盘或写保护的U盘上，或没有修改权限）"


def test_a_read_only_database_is_backed_up_as_it_is_and_leaves_nothing_beside_it(db, db_path, monkeypatch):
    """A file this process may not write (a write-protected stick; as root in a test, said so by
    unwritable_reason): read immutable, so no -wal/-shm is made beside it (made read-only, they
    kept the next backup waiting for ever), and a stale -shm left there is not used."""
    set_setting(db, ISSUER, "只读文件里的")
    db.close()
    Path(f"{db_path}-shm").write_bytes(b"\0" * 32768)  # an earlier reader's, unusable
    monkeypatch.setattr(backup_mod, "unwritable_reason", lambda _p: READ_ONLY)
    first = make_backup(db_path, "manual")
    second = make_backup(db_path, "manual")
    assert issuer_of(first) == issuer_of(second) == "只读文件里的"
    assert not Path(f"{db_path}-wal").exists()


def test_a_read_only_database_is_not_restored_into_and_nothing_is_done(db, db_path, monkeypatch):
    from dangjian_desktop.db import restore as restore_mod

    bk = make_backup(db, "manual", db_path.parent / "bk")
    db.close()
    before = db_path.read_bytes()
    made = list_backups(db_path)
    monkeypatch.setattr(restore_mod, "unwritable_reason", lambda _p: READ_ONLY)
    with pytest.raises(UserError, match="数据库文件是只读的.*不能恢复。当前数据库没有被改动"):
        restore(db_path, bk)
    assert db_path.read_bytes() == before and list_backups(db_path) == made


def test_restore_refuses_while_the_database_is_open(db, db_path):
    bk = make_backup(db, "manual")
    with pytest.raises(LockedError, match="不能恢复"):
        restore(db_path, bk)


def test_an_older_schema_backup_is_migrated_on_restore(tmp_path):
    old = latest_version() - 1
    path = tmp_path / "town.sqlite"
    db = Database.create(path, schema_version=old)
    init_office(db, name="旧版镇", level="town")
    set_setting(db, ISSUER, "旧版时的落款")
    db.close()
    bk = make_backup(path, "manual", tmp_path / "bk")
    with Database.open(path) as db:  # upgraded now
        set_setting(db, ISSUER, "升级后改的")
    result = restore(path, bk)
    assert result.from_version == old and result.schema_version == latest_version() and result.migrated
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # nothing of the staging left
    with Database.open(path) as db:
        assert db.schema_version == latest_version()
        assert get_setting(db, ISSUER) == "旧版时的落款"
        assert db.verify() == []
    with sqlite3.connect(unpacked(bk)) as conn:  # the chosen backup itself is left as it was
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old


def test_a_newer_schema_backup_is_refused_before_anything_changes(db, db_path):
    set_setting(db, ISSUER, "现在的")
    bk = make_backup(db, "manual", db_path.parent / "bk")
    db.close()
    plain = unpacked(bk)
    with sqlite3.connect(plain) as conn:
        conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    backup_zip.write(plain, bk, "office.sqlite", {})
    with pytest.raises(UserError, match="更新版本.*请先安装新版本"):
        restore(db_path, bk)
    assert issuer_of(db_path) == "现在的"
    assert list_backups(db_path) == []


def test_a_damaged_or_foreign_file_is_refused(db, db_path, tmp_path):
    db.close()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(UserError, match="不是党建台账的数据库"):
        restore(db_path, junk)
    other = tmp_path / "other.sqlite"
    with Database.create(other) as o:
        init_office(o, name="别的镇", level="town")
    with pytest.raises(UserError, match="别的镇"):
        restore(db_path, other)
    with pytest.raises(UserError, match="找不到备份文件"):
        restore(db_path, tmp_path / "none.sqlite")


def test_a_damaged_current_file_is_kept_and_replaced(db, db_path):
    set_setting(db, ISSUER, "好的")
    bk = make_backup(db, "manual", db_path.parent / "bk")
    db.close()
    for suffix in ("-wal", "-shm"):
        (db_path.parent / (db_path.name + suffix)).unlink(missing_ok=True)
    garbage = os.urandom(8192)
    db_path.write_bytes(garbage)
    result = restore(db_path, bk)
    assert result.damaged and result.safety_backup.read_bytes() == garbage
    assert result.safety_backup.name.endswith("_damaged.sqlite")
    assert issuer_of(db_path) == "好的"


def _copies(monkeypatch):
    """The copies restore makes of the chosen backup (its staging), as (page size asked,)."""
    from dangjian_desktop.db import restore as restore_mod

    made, real = [], restore_mod.copy_into
    monkeypatch.setattr(restore_mod, "copy_into", lambda src, target, **kw: made.append(kw.get("page_size"))
                        or real(src, target, **kw))
    return made


def test_a_backup_of_this_version_and_page_size_is_written_in_without_a_copy(db, db_path, monkeypatch):
    set_setting(db, ISSUER, "原来的")
    bk = make_backup(db, "manual", db_path.parent / "bk")
    set_setting(db, ISSUER, "后来改的")
    db.close()
    made = _copies(monkeypatch)
    result = restore(db_path, bk)
    assert made == [] and issuer_of(db_path) == "原来的" and issuer_of(result.safety_backup) == "后来改的"
    with Database.open(db_path) as again:
        assert again.verify() == [] and again.scalar("PRAGMA page_size") == 4096


def test_a_backup_with_another_page_size_is_rewritten_in_a_copy_with_the_databases(db, db_path, tmp_path,
                                                                                    monkeypatch):
    set_setting(db, ISSUER, "原来的")
    other = tmp_path / "other.sqlite"
    db.conn.execute("VACUUM INTO ?", (str(other),))
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA page_size = 8192")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 8192
    conn.close()
    set_setting(db, ISSUER, "后来改的")
    db.close()
    made = _copies(monkeypatch)
    restore(db_path, other)
    assert made == [4096] and issuer_of(db_path) == "原来的"  # WAL: the database keeps its page size
    with Database.open(db_path) as again:
        assert again.verify() == [] and again.scalar("PRAGMA page_size") == 4096


def test_a_current_file_found_damaged_only_by_its_backup_is_replaced_by_a_copy(db, db_path, monkeypatch):
    from dangjian_desktop.db import restore as restore_mod

    set_setting(db, ISSUER, "好的")
    bk = make_backup(db, "manual", db_path.parent / "bk")
    db.close()

    def fails(*a, **kw):
        raise UserError("备份文件没有通过完整性检查")

    monkeypatch.setattr(restore_mod, "make_backup", fails)  # SQLite opens it, its backup fails the check
    monkeypatch.setattr(restore_mod, "_is_damaged", lambda path: True)
    made = _copies(monkeypatch)
    result = restore(db_path, bk)
    assert result.damaged and result.safety_backup.name.endswith("_damaged.sqlite")
    assert made == [4096] and issuer_of(db_path) == "好的"
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(".")) == []


def test_restore_says_each_of_its_steps_in_turn(db, db_path):
    add_branches(db, "第一村党支部")
    bk = make_backup(db, "manual", db_path.parent / "bk")
    db.close()
    said = []
    restore(db_path, bk, progress=lambda done, total, text: said.append(text) if not said or said[-1] != text else None)
    steps = ["正在解压所选备份", "正在检查所选备份的完整性", "正在备份当前数据库", "正在写回数据库"]
    assert [t for t in said if t in steps] == steps, said


def test_restore_into_a_missing_database_file(db, db_path):
    bk = make_backup(db, "manual", db_path.parent / "bk")
    db.close()
    db_path.unlink()
    result = restore(db_path, bk)
    assert result.safety_backup is None and db_path.is_file()
    with Database.open(db_path) as again:
        assert again.verify() == []


# ---- the commands --------------------------------------------------------------------------

def test_cli_backup_list_and_restore(db, db_path, tmp_path, capsys):
    set_setting(db, ISSUER, "中共测试镇委员会")
    db.close()
    assert main(["--db", str(db_path), "backup", "--to", str(tmp_path / "bk")]) == 0
    out = capsys.readouterr().out.strip()
    bk = tmp_path / "bk" / os.path.basename(out)
    assert bk.is_file() and out == str(bk)
    assert main(["--db", str(db_path), "backup"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "backups", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 1 and {"path", "created", "size", "schema_version", "counts"} <= set(listed[0])
    assert listed[0]["counts"]["organisations"] == 1 and listed[0]["schema_version"] == latest_version()
    assert main(["--db", str(db_path), "backups", "--dir", str(tmp_path / "bk"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["path"] == str(bk)

    assert main(["--db", str(db_path), "settings", "set", ISSUER, "改过的"]) == 0
    assert main(["--db", str(db_path), "restore", str(bk)]) == 1
    assert "--yes" in capsys.readouterr().err
    assert issuer_of(db_path) == "改过的"
    assert main(["--db", str(db_path), "restore", str(bk), "--yes"]) == 0
    assert "恢复前的数据库已备份到" in capsys.readouterr().out
    assert issuer_of(db_path) == "中共测试镇委员会"
    assert main(["--db", str(db_path), "verify"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "backups"]) == 0
    text = capsys.readouterr().out
    assert "恢复前自动备份" in text and "手动备份" in text and "共2份备份" in text


def test_cli_errors_are_chinese_and_non_zero(db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "backup"]) == 1
    assert "找不到数据库文件" in capsys.readouterr().err
    assert main(["--db", str(db_path), "restore", str(tmp_path / "none.sqlite"), "--yes"]) == 1
    assert "找不到备份文件" in capsys.readouterr().err


def test_cli_keep_rule(db, db_path, capsys):
    db.close()
    assert main(["--db", str(db_path), "backups", "--keep", "3,6,4,2"]) == 0
    assert "最近3天" in capsys.readouterr().out
    assert keep_policy(db_path) == KeepPolicy(3, 6, 4, 2)
    assert main(["--db", str(db_path), "backups", "--keep", "3,x"]) == 1
    assert "无效" in capsys.readouterr().err


def test_sqlites_reasons_are_told_in_chinese():
    from dangjian_desktop.errors import sqlite_reason

    assert sqlite_reason(sqlite3.OperationalError("database or disk is full")) == "磁盘空间不足"
    assert sqlite_reason(sqlite3.DatabaseError("database disk image is malformed")) == "数据库文件已损坏"
    assert sqlite_reason(sqlite3.OperationalError("table log_table already exists")) == "数据库的结构与它的版本号不符"
    assert sqlite_reason(sqlite3.OperationalError("something new")) == "SQLite：something new"


def test_a_restore_whose_safety_backup_fails_says_nothing_was_restored(db, db_path, monkeypatch):
    from dangjian_desktop.db import restore as restore_mod

    bk = make_backup(db, "manual", db_path.parent / "bk")
    db.close()
    before = db_path.read_bytes()

    def full(*_a, **_k):
        raise UserError("磁盘空间不足，没有备份：……")

    monkeypatch.setattr(restore_mod, "make_backup", full)
    with pytest.raises(UserError) as e:
        restore(db_path, bk)
    assert "所以没有恢复，当前数据库没有被改动" in e.value.message and "磁盘空间不足" in e.value.message
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("sql", [
    "UPDATE setting SET value = '篡改的落款', rev = rev + 1 WHERE id = 'publicity_issuer'",
    # the file's own description edited (as when another office's database is passed off as this one's)
    "UPDATE meta SET value = 'forged0000000000' WHERE key = 'seal_key_id'",
])
def test_a_backup_changed_behind_the_programs_back_is_not_restored(db, db_path, tmp_path, sql):
    set_setting(db, ISSUER, "原来的")
    plain = tmp_path / "备份.sqlite"
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    plain.write_bytes(db_path.read_bytes())
    set_setting(db, ISSUER, "现在的")
    db.close()
    before = db_path.read_bytes()
    from test_seal import outside  # the file edited as another SQLite tool would

    outside(plain, sql)
    with pytest.raises(UserError) as e:
        restore(db_path, plain)
    assert "在本程序之外被改动过，不能用来恢复" in e.value.message and "当前数据库没有被改动" in e.value.message
    assert db_path.read_bytes() == before and list_backups(db_path) == []


def test_a_backup_from_a_computer_without_its_key_is_restored(db, db_path, tmp_path, monkeypatch):
    """On a new computer the office's key may not be there: nothing is proved either way."""
    import dangjian_desktop.db.database as database_module

    set_setting(db, ISSUER, "旧电脑上的")
    bk = make_backup(db, "manual", tmp_path / "U盘")
    set_setting(db, ISSUER, "现在的")
    db.close()
    monkeypatch.setattr(database_module, "load_key", lambda _kid: None)
    restore(db_path, bk)
    assert issuer_of(db_path) == "旧电脑上的"


def test_a_compressed_backup_renamed_by_hand_is_still_restored(db, db_path, tmp_path):
    set_setting(db, ISSUER, "改名之前的")
    bk = make_backup(db, "manual", tmp_path / "U盘")
    renamed = bk.with_name("文城镇备份.sqlite")
    bk.rename(renamed)
    set_setting(db, ISSUER, "现在的")
    db.close()
    restore(db_path, renamed)
    assert issuer_of(db_path) == "改名之前的"
