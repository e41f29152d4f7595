"""At the county the towns are listed by pinyin in every year-over-year view, as everywhere else
in the program: 城华镇, 渡古镇, 平凤镇 — not in the order of their characters' codes (城, 平, 渡)
nor of their offices' ids."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.pinyin import sort_key
from dangjian_desktop.statistics.views import assessment_views, compliance_views


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from dangjian_desktop.demo import generate
    from dangjian_desktop.registry import init_office

    path = tmp_path_factory.mktemp("county") / "county.sqlite"
    db = Database.create(path)
    init_office(db, name="某县", level="county")
    generate(db, towns=3, seed=1, today=dt.date(2026, 3, 16))  # 平凤镇, 渡古镇, 城华镇
    yield db
    db.close()


def by_pinyin(names):
    return sorted(names, key=sort_key)


def test_the_towns_of_the_assessment_views_are_in_pinyin_order(county):
    towns = next(v for v in assessment_views(county) if v.name == "各乡镇")
    names = [r[0] for r in towns.table.rows]
    assert len(names) == 3 and names == by_pinyin(names)
    assert towns.chart.categories == names


def test_the_towns_of_the_meetings_grid_are_in_pinyin_order(county):
    (view,) = compliance_views(county, 2025, as_of=dt.date(2025, 12, 31), by_town=True)
    names = [r[0] for r in view.table.rows]
    assert len(names) == 3 and names == by_pinyin(names)
    assert [s.name for s in view.chart.series] == names
