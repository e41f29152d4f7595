"""Sealing the change log: every committed unit of work is authenticated by the office key.

At commit time the app
- stores, on the newest change-log entry of every row the transaction left in place, a digest
  of that row's whole content (all columns, BLOBs included), so an inserted row needs no second
  copy in the log;
- seals the transaction: HMAC-SHA256 with a key derived from the office key (kept in the user's
  data folder, never in the database), over the previous transaction's seal, this transaction's
  header (time, actor, computer, reason, app version, schema version, key id, schema
  fingerprint) and every one of its change-log entries.

`verify` recomputes the chain, compares every row with the digest of its last entry and the
schema with the one the code builds, and so finds an edit made with any other SQLite tool:
an insert, update or delete (the triggers log it into a sealed transaction, or, with the
triggers dropped, the row no longer matches its digest), rewritten or deleted log rows and
transaction headers, and dropped or altered triggers. What it cannot find: a forgery by
someone who has this computer's key file as well, and the removal of the newest transactions
together with their changes (compare with a backup or the county's copy for that).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Callable, Iterable

from ..progress import Progress
from . import log_store
from .keys import OfficeKey
from .table_labels import TABLE_LABELS

SEAL_FROM_VERSION = 6
_DIGEST_LEN = 16


#: How a problem that is only this computer's lack of a key begins (not a sign of tampering).
KEY_MISSING = "本机没有签章密钥"


def row_key_column(table: str) -> str:
    return "key" if table == "meta" else "id"


# ---- canonical forms ---------------------------------------------------------------------------
def _blob_digest(v):
    # json's `default`: called only for values JSON has no form for (BLOBs), so rows without
    # BLOBs are encoded without a Python call per value.
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"sha256": hashlib.sha256(bytes(v)).hexdigest()}
    raise TypeError(f"cannot digest {type(v).__name__}")


def _hex(v):
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v).hex()
    raise TypeError(f"cannot seal {type(v).__name__}")


def _encoder(default: Callable) -> Callable[[list | tuple], str]:
    """Compact JSON of one list, text identical to json.JSONEncoder(ensure_ascii=False,
    separators=(",", ":"), default=default).encode. JSONEncoder.encode builds a new C encoder
    (and a float formatter) on every call; sealing calls it once per row, so the C encoder is
    made once here and called directly. Without the C module: the standard encoder."""
    std = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=default).encode
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return std
    # No circular check (markers None): rows are flat lists of scalars, the text is the same.
    enc = make(None, default, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    join = "".join
    return lambda values: join(enc(values, 0))


_digest_json = _encoder(_blob_digest)
_line_json = _encoder(_hex)
_sha256 = hashlib.sha256


def row_digest(values: Iterable) -> bytes:
    if not isinstance(values, (list, tuple)):
        values = list(values)
    return _sha256(_digest_json(values).encode("utf-8")).digest()[:_DIGEST_LEN]


def _line(values: list | tuple) -> bytes:
    if not isinstance(values, (list, tuple)):
        values = list(values)
    return _line_json(values).encode("utf-8") + b"\n"


# ---- schema --------------------------------------------------------------------------------------
def schema_objects(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """name -> (type, sql) of every table, index, trigger and view the app made."""
    return {name: (typ, sql or "") for typ, name, sql in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "AND type IN ('table', 'index', 'trigger', 'view') ORDER BY type, name")}


def fingerprint(objects: dict[str, tuple[str, str]]) -> bytes:
    h = hashlib.sha256()
    for name in sorted(objects):
        h.update(_line([name, *objects[name]]))
    return h.digest()[:_DIGEST_LEN]


_fp_cache: dict[int, tuple[int, bytes]] = {}


def schema_fingerprint(conn: sqlite3.Connection) -> bytes:
    """Fingerprint of the live schema; recomputed only when SQLite's schema cookie moved
    (it moves on every schema change, whoever makes it)."""
    cookie = conn.execute("PRAGMA schema_version").fetchone()[0]
    cached = _fp_cache.get(id(conn))
    if cached is not None and cached[0] == cookie:
        return cached[1]
    fp = fingerprint(schema_objects(conn))
    _fp_cache[id(conn)] = (cookie, fp)
    return fp


def forget_connection(conn: sqlite3.Connection) -> None:
    _fp_cache.pop(id(conn), None)


@dataclass(frozen=True)
class Reference:
    """The schema the code builds at one version: what an untouched database looks like."""
    version: int
    objects: dict[str, tuple[str, str]]
    columns: dict[str, list[str]]  # audited table -> its columns in order

    @property
    def fingerprint(self) -> bytes:
        return fingerprint(self.objects)


@lru_cache(maxsize=None)
def reference(version: int) -> Reference:
    from . import audit
    from .migrations import all_migrations

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for step in all_migrations():
            if step.version > version:
                break
            step.up(conn)
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
            audit.rebuild_triggers(conn)
        columns = {t: audit.logged_columns(conn, t, include_blobs=True) for t in audit.audited_tables(conn)}
        return Reference(version, schema_objects(conn), columns)
    finally:
        conn.close()


def _live_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


# ---- sealing at commit ---------------------------------------------------------------------------
_KEYS_PER_QUERY = 500


def _digests_of_rows(conn: sqlite3.Connection, table: str, wanted: dict[str, int],
                     columns: list[str], via_tx: tuple[int, int] | None) -> dict[int, bytes]:
    """seq -> digest of the row's current content, for the rows in `wanted` (row key -> seq).

    via_tx (transaction id, last seq before it): the rows are looked up by key, in key order
    (the transaction's own entries name them), instead of reading the whole table. (Joining
    the change log by its row index would walk every entry the table ever had.)
    """
    keycol = row_key_column(table)
    cols = ", ".join(f't."{c}"' for c in columns)
    out: dict[int, bytes] = {}
    digest_json, sha = _digest_json, _sha256
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: encoded without a copy
    if via_tx is not None:
        keys = sorted(wanted)
        rows: Iterable = (row for i in range(0, len(keys), _KEYS_PER_QUERY) for row in cur.execute(
            f'SELECT t."{keycol}", {cols} FROM "{table}" t WHERE t."{keycol}" IN '
            f'({",".join("?" * len(keys[i:i + _KEYS_PER_QUERY]))})', keys[i:i + _KEYS_PER_QUERY]))
    else:
        rows = cur.execute(f'SELECT t."{keycol}", {cols} FROM "{table}" t')
    for row in rows:
        seq = wanted.get(row[0])
        if seq is not None and seq not in out:
            out[seq] = sha(digest_json(row[1:]).encode("utf-8")).digest()[:_DIGEST_LEN]
    return out


def _prev_seal(conn: sqlite3.Connection, tx_id: int) -> bytes:
    prev = conn.execute("SELECT seal FROM tx_log WHERE id < ? ORDER BY id DESC LIMIT 1", (tx_id,)).fetchone()
    return bytes(prev[0]) if prev and prev[0] is not None else b""


def _seal_mac(seal_key: bytes, prev_seal: bytes, header: list):
    """The HMAC of one transaction, fed its chain link and header; its entries' lines follow."""
    mac = hmac.new(seal_key, digestmod=hashlib.sha256)
    mac.update(len(prev_seal).to_bytes(1, "big") + prev_seal)
    mac.update(_line(header))
    return mac


