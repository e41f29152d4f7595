"""The roster import writes the change-log entries of the members and history entries it adds in
bulk (db/bulk_log.py) instead of through an insert trigger per row: the log must still hold one
sealed entry per imported row, `verify` must pass, and the insert triggers must be back
afterwards (also after a refused or cancelled import)."""

from __future__ import annotations


import pytest

from dangjian_desktop import undo
from dangjian_desktop.db import seal
from dangjian_desktop.db.bulk_log import BulkInserts
from dangjian_desktop.roster import ImportOptions, import_roster
from dangjian_desktop.roster import importer as importer_mod
from dangjian_desktop.roster import writing as writing_mod

from roster_util import HEADER, add_branches, member_count, person, write_roster


@pytest.fixture
def town(db):
    add_branches(db, "红星村党支部", "东风村党支部")
    return db


@pytest.fixture
def bulk_calls(monkeypatch):
    """(table, rows) of every batch BulkInserts logged."""
    calls: list[tuple[str, int]] = []
    logged = BulkInserts.logged

    def spy(self, table, since, expected):
        calls.append((table, expected))
        return logged(self, table, since, expected)

    monkeypatch.setattr(BulkInserts, "logged", spy)
    return calls


def _last_tx(db) -> int:
    return db.scalar("SELECT max(id) FROM tx_log")


def test_an_import_logs_every_new_row_once_in_bulk_and_verifies(town, tmp_path, monkeypatch, bulk_calls):
    monkeypatch.setattr(writing_mod, "BATCH", 7)  # several batches, the last one short
    rows = [person(i, branch="红星村党支部" if i % 3 else "东风村党支部") for i in range(1, 21)]
    rows[4][-1] = "新建村党支部"  # a branch the import creates (an org row logged by its trigger)
    before = seal.schema_objects(town.conn)
    report = import_roster(town, write_roster(tmp_path / "r.xlsx", rows), ImportOptions(create_branches=True))
    assert report.ok and report.written, report.to_text()
    assert seal.schema_objects(town.conn) == before  # the insert triggers are back, word for word
    assert sorted(bulk_calls) == sorted([("member", 7), ("member_event", 7)] * 2 + [("member", 6), ("member_event", 6)])

    tx = _last_tx(town)
    entries = town.query("SELECT tbl, row_id, op, digest FROM change_log WHERE tx_id = ? ORDER BY seq", (tx,))
    members = {r[0] for r in town.query("SELECT id FROM member")}
    events = {r[0] for r in town.query("SELECT id FROM member_event")}
    assert len(members) == len(events) == 20
    for table, ids in (("member", members), ("member_event", events)):
        mine = [e for e in entries if e["tbl"] == table]
        assert sorted(e["row_id"] for e in mine) == sorted(ids)  # one entry per imported row
        assert all(e["op"] == "insert" and e["digest"] is not None for e in mine)
    assert [e["tbl"] for e in entries if e["tbl"] == "org"] == ["org"]  # the new branch
    assert town.verify() == []


def test_members_updated_in_the_same_import_and_edited_later_still_verify(town, tmp_path, bulk_calls):
    assert import_roster(town, write_roster(tmp_path / "a.xlsx", [person(1)])).written
    rows = [person(1), person(2), person(3)]
    path = write_roster(tmp_path / "b.xlsx", [r + ["13800000000"] for r in rows], header=HEADER + ["联系电话"])
    report = import_roster(town, path, ImportOptions(update=True))
    assert report.written and (report.added, report.updated) == (2, 1), report.to_text()
    assert ("member", 2) in bulk_calls
    first = town.scalar("SELECT id FROM member WHERE id_number = ?", (person(1)[4],))
    ops = town.query("SELECT tbl, op FROM change_log WHERE tx_id = ? AND row_id = ?", (_last_tx(town), first))
    assert [(r["tbl"], r["op"]) for r in ops] == [("member", "update")]
    added = town.scalar("SELECT id FROM member WHERE id_number = ?", (person(2)[4],))
    with town.transaction("改电话") as tx:  # a later change of an imported row: logged by its trigger
        tx.update("member", added, {"phone": "13900000000"})
    assert town.verify() == []


def test_a_refused_import_leaves_the_triggers_the_data_and_the_log_as_they_were(town, tmp_path, monkeypatch,
                                                                                bulk_calls):
    monkeypatch.setattr(writing_mod, "BATCH", 5)
    rows = [person(i) for i in range(1, 16)]
    rows[12][5] = "98.7.1"  # row 13: a two-digit year, found after two batches were written
    before, log = seal.schema_objects(town.conn), town.scalar("SELECT count(*) FROM change_log")
    report = import_roster(town, write_roster(tmp_path / "r.xlsx", rows))
    assert not report.ok and not report.written
    assert bulk_calls  # batches were written before the error, then rolled back
    assert seal.schema_objects(town.conn) == before
    assert (member_count(town), town.scalar("SELECT count(*) FROM change_log")) == (0, log)
    assert town.verify() == []


@pytest.mark.parametrize("deferred_indexes", [False, True])
def test_a_cancelled_import_leaves_the_triggers_as_they_were(town, tmp_path, monkeypatch, bulk_calls,
                                                             deferred_indexes):
    # With deferred_indexes the members' plain indexes were dropped too (a large file): back as well.
    monkeypatch.setattr(importer_mod, "DEFER_INDEXES_FROM", 10 if deferred_indexes else 10 ** 9)
    monkeypatch.setattr(importer_mod, "PROGRESS_EVERY", 5)
    monkeypatch.setattr(writing_mod, "BATCH", 5)
    before = seal.schema_objects(town.conn)
    calls: list = []
    report = import_roster(town, write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 60)]),
                           cancel=lambda: len(calls) > 8 or calls.append(1) and False)
    assert report.cancelled and bulk_calls and member_count(town) == 0
    assert seal.schema_objects(town.conn) == before
    assert town.verify() == []


def test_the_ids_of_new_rows_are_random_ids_like_new_id():
    ids = writing_mod.new_ids(500)
    assert len(set(ids)) == 500
    assert all(len(i) == 16 and set(i) <= set("0123456789abcdefghijklmnopqrstuv") for i in ids)


def test_the_log_of_an_import_is_complete_enough_to_take_it_back(town, tmp_path, monkeypatch, bulk_calls):
    # The roster import has no undo in the program; the generic undo reads only the change log,
    # so taking the import back with it shows that every row the import wrote was logged.
    monkeypatch.setattr(writing_mod, "BATCH", 4)
    since = undo.mark(town)
    assert import_roster(town, write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 11)])).written
    change = undo.change_since(town, since, "导入花名册")
    assert change is not None and len(change.rows) == 20
    change.undo(town)
    assert member_count(town) == 0 and town.scalar("SELECT count(*) FROM member_event") == 0
    assert town.verify() == []
