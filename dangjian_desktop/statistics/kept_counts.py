"""The membership's structure counts kept, so that the 统计 page of a large database counts only
what was saved since: after a save, and when it opens in a later run.

Counting every member takes about 0.7 s at a prefecture (294,000 members); the counts themselves
are a few thousand numbers. They are kept in the user's data folder (cache/structure/, one small
file per database path for the 32 databases counted last, readable by the user alone) with the
history they belong to: the newest unit of work then and its seal. The seals form a chain over every change-log entry
(db.seal), so a database whose unit of work of that number still carries that seal holds exactly
the history the counts were made from, and what was written since is in its change log
(statistics.structure brings the counts up to date from there). Counts are not used when that
seal differs or is gone (another file at the path, an older backup restored), when the database
is not sealed, for another scope or date, or when the counting rules changed (the file names the
program's version, the age bands and join periods and the fields it was made with); a file that
cannot be read is ignored and a folder that cannot be written only means the next run counts again.
They are counts of each combination of the counted fields (sex, category, ethnicity, education,
job, person class, age band …) and the pipeline's three counts, no names or numbers; a combination
only one member has still tells that member's fields to whoever knows who it is, as the office's
own database does: hence the user's own folder, beside the office keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from contextlib import suppress
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..db import Database
from ..filesave import write_cache_json
from ..paths import resource, user_data_dir
from .structure import TEXT_FIELDS, Structure, StructureRead, structure

KEPT = 4  # reads kept per database (the scopes and dates looked at last)
DATABASES = 32  # files kept: those of the databases counted last (a demo in a temporary folder, a copy …)


@lru_cache(maxsize=1)
def _stamp() -> str:
    """What the packed keys depend on: the program's version, the bands of structure.json and the
    fields packed into the text key (counts kept before 人员类别 was counted have one field less)."""
    bands = hashlib.sha256(resource("statistics", "structure.json").read_bytes()).hexdigest()
    return f"{__version__}:{bands[:16]}:{','.join(TEXT_FIELDS)}"


def kept_path(db: Database) -> Path:
    name = hashlib.sha256(str(Path(db.path).resolve()).encode("utf-8")).hexdigest()[:24]
    return user_data_dir() / "cache" / "structure" / f"{name}.json"


def _entries(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("stamp") != _stamp() or not isinstance(data.get("reads"), list):
        return []
    return [e for e in data["reads"] if isinstance(e, dict)]


def _read_of(e: dict) -> StructureRead | None:
    try:
        texts = {str(k): int(n) for k, n in e["texts"]}
        keys = {int(k): int(n) for k, n in e["keys"]}
        pipeline = e.get("pipeline")
        pipeline = tuple((str(k), int(n)) for k, n in pipeline) if pipeline is not None else None
        return StructureRead(int(e["log_seq"]), int(e["tx_id"]), bytes.fromhex(e["seal"]), e["org_id"],
                             dt.date.fromisoformat(e["as_of"]), texts, keys, pipeline)
    except (KeyError, TypeError, ValueError):
        return None


def counted(db: Database, org_id: str | None, as_of: dt.date) -> Structure:
    """structure() of this scope and date going on from the counts kept for the database (only
    the members changed since are counted), the new counts kept: the file read once, written once."""
    path = kept_path(db)
    entries = _entries(path)
    previous = _usable(db, entries, org_id, as_of)
    s = structure(db, org_id, as_of, previous=previous)
    if s.read is not previous:
        _keep(path, entries, s.read)
    return s


def kept(db: Database, org_id: str | None, as_of: dt.date) -> StructureRead | None:
    """The counts kept for this scope and date when the database still holds the history they
    were made from (their unit of work with its seal), else None."""
    return _usable(db, _entries(kept_path(db)), org_id, as_of)


def _usable(db: Database, entries: list[dict], org_id: str | None, as_of: dt.date) -> StructureRead | None:
    for e in entries:
        if e.get("org_id") != org_id or e.get("as_of") != as_of.isoformat():
            continue
        read = _read_of(e)
        if read is None:
            return None
        seal = db.scalar("SELECT seal FROM tx_log WHERE id = ?", (read.tx_id,))
        return read if seal is not None and bytes(seal) == read.seal else None
    return None


def _keep(path: Path, entries: list[dict], read: StructureRead | None) -> None:
    """Keep these counts: the newest first, those of other scopes and dates after them."""
    if read is None or read.seal is None:
        return
    entry = {"org_id": read.org_id, "as_of": read.as_of.isoformat(), "log_seq": read.log_seq, "tx_id": read.tx_id,
             "seal": read.seal.hex(), "texts": sorted(read.texts.items()), "keys": sorted(read.keys.items()),
             "pipeline": list(read.pipeline) if read.pipeline is not None else None}
    others = [e for e in entries if (e.get("org_id"), e.get("as_of")) != (entry["org_id"], entry["as_of"])]
    if write_cache_json(path, {"stamp": _stamp(), "reads": [entry, *others][:KEPT]}):
        _forget_oldest(path.parent)


def _forget_oldest(folder: Path) -> None:
    """Keep the files of the DATABASES databases counted last: every database ever opened would
    otherwise leave one behind."""
    with suppress(OSError):  # a folder that cannot be tidied now is tidied by the next keep
        files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[DATABASES:]:
            old.unlink(missing_ok=True)
