"""What the points screens and commands work over: a town's branches to choose from, its top
organisation (the whole town), an organisation's name, and the year to open on."""

from __future__ import annotations

from dataclasses import dataclass

from .. import dates
from ..db import Database
from ..errors import UserError


@dataclass(frozen=True)
class BranchChoice:
    """A 党支部 of the town, named as the clerk picks it (under a 党总支: with the 党总支's name)."""

    id: str
    name: str
    parent_type: str | None
    parent_name: str | None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.parent_name}）" if self.parent_type == "党总支" else self.name


def branches(db: Database, office_id: str) -> list[BranchChoice]:
    """The town's 党支部 in tree order (those under a 党总支 after their 党总支's place)."""
    return [BranchChoice(r["id"], r["name"], r["parent_type"], r["parent_name"]) for r in db.query(
        """SELECT o.id, o.name, p.org_type AS parent_type, p.name AS parent_name FROM org o
           LEFT JOIN org p ON p.id = o.parent_id
           WHERE o.office_id = ? AND o.org_type = '党支部'
           ORDER BY ifnull(p.sort_order, 0), o.sort_order, o.name""", (office_id,))]


def root_org(db: Database, office_id: str) -> str | None:
    """The town's top organisation (its 党委): the whole town's points and ledger hang under it."""
    return db.scalar("SELECT id FROM org WHERE office_id = ? AND parent_id IS NULL ORDER BY sort_order, name LIMIT 1",
                     (office_id,))


def org_name(db: Database, org_id: str) -> str:
    name = db.scalar("SELECT name FROM org WHERE id = ?", (org_id,))
    if name is None:
        raise UserError("找不到该党组织，可能已被删除。")
    return name


def default_year(db: Database, office_id: str | None, today: int | None = None) -> int:
    """The year the points screens open on: this year, unless nothing was entered yet this year
    and an earlier year has entries; then the latest such year (last year's results stay in view
    until the first entry of the new year)."""
    this_year = today or dates.today().year
    if office_id is None:
        return this_year
    latest = db.scalar("SELECT max(year) FROM points_batch WHERE office_id = ?", (office_id,))
    return int(latest) if latest is not None and int(latest) < this_year else this_year