def compute_seal(seal_key: bytes, prev_seal: bytes, header: list, entries: Iterable) -> bytes:
    mac = _seal_mac(seal_key, prev_seal, header)
    # The same bytes as one update per line, fed a few thousand lines at a time.
    line_json, batch = _line_json, []
    for e in entries:
        batch.append(line_json(e if isinstance(e, (list, tuple)) else list(e)))
        if len(batch) >= 4096:
            mac.update(("\n".join(batch) + "\n").encode("utf-8"))
            batch = []
    if batch:
        mac.update(("\n".join(batch) + "\n").encode("utf-8"))
    return mac.digest()


_HEADER = "id, at, actor, host, reason, app_version"
_ENTRY = "seq, tbl, row_id, op, old, new, digest"
# The same, with the digest already in the text _hex gives it (no Python call per entry).
_ENTRY_HEX = "seq, tbl, row_id, op, old, new, CASE typeof(digest) WHEN 'blob' THEN lower(hex(digest)) ELSE digest END"


def _header(row, version: int, key_id: str, fp: bytes) -> list:
    return [*row, version, key_id, fp]


def seal_transaction(conn: sqlite3.Connection, tx_id: int, key: OfficeKey, log_start: int) -> None:
    """Digest the rows this transaction left in place and seal it. Runs inside the transaction;
    `log_start` is the newest change-log seq before it began (its entries all come after).

    A newest entry that already carries a digest was written with it by this unit of work
    (db/bulk_log.py; the triggers never set one) and is left as it is."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    last: dict[str, dict[str, int]] = defaultdict(dict)
    cur = conn.cursor()
    cur.row_factory = None
    for seq, tbl, row_id, op, digested in cur.execute(
            "SELECT seq, tbl, row_id, op, digest IS NOT NULL FROM change_log WHERE seq > ? AND tx_id = ? "
            "ORDER BY seq", (log_start, tx_id)):
        if op == "delete" or digested:
            last[tbl].pop(row_id, None)
        else:
            last[tbl][row_id] = seq
    digests: dict[int, bytes] = {}
    for tbl, wanted in last.items():
        if wanted:
            # The newest entry of each row: later ones win in _digests_of_rows' lookup.
            digests.update(_digests_of_rows(conn, tbl, wanted, _live_columns(conn, tbl), (tx_id, log_start)))
    if digests:
        _store_digests(conn, digests)
    entries = conn.cursor()
    entries.row_factory = None
    entries.execute(f"SELECT {_ENTRY_HEX} FROM change_log WHERE seq > ? AND tx_id = ? ORDER BY seq",
                    (log_start, tx_id))
    _seal_one(conn, tx_id, key, version, schema_fingerprint(conn), entries)


def _store_digests(conn: sqlite3.Connection, digests: dict[int, bytes]) -> None:
    """Set the digest of each entry (seq -> digest)."""
    conn.executemany(f"UPDATE {log_store.of(conn).table} SET digest = ? WHERE seq = ?",
                     [(d, s) for s, d in digests.items()])


def _seal_one(conn: sqlite3.Connection, tx_id: int, key: OfficeKey, version: int, fp: bytes,
              entries: Iterable) -> None:
    head = conn.execute(f"SELECT {_HEADER} FROM tx_log WHERE id = ?", (tx_id,)).fetchone()
    seal = compute_seal(key.seal_key, _prev_seal(conn, tx_id), _header(tuple(head), version, key.key_id, fp),
                        entries)
    conn.execute("UPDATE tx_log SET schema_version = ?, key = ?, fp = ?, seal = ? WHERE id = ?",
                 (version, key.key_id, fp, seal, tx_id))


def seal_backlog(conn: sqlite3.Connection, key: OfficeKey, current_tx: int) -> int:
    """Seal every transaction written before sealing existed (on the upgrade to v6).

    The history before the upgrade is taken as it stands: each row's newest entry gets the
    digest of the row as it is now, and meta rows written before meta was logged get an entry
    in the upgrading transaction. Returns how many transactions were sealed.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    store, meta = log_store.of(conn), "'meta'"
    conn.execute(f"INSERT INTO {store.table}({store.columns}) "
                 f"SELECT ?, {store.tbl(meta)}, m.key, {store.op('insert')}, NULL, NULL, NULL FROM meta m "
                 "WHERE NOT EXISTS (SELECT 1 FROM change_log c WHERE c.tbl = 'meta' AND c.row_id = m.key)",
                 (current_tx,))
    from .audit import audited_tables

    for tbl in audited_tables(conn):
        wanted = {row_id: seq for row_id, seq, op in conn.execute(
            "SELECT row_id, max(seq), op FROM change_log WHERE tbl = ? GROUP BY row_id", (tbl,)) if op != "delete"}
        _store_digests(conn, _digests_of_rows(conn, tbl, wanted, _live_columns(conn, tbl), None))
    fp = schema_fingerprint(conn)
    pending = [r[0] for r in conn.execute("SELECT id FROM tx_log WHERE seal IS NULL AND id < ? ORDER BY id",
                                          (current_tx,))]
    by_tx: dict[int, list] = defaultdict(list)
    wanted = set(pending)
    for e in conn.execute(f"SELECT tx_id, {_ENTRY} FROM change_log WHERE tx_id < ? ORDER BY seq", (current_tx,)):
        if e[0] in wanted:
            by_tx[e[0]].append(tuple(e)[1:])
    for tx_id in pending:
        _seal_one(conn, tx_id, key, version, fp, by_tx.pop(tx_id, []))
    return len(pending)


