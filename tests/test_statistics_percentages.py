"""Shares in the structure report (占党员总数): the fraction itself is kept, so the table on screen,
the printed table, the pie's legend and Excel's 0.0% all show it rounded once, the same way."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.statistics.report import structure_tables
from dangjian_desktop.statistics.structure import SEX, Dimension, Structure, share
from dangjian_desktop.tables import PERCENT, Col
from dangjian_desktop.tables.model import display_text

PCT = Col("占党员总数", PERCENT)


@pytest.mark.parametrize("n, total, shown", [
    (1, 26, "3.8%"),    # 3.846…%: rounded to 4 places first it was 0.0385, shown 3.9%
    (6, 11, "54.5%"),   # 54.545…%: 0.5455, which Excel showed as 54.6%
    (15, 19, "78.9%"),  # 78.947…%: 0.7895, shown 79.0%
    (1, 3, "33.3%"),
])
def test_a_share_is_rounded_only_where_it_is_shown(n, total, shown):
    assert share(n, total) == pytest.approx(n / total, rel=1e-12)
    assert display_text(share(n, total), PCT) == shown


def test_the_structure_tables_hold_the_exact_fractions():
    s = Structure(unit="测试村党支部", org_id=None, as_of=dt.date(2026, 12, 31), total=26,
                  dimensions={SEX: Dimension(SEX, "党员性别构成", {"男": 25, "女": 1})}, minorities={},
                  flags={"流动党员": 0, "困难党员": 0, "失联党员": 0},
                  orgs={"党委": 0, "党总支": 0, "党支部": 1, "党小组": 0}, branch_kinds={"村": 1})
    s.dimensions.update({k: Dimension(k, k, {"未填写": 26})
                         for k in ("年龄", "学历", "入党时间", "党员类别", "人员类别", "工作岗位")})
    s.dimensions["民族"] = Dimension("民族", "党员民族构成", {"汉族": 26, "少数民族": 0})
    sex = next(t for t in structure_tables(s, with_charts=False) if t.sheet_name == "性别")
    assert [display_text(r[2], PCT) for r in sex.rows] == ["96.2%", "3.8%", "100.0%"]


@pytest.mark.parametrize("n, total, shown", [
    (1, 16, "6.3%"),   # 6.25%: half up (四舍五入), as Excel's 0.0% shows it, not 6.2%
    (1, 80, "1.3%"),   # 1.25%
    (3, 16, "18.8%"),  # 18.75%
    (1, 400, "0.3%"),  # 0.25%
    (27, 2000, "1.4%"),  # 1.35%, which is 1.34999… as a float
    (0, 16, "0.0%"),
])
def test_a_half_at_the_last_place_rounds_up_on_screen_in_print_and_in_the_pie(n, total, shown):
    from dangjian_desktop.statistics.charts import PIE, Chart, Series, drawing, drawn_strings

    assert display_text(share(n, total), PCT) == shown
    if n:
        pie = Chart(PIE, "党员性别构成", ["女", "男"], [Series("人数", [n, total - n])], unit="人")
        assert f"女  {n}人  {shown}" in list(drawn_strings(drawing(pie)))
