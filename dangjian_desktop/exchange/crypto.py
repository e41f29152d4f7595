"""Keys, fingerprints and the exchange file format.

Reviewed primitives only, from the `cryptography` package: Ed25519 signatures; X25519 key
agreement + HKDF-SHA256 + ChaCha20-Poly1305 to encrypt; scrypt for a recovery code.

Keys: an office's signing key and encryption key are derived from its office key (db.keys,
the secret in the user's data folder that also seals the change log), each with its own
purpose label, so no second secret file is needed.

File layout (packages, invitations, recovery files):

    MAGIC (8 bytes) | header length (4 bytes, big-endian) | header (JSON) | body | signature (64)

The header is the minimal routing part: file type, package id, sender and recipient office ids
(row ids, db/ids.py), the sender's key fingerprint, the body's length and, for an encrypted body, the
ephemeral X25519 key, the nonce and the content key wrapped for each recipient (the receiver
and the sender itself, so it can reopen its own export). It never holds a name. The Ed25519
signature covers everything before it, so any changed byte anywhere is refused before
decryption; the header is also the AEAD's associated data, so a header moved onto another
body does not decrypt either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ..db.keys import OfficeKey
from ..errors import UserError

MAGIC = b"DJXCHG\x00\x01"
SIG_LEN = 64


def check_replaceable(path) -> None:
    """Refuse to write an exchange file over a file that is not one (a roster, a report the clerk
    typed the name of by mistake): only an earlier exchange file may be replaced."""
    p = Path(path)
    if not p.is_file():
        return
    try:
        with p.open("rb") as f:
            head = f.read(len(MAGIC))
    except OSError:
        return  # the save says what is wrong with it
    if head != MAGIC:
        raise UserError(f"“{p}”已存在，而且不是数据交换文件，不会覆盖：请另选文件名。")
MAX_HEADER = 1 << 20

SIGN_PURPOSE = b"dangjian exchange signing key v1"
BOX_PURPOSE = b"dangjian exchange encryption key v1"
INVITE_PURPOSE = b"dangjian exchange invitation v1:"
WRAP_INFO = b"dangjian exchange key wrap v1"
PROOF_LABEL = b"dangjian exchange enrolment v1"
SCRYPT_N = 2 ** 15

#: 32 symbols without 0/O and 1/I: read over the phone without confusion, and never a run of
#: digits that looks like an ID or phone number on a printed receipt.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class PackageRefused(UserError):
    """A file that is refused as a whole; nothing was written. `reason` is a short code."""

    exit_code = 2

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def readable(data: bytes, chars: int = 16, group: int = 4) -> str:
    """`data` as groups of ALPHABET symbols: 'K7Q2-M9XD-4HTA-PW3C' (5 bits a symbol)."""
    n = int.from_bytes(data, "big")
    bits = len(data) * 8
    out = []
    for i in range(chars):
        shift = bits - 5 * (i + 1)
        out.append(ALPHABET[(n >> shift) & 31] if shift >= 0 else ALPHABET[(n << -shift) & 31])
    text = "".join(out)
    return "-".join(text[i:i + group] for i in range(0, chars, group))


def new_package_id() -> str:
    return "PK-" + readable(secrets.token_bytes(10))


@dataclass(frozen=True)
class PublicKeys:
    """An office's public keys: Ed25519 (signing) and X25519 (encryption), 32 raw bytes each."""

    sign: bytes
    box: bytes

    @property
    def fingerprint(self) -> str:
        """16 symbols (80 bits) to compare over the phone and print on receipts."""
        return readable(hashlib.sha256(b"dangjian exchange keys\x00" + self.sign + self.box).digest()[:10])

    def to_dict(self) -> dict[str, str]:
        return {"sign": self.sign.hex(), "box": self.box.hex()}

    @classmethod
    def from_hex(cls, sign: str, box: str) -> "PublicKeys":
        try:
            s, b = bytes.fromhex(sign), bytes.fromhex(box)
        except (TypeError, ValueError):
            raise PackageRefused("corrupt", "文件中的公钥无效，文件已损坏。") from None
        if len(s) != 32 or len(b) != 32:
            raise PackageRefused("corrupt", "文件中的公钥无效，文件已损坏。")
        return cls(s, b)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.sign).verify(signature, data)
            return True
        except (InvalidSignature, ValueError):
            return False


