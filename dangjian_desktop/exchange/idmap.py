"""Row ids at the package's edge: a package names every row by its global id; a database keeps
its own short local ids (db/local_ids.py) and each travelling row's global id in `gid`.

- `to_global` turns rows read from this database into the package's form: each row's id
  becomes its global id (`coalesce(gid, id)`), every reference (the foreign keys, and the few
  id columns without one: EXTRA_REFS) the referred row's global id, and the gid column is left
  out. A local id never leaves the database: one that cannot be resolved is an error.
- `to_local` turns a package's rows into this database's form before anything compares or
  writes them: a row this database has gets its local id, a new row a new local id (numbered
  on from the counter; `Translated.next_local` is where the counter must stand when the rows are
  written), references the local ids of the rows they name, in the package or in the database
  (a reference to a row neither has keeps its global id: the reference check reports it), and
  the rows carry their gid column. The package's lists of deleted rows and returned rows' bases
  are translated too.

Offices keep global ids as ids (their id is used outside the database), so `owner`, the
offices in package headers and the office ids inside JSON columns need no translation.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Iterable

from ..db import local_ids
from ..db.ids import LENGTH
from ..db.local_ids import is_local
from . import ownership
from .crypto import PackageRefused
from .payload import TableRows, content_digest

#: Id columns without a foreign key (member_event's transfer records name organisations that may
#: be dissolved later): column -> the table whose ids it holds.
EXTRA_REFS: dict[str, dict[str, str]] = {"member_event": {"from_org_id": "org", "to_org_id": "org"}}
#: Ids inside JSON text: column -> (the key of the list in a JSON object, or None for a JSON list
#: itself; the table whose ids the list holds). A round's scope may list its organisations; a
#: quota decision lists the sheets it considered (assessment/quota_decisions.py).
JSON_REFS: dict[str, dict[str, tuple[str | None, str]]] = {
    "assessment_round": {"scope_json": ("org_ids", "org")},
    "round_quota_decision": {"considered": (None, "round_branch")},
}


def _json_ids(text: Any, key: str | None) -> tuple[Any, list] | None:
    """(the parsed JSON, its list of ids) of a JSON column's value, or None when it has none."""
    if not isinstance(text, str) or not text:
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    ids = doc if key is None else (doc.get(key) if isinstance(doc, dict) else None)
    return (doc, ids) if isinstance(ids, list) and ids else None


def _json_mapped(conn: sqlite3.Connection, table: str, tr: TableRows, rows: list[list], mapper) -> None:
    """Translate the ids inside `table`'s JSON columns of `rows` (in place) with
    `mapper(parent table, ids) -> {id: translated}`; a value without one to change stays as written."""
    for col, (key, parent) in JSON_REFS.get(table, {}).items():
        if col not in tr.columns or parent not in local_ids.gid_tables(conn):
            continue
        i = tr.columns.index(col)
        for r in rows:
            found = _json_ids(r[i], key)
            if found is None:
                continue
            doc, ids = found
            m = mapper(parent, [v for v in ids if isinstance(v, str)])
            new = [m.get(v, v) if isinstance(v, str) else v for v in ids]
            if new != ids:
                if key is None:
                    doc = new
                else:
                    doc[key] = new
                r[i] = json.dumps(doc, ensure_ascii=False)

_CHUNK = 900


def id_columns(conn: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple[int, str]]:
    """(position in `columns`, the table its values are ids of) of a row's references to tables
    with local ids (its own id not included)."""
    gtabs = local_ids.gid_tables(conn)
    refs = {col: parent for col, parent, pcol in ownership.foreign_keys(conn, table) if pcol == "id"}
    refs.update(EXTRA_REFS.get(table, {}))
    return [(columns.index(c), p) for c, p in refs.items() if c in columns and c != "id" and p in gtabs]


def _chunks(values: list) -> Iterable[list]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


