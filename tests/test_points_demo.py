"""The demo's points and meetings: a whole year for every branch, every star level, planted gaps."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.meetings.compliance import compliance_table
from dangjian_desktop.points.totals import totals
from dangjian_desktop.registry import init_office

TODAY = dt.date(2026, 11, 22)
YEAR = TODAY.year - 1


def make(path, seed):
    db = Database.create(path)
    init_office(db, name="文城镇", level="town")
    generate(db, seed=seed, today=TODAY)
    return db


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    db = make(tmp_path_factory.mktemp("pdemo") / "a.sqlite", 4)
    yield db
    db.close()


def test_every_branch_held_meetings_with_attendance(town):
    held = {r[0] for r in town.query("SELECT DISTINCT org_id FROM meeting")}
    branches = {r[0] for r in town.query("SELECT id FROM org WHERE org_type = '党支部'")}
    assert held == branches
    assert town.scalar("SELECT count(*) FROM meeting m WHERE NOT EXISTS "
                       "(SELECT 1 FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.status = '出席')") == 0


def test_every_star_level_and_exemptions_show(town):
    ratings = {t.rating for t in totals(town, YEAR)}
    assert ratings == {"三星", "二星", "一星", "无星", "免评"}


def test_compliance_gaps_are_planted(town):
    rows = compliance_table(town, YEAR, as_of=TODAY)
    assert any(b.missing_total for b in rows) and any(not b.missing_total for b in rows)


def test_reviews_cover_every_member(town):
    assert town.scalar("SELECT count(*) FROM member_review") == town.scalar(
        "SELECT count(*) FROM member WHERE status IN ('正常', '失联')")


def test_change_log_is_complete(town):
    assert town.verify() == []


def test_same_seed_gives_the_same_points(tmp_path, town):
    other = make(tmp_path / "b.sqlite", 4)
    try:
        assert [(t.member_id, t.total) for t in totals(other, YEAR)] == [(t.member_id, t.total)
                                                                           for t in totals(town, YEAR)]
    finally:
        other.close()
