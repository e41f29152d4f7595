"""Evidence (佐证材料, 痕迹管理): files attached to a sheet, an item, an appeal or a ledger entry.

Files are stored in the `attachment` table with their SHA-256 (deduplicated: the same bytes
are stored once). Photos are downscaled to at most 1600 px on the long side and saved as JPEG.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from ..db import Database
from ..errors import LockedError, UserError

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
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise UserError(f"无法读取图片“{name}”（{e.__class__.__name__}），文件可能已损坏或格式不受支持。") from None


def prepare_file(path: str | Path) -> tuple[bytes, str, str]:
    """(data, file name, mime) as stored: photos downscaled to JPEG, other files as they are.

    Refuses unknown types, empty files, files over 50 MB and unreadable images (UserError).
    """
    path = Path(path)
    suffix = path.suffix.lower()
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
        raise UserError(f"无法读取文件“{path.name}”：{e.strerror}") from None
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


def add_evidence(db: Database, path: str | Path, *, sheet_id: str | None = None, item_code: str | None = None,
                 appeal_id: str | None = None, rectification_id: str | None = None, note: str = "",
                 actor: str | None = None) -> str:
    """Attach a file; returns the evidence link id. A confirmed sheet is locked (LockedError)."""
    if appeal_id is not None:
        ap = db.get("round_appeal", appeal_id)
        if ap is None:
            raise UserError("找不到这条申诉记录。")
        sheet_id = sheet_id or ap["round_branch_id"]
    if sheet_id is None and rectification_id is None:
        raise UserError("请指明佐证材料属于哪个考核表或整改事项。")
    label = ""
    if sheet_id is not None:
        row = db.get("round_branch", sheet_id)
        if row is None:
            raise UserError("找不到这个考核表，可能已被删除。")
        if row["state"] == "确定":
            raise LockedError(f"“{row['org_name']}”的考核结果已确定，不能再添加佐证材料。")
        label = row["org_name"]
        if item_code is not None:
            from .sheets import _units

            if item_code not in _units(db, row):
                raise UserError(f"编号“{item_code}”不是本考核表的细项。")
    if rectification_id is not None and db.get("rectification", rectification_id) is None:
        raise UserError("找不到这条整改记录。")
    data, name, mime = prepare_file(path)
    with db.transaction(f"添加佐证材料 {label} {name}".strip(), actor=actor) as tx:
        att = store_attachment(tx, data, name, mime)
        dup = db.scalar("""SELECT id FROM round_evidence WHERE attachment_id = ? AND round_branch_id IS ?
                           AND item_code IS ? AND appeal_id IS ? AND rectification_id IS ?""",
                        (att, sheet_id, item_code, appeal_id, rectification_id))
        if dup:
            raise UserError(f"“{name}”已经添加过了（内容相同的文件）。")
        return tx.insert("round_evidence", {"attachment_id": att, "round_branch_id": sheet_id,
                                            "item_code": item_code, "appeal_id": appeal_id,
                                            "rectification_id": rectification_id, "note": (note or "").strip(),
                                            "added_on": tx.now[:10]})


def list_evidence(db: Database, *, sheet_id: str | None = None, item_code: str | None = None,
                  appeal_id: str | None = None, rectification_id: str | None = None) -> list[Evidence]:
    """Evidence of a sheet (all of it, or one item's with item_code), an appeal or a ledger entry."""
    where, params = [], []
    for col, value in (("round_branch_id", sheet_id), ("item_code", item_code), ("appeal_id", appeal_id),
                       ("rectification_id", rectification_id)):
        if value is not None:
            where.append(f"e.{col} = ?")
            params.append(value)
    if not where:
        raise ValueError("name a sheet, an appeal or a rectification")
    rows = db.query(f"""SELECT e.*, a.file_name, a.mime, a.size, a.sha256 FROM round_evidence e
                        JOIN attachment a ON a.id = e.attachment_id WHERE {' AND '.join(where)}
                        ORDER BY e.added_on, e.rowid""", params)
    return [Evidence(r["id"], r["attachment_id"], r["file_name"], r["mime"], r["size"], r["sha256"], r["note"],
                     r["added_on"], r["round_branch_id"], r["item_code"], r["appeal_id"], r["rectification_id"])
            for r in rows]


def evidence_data(db: Database, evidence_id: str) -> bytes:
    """The stored bytes of an evidence file."""
    data = db.scalar("SELECT a.data FROM round_evidence e JOIN attachment a ON a.id = e.attachment_id "
                     "WHERE e.id = ?", (evidence_id,))
    if data is None:
        raise UserError("找不到这份佐证材料。")
    return bytes(data)


def save_evidence_as(db: Database, evidence_id: str, target: str | Path) -> Path:
    target = Path(target)
    try:
        target.write_bytes(evidence_data(db, evidence_id))
    except OSError as e:
        raise UserError(f"无法保存到 {target}：{e.strerror}") from None
    return target


def remove_evidence(db: Database, evidence_id: str, *, actor: str | None = None) -> None:
    """Unlink a file (the attachment itself is deleted when nothing else uses it)."""
    row = db.get("round_evidence", evidence_id)
    if row is None:
        raise UserError("找不到这份佐证材料。")
    if row["round_branch_id"]:
        sheet = db.get("round_branch", row["round_branch_id"])
        if sheet is not None and sheet["state"] == "确定":
            raise LockedError(f"“{sheet['org_name']}”的考核结果已确定，不能删除佐证材料。")
    with db.transaction("删除佐证材料", actor=actor) as tx:
        tx.delete("round_evidence", evidence_id)
        still = db.scalar("SELECT count(*) FROM round_evidence WHERE attachment_id = ?", (row["attachment_id"],))
        if not still and not _used_elsewhere(db, row["attachment_id"]):
            tx.delete("attachment", row["attachment_id"])


def _used_elsewhere(db: Database, attachment_id: str) -> bool:
    """Does any other table (points, meetings …) reference this attachment?"""
    for (table,) in db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'round_evidence'"):
        for fk in db.query(f'PRAGMA foreign_key_list("{table}")'):
            if fk["table"] == "attachment" and db.scalar(
                    f'SELECT 1 FROM "{table}" WHERE "{fk["from"]}" = ? LIMIT 1', (attachment_id,)):
                return True
    return False
