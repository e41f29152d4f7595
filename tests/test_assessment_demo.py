"""The demo's assessment data: three finished years and one round in progress, repeatable."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.assessment import (current_lots, dashboard, list_rectifications, rate_round, round_branches,
                                         verify_lots, workflow)
from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.registry import init_office

TODAY = dt.date(2026, 3, 16)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "county.sqlite"
    db = Database.create(path)
    init_office(db, name="测试县", level="county")
    generate(db, towns=2, seed=5, today=TODAY)
    yield db
    db.close()


def test_three_finished_years_and_one_in_progress(demo):
    from dangjian_desktop.assessment import list_rounds

    rounds = list_rounds(demo)
    assert [r.year for r in rounds] == [2026, 2025, 2024, 2023]
    assert [r.state for r in rounds[1:]] == ["确定"] * 3
    assert set(rounds[0].state_counts) == {"自评", "初审", "审核", "公示", "申诉", "确定"}


def test_finished_rounds_have_scores_appeals_and_adjustments(demo):
    from dangjian_desktop.assessment import list_rounds

    for rnd in list_rounds(demo)[1:]:
        rating = rate_round(demo, rnd.id)
        assert all(b.missing == 0 and b.rating for b in rating.branches)
        sheets = [b.id for b in round_branches(demo, rnd.id)]
        assert sum(len(workflow.appeals(demo, s)) for s in sheets) == 2
        assert sum(len(workflow.adjustments(demo, s)) for s in sheets) >= 1
        assert verify_lots(current_lots(demo, rnd.id))


def test_round_in_progress_shows_on_the_dashboard(demo):
    from dangjian_desktop.assessment import list_rounds

    current = list_rounds(demo)[0]
    d = dashboard(demo, current.id, today=TODAY)
    assert any(r.overdue for r in d.rows)
    assert any(r.missing for r in d.rows)
    assert any(r.open_appeal for r in d.rows)
    assert list_rectifications(demo)


def test_consequences_across_demo_years(demo):
    from dangjian_desktop.assessment import list_rounds

    rating = rate_round(demo, list_rounds(demo)[0].id)
    assert any(b.trend for b in rating.branches)
    assert any(b.consequences for b in rating.branches)


def test_demo_database_is_sound(demo):
    assert demo.verify() == []


def test_demo_is_repeatable(tmp_path):
    def make(name):
        db = Database.create(tmp_path / name)
        init_office(db, name="文城镇", level="town")
        generate(db, seed=9, today=TODAY)
        rows = db.query("SELECT id, org_name, state FROM round_branch ORDER BY id")
        scores = db.query("SELECT id, self_score, initial_score, final_score FROM round_score ORDER BY id")
        db.close()
        return [tuple(r) for r in rows], [tuple(r) for r in scores]

    assert make("a.sqlite") == make("b.sqlite")


def test_consequences_worked_out_once_per_history(demo, monkeypatch):
    """Branches with the same history of ratings share one working-out of their consequences,
    and each still gets exactly what its own history gives."""
    from dangjian_desktop.assessment import list_rounds
    from dangjian_desktop.assessment import results
    from dangjian_desktop.schemes.quotas import consequences_for

    histories: list[tuple] = []

    def counted(scheme, history, year):
        histories.append(tuple(history))
        return consequences_for(scheme, history, year)

    monkeypatch.setattr(results, "consequences_for", counted)
    rnd = list_rounds(demo)[0]
    rating = rate_round(demo, rnd.id, proposals=False)
    rated = [b for b in rating.branches if b.result is not None]
    assert len(histories) == len(set(histories)) < len(rated)
    by_org = {}
    for e in sorted((r for r in list_rounds(demo) if r.year < rnd.year), key=lambda r: -r.year):
        for b in rate_round(demo, e.id, proposals=False).branches:
            if b.state == "确定" and b.result is not None:
                by_org.setdefault(b.org_id, []).append((e.year, b.rating, b.stars))
    for b in rated:
        own = consequences_for(rnd.scheme, [*by_org.get(b.org_id, []), (rnd.year, b.rating, b.stars)], rnd.year)
        assert b.consequences == own
