"""How a score with a fraction meets bands written in whole points (分数取整).

The documents write their bands in whole points ("85-94分为优良", "95分以上为优秀", "达到16分的
获得一颗星") while scores have halves. Each scheme declares its reading (RatingRule.rounding):

- truncate (去尾): the part below one point does not count, so 94.5 is read as 94 (优良) —
  the documents' own reading: 94.5 has not reached "95分以上";
- half_up (四舍五入): 94.5 is read as 95 (优秀).

Every place that puts a score in a band (scheme evaluation, member points, section stars)
goes through `band_value`, so a member at 59.995 gets the same stars everywhere.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from . import model as m


def as_decimal(value) -> Decimal:
    """A score as an exact decimal: the number as written (59.995 stays 59.995, never 59.99499…)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def band_value(value, rounding: str | None) -> Decimal:
    """The whole-point value a score is banded with under the rule (truncate or half_up)."""
    d = as_decimal(value)
    if rounding == m.ROUND_HALF_UP:
        return d.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return d.to_integral_value(rounding=ROUND_FLOOR)


def rounding_label(rounding: str | None) -> str:
    return m.ROUNDING_LABELS.get(rounding or m.DEFAULT_ROUNDING, str(rounding))


def rounding_text(rounding: str | None) -> str:
    """One line for sheets and the scheme editor: the rule with an example."""
    rule = rounding or m.DEFAULT_ROUNDING
    example = band_value(Decimal("94.5"), rule)
    return f"分数取整：{rounding_label(rule)}，如 94.5 分按 {example} 分对照分数线。"
