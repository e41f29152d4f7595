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
