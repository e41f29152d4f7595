"""A county's whole ledger names each row's town after its number: branches of one name in two
towns are told apart; one town's ledger (or a town's own database) has no such column."""

from __future__ import annotations

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.tables.ledger_tables import LISTS, ledger_table


@pytest.fixture
def county(demo_offices, tmp_path):
    return demo_offices.copy(tmp_path / "county.sqlite", seed=5, name="文昌县", level="county", towns=2)


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_every_ledger_of_the_whole_county_names_the_town_of_each_row(county, kind):
    with Database.open(county, mode="read") as db:
        table = ledger_table(db, kind, 2026)
        towns = dict(db.tuples("SELECT o.id, f.name FROM org o JOIN office f ON f.id = o.office_id"))
        if not table.rows:
            pytest.skip(f"the demo has no {kind} this year")
        labels = [c.label for c in table.columns]
        if len({t for t in towns.values()}) > 1 and len({r[1] for r in table.rows}) > 1:
            assert labels[:2] == ["序号", "乡镇"], labels
            assert all(r[1] in set(towns.values()) for r in table.rows)
        office = db.scalar("SELECT office_id FROM org WHERE name LIKE '%党支部' LIMIT 1")
        one = ledger_table(db, kind, 2026, office_id=office)
        assert "乡镇" not in [c.label for c in one.columns]


def test_the_town_is_each_rows_own(county):
    with Database.open(county, mode="read") as db:
        table = ledger_table(db, "funds", 2026)
        town_of_branch = {(r[0], r[1]) for r in db.tuples(
            "SELECT f.name, o.name FROM org o JOIN office f ON f.id = o.office_id WHERE o.org_type = '党支部'")}
        assert table.rows and all((r[1], r[2]) in town_of_branch for r in table.rows)


def test_the_points_by_branch_of_a_county_name_the_towns(county):
    """统计 → 党员积分 → 支部星级 of the whole county: the table's 乡镇 column and the chart's labels."""
    from dangjian_desktop.statistics.trends import points_overview

    with Database.open(county, mode="read") as db:
        p = points_overview(db, 2025)
        towns = set(dict(db.tuples("SELECT id, name FROM office WHERE id IN (SELECT office_id FROM org)")).values())
        table = p.table()
        if len({b.office_id for b in p.branches}) < 2:
            pytest.skip("the demo county's points are of one town")
        assert [c.label for c in table.columns][:2] == ["乡镇", "党支部"]
        assert {r[0] for r in table.rows} <= towns and len({r[0] for r in table.rows}) > 1
        labels = p.stars_chart(limit=len(p.branches)).categories
        assert all(any(label.startswith(t) for t in towns) for label in labels)
        assert not any(label.startswith(t + t) for label in labels for t in towns)
        office = p.branches[0].office_id
        one = points_overview(db, 2025, office_id=office)
        assert "乡镇" not in [c.label for c in one.table().columns]