# ---- verification ---------------------------------------------------------------------------------


def describe_tx(row) -> str:
    from ..dates import format_cn

    at = row["at"] or ""
    return f"事务 #{row['id']}（{format_cn(at[:10])} {at[11:19]}，{row['actor']}，“{row['reason']}”）"


def _row_label(conn: sqlite3.Connection, table: str, row_id: str) -> str:
    if table in ("member", "org", "office"):
        name = conn.execute(f'SELECT name FROM "{table}" WHERE id = ?', (row_id,)).fetchone()
        if name:
            return f"“{name[0]}”（{row_id}）"
    return row_id


class Tally:
    """How far verify's own checks are, for a progress bar: `report(done, total, text)` after every
    batch of change-log entries and of table rows read. The total is estimated first from each
    table's largest row number (one index look-up at any size; rows deleted leave gaps, so it
    is at least the number of rows)."""

    def __init__(self, conn: sqlite3.Connection, tables: list[str], report: Progress):
        self.report, self.done = report, 0
        self.total = sum(_largest_rowid(conn, t) for t in (log_store.of(conn).table, *tables))

    def __call__(self, n: int, text: str) -> None:
        self.done += n
        self.report(min(self.done, self.total), self.total, text)


def _largest_rowid(conn: sqlite3.Connection, table: str) -> int:
    try:
        return conn.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
    except sqlite3.OperationalError:  # a table without row numbers
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _feed_entries(conn: sqlite3.Connection, macs: dict, tally: Tally | None = None) -> None:
    """Feed every change-log entry, as its line, to the MAC of its transaction (tx id -> MAC).

    One pass in seq order (the table's own order: no sort, no index by transaction): each
    transaction gets its entries in seq order, the bytes compute_seal would be given. Entries
    of a transaction not in `macs` (unsealed, key missing, or no such transaction) are skipped."""
    cur = conn.cursor()
    cur.row_factory = None
    cur.execute(f"SELECT tx_id, {_ENTRY_HEX} FROM change_log ORDER BY seq")
    line_json, fetch = _line_json, cur.fetchmany
    mac, tx, batch = None, object(), []
    while rows := fetch(8192):
        if tally is not None:
            tally(len(rows), "核对变更日志的签章")
        for row in rows:
            if row[0] != tx:
                if batch:
                    mac.update(("\n".join(batch) + "\n").encode("utf-8"))
                    batch = []
                tx = row[0]
                mac = macs.get(tx)
            if mac is not None:
                batch.append(line_json(row[1:]))
        if batch:
            mac.update(("\n".join(batch) + "\n").encode("utf-8"))
            batch = []


