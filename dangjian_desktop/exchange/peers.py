"""Enrolment: the county's invitation, a town joining with it, and the offices each side knows.

The county writes an invitation file for a town: the county's office and public keys, the
town's name, an invitation id and a one-time secret (recomputed from the county's key, never
stored at the county). The town joins with it (a town that already holds years of data too):
it records the county as its peer, adds the county's office row and hangs its own office under
it. The town's first package proves it holds the secret, which binds the town's public keys at
the county. Both sides show the other's fingerprint, to compare over the phone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import dates
from ..db import Database, new_id
from ..db import owned_rows
from ..db.keys import load_key
from ..errors import UserError, os_reason
from ..filesave import write_bytes
from ..registry.offices import local_office
from . import crypto
from .crypto import Identity, PackageRefused, PublicKeys


def identity(db: Database) -> Identity:
    """This office's exchange keys, derived from its office key (made on first use)."""
    kid = db.meta("seal_key_id")
    key = load_key(kid) if kid else None
    if key is None:
        if db.readonly:
            raise UserError("本机没有本单位的密钥文件，无法签名或解密数据包。")
        with db.transaction("建立本单位的数据交换密钥"):
            pass  # sealing this unit of work makes the office key when there is none
        key = load_key(db.meta("seal_key_id") or "")
        if key is None:
            raise UserError("无法在用户数据目录保存本单位的密钥，不能交换数据。")
    return Identity(key)


@dataclass
class Peer:
    id: str
    office_id: str | None
    name: str
    level: str
    status: str
    invite_id: str | None
    invite_secret: str | None
    epoch: int
    recovery_package: str | None
    acked_tx: int
    acked_seal: str | None

    @classmethod
    def from_row(cls, r) -> "Peer":
        return cls(r["id"], r["office_id"], r["name"], r["level"], r["status"], r["invite_id"], r["invite_secret"],
                   r["epoch"], r["recovery_package"], r["acked_tx"], r["acked_seal"])


def peers(db: Database) -> list[Peer]:
    return [Peer.from_row(r) for r in db.query("SELECT * FROM exchange_peer ORDER BY name")]


def peer_by_office(db: Database, office_id: str) -> Peer | None:
    r = db.one("SELECT * FROM exchange_peer WHERE office_id = ?", (office_id,))
    return Peer.from_row(r) if r else None


def peer_by_name(db: Database, name: str) -> Peer | None:
    r = db.one("SELECT * FROM exchange_peer WHERE name = ?", ((name or "").strip(),))
    return Peer.from_row(r) if r else None


def county_peer(db: Database) -> Peer | None:
    r = db.one("SELECT * FROM exchange_peer WHERE level = 'county' ORDER BY enrolled_at DESC LIMIT 1")
    return Peer.from_row(r) if r else None


def current_keys(db: Database, peer: Peer) -> PublicKeys | None:
    r = db.one("SELECT sign_pub, box_pub FROM exchange_key WHERE peer_id = ? AND retired_at IS NULL "
               "ORDER BY first_seen DESC LIMIT 1", (peer.id,))
    return PublicKeys.from_hex(r[0], r[1]) if r else None


def all_keys(db: Database) -> list[tuple[Peer, PublicKeys, str | None]]:
    """Every key any peer has used: (peer, keys, retired_at)."""
    out = []
    by_id = {p.id: p for p in peers(db)}
    for r in db.query("SELECT peer_id, sign_pub, box_pub, retired_at FROM exchange_key ORDER BY first_seen"):
        if r["peer_id"] in by_id:
            out.append((by_id[r["peer_id"]], PublicKeys.from_hex(r["sign_pub"], r["box_pub"]), r["retired_at"]))
    return out


def record_key(tx, peer_id: str, keys: PublicKeys) -> None:
    """Make `keys` the peer's current key; earlier keys are kept (retired) to verify old packages."""
    fp = keys.fingerprint
    for r in tx.db.query("SELECT id, retired_at FROM exchange_key WHERE peer_id = ?", (peer_id,)):
        if r["id"] == fp:
            if r["retired_at"] is not None:
                tx.update("exchange_key", fp, {"retired_at": None})
        elif r["retired_at"] is None:
            tx.update("exchange_key", r["id"], {"retired_at": tx.now})
    if tx.db.get("exchange_key", fp) is None:
        tx.insert("exchange_key", {"id": fp, "peer_id": peer_id, "sign_pub": keys.sign.hex(),
                                   "box_pub": keys.box.hex(), "first_seen": tx.now})


# ---- the county: invitations -------------------------------------------------------------------
@dataclass
class Invitation:
    path: Path
    town: str
    invite_id: str
    county_fingerprint: str
    reenrolment: bool


def invitation_body(db: Database, me: Identity, town: str, invite_id: str) -> dict:
    county = local_office(db)
    return {"county": {"office": county["id"], "name": county["name"], **me.public.to_dict()},
            "town": town, "invite": invite_id, "secret": me.invite_secret(invite_id).hex(),
            "created_at": dates.now_iso()}


