"""What the statistics charts write on themselves: axes and labels a clerk reads as they are."""

from __future__ import annotations

import pytest

from dangjian_desktop.statistics.charts import BAR, HBAR, Chart, Series, drawing, drawn_strings


@pytest.mark.parametrize("top", [1, 2, 3, 7])
def test_an_axis_of_counts_has_no_half_steps(top):
    """A branch's own 党支部按类别 is one bar of 1: its axis read 0, 0.5, 1, 1.5, 2 (half a branch)."""
    for kind in (BAR, HBAR):
        c = Chart(kind, "党支部按类别", ["社区", "村"], [Series("个数", [top, 0])], unit="个")
        numbers = [t for t in drawn_strings(drawing(c)) if t.replace(".", "", 1).isdigit()]
        assert str(top) in numbers and not [t for t in numbers if "." in t]


@pytest.mark.parametrize("kind", [HBAR, "hstacked"])
def test_a_long_branch_name_is_shortened_not_cut_off_at_the_edge(kind):
    """The county's 支部星级 chart names each branch with its town: a long name ran off the left edge."""
    long_name = "城华镇城华农业发展有限公司与城华供销合作社联合党支部"
    series = [Series("三星", [3, 4]), Series("二星", [1, 2])] if kind != HBAR else [Series("人数", [3, 4])]
    d = drawing(Chart(kind, "党员星级", [long_name, "北河社区党支部"], series, unit="人"))
    assert d.getBounds()[0] >= 0
    labels = list(drawn_strings(d))
    assert "北河社区党支部" in labels and long_name not in labels
    shortened = next(t for t in labels if "…" in t)
    assert shortened.startswith("城华镇城华") and shortened.endswith("…党支部")
