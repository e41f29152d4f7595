"""Importing a package: open and check it, plan it, then apply it as one unit of work.

Preview first: the plan (sender, date, per-table counts, conflicts, every error) is worked out
before anything is written, then tried inside the unit of work so that the database's own rules
(unique names, references) are checked too; a dry run, or any error, rolls it all back. A real
import makes a checked backup first. Applying is all or nothing: SQLite's transaction means a
kill -9 at any moment leaves the database as it was or fully merged. The ledger of applied
packages makes a second import of the same package change nothing (and say when it was imported).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .. import dates
from ..db import Database, audit, owned_rows
from ..db.bulk_log import BulkInserts
from ..errors import UserError
from ..registry.offices import local_office
from . import ownership, payload
from .crypto import PackageRefused
from .merge import COUNT_KEYS, Counts, Plan, describe, plan_import
from .notes import join_notes
from .opening import Opened, open_package, read_contents
from .peers import record_key


@dataclass
class ImportResult:
    status: str                 # 'applied', 'dry-run', 'nothing', 'refused'
    package_id: str
    kind: str
    sender: str
    sender_office: str
    sender_fingerprint: str
    own_fingerprint: str
    created_at: str
    created_by: str
    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    conflicts: list[dict[str, str]] = field(default_factory=list)
    message: str = ""
    imported_at: str | None = None
    backup: Path | None = None
    enrolled: bool = False

    @property
    def total(self) -> Counts:
        t = Counts()
        for c in self.counts.values():
            t.add(c)
        return t

    @property
    def exit_code(self) -> int:
        return 2 if self.status == "refused" else 0

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "package": self.package_id, "kind": self.kind, "sender": self.sender,
                "sender_office": self.sender_office, "sender_fingerprint": self.sender_fingerprint,
                "own_fingerprint": self.own_fingerprint, "created_at": self.created_at, "created_by": self.created_by,
                "message": self.message, "imported_at": self.imported_at,
                "tables": {t: {"label": ownership.label(t), **c.to_dict()} for t, c in sorted(self.counts.items())},
                "total": self.total.to_dict(), "errors": self.errors, "notes": self.notes, "conflicts": self.conflicts,
                "backup": str(self.backup) if self.backup else None, "enrolled": self.enrolled}


IMPORT_CACHE_KIB = 131072  # SQLite page cache while a package is applied (128 MiB)


class _Rollback(Exception):
    """Leaves the unit of work without committing (dry run, or errors found while applying)."""


def _result(opened: Opened, plan: Plan | None, status: str, message: str = "") -> ImportResult:
    doc = opened.doc
    r = ImportResult(status, opened.id, opened.kind, opened.sender_name, opened.sender_office,
                     opened.sender_keys.fingerprint if opened.sender_keys else "", opened.own_fingerprint,
                     str(doc.get("created_at") or ""), str(doc.get("created_by") or ""), message=message)
    if plan is not None:
        r.counts, r.errors, r.notes = plan.counts, list(plan.errors), list(plan.notes)
        r.conflicts = [{"table": c.table, "label": ownership.label(c.table), "row": c.row_id, "what": c.label,
                        "kind": c.kind} for c in plan.conflicts]
        r.enrolled = opened.enrolling
    return r


def import_package(db: Database, path: str | Path, *, dry_run: bool = False, backup: bool = True,
                   progress: Callable[[str], None] | None = None, previewed: str | None = None) -> ImportResult:
    """Check, preview and (unless `dry_run`) apply a package. PackageRefused for a refused file;
    an ImportResult otherwise (status 'refused' when rows were refused: nothing was written).
    `previewed`: the id of the package the clerk previewed at `path`; another package found there
    now (the file was replaced on the stick since) is refused, not imported unseen."""
    say = progress or (lambda _m: None)
    say("核对数据包")
    opened = open_package(db, path, decrypt=False)
    if previewed is not None and opened.id != previewed:
        raise PackageRefused("replaced", f"预览之后，文件“{Path(path).name}”已被换成另一个数据包（{opened.id}，"
                             f"预览的是 {previewed}）。请重新选择这个文件，核对预览后再导入。")
    prior = db.one("SELECT * FROM exchange_package WHERE id = ? AND direction = 'in'", (opened.id,))
    if prior is not None:
        return _already(opened, prior)
    read_contents(db, opened)  # decrypt (the signature was checked above)
    say("比对数据")
    plan = plan_import(db, opened)
    if plan.nothing is not None:
        return _result(opened, plan, "nothing", plan.nothing)
    if plan.errors:
        return _result(opened, plan, "refused", f"数据包中有 {plan.total.refused or len(plan.errors)} 处问题，"
                                                 f"没有导入任何数据。")
    if db.readonly:
        raise UserError("数据库以只读方式打开，不能导入。")
    made = None
    if not dry_run and backup:
        from ..db.backup import backup_before_import

        say("导入前自动备份")
        made = backup_before_import(db, "package")
    say("试导入" if dry_run else "导入")
    errors = _apply(db, plan, dry_run=dry_run)
    if errors:
        res = _result(opened, plan, "refused", "导入时发现问题，没有导入任何数据。")
        res.errors += errors
        return res
    res = _result(opened, plan, "dry-run" if dry_run else "applied")
    res.backup = made
    if not dry_run:
        owned_rows.install(db.conn)
        res.imported_at = dates.now_iso()
    return res


def _already(opened: Opened, prior) -> ImportResult:
    res = ImportResult("nothing", opened.id, prior["kind"], prior["peer_name"], prior["peer_office_id"] or "",
                       prior["sender_fingerprint"], prior["recipient_fingerprint"] or "", prior["created_at"],
                       prior["created_by"], imported_at=prior["processed_at"])
    try:
        stored = json.loads(prior["counts_json"] or "{}")
    except ValueError:
        stored = {}
    for t, c in stored.items():
        rows = sum(int(c.get(k, 0)) for k in ("new", "updated", "unchanged", "conflicts"))
        res.counts[t] = Counts(unchanged=rows)
    at = prior["processed_at"] or ""
    res.message = (f"这个数据包已于{dates.format_cn(at[:10])} {at[11:16]}由{prior['processed_by']}导入过，"
                   f"这次没有改动任何数据。")
    return res


# ---- writing -------------------------------------------------------------------------------------------
def _apply(db: Database, plan: Plan, *, dry_run: bool) -> list[str]:
    errors: list[str] = []
    opened = plan.opened
    reason = (f"{'试导入' if dry_run else '导入'}{opened.sender_name}的数据包 {opened.id}")
    cache = db.scalar("PRAGMA cache_size")
    db.conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")  # a town's rows touch every index at once
    # SQLite's own reference checks are off while the package is written (a pragma that only takes
    # effect outside a transaction): rows arrive in no particular order, and with a deferred check
    # pending SQLite searches every referring table — some without an index — on each insert of a
    # referred row. Every reference of every row written or deleted is checked below instead.
    db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with db.transaction(reason) as tx, owned_rows.bypass(db.conn):
            _temp_tables(db.conn)
            if opened.ids is not None:
                opened.ids.claim(db.conn)  # the new rows' local ids (exchange/idmap.py)
            for op in plan.ops.values():
                tx.tables.add(op.table)
                _write_updates(db.conn, op, errors)
            for op in plan.ops.values():
                _write_deletes(db.conn, op, errors)
            # The inserted rows' change-log entries are written in bulk, digests included (db/bulk_log.py).
            inserted: dict[str, int] = {}  # table -> its highest rowid before the package's rows
            with BulkInserts(db.conn, tx.id, [op.table for op in plan.ops.values() if op.inserts]) as bulk:
                for op in plan.ops.values():
                    _write_inserts(db.conn, op, errors, bulk, inserted)
            errors += _reference_problems(db.conn, inserted)
            if errors:
                raise _Rollback
            _bookkeeping(tx, plan)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except sqlite3.IntegrityError as e:
        errors.append(f"数据包中的记录与本单位已有的数据不相容（{e}），没有导入任何数据。")
    finally:
        db.conn.execute("PRAGMA foreign_keys = ON")
        db.conn.execute(f"PRAGMA cache_size = {int(cache)}")
        db.conn.execute("DROP TABLE IF EXISTS temp.exchange_applied")
        db.conn.execute("DROP TABLE IF EXISTS temp.exchange_deleted")
    return errors


def _temp_tables(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS exchange_applied (tbl TEXT, id TEXT, PRIMARY KEY (tbl, id)) WITHOUT ROWID")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS exchange_deleted (tbl TEXT, id TEXT, PRIMARY KEY (tbl, id)) WITHOUT ROWID")
    conn.execute("DELETE FROM temp.exchange_applied")
    conn.execute("DELETE FROM temp.exchange_deleted")


def _integrity_text(table: str, row: dict, e: sqlite3.Error) -> str:
    text = str(e)
    if "UNIQUE" in text:
        why = f"与本单位已有的记录重复（{text.split(':', 1)[-1].strip()}）"
    elif "CHECK" in text or "NOT NULL" in text:
        why = f"不符合本单位数据库的要求（{text}）"
    else:
        why = text
    return f"{ownership.label(table)} {describe(row)}：{why}"


def _many(conn: sqlite3.Connection, sql: str, rows: list[list], columns: list[str], table: str,
          errors: list[str]) -> list[list]:
    """executemany, and when it fails row by row, each failing row an error. Returns the rows written."""
    if not rows:
        return []
    conn.execute("SAVEPOINT exchange_many")
    try:
        conn.executemany(sql, rows)
        conn.execute("RELEASE exchange_many")
        return rows
    except sqlite3.IntegrityError:
        conn.execute("ROLLBACK TO exchange_many")
        conn.execute("RELEASE exchange_many")
    done = []
    for r in rows:
        conn.execute("SAVEPOINT exchange_one")
        try:
            conn.execute(sql, r)
            conn.execute("RELEASE exchange_one")
            done.append(r)
        except sqlite3.IntegrityError as e:
            conn.execute("ROLLBACK TO exchange_one")
            conn.execute("RELEASE exchange_one")
            errors.append(_integrity_text(table, dict(zip(columns, r)), e))
    return done


def _write_updates(conn: sqlite3.Connection, op, errors: list[str]) -> None:
    if not op.updates:
        return
    cols = [c for c in op.columns if c not in ("id", "rev")]
    sets = ", ".join(f'"{c}" = ?' for c in cols) + ", rev = rev + 1"
    idx = [op.columns.index(c) for c in cols]
    rows = [[r[i] for i in idx] + [r[0]] for r in op.updates]
    done = _many(conn, f'UPDATE "{op.table}" SET {sets} WHERE id = ?', rows, [*cols, "id"], op.table, errors)
    conn.executemany("INSERT OR IGNORE INTO temp.exchange_applied VALUES (?, ?)", [(op.table, r[-1]) for r in done])


def _write_inserts(conn: sqlite3.Connection, op, errors: list[str], bulk: BulkInserts,
                   inserted: dict[str, int]) -> None:
    if not op.inserts:
        return
    names = ", ".join(f'"{c}"' for c in op.columns)
    marks = ", ".join("?" for _ in op.columns)
    # In id order: the primary key and the change log's row index are then filled page by page.
    rows = sorted(op.inserts, key=lambda r: r[0])
    since = bulk.mark(op.table)
    done = _many(conn, f'INSERT INTO "{op.table}" ({names}) VALUES ({marks})', rows, op.columns, op.table, errors)
    bulk.logged(op.table, since, len(done))
    inserted[op.table] = min(since, inserted.get(op.table, since))  # new rows: rowid above it (checked below)


def _write_deletes(conn: sqlite3.Connection, op, errors: list[str]) -> None:
    if not op.deletes:
        return
    rows = [[rid] for rid in op.deletes]
    done = _many(conn, f'DELETE FROM "{op.table}" WHERE id = ?', rows, ["id"], op.table, errors)
    conn.executemany("INSERT OR IGNORE INTO temp.exchange_deleted VALUES (?, ?)", [(op.table, r[0]) for r in done])


def _reference_problems(conn: sqlite3.Connection, inserted: dict[str, int] | None = None) -> list[str]:
    """References the written rows make to rows that do not exist here (checked only for them):
    the updated rows (listed in temp.exchange_applied) and the inserted ones (`inserted`: table ->
    its highest rowid before the import, every row above it is new)."""
    problems: list[str] = []
    inserted = inserted or {}
    updated = {r[0] for r in conn.execute("SELECT DISTINCT tbl FROM temp.exchange_applied")}
    for t in sorted(updated | set(inserted)):
        which = ([("JOIN temp.exchange_applied a ON a.tbl = ? AND a.id = t.id", "", t)] if t in updated else []) + (
            [("", "t.rowid > ? AND ", inserted[t])] if t in inserted else [])
        for col, parent, pcol in ownership.foreign_keys(conn, t):
            found: list = []
            for join, where, param in which:
                found += conn.execute(
                    f'SELECT t.id, t."{col}" FROM "{t}" t {join} WHERE {where}t."{col}" IS NOT NULL '
                    f'AND NOT EXISTS (SELECT 1 FROM "{parent}" p WHERE p."{pcol}" = t."{col}")', (param,)).fetchmany(20)
            for rid, value in found[:20]:
                problems.append(f"{ownership.label(t)}（编号 {str(rid)[:8]}）引用的{ownership.label(parent)}"
                                f"（编号 {str(value)[:8]}）在本单位不存在，也不在数据包中")
    gone = [r[0] for r in conn.execute("SELECT DISTINCT tbl FROM temp.exchange_deleted")]
    for parent in gone:
        for t in audit.identity_tables(conn):
            for fk in conn.execute(f'PRAGMA foreign_key_list("{t}")'):
                if fk[2] != parent:
                    continue
                col = fk[3]
                for (rid,) in conn.execute(
                        f'SELECT c.id FROM "{t}" c WHERE c."{col}" IN '
                        f'(SELECT id FROM temp.exchange_deleted WHERE tbl = ?)', (parent,)).fetchmany(20):
                    problems.append(f"{ownership.label(parent)}被删除，但本单位的{ownership.label(t)}"
                                    f"（编号 {str(rid)[:8]}）还在使用它")
    return problems


def _bookkeeping(tx, plan: Plan) -> None:
    """The ledger, the sender's history, conflicts, enrolment and acknowledgement — in the same unit of work."""
    db, opened, doc = tx.db, plan.opened, plan.opened.doc
    peer = opened.sender
    if opened.enrolling:
        tx.update("exchange_peer", peer.id, {"office_id": opened.sender_office, "status": "enrolled",
                                             "enrolled_at": tx.now, "invite_id": None})
        record_key(tx, peer.id, opened.sender_keys)
    base = tip_tx = None
    tip_seal = None
    if opened.kind == "town":
        base, tip_tx, tip_seal = int(doc["base_tx"]), int(doc["tip"][0]), str(doc["tip"][1])
        if plan.fork_at is not None:
            for r in db.query("SELECT id FROM exchange_history WHERE peer_office_id = ? AND epoch = ? AND tx_id > ?",
                              (opened.sender_office, plan.epoch, plan.fork_at)):
                tx.delete("exchange_history", r["id"])
        have = {r[0] for r in db.conn.execute("SELECT tx_id FROM exchange_history WHERE peer_office_id = ? "
                                              "AND epoch = ?", (opened.sender_office, plan.epoch))}
        tx.insert_many("exchange_history", [
            {"id": f"{opened.sender_office}:{plan.epoch}:{int(t)}", "peer_office_id": opened.sender_office,
             "epoch": plan.epoch, "tx_id": int(t), "at": str(at), "seal": str(seal), "package_id": opened.id}
            for t, at, seal in doc["history"] if int(t) not in have])
        _settle_returned(tx, opened.sender_office, doc.get("applied_county_package"))
    else:
        # The county's tip with its seal: the town's next packages list the tips it applied, so a
        # county that went back to an older backup can still tell how far the town has seen it.
        tip_tx, tip_seal = int(doc["tip"][0]), str(doc["tip"][1])
        if plan.ack_ok:
            ack = doc["ack"]
            values = {"acked_tx": int(ack["tip_tx"]), "acked_seal": str(ack["tip_seal"]), "status": "enrolled",
                      "invite_secret": None, "invite_id": None}
            if db.scalar("SELECT enrolled_at FROM exchange_peer WHERE id = ?", (peer.id,)) is None:
                values["enrolled_at"] = tx.now
            tx.update("exchange_peer", peer.id, values)
    for c in plan.conflicts:
        _record_conflict(tx, opened, c)
    for op in plan.ops.values():
        for rid in op.kept:
            row = db.get(op.table, rid)
            cols = list(row.keys())
            _record_conflict(tx, opened, None, kept=(op.table, rid, payload.row_json(cols, list(row))))
    counts = {t: c.to_dict() for t, c in plan.counts.items()}
    tx.insert("exchange_package", {
        "id": opened.id, "direction": "in", "kind": opened.kind, "peer_office_id": opened.sender_office,
        "peer_name": opened.sender_name, "created_at": str(doc.get("created_at") or ""),
        "created_by": str(doc.get("created_by") or ""), "processed_at": tx.now,
        "processed_by": db.meta("operator") or _actor(), "sender_fingerprint": opened.sender_keys.fingerprint,
        "recipient_fingerprint": opened.own_fingerprint, "epoch": plan.epoch, "base_tx": base, "tip_tx": tip_tx,
        "tip_seal": tip_seal, "local_tx": tx.id, "file_name": opened.path.name, "file_size": opened.size,
        "file_sha256": opened.sha256, "counts_json": json.dumps(counts, ensure_ascii=False),
        "note": join_notes(plan.notes)})


