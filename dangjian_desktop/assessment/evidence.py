"""Evidence (佐证材料, 痕迹管理): files attached to a sheet, an item, an appeal or a ledger entry.

Files are stored in the `attachment` table with their SHA-256 (deduplicated: the same bytes
are stored once). Photos are downscaled to at most 1600 px on the long side and saved as JPEG.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..db import Database

MAX_PHOTO_SIDE = 1600
MAX_FILE_BYTES = 50 * 1024 * 1024
PHOTO_TYPES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".heic"}
DOCUMENT_TYPES = {".pdf": "application/pdf", ".doc": "application/msword",
                  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  ".xls": "application/vnd.ms-excel",
                  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  ".wps": "application/vnd.ms-works", ".txt": "text/plain"}


@dataclass
class Evidence:
    id: str  # the link (round_evidence.id)
    attachment_id: str
    file_name: str
    mime: str
    size: int
    sha256: str
    note: str
    added_on: str
    sheet_id: str | None = None
    item_code: str | None = None
    appeal_id: str | None = None
    rectification_id: str | None = None

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


def prepare_file(path: str | Path) -> tuple[bytes, str, str]:
    """(data, file name, mime) as stored: photos downscaled to JPEG, other files as they are.

    Refuses unknown types, empty files, files over 50 MB and unreadable images (UserError).
    """
    raise NotImplementedError


def store_attachment(tx, data: bytes, file_name: str, mime: str) -> str:
    """The attachment id for these bytes inside a unit of work (an existing one when the SHA-256 matches)."""
    raise NotImplementedError


def add_evidence(db: Database, path: str | Path, *, sheet_id: str | None = None, item_code: str | None = None,
                 appeal_id: str | None = None, rectification_id: str | None = None, note: str = "",
                 actor: str | None = None) -> str:
    """Attach a file; returns the evidence link id. A confirmed sheet is locked (LockedError)."""
    raise NotImplementedError


def list_evidence(db: Database, *, sheet_id: str | None = None, item_code: str | None = None,
                  appeal_id: str | None = None, rectification_id: str | None = None) -> list[Evidence]:
    raise NotImplementedError


def evidence_data(db: Database, evidence_id: str) -> bytes:
    """The stored bytes of an evidence file."""
    raise NotImplementedError


def save_evidence_as(db: Database, evidence_id: str, target: str | Path) -> Path:
    raise NotImplementedError


def remove_evidence(db: Database, evidence_id: str, *, actor: str | None = None) -> None:
    """Unlink a file (the attachment itself is deleted when nothing else uses it)."""
    raise NotImplementedError
