"""What the ledgers offer to checklist items: the topics an item's wording names, figures computed
from the ledgers (they change when the ledgers do), the same figures in the branch's Excel
self-assessment form, and the veto facts the ledgers prove."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from dangjian_desktop.assessment import export_form, import_form, open_sheet
from dangjian_desktop.assessment.rounds import create_round, round_branches
from dangjian_desktop.ledgers import dues, funds, pipeline, records
from dangjian_desktop.assessment.figures import ChecklistFigures, sheet_figures
from dangjian_desktop.ledgers.evidence import (CARE, COMMITTEE, DUES, FUNDS, PIPELINE, REVIEW, REWARDS, TALKS,
                                               TRAINING, topics_in_text)
from dangjian_desktop.ledgers.vetoes import (CHECK_CADRE_PUNISHED, CHECK_FUNDS_MISSING, CHECK_SECRETARY_PUNISHED,
                                             ledger_fact, veto_facts)
from dangjian_desktop.meetings.compliance import figures_for_text
from dangjian_desktop.points.review import record_review
from dangjian_desktop.registry import update_member
from dangjian_desktop.schemes import load_scheme

from points_util import add_branch

Y = 2025
END = dt.date(Y + 1, 1, 1)


def item(code: str) -> str:
    u = next(u for _, u in load_scheme("guifanhua").scored_units() if u is not None and u.code == code)
    return f"{u.title} {u.standard or ''}"


@pytest.mark.parametrize("code, topics", [
    ("B9", [DUES]), ("B10", [REVIEW]), ("B2", [PIPELINE]), ("B3", [PIPELINE]), ("A3", [COMMITTEE]),
    ("D3", [FUNDS]), ("D4", [FUNDS]), ("D5", [FUNDS]), ("D6", [DUES, PIPELINE, TRAINING, REWARDS, CARE]),
    ("A1", []), ("C2", []),
])
def test_topics_named_by_the_checklist_wording(code, topics):
    assert topics_in_text(item(code)) == topics


def test_other_wordings():
    assert topics_in_text("定期走访关爱困难党员、弱势群体") == [CARE]
    assert topics_in_text("痕迹管理：谈心谈话照片、文字材料") == [TALKS]
    assert topics_in_text("有计划地发展党员，教育管理好党员队伍。按时按量完成党费收缴任务。") == [DUES, PIPELINE]


def _ledgers(db):
    b = add_branch(db, n=4)
    a, c, d, e = b.members
    for mid in b.members:
        dues.set_base(db, mid, Y, base=2000, rate_class="在职", fixed_on=f"{Y}-01-05")  # 10.00 a month
    for mid in (a, c, d):
        dues.record_payment(db, mid, Y, "1-12", paid_on=f"{Y}-01-08")
    dues.record_payment(db, e, Y, "1-9", paid_on=f"{Y}-01-08")  # owes October to December
    records.add_training(db, [a, c], date=f"{Y}-04-10", kind="集中培训", content="党章学习", hours=6)
    records.add_reward(db, c, date=f"{Y}-07-01", kind="奖励", title="优秀共产党员", issuer="镇党委")
    update_member(db, d, {"is_hardship": 1})
    records.add_visit(db, d, date=f"{Y}-01-20", kind="节日慰问", content="送去慰问金", amount=300)
    record_review(db, a, Y, good=3, fair=1, grade="优秀")
    record_review(db, c, Y, good=4, grade="合格")
    pipeline.set_plan(db, b.id, Y, 2)
    pid = pipeline.add_person(db, b.id, {"name": "周新", "ethnicity": "汉族"}, applied_on=f"{Y}-03-01")
    pipeline.record_step(db, pid, "谈话", f"{Y}-03-05")
    pipeline.record_step(db, pid, "积极分子", f"{Y}-05-05")
    return b


def test_figures_are_computed_from_the_ledgers(db):
    b = _ledgers(db)
    lines = figures_for_text(db, b.id, Y, item("D6"), as_of=END)
    text = "\n".join(lines)
    assert "党费：4名党员，基数已核定4人" in text and "按时足额交纳3人（75%），欠缴1人共30.00元" in text
    assert "（10-12月）" in text
    assert "教育培训：2025年2/4名党员有培训记录（50%），共12学时" in text
    assert "奖惩：2025年奖励1人次、处分0人次" in text
    assert "计划发展2名，接收预备党员0名；现有入党积极分子1名" in text
    assert "困难党员1名" in text and "走访慰问1次，覆盖1/1人，慰问金（物）300.00元" in text
    assert figures_for_text(db, b.id, Y, item("B10"), as_of=END) == ["民主评议：2025年已评议2/4名党员（优秀1、合格1）"]
    # The figures follow the ledgers.
    dues.record_payment(db, b.members[3], Y, "10-12", paid_on=f"{Y}-12-30")
    records.add_training(db, b.members[2:], date=f"{Y}-11-10", kind="专题党课", content="党课", hours=2)
    text = "\n".join(figures_for_text(db, b.id, Y, item("D6"), as_of=END))
    assert "欠缴0人共0.00元" in text and "4/4名党员有培训记录（100%），共16学时" in text
    # Meeting items keep their compliance lines; items the ledgers know nothing of get none.
    assert figures_for_text(db, b.id, Y, item("A1"), as_of=END) == []


def test_funds_items_get_their_detail(db):
    b = add_branch(db, n=2, kind="机关")
    funds.add_entry(db, b.id, date=f"{Y}-02-01", direction="收入", purpose="", amount=1500, source="单位列支",
                    account="党建专户")
    funds.add_entry(db, b.id, date=f"{Y}-05-01", direction="支出", purpose="阵地建设", amount=700, account="党建专户")
    f = ChecklistFigures(db, b.id, Y, END)
    assert f.for_text(item("D3")) == ["党建工作经费：2025年收入1500.00元，支出700.00元，结余800.00元，人均750.00元"
                                      "（机关党组织标准人均600.00元/年，已达到）"]
    assert "支出用途：阵地建设700.00元" in f.for_text(item("D4"))
    assert "经费账户：党建专户" in f.for_text(item("D5"))


def test_the_self_assessment_form_prints_the_figures(db, tmp_path):
    b = _ledgers(db)
    rid = create_round(db, year=Y, scheme_id="guifanhua", org_ids=[b.id])
    sid = round_branches(db, rid)[0].id
    figures = sheet_figures(db, open_sheet(db, sid), as_of=END)
    assert set(figures) >= {"B9", "B10", "D6"} and "A1" not in figures
    path = export_form(db, sid, tmp_path / "form.xlsx")
    ws = load_workbook(path)["自评表"]
    header = [c.value for c in ws[4]]
    assert header[7] == "台账数据（供参考）"
    by_code = {ws.cell(r, 1).value: ws.cell(r, 8).value for r in range(5, ws.max_row + 1)}
    assert by_code["B9"].startswith("党费：4名党员") and "民主评议" in by_code["B10"]
    assert by_code["A1"] is None
    assert import_form(db, path, dry_run=True).ok  # the extra column does not disturb the import


def test_veto_facts_from_punishments_and_funds(db):
    b = add_branch(db, n=4)  # member 0 is the secretary, member 1 the 组织委员, from 2024-03-01
    assert veto_facts(db, b.id, Y) == {}
    records.add_reward(db, b.members[1], date=f"{Y}-05-01", kind="处分", title="警告", issuer="镇纪委")
    facts = veto_facts(db, b.id, Y)
    assert set(facts) == {CHECK_CADRE_PUNISHED}  # a committee member's 警告 is below 严重警告
    records.add_reward(db, b.members[0], date=f"{Y}-06-01", kind="处分", title="警告", issuer="镇纪委",
                       decision="镇纪委〔2025〕2号")
    fact = ledger_fact(db, CHECK_SECRETARY_PUNISHED, b.id, Y)
    assert fact and "党支部书记" in fact and "2025年6月1日受警告处分" in fact and "镇纪委〔2025〕2号" in fact
    assert ledger_fact(db, CHECK_SECRETARY_PUNISHED, b.id, Y + 1) is None  # another year
    # Funds: nothing is proved while the office keeps no funds ledger for the year.
    assert ledger_fact(db, CHECK_FUNDS_MISSING, b.id, Y) is None
    other = add_branch(db, name="西村党支部", n=2)
    funds.add_entry(db, other.id, date=f"{Y}-03-01", direction="收入", purpose="", amount=3000)
    assert "没有本支部党建工作经费收入" in ledger_fact(db, CHECK_FUNDS_MISSING, b.id, Y)
    assert ledger_fact(db, CHECK_FUNDS_MISSING, other.id, Y) is None


def test_a_punished_secretary_is_proposed_as_the_schemes_veto(db):
    from dangjian_desktop.assessment.veto_proposals import propose_vetoes

    b = add_branch(db, n=4)
    rid = create_round(db, year=Y, scheme_id="guifanhua", org_ids=[b.id])
    sid = round_branches(db, rid)[0].id
    assert not [p for p in propose_vetoes(db, sid, today=END) if p.code == "V2"]
    records.add_reward(db, b.members[0], date=f"{Y}-06-01", kind="处分", title="警告", issuer="镇纪委")
    proposed = [p for p in propose_vetoes(db, sid, today=END) if p.code == "V2"]
    assert len(proposed) == 1 and proposed[0].pending and "党支部书记" in proposed[0].fact
    liuyou = create_round(db, year=Y, scheme_id="liuyou", org_ids=[b.id])
    v9 = [p for p in propose_vetoes(db, round_branches(db, liuyou)[0].id, today=END) if p.code == "V9"]
    assert len(v9) == 1 and "受警告处分" in v9[0].fact
