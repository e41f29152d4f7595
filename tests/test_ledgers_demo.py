"""The demo fills a year of each ledger, the same for the same seed, with the log intact; the CLI
reads and writes the ledgers as a script would."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.ledgers import dues
from dangjian_desktop.ledgers.cadres import cadre_warnings
from dangjian_desktop.ledgers.pipeline_checks import pipeline_warnings
from dangjian_desktop.ledgers.vetoes import veto_facts
from dangjian_desktop.registry import init_office

TODAY = dt.date(2026, 11, 22)
TABLES = ("dues_base", "dues_payment", "dues_exemption", "dev_person", "dev_step", "dev_plan", "training_record",
          "reward_record", "care_visit", "talk_record", "ledger_photo", "fund_entry", "reserve_cadre", "plaque")


def make(path, seed):
    db = Database.create(path)
    init_office(db, name="文城镇", level="town")
    generate(db, seed=seed, today=TODAY)
    return db


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("ledgers") / "town.sqlite"
    db = make(path, 7)
    yield db, path
    db.close()


def test_the_demo_fills_every_ledger_and_verifies(town):
    db, _ = town
    for table in TABLES:
        assert db.scalar(f"SELECT count(*) FROM {table}"), table
    assert db.verify() == []
    data = dues.status(db, TODAY.year, as_of=TODAY)
    assert len(data.members) > 100
    assert any(m.arrears_fen for m in data.members) and any(m.advance_fen for m in data.members)
    assert any(m.months_exempt for m in data.members)
    assert sum(m.on_time for m in data.members) > len(data.members) * 0.7
    codes = {w.code for w in pipeline_warnings(db, as_of=TODAY)}
    assert {"too_early", "too_late"} <= codes
    assert any(w.level == "严重" and "没有后备干部" in w.message for w in cadre_warnings(db, as_of=TODAY))
    facts = {c for b in db.query("SELECT id FROM org WHERE org_type = '党支部'")
             for c in veto_facts(db, b["id"], TODAY.year)}
    assert {"secretary_punished", "funds_missing"} <= facts


def test_the_same_seed_gives_the_same_ledgers(tmp_path, town):
    db, _ = town
    other = make(tmp_path / "again.sqlite", 7)
    try:
        for sql in ("SELECT id, member_id, from_month, to_month, amount_fen, paid_on FROM dues_payment ORDER BY id",
                    "SELECT id, name, org_id, member_id FROM dev_person ORDER BY id",
                    "SELECT person_id, step, date FROM dev_step ORDER BY id",
                    "SELECT org_id, title, hung_on, removed_on FROM plaque ORDER BY org_id, hung_on, title"):
            assert [tuple(r) for r in other.query(sql)] == [tuple(r) for r in db.query(sql)], sql
    finally:
        other.close()


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_dues_and_pipeline(town, tmp_path, capsys):
    path = town[0].backup_to(tmp_path / "copy.sqlite")  # the fixture holds the writer lock of its own file
    code, out, _ = run(capsys, "--db", path, "dues", "status", "--year", TODAY.year, "--json")
    assert code == 0
    rows = json.loads(out)["members"]
    assert len(rows) > 100 and all("arrears" in r and "months_paid" in r and "base" in r for r in rows)
    code, out, _ = run(capsys, "--db", path, "pipeline", "list", "--json")
    people = json.loads(out)["people"]
    assert code == 0 and len(people) >= 5 and all(p["stage"] and "dates" in p for p in people)
    code, out, _ = run(capsys, "--db", path, "pipeline", "list", "--stage", "入党积极分子", "--json")
    assert code == 0 and {p["stage"] for p in json.loads(out)["people"]} <= {"入党积极分子"}
    code, out, _ = run(capsys, "--db", path, "pipeline", "warnings", "--json")
    assert code == 0 and json.loads(out)["warnings"]
    # An export with a bad cell: the import says where, exits 2 and writes nothing.
    xlsx = tmp_path / "dues.xlsx"
    assert run(capsys, "--db", path, "dues", "export", "--year", TODAY.year, "--out", xlsx)[0] == 0
    wb = load_workbook(xlsx)
    wb["党费收缴"]["H4"] = "很多"
    wb.save(tmp_path / "bad.xlsx")
    code, out, _ = run(capsys, "--db", path, "dues", "import", tmp_path / "bad.xlsx", "--errors",
                       tmp_path / "errors.xlsx")
    assert code == 2 and "H" in out and "未导入任何数据" in out and (tmp_path / "errors.xlsx").is_file()
    code, out, err = run(capsys, "--db", path, "dues", "pay", "没有这个人", "--year", TODAY.year, "--months", "1")
    assert code != 0 and "找不到党员" in err and "Traceback" not in err
    code, out, _ = run(capsys, "--db", path, "ledger", "print", "arrears", "--year", TODAY.year, "--out",
                       tmp_path / "arrears.pdf")
    assert code == 0 and (tmp_path / "arrears.pdf").read_bytes().startswith(b"%PDF")
