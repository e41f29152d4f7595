"""党籍状态: which members the registry counts. Defined once; every count, list and warning uses it."""

from __future__ import annotations

#: Members who still belong to the organisation: counted, listed, warned about. The others
#: (已转出, 已去世, 已出党, 停止党籍) stay on record with their history but are no longer counted.
ACTIVE_STATUSES = ("正常", "失联")


def is_active(status: str | None) -> bool:
    return status in ACTIVE_STATUSES


def active_sql(alias: str = "m") -> str:
    """The SQL condition for an active member: "m.status IN ('正常', '失联')"."""
    column = f"{alias}.status" if alias else "status"
    return f"{column} IN ({', '.join(repr(s) for s in ACTIVE_STATUSES)})"
