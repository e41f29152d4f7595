"""The rectification ledger (整改台账): problem, measure, responsible person, deadline, status,
closing (销号) with date and evidence; overdue items warned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..db import Database

STATUSES = ("未整改", "整改中", "已销号")


@dataclass
class Rectification:
    id: str
    org_id: str
    org_name: str
    town: str
    round_id: str | None
    problem: str
    measure: str
    responsible: str
    deadline: str
    status: str
    closed_on: str | None
    close_note: str
    created_on: str
    evidence_count: int
    rev: int
    overdue: bool = False  # open and past its deadline (as of the day asked)


def add_rectification(db: Database, *, org_id: str, problem: str, deadline: str, measure: str = "",
                      responsible: str = "", round_id: str | None = None, actor: str | None = None,
                      today: dt.date | None = None) -> str:
    """Add a ledger entry; problem and deadline are required. Returns its id."""
    raise NotImplementedError


def update_rectification(db: Database, rect_id: str, *, problem: str | None = None, measure: str | None = None,
                         responsible: str | None = None, deadline: str | None = None, status: str | None = None,
                         expected_rev: int | None = None, actor: str | None = None) -> None:
    """Change an open entry (a closed one is refused: reopen it first)."""
    raise NotImplementedError


def close_rectification(db: Database, rect_id: str, *, closed_on: str, note: str = "",
                        evidence: list[str] | None = None, actor: str | None = None) -> None:
    """销号: close an entry with the date, a note and evidence files (paths), in one unit of work."""
    raise NotImplementedError


def reopen_rectification(db: Database, rect_id: str, *, actor: str | None = None) -> None:
    raise NotImplementedError


def list_rectifications(db: Database, *, round_id: str | None = None, org_id: str | None = None,
                        open_only: bool = False, today: dt.date | None = None) -> list[Rectification]:
    """Ledger entries (optionally of a round or a branch), overdue ones flagged."""
    raise NotImplementedError


def overdue_rectifications(db: Database, *, today: dt.date | None = None,
                           round_id: str | None = None) -> list[Rectification]:
    raise NotImplementedError
