"""Opening a received package: is it ours, for us, from whom, untouched — then decrypt it.

Every check runs before anything is written, and each refusal names its reason in Chinese:
a file that is not a package, truncated, changed anywhere (the signature covers every byte),
addressed to another office, from an office that never joined, signed by another office than
the one it names, or signed with a key the sender no longer uses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..db import Database
from ..registry.offices import local_office
from . import crypto, idmap, payload
from .crypto import Container, PackageRefused, PublicKeys
from .payload import TableRows
from .peers import Peer, all_keys, identity, peer_by_office, read_file


@dataclass
class Opened:
    path: Path
    size: int
    sha256: str
    container: Container
    doc: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, dict[str, TableRows]] = field(default_factory=dict)
    sender: Peer | None = None          # the peer row (for an enrolling town: the invitation's)
    sender_keys: PublicKeys | None = None
    enrolling: bool = False             # the package binds the town's keys to an invitation
    retired_key: str | None = None      # when signed with a key the sender no longer uses: since when
    own_fingerprint: str = ""
    ids: idmap.Translated | None = None  # the rows' ids in this database's form (exchange/idmap.py)

    @property
    def id(self) -> str:
        return str(self.container.header.get("id", ""))

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind", ""))

    @property
    def sender_office(self) -> str:
        return str(self.container.header.get("from", ""))

    @property
    def sender_name(self) -> str:
        return str((self.doc.get("from") or {}).get("name") or (self.sender.name if self.sender else ""))


def _office_name(db: Database, office_id: str) -> str | None:
    return db.scalar("SELECT name FROM office WHERE id = ?", (office_id,))


def open_package(db: Database, path: str | Path, *, decrypt: bool = True) -> Opened:
    """Check and (with `decrypt`) decrypt a package; PackageRefused (exit code 2) when refused."""
    data = read_file(path)
    c = crypto.parse(data)
    if c.type == "invitation":
        raise PackageRefused("wrong-type", "这是加入数据交换的邀请文件，不是数据包：请在乡镇的“数据交换”页点"
                                           "“加入县里的交换…”，选这个文件（命令行：exchange join）。")
    if c.type == "recovery":
        raise PackageRefused("wrong-type", "这是恢复数据包，不是交换用的数据包：请在乡镇的新电脑上用它恢复数据"
                                           "（命令行：exchange recover）。")
    if c.type != "package":
        raise PackageRefused("not-a-package", "这不是党建台账的数据包。")
    h = c.header
    me_office = local_office(db)
    frm, to = str(h.get("from") or ""), str(h.get("to") or "")
    opened = Opened(Path(path), len(data), hashlib.sha256(data).hexdigest(), c)
    if frm == me_office["id"]:
        raise PackageRefused("own-package", f"这是本单位（{me_office['name']}）自己导出的数据包，"
                                            f"不能在本单位导入；请把它交给对方导入（命令行 exchange show 可以查看其内容）。")
    if to != me_office["id"]:
        named = _office_name(db, to)
        raise PackageRefused("wrong-recipient",
                             f"这个数据包不是发给本单位（{me_office['name']}）的，而是发给"
                             f"{'“' + named + '”' if named else '另一个单位'}的，没有导入任何数据。请核对U盘中的文件。")
    _identify_sender(db, opened)
    if decrypt:
        read_contents(db, opened)
    return opened


def read_contents(db: Database, opened: Opened) -> Opened:
    """Decrypt and read a package whose sender and signature open_package has checked."""
    c = opened.container
    me = identity(db)
    opened.own_fingerprint = me.fingerprint
    doc, sections = payload.decode(c.decrypt(me))
    if doc.get("package") != opened.id or (doc.get("from") or {}).get("office") != c.header.get("from") \
            or (doc.get("to") or {}).get("office") != c.header.get("to"):
        raise PackageRefused("corrupt", "数据包的内容与文件头不一致，已损坏或被改动过，没有导入任何数据。")
    opened.ids = idmap.to_local(db.conn, sections, doc)
    opened.doc, opened.sections = doc, sections
    return opened


def _identify_sender(db: Database, opened: Opened) -> None:
    h = opened.container.header
    frm = str(h.get("from") or "")
    peer = peer_by_office(db, frm)
    enrol = h.get("enrol") if isinstance(h.get("enrol"), dict) else None
    if enrol is not None:
        keys = PublicKeys.from_hex(enrol.get("sign"), enrol.get("box"))
        _verify(db, opened, keys, peer.name if peer else None)
        invited = db.one("SELECT * FROM exchange_peer WHERE invite_id = ?", (str(enrol.get("invite") or ""),))
        if invited is None:
            if peer is not None and _is_current(db, peer, keys):
                opened.sender, opened.sender_keys = peer, keys  # bound already; the town has no receipt yet
                return
            raise PackageRefused("invite", "这个数据包所用的邀请已经作废或不是本县发出的（县里后来重新发过邀请，"
                                           "或数据包发错了县）。请乡镇用县里最新的邀请文件重新加入后再导出。")
        me = identity(db)
        secret = me.invite_secret(invited["invite_id"])
        if not crypto.check_proof(secret, opened.id, frm, keys, str(enrol.get("proof") or "")):
            raise PackageRefused("invite", "这个数据包不能证明持有县里的邀请（邀请码不符），没有导入任何数据。")
        if invited["office_id"] not in (None, frm):
            raise PackageRefused("invite", f"这个邀请是发给{invited['name']}的，数据包却来自另一个乡镇，没有导入。")
        if peer is not None and peer.id != invited["id"]:
            raise PackageRefused("invite", f"这个数据包来自{peer.name}，所用的邀请却是发给{invited['name']}的，没有导入。")
        opened.sender, opened.sender_keys, opened.enrolling = Peer.from_row(invited), keys, True
        return
    if peer is None:
        raise PackageRefused("unenrolled", "这个数据包来自一个没有加入本单位数据交换的单位（没有用县里的邀请加入过），"
                                           "没有导入任何数据。请先由县里发邀请、乡镇加入后再导出。")
    fp = str(h.get("key") or "")
    candidates = [(k, retired) for p, k, retired in all_keys(db) if p.id == peer.id]
    chosen = next(((k, r) for k, r in candidates if k.fingerprint == fp), None)
    if chosen is None:
        chosen = next(((k, r) for k, r in candidates if r is None), (None, None))
    keys, retired = chosen
    if keys is None:
        raise PackageRefused("unenrolled", f"{peer.name}还没有完成加入（县里还没有它的公钥），没有导入。")
    _verify(db, opened, keys, peer.name)
    opened.sender, opened.sender_keys, opened.retired_key = peer, keys, retired


def _is_current(db: Database, peer: Peer, keys: PublicKeys) -> bool:
    return db.scalar("SELECT 1 FROM exchange_key WHERE peer_id = ? AND id = ? AND retired_at IS NULL",
                     (peer.id, keys.fingerprint)) is not None


def _verify(db: Database, opened: Opened, keys: PublicKeys, claimed: str | None) -> None:
    c = opened.container
    if keys.verify(c.signature, c.signed):
        return
    for p, k, _retired in all_keys(db):
        if k.fingerprint != keys.fingerprint and k.verify(c.signature, c.signed):
            raise PackageRefused("wrong-signer", f"这个数据包自称来自{claimed or '另一个单位'}，签名却是{p.name}的密钥，"
                                                 f"不能确认来源，没有导入任何数据。")
    raise PackageRefused("corrupt", "数据包已损坏或被改动过（签名核对不符），为安全起见没有导入任何数据。"
                                    "请重新复制，或请对方重新导出。")


def describe_package(db: Database, path: str | Path) -> dict[str, Any]:
    """What a package holds (sender, recipient, time, rows per table), without importing it:
    a package this office exported (it is encrypted to its sender too) or one addressed to it."""
    data = read_file(path)
    c = crypto.parse(data)
    if c.type != "package":
        raise PackageRefused("not-a-package", "这不是党建台账的数据包。")
    me = identity(db)
    own = str(c.header.get("from") or "") == local_office(db)["id"]
    opened = Opened(Path(path), len(data), hashlib.sha256(data).hexdigest(), c)
    if own:
        if not me.public.verify(c.signature, c.signed):
            raise PackageRefused("corrupt", "数据包已损坏或被改动过（签名核对不符）。")
        opened.sender_keys = me.public
    else:
        opened = open_package(db, path, decrypt=False)
    read_contents(db, opened)
    doc = opened.doc
    tables = {t: len(tr.rows) for t, tr in opened.sections.get("tables", {}).items()}
    return {"package": opened.id, "own": own, "kind": doc.get("kind"), "from": (doc.get("from") or {}).get("name"),
            "to": (doc.get("to") or {}).get("name"), "created_at": doc.get("created_at"),
            "created_by": doc.get("created_by"), "sender_fingerprint": opened.sender_keys.fingerprint,
            "tables": tables, "deleted": {t: len(v) for t, v in (doc.get("deleted") or {}).items()},
            "size": len(data)}
