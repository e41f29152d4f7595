"""The import writes the change-log entries of the rows it inserts in bulk (db/bulk_log.py)
instead of through the per-row insert triggers: the entries must be the ones the triggers and
the seal would have written, the triggers must be back afterwards (also after a dry run or a
refusal), and `verify` must still find a merged row changed behind the program's back."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from dangjian_desktop.db import Database, bulk_log, owned_rows, seal
from dangjian_desktop.db.bulk_log import BulkInserts
from dangjian_desktop.exchange import export_town, import_package, invite, join
from dangjian_desktop.exchange import apply as apply_mod
from dangjian_desktop.registry import init_office

from exchange_util import small_town

TOWNS = ["甲镇", "乙镇"]


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """A county that imported two towns' packages (in this process), and the packages."""
    tmp = tmp_path_factory.mktemp("bulk")
    county = Database.create(tmp / "county.sqlite")
    init_office(county, name="测试县", level="county")
    packages = []
    for n, name in enumerate(TOWNS):
        path = small_town(tmp / f"town{n}.sqlite", name, seed=n + 1, members=5)
        invite(county, name, tmp / f"inv{n}")
        with Database.open(path) as town:
            join(town, tmp / f"inv{n}")
            export_town(town, tmp / f"p{n}.djx")
        packages.append(tmp / f"p{n}.djx")
    before = seal.schema_objects(county.conn)
    results = [import_package(county, p, backup=False) for p in packages]
    assert [r.status for r in results] == ["applied", "applied"], [r.errors for r in results]
    assert seal.schema_objects(county.conn) == before  # the insert triggers are back, word for word
    county.close()
    return tmp, tmp / "county.sqlite", packages, results


def _entries_of(conn, tx_id):
    return {(r[0], r[1]): (r[2], bytes(r[3]) if r[3] is not None else None) for r in conn.execute(
        "SELECT tbl, row_id, op, digest FROM change_log WHERE tx_id = ? ORDER BY seq", (tx_id,))}


def test_every_merged_row_has_its_insert_entry_with_the_digest_of_its_content(merged):
    tmp, county, packages, results = merged
    with Database.open(county) as db:
        assert db.verify() == []
        for res in results:
            tx_id = db.scalar("SELECT local_tx FROM exchange_package WHERE id = ?", (res.package_id,))
            entries = _entries_of(db.conn, tx_id)
            new = 0
            for table, counts in res.counts.items():
                new += counts.new
                cols = [r[1] for r in db.conn.execute(f'PRAGMA table_info("{table}")')]
                rows = db.conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{table}" '
                                       f"WHERE owner = ?", (res.sender_office,)).fetchall()
                assert len(rows) == counts.new, table
                for row in rows:
                    op, digest = entries[(table, row[cols.index("id")])]
                    assert op == "insert"
                    assert digest == seal.row_digest(list(row)), (table, row)
            inserted = sum(1 for (t, _), (op, _) in entries.items() if op == "insert" and not t.startswith("exchange_"))
            assert inserted == new > 40


def test_a_merged_row_changed_outside_the_program_is_found(merged, tmp_path):
    tmp, county, packages, results = merged
    copy = tmp_path / "tampered.sqlite"
    shutil.copy(county, copy)
    conn = sqlite3.connect(copy)  # another SQLite tool: no guard, and the triggers dropped for the edit
    saved = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'member'").fetchall()
    for name, _ in saved:
        conn.execute(f'DROP TRIGGER "{name}"')
    mid = conn.execute("SELECT id FROM member WHERE owner != (SELECT value FROM meta WHERE key = 'local_office_id') "
                       "LIMIT 1").fetchone()[0]
    conn.execute("UPDATE member SET phone = '13800000000' WHERE id = ?", (mid,))
    for _, sql in saved:
        conn.execute(sql)
    conn.commit()
    conn.close()
    with Database.open(copy) as db:
        problems = db.verify()
    assert any("member" in p and "在本程序之外被修改" in p for p in problems), problems


