"""发展党员 in the membership's structure: 入党申请人, 入党积极分子 and 发展对象 counted from the
development ledger of a demo town on two dates (one before some applied, one a record closed
since), 预备党员 from the roster, written to Excel and PDF as the other tables are, and kept
between saves like the member counts."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections import Counter

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.ledgers.pipeline import add_person, record_step
from dangjian_desktop.registry import init_office, update_member
from dangjian_desktop.statistics import structure
from dangjian_desktop.statistics.report import save_structure_report

TODAY = dt.date(2026, 3, 16)  # the demo's today
AT = dt.date(2026, 12, 31)  # the roster as it stands
PAST = dt.date(2025, 6, 30)  # before the members accepted since joined
STAGES = ("入党申请人", "入党积极分子", "发展对象")


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("town") / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    generate(db, seed=5, today=TODAY)
    branch = db.scalar("SELECT org_id FROM dev_person ORDER BY id LIMIT 1")
    # Applied after PAST: an applicant now, nobody on PAST.
    add_person(db, branch, {"name": "申晚来", "sex": "男"}, applied_on="2025-09-01")
    # An activist on PAST whose record was closed later: counted on PAST only.
    pid = add_person(db, branch, {"name": "终止甲", "sex": "女"}, applied_on="2025-01-10")
    record_step(db, pid, "谈话", "2025-01-20")
    record_step(db, pid, "积极分子", "2025-03-01")
    record_step(db, pid, "终止", "2025-12-01")
    yield db
    db.close()


def stages_by_hand(db, day: dt.date, org_id: str | None = None) -> dict[str, int]:
    """The rules written out again: the latest of 申请 / 积极分子 / 发展对象 dated by the day, unless
    accepted (接收) or the record closed by then."""
    iso = day.isoformat()
    found = Counter()
    for p in db.query("SELECT id, org_id, closed_on FROM dev_person"):
        if org_id and p["org_id"] != org_id:
            continue
        steps = {s["step"]: s["date"] for s in db.query(
            "SELECT step, min(date) AS date FROM dev_step WHERE person_id = ? AND date <= ? GROUP BY step",
            (p["id"], iso))}
        if "接收" in steps or (p["closed_on"] and p["closed_on"] <= iso) or "申请" not in steps:
            continue
        stage = "发展对象" if "发展对象" in steps else "入党积极分子" if "积极分子" in steps else "入党申请人"
        found[stage] += 1
    return {s: found.get(s, 0) for s in STAGES}


@pytest.mark.parametrize("day", [AT, PAST])
def test_pipeline_counts_the_ledger_of_the_day_and_the_roster_probationary(town, day):
    s = structure(town, None, day, today=TODAY)
    want = stages_by_hand(town, day)
    assert {k: s.pipeline[k] for k in STAGES} == want
    assert s.pipeline["预备党员"] == s.dimensions["党员类别"].counts["预备党员"] > 0
    assert list(s.pipeline) == [*STAGES, "预备党员"]


def test_pipeline_moves_with_the_date(town):
    now, then = (structure(town, None, d, today=TODAY).pipeline for d in (AT, PAST))
    assert now != then
    assert sum(then[k] for k in STAGES) > 0 and sum(now[k] for k in STAGES) > 0
    branch = town.scalar("SELECT org_id FROM dev_person WHERE name = '申晚来'")
    for day in (AT, PAST):
        assert {k: v for k, v in structure(town, branch, day, today=TODAY).pipeline.items() if k in STAGES} == \
            stages_by_hand(town, day, branch)


def test_excel_has_a_sheet_with_the_columns_of_the_other_counts(town, tmp_path):
    s = structure(town, None, AT, today=TODAY)
    wb = load_workbook(save_structure_report(town, s, tmp_path / "s.xlsx"))
    assert wb.sheetnames[-1] == "发展党员"
    pipe = list(wb["发展党员"].iter_rows(min_row=3, values_only=True))
    assert pipe[0][:2] == ("项目", "人数")
    assert {r[0]: r[1] for r in pipe[1:] if r[0] in s.pipeline} == s.pipeline


def test_pdf_prints_the_table_and_its_chart(town, tmp_path):
    s = structure(town, None, AT, today=TODAY)
    text = "".join(p.extract_text() for p in PdfReader(save_structure_report(town, s, tmp_path / "s.pdf")).pages)
    for label in ("发展党员情况", *STAGES, "预备党员", "按发展党员台账"):
        assert label in text, label
    assert text.count("发展党员情况") >= 2  # the table's title and its chart's


def test_cli_prints_it_and_gives_it_as_json(town, capsys):
    assert main(["--db", str(town.path), "report", "structure", "--date", AT.isoformat(), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    s = structure(town, None, AT)
    assert data["发展党员"] == s.pipeline
    assert main(["--db", str(town.path), "report", "structure", "--date", AT.isoformat()]) == 0
    assert f"入党积极分子{s.pipeline['入党积极分子']}人" in capsys.readouterr().out


def test_kept_pipeline_counts_go_on_until_the_ledger_changes(tmp_path, monkeypatch):
    db = Database.create(tmp_path / "own.sqlite")
    init_office(db, name="测试镇", level="town")
    generate(db, seed=6, today=TODAY)
    counting = importlib.import_module("dangjian_desktop.statistics.structure")
    calls = []
    real = counting.stages_on
    monkeypatch.setattr(counting, "stages_on", lambda *a: (calls.append(a), real(*a))[1])
    first = structure(db, None, AT, today=TODAY)
    assert len(calls) == 1
    member = db.scalar("SELECT id FROM member WHERE status = '正常' ORDER BY id LIMIT 1")
    update_member(db, member, {"person_class": "学生"})
    second = structure(db, None, AT, today=TODAY, previous=first.read)
    assert len(calls) == 1 and second.pipeline == first.pipeline  # a member saved: not read again
    assert second.dimensions["人员类别"].counts["学生"] == first.dimensions["人员类别"].counts["学生"] + 1
    add_person(db, db.scalar("SELECT id FROM org WHERE org_type = '党支部' LIMIT 1"), {"name": "新申请"},
               applied_on="2026-01-05")
    third = structure(db, None, AT, today=TODAY, previous=second.read)
    assert len(calls) == 2 and third.pipeline["入党申请人"] == first.pipeline["入党申请人"] + 1
    db.close()