def open_invitation(tx, town: str) -> tuple[Peer, str, bool]:
    """Record a new one-time invitation for `town` (re-enrolment when the town is enrolled:
    its current key stops being accepted until the town has joined again)."""
    db = tx.db
    peer = peer_by_name(db, town)
    county_id = local_office(db)["id"]
    if peer is None:
        clash = db.one("SELECT id FROM office WHERE name = ? AND id != ?", (town, county_id))
        if clash is not None:
            raise UserError(f"县里的数据库中已经有“{town}”的数据（不是通过数据交换收到的，例如演示数据或手工添加的乡镇）。"
                            f"为免同名的两个乡镇混在一起，不能再邀请同名的乡镇。")
    invite_id = new_id()
    if peer is None:
        pid = tx.insert("exchange_peer", {"name": town, "level": "town", "status": "invited", "invite_id": invite_id,
                                           "invited_at": tx.now})
        return Peer.from_row(db.get("exchange_peer", pid)), invite_id, False
    again = peer.status == "enrolled"
    tx.update("exchange_peer", peer.id, {"invite_id": invite_id, "invited_at": tx.now})
    for r in db.query("SELECT id FROM exchange_key WHERE peer_id = ? AND retired_at IS NULL", (peer.id,)):
        tx.update("exchange_key", r["id"], {"retired_at": tx.now})
    return Peer.from_row(db.get("exchange_peer", peer.id)), invite_id, again


#: The longest town name an invitation takes (the longest real ones, 某某某族自治乡 and the like, are
#: well under it); a longer text is a paste gone wrong, and it pushed every other column off the list.
MAX_TOWN_NAME = 20


def invite(db: Database, town: str, out: str | Path) -> Invitation:
    """Write an invitation file for `town` (at the county)."""
    town = (town or "").strip()
    if not town:
        raise UserError("请写明邀请哪个乡镇（--town 名称）。")
    county = local_office(db)
    if county["level"] != "county":
        raise UserError("只有县级数据库可以邀请乡镇加入数据交换。")
    if len(town) > MAX_TOWN_NAME:
        raise UserError(f"乡镇名称最长 {MAX_TOWN_NAME} 个字，现为 {len(town)} 个字。请写乡镇的名称，例如“文城镇”。")
    if town == county["name"]:
        raise UserError(f"“{town}”是本县自己的名称。请写要邀请的乡镇的名称，例如“文城镇”。")
    me = identity(db)
    crypto.check_replaceable(out)
    with db.transaction(f"邀请{town}加入数据交换") as tx:
        _peer, invite_id, again = open_invitation(tx, town)
        body = json.dumps(invitation_body(db, me, town, invite_id), ensure_ascii=False).encode("utf-8")
        data = crypto.build({"type": "invitation", "id": invite_id, "from": local_office(db)["id"], "to": None,
                             "key": me.fingerprint, "sign": me.public.sign.hex()}, body, me)
        path = write_bytes(Path(out), data)
    return Invitation(path, town, invite_id, me.fingerprint, again)


# ---- the town: joining ---------------------------------------------------------------------------
def read_invitation(path: str | Path) -> dict:
    data = _read(path)
    c = crypto.parse(data)
    if c.type != "invitation":
        raise PackageRefused("not-an-invitation", "这个文件不是邀请文件。加入数据交换需要县里生成的邀请文件（县里在“数据交换”的"
                                                   "“各乡镇情况”页点“邀请乡镇…”；命令行：exchange invite）。")
    try:
        body = json.loads(c.body.decode("utf-8"))
        county = body["county"]
        keys = PublicKeys.from_hex(county["sign"], county["box"])
        secret = bytes.fromhex(body["secret"])
        assert isinstance(body["town"], str) and isinstance(body["invite"], str) and len(secret) == 32
    except (ValueError, KeyError, TypeError, AssertionError, UnicodeDecodeError):
        raise PackageRefused("corrupt", "邀请文件已损坏，无法读取。请县里重新生成。") from None
    if keys.sign.hex() != c.header.get("sign") or not keys.verify(c.signature, c.signed):
        raise PackageRefused("corrupt", "邀请文件已损坏或被改动过（签名核对不符）。请县里重新生成。")
    return {**body, "keys": keys, "fingerprint": keys.fingerprint}


@dataclass
class Joined:
    county: str
    county_fingerprint: str
    own_fingerprint: str
    again: bool


def join(db: Database, path: str | Path) -> Joined:
    """Join the county's data exchange with its invitation (a town with any amount of data)."""
    inv = read_invitation(path)
    office = local_office(db)
    if office["level"] != "town":
        raise UserError("只有乡镇的数据库可以用邀请文件加入；县级数据库用 exchange invite 邀请乡镇。")
    if inv["town"] != office["name"]:
        raise UserError(f"这个邀请是发给“{inv['town']}”的，本数据库的单位是“{office['name']}”，不能加入。"
                        f"请核对邀请文件。")
    county = inv["county"]
    existing = county_peer(db)
    if existing is not None and existing.office_id != county["office"]:
        raise UserError(f"本镇已经加入了“{existing.name}”的数据交换，不能再加入“{county['name']}”。")
    me = identity(db)
    with db.transaction(f"加入{county['name']}的数据交换") as tx:
        if db.get("office", county["office"]) is None:
            tx.insert("office", {"id": county["office"], "name": county["name"], "level": "county",
                                 "parent_id": None, "owner": county["office"]})
        if office["parent_id"] != county["office"]:
            tx.update("office", office["id"], {"parent_id": county["office"]})
        values = {"office_id": county["office"], "name": county["name"], "level": "county", "status": "invited",
                  "invite_id": inv["invite"], "invite_secret": inv["secret"], "invited_at": inv["created_at"]}
        if existing is None:
            pid = tx.insert("exchange_peer", values)
        else:
            pid = existing.id
            tx.update("exchange_peer", pid, values)
        record_key(tx, pid, inv["keys"])
    owned_rows.install(db.conn)
    return Joined(county["name"], inv["fingerprint"], me.fingerprint, existing is not None)


def _read(path: str | Path) -> bytes:
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到文件：{p}") from None
    except IsADirectoryError:
        raise UserError(f"{p} 是文件夹，不是文件。") from None
    except OSError as e:
        raise UserError(f"无法读取文件 {p}：{os_reason(e)}") from None


read_file = _read
