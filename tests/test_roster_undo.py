"""A roster import taken back from 编辑 → 撤销: the state before it comes back exactly (members
added gone with their history entries, members updated with their old values, branches created
gone), in one unit of work; a redo writes it again; refused when the data moved on since."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop import registry as reg
from dangjian_desktop.errors import UserError
from dangjian_desktop.roster import ImportOptions, import_roster, import_roster_undoable
from dangjian_desktop.roster import importer as importer_mod
from dangjian_desktop.roster import writing as writing_mod
from dangjian_desktop.undo import UndoStack, tx_mark

from roster_util import HEADER, add_branches, member_count, person, write_roster

_LOGS = {"change_log", "log_entry", "log_table", "tx_log"}
_OWN = {"rev", "updated_at"}  # what every write sets itself (an undo too)


@pytest.fixture
def town(db, tmp_path):
    add_branches(db, "红星村党支部", "东风村党支部")
    assert import_roster(db, write_roster(tmp_path / "old.xlsx", [person(i) for i in range(1, 4)])).written
    return db


def content(db) -> dict[str, list]:
    """Every row of every table but the logs, without revision and time."""
    out = {}
    for (table,) in db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        if table in _LOGS or table == "local_id_counter":  # ids once made are never made again
            continue
        rows = db.query(f'SELECT * FROM "{table}"')
        out[table] = sorted(tuple((k, r[k]) for k in r.keys() if k not in _OWN) for r in rows)
    return out


def roster(tmp_path, n: int, *, start: int = 1):
    """n rows from `start`: the first three are the town's members with a phone number now (an update),
    every fifth in a branch the import creates."""
    rows = [person(i, born=dt.date(1970, 3, 5) if i <= 3 else dt.date(1960, 1, 1) + dt.timedelta(days=i // 100),
                   branch="新建村党支部" if i % 5 == 0 else "红星村党支部") + ["13800000000"]
            for i in range(start, start + n)]
    return write_roster(tmp_path / "new.xlsx", rows, header=HEADER + ["联系电话"])


def do_import(db, path):
    report, change = import_roster_undoable(db, path, ImportOptions(update=True, create_branches=True))
    assert report.written, report.to_text()
    return report, change


@pytest.mark.parametrize("bulk", [False, True])
def test_undo_restores_the_state_before_the_import_and_redo_writes_it_again(town, tmp_path, monkeypatch, bulk):
    if bulk:  # several batches logged in bulk, the members' indexes made afresh (a first big roster)
        monkeypatch.setattr(writing_mod, "BATCH", 7)
        monkeypatch.setattr(importer_mod, "DEFER_INDEXES_FROM", 10)
    before = content(town)
    report, change = do_import(town, roster(tmp_path, 40))
    assert (report.added, report.updated, len(report.created_orgs)) == (37, 3, 1)
    assert change.label == "导入花名册（新增 37 名，修改 3 名）"
    after = content(town)
    stack = UndoStack()
    stack.push(change)

    tx = tx_mark(town)
    stack.undo(town)
    assert tx_mark(town) == tx + 1  # one unit of work
    assert town.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1") == f"撤销：{change.label}"
    assert content(town) == before
    assert town.scalar("SELECT count(*) FROM org WHERE name = '新建村党支部'") == 0
    assert town.verify() == []

    stack.redo(town)
    assert content(town) == after  # the same rows, the same ids
    stack.undo(town)
    assert content(town) == before
    assert town.verify() == []


def test_undo_refused_once_an_imported_member_was_edited(town, tmp_path):
    _report, change = do_import(town, roster(tmp_path, 10))
    mid = town.scalar("SELECT id FROM member WHERE id_number = ?", (person(1)[4],))  # one the import updated
    reg.update_member(town, mid, {"phone": "13900000000"})
    tx, count = tx_mark(town), member_count(town)
    with pytest.raises(UserError, match="不能撤销“导入花名册（新增 7 名，修改 3 名）”.*又被修改过"):
        change.undo(town)
    assert (tx_mark(town), member_count(town)) == (tx, count)  # nothing written


def test_undo_refused_once_a_new_member_has_a_later_record(town, tmp_path):
    _report, change = do_import(town, roster(tmp_path, 10))
    mid = town.scalar("SELECT id FROM member ORDER BY rowid DESC LIMIT 1")  # one the import added
    reg.change_status(town, mid, event="出党", date="2025-01-01")
    with pytest.raises(UserError, match="不能撤销"):
        change.undo(town)
    assert member_count(town) == 10


def test_undo_refused_once_a_created_branch_has_a_member_of_its_own(town, tmp_path):
    _report, change = do_import(town, roster(tmp_path, 10))
    new_branch = town.scalar("SELECT id FROM org WHERE name = '新建村党支部'")
    v = {"name": "李明", "ethnicity": "汉族", "id_number": person(99, born=dt.date(1980, 1, 1))[4],
         "join_date": "2005-07-01", "full_date": "2006-07-01", "category": "正式党员"}
    reg.add_member(town, v, org_id=new_branch)
    with pytest.raises(UserError, match="组织“新建村党支部”此后已被其他记录用到"):
        change.undo(town)


def test_an_import_that_writes_nothing_offers_no_undo(town, tmp_path):
    path = write_roster(tmp_path / "same.xlsx", [person(i) for i in range(1, 4)])
    report, change = import_roster_undoable(town, path)
    assert not report.written and change is None
