"""`dangjian schemes …` (no database needed)."""

from __future__ import annotations

import json

import pytest
from schemes_util import fill_to_total

from dangjian_desktop.cli import main
from dangjian_desktop.schemes import load_scheme


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return json.loads(out), err


def test_list_json(capsys):
    data, _ = run_json(capsys, "schemes", "list", "--json")
    assert [d["id"] for d in data] == ["liuyou", "xingji-zhibu", "xingji-dangyuan", "guifanhua", "wuhua",
                                       "chuangxing", "wugehao"]
    assert all(d["name"] for d in data)


def test_list_text(capsys):
    code, out, _ = run(capsys, "schemes", "list")
    assert code == 0 and "guifanhua" in out and "党支部规范化建设考核细则" in out


def test_show_json_has_sections_items_vetoes_issues(capsys):
    data, _ = run_json(capsys, "schemes", "show", "guifanhua", "--json")
    assert [(s["code"], s["title"], s["max"]) for s in data["sections"]] == [
        ("A", "组织设置合理", 10), ("B", "党员管理规范", 30), ("C", "活动开展有序", 30), ("D", "保障措施到位", 30)]
    assert [i["max"] for i in data["sections"][2]["items"]] == [2, 6, 6, 2, 8, 8]
    assert all({"code", "title", "max"} <= set(i) for s in data["sections"] for i in s["items"])
    assert [v["code"] for v in data["vetoes"]] == ["V1", "V2", "V3"]
    assert any("32" in x and "处理说明" in x for x in data["issues"])


def test_show_text(capsys):
    code, out, _ = run(capsys, "schemes", "show", "wuhua")
    assert code == 0 and "组织网格化" in out and "16 分得一星" in out


def _scores(tmp_path, data):
    p = tmp_path / "scores.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("sid, total, rating, stars", [
    ("liuyou", 94.5, "优良", None),
    ("liuyou", 69.5, "差", None),
    ("guifanhua", 85, "合格", None),
    ("chuangxing", 80, "四星", 4),
    ("xingji-zhibu", 60, "一星", 1),
])
def test_eval(capsys, tmp_path, sid, total, rating, stars):
    scores = fill_to_total(load_scheme(sid), total)
    data, _ = run_json(capsys, "schemes", "eval", sid, _scores(tmp_path, {"scores": scores, "vetoes": []}))
    assert (data["total"], data["rating"], data["stars"], data["vetoed"]) == (total, rating, stars, False)
    assert isinstance(data["reasons"], list) and data["reasons"]


def test_eval_with_veto(capsys, tmp_path):
    scores = fill_to_total(load_scheme("guifanhua"), 100)
    data, _ = run_json(capsys, "schemes", "eval", "guifanhua", _scores(tmp_path, {"scores": scores, "vetoes": ["V2"]}))
    assert (data["rating"], data["vetoed"]) == ("不合格", True)


def test_eval_wuhua_stars_are_an_integer(capsys, tmp_path):
    data, _ = run_json(capsys, "schemes", "eval", "wuhua",
                       _scores(tmp_path, {"scores": {"A": 16, "B": 16, "C": 16, "D": 16, "E": 15.5}}))
    assert data["stars"] == 4 and data["rating"] == "四星"


def test_eval_missing_items_warn(capsys, tmp_path):
    data, err = run_json(capsys, "schemes", "eval", "liuyou", _scores(tmp_path, {"scores": {"A": 40}}))
    assert data["total"] == 40 and data["missing"] == ["B", "C", "D", "E"]
    assert "按 0 分计" in err and "按 0 分计" in data["warnings"][0]


@pytest.mark.parametrize("doc, fragment", [
    ({"scores": {"A1": 3}}, "超过满分 2 分"),
    ({"scores": {"A1": -1}}, "不能为负数"),
    ({"scores": {"X1": 1}}, "“X1”不是本方案"),
    ({"scores": {}, "vetoes": ["V9"]}, "“V9”不在本方案"),
    ({"score": {}}, "无法识别的键"),
])
def test_eval_bad_scores_exit_2(capsys, tmp_path, doc, fragment):
    code, out, err = run(capsys, "schemes", "eval", "guifanhua", _scores(tmp_path, doc))
    assert code == 2 and out == ""
    assert fragment in err and "Traceback" not in err


def test_eval_bad_json_exit_2(capsys, tmp_path):
    p = tmp_path / "s.json"
    p.write_text("{", encoding="utf-8")
    code, _out, err = run(capsys, "schemes", "eval", "liuyou", str(p))
    assert code == 2 and "不是有效的 JSON" in err


def test_eval_unknown_scheme(capsys, tmp_path):
    code, _out, err = run(capsys, "schemes", "eval", "nosuch", _scores(tmp_path, {"scores": {}}))
    assert code == 2 and "没有编号为“nosuch”的评分方案" in err


def test_export_validate_import(capsys, tmp_path):
    xlsx = tmp_path / "g.xlsx"
    code, out, _ = run(capsys, "schemes", "export", "guifanhua", str(xlsx))
    assert code == 0 and xlsx.is_file()
    code, out, _ = run(capsys, "schemes", "validate", str(xlsx))
    assert code == 0 and "32" in out and "检查通过" in out
    code, out, err = run(capsys, "schemes", "import", str(xlsx))
    assert code == 0 and "guifanhua-2" in out and "内置方案" in err
    data, _ = run_json(capsys, "schemes", "list", "--json")
    assert data[-1]["id"] == "guifanhua-2" and data[-1]["builtin"] is False


def test_import_with_new_id(capsys, tmp_path):
    xlsx = tmp_path / "l.xlsx"
    run(capsys, "schemes", "export", "liuyou", str(xlsx))
    code, out, _ = run(capsys, "schemes", "import", str(xlsx), "--id", "liuyou-2026")
    assert code == 0 and "liuyou-2026" in out
    data, _ = run_json(capsys, "schemes", "show", "liuyou-2026", "--json")
    assert data["builtin"] is False and data["name"] == "六有党支部创建评选"


def test_validate_reports_errors_with_exit_2(capsys, tmp_path):
    data, _ = run_json(capsys, "schemes", "show", "liuyou", "--json")
    data["rating"]["levels"][-1]["min"] = 10
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "schemes", "validate", str(p))
    assert code == 2 and "错误：" in out and "低于 10 分" in out


def test_export_json_round_trips(capsys, tmp_path):
    p = tmp_path / "w.json"
    run(capsys, "schemes", "export", "wuhua", str(p))
    data, _ = run_json(capsys, "schemes", "show", str(p), "--json")
    assert data["id"] == "wuhua" and data["issues"] == []


def test_delete(capsys, tmp_path):
    xlsx = tmp_path / "c.xlsx"
    run(capsys, "schemes", "export", "chuangxing", str(xlsx))
    run(capsys, "schemes", "import", str(xlsx))
    code, out, _ = run(capsys, "schemes", "delete", "chuangxing-2")
    assert code == 0
    code, _out, err = run(capsys, "schemes", "delete", "chuangxing")
    assert code != 0 and "内置方案" in err
