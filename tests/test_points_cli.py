"""`dangjian points …`, `dangjian meetings …` and `dangjian report members` on a demo town."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.points.totals import totals
from dangjian_desktop.registry import init_office, set_setting

TODAY = dt.date(2026, 11, 22)
YEAR = TODAY.year - 1  # the demo fills last year


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("points-cli") / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="文城镇", level="town")
    generate(db, seed=3, today=TODAY)
    db.close()
    return path


@pytest.fixture
def town(demo_file, tmp_path):
    """A private copy of the demo town (tests may write)."""
    path = tmp_path / "town.sqlite"
    shutil.copy(demo_file, path)
    return path


def run_json(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def branch_names(path):
    with Database.open(path, mode="read") as db:
        return [r[0] for r in db.query("SELECT o.name FROM org o WHERE o.org_type = '党支部' ORDER BY o.sort_order")]


def test_totals_json_lists_every_rated_member(demo_file, capsys):
    data = run_json(capsys, "--db", str(demo_file), "points", "totals", "--year", str(YEAR), "--json")
    members = data["members"]
    with Database.open(demo_file, mode="read") as db:
        expected = {t.member_id: (t.total, t.stars) for t in totals(db, YEAR)}
    assert {m["id"]: (m["total"], m["stars"]) for m in members} == expected
    assert set(members[0]) >= {"id", "name", "branch", "total", "stars"}
    assert {m["stars"] for m in members} >= {0, 1, 2, 3, None}


def test_totals_for_one_branch_and_only_failing(demo_file, capsys):
    name = branch_names(demo_file)[0]
    data = run_json(capsys, "--db", str(demo_file), "points", "totals", "--year", str(YEAR), "--branch", name, "--json")
    assert data["members"] and {m["branch"] for m in data["members"]} == {name}
    failing = run_json(capsys, "--db", str(demo_file), "points", "totals", "--year", str(YEAR), "--failing", "--json")
    assert failing["members"] and all(m["stars"] == 0 and m["total"] < 60 for m in failing["members"])


def test_unknown_branch_is_a_chinese_error(demo_file, capsys):
    assert main(["--db", str(demo_file), "points", "totals", "--year", str(YEAR), "--branch", "不存在党支部"]) != 0
    assert "找不到党组织" in capsys.readouterr().err


def test_compliance_json_names_missing_periods(demo_file, capsys):
    data = run_json(capsys, "--db", str(demo_file), "meetings", "compliance", "--year", str(YEAR), "--json")
    assert len(data["branches"]) == len(branch_names(demo_file))
    types = data["branches"][0]["types"]
    assert types["支委会"]["required"] == 12 and types["支部党员大会"]["required"] == 4
    gaps = [m for b in data["branches"] for t in b["types"].values() for m in t["missing"]]
    assert gaps and any(re.fullmatch(r"\d{1,2}月|第.季度|.半年|.*党小组\d{1,2}月|\d{4}年", g) for g in gaps)


def test_branch_averages_json(demo_file, capsys):
    data = run_json(capsys, "--db", str(demo_file), "points", "branches", "--year", str(YEAR), "--json")
    b = data["branches"][0]
    assert b["rated"] <= b["members"] and 0 < b["average"] < 150 and sum(b["stars"].values()) == b["rated"]


def test_catalogue_export_edit_import(town, tmp_path, capsys):
    out = tmp_path / "细则.xlsx"
    assert main(["--db", str(town), "points", "export", str(out), "--year", str(YEAR + 1)]) == 0
    wb = load_workbook(out)
    wb["积分细则"].append(["Z1", "加分", "本镇特色：护林巡河", 2, "每次", 6, "", "", "", "是", ""])
    wb.save(out)
    capsys.readouterr()
    assert main(["--db", str(town), "points", "import", str(out)]) == 0
    assert "新增1项" in capsys.readouterr().out
    data = run_json(capsys, "--db", str(town), "points", "catalogue", "--year", str(YEAR + 1), "--json")
    assert "Z1" in [i["code"] for i in data["items"]]


def test_ledger_import_then_undo(town, tmp_path, capsys):
    out = tmp_path / "台账.xlsx"
    name = branch_names(town)[0]
    assert main(["--db", str(town), "points", "export", str(out), "--year", str(YEAR), "--ledger",
                 "--branch", name]) == 0
    capsys.readouterr()
    wb = load_workbook(out)
    ws = wb["积分台账"]
    first = [c.value for c in ws[2]]
    ws.delete_rows(2, ws.max_row)
    ws.append([first[0], first[1], first[2], f"{YEAR}-12-30", "A08", None, "建议被采纳"])
    wb.save(out)
    before = run_json(capsys, "--db", str(town), "points", "totals", "--year", str(YEAR), "--branch", name, "--json")
    assert main(["--db", str(town), "points", "import", str(out)]) == 0
    assert "已导入积分台账1条" in capsys.readouterr().out
    after = run_json(capsys, "--db", str(town), "points", "totals", "--year", str(YEAR), "--branch", name, "--json")
    changed = [(a["total"] - b["total"]) for a, b in zip(after["members"], before["members"]) if a != b]
    assert changed in ([2], [])  # [] only when that member had already reached the item's cap
    assert main(["--db", str(town), "points", "undo"]) == 0
    assert "已撤销" in capsys.readouterr().out
    assert run_json(capsys, "--db", str(town), "points", "totals", "--year", str(YEAR), "--branch", name,
                    "--json") == before


def test_lock_and_unlock(town, capsys):
    assert main(["--db", str(town), "points", "lock", "--year", str(YEAR), "--from", f"{YEAR + 1}-01-05",
                 "--to", f"{YEAR + 1}-01-11"]) == 0
    assert "已锁定" in capsys.readouterr().out
    data = run_json(capsys, "--db", str(town), "points", "totals", "--year", str(YEAR), "--json")
    assert all(m["locked"] for m in data["members"])
    assert main(["--db", str(town), "points", "undo"]) != 0
    assert "锁定" in capsys.readouterr().err
    assert main(["--db", str(town), "points", "unlock", "--year", str(YEAR), "--reason", "更正"]) == 0


def test_report_members_pdf(town, tmp_path, capsys):
    with Database.open(town) as db:
        set_setting(db, "publicity_contact_office", "镇党委组织办")
        set_setting(db, "publicity_contact_phone", "0359-6123456")
        name = branch_names(town)[0]
        rows = [t for t in totals(db, YEAR) if t.org_name == name]
        ids = [r[0] for r in db.query("SELECT id_number FROM member m JOIN org o ON o.id = m.org_id WHERE o.name = ?",
                                      (name,))]
    out = tmp_path / "星级党员.pdf"
    assert main(["--db", str(town), "report", "members", "--year", str(YEAR), "--branch", name, "--out", str(out)]) == 0
    assert "已保存" in capsys.readouterr().out
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert f"{name}{YEAR}年度星级党员评定结果公示" in compact
    assert all(r.name in compact for r in rows)
    assert "三星党员" in compact and "共" in compact and "页" in compact
    assert not any(i in compact for i in ids)


def test_report_members_needs_an_objection_contact(town, tmp_path, capsys):
    name = branch_names(town)[0]
    for key in ("publicity_contact_phone", "publicity_contact_address"):  # the demo fills them in
        assert main(["--db", str(town), "settings", "set", key, ""]) == 0
    capsys.readouterr()
    assert main(["--db", str(town), "report", "members", "--year", str(YEAR), "--branch", name,
                 "--out", str(tmp_path / "x.pdf")]) != 0
    assert "异议受理" in capsys.readouterr().err
