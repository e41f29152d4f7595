"""How numbers and dates look on screen: one formatter for scores, one for dates."""

from __future__ import annotations

from typing import Any

from ... import dates


def format_score(value: Any) -> str:
    """A score as the clerk writes it: 12 -> '12', 12.5 -> '12.5', 12.25 -> '12.3', None -> ''.

    At most one decimal (scores are entered to one decimal); text that is no number is shown as it is.
    """
    if value is None or value == "":
        return ""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if f.is_integer():
        return str(int(f))
    return f"{f:.1f}".rstrip("0").rstrip(".")


def format_date(value: Any) -> str:
    """An ISO date or timestamp as 2026年3月1日 (a timestamp keeps its time: 2026年3月1日 09:30); '' for none."""
    if not value:
        return ""
    text = str(value)
    if len(text) > 10 and text[10] in "T ":
        return f"{dates.format_cn(text[:10])} {text[11:16]}"
    return dates.format_cn(text)