class Identity:
    """This office's private keys, derived from its office key."""

    def __init__(self, office_key: OfficeKey):
        self.key_id = office_key.key_id
        self._office_key = office_key
        self._sign = Ed25519PrivateKey.from_private_bytes(office_key.derive(SIGN_PURPOSE))
        self._box = X25519PrivateKey.from_private_bytes(office_key.derive(BOX_PURPOSE))
        raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
        self.public = PublicKeys(self._sign.public_key().public_bytes(*raw), self._box.public_key().public_bytes(*raw))

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint

    def sign(self, data: bytes) -> bytes:
        return self._sign.sign(data)

    def invite_secret(self, invite_id: str) -> bytes:
        """The one-time secret of an invitation, recomputed from the county's key (never stored)."""
        return self._office_key.derive(INVITE_PURPOSE + invite_id.encode("utf-8"))

    def shared(self, peer_box: bytes) -> bytes:
        return self._box.exchange(X25519PublicKey.from_public_bytes(peer_box))


def enrolment_proof(secret: bytes, package_id: str, office_id: str, keys: PublicKeys) -> bytes:
    """What a town's package carries to prove it holds the invitation's one-time secret; it binds
    the town's public keys and office to that invitation."""
    msg = b"\x00".join([PROOF_LABEL, package_id.encode(), office_id.encode(), keys.sign, keys.box])
    return hmac.new(secret, msg, hashlib.sha256).digest()


def check_proof(secret: bytes, package_id: str, office_id: str, keys: PublicKeys, proof_hex: str) -> bool:
    try:
        proof = bytes.fromhex(proof_hex)
    except (TypeError, ValueError):
        return False
    return hmac.compare_digest(enrolment_proof(secret, package_id, office_id, keys), proof)


def new_recovery_code() -> str:
    """12 digits in three groups, told over the phone or handed over on paper, never on the stick."""
    n = secrets.randbelow(10 ** 12)
    s = f"{n:012d}"
    return f"{s[:4]}-{s[4:8]}-{s[8:]}"


def code_digits(code: str) -> str:
    """The digits of a typed recovery code: grouping left out, decimal digits of any script read
    (full-width ones typed with a Chinese input method)."""
    return "".join(str(unicodedata.decimal(c)) for c in code if c.isdecimal())


def _code_key(code: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=8, p=1).derive(code_digits(code).encode("ascii"))


def _wrap_key(shared: bytes, eph_pub: bytes, recipient_box: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + recipient_box, info=WRAP_INFO).derive(shared)


# ---- the container ----------------------------------------------------------------------------
@dataclass
class Container:
    header: dict[str, Any]
    raw_header: bytes
    body: bytes
    signed: bytes
    signature: bytes

    @property
    def type(self) -> str:
        return str(self.header.get("type", ""))

    def decrypt(self, me: Identity) -> bytes:
        """The plaintext body, with the content key wrapped for `me` (UserError when none is)."""
        wrap = next((w for w in self.header.get("wraps", []) if w.get("fp") == me.fingerprint), None)
        if wrap is None:
            raise PackageRefused("not-for-us", "本单位的密钥无法打开这个文件：它不是发给本单位的，"
                                                "或本单位的密钥已更换（请重新加入）。")
        eph = self._hex("eph", 32)
        kek = _wrap_key(me.shared(eph), eph, me.public.box)
        return self._open(kek, wrap)

    def decrypt_with_code(self, code: str) -> bytes:
        wrap = next((w for w in self.header.get("wraps", []) if "salt" in w), None)
        if wrap is None:
            raise PackageRefused("corrupt", "这个文件不是恢复数据包。")
        try:
            salt = bytes.fromhex(wrap["salt"])
        except (TypeError, ValueError):
            raise PackageRefused("corrupt", "恢复数据包已损坏。") from None
        try:
            return self._open(_code_key(code, salt), wrap)
        except PackageRefused as e:
            if e.reason == "wrong-key":
                raise PackageRefused("wrong-code", "恢复码不对，无法打开恢复数据包。请核对县里告知的12位恢复码。") from None
            raise

    def _open(self, kek: bytes, wrap: dict) -> bytes:
        try:
            wrapped = bytes.fromhex(wrap["key"])
            content_key = ChaCha20Poly1305(kek).decrypt(b"\x00" * 12, wrapped, self._wrap_aad(wrap.get("fp", "code")))
        except (InvalidTag, ValueError, TypeError, KeyError):
            raise PackageRefused("wrong-key", "本单位的密钥无法打开这个文件（密钥不符）。") from None
        try:
            return ChaCha20Poly1305(content_key).decrypt(self._hex("nonce", 12), self.body, MAGIC + self.raw_header)
        except InvalidTag:
            raise PackageRefused("corrupt", "数据包的内容已损坏或被改动过，无法解密，没有导入任何数据。") from None

    def _wrap_aad(self, who: str) -> bytes:
        return b"\x00".join([WRAP_INFO, str(self.header.get("id", "")).encode(), who.encode()])

    def _hex(self, field: str, size: int) -> bytes:
        try:
            value = bytes.fromhex(self.header[field])
        except (KeyError, TypeError, ValueError):
            value = b""
        if len(value) != size:
            raise PackageRefused("corrupt", "数据包的文件头已损坏。")
        return value


