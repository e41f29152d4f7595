"""党员队伍结构 by 人员类别, counted against the registry of a demo town on two dates (one before
some members joined), and written to Excel and PDF as the other breakdowns are."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.registry import init_office, update_member
from dangjian_desktop.registry.codes import values as code_values
from dangjian_desktop.statistics import structure
from dangjian_desktop.statistics.as_of import members_on
from dangjian_desktop.statistics.report import save_structure_report

TODAY = dt.date(2026, 3, 16)  # the demo's today
AT = dt.date(2026, 12, 31)  # the roster as it stands
PAST = dt.date(2025, 6, 30)  # before the members accepted since joined


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("town") / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    generate(db, seed=5, today=TODAY)
    active = "status = '正常'"
    late = db.scalar(f"SELECT id FROM member WHERE {active} AND join_date > ? ORDER BY id LIMIT 1", (PAST.isoformat(),))
    update_member(db, late, {"person_class": "学生"})
    blank = db.scalar(f"SELECT id FROM member WHERE {active} AND join_date < '2000-01-01' ORDER BY id LIMIT 1")
    update_member(db, blank, {"person_class": None})
    yield db
    db.close()


def counted_on(db, day: dt.date, org_id: str | None = None) -> Counter:
    """人员类别 of the members of the day, read from the member table by id."""
    sel, params = members_on(db, day, org_id)
    ids = [r[0] for r in db.conn.execute(f"SELECT m.id {sel}", params)]
    found = Counter()
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        for (pc,) in db.conn.execute(f"SELECT person_class FROM member WHERE id IN ({','.join('?' * len(part))})", part):
            found[pc or "未填写"] += 1
    return found


def nonzero(d: dict) -> dict:
    return {k: v for k, v in d.items() if v}


@pytest.mark.parametrize("day", [AT, PAST])
def test_person_class_counts_the_members_of_the_day(town, day):
    s = structure(town, None, day, today=TODAY)
    counts = s.dimensions["人员类别"].counts
    assert nonzero(counts) == dict(counted_on(town, day))
    assert sum(counts.values()) == s.total
    assert list(counts)[:len(code_values("person_class"))] == list(code_values("person_class"))
    assert list(counts)[-1] == "未填写" and counts["未填写"] > 0  # (the member blanked, the demo's new ones)


def test_a_member_who_joined_after_the_day_is_not_in_its_person_class(town):
    assert structure(town, None, AT, today=TODAY).dimensions["人员类别"].counts["学生"] == 1
    assert structure(town, None, PAST, today=TODAY).dimensions["人员类别"].counts["学生"] == 0
    assert structure(town, None, PAST, today=TODAY).total < structure(town, None, AT, today=TODAY).total


def test_person_class_of_a_branch(town):
    branch = town.scalar("SELECT o.id FROM org o JOIN member m ON m.org_id = o.id WHERE o.org_type = '党支部' "
                         "GROUP BY o.id ORDER BY count(*) DESC LIMIT 1")
    for day in (AT, PAST):
        assert nonzero(structure(town, branch, day, today=TODAY).dimensions["人员类别"].counts) == \
            dict(counted_on(town, day, branch))


def test_excel_has_a_sheet_with_the_columns_of_the_others(town, tmp_path):
    s = structure(town, None, AT, today=TODAY)
    wb = load_workbook(save_structure_report(town, s, tmp_path / "s.xlsx"))
    rows = list(wb["人员类别"].iter_rows(min_row=3, values_only=True))
    assert rows[0][:3] == tuple(next(wb["学历"].iter_rows(min_row=3, max_row=3, values_only=True))[:3]) == \
        ("项目", "人数", "占党员总数")
    body = {r[0]: r[1:3] for r in rows[1:] if r[0] and r[1] is not None}
    for label, n in s.dimensions["人员类别"].counts.items():
        assert body[label][0] == n and isinstance(n, int), label
        assert body[label][1] == pytest.approx(n / s.total, abs=1e-4)
    assert body["合计"][0] == s.total


def test_pdf_prints_the_section_with_its_chart(town, tmp_path):
    s = structure(town, None, AT, today=TODAY)
    text = "".join(p.extract_text() for p in PdfReader(save_structure_report(town, s, tmp_path / "s.pdf")).pages)
    for label in ("党员人员类别构成", "农牧渔民", "在岗职工"):
        assert label in text, label
    assert text.count("党员人员类别构成") >= 2  # the table's title and its chart's


def test_cli_prints_it_and_gives_it_as_json(town, capsys):
    assert main(["--db", str(town.path), "report", "structure", "--date", AT.isoformat(), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    s = structure(town, None, AT)
    assert data["人员类别"] == s.dimensions["人员类别"].counts
    assert main(["--db", str(town.path), "report", "structure", "--date", AT.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "人员类别：" in out
