"""`dangjian rounds …` and `dangjian report publicity` through the real command line."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dangjian_desktop.cli import main


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def demo_db(demo_offices, tmp_path):
    """文城镇 after `dangjian init` and `dangjian demo --seed 3` (built once per test process: conftest)."""
    return str(demo_offices.copy(tmp_path / "town.sqlite", seed=3))


def test_rounds_list_json(demo_db, capsys):
    code, out, _ = run(capsys, "--db", demo_db, "rounds", "list", "--json")
    rounds = json.loads(out)
    assert code == 0 and isinstance(rounds, list) and len(rounds) == 4
    assert all({"id", "year", "scheme", "state"} <= set(r) for r in rounds)
    assert [r["state"] for r in rounds[1:]] == ["确定"] * 3


def test_create_and_rate_json(demo_db, capsys):
    code, out, err = run(capsys, "--db", demo_db, "rounds", "create", "--year", "2030", "--scheme", "wuhua",
                         "--scope", "社区,网格", "--json")
    assert code == 0, err
    created = json.loads(out)
    from dangjian_desktop.db import Database

    with Database.open(demo_db, "read") as db:
        expected = db.scalar("SELECT count(*) FROM org WHERE org_type = '党支部' AND kind IN ('社区', '网格')")
    assert expected > 0 and created["branches"] == expected and created["scheme"] == "wuhua"
    code, out, _ = run(capsys, "--db", demo_db, "rounds", "rate", created["id"][:8], "--json")
    rating = json.loads(out)
    assert code == 0 and len(rating["branches"]) == expected
    assert {"total", "rating", "stars", "vetoed", "quota_flags", "consequences"} <= set(rating["branches"][0])


def test_rate_finished_round_text(demo_db, capsys):
    year = json.loads(run(capsys, "--db", demo_db, "rounds", "list", "--json")[1])[1]["year"]
    code, out, _ = run(capsys, "--db", demo_db, "rounds", "rate", str(year))
    assert code == 0 and "★" in out and "分" in out


def test_create_refuses_unknown_scope(demo_db, capsys):
    code, _, err = run(capsys, "--db", demo_db, "rounds", "create", "--year", "2030", "--scheme", "wuhua",
                       "--scope", "火星")
    assert code != 0 and "火星" in err and "Traceback" not in err


def test_import_scores_round_trip(demo_db, capsys, tmp_path):
    code, out, _ = run(capsys, "--db", demo_db, "rounds", "create", "--year", "2030", "--scheme", "chuangxing",
                       "--scope", "机关", "--json")
    rid = json.loads(out)["id"]
    code, out, err = run(capsys, "--db", demo_db, "rounds", "export-forms", rid, "--out", str(tmp_path / "f"))
    assert code == 0, err
    form = sorted((tmp_path / "f").glob("*.xlsx"))[0]
    wb = load_workbook(form)
    for r in range(5, 10):
        wb["自评表"].cell(r, 6).value = 18.5
    wb.save(form)
    code, out, err = run(capsys, "--db", demo_db, "rounds", "import-scores", rid, str(form), "--json")
    report = json.loads(out)
    assert code == 0 and report["written"] and len(report["scores"]) == 5
    # A bad file: exit code 2, the error named with row and column, and an error report written.
    wb["自评表"].cell(5, 6).value = 25
    wb.save(form)
    bad_report = tmp_path / "errors.xlsx"
    code, out, err = run(capsys, "--db", demo_db, "rounds", "import-scores", rid, str(form), "--errors",
                         str(bad_report))
    assert code == 2 and "第5行" in out and "超过" in out
    assert bad_report.exists()


def test_draw_lots_on_a_county(tmp_path, capsys):
    path = str(tmp_path / "county.sqlite")
    assert main(["--db", path, "init", "--name", "测试县", "--level", "county"]) == 0
    assert main(["--db", path, "demo", "--towns", "3", "--seed", "2"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "--db", path, "rounds", "create", "--year", "2031", "--scheme", "wuhua", "--json")
    rid = json.loads(out)["id"]
    code, out, err = run(capsys, "--db", path, "rounds", "draw-lots", rid, "--seed", "42", "--json",
                         "--pdf", str(tmp_path / "lots.pdf"))
    assert code == 0, err
    first = json.loads(out)
    assert first["seed"] == "42" and first["reproducible"]
    assert all(p["team"] != p["assesses"] for p in first["pairs"])
    assert (tmp_path / "lots.pdf").exists()
    code, out, _ = run(capsys, "--db", path, "rounds", "draw-lots", rid, "--seed", "42", "--json")
    assert json.loads(out)["pairs"] == first["pairs"]


def test_report_publicity(demo_db, capsys, tmp_path):
    for key, value in (("publicity_contact_phone", "0898-63221234"), ("publicity_contact_address", "镇政府大院")):
        from dangjian_desktop.db import Database
        from dangjian_desktop.registry import set_setting

        with Database.open(demo_db) as db:
            set_setting(db, key, value)
    year = json.loads(run(capsys, "--db", demo_db, "rounds", "list", "--json")[1])[1]["year"]
    out_pdf = tmp_path / "公示.pdf"
    code, out, err = run(capsys, "--db", demo_db, "report", "publicity", "--round", str(year), "--out",
                         str(out_pdf), "--paper", "A3", "--landscape")
    assert code == 0, err
    text = "".join(p.extract_text() for p in PdfReader(out_pdf).pages).replace(" ", "")
    assert f"关于文城镇{year}年度星级党组织评定结果的公示" in text


def test_report_publicity_without_contact_fails_cleanly(demo_db, capsys, tmp_path):
    for key in ("publicity_contact_phone", "publicity_contact_address"):  # the demo fills them in
        run(capsys, "--db", demo_db, "settings", "set", key, "")
    code, _, err = run(capsys, "--db", demo_db, "report", "publicity", "--round", "2025", "--out",
                       str(tmp_path / "x.pdf"))
    assert code != 0 and "Traceback" not in err and err.strip()


def test_move_and_dashboard(demo_db, capsys):
    code, out, _ = run(capsys, "--db", demo_db, "rounds", "create", "--year", "2030", "--scheme", "chuangxing",
                       "--scope", "企业", "--json")
    rid = json.loads(out)["id"]
    code, _, err = run(capsys, "--db", demo_db, "rounds", "move", rid, "--to", "初审")
    assert code != 0 and "未填" in err
    code, out, _ = run(capsys, "--db", demo_db, "rounds", "dashboard", rid, "--json")
    d = json.loads(out)
    assert d["counts"]["自评"] == 2 and all("5项自评分未填" in r["missing"] for r in d["rows"])


def test_holidays_list(demo_db, capsys):
    code, out, _ = run(capsys, "--db", demo_db, "rounds", "holidays", "--year", "2026", "--json")
    data = json.loads(out)
    assert code == 0 and (data["year"], data["known"], data["basis"]) == (2026, True, "builtin")
    assert {"day": "2026-02-14", "kind": "班", "name": "春节", "builtin": True} in data["days"]
