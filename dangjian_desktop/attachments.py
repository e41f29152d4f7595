"""Stored files (the `attachment` table): evidence of an assessment sheet, a ledger entry's
evidence, meeting photos.

Files are stored with their SHA-256 (deduplicated: the same bytes are stored once). Photos are
downscaled to at most 1600 px on the long side and saved as JPEG. A file is deleted when no
table references it any more.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
from pathlib import Path

from .db import Database
from .errors import UserError, os_reason

MAX_PHOTO_SIDE = 1600
MAX_FILE_BYTES = 50 * 1024 * 1024
PHOTO_TYPES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
#: Photos this program cannot read (no decoder for them is installed): told what to do instead.
UNREADABLE_PHOTOS = {".heic", ".heif"}
DOCUMENT_TYPES = {".pdf": "application/pdf", ".doc": "application/msword",
                  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  ".xls": "application/vnd.ms-excel",
                  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  ".wps": "application/vnd.ms-works", ".txt": "text/plain"}


def _downscale(raw: bytes, name: str) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as im:
            im = ImageOps.exif_transpose(im)  # phone photos carry their rotation in EXIF
            if im.mode not in ("RGB", "L"):
                background = Image.new("RGB", im.size, "white")
                rgba = im.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                im = background
            im.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE), Image.LANCZOS)
            out = io.BytesIO()
            im.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue()
    except Image.DecompressionBombError:
        raise UserError(f"图片“{name}”的像素太多（超过约 1.8 亿像素），不能添加。请先缩小图片后再添加。") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise UserError(f"无法读取图片“{name}”，文件可能已损坏或不是图片。") from None


def prepare_file(path: str | Path) -> tuple[bytes, str, str]:
    """(data, file name, mime) as stored: photos downscaled to JPEG, other files as they are.

    Refuses unknown types, empty files, files over 50 MB and unreadable images (UserError).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in UNREADABLE_PHOTOS:
        raise UserError(f"“{path.name}”是苹果手机的 HEIC 格式照片，本程序不能读取。请在手机上把相机格式设为“兼容性最佳”，"
                        f"或先转成 JPG 后再添加。")
    if suffix not in PHOTO_TYPES and suffix not in DOCUMENT_TYPES:
        allowed = "、".join(sorted({s.lstrip(".") for s in [*PHOTO_TYPES, *DOCUMENT_TYPES]}))
        raise UserError(f"不支持的文件类型“{path.name}”（可用：{allowed}）。")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(f"文件“{path.name}”超过 50 MB，请压缩后再添加。")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到文件：{path}") from None
    except OSError as e:
        raise UserError(f"无法读取文件“{path.name}”：{os_reason(e)}") from None
    if not raw:
        raise UserError(f"文件“{path.name}”是空的。")
    if suffix in PHOTO_TYPES:
        return _downscale(raw, path.name), path.stem + ".jpg", "image/jpeg"
    if suffix == ".pdf" and not raw.startswith(b"%PDF"):
        raise UserError(f"文件“{path.name}”不是有效的 PDF。")
    return raw, path.name, DOCUMENT_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def store_attachment(tx, data: bytes, file_name: str, mime: str) -> str:
    """The attachment id for these bytes inside a unit of work (an existing one when the SHA-256 matches)."""
    sha = hashlib.sha256(data).hexdigest()
    existing = tx.db.scalar("SELECT id FROM attachment WHERE sha256 = ? AND size = ?", (sha, len(data)))
    if existing:
        return existing
    return tx.insert("attachment", {"sha256": sha, "file_name": file_name, "mime": mime, "size": len(data),
                                    "data": data, "created_at": tx.now})


def store_file(tx, path: str | Path) -> str:
    """prepare_file and store_attachment in one step (the file is read inside the unit of work)."""
    return store_attachment(tx, *prepare_file(path))


def attachment_in_use(db: Database, attachment_id: str) -> bool:
    """Does any table still reference this attachment (through a foreign key)?"""
    for (table,) in db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        for fk in db.query(f'PRAGMA foreign_key_list("{table}")'):
            if fk["table"] == "attachment" and db.scalar(
                    f'SELECT 1 FROM "{table}" WHERE "{fk["from"]}" = ? LIMIT 1', (attachment_id,)):
                return True
    return False


def discard_if_unused(tx, attachment_id: str | None) -> None:
    """Delete the stored file inside the unit of work when nothing references it any more."""
    if attachment_id and not attachment_in_use(tx.db, attachment_id):
        tx.delete("attachment", attachment_id)


def already_added(db, attachment_id: str, name: str, what: str = "文件") -> str:
    """Why a file is not added again: the same content is there already, under the name it was
    added with (another file of the same content is not called the one added)."""
    first = db.scalar("SELECT file_name FROM attachment WHERE id = ?", (attachment_id,)) or name
    if first == name:
        return f"“{name}”已经添加过了（内容相同的{what}）。"
    return f"“{name}”与已添加的“{first}”内容相同，不用再添加。"
