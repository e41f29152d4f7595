"""One way to write a score or points: no trailing zeros (2, 12.5, 98.25), used by every table, PDF and
spin box through numbers.format_score."""

from __future__ import annotations

import pytest

from dangjian_desktop.numbers import format_score
from dangjian_desktop.points.common import fmt_points
from dangjian_desktop.schemes.model import fmt_num


@pytest.mark.parametrize("value, text", [
    (2, "2"), (2.0, "2"), ("2.00", "2"), (12.5, "12.5"), (12.50, "12.5"), (98.25, "98.25"), (100, "100"),
    (0, "0"), (-0.0, "0"), (-2, "-2"), (0.5, "0.5"), (0.1 + 0.2, "0.3"), (2.675, "2.68"), (1e1, "10"),
    (87.333333, "87.33"), (None, ""), ("", ""), ("免评", "免评"),
])
def test_format_score(value, text):
    assert format_score(value) == text


def test_format_score_options():
    assert format_score(2, signed=True) == "+2"
    assert format_score(-0.5, signed=True) == "-0.5"
    assert format_score(0, signed=True) == "0"
    assert format_score(None, empty="—") == "—"
    assert format_score(12.25, decimals=1) == "12.3"


def test_the_older_formatters_are_the_same_one():
    for value in (2.0, 12.5, 98.25, -3, 0.30000000000000004):
        assert fmt_points(value) == fmt_num(value) == format_score(value)
    assert fmt_points(1.5, signed=True) == "+1.5"
    assert fmt_num(None) == "—" and fmt_points(None) == ""


def test_format_score_never_fails_on_a_huge_number():
    # More digits than Decimal's context holds: quantize() raised InvalidOperation (程序内部错误).
    assert format_score(1e30) == "1" + "0" * 30
    assert format_score(10 ** 40, signed=True) == "+1" + "0" * 40
    assert format_score("123456789012345678901234567890.5") == "123456789012345678901234567890.5"
