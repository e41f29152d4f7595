"""党员队伍结构 against the roster export: the counts a clerk would get by counting the exported
花名册 by hand (here: openpyxl and Counter, with the rules written out again in the test)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from openpyxl import load_workbook

from dangjian_desktop.cli import main
from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.registry import change_status, init_office
from dangjian_desktop.roster import export_roster
from dangjian_desktop.statistics import structure

AT = dt.date(2026, 12, 31)
AGE_LABELS = ["30岁及以下", "31至35岁", "36至40岁", "41至45岁", "46至50岁", "51至55岁", "56至60岁", "61岁及以上"]
# The days the periods of joining start: PRC founded, 3rd Plenum of the 11th CC opened, 18th Congress opened.
PERIODS = [("新中国成立前", None), ("新中国成立至党的十一届三中全会前", "1949-10-01"),
           ("十一届三中全会至党的十八大前", "1978-12-18"), ("党的十八大以来", "2012-11-08")]


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("town") / "town.sqlite"
    db = Database.create(path)
    init_office(db, name="测试镇", level="town")
    generate(db, seed=9, today=dt.date(2026, 3, 16))
    # Members who left the roster: the export and the statistics both leave them out.
    for mid in [r[0] for r in db.query("SELECT id FROM member WHERE status = '正常' ORDER BY id LIMIT 3")]:
        change_status(db, mid, event="转出", date="2026-03-01", note="转往外县")
    yield db
    db.close()


def band(born) -> str:
    b = born if isinstance(born, dt.date) else dt.date.fromisoformat(str(born)[:10])
    age = AT.year - b.year - ((AT.month, AT.day) < (b.month, b.day))
    if age <= 30:
        return AGE_LABELS[0]
    if age >= 61:
        return AGE_LABELS[-1]
    return AGE_LABELS[1 + (age - 31) // 5]


def period(joined) -> str:
    day = joined.isoformat() if isinstance(joined, dt.date) else str(joined)[:10]
    label = PERIODS[0][0]
    for name, start in PERIODS[1:]:
        if day >= start:
            label = name
    return label


def exported(db, path, **kw) -> list[dict]:
    export_roster(db, path, **kw)
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    h = next(i for i, r in enumerate(rows) if r and "姓名" in r)
    head = list(rows[h])
    return [dict(zip(head, r)) for r in rows[h + 1:] if r and r[head.index("姓名")]]


def counted(rows: list[dict]) -> dict:
    def by(col, f=lambda v: v):
        return Counter(f(r[col]) for r in rows)

    return {
        "total": len(rows),
        "性别": by("性别"), "党员类别": by("党员类别"), "学历": by("学历", lambda v: v or "未填写"),
        "工作岗位": by("工作岗位", lambda v: v or "未填写"), "年龄": by("出生日期", band), "入党时间": by("入党日期", period),
        "民族": by("民族", lambda v: "汉族" if v == "汉族" else "少数民族"),
        "少数民族明细": Counter(r["民族"] for r in rows if r["民族"] != "汉族"),
        "流动党员": sum(r["流动党员"] == "是" for r in rows), "困难党员": sum(r["困难党员"] == "是" for r in rows),
    }


def nonzero(d: dict) -> dict:
    return {k: v for k, v in d.items() if v}


def scopes(db) -> list[tuple[str, str | None]]:
    general = db.one("SELECT id, name FROM org WHERE org_type = '党总支' ORDER BY sort_order LIMIT 1")
    biggest = db.one("SELECT o.id, o.name FROM org o JOIN member m ON m.org_id = o.id WHERE o.org_type = '党支部' "
                     "GROUP BY o.id ORDER BY count(*) DESC LIMIT 1")
    return [("本单位", None), (general["name"], general["id"]), (biggest["name"], biggest["id"])]


def test_every_count_agrees_with_the_roster_export_of_the_same_scope(town, tmp_path):
    for name, org_id in scopes(town):
        want = counted(exported(town, tmp_path / f"{name}.xlsx", org_id=org_id))
        s = structure(town, org_id, AT)
        got = s.to_dict()
        assert got["total"] == want["total"] > 0, name
        for key in ("性别", "党员类别", "学历", "工作岗位", "年龄", "入党时间", "民族", "少数民族明细"):
            assert nonzero(got[key]) == dict(want[key]), (name, key)
        assert (got["流动党员"], got["困难党员"]) == (want["流动党员"], want["困难党员"]), name
        for key in ("性别", "民族", "年龄", "学历", "入党时间", "党员类别", "工作岗位"):
            assert sum(got[key].values()) == got["total"], (name, key)


def test_members_who_left_are_in_neither(town):
    left = town.scalar("SELECT count(*) FROM member WHERE status = '已转出'")
    assert left == 3
    assert structure(town, None, AT).total == town.scalar("SELECT count(*) FROM member") - left


def test_lost_contact_and_organisations_are_counted_in_the_scope(town):
    s = structure(town, None, AT)
    assert s.flags["失联党员"] == town.scalar("SELECT count(*) FROM member WHERE status = '失联'")
    want = Counter(r[0] for r in town.query("SELECT org_type FROM org"))
    assert s.orgs == {t: want.get(t, 0) for t in ("党委", "党总支", "党支部", "党小组")}
    kinds = Counter(r[0] or "未分类" for r in town.query("SELECT kind FROM org WHERE org_type = '党支部'"))
    assert {k: v for k, v in s.branch_kinds.items() if v} == dict(kinds)
    branch = town.one("SELECT id FROM org WHERE org_type = '党支部' AND id IN "
                      "(SELECT parent_id FROM org WHERE org_type = '党小组') LIMIT 1")["id"]
    groups = town.scalar("SELECT count(*) FROM org WHERE parent_id = ? AND org_type = '党小组'", (branch,))
    assert structure(town, branch, AT).orgs == {"党委": 0, "党总支": 0, "党支部": 1, "党小组": groups}


def test_cli_json_has_the_dimensions_and_the_age_labels(town, capsys):
    path = town.path
    assert main(["--db", str(path), "report", "structure", "--date", AT.isoformat(), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["年龄"]) == AGE_LABELS
    assert list(data["入党时间"]) == [p for p, _ in PERIODS]
    assert data == json.loads(json.dumps(structure(town, None, AT).to_dict(), ensure_ascii=False))
    for key in ("性别", "民族", "年龄", "学历", "入党时间", "党员类别", "工作岗位"):
        assert sum(data[key].values()) == data["total"], key


def test_cli_org_counts_the_named_organisation_and_refuses_unknown_names(town, capsys):
    name, org_id = scopes(town)[2]
    assert main(["--db", str(town.path), "report", "structure", "--org", name, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == structure(town, org_id).total
    assert main(["--db", str(town.path), "report", "structure", "--org", "没有这个党支部", "--json"]) == 1
    err = capsys.readouterr().err
    assert "找不到党组织" in err and "导入" not in err and "Traceback" not in err
    assert main(["--db", str(town.path), "report", "structure", "--date", "2026-02-30"]) == 1
    assert "统计时间" in capsys.readouterr().err