def _actor() -> str:
    from ..db import current_actor

    return current_actor()


def _record_conflict(tx, opened: Opened, c, *, kept: tuple[str, str, str] | None = None) -> None:
    db = tx.db
    if kept is not None:
        table, rid, local_json = kept
        tx.insert("exchange_conflict", {
            "package_id": opened.id, "peer_office_id": opened.sender_office, "tbl": table, "row_id": rid,
            "kind": "fork", "local_json": local_json, "remote_json": None, "found_at": tx.now,
            "status": "resolved", "choice": "local", "resolved_at": tx.now, "resolved_by": "（自动：乡镇已没有这项修改）"})
        return
    local = payload.row_json(*c.local) if c.local else None
    remote = payload.row_json(*c.remote) if c.remote else None
    existing = db.one("SELECT id FROM exchange_conflict WHERE tbl = ? AND row_id = ? AND status = 'open'", (c.table, c.row_id))
    if existing is not None:
        tx.update("exchange_conflict", existing["id"], {"package_id": opened.id, "local_json": local,
                                                        "remote_json": remote, "found_at": tx.now})
    else:
        tx.insert("exchange_conflict", {
            "package_id": opened.id, "peer_office_id": opened.sender_office, "tbl": c.table, "row_id": c.row_id,
            "kind": c.kind, "local_json": local, "remote_json": remote, "found_at": tx.now})


def _settle_returned(tx, town: str, applied: str | None) -> None:
    """Rows the county sent back are settled once the town has applied a package that carried them."""
    if not applied:
        return
    at = tx.db.scalar("SELECT processed_at FROM exchange_package WHERE id = ? AND direction = 'out'", (applied,))
    if at is None:
        return
    for r in tx.db.query(
            "SELECT c.id FROM exchange_conflict c JOIN exchange_package p ON p.id = c.returned_in "
            "WHERE c.peer_office_id = ? AND c.returned_acked IS NULL AND p.processed_at <= ?", (town, at)):
        tx.update("exchange_conflict", r["id"], {"returned_acked": applied})


def kinds_text() -> str:
    return "、".join(COUNT_KEYS)
