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