def _serialise(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def build(header: dict[str, Any], body: bytes, signer: Identity) -> bytes:
    """A signed file with a plaintext body (an invitation)."""
    hb = _serialise({**header, "body": len(body)})
    signed = MAGIC + len(hb).to_bytes(4, "big") + hb + body
    return signed + signer.sign(signed)


def build_encrypted(header: dict[str, Any], plaintext: bytes, signer: Identity, recipients: list[PublicKeys],
                    code: str | None = None) -> bytes:
    """A signed file whose body is encrypted to each recipient (and, with `code`, to a recovery code)."""
    content_key = ChaCha20Poly1305.generate_key()
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    nonce = os.urandom(12)
    base = {**header, "eph": eph_pub.hex(), "nonce": nonce.hex()}
    probe = Container(base, b"", b"", b"", b"")
    wraps = []
    for r in {r.fingerprint: r for r in recipients}.values():
        kek = _wrap_key(eph.exchange(X25519PublicKey.from_public_bytes(r.box)), eph_pub, r.box)
        wraps.append({"fp": r.fingerprint,
                      "key": ChaCha20Poly1305(kek).encrypt(b"\x00" * 12, content_key, probe._wrap_aad(r.fingerprint)).hex()})
    if code is not None:
        salt = os.urandom(16)
        wraps.append({"salt": salt.hex(), "key": ChaCha20Poly1305(_code_key(code, salt)).encrypt(
            b"\x00" * 12, content_key, probe._wrap_aad("code")).hex()})
    hb = _serialise({**base, "wraps": wraps, "body": len(plaintext) + 16})
    body = ChaCha20Poly1305(content_key).encrypt(nonce, plaintext, MAGIC + hb)
    signed = MAGIC + len(hb).to_bytes(4, "big") + hb + body
    return signed + signer.sign(signed)


def parse(data: bytes) -> Container:
    """Split a file into its parts; refuses a file that is not ours, truncated or malformed.
    The signature is checked by the caller, who knows whose key to check it with."""
    if len(data) < len(MAGIC) or data[:len(MAGIC)] != MAGIC:
        if MAGIC.startswith(data[:len(MAGIC)]) and len(data) < len(MAGIC) + 4:
            raise PackageRefused("truncated", "文件不完整（只有开头几个字节），可能没有完整复制到U盘。")
        raise PackageRefused("not-a-package", "这不是党建台账的数据交换文件（数据包、邀请或恢复数据包）。")
    if len(data) < len(MAGIC) + 4:
        raise PackageRefused("truncated", "文件不完整，可能没有完整复制到U盘。请重新复制。")
    hlen = int.from_bytes(data[len(MAGIC):len(MAGIC) + 4], "big")
    start = len(MAGIC) + 4
    if hlen > MAX_HEADER:
        raise PackageRefused("corrupt", "文件已损坏或被改动过（文件头长度不对）。")
    if len(data) < start + hlen:
        raise PackageRefused("truncated", f"文件不完整（比应有的短，只有 {len(data)} 字节），可能没有完整复制到U盘。"
                                          f"请重新复制，或请对方重新导出。")
    raw = data[start:start + hlen]
    try:
        header = json.loads(raw.decode("ascii"))
        if not isinstance(header, dict):
            raise ValueError
        body_len = int(header["body"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise PackageRefused("corrupt", "文件已损坏或被改动过（文件头无法读取）。") from None
    want = start + hlen + body_len + SIG_LEN
    if len(data) < want:
        raise PackageRefused("truncated", f"文件不完整：应有 {want} 字节，只有 {len(data)} 字节，"
                                          f"可能没有完整复制到U盘。请重新复制，或请对方重新导出。")
    if len(data) > want:
        raise PackageRefused("corrupt", "文件已损坏或被改动过（文件末尾有多余的数据）。")
    body_end = start + hlen + body_len
    return Container(header, raw, data[start + hlen:body_end], data[:body_end], data[body_end:])
