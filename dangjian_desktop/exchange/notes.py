"""A package's notes (说明) as one text for its ledger entry and receipt."""

from __future__ import annotations


def join_notes(notes: list[str]) -> str:
    """The notes as one 说明: sentences kept whole, joined by ；without doubling a stop
    (…随本数据包退回；县里确认…, not 退回。；县里)."""
    return "；".join(n.rstrip("。；; ") for n in notes if n.strip()) + ("。" if notes else "")
