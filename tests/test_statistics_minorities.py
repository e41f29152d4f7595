"""The 民族 table lists each minority under 少数民族, most members first and, at equal counts, by
pinyin as every list of names in the program (苗族 before 壮族, not in code-point order)."""

from __future__ import annotations

import datetime as dt

from dangjian_desktop.registry import add_member
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.statistics import structure
from dangjian_desktop.statistics.report import structure_tables

from roster_util import add_branches


def test_minorities_with_equal_counts_sort_by_pinyin(db):
    branch = add_branches(db, "民族村党支部").popitem()[1]
    born = dt.date(1980, 5, 6)
    for n, eth in enumerate(["壮族", "苗族", "回族", "回族", "藏族", "满族"], start=1):
        add_member(db, {"name": f"党员{'甲乙丙丁戊己'[n - 1]}", "sex": "男", "ethnicity": eth,
                        "birth_date": born.isoformat(), "id_number": make("110101", born, n, True),
                        "join_date": "2005-07-01", "category": "正式党员", "full_date": "2006-07-01"}, org_id=branch)
    s = structure(db, branch, dt.date(2026, 12, 31))
    assert list(s.minorities) == ["回族", "满族", "苗族", "藏族", "壮族"]
    table = next(t for t in structure_tables(s, with_charts=False) if t.sheet_name == "民族")
    assert [r[0].strip("　").removeprefix("其中：") for r in table.rows][2:7] == ["回族", "满族", "苗族", "藏族", "壮族"]
