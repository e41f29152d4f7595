"""The SQL statements a connection runs inside a `with` block, for tests that count reads."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


@contextmanager
def traced(conn) -> Iterator[list[str]]:
    """The statements `conn` runs while the block runs (the list fills as they run)."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        conn.set_trace_callback(None)


def spied_queries(db, monkeypatch) -> list[tuple[str, list]]:
    """(sql, parameters) of every `db.query` from now on, for tests that look at their plans."""
    seen: list[tuple[str, list]] = []
    query = db.query

    def spy(sql, params=()):
        seen.append((sql, list(params)))
        return query(sql, params)

    monkeypatch.setattr(db, "query", spy)
    return seen


def plan(db, sql: str, params=()) -> str:
    """SQLite's query plan of a statement, its steps joined by " | "."""
    return " | ".join(r[3] for r in db.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
