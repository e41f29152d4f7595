"""The disk the backups take: a ceiling on their total size (what goes first, what always stays),
and room on the disk checked before a backup is written (thinning first in the default folder,
a clear refusal that writes nothing when there is still no room)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dangjian_desktop.cli import main
from dangjian_desktop.db import backup_space
from dangjian_desktop.db.backup import (auto_backup, backup_before_import, backup_dir, list_backups,
                                        make_backup, parse_name, space_rule, thin_backups)
from dangjian_desktop.db.backup_rules import MIN_KEPT, SETTING_SPACE, KeepPolicy, SpaceRule, over_ceiling
from dangjian_desktop.errors import UserError
from dangjian_desktop.registry import set_setting
from dangjian_desktop.registry.offices import save_backup_rules

MB = 1 << 20
NOW = dt.datetime(2026, 12, 7, 18, 0)


# ---- the ceiling -------------------------------------------------------------------------------

def _ceiling(stamps, sizes, limit, keep=None):
    keep = set(range(len(stamps))) if keep is None else keep
    return {stamps[i] for i in over_ceiling(stamps, sizes, keep, limit)}


def test_backups_within_the_ceiling_or_without_one_are_all_kept():
    stamps = [NOW - dt.timedelta(hours=h) for h in range(10)]
    assert _ceiling(stamps, [MB] * 10, 10 * MB) == set()
    assert _ceiling(stamps, [MB] * 10, None) == set()


def test_over_the_ceiling_the_backups_closest_to_their_neighbours_go_first():
    """A year of monthly backups and a working day of backups every 30 minutes: the half-hourly ones
    go (every other one first), the months stay."""
    months = [NOW - dt.timedelta(days=30 * k) for k in range(12, 0, -1)]
    today = [NOW - dt.timedelta(minutes=30 * k) for k in range(16, -1, -1)]
    stamps = months + today
    gone = _ceiling(stamps, [MB] * len(stamps), 20 * MB)
    assert len(gone) == len(stamps) - 20
    assert not gone & set(months)
    assert not gone & set(today[-MIN_KEPT:])
    kept_today = sorted(set(today) - gone)
    gaps = [b - a for a, b in zip(kept_today, kept_today[1:])]
    # Spread over the whole day (its first backup stays), not one end of it cut off.
    assert kept_today[0] == today[0] and max(gaps) <= dt.timedelta(hours=2)


def test_the_newest_backups_stay_even_over_the_ceiling_and_the_oldest_goes_last():
    stamps = [NOW - dt.timedelta(days=d) for d in (90, 30, 3, 2, 1, 0)]
    gb = 1 << 30
    # Day 2 first (1 to 3 is the shortest gap it leaves), then day 3 (30 to 1), not day 30 (90 to 3).
    assert _ceiling(stamps, [gb] * 6, 4 * gb) == {stamps[3], stamps[2]}
    assert MIN_KEPT == 2
    assert _ceiling(stamps, [gb] * 6, 0) == set(stamps[:4])  # down to the newest MIN_KEPT, the oldest last
    assert _ceiling(stamps, [gb] * 6, 3 * gb) == set(stamps[1:4])  # the oldest and the newest two


def test_only_the_backups_the_rule_kept_are_weighed():
    stamps = [NOW - dt.timedelta(days=d) for d in range(6, -1, -1)]
    keep = {0, 4, 5, 6}  # the rule dropped 1, 2, 3 already
    assert _ceiling(stamps, [MB] * 7, 3 * MB, keep) == {stamps[4]}


def test_the_rule_parses_gb_and_refuses_anything_else_in_chinese():
    assert SpaceRule.parse("10") == SpaceRule(10.0) and SpaceRule.parse(" 2.5 GB ") == SpaceRule(2.5)
    assert SpaceRule.parse("0").limit is None and SpaceRule(1).limit == 1 << 30
    for bad in ("", "x", "-1", "1e3", "10 TB", "1000000", "0.0000001", "0.001"):
        with pytest.raises(UserError, match="备份占用空间的上限"):
            SpaceRule.parse(bad)
    assert "10 GB" in SpaceRule().describe() and "不设上限" in SpaceRule(0).describe()
    assert SpaceRule.parse("0.04") == SpaceRule(0.04)  # as the window's field takes it


def test_backup_to_an_empty_folder_name_is_refused(db, db_path, capsys):
    db.close()
    assert main(["--db", str(db_path), "backup", "--to", ""]) == 2
    assert "不能为空" in capsys.readouterr().err


# ---- thinning on disk ----------------------------------------------------------------------------

def _fake_backups(folder: Path, stamps: list[dt.datetime], size: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for when in stamps:
        p = folder / f"office_{when:%Y%m%d-%H%M%S}_auto.zip"
        with open(p, "wb") as f:
            f.truncate(size)  # sparse: the size counts, not the disk
        paths.append(p)
    return paths


def test_thinning_keeps_the_backups_under_the_databases_ceiling(db, db_path):
    hours = [NOW - dt.timedelta(hours=h) for h in range(20, -1, -1)]  # all within the rule's two days
    paths = _fake_backups(backup_dir(db_path), hours, 3 * MB)
    assert thin_backups(db_path, now=NOW) == []  # the default 10 GB ceiling
    set_setting(db, SETTING_SPACE, f"{30 / 1024:.6f}")  # 30 MB: ten of them
    assert space_rule(db) == SpaceRule(float(f"{30 / 1024:.6f}"))
    removed = thin_backups(db, now=NOW)
    left = list_backups(db_path, details=False)
    assert len(removed) == 11 and len(left) == 10 and sum(b.size for b in left) <= 30 * MB
    assert {b.path for b in left} >= set(paths[-MIN_KEPT:]) | {paths[0]}


def test_an_unreadable_ceiling_setting_falls_back_to_the_default(db):
    set_setting(db, SETTING_SPACE, "很多")
    assert space_rule(db) == SpaceRule()


def test_saving_the_rules_is_one_logged_change_and_thins_at_once(db, db_path):
    _fake_backups(backup_dir(db_path), [NOW - dt.timedelta(hours=h) for h in range(5, -1, -1)], 4 * MB)
    before = db.scalar("SELECT count(*) FROM tx_log")
    removed = save_backup_rules(db, KeepPolicy(3, 5, 4, 6), SpaceRule(float(f"{12 / 1024:.6f}")))
    assert db.scalar("SELECT count(*) FROM tx_log") == before + 1
    assert len(removed) == 3 and len(list_backups(db_path, details=False)) == 3
    assert db.verify() == []


# ---- room on the disk before a backup ------------------------------------------------------------

class FakeDisk:
    """A disk of `size` bytes holding the backup folder: what is free is what its files leave."""

    def __init__(self, folder: Path, size: int, other: int = 0):
        self.folder, self.size, self.other = folder, size, other

    def __call__(self, _path):
        return "D:\\", self.free()

    def free(self) -> int:
        used = sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file()) if self.folder.exists() else 0
        return max(0, self.size - self.other - used)


class TwoDisks:
    """This computer's disk (C:, `local_free` bytes free) and a stick (E:) holding `stick`'s folder."""

    def __init__(self, stick: FakeDisk, local_free: int = 1 << 40):
        self.stick, self.local_free = stick, local_free

    def __call__(self, path):
        p = Path(path)
        if p == self.stick.folder or self.stick.folder in p.parents:
            return "E:\\", self.stick.free()
        return "C:\\", self.local_free


@pytest.fixture
def copies(monkeypatch):
    """The folders the plain copies of backups were written into."""
    from dangjian_desktop.db import backup as backup_mod

    made = []
    real = backup_mod.copy_into

    def spy(src, target, **kw):
        made.append(Path(target).parent)
        return real(src, target, **kw)

    monkeypatch.setattr(backup_mod, "copy_into", spy)
    return made


def test_a_backup_without_room_on_its_disk_is_refused_before_anything_is_written(db, db_path, monkeypatch):
    folder = backup_dir(db_path)
    monkeypatch.setattr(backup_space, "disk_of", FakeDisk(folder, 100 * MB, other=99 * MB))
    with pytest.raises(UserError) as e:
        auto_backup(db, "manual")
    text = e.value.message
    assert text.startswith("磁盘空间不足，没有备份") and "D:\\" in text and "与数据库一样大的复制件" in text
    assert "只剩 1.0 MB" in text and "256.0 MB" in text  # the reserve, for a restore's copy
    assert not folder.exists() or list(folder.iterdir()) == []


def test_an_import_whose_backup_has_no_room_is_refused(db, db_path, monkeypatch):
    monkeypatch.setattr(backup_space, "disk_of", FakeDisk(backup_dir(db_path), 10 * MB))
    with pytest.raises(UserError, match="导入前的自动备份没有成功：磁盘空间不足，没有备份"):
        backup_before_import(db)


def test_room_is_made_by_deleting_the_most_redundant_older_backups_never_the_newest(db, db_path, monkeypatch):
    folder = backup_dir(db_path)
    stamps = [NOW - dt.timedelta(minutes=30 * k) for k in range(12, 0, -1)]  # all kept by the rule
    paths = _fake_backups(folder, stamps, 40 * MB)
    size = db_path.stat().st_size
    # 12 × 40 MB of backups; room for the copy, its zip and the 256 MB reserve needs about 3 of them freed.
    monkeypatch.setattr(backup_space, "disk_of", FakeDisk(folder, 12 * 40 * MB + 150 * MB + 2 * size))
    target = make_backup(db, "manual", now=NOW)
    left = {b.path for b in list_backups(db_path, details=False)}
    assert target in left
    gone = set(paths) - left
    assert 2 <= len(gone) <= 4
    assert not gone & set(paths[-MIN_KEPT:]) and paths[0] in left  # the newest and the oldest stay


def test_room_made_for_a_restores_own_backup_never_takes_the_backup_being_restored(db, db_path, monkeypatch):
    from dangjian_desktop.db.restore import restore

    chosen = auto_backup(db, "manual")
    db.close()
    t0 = parse_name(chosen)[0]
    folder = chosen.parent
    # Around it: the one it is closest to is itself (3 minutes either side), so it would go first.
    fakes = _fake_backups(folder, [t0 + dt.timedelta(minutes=m) for m in (-120, -3, 3, 60, 120)], 40 * MB)
    size = db_path.stat().st_size
    used = 5 * 40 * MB + chosen.stat().st_size
    monkeypatch.setattr(backup_space, "disk_of", FakeDisk(folder, used + (256 << 20) + 2 * size - 20 * MB))
    result = restore(db_path, chosen)
    assert chosen.exists() and result.safety_backup.exists()
    gone = [p for p in fakes if not p.exists()]
    assert len(gone) == 1 and gone[0] in fakes[1:3]  # a neighbour of the chosen one, not it


def test_a_backup_to_another_folder_needs_no_reserve_and_deletes_nothing_there(db, db_path, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    mine = _fake_backups(usb, [NOW - dt.timedelta(hours=h) for h in range(3)], MB)
    size = db_path.stat().st_size
    monkeypatch.setattr(backup_space, "disk_of", FakeDisk(usb, 3 * MB + 2 * size))  # the copy and its zip
    target = make_backup(db, "manual", usb)
    assert target.parent == usb and all(p.exists() for p in mine)
    monkeypatch.setattr(backup_space, "disk_of", FakeDisk(usb, 3 * MB + target.stat().st_size + size // 2))
    with pytest.raises(UserError, match="磁盘空间不足，没有备份") as e:
        make_backup(db, "manual", usb)
    assert "之后还要留出" not in e.value.message  # no reserve on a chosen folder
    assert all(p.exists() for p in mine)


def test_a_backup_to_a_stick_writes_only_the_compressed_file_there(db, db_path, tmp_path, monkeypatch, copies):
    usb = tmp_path / "usb"
    first = auto_backup(db, "manual")  # the compression to go by
    stick = FakeDisk(usb, first.stat().st_size * 3)  # room for the compressed file, not for the copy
    monkeypatch.setattr(backup_space, "disk_of", TwoDisks(stick))
    copies.clear()
    target = make_backup(db, "manual", usb)
    assert target.parent == usb and [p.name for p in usb.iterdir()] == [target.name]
    assert copies == [backup_dir(db_path)]  # the copy on this computer's disk
    assert not [p for p in backup_dir(db_path).iterdir() if p.name.startswith(".")]  # and removed


def test_without_room_here_the_copy_goes_to_the_stick_and_a_stick_too_small_is_refused(db, db_path, tmp_path,
                                                                                       monkeypatch, copies):
    usb = tmp_path / "usb"
    size = db_path.stat().st_size
    monkeypatch.setattr(backup_space, "disk_of", TwoDisks(FakeDisk(usb, 4 * size), local_free=size))
    target = make_backup(db, "manual", usb)
    assert copies == [usb] and target.exists()
    monkeypatch.setattr(backup_space, "disk_of", TwoDisks(FakeDisk(usb, target.stat().st_size + 1000)))
    with pytest.raises(UserError) as e:
        make_backup(db, "manual", usb)
    assert "压缩后的备份文件约" in e.value.message and "复制件" not in e.value.message
    assert "E:\\" in e.value.message and [p.name for p in usb.iterdir()] == [target.name]


def test_the_compressed_size_is_estimated_from_the_newest_backup(db, db_path):
    first = auto_backup(db, "manual")
    ratio = backup_space.compressed_ratio(first)
    assert 0.05 < ratio < backup_space.UNKNOWN_RATIO
    assert backup_space.compressed_ratio(None) == backup_space.UNKNOWN_RATIO
    junk = first.with_name("office_20260101-000000_manual.zip")
    junk.write_bytes(b"not a zip")
    assert backup_space.compressed_ratio(junk) == backup_space.UNKNOWN_RATIO


# ---- CLI -------------------------------------------------------------------------------------------

def test_cli_space_ceiling(db, db_path, capsys):
    db.close()
    assert main(["--db", str(db_path), "backups", "--space", "5"]) == 0
    assert "已保存备份空间上限：所有备份最多共占 5 GB" in capsys.readouterr().out
    assert space_rule(db_path) == SpaceRule(5.0)
    assert main(["--db", str(db_path), "backups", "--space", "五"]) == 1
    assert "备份占用空间的上限“五”无效" in capsys.readouterr().err
    assert main(["--db", str(db_path), "backup"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "backups"]) == 0
    out = capsys.readouterr().out
    assert "空间上限：所有备份最多共占 5 GB" in out and "共1份备份，占用" in out
