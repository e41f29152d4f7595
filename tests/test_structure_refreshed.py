"""The membership's structure brought up to date after saves (statistics.structure with
`previous`): only the members the change log names are counted again (as they are now, and as
they were, rebuilt from the log's old values), and the structure is always that of a full count,
whatever the members did (joined, corrected, moved, left, were deleted, became full members, an
undone save) and whatever the scope."""

from __future__ import annotations

import datetime as dt
import importlib
import sqlite3
from pathlib import Path

import pytest

from dangjian_desktop.registry import add_org, change_status, update_member
from dangjian_desktop.statistics.structure import structure

from member_saves import MemberSaves
from points_util import add_branch
from sql_trace import traced

structure_module = importlib.import_module("dangjian_desktop.statistics.structure")  # not the function
AS_OF, TODAY = dt.date(2025, 12, 31), dt.date(2025, 6, 1)
FULL = "GROUP BY t"  # the count's statement; a full one has no member list and no rows as they were


@pytest.fixture
def town(db):
    branches = [add_branch(db, f"{name}党支部", n=6, groups=1, secretary=False, probationary=(4,), mobile=(5,))
                for name in ("东村", "西村", "南村")]
    return db, branches


def _counted(statements) -> list[str]:
    return [s for s in statements if FULL in s]


def _full(statements) -> bool:
    return any("json_each" not in s for s in _counted(statements))


def _same(db, s, org_id) -> None:
    full = structure(db, org_id, AS_OF, today=TODAY)
    assert s.to_dict() == full.to_dict()
    assert (s.read.texts, s.read.keys) == (full.read.texts, full.read.keys)


def test_random_saves_keep_the_structure_that_of_a_full_count(town):
    db, branches = town
    saves = MemberSaves(db, 11, branches)
    scopes = [None, branches[0].id]
    shown = {org: structure(db, org, AS_OF, today=TODAY) for org in scopes}
    for step in range(60):
        kind = saves.one(step, ("edit", "edit", "born", "add", "move", "leave", "delete", "full", "lost", "undo"))
        if kind is None:
            continue
        for org in scopes:
            before = shown[org]
            with traced(db.conn) as statements:
                shown[org] = structure(db, org, AS_OF, today=TODAY, previous=before.read)
            if shown[org].read.log_seq == before.read.log_seq:  # the save changed nothing (the same value)
                assert shown[org].read is before.read and not _counted(statements)
                continue
            assert _counted(statements) and not _full(statements), kind  # only the members named
            _same(db, shown[org], org)


def test_nothing_changed_counts_nothing_and_another_scope_or_date_counts_afresh(town):
    db, branches = town
    s = structure(db, None, AS_OF, today=TODAY)
    with traced(db.conn) as statements:
        again = structure(db, None, AS_OF, today=TODAY, previous=s.read)
    assert again.read is s.read and not _counted(statements)
    with traced(db.conn) as statements:  # the next day counts the same roster
        again = structure(db, None, AS_OF, today=TODAY + dt.timedelta(days=1), previous=s.read)
    assert again.read is s.read and not _counted(statements)
    for org, as_of in ((branches[1].id, AS_OF), (None, dt.date(2026, 12, 31))):
        with traced(db.conn) as statements:
            other = structure(db, org, as_of, today=TODAY, previous=s.read)
        assert _full(statements)
        assert other.to_dict() == structure(db, org, as_of, today=TODAY).to_dict()


def test_a_change_to_the_organisations_or_many_changes_count_afresh(town, monkeypatch):
    db, branches = town
    s = structure(db, None, AS_OF, today=TODAY)
    add_org(db, parent_id=db.scalar("SELECT parent_id FROM org WHERE id = ?", (branches[0].id,)),
            name="北村党支部", org_type="党支部", kind="村")
    with traced(db.conn) as statements:
        s = structure(db, None, AS_OF, today=TODAY, previous=s.read)
    assert _full(statements)
    _same(db, s, None)
    monkeypatch.setattr(structure_module, "_MOST_CHANGES", 3)
    for mid in branches[0].members[:4]:
        update_member(db, mid, {"education": "大学本科"})
    with traced(db.conn) as statements:
        s = structure(db, None, AS_OF, today=TODAY, previous=s.read)
    assert _full(statements)
    _same(db, s, None)


def test_a_past_day_is_counted_from_the_history_and_keeps_no_read(town):
    db, _branches = town
    s = structure(db, None, dt.date(2025, 3, 1), today=TODAY)
    assert s.read is None


def test_a_save_by_another_connection_while_counting_is_counted_once(town, monkeypatch):
    """The log's last entry and the counts are read in one state of the database: a save another
    connection commits between the two is in neither, and the next refresh counts it once."""
    db, branches = town
    mid = branches[0].members[0]
    other = sqlite3.connect(db.path)
    real = structure_module._count

    def count_after_a_save_elsewhere(*args, **kwargs):
        other.execute("UPDATE member SET sex = CASE sex WHEN '男' THEN '女' ELSE '男' END, rev = rev + 1 "
                      "WHERE id = ?", (mid,))
        other.commit()
        monkeypatch.setattr(structure_module, "_count", real)
        return real(*args, **kwargs)

    monkeypatch.setattr(structure_module, "_count", count_after_a_save_elsewhere)
    s = structure(db, None, AS_OF, today=TODAY)
    other.close()
    assert structure_module._count is real  # the save was made while counting
    _same(db, structure(db, None, AS_OF, today=TODAY, previous=s.read), None)