# ---- out: this database's ids -> global ------------------------------------------------------------
def globals_of(conn: sqlite3.Connection, table: str, ids: Iterable[str], *, strict: bool = True) -> dict[str, str]:
    """local id -> global id for `ids` of `table`, rows deleted since included (from their last
    change-log entry). RuntimeError for an id that names no row this database ever had (unless
    not `strict`: then it is left out)."""
    want = sorted({v for v in ids if is_local(v)})
    out: dict[str, str] = {}
    for chunk in _chunks(want):
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(f'SELECT id, coalesce(gid, id) FROM "{table}" WHERE id IN ({marks})', chunk))
    missing = [v for v in want if v not in out]
    for chunk in _chunks(missing):
        marks = ",".join("?" * len(chunk))
        for rid, old in conn.execute(
                f"SELECT row_id, old FROM change_log WHERE tbl = ? AND op = 'delete' AND row_id IN ({marks}) "
                f"ORDER BY seq", [table, *chunk]):
            try:
                gid = json.loads(old or "{}").get("gid")
            except ValueError:
                gid = None
            if gid:
                out[rid] = gid
    if strict and (lost := [v for v in want if v not in out]):
        raise RuntimeError(f"{table} rows {lost[:3]} have no global id: a package must not carry a local id")
    return out


def to_global(conn: sqlite3.Connection, tables: dict[str, TableRows]) -> dict[str, TableRows]:
    """Rows of this database as a package carries them (see the module's text)."""
    gtabs = local_ids.gid_tables(conn)
    if not gtabs:
        return tables
    out: dict[str, TableRows] = {}
    for t, tr in tables.items():
        cols = tr.columns
        refs = id_columns(conn, t, cols)
        gi = cols.index("gid") if "gid" in cols else None
        ii = cols.index("id") if "id" in cols else None
        if gi is None and not refs and t not in JSON_REFS:
            out[t] = tr
            continue
        # Column by column (a town's package is 10⁵ rows): the distinct values first, then one
        # dictionary look-up per cell.
        rows = [list(r) for r in tr.rows]
        if gi is not None:
            for r in rows:
                if r[gi] is not None:
                    r[ii] = r[gi]
                elif is_local(r[ii]):
                    raise RuntimeError(f"{t} row {r[ii]} has a local id and no global id")
                del r[gi]
        for i, parent in refs:
            at = i if gi is None or i < gi else i - 1
            m = globals_of(conn, parent, {r[at] for r in rows})
            if m:
                for r in rows:
                    v = r[at]
                    if v in m:
                        r[at] = m[v]
        kept = [c for c in cols if c != "gid"]
        if t in JSON_REFS:
            _json_mapped(conn, t, TableRows(kept), rows, lambda parent, ids: globals_of(conn, parent, ids, strict=False))
        out[t] = TableRows(kept, rows)
    return out


def deleted_to_global(conn: sqlite3.Connection, deleted: dict[str, list[str]]) -> dict[str, list[str]]:
    """A package's lists of deleted rows, by global id."""
    out = {}
    for t, ids in deleted.items():
        m = globals_of(conn, t, ids) if t in local_ids.gid_tables(conn) else {}
        out[t] = sorted(m.get(v, v) for v in ids)
    return out


def global_digest(conn: sqlite3.Connection, table: str, columns: list[str], values: list) -> str:
    """payload.content_digest of a row in its global form: the same in the town's and the
    county's database, whatever their local ids."""
    tr = to_global(conn, {table: TableRows(list(columns), [list(values)])})[table]
    return content_digest(tr.columns, tr.rows[0])


# ---- in: global ids -> this database's ---------------------------------------------------------------
@dataclass
class Translated:
    start: int | None  # the counter when the new rows were numbered
    next_local: int | None  # where it must stand once they are written

    def claim(self, conn: sqlite3.Connection) -> None:
        """Move the counter past the ids given to the package's new rows (inside the unit of work
        that writes them, before it makes any row of its own)."""
        if self.next_local is None:
            return
        now = conn.execute("SELECT next FROM local_id_counter").fetchone()[0]
        if now != self.start:
            raise RuntimeError(f"local ids moved from {self.start} to {now} since the package was read")
        conn.execute("UPDATE local_id_counter SET next = ?", (self.next_local,))