def verify_chain(conn: sqlite3.Connection, load_key: Callable[[str], OfficeKey | None],
                 tally: Tally | None = None) -> list[str]:
    problems: list[str] = []
    keys: dict[str, OfficeKey | None] = {}
    missing_keys: dict[str, int] = defaultdict(int)
    broken: list = []
    unsealed: list = []
    txs = conn.execute(f"SELECT {_HEADER}, schema_version, key, fp, seal FROM tx_log ORDER BY id").fetchall()
    macs: dict = {}  # tx id -> its MAC, for every sealed transaction whose key is here
    prev = b""
    for tx in txs:
        if tx["seal"] is None:
            unsealed.append(tx)
            prev = b""
            continue
        kid = tx["key"] or ""
        if kid not in keys:
            try:
                keys[kid] = load_key(kid)
            except ValueError:
                keys[kid] = None
        key = keys[kid]
        if key is None:
            missing_keys[kid] += 1
        else:
            header = _header(tuple(tx)[:6], tx["schema_version"], kid, bytes(tx["fp"] or b""))
            macs[tx["id"]] = _seal_mac(key.seal_key, prev, header)
        prev = bytes(tx["seal"])
    if macs:
        _feed_entries(conn, macs, tally)
    elif tally is not None:
        tally(_largest_rowid(conn, log_store.of(conn).table), "核对变更日志的签章")
    for tx in txs:
        mac = macs.get(tx["id"])
        if mac is None:
            continue
        if not hmac.compare_digest(mac.digest(), bytes(tx["seal"])):
            broken.append(tx)
        elif tx["fp"] is not None and bytes(tx["fp"]) != reference(tx["schema_version"]).fingerprint:
            problems.append(f"{describe_tx(tx)}写入时数据库结构已被改动（触发器或表与本程序建立的不同）")
    if broken:
        first = broken[0]
        problems.append(f"变更日志的签章链在{describe_tx(first)}处断开：这一事务的记录、事务信息或它之前的"
                        f"事务在本程序之外被改动、删除或追加" + (f"（共 {len(broken)} 个事务签章不符）"
                                                               if len(broken) > 1 else ""))
    if unsealed:
        problems.append(f"有 {len(unsealed)} 个事务没有签章（不是本程序写入的），第一个是{describe_tx(unsealed[0])}")
    for kid, n in missing_keys.items():
        problems.append(f"{KEY_MISSING} {kid or '（空）'}，无法确认 {n} 个事务的签章。"
                        f"请在写入这些数据的电脑上检查，或从那里带来密钥文件。")
    return problems


