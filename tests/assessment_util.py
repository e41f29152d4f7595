"""Helpers for the assessment tests: small town and county databases with branches, and a
round driven to a chosen state through the public API."""

from __future__ import annotations

import datetime as dt

from dangjian_desktop.assessment import rounds, sheets, workflow
from dangjian_desktop.db import Database
from dangjian_desktop.registry import add_town, init_office
from dangjian_desktop.registry.orgs import add_org

BRANCHES = [("东岭村党支部", "村"), ("西岭村党支部", "村"), ("南河村党支部", "村"), ("北山村党支部", "村"),
            ("河湾社区党支部", "社区"), ("镇机关党支部", "机关")]


def add_branches(db: Database, names=BRANCHES, office_id: str | None = None) -> list[str]:
    office_id = office_id or db.local_office_id
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL AND office_id = ?", (office_id,))
    return [add_org(db, parent_id=root, name=n, org_type="党支部", kind=k, office_id=office_id) for n, k in names]


def county_db(path, towns: list[str], per_town: int = 3) -> Database:
    db = Database.create(path)
    init_office(db, name="测试县", level="county")
    for t in towns:
        tid = add_town(db, t)
        add_branches(db, [(f"{t}{i + 1}村党支部", "村") for i in range(per_town)], office_id=tid)
    return db


def fill(db: Database, sheet_id: str, stage: str, value_of) -> None:
    """Enter every item of a stage: value_of(item) -> score."""
    s = sheets.open_sheet(db, sheet_id)
    sheets.set_scores(db, sheet_id, stage, {i.code: value_of(i) for i in s.items},
                      reasons={i.code: "扣分原因" for i in s.items})


def drive(db: Database, sheet_id: str, to: str, value_of=lambda i: i.max, *,
          publicity: dt.date = dt.date(2025, 12, 1), confirm_on: dt.date = dt.date(2026, 1, 5)) -> None:
    """Take a sheet from 自评 to `to` (up to 确定) with the same score at every stage."""
    order = ["自评", "初审", "审核", "公示", "确定"]
    stage = {"自评": "self", "初审": "initial", "审核": "final"}
    state = sheets.open_sheet(db, sheet_id).state
    while order.index(state) < order.index(to):
        if state in stage:
            fill(db, sheet_id, stage[state], value_of)
        if state == "审核":
            workflow.move(db, sheet_id, "公示", today=publicity)
        elif state == "公示":
            workflow.confirm(db, sheet_id, today=confirm_on)
        else:
            workflow.move(db, sheet_id, order[order.index(state) + 1])
        state = sheets.open_sheet(db, sheet_id).state


def new_round(db: Database, scheme: str = "chuangxing", year: int = 2025, **kw) -> tuple[str, list]:
    rid = rounds.create_round(db, year=year, scheme_id=scheme, **kw)
    return rid, rounds.round_branches(db, rid)
