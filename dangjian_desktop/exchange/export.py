"""Making packages: a town's data for the county, the county's reply for a town, and a
recovery package that gives a town whose laptop died its data back.

Town → county: every row the town owns (tables of kind town/both) that changed since the
transaction the county acknowledged, with the rows deleted since then; the first package (and
`full=True`) has everything. Packages are cumulative until acknowledged: a lost stick costs
nothing. The town's sealed transaction chain since the acknowledged transaction travels too
(id, time, first 16 bytes of each seal), so the county can tell a continued history from a
rewritten one.

County → town: a complete snapshot of what the county sends that town — rows of kind
county/both owned by the county or by other towns (cross-assessment scores) about that town or
about the county as a whole, the files they use, the rows of the town's own the county kept in a
conflict — and the acknowledgement of the town's last package.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, dates
from ..db import Database, audit
from ..errors import UserError
from ..filesave import write_bytes
from ..registry.offices import local_office
from . import crypto, idmap, ownership, payload
from .notes import join_notes
from .payload import TableRows
from .peers import Peer, county_peer, current_keys, identity, peer_by_name

SEAL_HEX = 32  # the first 16 bytes of a seal travel


@dataclass
class Exported:
    path: Path
    package_id: str
    kind: str
    peer: str
    created_at: str
    created_by: str
    own_fingerprint: str
    peer_fingerprint: str
    size: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> {"rows": n, "deleted": n}
    base_tx: int = 0
    tip_tx: int = 0
    notes: list[str] = field(default_factory=list)
    recovery_code: str | None = None

    @property
    def total_rows(self) -> int:
        return sum(c.get("rows", 0) for c in self.counts.values())


# ---- reading rows ----------------------------------------------------------------------------------
def table_columns(db: Database, table: str) -> list[str]:
    return audit.logged_columns(db.conn, table, include_blobs=True)


def rows_where(db: Database, table: str, where: str, params: dict | tuple = ()) -> TableRows:
    cols = table_columns(db, table)
    sel = ", ".join(f't."{c}"' for c in cols)
    return TableRows(cols, [list(r) for r in db.conn.execute(f'SELECT {sel} FROM "{table}" t WHERE {where}', params)])


def rows_by_id(db: Database, table: str, ids: list[str], where: str = "1", params: tuple = ()) -> TableRows:
    cols = table_columns(db, table)
    sel = ", ".join(f't."{c}"' for c in cols)
    out = TableRows(cols)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" for _ in chunk)
        out.rows += [list(r) for r in db.conn.execute(
            f'SELECT {sel} FROM "{table}" t WHERE t.id IN ({marks}) AND ({where})', [*chunk, *params])]
    return out


def tip(db: Database) -> tuple[int, str]:
    r = db.one("SELECT id, seal FROM tx_log ORDER BY id DESC LIMIT 1")
    return (r[0], bytes(r[1]).hex()[:SEAL_HEX] if r[1] is not None else "") if r else (0, "")


def seal_of(db: Database, tx_id: int) -> str | None:
    r = db.one("SELECT seal FROM tx_log WHERE id = ?", (tx_id,))
    return bytes(r[0]).hex()[:SEAL_HEX] if r and r[0] is not None else None


def history_since(db: Database, base: int) -> list[list]:
    return [[r[0], r[1], bytes(r[2]).hex()[:SEAL_HEX] if r[2] is not None else ""]
            for r in db.conn.execute("SELECT id, at, seal FROM tx_log WHERE id >= ? ORDER BY id", (base,))]


# ---- town → county -------------------------------------------------------------------------------
#: How many of the county's packages a town's package lists as applied (newest first).
APPLIED_TIPS = 100


def applied_county_tips(db: Database) -> list[list]:
    """[tip transaction, its seal] of the county packages this town applied, newest first (those
    applied before the seal was kept have none and are left out)."""
    return [[r[0], r[1]] for r in db.conn.execute(
        "SELECT tip_tx, tip_seal FROM exchange_package WHERE direction = 'in' AND kind = 'county' "
        "AND tip_tx IS NOT NULL AND tip_seal IS NOT NULL ORDER BY tip_tx DESC LIMIT ?", (APPLIED_TIPS,))]


def _sent_where(table: str, me: str) -> tuple[str, tuple]:
    """Which rows of `table` a town sends: its own, and the sheets it handed on (to the county,
    or for a cross-assessment to another town): whoever holds them now, the receiver decides
    (exchange.handover)."""
    if table in ownership.HANDOVER:
        return "1", ()
    return "t.owner = ?", (me,)


def town_rows(db: Database, me: str, base: int) -> tuple[dict[str, TableRows], dict[str, list[str]]]:
    """The rows this town owns that changed after transaction `base` (all of them for 0), with
    the sheets it handed over (stage_owner), and the ids of its rows deleted since then."""
    tables = [t for t in ownership.travelling_tables(db.conn) if ownership.sent_by("town", t)]
    out: dict[str, TableRows] = {}
    deleted: dict[str, list[str]] = {}
    if base == 0:
        for t in tables:
            tr = rows_where(db, t, *_sent_where(t, me))
            if tr.rows:
                out[t] = tr
        return out, deleted
    touched: dict[str, set[str]] = {}
    gone: dict[str, dict[str, str | None]] = {}
    for tbl, row_id, op, old in db.conn.execute(
            "SELECT tbl, row_id, op, old FROM change_log WHERE tx_id > ? ORDER BY seq", (base,)):
        if tbl not in tables:
            continue
        touched.setdefault(tbl, set()).add(row_id)
        if op == "delete":
            try:
                gone.setdefault(tbl, {})[row_id] = json.loads(old or "{}").get("owner")
            except ValueError:
                gone.setdefault(tbl, {})[row_id] = None
    for t in tables:
        ids = sorted(touched.get(t, ()))
        if not ids:
            continue
        tr = rows_by_id(db, t, ids, *_sent_where(t, me))
        if tr.rows:
            out[t] = tr
        have = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            have |= {r[0] for r in db.conn.execute(
                f'SELECT id FROM "{t}" WHERE id IN ({",".join("?" for _ in chunk)})', chunk)}
        dels = [rid for rid, owner in gone.get(t, {}).items() if rid not in have and owner in (me, None)]
        if dels:
            deleted[t] = sorted(dels)
    return out, deleted


def _acked_base(db: Database, peer: Peer, full: bool, notes: list[str]) -> int:
    if full or not peer.acked_tx:
        return 0
    if seal_of(db, peer.acked_tx) != peer.acked_seal:
        notes.append(f"县里确认收到的第 {peer.acked_tx} 号修改与本机的记录不同（本机可能恢复过旧备份），"
                     f"本次导出全部数据。")
        return 0
    return peer.acked_tx


def export_town(db: Database, out: str | Path, *, full: bool = False) -> Exported:
    """Write this town's package for the county."""
    office = local_office(db)
    if office["level"] != "town":
        raise UserError("县级数据库导出数据包时要指明乡镇：exchange export --town 名称 --out 文件。")
    peer = county_peer(db)
    if peer is None or peer.office_id is None:
        raise UserError("本镇还没有加入县里的数据交换。请先在“数据交换”的“县里”页点“加入县里的交换…”，"
                        "选县里发来的邀请文件（命令行：exchange join 邀请文件）。")
    county_keys = current_keys(db, peer)
    if county_keys is None:
        raise UserError("本机没有县里的公钥，请用县里的邀请文件重新加入。")
    me = identity(db)
    notes: list[str] = []
    base = _acked_base(db, peer, full, notes)
    tables, deleted = town_rows(db, office["id"], base)
    tables, deleted = idmap.to_global(db.conn, tables), idmap.deleted_to_global(db.conn, deleted)
    tip_tx, tip_seal = tip(db)
    package_id = crypto.new_package_id()
    actor = db.meta("operator") or _actor()
    last_county = db.one("SELECT id, tip_tx FROM exchange_package WHERE direction = 'in' AND kind = 'county' "
                         "ORDER BY processed_at DESC, rowid DESC LIMIT 1")
    doc: dict[str, Any] = {
        "format": payload.FORMAT, "package": package_id, "kind": "town",
        "from": {"office": office["id"], "name": office["name"], "level": "town"},
        "to": {"office": peer.office_id, "name": peer.name},
        "created_at": dates.now_iso(), "created_by": actor, "app_version": __version__,
        "schema_version": payload.rows_version(db.schema_version), "base_tx": base, "tip": [tip_tx, tip_seal],
        "history": history_since(db, base if base else 1),
        "applied_county_package": last_county["id"] if last_county else None,
        "applied_county_tips": applied_county_tips(db),
        "recovered_from": _recovered_from(db, peer),
        "deleted": deleted,
    }
    header: dict[str, Any] = {"type": "package", "id": package_id, "from": office["id"], "to": peer.office_id,
                              "key": me.fingerprint}
    if peer.invite_secret:  # until the county acknowledges a package, each one proves the invitation
        proof = crypto.enrolment_proof(bytes.fromhex(peer.invite_secret), package_id, office["id"], me.public)
        header["enrol"] = {"invite": peer.invite_id, **me.public.to_dict(), "proof": proof.hex()}
    plain = payload.encode(doc, {"tables": tables})
    data = crypto.build_encrypted(header, plain, me, [county_keys, me.public])
    counts = {t: {"rows": len(tr.rows)} for t, tr in tables.items()}
    for t, ids in deleted.items():
        counts.setdefault(t, {"rows": 0})["deleted"] = len(ids)
    return _finish(db, out, data, Exported(
        Path(out), package_id, "town", peer.name, doc["created_at"], actor, me.fingerprint, county_keys.fingerprint,
        len(data), counts, base, tip_tx, notes), peer.office_id)