def verify_schema(conn: sqlite3.Connection) -> list[str]:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    ref = reference(version)
    live = schema_objects(conn)
    kinds = {"table": "表", "index": "索引", "trigger": "触发器", "view": "视图"}
    problems = []
    for name in sorted(set(ref.objects) | set(live)):
        want, have = ref.objects.get(name), live.get(name)
        if want == have:
            continue
        kind = kinds.get((want or have)[0], "对象")
        if have is None:
            problems.append(f"数据库结构被改动：{kind} {name} 被删除")
        elif want is None:
            problems.append(f"数据库结构被改动：多出{kind} {name}")
        else:
            problems.append(f"数据库结构被改动：{kind} {name} 与本程序建立的不同")
    return problems


class _Pickers(dict):
    """tx id -> how a row of `tbl` (columns `names`) is reduced to the columns that
    transaction's schema version digests: True for the whole row as it is, a callable, or None
    (the row cannot match: no such transaction, or a column of that version is gone). Made on
    first use, one per schema version."""

    def __init__(self, tbl: str, names: list[str], tx_info: dict):
        super().__init__()
        self.tbl, self.names, self.tx_info = tbl, names, tx_info
        self.at = {n: i for i, n in enumerate(names)}
        self.by_version: dict = {}

    def __missing__(self, tx_id):
        tx = self.tx_info.get(tx_id)
        version = tx[6] if tx is not None else None
        if version not in self.by_version:
            cols = reference(version).columns.get(self.tbl) if version else None
            if cols is None or any(c not in self.at for c in cols):
                pick = None
            elif cols == self.names:
                pick = True
            else:
                idx = [self.at[c] for c in cols]
                pick = itemgetter(*idx) if len(idx) > 1 else (lambda r, i=idx[0]: (r[i],))
            self.by_version[version] = pick
        self[tx_id] = self.by_version[version]
        return self[tx_id]