def test_the_guard_is_back_after_an_import(merged):
    tmp, county, packages, results = merged
    with Database.open(county) as db:
        mid = db.scalar("SELECT id FROM member WHERE owner = ?", (results[0].sender_office,))
        with pytest.raises(sqlite3.DatabaseError, match=owned_rows.MARK):
            db.conn.execute("UPDATE member SET note = 'x', rev = rev + 1 WHERE id = ?", (mid,))


def test_a_dry_run_and_a_refused_import_leave_the_schema_and_the_data_as_they_were(tmp_path, monkeypatch):
    county = Database.create(tmp_path / "county.sqlite")
    init_office(county, name="测试县", level="county")
    town_path = small_town(tmp_path / "town.sqlite", "丙镇", seed=3)
    invite(county, "丙镇", tmp_path / "inv")
    with Database.open(town_path) as town:
        join(town, tmp_path / "inv")
        export_town(town, tmp_path / "p.djx")
    schema = seal.schema_objects(county.conn)
    log = county.scalar("SELECT count(*) FROM change_log")
    assert import_package(county, tmp_path / "p.djx", dry_run=True).status == "dry-run"
    assert seal.schema_objects(county.conn) == schema
    assert county.scalar("SELECT count(*) FROM change_log") == log
    # A problem found after the rows are written (as the reference check finds one): all rolled back.
    monkeypatch.setattr(apply_mod, "_reference_problems", lambda *args: ["测试：引用的记录不存在"])
    res = import_package(county, tmp_path / "p.djx", backup=False)
    assert res.status == "refused" and "测试：引用的记录不存在" in res.errors, res.errors
    assert seal.schema_objects(county.conn) == schema
    assert county.scalar("SELECT count(*) FROM change_log") == log
    assert county.verify() == []
    county.close()


@pytest.mark.parametrize("wide", [False, True], ids=["sql-function", "wide-table"])
def test_a_bulk_row_changed_again_in_the_same_unit_of_work_is_sealed_as_it_ends(tmp_path, monkeypatch, wide):
    if wide:  # a table with more columns than an SQL function takes: digests computed row by row
        monkeypatch.setattr(bulk_log, "_MAX_ARGS", 3)
    db = Database.create(tmp_path / "t.sqlite")
    init_office(db, name="丁镇", level="town")
    root, office = db.scalar("SELECT id FROM org"), db.local_office_id
    with db.transaction("测试") as tx:
        with BulkInserts(db.conn, tx.id, ["org"]) as bulk:
            since = bulk.mark("org")
            db.conn.executemany("INSERT INTO org(id, office_id, parent_id, name, org_type, kind, owner, rev, updated_at) "
                                "VALUES (?, ?, ?, ?, '党支部', '村', ?, 1, ?)",
                                [(f"b{i}", office, root, f"第{i}党支部", office, tx.now) for i in range(3)])
            bulk.logged("org", since, 3)
        tx.update("org", "b1", {"name": "改名党支部"})  # the update trigger's entry comes after
    assert db.verify() == []
    last = db.one("SELECT op, digest FROM change_log WHERE row_id = 'b1' ORDER BY seq DESC LIMIT 1")
    row = db.conn.execute("SELECT * FROM org WHERE id = 'b1'").fetchone()
    assert last["op"] == "update" and bytes(last["digest"]) == seal.row_digest(list(row))
    first = db.one("SELECT op, digest FROM change_log WHERE row_id = 'b0' ORDER BY seq DESC LIMIT 1")
    row = db.conn.execute("SELECT * FROM org WHERE id = 'b0'").fetchone()
    assert first["op"] == "insert" and bytes(first["digest"]) == seal.row_digest(list(row))
    db.close()