def _recovered_from(db: Database, peer: Peer) -> str | None:
    return peer.recovery_package


# ---- county → town -------------------------------------------------------------------------------
def county_rows(db: Database, town_id: str) -> dict[str, TableRows]:
    """What the county sends a town: rows of kind county/both not owned by the town, about the
    town or about the county as a whole, and the files they use."""
    county_id = local_office(db)["id"]
    conn = db.conn
    out: dict[str, TableRows] = {}
    later: list[str] = []
    for t in ownership.travelling_tables(conn):
        if not ownership.sent_by("county", t):
            continue
        if ownership.referenced_only(conn, t):
            later.append(t)
            continue
        scope = ownership.scope_sql(conn, t)
        if scope is None:
            where, params = "t.owner = :general", {"general": county_id}
        else:
            where = f"t.owner != :town AND ((({scope}) = :town) OR (({scope}) IS NULL AND t.owner = :general))"
            if t in ownership.HANDOVER:  # and the county round's sheets it handed to the town
                where = (f"({where}) OR (t.owner = :town AND ({scope}) = :town "
                         f"AND {ownership.ROUND_OFFICE_SQL[t]} = :general)")
            params = {"general": county_id, "town": town_id}
        tr = rows_where(db, t, where, params)
        if tr.rows:
            out[t] = tr
    for t, tr in relayed_rows(db, county_id, town_id).items():
        have = out.setdefault(t, TableRows(tr.columns))
        if have.columns != tr.columns:
            continue
        known = {r[0] for r in have.rows}
        have.rows += [r for r in tr.rows if r[0] not in known]
    for t in later:  # attachments: those the rows above use
        ids: set[str] = set()
        for ref_table, col in ownership.references_to(conn, t):
            tr = out.get(ref_table)
            if tr is not None:
                i = tr.index(col)
                ids |= {r[i] for r in tr.rows if r[i]}
        if ids:
            tr = rows_by_id(db, t, sorted(ids), "t.owner != ?", (town_id,))
            if tr.rows:
                out[t] = tr
    return out


