"""Evidence (佐证材料, 痕迹管理): files attached to a sheet, an item, an appeal or a ledger entry.

Files are stored by `dangjian_desktop.attachments` (SHA-256, deduplicated; photos downscaled to JPEG).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..attachments import DOCUMENT_TYPES, PHOTO_TYPES  # noqa: F401 - the file types the evidence pages offer
from ..attachments import already_added, discard_if_unused, prepare_file, store_attachment
from ..db import Database
from ..errors import LockedError, UserError, file_error
from ..filesave import write_bytes


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
            raise UserError(already_added(db, att, name))
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
        write_bytes(target, evidence_data(db, evidence_id))
    except OSError as e:
        raise file_error(e, target) from None
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
        discard_if_unused(tx, row["attachment_id"])

