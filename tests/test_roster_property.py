"""Whatever a cell holds, the importer never crashes: bad values end up in the report, and a
file is written entirely or not at all."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook

from dangjian_desktop.db import Database
from dangjian_desktop.registry import init_office
from dangjian_desktop.roster import ImportOptions, import_roster
from dangjian_desktop.roster.dateparse import parse_date

from roster_util import HEADER, add_branches, person

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=25).filter(lambda s: not s.startswith("="))
cell = st.one_of(
    st.none(),
    text,
    st.sampled_from(["1998.1", "98.7.1", "199811", "汉", "正式", "是", "否", "合计", "\u3000张\u3000三", "１９９８",
                     "红星村", "红星村党支部", "11010119700305011X", "1.10101E+17", "#N/A", "姓名"]),
    st.integers(min_value=-10**17, max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e20, max_value=1e20),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 2), max_value=dt.date(2099, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2099, 12, 31)),
    st.times(),
)


def mutate(row: list, cells: list) -> list:
    return [c if c is not None else v for v, c in zip(row, cells)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=cell)
def test_parse_date_never_raises(value):
    p = parse_date(value)
    assert (p.iso is None) or (p.error is None)
    if p.error:
        assert p.suggestion


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=st.lists(st.lists(cell, min_size=len(HEADER), max_size=len(HEADER)), min_size=1, max_size=6),
       keep_valid=st.lists(st.booleans(), min_size=6, max_size=6),
       reader=st.sampled_from(["calamine", "openpyxl"]))
def test_any_cell_values_give_a_report_never_a_crash(grid, keep_valid, reader):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = Database.create(tmp / "t.sqlite")
        try:
            init_office(db, name="测试镇", level="town")
            add_branches(db, "红星村党支部")
            wb = Workbook()
            ws = wb.active
            ws.append(HEADER)
            for i, cells in enumerate(grid):
                # Some rows are random values pasted over a valid member, some are pure noise.
                ws.append(mutate(person(i + 1), cells) if keep_valid[i] else cells)
            wb.save(tmp / "r.xlsx")
            before = db.scalar("SELECT count(*) FROM member")
            report = import_roster(db, tmp / "r.xlsx", ImportOptions(reader=reader))
            after = db.scalar("SELECT count(*) FROM member")
            if report.errors:
                assert after == before and not report.written
                for e in report.errors:
                    assert e.problem
            else:
                assert after == before + report.added
            assert db.conn.in_transaction is False
        finally:
            db.close()