def relayed_rows(db: Database, county_id: str, town_id: str) -> dict[str, TableRows]:
    """What the county passes on to a town for a cross-assessment by lot (抽签交叉考核): the
    sheets of the county's rounds that the town's team assesses, whoever holds them now, with
    their scores and vetoes, and the offices and organisations the sheets name (each
    organisation's leader left out: the members of another town do not travel)."""
    latest: dict[str, str] = {}
    for round_id, result in db.conn.execute(
            "SELECT l.round_id, l.result_json FROM round_lot l JOIN assessment_round r ON r.id = l.round_id "
            "WHERE r.office_id = ? ORDER BY l.drawn_at, l.rowid", (county_id,)):
        latest[round_id] = result
    sheet_ids: list[str] = []
    for round_id, result in latest.items():
        targets = [target for team, target in (json.loads(result or "{}").get("pairs") or []) if team == town_id]
        if targets:
            sheet_ids += [r[0] for r in db.conn.execute(
                f"SELECT id FROM round_branch WHERE round_id = ? AND office_id IN ({','.join('?' for _ in targets)})",
                [round_id, *targets])]
    if not sheet_ids:
        return {}
    out = {"round_branch": rows_by_id(db, "round_branch", sheet_ids)}
    for t in ("round_score", "round_veto"):
        tr = TableRows(table_columns(db, t))
        for i in range(0, len(sheet_ids), 500):
            chunk = sheet_ids[i:i + 500]
            tr.rows += rows_where(db, t, f"t.round_branch_id IN ({','.join('?' for _ in chunk)})", chunk).rows
        out[t] = tr
    sheets = out["round_branch"]
    offices = sorted({r[sheets.index("office_id")] for r in sheets.rows})
    out["office"] = rows_by_id(db, "office", offices)
    orgs = TableRows(table_columns(db, "org"))
    parent, leader = orgs.index("parent_id"), orgs.index("leader_member_id")
    seen: set[str] = set()
    todo = {r[sheets.index("org_id")] for r in sheets.rows}
    while todo:  # each organisation with the ones above it, up to the town's party committee
        seen |= todo
        level = rows_by_id(db, "org", sorted(todo)).rows
        orgs.rows += level
        todo = {r[parent] for r in level if r[parent]} - seen
    for r in orgs.rows:
        r[leader] = None
    out["org"] = orgs
    return out


