"""How numbers and dates look on screen: one formatter for scores, one for dates."""

from __future__ import annotations

from typing import Any

from ... import dates
from ...numbers import format_score as _format_score


def format_score(value: Any) -> str:
    """A score as the clerk writes it: 12 -> '12', 12.5 -> '12.5', 98.25 -> '98.25', None -> ''.

    The one formatter of the core (numbers.format_score), so tables, spin boxes and PDFs agree.
    """
    return _format_score(value)


def format_date(value: Any) -> str:
    """An ISO date or timestamp as 2026年3月1日 (a timestamp keeps its time: 2026年3月1日 09:30); '' for none."""
    return dates.format_cn_time(value)
