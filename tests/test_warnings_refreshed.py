"""The registry's warnings brought up to date after saves (registry.warnings.warnings_refreshed):
those about terms, secretaries, committees and group leaders are kept while no organisation or
committee changed, and every result equals compute_warnings' on the same day."""

from __future__ import annotations

import datetime as dt
import random

from dangjian_desktop.registry import (add_committee_member, add_member, change_status, compute_warnings,
                                       end_committee_member, start_term, update_member, update_org)
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.registry.warnings import warnings_refreshed

from points_util import add_branch
from sql_trace import traced

TODAY = dt.date(2026, 3, 16)


def test_random_saves_give_what_a_full_computation_gives_and_keep_the_committees_when_they_can(db):
    branches = [add_branch(db, f"{name}党支部", n=4, groups=1, secretary=name == "东村") for name in ("东村", "西村")]
    rng = random.Random(11)
    warnings, read = warnings_refreshed(db, None, today=TODAY)
    assert warnings == compute_warnings(db, today=TODAY)
    kept = 0
    for step in range(30):
        day = (dt.date(2025, 2, 1) + dt.timedelta(days=step)).isoformat()
        b = rng.choice(branches)
        kind = rng.choice(("member", "probation", "lost", "incomplete", "term", "secretary", "leave_post", "leader"))
        structure = kind in ("term", "leader")  # and the two below, when they find something to change
        if kind == "member":
            b.members.append(add_member(db, {"name": f"新{'甲乙丙丁戊己庚辛壬癸'[step % 10]}{'一二三'[step // 10]}", "ethnicity": "汉族",
                                             "id_number": make("140826", dt.date(1990, 1, 1 + step), 3, True),
                                             "join_date": "2010-07-01", "category": "正式党员"}, org_id=b.id))
        elif kind == "probation":
            update_member(db, rng.choice(b.members), {"category": "预备党员", "join_date": "2024-01-05",
                                                      "full_date": None})
        elif kind == "lost":
            mid = rng.choice(b.members)
            if db.get("member", mid)["status"] == "正常":
                change_status(db, mid, event="失联", date=day)
        elif kind == "incomplete":
            update_member(db, rng.choice(b.members), {"education": ""})
        elif kind == "term":
            start_term(db, b.id, start_date=day, years=rng.choice((2, 3)))
        elif kind == "secretary":
            if db.scalar("SELECT 1 FROM committee_term WHERE org_id = ? AND ended_on IS NULL", (b.id,)):
                add_committee_member(db, b.id, role="书记", start_date=day, member_id=rng.choice(b.members))
                structure = True
        elif kind == "leave_post":
            cm = db.scalar("SELECT c.id FROM committee_member c JOIN committee_term t ON t.id = c.term_id "
                           "WHERE t.org_id = ? AND c.end_date IS NULL LIMIT 1", (b.id,))
            if cm:
                end_committee_member(db, cm, end_date=day)
                structure = True
        else:
            update_org(db, b.groups[0], {"leader_member_id": rng.choice([None, *b.members])})
        with traced(db.conn) as statements:
            warnings, read = warnings_refreshed(db, read, today=TODAY)
        assert warnings == compute_warnings(db, today=TODAY), kind
        if not any("committee_term t ON t.org_id" in s for s in statements):
            kept += 1
            assert not structure, kind
    assert kept >= 5  # the member saves kept them


def test_another_day_or_office_computes_them_again(db):
    add_branch(db, "东村党支部", n=4)
    _, read = warnings_refreshed(db, None, today=TODAY)
    later = TODAY + dt.timedelta(days=900)  # the term of 2024 is due by then
    with traced(db.conn) as statements:
        warnings, _ = warnings_refreshed(db, read, today=later)
    assert any("committee_term t ON t.org_id" in s for s in statements)
    assert warnings == compute_warnings(db, today=later)
    assert any(w.code == "term_expired" for w in warnings)
    with traced(db.conn) as statements:
        warnings_refreshed(db, read, today=TODAY, office_id=db.local_office_id)
    assert any("committee_term t ON t.org_id" in s for s in statements)