def returned_rows(db: Database, town_id: str) -> tuple[dict[str, TableRows], dict[str, dict[str, str | None]], list[str]]:
    """Rows of the town's own that the county kept in a conflict: sent back, each with the
    digest of the town's version it replaces (None: the town no longer has that change)."""
    out: dict[str, TableRows] = {}
    bases: dict[str, dict[str, str | None]] = {}
    ids: list[str] = []
    for c in db.query("SELECT * FROM exchange_conflict WHERE peer_office_id = ? AND kind = 'fork' "
                      "AND status = 'resolved' AND choice = 'local' AND returned_acked IS NULL", (town_id,)):
        tr = rows_by_id(db, c["tbl"], [c["row_id"]])
        if not tr.rows:
            continue
        sec = out.setdefault(c["tbl"], TableRows(tr.columns))
        sec.rows += tr.rows
        remote = payload.row_from_json(c["remote_json"])
        gid = idmap.globals_of(db.conn, c["tbl"], [c["row_id"]]).get(c["row_id"], c["row_id"])
        bases.setdefault(c["tbl"], {})[gid] = (
            idmap.global_digest(db.conn, c["tbl"], list(remote), list(remote.values())) if remote is not None else None)
        ids.append(c["id"])
    return out, bases, ids


def export_county(db: Database, town: str, out: str | Path) -> Exported:
    """Write the county's package for one town."""
    county = local_office(db)
    if county["level"] != "county":
        raise UserError("乡镇的数据库导出时不用 --town：dangjian exchange export --out 文件。")
    peer = peer_by_name(db, town)
    if peer is None:
        raise UserError(f"“{town}”还没有被邀请加入数据交换（先用 exchange invite --town {town}）。")
    keys = current_keys(db, peer)
    if peer.office_id is None or keys is None:
        raise UserError(f"{peer.name}还没有发来第一个数据包（加入还没有完成），县里还没有它的公钥，不能给它发数据包。")
    me = identity(db)
    tables = idmap.to_global(db.conn, county_rows(db, peer.office_id))
    returned, bases, conflict_ids = returned_rows(db, peer.office_id)
    returned = idmap.to_global(db.conn, returned)
    tip_tx, tip_seal = tip(db)
    last = db.one("SELECT id, tip_tx, tip_seal, epoch FROM exchange_package WHERE direction = 'in' AND kind = 'town' "
                  "AND peer_office_id = ? ORDER BY tip_tx DESC, processed_at DESC LIMIT 1", (peer.office_id,))
    ack = None
    if last is not None and last["epoch"] == peer.epoch:
        ack = {"package": last["id"], "tip_tx": last["tip_tx"], "tip_seal": last["tip_seal"]}
    package_id = crypto.new_package_id()
    actor = db.meta("operator") or _actor()
    doc = {"format": payload.FORMAT, "package": package_id, "kind": "county",
           "from": {"office": county["id"], "name": county["name"], "level": "county"},
           "to": {"office": peer.office_id, "name": peer.name},
           "created_at": dates.now_iso(), "created_by": actor, "app_version": __version__,
           "schema_version": payload.rows_version(db.schema_version), "tip": [tip_tx, tip_seal], "ack": ack, "returned_base": bases}
    header = {"type": "package", "id": package_id, "from": county["id"], "to": peer.office_id, "key": me.fingerprint}
    plain = payload.encode(doc, {"tables": tables, "returned": returned})
    data = crypto.build_encrypted(header, plain, me, [keys, me.public])
    counts = {t: {"rows": len(tr.rows)} for t, tr in tables.items()}
    for t, tr in returned.items():
        counts.setdefault(t, {"rows": 0})["returned"] = len(tr.rows)
    notes = []
    if ack is None:
        notes.append(f"县里还没有导入过{peer.name}的数据包，本数据包中没有确认回执。")
    result = Exported(Path(out), package_id, "county", peer.name, doc["created_at"], actor, me.fingerprint,
                      keys.fingerprint, len(data), counts, 0, tip_tx, notes)
    return _finish(db, out, data, result, peer.office_id, returned_conflicts=conflict_ids)