def verify_rows(conn: sqlite3.Connection, tables: list[str], tally: Tally | None = None) -> list[str]:
    """Every row against the digest of its newest change-log entry.

    Per table: the newest entry of every row (one pass over the change log's row index), then
    the table in its stored order with plain tuples; each row takes its entry out of the map,
    so what is left are the logged rows the table no longer has."""
    problems: list[str] = []
    tx_info = {r[0]: r for r in conn.execute(f"SELECT {_HEADER}, schema_version FROM tx_log")}
    cur = conn.cursor()
    cur.row_factory = None
    sha, digest_json, n = _sha256, _digest_json, _DIGEST_LEN
    for number, tbl in enumerate(tables, start=1):
        keycol = row_key_column(tbl)
        step = f"逐行核对数据（第 {number}/{len(tables)} 张表）"
        if tally is not None:
            tally(0, step)
        # row id -> (seq, op, digest, tx id) of its newest entry. The newest seqs come from the
        # row index alone and are then read in seq order: far fewer page reads than fetching
        # each entry in row-id order.
        last = {r[0]: r[1:] for r in cur.execute(
            "SELECT c.row_id, c.seq, c.op, c.digest, c.tx_id FROM (SELECT max(seq) AS s FROM change_log "
            "WHERE tbl = ? GROUP BY row_id ORDER BY s) m JOIN change_log c ON c.seq = m.s", (tbl,))}
        take = last.pop  # what is left: logged rows the table no longer has
        cur.execute(f'SELECT * FROM "{tbl}"')
        names = [d[0] for d in cur.description]
        key_at = names.index(keycol)
        picks = _Pickers(tbl, names, tx_info)
        unlogged, altered = [], []
        while rows := cur.fetchmany(4096):
            if tally is not None:
                tally(len(rows), step)
            for row in rows:
                rid = row[key_at]
                entry = take(rid, None)
                if entry is None or entry[1] == "delete":
                    unlogged.append(rid)
                    continue
                pick = picks[entry[3]]
                if pick is None or entry[2] is None:
                    altered.append((rid, entry))
                elif sha(digest_json(row if pick is True else pick(row)).encode("utf-8")).digest()[:n] != entry[2]:
                    altered.append((rid, entry))
        vanished = [rid for rid, e in last.items() if e[1] != "delete"]
        label = TABLE_LABELS.get(tbl, tbl)
        if altered:
            rid, entry = altered[0]
            tx = tx_info.get(entry[3])
            where = describe_tx(tx) if tx is not None else f"事务 #{entry[3]}"
            why = (f"它最后一条变更记录不是本程序写入的（附在{where}上）" if entry[2] is None
                   else f"与其最后一次记录（{where}）不一致")
            problems.append(f"表 {tbl}（{label}）有 {len(altered)} 行在本程序之外被修改（未记录在变更日志中），例如 "
                            f"{_row_label(conn, tbl, rid)}：{why}")
        if unlogged:
            problems.append(f"表 {tbl}（{label}）有 {len(unlogged)} 行没有变更记录（在本程序之外插入），例如 "
                            f"{_row_label(conn, tbl, unlogged[0])}")
        if vanished:
            e = last[vanished[0]]
            tx = tx_info.get(e[3])
            problems.append(f"表 {tbl}（{label}）有 {len(vanished)} 行被删除却没有记录在变更日志中，例如 "
                            f"{vanished[0]}（最后一次记录：{describe_tx(tx) if tx is not None else e[3]}）")
    return problems
