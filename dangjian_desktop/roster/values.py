"""Reading a roster column by its values when its header is ambiguous or unknown.

人员类别 means the occupation class (农牧渔民, 在岗职工 … : code table person_class) in the
standard 花名册, but rosters taken from the national 党员信息 system put 正式党员/预备党员 in a
column of that name. A column headed as the category or the occupation class is therefore read
as whichever of the two its values are; a column with an unknown or blank header whose values
are plainly the category (正式党员/预备党员, 正式/预备, 正/预) is read as the category.
The first rows under the header are the sample; at least READ_SHARE of its filled cells must
agree, so a stray typo does not flip a column, and a column whose values say neither keeps
what its header says.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..registry import codes
from ..registry.completeness import EXPECTED
from .columns import label, squeeze

#: Fields a column may be re-read as, by its values.
VALUE_FIELDS = ("category", "person_class")
READ_SHARE = 0.8


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return squeeze(str(v))


def _sample_kind(values: Iterable[Any]) -> tuple[str | None, list[str]]:
    """('category' | 'person_class' | None, the distinct official values seen, in order)."""
    texts = [t for t in (_text(v) for v in values) if t]
    if not texts:
        return None, []
    for field in VALUE_FIELDS:
        table = codes.table(field)
        hits = [table.normalise(t) for t in texts]
        matched = [h for h in hits if h]
        if len(matched) >= READ_SHARE * len(texts):
            return field, list(dict.fromkeys(matched))
    return None, []


def _shown(seen: list[str]) -> str:
    return "、".join(seen[:3]) + ("等" if len(seen) > 3 else "")


def read_by_values(header_field: str | None, values: Iterable[Any]) -> tuple[str | None, str]:
    """The field a column holds and why, from its header's field and its first values.

    Returns (field, reading): `reading` is '' when the header alone decided, else a Chinese
    explanation to show ('的内容是正式党员、预备党员，按“党员类别”导入')."""
    if header_field is not None and header_field not in VALUE_FIELDS:
        return header_field, ""
    kind, seen = _sample_kind(values)
    if header_field is None:
        if kind == "category":
            return "category", f"不是已知的列名，内容是{_shown(seen)}，按“{label('category')}”导入"
        return None, ""
    if kind is None or (kind == header_field == "category"):
        return header_field, ""  # the header said it, or the values say nothing
    if kind == "category":
        return kind, f"的内容是{_shown(seen)}，按“{label('category')}”（正式/预备）导入"
    return kind, (f"的内容是{_shown(seen)}，按“{label('person_class')}”（职业类别）导入，"
                  f"不是{label('category')}")


def explain_missing(used: Mapping[str, Any]) -> list[str]:
    """A line for each expected column (民族, 学历 …) the sheet lacks: imported as missing."""
    gaps = [name + ("（职业类别）" if key == "person_class" else "") for key, name in EXPECTED.items()
            if key not in used]
    if not gaps:
        return []
    return [f"没有“{'”“'.join(gaps)}”列：新登记的党员这几项记为未填，列入“信息不全”提醒，"
            f"以后在党员信息中补全"]
