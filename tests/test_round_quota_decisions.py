"""Titles and levels within a quota are chosen by a reviewer, recorded and printed as chosen
(六有党支部 1–2 per town, 文城镇 up to 5; 五化 五星 ≤ 15 %, 四星 ≤ 30 %)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pypdf import PdfReader

from assessment_util import add_branches, county_db, drive, fill, new_round
from dangjian_desktop.assessment import rate_round, workflow
from dangjian_desktop.assessment.quota_decisions import (name_holders, name_nobody, quota_overview, unname_holders,
                                                         unname_nobody)
from dangjian_desktop.cli import main
from dangjian_desktop.errors import LockedError, UserError
from dangjian_desktop.registry import set_setting
from dangjian_desktop.reports.round_publicity import PublicityOptions, build_round_publicity, prepare

PUB = dt.date(2025, 12, 1)
AFTER = dt.date(2026, 1, 5)
EXCELLENT = {"A": 40, "B": 20, "C": 15, "D": 15, "E": 10}


def liuyou_values(total_of):
    return lambda i, t=total_of: {"A": 40, "B": 20, "C": 15, "D": 15, "E": 10}[i.code] - (
        {"A": 100 - t}.get(i.code, 0))


def by_name(rating):
    return {b.org_name: b for b in rating.branches}


@pytest.fixture
def liuyou(db):
    """One town, four villages: three 优秀 (100, 98, 96) for a cap of 2, one 优良."""
    set_setting(db, "publicity_contact_phone", "0898-63221234")
    add_branches(db, [("甲村党支部", "村"), ("乙村党支部", "村"), ("丙村党支部", "村"), ("丁村党支部", "村")])
    rid, branches = new_round(db, scheme="liuyou")
    for b, total in zip(branches, (100, 98, 96, 90)):
        drive(db, b.id, "公示", value_of=lambda i, t=total: EXCELLENT[i.code] - (100 - t if i.code == "A" else 0))
    return db, rid, {b.org_name: b.id for b in branches}


def test_over_the_cap_nothing_is_decided_and_confirm_is_refused(liuyou):
    db, rid, ids = liuyou
    r = by_name(rate_round(db, rid))
    assert [r[n].award for n in ("甲村党支部", "乙村党支部", "丙村党支部", "丁村党支部")] == [True, True, True, False]
    assert r["丙村党支部"].quota_pending == ["六有党支部"] and r["丁村党支部"].quota_pending == []
    with pytest.raises(UserError, match="名额"):
        workflow.confirm(db, ids["丙村党支部"], today=AFTER)
    # The branch that does not qualify is not held up.
    workflow.confirm(db, ids["丁村党支部"], today=AFTER)
    (view,) = quota_overview(db, rid)
    assert (view.title, view.limit, view.status, len(view.qualified)) == ("六有党支部", 2, "待决定", 3)


def test_publicity_prints_the_decision_not_the_qualification(liuyou, tmp_path):
    db, rid, ids = liuyou
    with pytest.raises(UserError, match="尚未确定名单"):
        build_round_publicity(db, rid, tmp_path / "x.pdf", PublicityOptions(start=PUB))
    name_holders(db, rid, "六有党支部", [ids["甲村党支部"], ids["丙村党支部"]], reason="镇党委会议研究决定")
    r = by_name(rate_round(db, rid))
    assert [r[n].award for n in ("甲村党支部", "乙村党支部", "丙村党支部")] == [True, False, True]
    assert r["乙村党支部"].raw_award is True and r["乙村党支部"].rating == "优秀"
    assert any("未被确定" in x for x in r["乙村党支部"].reasons)
    assert r["甲村党支部"].named == ["六有党支部"] and any("镇党委会议研究决定" in x for x in r["甲村党支部"].reasons)
    info = prepare(db, rid, PublicityOptions(start=PUB))
    assert [(row[1], row[-1]) for row in info.sheet.rows] == [
        ("甲村党支部", "六有党支部"), ("乙村党支部", ""), ("丙村党支部", "六有党支部"), ("丁村党支部", "")]
    path = build_round_publicity(db, rid, tmp_path / "x.pdf", PublicityOptions(start=PUB))
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "").replace(" ", "")
    assert text.count("六有党支部") == info.sheet.title.count("六有党支部") + 2 + (
        info.sheet.opening + "".join(info.sheet.notes)).count("六有党支部")
    # Exports (JSON) carry the decision too.
    d = rate_round(db, rid).to_dict()
    b = next(x for x in d["branches"] if x["branch"] == "乙村党支部")
    assert (b["award"], b["raw_award"]) == (False, True)
    for sid in ids.values():
        workflow.confirm(db, sid, today=AFTER)


def test_who_and_when_are_logged_and_every_rule_is_checked(liuyou):
    db, rid, ids = liuyou
    with pytest.raises(UserError, match="理由"):
        name_holders(db, rid, "六有党支部", [ids["甲村党支部"]], reason=" ")
    with pytest.raises(UserError, match="不符合"):
        name_holders(db, rid, "六有党支部", [ids["丁村党支部"]], reason="x")
    with pytest.raises(UserError, match="超过名额"):
        name_holders(db, rid, "六有党支部", list(ids.values())[:3], reason="x")
    with pytest.raises(UserError, match="没有限制"):
        name_holders(db, rid, "优良", [ids["丁村党支部"]], reason="x")
    name_holders(db, rid, "六有党支部", [ids["甲村党支部"]], reason="综合排名第一", actor="李审核")
    row = db.one("SELECT * FROM round_quota_decision")
    assert (row["decided_by"], row["reason"], row["title"]) == ("李审核", "综合排名第一", "六有党支部")
    tx = db.one("SELECT actor, reason FROM tx_log ORDER BY id DESC LIMIT 1")
    assert "甲村党支部" in tx["reason"] and "综合排名第一" in tx["reason"]
    assert db.scalar("SELECT count(*) FROM change_log WHERE tbl = 'round_quota_decision'") == 1
    # One named is a decision: the others do not hold the title ("1-2 个").
    r = by_name(rate_round(db, rid))
    assert (r["甲村党支部"].award, r["乙村党支部"].award, r["丙村党支部"].award) == (True, False, False)
    with pytest.raises(UserError, match="理由"):
        unname_holders(db, rid, "六有党支部", [ids["甲村党支部"]], reason="")
    unname_holders(db, rid, "六有党支部", [ids["甲村党支部"]], reason="复核后改定")
    assert by_name(rate_round(db, rid))["乙村党支部"].quota_pending == ["六有党支部"]
    assert "复核后改定" in db.scalar("SELECT reason FROM tx_log ORDER BY id DESC LIMIT 1")


def test_a_confirmed_candidate_freezes_the_list(liuyou):
    db, rid, ids = liuyou
    name_holders(db, rid, "六有党支部", [ids["甲村党支部"], ids["乙村党支部"]], reason="排名前二")
    workflow.confirm(db, ids["甲村党支部"], today=AFTER)
    workflow.confirm(db, ids["丙村党支部"], today=AFTER)  # confirmed without the title
    with pytest.raises(LockedError):
        unname_holders(db, rid, "六有党支部", [ids["甲村党支部"]], reason="改")
    with pytest.raises(LockedError):
        name_holders(db, rid, "六有党支部", [ids["丙村党支部"]], reason="改")
    # 乙 is not confirmed yet: the reviewer may still take it off (甲 keeps the title, 丙 stays without).
    unname_holders(db, rid, "六有党支部", [ids["乙村党支部"]], reason="复核")
    r = by_name(rate_round(db, rid))
    assert (r["甲村党支部"].award, r["乙村党支部"].award, r["丙村党支部"].award) == (True, False, False)


def test_within_the_cap_every_qualifier_holds_and_naming_is_refused(db):
    add_branches(db, [("甲村党支部", "村"), ("乙村党支部", "村"), ("丙村党支部", "村")])
    rid, branches = new_round(db, scheme="liuyou")
    for b, total in zip(branches, (100, 98, 90)):
        fill(db, b.id, "self", lambda i, t=total: EXCELLENT[i.code] - (100 - t if i.code == "A" else 0))
    (sc,) = rate_round(db, rid).quota_scopes
    assert (sc.over, sc.status, sc.holders) == (False, "未超名额", [branches[0].id, branches[1].id])
    assert [b.award for b in rate_round(db, rid).branches] == [True, True, False]
    with pytest.raises(UserError, match="无需确定名单"):
        name_holders(db, rid, "六有党支部", [branches[0].id], reason="x")


def test_new_qualifier_after_the_decision_asks_again(db):
    add_branches(db, [("甲村党支部", "村"), ("乙村党支部", "村"), ("丙村党支部", "村"), ("丁村党支部", "村")])
    rid, branches = new_round(db, scheme="liuyou")
    for b, total in zip(branches, (100, 98, 96, 90)):
        fill(db, b.id, "self", lambda i, t=total: EXCELLENT[i.code] - (100 - t if i.code == "A" else 0))
    name_holders(db, rid, "六有党支部", [branches[0].id, branches[1].id], reason="排名前二")
    fill(db, branches[3].id, "self", lambda i: EXCELLENT[i.code])  # 丁 now 优秀 too
    sc = rate_round(db, rid).quota_scopes[0]
    assert (sc.status, sc.unconsidered) == ("待决定", [branches[3].id])
    name_holders(db, rid, "六有党支部", [branches[0].id, branches[1].id], reason="复核后维持")
    assert rate_round(db, rid).quota_scopes[0].status == "已决定"


def test_wencheng_may_name_up_to_five(tmp_path):
    db = county_db(tmp_path / "c.sqlite", ["文城镇", "甲镇"], per_town=6)
    rid, branches = new_round(db, scheme="liuyou")
    for b in branches:
        fill(db, b.id, "self", lambda i: EXCELLENT[i.code])
    scopes = {sc.scope: sc for sc in rate_round(db, rid).quota_scopes}
    assert (scopes["文城镇"].limit, scopes["甲镇"].limit) == (5, 2)
    wen = [b.id for b in branches if b.town == "文城镇"]
    with pytest.raises(UserError, match="超过名额"):
        name_holders(db, rid, "六有党支部", wen, reason="x")
    assert name_holders(db, rid, "六有党支部", wen[:5], reason="排名前五") == 5
    scopes = {sc.scope: sc for sc in rate_round(db, rid).quota_scopes}
    assert scopes["文城镇"].status == "已决定" and scopes["甲镇"].status == "待决定"
    db.close()


def test_wuhua_levels_cascade_and_a_cap_of_none(db):
    # 10 communities: 五星 ≤ 15 % → 1, 四星 ≤ 30 % → 3.
    add_branches(db, [(f"{c}社区党支部", "社区") for c in "甲乙丙丁戊己庚辛壬癸"])
    rid, branches = new_round(db, scheme="wuhua")
    values = [20, 19, 18, 17, 17, 12, 12, 12, 12, 12]  # three 五星, two 四星
    for b, v in zip(branches, values):
        fill(db, b.id, "self", lambda i, v=v: v)
    scopes = {sc.title: sc for sc in rate_round(db, rid).quota_scopes}
    assert (scopes["五星"].status, scopes["四星"].status) == ("待决定", "未超名额")
    name_holders(db, rid, "五星", [branches[0].id], reason="唯一名额给总分最高者")
    rating = rate_round(db, rid)
    r = by_name(rating)
    assert [r[n].rating for n in ("甲社区党支部", "乙社区党支部", "丙社区党支部")] == ["五星", "四星", "四星"]
    assert (r["乙社区党支部"].stars, r["乙社区党支部"].bonus) == (4, 8)
    # Now four 四星 for three places: the next decision.
    scopes = {sc.title: sc for sc in rating.quota_scopes}
    assert scopes["四星"].status == "待决定" and len(scopes["四星"].qualified) == 4
    name_holders(db, rid, "四星", [branches[1].id, branches[3].id, branches[4].id], reason="按总分")
    assert by_name(rate_round(db, rid))["丙社区党支部"].rating == "三星"


def test_a_cap_that_allows_none_is_decided_as_none(db):
    add_branches(db, [("甲社区党支部", "社区"), ("乙社区党支部", "社区")])
    rid, branches = new_round(db, scheme="wuhua")
    fill(db, branches[0].id, "self", lambda i: 20)
    fill(db, branches[1].id, "self", lambda i: 10)
    (sc5, sc4) = rate_round(db, rid).quota_scopes
    assert (sc5.title, sc5.limit, sc5.status) == ("五星", 0, "待决定")
    with pytest.raises(UserError, match="超过名额"):
        name_holders(db, rid, "五星", [branches[0].id], reason="x")
    name_nobody(db, rid, "五星", reason="两个社区，15%不足一个名额")
    name_nobody(db, rid, "四星", reason="同上")
    assert by_name(rate_round(db, rid))["甲社区党支部"].rating == "三星"
    unname_nobody(db, rid, "四星", reason="复核")
    assert by_name(rate_round(db, rid))["甲社区党支部"].quota_pending == ["四星"]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_quota_name_and_unname(liuyou, db_path, capsys):
    db, rid, ids = liuyou
    db.close()
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "quota", "--round", rid, "--json")
    data = json.loads(out)
    (scope,) = data["scopes"]
    assert code == 0 and (scope["title"], scope["limit"], scope["status"]) == ("六有党支部", 2, "待决定")
    assert [q["branch"] for q in scope["qualified"]] == ["甲村党支部", "乙村党支部", "丙村党支部"]
    code, _, err = run(capsys, "--db", str(db_path), "rounds", "name", "--round", rid, "--title", "六有党支部",
                       "--branch", "甲村党支部", "--branch", "乙村党支部", "--branch", "丙村党支部", "--reason", "x")
    assert code != 0 and "超过名额" in err
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "name", "--round", rid, "--title", "六有党支部",
                       "--branch", "甲村党支部", "--branch", "丙村党支部", "--reason", "镇党委研究", "--by", "王审核")
    assert code == 0
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "quota", "--round", rid)
    assert "已确定：甲村党支部、丙村党支部" in out and "王审核" in out and "镇党委研究" in out
    code, out, _ = run(capsys, "--db", str(db_path), "rounds", "unname", "--round", rid, "--title", "六有党支部",
                       "--branch", "丙村党支部", "--reason", "改定")
    assert code == 0
    data = json.loads(run(capsys, "--db", str(db_path), "rounds", "quota", "--round", rid, "--json")[1])
    assert [q["branch"] for q in data["scopes"][0]["named"]] == ["甲村党支部"]


def test_the_whole_list_of_a_scope_is_set_in_one_unit_of_work(liuyou):
    from dangjian_desktop.assessment.quota_decisions import set_holders

    db, rid, ids = liuyou
    before = db.scalar("SELECT max(id) FROM tx_log")
    set_holders(db, rid, "六有党支部", [ids["甲村党支部"], ids["乙村党支部"]], reason="排名前二")
    set_holders(db, rid, "六有党支部", [ids["甲村党支部"], ids["丙村党支部"]], reason="复核后改定")
    assert db.scalar("SELECT count(*) FROM tx_log WHERE id > ?", (before,)) == 2
    r = by_name(rate_round(db, rid))
    assert (r["甲村党支部"].award, r["乙村党支部"].award, r["丙村党支部"].award) == (True, False, True)
    with pytest.raises(UserError, match="超过名额"):
        set_holders(db, rid, "六有党支部", [ids["甲村党支部"], ids["乙村党支部"], ids["丙村党支部"]], reason="x")
    set_holders(db, rid, "六有党支部", [], reason="本年度不评")
    assert [b.award for b in rate_round(db, rid).branches] == [False, False, False, False]
    workflow.confirm(db, ids["乙村党支部"], today=AFTER)
    with pytest.raises(LockedError):
        set_holders(db, rid, "六有党支部", [ids["乙村党支部"]], reason="x")
    set_holders(db, rid, "六有党支部", [ids["甲村党支部"]], reason="乙已确定，不变")


def test_a_round_confirmed_before_decisions_existed_gets_its_first_list(liuyou, tmp_path):
    """An older version confirmed all three 优秀 branches without a decision (its 确定 did not ask
    for one): the reviewer can still name the holders once, and the sheet prints the decision."""
    db, rid, ids = liuyou
    with db.transaction("旧版本确定的结果") as tx:
        for name in ("甲村党支部", "乙村党支部", "丙村党支部"):
            tx.update("round_branch", ids[name], {"state": "确定"})
    assert by_name(rate_round(db, rid))["丙村党支部"].quota_pending == ["六有党支部"]
    name_holders(db, rid, "六有党支部", [ids["甲村党支部"], ids["乙村党支部"]], reason="按旧轮次的会议决定补录")
    r = by_name(rate_round(db, rid))
    assert (r["甲村党支部"].award, r["乙村党支部"].award, r["丙村党支部"].award) == (True, True, False)
    assert not any(b.quota_pending for b in r.values())
    # Decided now, the confirmed results keep their titles like any other.
    with pytest.raises(LockedError):
        unname_holders(db, rid, "六有党支部", [ids["甲村党支部"]], reason="改")
