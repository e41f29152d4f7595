"""A large roster import into a small registry (a town's first roster, a county's rolls) writes the
members with their plain indexes made afresh at the end (bulk_log.DeferredIndexes) instead of
kept up row by row: the schema afterwards is the one before, word for word, the indexes are
there and used, `verify` passes, and a refused import leaves everything as it was (a cancelled one:
test_roster_bulk_log)."""

from __future__ import annotations

import sqlite3

import pytest

from dangjian_desktop.db import seal
from dangjian_desktop.db.bulk_log import DeferredIndexes
from dangjian_desktop.roster import import_roster
from dangjian_desktop.roster import importer as importer_mod
from dangjian_desktop.roster import writing as writing_mod

from roster_util import add_branches, member_count, person, write_roster

PLAIN = {"member_active", "member_event_member", "member_group", "member_incomplete", "member_initials",
         "member_lost", "member_org", "member_pinyin", "member_probation"}


@pytest.fixture
def town(db):
    add_branches(db, "红星村党支部", "东风村党支部")
    return db


def _indexes(db) -> set[str]:
    return {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                   "AND tbl_name IN ('member', 'member_event')")}


@pytest.fixture
def seen_while_writing(town, monkeypatch):
    """The member indexes present at each batch the import wrote."""
    seen: list[set[str]] = []
    flush = writing_mod.NewMembers._flush

    def spy(self):
        if self._members:
            seen.append(_indexes(town))
        return flush(self)

    monkeypatch.setattr(writing_mod.NewMembers, "_flush", spy)
    monkeypatch.setattr(writing_mod, "BATCH", 6)
    return seen


def test_a_large_import_into_an_empty_registry_makes_the_indexes_at_the_end(town, tmp_path, monkeypatch,
                                                                            seen_while_writing):
    monkeypatch.setattr(importer_mod, "DEFER_INDEXES_FROM", 10)
    before = seal.schema_objects(town.conn)
    assert PLAIN <= _indexes(town)
    report = import_roster(town, write_roster(tmp_path / "r.xlsx", [person(i) for i in range(1, 21)]))
    assert report.ok and report.written and report.added == 20, report.to_text()
    assert len(seen_while_writing) == 4
    assert all(not (s & PLAIN) and "member_id_number" in s for s in seen_while_writing)  # the UNIQUE one stays
    assert seal.schema_objects(town.conn) == before
    plan = " ".join(r[3] for r in town.query("EXPLAIN QUERY PLAN SELECT id FROM member WHERE name_pinyin = 'x'"))
    assert "member_pinyin" in plan
    assert town.scalar("SELECT count(*) FROM member INDEXED BY member_org") == 20
    assert town.query("PRAGMA integrity_check")[0][0] == "ok"
    assert town.verify() == []


def test_a_file_smaller_than_the_registry_keeps_the_indexes_up_row_by_row(town, tmp_path, monkeypatch,
                                                                        seen_while_writing):
    monkeypatch.setattr(importer_mod, "DEFER_INDEXES_FROM", 10)
    assert import_roster(town, write_roster(tmp_path / "a.xlsx", [person(i) for i in range(1, 31)])).written
    seen_while_writing.clear()
    report = import_roster(town, write_roster(tmp_path / "b.xlsx", [person(i) for i in range(31, 51)]))
    assert report.written and member_count(town) == 50
    assert seen_while_writing and all(PLAIN <= s for s in seen_while_writing)  # 20 rows against 30 members
    assert town.verify() == []


def test_a_refused_large_import_leaves_schema_data_and_log_as_they_were(town, tmp_path, monkeypatch,
                                                                       seen_while_writing):
    monkeypatch.setattr(importer_mod, "DEFER_INDEXES_FROM", 10)
    rows = [person(i) for i in range(1, 21)]
    rows[15][5] = "98.7.1"  # found after two batches were written without the indexes
    before, log = seal.schema_objects(town.conn), town.scalar("SELECT count(*) FROM change_log")
    report = import_roster(town, write_roster(tmp_path / "r.xlsx", rows))
    assert not report.written and seen_while_writing and not (seen_while_writing[0] & PLAIN)
    assert seal.schema_objects(town.conn) == before
    assert (member_count(town), town.scalar("SELECT count(*) FROM change_log")) == (0, log)
    assert town.verify() == []


def test_deferred_indexes_need_a_unit_of_work_keep_unique_ones_and_come_back_on_rollback(town):
    with pytest.raises(RuntimeError):
        DeferredIndexes(town.conn, ["member"])
    before = seal.schema_objects(town.conn)
    town.conn.execute("BEGIN")
    deferred = DeferredIndexes(town.conn, ["member", "member_event"])
    assert set(deferred.dropped) == PLAIN and "member_id_number" in _indexes(town)
    town.conn.execute("ROLLBACK")
    deferred.restore()  # nothing to do: the rollback brought them back
    assert seal.schema_objects(town.conn) == before
    town.conn.execute("BEGIN")
    deferred = DeferredIndexes(town.conn, ["member"])
    deferred.restore()
    deferred.restore()
    town.conn.execute("COMMIT")
    assert seal.schema_objects(town.conn) == before
    assert import_roster(town, write_roster(town.path.parent / "one.xlsx", [person(1)])).written
    with pytest.raises(sqlite3.IntegrityError, match="id_number"):  # the UNIQUE index was never dropped
        town.conn.execute("BEGIN")
        try:
            DeferredIndexes(town.conn, ["member"])
            town.conn.execute("CREATE TEMP TABLE twin AS SELECT * FROM member")
            town.conn.execute("UPDATE twin SET id = 'someone-else', gid = NULL")
            town.conn.execute("INSERT INTO member SELECT * FROM twin")
        finally:
            town.conn.execute("ROLLBACK")
    assert seal.schema_objects(town.conn) == before