# ---- shared ------------------------------------------------------------------------------------------
def _actor() -> str:
    from ..db import current_actor

    return current_actor()


def _finish(db: Database, out: str | Path, data: bytes, result: Exported, peer_office: str | None, *,
            returned_conflicts: list[str] = (), reason: str | None = None) -> Exported:
    """Write the file, then record it in the ledger (one unit of work with the file in place)."""
    crypto.check_replaceable(out)
    with db.transaction(reason or f"导出数据包 {result.package_id}（发给{result.peer}）") as tx:
        path = write_bytes(Path(out), data)
        tx.insert("exchange_package", {
            "id": result.package_id, "direction": "out", "kind": result.kind, "peer_office_id": peer_office,
            "peer_name": result.peer, "created_at": result.created_at, "created_by": result.created_by,
            "processed_at": tx.now, "processed_by": result.created_by, "sender_fingerprint": result.own_fingerprint,
            "recipient_fingerprint": result.peer_fingerprint, "base_tx": result.base_tx, "tip_tx": result.tip_tx,
            "file_name": path.name, "file_size": len(data), "file_sha256": hashlib.sha256(data).hexdigest(),
            "counts_json": json.dumps(result.counts, ensure_ascii=False), "note": join_notes(result.notes)})
        for cid in returned_conflicts:
            tx.update("exchange_conflict", cid, {"returned_in": result.package_id})
    result.path = path
    return result
