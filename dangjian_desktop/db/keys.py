"""The office key: a secret kept in the user's data folder, never in the database file.

One random 32-byte secret per key id. Purpose-specific keys are derived from it (HMAC-SHA256
of the secret over a purpose label), so the change-log seal and, later, the keys that sign
exchange packages come from the same file without ever reusing one key for two purposes.

A database names the key that seals its new transactions in `meta.seal_key_id`; every sealed
transaction names the key that sealed it, so `verify` knows which file it needs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..dates import now_iso
from ..paths import user_data_dir

SEAL_PURPOSE = b"dangjian change-log seal v1"


def key_dir() -> Path:
    """`keys/` in the user's data folder; DANGJIAN_KEYS_DIR overrides it (tests share one per run,
    so databases built once for many tests stay verifiable)."""
    override = os.environ.get("DANGJIAN_KEYS_DIR")
    return Path(override) if override else user_data_dir() / "keys"


def key_path(key_id: str) -> Path:
    if not key_id or not all(c in "0123456789abcdef" for c in key_id):
        raise ValueError(f"bad key id {key_id!r}")
    return key_dir() / f"{key_id}.key"


@dataclass(frozen=True)
class OfficeKey:
    key_id: str
    secret: bytes

    def derive(self, purpose: bytes) -> bytes:
        return hmac.new(self.secret, purpose, hashlib.sha256).digest()

    @property
    def seal_key(self) -> bytes:
        return self.derive(SEAL_PURPOSE)


def load_key(key_id: str) -> OfficeKey | None:
    """The key with this id from the user's data folder, or None when this computer lacks it."""
    try:
        data = json.loads(key_path(key_id).read_text(encoding="utf-8"))
        secret = bytes.fromhex(data["secret"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(secret) != 32 or data.get("key_id") != key_id:
        return None
    return OfficeKey(key_id, secret)


def create_key() -> OfficeKey:
    """A new random key, written atomically to the user's data folder (readable by the user only)."""
    key = OfficeKey(secrets.token_hex(8), secrets.token_bytes(32))
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = key_path(key.key_id)
    tmp = target.with_suffix(".tmp")
    payload = json.dumps({"key_id": key.key_id, "created": now_iso(), "secret": key.secret.hex(),
                          "note": "党建台账的单位密钥：用于给变更日志签章。请勿删除、请勿发给他人。"},
                         ensure_ascii=False, indent=1).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    return key
