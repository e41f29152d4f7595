"""信息不全: members registered without some of the fields the office's ledgers ask for.

A roster does not always have every column (民族, 学历, 人员类别, 工作岗位 …). The import then
registers the members with what identifies them and what the rules need (name, ID number, join
date, category) and leaves the rest missing: NULL, or codes.MISSING ('未填') for 民族, which the
member table requires. Such members are listed in the warnings and on their own dialog until
the clerk completes them.
"""

from __future__ import annotations

from typing import Mapping

from .codes import MISSING

#: The fields whose absence makes a member 信息不全, with their labels, in display order.
EXPECTED = {"ethnicity": "民族", "education": "学历", "person_class": "人员类别", "job": "工作岗位"}


def missing_fields(member: Mapping) -> list[str]:
    """Labels of the expected fields a member (a row or dict) lacks: ['民族', '学历']."""
    out = []
    for key, label in EXPECTED.items():
        value = member[key] if key in member.keys() else None
        if value is None or (isinstance(value, str) and value.strip() in ("", MISSING)):
            out.append(label)
    return out


def incomplete_sql(alias: str = "m") -> str:
    """An SQL condition true for a member lacking an expected field."""
    parts = [f"ifnull(trim({alias}.{key}), '') IN ('', '{MISSING}')" for key in EXPECTED]
    return "(" + " OR ".join(parts) + ")"


def describe(member: Mapping) -> str:
    """'信息不全：缺民族、学历，请补全' or '' for a complete member."""
    missing = missing_fields(member)
    return f"信息不全：缺{'、'.join(missing)}，请补全" if missing else ""