def locals_of(conn: sqlite3.Connection, table: str, gids: Iterable[str]) -> dict[str, str]:
    """global id -> local id of the rows of `table` this database has (a row made before version
    15 is its own: its id is its global id)."""
    want = sorted(set(gids))
    out: dict[str, str] = {}
    for chunk in _chunks(want):
        out.update(conn.execute(f'SELECT gid, id FROM "{table}" WHERE gid IN ({",".join("?" * len(chunk))})', chunk))
    for chunk in _chunks([g for g in want if g not in out]):  # rows whose id is their global id
        out.update(conn.execute(f'SELECT id, id FROM "{table}" WHERE id IN ({",".join("?" * len(chunk))})', chunk))
    return out


def to_local(conn: sqlite3.Connection, sections: dict[str, dict[str, TableRows]],
             doc: dict[str, Any] | None = None) -> Translated:
    """A package's rows (and `doc`'s deleted lists and returned bases) in this database's form,
    translated in place (see the module's text). PackageRefused for a row named by a local id."""
    gtabs = local_ids.gid_tables(conn)
    if not gtabs:
        return Translated(None, None)
    n = conn.execute("SELECT next FROM local_id_counter").fetchone()[0]
    start = n
    known: dict[str, dict[str, str]] = {}  # table -> global id -> local id
    for sec in sections.values():
        for t, tr in sec.items():
            if "gid" in tr.columns:
                raise PackageRefused("corrupt", "数据包中有不应出现的项（gid），已损坏或被改动过，没有导入任何数据。")
            if t not in gtabs or "id" not in tr.columns:
                continue
            ii = tr.index("id")
            gids = [r[ii] for r in tr.rows]
            if not set(map(type, gids)) <= {str} or (gids and min(map(len, gids)) < LENGTH):
                raise PackageRefused("corrupt", "数据包中有记录的编号不是全局编号，已损坏或被改动过，没有导入任何数据。")
            m = known.setdefault(t, {})
            m.update(locals_of(conn, t, [g for g in gids if g not in m]))
            for g in gids:
                if g not in m:
                    m[g] = local_ids.text(n)
                    n += 1

    def lookup(parent: str, values: Iterable[Any]) -> dict[str, str]:
        m = known.setdefault(parent, {})
        todo = [v for v in values if isinstance(v, str) and v not in m and not is_local(v)]
        if todo:
            m.update(locals_of(conn, parent, todo))
        return m

    for sec in sections.values():
        for t, tr in list(sec.items()):
            cols = tr.columns
            rows = tr.rows if all(type(r) is list for r in tr.rows) else [list(r) for r in tr.rows]  # in place
            # Column by column: the distinct values looked up once, then one dictionary look-up per cell.
            for i, parent in id_columns(conn, t, cols):
                m = lookup(parent, {r[i] for r in rows})
                for r in rows:
                    v = r[i]
                    if v in m:
                        r[i] = m[v]
            own = t in gtabs and "id" in cols
            if own:  # the row's local id, and its gid column: empty when its id is its global id
                ii, m = cols.index("id"), known[t]
                for r in rows:
                    g = r[ii]
                    r[ii] = rid = m[g]
                    r.append(None if rid == g else g)

            def mapped(parent: str, ids: list[str]) -> dict[str, str]:
                m = lookup(parent, ids)
                return {v: m[v] for v in ids if v in m}

            _json_mapped(conn, t, tr, rows, mapped)
            sec[t] = TableRows([*cols, "gid"] if own else cols, rows)
    if doc is not None:
        lists = doc.get("deleted") or {}
        for t, ids in list(lists.items()):
            if t in gtabs and isinstance(ids, list):
                m = lookup(t, {str(i) for i in ids})
                lists[t] = [m.get(str(i), str(i)) for i in ids]
        bases = doc.get("returned_base") or {}
        for t, by_id in list(bases.items()):
            if t in gtabs and isinstance(by_id, dict):
                m = lookup(t, set(by_id))
                bases[t] = {m.get(k, k): v for k, v in by_id.items()}
    return Translated(start, n if n != start else None)
