"""三会一课 on the 统计 page counts the meetings due by the end of the statistics date (统计时间), and
never a period that has not ended yet today: the December of a past year is due by its 31
December; the default date, 31 December of this year, does not make the coming months missed."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop import dates
from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.meetings.compliance import compliance_table
from dangjian_desktop.registry import init_office
from dangjian_desktop.statistics.views import compliance_views


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("town") / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    generate(db, seed=3, today=dt.date(2026, 3, 16))
    yield db
    db.close()


def rows(view):
    return {r[0]: r[1:] for r in view.table.rows}


def test_a_past_year_to_its_31_december_counts_december(town):
    (view,) = compliance_views(town, 2025, as_of=dt.date(2025, 12, 31))
    whole = {b.org_name: b for b in compliance_table(town, 2025, as_of=dt.date(2026, 1, 1))}
    for name, cells in rows(view).items():
        assert cells[11] is not None, name  # 12月: the monthly 支委会 at least was due
        types = [t for t in whole[name].types.values() if t.applicable]
        assert cells[12] == pytest.approx(sum(t.held for t in types) / sum(t.required for t in types)), name
    assert "统计到2025年12月31日" in view.chart.note


def test_a_date_after_today_counts_up_to_today(town, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: dt.date(2025, 6, 15))
    (view,) = compliance_views(town, 2025, as_of=dt.date(2025, 12, 31))
    for name, cells in rows(view).items():
        assert cells[4] is not None and cells[5:12] == [None] * 7, name  # May ended; June is running
    assert "统计到2025年6月15日" in view.chart.note