# ---- the counts kept between runs (statistics.kept_counts) --------------------------------------

THIS_YEAR = dt.date(dt.date.today().year, 12, 31)  # counted from the roster as it stands


def _views(db):
    from dangjian_desktop.statistics.views import structure_views

    return structure_views(db, None, THIS_YEAR, kept_between_runs=True)


def _full_counts(monkeypatch) -> list:
    calls = []
    real = structure_module._read
    monkeypatch.setattr(structure_module, "_read", lambda *a: (calls.append(a[1]), real(*a))[1])
    return calls


def test_the_next_run_starts_from_the_counts_kept_and_counts_what_was_saved_since(town, monkeypatch):
    from dangjian_desktop.db import Database
    from dangjian_desktop.statistics import kept_counts

    db, branches = town
    full = _full_counts(monkeypatch)
    _views(db)
    assert full == [None] and kept_counts.kept_path(db).is_file()
    assert kept_counts.kept_path(db).stat().st_mode & 0o077 == 0  # the user's own
    update_member(db, branches[0].members[1], {"education": "大学专科"})  # saved after: in the log
    change_status(db, branches[1].members[0], event="转出", date="2025-03-01")
    db.close()
    again = Database.open(db.path)  # the next run
    try:
        views = _views(again)
        read = kept_counts.kept(again, None, THIS_YEAR)  # what the views were counted to
        assert full == [None]  # started from the kept counts: only the two members counted
        assert read.texts == structure(again, None, THIS_YEAR).read.texts
        assert [v.table.rows for v in views] == [v.table.rows for v in _views_of_a_full_count(again)]
        assert read.log_seq == again.scalar("SELECT max(seq) FROM change_log")  # the newest kept
    finally:
        again.close()
    db = Database.open(db.path)  # for the fixture's close


def _views_of_a_full_count(db):
    from dangjian_desktop.statistics.views import structure_views

    return structure_views(db, None, THIS_YEAR)


def test_counts_of_another_history_at_the_same_path_are_not_used(town, monkeypatch, tmp_path):
    """An older copy put back at the path and changed otherwise: its unit of work of the same
    number has another seal, so the kept counts (which would miss that change) are not used."""
    import shutil

    from dangjian_desktop.db import Database
    from dangjian_desktop.statistics import kept_counts

    db, branches = town
    path = db.path
    db.close()
    shutil.copyfile(path, tmp_path / "before.sqlite")
    db = Database.open(path)
    change_status(db, branches[0].members[0], event="转出", date="2025-03-01")
    _views(db)
    kept_tx = kept_counts.kept(db, None, THIS_YEAR).tx_id
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "before.sqlite", path)  # the copy from before, changed otherwise
    db = Database.open(path)
    update_member(db, branches[1].members[0], {"education": "大学专科"})
    assert db.scalar("SELECT max(id) FROM tx_log") >= kept_tx
    assert kept_counts.kept(db, None, THIS_YEAR) is None
    full = _full_counts(monkeypatch)
    _views(db)
    read = kept_counts.kept(db, None, THIS_YEAR)
    assert full == [None] and read.texts == structure(db, None, THIS_YEAR).read.texts
    db.close()


def test_a_damaged_or_foreign_file_is_ignored_and_other_scopes_are_kept_beside(town, monkeypatch):
    from dangjian_desktop.statistics import kept_counts

    db, branches = town
    _views(db)
    from dangjian_desktop.statistics.views import structure_views

    structure_views(db, branches[0].id, THIS_YEAR, kept_between_runs=True)
    assert kept_counts.kept(db, None, THIS_YEAR) is not None and kept_counts.kept(db, branches[0].id, THIS_YEAR) is not None
    assert kept_counts.kept(db, None, dt.date(2099, 12, 31)) is None  # another date
    path = kept_counts.kept_path(db)
    monkeypatch.setattr(kept_counts, "_stamp", lambda: "another version")
    assert kept_counts.kept(db, None, THIS_YEAR) is None
    monkeypatch.undo()
    path.write_text("{not json", encoding="utf-8")
    assert kept_counts.kept(db, None, THIS_YEAR) is None
    full = _full_counts(monkeypatch)
    _views(db)
    assert full == [None] and kept_counts.kept(db, None, THIS_YEAR) is not None


def test_only_the_files_of_the_databases_counted_last_are_kept(town, monkeypatch):
    import os

    from dangjian_desktop.statistics import kept_counts

    db, _branches = town
    folder = kept_counts.kept_path(db).parent
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(kept_counts.DATABASES + 5):  # databases counted long ago (a demo, a copy …)
        old = folder / f"{n:024x}.json"
        old.write_text("{}", encoding="utf-8")
        os.utime(old, (1_000_000 + n, 1_000_000 + n))
    _views(db)
    left = sorted(p.name for p in folder.glob("*.json"))
    assert len(left) == kept_counts.DATABASES and kept_counts.kept_path(db).name in left
    assert f"{0:024x}.json" not in left and f"{kept_counts.DATABASES + 4:024x}.json" in left  # the oldest went
