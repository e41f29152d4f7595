"""A town whose laptop died gets its data back from the county's copy.

At the county, `recovery_package` re-invites the town (its old key stops being accepted for new
data; old packages stay verifiable) and writes a recovery file: the invitation plus every row of
the town's that the county holds and what the county sends the town. The file is encrypted to a
12-digit recovery code shown at the county — told over the phone or handed over on paper, never
carried on the same stick — and to the county itself.

On the new laptop `recover` creates the database from it, joins with the invitation inside it,
and counts everything it received as acknowledged: the town's first package then carries only
what changed after the recovery, and proves the invitation so that its new keys are bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__, dates
from ..db import Database, owned_rows
from ..errors import UserError
from ..registry.offices import local_office
from . import crypto, idmap, ownership, payload
from .crypto import PackageRefused, PublicKeys
from .export import Exported, _finish, county_rows, rows_where, seal_of
from .payload import TableRows
from .peers import identity, invitation_body, open_invitation, peer_by_name, read_file, record_key


def recovery_package(db: Database, town: str, out: str | Path) -> Exported:
    """Write a recovery file for `town` (at the county); the result carries the recovery code."""
    county = local_office(db)
    if county["level"] != "county":
        raise UserError("只有县级数据库可以为乡镇生成恢复数据包。")
    peer = peer_by_name(db, town)
    if peer is None or peer.office_id is None:
        raise UserError(f"县里没有收到过“{town}”的数据，无法生成恢复数据包。")
    me = identity(db)
    code = crypto.new_recovery_code()
    package_id = crypto.new_package_id()
    actor = db.meta("operator") or _actor()
    with db.transaction(f"为{peer.name}生成恢复数据包 {package_id}（重新邀请）") as tx:
        _p, invite_id, _again = open_invitation(tx, peer.name)
        tx.update("exchange_peer", peer.id, {"epoch": peer.epoch + 1, "recovery_package": package_id})
        tables = _town_rows(db, peer.office_id)
        for t, tr in county_rows(db, peer.office_id).items():
            if t in tables:  # a county round's sheets the town holds are in both: once is enough
                have = {r[0] for r in tables[t].rows}
                tables[t].rows += [r for r in _reorder(tr, tables[t].columns) if r[0] not in have]
            else:
                tables[t] = tr
        tables = idmap.to_global(db.conn, tables)
        doc = {"format": payload.FORMAT, "package": package_id, "kind": "recovery",
               "from": {"office": county["id"], "name": county["name"], "level": "county"},
               "to": {"office": peer.office_id, "name": peer.name}, "created_at": dates.now_iso(),
               "created_by": actor, "app_version": __version__, "schema_version": db.schema_version,
               "invitation": invitation_body(db, me, peer.name, invite_id)}
        header = {"type": "recovery", "id": package_id, "from": county["id"], "to": peer.office_id,
                  "key": me.fingerprint, "sign": me.public.sign.hex()}
        data = crypto.build_encrypted(header, payload.encode(doc, {"tables": tables}), me, [me.public], code=code)
        result = Exported(Path(out), package_id, "recovery", peer.name, doc["created_at"], actor, me.fingerprint, "",
                          len(data), {t: {"rows": len(tr.rows)} for t, tr in tables.items()},
                          notes=[f"{peer.name}原来的密钥已停用，须用本恢复数据包在新电脑上恢复并重新加入。"])
        result.recovery_code = code
        _finish(db, out, data, result, peer.office_id)
    return result


def _town_rows(db: Database, town_id: str) -> dict[str, TableRows]:
    out = {}
    for t in ownership.travelling_tables(db.conn):
        if ownership.sent_by("town", t):
            tr = rows_where(db, t, "t.owner = ?", (town_id,))
            if tr.rows:
                out[t] = tr
    return out


def _reorder(tr: TableRows, columns: list[str]) -> list[list]:
    idx = [tr.index(c) for c in columns]
    return [[r[i] for i in idx] for r in tr.rows]


def _actor() -> str:
    from ..db import current_actor

    return current_actor()


@dataclass
class Recovered:
    path: Path
    town: str
    county: str
    county_fingerprint: str
    own_fingerprint: str
    package_id: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def recover(db_path: str | Path, file: str | Path, code: str) -> Recovered:
    """Create a town's database at `db_path` from the county's recovery file and recovery code."""
    db_path = Path(db_path)
    if db_path.exists():
        raise UserError(f"数据库文件已存在：{db_path}。恢复会新建数据库，请指定一个新的文件名（不会覆盖已有的文件）。")
    c = crypto.parse(read_file(file))
    if c.type != "recovery":
        raise PackageRefused("wrong-type", "这个文件不是恢复数据包（恢复数据包由县里用 exchange invite --recovery 生成）。")
    try:
        sign = bytes.fromhex(str(c.header.get("sign") or ""))
    except ValueError:
        sign = b""
    if len(sign) != 32 or not PublicKeys(sign, b"\x00" * 32).verify(c.signature, c.signed):
        raise PackageRefused("corrupt", "恢复数据包已损坏或被改动过（签名核对不符）。")
    doc, sections = payload.decode(c.decrypt_with_code(code), sections=("tables",))
    try:
        inv = doc["invitation"]
        county_keys = PublicKeys.from_hex(inv["county"]["sign"], inv["county"]["box"])
        town_id = str(doc["to"]["office"])
    except (KeyError, TypeError):
        raise PackageRefused("corrupt", "恢复数据包的内容无法读取。") from None
    if county_keys.sign != sign or doc.get("package") != c.header.get("id"):
        raise PackageRefused("corrupt", "恢复数据包的内容与文件头不一致，已损坏或被改动过。")
    tables = sections["tables"]
    if not any(r[tables["office"].index("id")] == town_id for r in tables.get("office", TableRows([])).rows):
        raise PackageRefused("corrupt", "恢复数据包中没有乡镇本身的记录，无法恢复。")
    made: list[Recovered] = []

    def fill(db: Database) -> None:
        db.conn.execute("PRAGMA foreign_keys = OFF")  # rows come in no order; all references checked below
        with db.transaction(f"从{inv['county']['name']}的恢复数据包恢复{inv['town']}的数据") as tx, \
                owned_rows.bypass(db.conn):
            idmap.to_local(db.conn, sections).claim(db.conn)  # the rows get this database's ids
            for t, tr in tables.items():
                if t not in ownership.travelling_tables(db.conn):
                    raise PackageRefused("newer", f"恢复数据包中有本机程序不认识的数据（{t}），请先升级程序。")
                names = ", ".join(f'"{x}"' for x in tr.columns)
                db.conn.executemany(f'INSERT INTO "{t}" ({names}) VALUES ({", ".join("?" for _ in tr.columns)})',
                                    tr.rows)
                tx.tables.add(t)
            tx.set_meta("local_office_id", town_id)
            pid = tx.insert("exchange_peer", {
                "office_id": inv["county"]["office"], "name": inv["county"]["name"], "level": "county",
                "status": "invited", "invite_id": inv["invite"], "invite_secret": inv["secret"],
                "invited_at": inv["created_at"], "recovery_package": doc["package"], "acked_tx": tx.id,
                "owner": town_id})
            record_key(tx, pid, county_keys)
            recover_tx = tx.id
            broken = db.conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise PackageRefused("corrupt", f"恢复数据包中有 {len(broken)} 处引用了不存在的记录（例如{broken[0][0]}），"
                                                f"无法恢复。请县里重新生成。")
        db.conn.execute("PRAGMA foreign_keys = ON")
        with db.transaction("记录恢复点（县里已有的数据）") as tx:
            tx.update("exchange_peer", pid, {"acked_seal": seal_of(db, recover_tx)})
        owned_rows.install(db.conn)
        me = identity(db)
        made.append(Recovered(db_path, inv["town"], inv["county"]["name"], county_keys.fingerprint, me.fingerprint,
                              str(doc["package"]), {t: len(tr.rows) for t, tr in tables.items()}))

    # Built under a hidden name and put in place when complete: a program killed half-way leaves no file.
    Database.create(db_path, setup=fill).close()
    return made[0]