def test_a_row_that_came_in_another_way_stops_the_unit_of_work(tmp_path):
    db = Database.create(tmp_path / "t.sqlite")
    init_office(db, name="戊镇", level="town")
    root = db.scalar("SELECT id FROM org")
    schema, log = seal.schema_objects(db.conn), db.scalar("SELECT count(*) FROM change_log")
    with pytest.raises(RuntimeError, match="new rows"):
        with db.transaction("测试") as tx, BulkInserts(db.conn, tx.id, ["org"]) as bulk:
            since = bulk.mark("org")
            tx.insert("org", {"office_id": db.local_office_id, "parent_id": root, "name": "旁门党支部",
                              "org_type": "党支部", "kind": "村"})
            bulk.logged("org", since, 0)
    assert seal.schema_objects(db.conn) == schema
    assert db.scalar("SELECT count(*) FROM change_log") == log
    assert db.scalar("SELECT count(*) FROM org WHERE name = '旁门党支部'") == 0
    db.close()


def test_a_wrong_bulk_digest_is_found_by_verify(tmp_path, monkeypatch):
    db = Database.create(tmp_path / "t.sqlite")
    init_office(db, name="己镇", level="town")
    root = db.scalar("SELECT id FROM org")
    monkeypatch.setattr(seal, "_digest_json", lambda values: "[]")  # what a wrong entry would look like
    with db.transaction("测试") as tx, BulkInserts(db.conn, tx.id, ["org"]) as bulk:
        since = bulk.mark("org")
        db.conn.execute("INSERT INTO org(id, office_id, parent_id, name, org_type, kind, owner, rev, updated_at) "
                        "VALUES ('w1', ?, ?, '错党支部', '党支部', '村', ?, 1, ?)",
                        (db.local_office_id, root, db.local_office_id, tx.now))
        bulk.logged("org", since, 1)
    monkeypatch.undo()
    problems = db.verify()
    assert any("org" in p and "在本程序之外被修改" in p for p in problems), problems
    db.close()


def test_references_of_inserted_and_updated_rows_are_checked(tmp_path):
    """Inserted rows are found by rowid (above the table's highest before the import), updated
    ones through temp.exchange_applied: a reference to a row that is not here is named."""
    db = Database.create(tmp_path / "t.sqlite")
    init_office(db, name="庚镇", level="town")
    root, office = db.scalar("SELECT id FROM org"), db.local_office_id
    db.conn.execute("PRAGMA foreign_keys = OFF")  # as the import writes (only outside a transaction)
    try:
        with pytest.raises(RuntimeError, match="rolled back"):
            with db.transaction("测试") as tx:
                apply_mod._temp_tables(db.conn)
                since = db.scalar("SELECT max(rowid) FROM org")
                assert apply_mod._reference_problems(db.conn, {"org": since}) == []
                tx.insert("org", {"id": "new1", "office_id": office, "parent_id": "nowhere-1", "name": "新党支部",
                                  "org_type": "党支部", "kind": "村"})
                tx.insert("org", {"id": "new2", "office_id": office, "parent_id": root, "name": "好党支部",
                                  "org_type": "党支部", "kind": "村"})
                problems = apply_mod._reference_problems(db.conn, {"org": since})
                assert len(problems) == 1 and "new1" in problems[0] and "nowhere-" in problems[0], problems
                assert apply_mod._reference_problems(db.conn, {}) == []  # neither inserted nor updated
                tx.update("org", root, {"parent_id": "nowhere-2"})
                db.conn.execute("INSERT INTO temp.exchange_applied VALUES ('org', ?)", (root,))
                problems = apply_mod._reference_problems(db.conn, {})
                assert len(problems) == 1 and "nowhere-" in problems[0] and root[:8] in problems[0], problems
                assert len(apply_mod._reference_problems(db.conn, {"org": since})) == 2
                raise RuntimeError("rolled back")
    finally:
        db.conn.execute("PRAGMA foreign_keys = ON")
        db.conn.execute("DROP TABLE IF EXISTS temp.exchange_applied")
        db.conn.execute("DROP TABLE IF EXISTS temp.exchange_deleted")
    assert db.verify() == []
    db.close()
