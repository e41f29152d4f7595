"""Helpers for the scheme tests: build score sheets that reach a wanted total."""

from __future__ import annotations

from decimal import Decimal

from dangjian_desktop.schemes import model as m


def fill_to_total(scheme: m.Scheme, total) -> dict[str, float | int]:
    """Scores (as a clerk would enter them) whose capped total is exactly `total`.

    Sections are filled in document order up to what each can contribute, so a
    section whose items add up to more than its maximum never receives more than it.
    """
    left = Decimal(str(total))
    scores: dict[str, float | int] = {}
    for s in scheme.sections:
        room = Decimal(str(s.effective_max())) if s.effective_max() is not None else left
        take_section = min(left, room)
        left -= take_section
        units = s.items or [s]
        for u in units:
            cap = Decimal(str(u.max)) if u.max is not None else take_section
            take = min(take_section, cap)
            take_section -= take
            earned = m.norm_number(float(take))
            scores[u.code] = m.norm_number(float(cap - take)) if u.kind == m.DEDUCTION else earned
    assert left == 0, f"{scheme.id}: cannot reach {total}"
    return scores
