"""How a score or a number of points is written everywhere (tables, spin boxes, PDFs, the CLI):
as a clerk writes it, with no trailing zeros: 2, 12.5, 98.25 (never 2.00, 12.50 or 1e1)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

#: A Chinese input method's full-width digits, point, sign and space read as the plain ones
#: (text.translate(FULL_WIDTH)): a score, points, a phone typed in full width are what they say.
FULL_WIDTH = str.maketrans("０１２３４５６７８９．。－＋　", "0123456789..-+ ")

#: Scores and points are kept to at most this many decimals (an average may have two: 87.25).
SCORE_DECIMALS = 2


def format_score(value: Any, *, signed: bool = False, empty: str = "", decimals: int = SCORE_DECIMALS) -> str:
    """2.0 -> '2', 12.50 -> '12.5', 98.25 -> '98.25', -2 -> '-2'; None or '' -> `empty`.

    Rounded half up to `decimals` places (2.675 -> '2.68', as the clerk would round it, not as binary
    floating point does); `signed` puts '+' before a positive number. Text that is not a number is
    returned as it is.
    """
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return str(value)
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return str(value)
    if not d.is_finite():
        return str(value)
    try:
        d = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context holds (about 1e26 and up)
        return ("+" if signed and d > 0 else "") + format(d, "f")
    if d == 0:
        d = Decimal(0)  # no '-0'
    text = format(d.normalize(), "f") if d != d.to_integral_value() else str(int(d))
    return "+" + text if signed and d > 0 else text
