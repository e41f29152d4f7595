"""A package's plaintext: one JSON document (zlib-compressed) and the BLOBs (evidence files,
photos) after it, stored as they are (they are compressed already).

    length of the compressed JSON (4 bytes, big-endian) | compressed JSON | blob bytes …

Rows travel per table as {"columns": [...], "rows": [[...], ...]}; a BLOB value is written as
{"blob": n}, the n-th entry of the document's "blobs" list of lengths.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from typing import Any, Iterable

from .crypto import PackageRefused

FORMAT = 1

#: Schema versions that changed nothing a package carries (the travelling tables and their
#: columns): a package is stamped with the oldest version whose rows are the same, so that an
#: office still running the program before it imports the package (a receiver refuses a package
#: of a newer schema). v14 stored the change log with numbers; the log never travels. v15 keeps local ids and
#: a gid column, translated at the package's edge (exchange/idmap.py): a package is as before.
SAME_ROWS_AS = {14: 13, 15: 14}


def rows_version(schema_version: int) -> int:
    """The schema version a package written at `schema_version` is stamped with."""
    while schema_version in SAME_ROWS_AS:
        schema_version = SAME_ROWS_AS[schema_version]
    return schema_version


@dataclass
class TableRows:
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def index(self, column: str) -> int:
        return self.columns.index(column)

    def as_dicts(self) -> Iterable[dict[str, Any]]:
        for r in self.rows:
            yield dict(zip(self.columns, r))


def encode(doc: dict[str, Any], sections: dict[str, dict[str, TableRows]]) -> bytes:
    """`doc` plus row sections (e.g. {"tables": {...}, "returned": {...}}) as package plaintext."""
    blobs: list[bytes] = []

    def cell(v):
        if isinstance(v, (bytes, bytearray, memoryview)):
            blobs.append(bytes(v))
            return {"blob": len(blobs) - 1}
        return v

    out = dict(doc)
    for name, tables in sections.items():
        out[name] = {}
        for t, tr in tables.items():
            # Only columns that hold a BLOB somewhere are rewritten (and read back) cell by cell.
            binary = sorted({i for r in tr.rows for i, v in enumerate(r)
                             if isinstance(v, (bytes, bytearray, memoryview))})
            rows = tr.rows if not binary else [[cell(v) for v in r] for r in tr.rows]
            out[name][t] = {"columns": tr.columns, "rows": rows, "blob_columns": binary}
    out["blobs"] = [len(b) for b in blobs]
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = zlib.compress(text, 6)
    return len(packed).to_bytes(4, "big") + packed + b"".join(blobs)


def decode(data: bytes, sections: Iterable[str] = ("tables", "returned")) -> tuple[dict[str, Any], dict[str, dict[str, TableRows]]]:
    """The document and its row sections; PackageRefused when the plaintext is malformed."""
    try:
        n = int.from_bytes(data[:4], "big")
        doc = json.loads(zlib.decompress(data[4:4 + n]).decode("utf-8"))
        lengths = [int(x) for x in doc.pop("blobs", [])]
        blobs, pos = [], 4 + n
        for ln in lengths:
            blobs.append(data[pos:pos + ln])
            pos += ln
        if pos != len(data) or doc.get("format") != FORMAT:
            raise ValueError("layout")
        out: dict[str, dict[str, TableRows]] = {}
        for name in sections:
            tables = {}
            for t, sec in (doc.pop(name, None) or {}).items():
                cols = [str(c) for c in sec["columns"]]
                rows = sec["rows"]
                if not isinstance(rows, list) or any(len(r) != len(cols) for r in rows):
                    raise ValueError("row width")
                binary = [int(i) for i in sec.get("blob_columns") or ()]
                for r in rows if binary else ():
                    for i in binary:
                        if isinstance(r[i], dict):
                            r[i] = blobs[r[i]["blob"]]
                tables[str(t)] = TableRows(cols, rows)
            out[name] = tables
        return doc, out
    except (ValueError, KeyError, TypeError, IndexError, zlib.error, UnicodeDecodeError):
        raise PackageRefused("corrupt", "数据包的内容无法读取（格式不对），没有导入任何数据。") from None


# ---- row content -------------------------------------------------------------------------------
SKIP_IN_COMPARISON = {"rev"}  # a receiver's revision counts its own updates of the copy


def _plain(v):
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"sha256": hashlib.sha256(bytes(v)).hexdigest()}
    return v


def content_digest(columns: list[str], values: Iterable[Any]) -> str:
    """A digest of a row's content (every column but `rev`), the same on both sides."""
    pairs = sorted((c, _plain(v)) for c, v in zip(columns, values) if c not in SKIP_IN_COMPARISON)
    text = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def row_json(columns: list[str], values: Iterable[Any]) -> str:
    """A row kept in the database (conflicts): BLOBs as base64 so the row can still be applied."""
    def enc(v):
        if isinstance(v, (bytes, bytearray, memoryview)):
            return {"base64": base64.b64encode(bytes(v)).decode("ascii")}
        return v
    return json.dumps({c: enc(v) for c, v in zip(columns, values)}, ensure_ascii=False)


def row_from_json(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    d = json.loads(text)
    return {c: base64.b64decode(v["base64"]) if isinstance(v, dict) and "base64" in v else v for c, v in d.items()}
