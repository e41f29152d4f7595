"""Rows another office owns (received by data exchange) are read-only here.

A county keeps its towns' rows as they were sent, a town the county's: only the owning office
changes them, and the change travels in its next package. The guard is a set of TEMP triggers
on this connection (not part of the database file, so the sealed schema is untouched), one per
identity table and operation, raising when the row's owner is an office this database exchanges
packages with (`exchange_peer`) — at a town that has joined, any office but the town itself (the
county passes on other towns' sheets for a cross-assessment). Rows of offices that are not peers
(a generated demo county's towns) stay editable. The exchange import itself writes such rows
inside `bypass()`, and an office withdrawing its own round removes the sheets it handed out.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from typing import Callable, Iterator

from ..errors import UserError
from . import audit

MARK = "owned-by-another-office"
_TEMP_CREATE = re.compile(r"^\s*CREATE\s+TRIGGER\s+", re.I)
FROM_VERSION = 7  # the schema version that has exchange_peer
#: Tables whose rows are this office's own bookkeeping and never travel (see exchange.ownership).
NEVER_GUARDED = {"setting"}
#: Rows that belong to a sheet: none may be added to or moved onto a sheet another office holds
#: (a county round's sheet is the town's in 自评 and 初审, the county's from 审核 on).
SHEET_PARTS = ("round_score", "round_veto", "round_self_report", "round_veto_review")
#: Rows that belong to a round: only the office running it (the round's owner) decides them.
ROUND_PARTS = ("round_quota_decision", "round_lot")
#: Parts guarded by their holder's owner: (tables, the holder's owner as SQL on NEW, the holder
#: named in the refusal, the trigger names' infix).
_HOLDERS = ((SHEET_PARTS, "(SELECT owner FROM main.round_branch WHERE id = NEW.round_branch_id)", "round_branch",
             "sheet"),
            (ROUND_PARTS, "(SELECT owner FROM main.assessment_round WHERE id = NEW.round_id)", "assessment_round",
             "round"))


def _has_peers(conn: sqlite3.Connection) -> bool:
    if conn.execute("PRAGMA user_version").fetchone()[0] < FROM_VERSION:
        return False
    return conn.execute("SELECT 1 FROM exchange_peer WHERE office_id IS NOT NULL LIMIT 1").fetchone() is not None


def _local(conn: sqlite3.Connection) -> tuple[str | None, str | None]:
    """(id, level) of this database's office."""
    r = conn.execute("SELECT f.id, f.level FROM meta m JOIN office f ON f.id = m.value "
                     "WHERE m.key = 'local_office_id'").fetchone()
    return (r[0], r[1]) if r else (None, None)


def _guarded(conn: sqlite3.Connection) -> Callable[[str], str]:
    """A maker of the SQL condition true for an owner whose rows are read-only here: at a
    county, the towns it exchanges packages with (a generated demo county's towns stay
    editable); at a town that has joined, every office but itself (the county's rows, and other
    towns' the county passes on for a cross-assessment). This office is looked up once."""
    me, level = _local(conn)
    if level == "town" and me:
        return lambda column: f"{column} != '{me}'"
    return lambda column: f"{column} IN (SELECT office_id FROM main.exchange_peer WHERE office_id IS NOT NULL)"


def held_elsewhere(conn: sqlite3.Connection, owner: str | None) -> bool:
    """Whether rows of `owner` are read-only here (see _guarded)."""
    if not owner or not _has_peers(conn):
        return False
    return conn.execute(f"SELECT {_guarded(conn)('?')}", (owner,)).fetchone()[0] == 1


def install(conn: sqlite3.Connection) -> bool:
    """Create the guard triggers on this connection when the database has peers (idempotent).

    Returns whether the guard is in place."""
    if not _has_peers(conn):
        return False
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS exchange_guard_off (since TEXT)")
    off = "NOT EXISTS (SELECT 1 FROM temp.exchange_guard_off)"
    guarded = _guarded(conn)
    for t in audit.identity_tables(conn):
        if t in NEVER_GUARDED or t.startswith("exchange_"):
            continue
        for op, when, row in (("ins", "INSERT", "NEW"), ("upd", "UPDATE", "OLD"), ("del", "DELETE", "OLD")):
            conn.execute(
                f'CREATE TEMP TRIGGER IF NOT EXISTS "exchange_ro_{t}_{op}" BEFORE {when} ON main."{t}" '
                f"WHEN {guarded(row + '.owner')} AND {off} "
                f"BEGIN SELECT RAISE(ABORT, '{MARK}:{t}'); END")
    for tables, holder_owner, holder, infix in _HOLDERS:
        for t in tables:
            for op, when in (("ins", "INSERT"), ("upd", "UPDATE")):
                conn.execute(
                    f'CREATE TEMP TRIGGER IF NOT EXISTS "exchange_ro_{t}_{infix}_{op}" BEFORE {when} ON main."{t}" '
                    f"WHEN {guarded(holder_owner)} AND {off} "
                    f"BEGIN SELECT RAISE(ABORT, '{MARK}:{holder}'); END")
    return True


@contextmanager
def bypass(conn: sqlite3.Connection) -> Iterator[None]:
    """Writes inside this block may touch other offices' rows (the exchange import only).

    The guard triggers are dropped for the block and created again after it (a trigger that
    only decides to do nothing still costs a program run per row: a third of a package's
    write time); any made inside the block stand aside through `exchange_guard_off`."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS exchange_guard_off (since TEXT)")
    conn.execute("INSERT INTO temp.exchange_guard_off VALUES (datetime('now'))")
    saved = conn.execute("SELECT name, sql FROM temp.sqlite_master WHERE type = 'trigger' "
                         "AND name LIKE 'exchange\\_ro\\_%' ESCAPE '\\'").fetchall()
    for name, sql in saved:
        if not _TEMP_CREATE.match(sql or ""):
            raise RuntimeError(f"unexpected text of trigger {name}")
        conn.execute(f'DROP TRIGGER temp."{name}"')
    try:
        yield
    finally:
        conn.execute("DELETE FROM temp.exchange_guard_off")
        for name, sql in saved:
            # After a rollback the dropped triggers are back already. SQLite keeps a temporary
            # trigger's text without TEMP: put it back, or the trigger would land in the database file.
            if conn.execute("SELECT 1 FROM temp.sqlite_master WHERE type = 'trigger' AND name = ?",
                            (name,)).fetchone() is None:
                conn.execute(_TEMP_CREATE.sub("CREATE TEMP TRIGGER ", sql, count=1))


def refused_edit(exc: BaseException) -> UserError | None:
    """The Chinese message for a write the guard refused (None for any other error)."""
    if not isinstance(exc, sqlite3.DatabaseError) or MARK not in str(exc):
        return None
    table = str(exc).split(MARK + ":", 1)[-1].strip()
    from .seal import TABLE_LABELS

    if table == "round_branch":
        return UserError("这张考核表现在由其他单位办理，本单位只能查看：县里组织的考核，自评、初审由乡镇办理，"
                         "乡镇提交审核后由县里审核、公示和确定；县里退回初审后又由乡镇办理。"
                         "交换数据包后即可看到对方的办理结果。")
    what = TABLE_LABELS.get(table, table)
    return UserError(f"这条记录（{what}）属于其他单位，是通过数据交换收到的，本单位只能查看，不能新增、修改或删除。"
                     f"如需更改，请由该单位修改后再交换数据包。")
