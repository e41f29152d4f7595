"""Generating the prefecture benchmark's database (benchmarks/prefecture.py) from the demo's generators.

A prefecture held on one desk: one county-level database whose towns are the towns of all its
counties (10 counties × 25 towns ≈ 300,000 members). The registry, the assessment rounds and the
ledgers come from dangjian_desktop.demo (its `_fill`, which `generate` calls: `generate` refuses more
than 200 towns); the points and meetings come from dangjian_desktop.points.demo for as many towns as
asked, each town in its own unit of work, timed and sized apart so that a smaller run can be
extrapolated to every town holding a full year.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

MEMBERS_PER_TOWN = 1185  # the demo's BRANCH_PLAN gives about this many members per town


@dataclass
class Generated:
    towns: int
    members: int
    branches: int
    points_towns: int
    registry_s: float  # organisations and members of every town
    extensions_s: dict[str, float] = field(default_factory=dict)  # rounds, ledgers …
    points_s: float = 0.0  # meetings, attendance and points of `points_towns` towns
    bytes_before_points: int = 0
    bytes_after_points: int = 0
    points_members: int = 0  # members of the towns that got points

    @property
    def points_s_per_town(self) -> float:
        return self.points_s / self.points_towns if self.points_towns else 0.0

    @property
    def points_bytes_per_member(self) -> float:
        if not self.points_members:
            return 0.0
        return (self.bytes_after_points - self.bytes_before_points) / self.points_members


def file_bytes(path: Path) -> int:
    """The database file with its WAL (what a copy of it would take before a checkpoint)."""
    wal = Path(str(path) + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def generate(path: Path, *, towns: int, points_towns: int, seed: int = 1,
             say=print, today: dt.date | None = None) -> Generated:
    """Make the prefecture database at `path` (a new file)."""
    from dangjian_desktop import dates, demo
    from dangjian_desktop.db import Database
    from dangjian_desktop.ledgers import demo as ledgers_demo
    from dangjian_desktop.points import demo as points_demo
    from dangjian_desktop.registry import init_office

    today = today or dates.today()
    db = Database.create(path)
    try:
        init_office(db, name="基准市", level="county")
        office = db.one("SELECT * FROM office WHERE id = ?", (db.local_office_id,))
        marks: list[tuple[float, str]] = []

        def mark(message: str) -> None:
            marks.append((time.perf_counter(), message))
            if "组织和党员" not in message or len(marks) % 25 == 1:
                say(f"  {message}")

        saved = points_demo.DETAILED_TOWNS
        saved_ledgers = ledgers_demo.DETAILED_TOWNS
        points_demo.DETAILED_TOWNS = 0  # points come below, one unit of work per town, timed apart
        ledgers_demo.DETAILED_TOWNS = 2  # the ledgers of two towns, as the figures have always been
        t0 = time.perf_counter()
        try:
            with db.transaction(f"生成演示数据（{towns}个乡镇）"):
                demo._fill(db, office, towns, seed, today, mark)
        finally:
            points_demo.DETAILED_TOWNS = saved
            ledgers_demo.DETAILED_TOWNS = saved_ledgers
        end = time.perf_counter()
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stages = [m for m in marks if "组织和党员" not in m[1]]
        registry_end = stages[0][0] if stages else end
        out = Generated(towns=towns, members=db.scalar("SELECT count(*) FROM member"),
                        branches=db.scalar("SELECT count(*) FROM org WHERE org_type = '党支部'"),
                        points_towns=min(points_towns, towns), registry_s=registry_end - t0)
        for (t, label), nxt in zip(stages, [s[0] for s in stages[1:]] + [end]):
            out.extensions_s[label] = nxt - t
        out.bytes_before_points = file_bytes(path)
        if out.points_towns:
            say(f"  生成{out.points_towns}个乡镇的一年会议与积分")
            points_demo.DETAILED_TOWNS = out.points_towns
            t0 = time.perf_counter()
            try:
                points_demo.populate(db, random.Random(f"{seed}-dangjian_desktop.points.demo"), today)
            finally:
                points_demo.DETAILED_TOWNS = saved
            out.points_s = time.perf_counter() - t0
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            out.points_members = db.scalar(
                "SELECT count(*) FROM member WHERE id IN (SELECT DISTINCT member_id FROM points_entry)")
        out.bytes_after_points = file_bytes(path)
        return out
    finally:
        db.close()
