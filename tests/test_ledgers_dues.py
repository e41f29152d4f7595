"""党费: the rate table at its band edges, arrears across a base change mid-year and payments in
advance, exemptions, joining mid-year, late payments, branch totals."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.errors import UserError
from dangjian_desktop.ledgers import dues
from dangjian_desktop.ledgers.common import fmt_yuan, months_label, parse_months, to_fen

from points_util import add_branch

Y = 2025


def test_rate_table_bands_include_their_upper_bound():
    t = dues.rate_table()
    working, retired, farmer = t.get("在职"), t.get("离退休"), t.get("农民")
    assert working.due(to_fen(3000)) == 1500  # 0.5 %
    assert working.due(to_fen("3000.01")) == 3000  # 1 % of 3000.01 = 30.0001 -> 30.00
    assert working.due(to_fen(5000)) == 5000
    assert working.due(to_fen(5001)) == 7502  # 1.5 % of 5001 = 75.015 -> 75.02 (half up)
    assert working.due(to_fen(10000)) == 15000
    assert working.due(to_fen(10000.5)) == 20001
    assert retired.due(to_fen(5000)) == 2500 and retired.due(to_fen(5000.01)) == 5000
    assert farmer.due(None) == 50 and farmer.due(None, 100) == 100
    with pytest.raises(UserError, match="0.20元至1.00元"):
        farmer.due(None, 120)
    with pytest.raises(UserError, match="基数"):
        working.due(None)
    assert t.for_person_class("离退休人员").name == "离退休"
    assert t.for_person_class("农牧渔民").name == "农民"


def test_money_and_month_parsing():
    assert to_fen("12.5") == 1250 and to_fen("１２元") == 1200 and to_fen(0.2) == 20
    for bad in ("-1", "1.234", "abc", None):
        with pytest.raises(UserError):
            to_fen(bad)
    assert parse_months("3") == (3, 3) and parse_months("1-6") == (1, 6) and parse_months("1月至6月") == (1, 6)
    with pytest.raises(UserError):
        parse_months("6-1")
    assert months_label([1, 2, 3, 5, 7, 8]) == "1-3月、5月、7-8月"


def test_arrears_across_a_base_change_mid_year_with_payment_in_advance(db):
    b = add_branch(db, n=2)
    m = b.members[0]
    dues.set_base(db, m, Y, base=3000, rate_class="在职", fixed_on=f"{Y}-01-05")  # 15.00 a month
    # The whole year paid in advance in January, at the old base.
    dues.record_payment(db, m, Y, "1-12", paid_on=f"{Y}-01-10", receiver="组织委员")
    pay = dues.payments(db, m, Y)
    assert [(p["from_month"], p["to_month"], p["amount_fen"]) for p in pay] == [(1, 12, 18000)]
    in_may = dues.member_dues(db, m, Y, as_of=dt.date(Y, 5, 20))
    assert in_may.arrears_fen == 0 and in_may.advance_fen == 18000 - 4 * 1500 and in_may.on_time
    # The base rises from July: 6000 -> 1.5 % = 90.00 a month.
    dues.set_base(db, m, Y, base=6000, rate_class="在职", from_month=7, fixed_on=f"{Y}-06-25")
    aug = dues.member_dues(db, m, Y, as_of=dt.date(Y, 8, 15))
    assert aug.months_owed == [7] and aug.arrears_fen == 9000 - 1500
    assert aug.months_paid == [1, 2, 3, 4, 5, 6]
    assert aug.due_to_date_fen == 6 * 1500 + 9000
    end = dues.member_dues(db, m, Y, as_of=dt.date(Y + 1, 1, 1))
    assert end.months_owed == [7, 8, 9, 10, 11, 12] and end.arrears_fen == 6 * 7500
    assert end.year_due_fen == 6 * 1500 + 6 * 9000 and end.paid_fen == 18000
    # Paying the difference without an amount takes what the months still owe.
    dues.record_payment(db, m, Y, "7-12", paid_on=f"{Y}-12-20")
    end = dues.member_dues(db, m, Y, as_of=dt.date(Y + 1, 1, 1))
    assert end.arrears_fen == 0 and end.months_paid == list(range(1, 13))
    # Months 7-11 reached their full due only in December: paid late.
    assert end.late_months == [7, 8, 9, 10, 11] and not end.on_time
    with pytest.raises(UserError, match="已交清"):
        dues.record_payment(db, m, Y, "1-12", paid_on=f"{Y}-12-21")
    assert db.verify() == []


def test_a_month_not_yet_ended_is_never_in_arrears(db):
    b = add_branch(db, n=1)
    m = b.members[0]
    dues.set_base(db, m, Y, base=2000, rate_class="在职", fixed_on=f"{Y}-01-05")
    dues.record_payment(db, m, Y, "1-2", paid_on=f"{Y}-02-10")
    assert dues.member_dues(db, m, Y, as_of=dt.date(Y, 3, 31)).months_owed == []  # March ends today
    assert dues.member_dues(db, m, Y, as_of=dt.date(Y, 4, 1)).months_owed == [3]


def test_exemptions_joining_mid_year_and_unbased_months(db):
    b = add_branch(db, n=3, probationary=(2,))
    hardship, unbased, probationary = b.members
    dues.set_base(db, hardship, Y, base=2500, rate_class="离退休", fixed_on=f"{Y}-01-05")
    dues.set_exemption(db, hardship, Y, "1-12", reason="生活困难，本人申请", approved_by="镇党委")
    with pytest.raises(UserError, match="原因"):
        dues.set_exemption(db, hardship, Y, "1-12", reason=" ")
    h = dues.member_dues(db, hardship, Y, as_of=dt.date(Y + 1, 1, 1))
    assert h.arrears_fen == 0 and h.months_exempt == list(range(1, 13)) and h.on_time
    u = dues.member_dues(db, unbased, Y, as_of=dt.date(Y + 1, 1, 1))
    assert u.base_missing and u.arrears_fen == 0 and not u.on_time
    with pytest.raises(UserError, match="未核定"):
        dues.record_payment(db, unbased, Y, "1-3", paid_on=f"{Y}-03-01")
    # points_util's probationary member joined on 2024-12-01: due from December 2024 only.
    dues.set_base(db, probationary, 2024, base=4000, rate_class="在职", fixed_on="2024-12-01")
    p = dues.member_dues(db, probationary, 2024, as_of=dt.date(2025, 1, 1))
    assert p.months_owed == [12] and p.arrears_fen == 4000
    data = dues.status(db, Y, as_of=dt.date(Y + 1, 1, 1))
    branch = next(x for x in data.branches if x.org_id == b.id)
    assert branch.members == 3 and branch.based == 1 and branch.on_time == 1


def test_left_members_owe_only_while_members_and_totals_per_branch(db):
    from dangjian_desktop.registry import change_status

    b = add_branch(db, n=3)
    for mid in b.members:
        dues.set_base(db, mid, Y, base=1000, rate_class="在职", fixed_on=f"{Y}-01-02")  # 5.00 a month
    change_status(db, b.members[2], event="转出", date=f"{Y}-03-15")
    dues.record_payment(db, b.members[0], Y, "1-12", paid_on=f"{Y}-01-05")
    data = dues.status(db, Y, as_of=dt.date(Y + 1, 1, 1))
    by_id = {m.member_id: m for m in data.members}
    assert by_id[b.members[2]].months_owed == [1, 2, 3]  # up to the month they left
    assert by_id[b.members[1]].arrears_fen == 6000
    owing = dues.arrears(db, Y, org_id=b.id, as_of=dt.date(Y + 1, 1, 1))
    assert {m.member_id for m in owing} == {b.members[1], b.members[2]}
    rows = dues.reminder_rows(owing)
    assert all(len(r) == 4 for r in rows) and any(r[2] == "1-12月" and r[3] == fmt_yuan(6000) for r in rows)
    branch = next(x for x in data.branches if x.org_id == b.id)
    assert branch.arrears_fen == 6000 + 1500 and branch.in_arrears == 2 and branch.paid_fen == 6000


def test_the_amount_owed_paid_for_a_span_of_months_clears_every_one_of_them(db):
    """A payment over months some of which owe nothing (免交, not yet a member, already paid) goes
    to the months still owing: paying what the ledger says is owed leaves nothing owed."""
    from dangjian_desktop.registry import change_status

    b = add_branch(db, n=3)
    for mid in b.members:
        dues.set_base(db, mid, Y, base=3000, rate_class="在职", fixed_on=f"{Y}-01-02")  # 15.00 a month
    free, leaving, late = b.members
    dues.set_exemption(db, free, Y, "3-4", reason="生活困难", monthly=0)
    dues.record_payment(db, free, Y, "1-12", paid_on=f"{Y}-01-05")
    change_status(db, leaving, event="转出", date=f"{Y}-08-10")
    dues.record_payment(db, leaving, Y, "1-12", paid_on=f"{Y}-01-05")
    dues.record_payment(db, late, Y, "3-9", paid_on=f"{Y}-03-05")
    dues.record_payment(db, late, Y, "1-11", paid_on=f"{Y}-12-05")  # what 1-2 and 10-11 owe
    as_of = dt.date(Y + 1, 1, 1)
    got = {m.member_id: m for m in dues.status(db, Y, as_of=as_of).members}
    assert got[free].paid[2:4] == [0, 0] and got[free].months_owed == [] and got[free].paid_fen == 10 * 1500
    assert got[leaving].months_owed == [] and got[leaving].paid[:8] == [1500] * 8
    assert got[late].months_owed == [12] and got[late].paid[:11] == [1500] * 11
    assert got[late].late_months == [1, 2, 10, 11]  # 3-9 were paid on time


def test_a_payment_of_nothing_is_refused_as_such(db):
    b = add_branch(db, n=1)
    dues.set_base(db, b.members[0], Y, base=3000, rate_class="在职", fixed_on=f"{Y}-01-02")
    with pytest.raises(UserError, match="^缴费金额应大于0。$"):  # not "已交清": nothing is paid
        dues.record_payment(db, b.members[0], Y, "5", amount="0", paid_on=f"{Y}-05-10")
    assert not dues.payments(db, b.members[0], Y)


def test_a_payment_only_for_months_outside_membership_is_refused(db):
    from dangjian_desktop.registry import change_status

    b = add_branch(db, n=2, probationary=(1,))  # member 1 joined 2024-12-01
    left, joined = b.members
    dues.set_base(db, left, Y, base=3000, rate_class="在职", fixed_on=f"{Y}-01-02")
    change_status(db, left, event="转出", date=f"{Y}-08-10")
    with pytest.raises(UserError, match="9-12月不是党员（2025年8月10日已转出）"):
        dues.record_payment(db, left, Y, "9-12", amount=60, paid_on=f"{Y}-09-10")
    with pytest.raises(UserError, match="2024年1-11月不是党员（2024年12月入党）"):
        dues.record_payment(db, joined, 2024, "1-11", amount=11, paid_on="2024-12-10")
    dues.record_payment(db, left, Y, "8-12", amount=15, paid_on=f"{Y}-09-10")  # August was a member month
    assert len(dues.payments(db, left, Y)) == 1 and not dues.payments(db, joined, 2024)


def test_carry_bases_to_a_new_year(db):
    b = add_branch(db, n=2)
    dues.set_base(db, b.members[0], Y, base=4200, rate_class="在职", fixed_on=f"{Y}-01-02")
    dues.set_base(db, b.members[1], Y, rate_class="农民", monthly="0.8", fixed_on=f"{Y}-01-02")
    dues.set_base(db, b.members[0], Y, base=5200, rate_class="在职", from_month=7, fixed_on=f"{Y}-07-01")
    assert dues.carry_bases(db, Y, Y + 1) == 2
    nxt = {m.member_id: m for m in dues.status(db, Y + 1, as_of=dt.date(Y + 1, 2, 1)).members}
    assert nxt[b.members[0]].base_fen == 520000 and nxt[b.members[0]].monthly_fen == 7800
    assert nxt[b.members[1]].monthly_fen == 80
    assert dues.carry_bases(db, Y, Y + 1) == 0  # already fixed: left alone


def test_a_member_looked_up_by_a_mistyped_id_number_is_told_what_is_wrong(db):
    from dangjian_desktop.errors import UserError
    from dangjian_desktop.ledgers.common import find_member

    with pytest.raises(UserError, match="校验位"):
        find_member(db, "140826194206255750")  # the last digit should be 1
    with pytest.raises(UserError) as e:
        find_member(db, "张不存在")
    assert e.value.message == "找不到党员“张不存在”。"


@pytest.mark.parametrize("typed", ["1e9", "inf", "nan", "0x10", "10000001"])
def test_amounts_a_clerk_would_not_mean_are_refused(typed):
    from dangjian_desktop.errors import UserError
    from dangjian_desktop.ledgers.common import to_fen

    with pytest.raises(UserError):
        to_fen(typed)
    assert to_fen("１,２００.５元") == 120050 and to_fen(12.5) == 1250


def test_a_base_too_large_is_told_as_too_large_not_as_not_a_number(db, db_path, capsys):
    """1e12 is a number (and an Excel cell of 1e16 is read as 1e+16): it is too large, with the limit."""
    from dangjian_desktop.cli import main

    for typed in ("1e12", 1e16, "1E+12"):
        with pytest.raises(UserError, match="过大（一笔最多10,000,000元）"):
            to_fen(typed, what="月缴纳基数")
    with pytest.raises(UserError, match="不能为负数"):
        to_fen("-1e12")
    b = add_branch(db, n=1)
    name = db.get("member", b.members[0])["name"]
    db.close()
    assert main(["--db", str(db_path), "dues", "base", name, "--year", str(Y), "--base", "1e12"]) != 0
    err = capsys.readouterr().err
    assert "月缴纳基数“1e12”过大（一笔最多10,000,000元）" in err and "不是数字" not in err


def test_carrying_into_a_year_too_early_names_the_year_given(db, db_path, capsys):
    """`dues carry --year 1921` said “年度“1920”无效”: the year before the one given."""
    from dangjian_desktop.cli import main
    from dangjian_desktop.ledgers.common import FIRST_YEAR

    with pytest.raises(UserError, match=f"{FIRST_YEAR}年度没有可沿用的上一年度基数"):
        dues.carry_bases(db, FIRST_YEAR - 1, FIRST_YEAR)
    db.close()
    assert main(["--db", str(db_path), "dues", "carry", "--year", "1921"]) != 0
    err = capsys.readouterr().err
    assert f"年度“1921”无效，台账的年度应在{FIRST_YEAR}年至" in err and "1920" not in err


def test_exemption_months_given_in_the_wrong_order_are_refused_in_chinese(db):
    """(5, 2) ended in the table's check: 程序内部错误 instead of a refusal."""
    b = add_branch(db, n=1)
    with pytest.raises(UserError, match="减免月份5-2月的起止颠倒了，应写作2-5月"):
        dues.set_exemption(db, b.members[0], Y, (5, 2), reason="生活困难")
    with pytest.raises(UserError, match="超出1到12月"):
        dues.set_exemption(db, b.members[0], Y, (0, 13), reason="生活困难")
    with pytest.raises(UserError, match="起止月份"):
        dues.set_exemption(db, b.members[0], Y, ("三", 4), reason="生活困难")
    assert db.scalar("SELECT count(*) FROM dues_exemption") == 0
    dues.set_exemption(db, b.members[0], Y, (2, 5), reason="生活困难")
    assert dues.member_dues(db, b.members[0], Y).months_exempt == [2, 3, 4, 5]


def test_a_second_exemption_of_a_month_is_refused_naming_the_first(db, db_path, capsys):
    """Two exemptions of a month: the lower amount silently won. The first is named; once
    cancelled, the months can be exempted again."""
    from dangjian_desktop.cli import main

    b = add_branch(db, n=1)
    mid = b.members[0]
    name = db.get("member", mid)["name"]
    dues.set_base(db, mid, Y, rate_class="农民", fixed_on=f"{Y}-01-02")
    dues.set_exemption(db, mid, Y, "3-6", reason="住院治疗", monthly=0)
    dues.set_exemption(db, mid, Y, "9", reason="生活困难", monthly="0.2")
    for months in ("6-8", "1-12", "9"):
        with pytest.raises(UserError, match="已登记.*重叠.*请先取消已登记的那条"):
            dues.set_exemption(db, mid, Y, months, reason="生活困难", monthly="0.3")
    with pytest.raises(UserError, match=f"{name}{Y}年已登记3-6月免交（原因：住院治疗），与这次的1-4月重叠"):
        dues.set_exemption(db, mid, Y, "1-4", reason="生活困难")
    assert len(dues.exemptions(db, mid, Y)) == 2
    dues.set_exemption(db, mid, Y, "7-8", reason="生活困难", monthly="0.3")  # next to them: no overlap
    db.close()
    # Cancelled by the months it covers (several are on record), then the months are free again.
    assert main(["--db", str(db_path), "dues", "unexempt", name, "--year", str(Y)]) != 0
    assert "有3条党费减免" in capsys.readouterr().err
    assert main(["--db", str(db_path), "dues", "unexempt", name, "--year", str(Y), "--months", "4"]) == 0
    assert "已取消" in capsys.readouterr().out
    again = Database.open(db_path)
    assert [e["from_month"] for e in dues.exemptions(again, mid, Y)] == [7, 9]
    again.close()
    assert main(["--db", str(db_path), "dues", "unexempt", name, "--year", str(Y), "--months", "4"]) != 0
    assert f"{name}{Y}年4月没有登记党费减免" in capsys.readouterr().err
    assert main(["--db", str(db_path), "dues", "exempt", name, "--year", str(Y), "--months", "1-4",
                 "--reason", "生活困难"]) == 0


def test_a_reduced_due_not_below_the_normal_due_is_refused_naming_it(db):
    """少交 of 30 yuan a month for a member due 15 was saved and changed nothing."""
    b = add_branch(db, n=2)
    mid, unbased = b.members
    name = db.get("member", mid)["name"]
    dues.set_base(db, mid, Y, base=3000, rate_class="在职", fixed_on=f"{Y}-01-02")  # 15.00 a month
    dues.set_base(db, mid, Y, base=2000, rate_class="在职", from_month=7, fixed_on=f"{Y}-06-28")  # 10.00
    with pytest.raises(UserError, match=f"{name}{Y}年1月起正常每月应交15.00元，少交后每月30.00元并不更少"):
        dues.set_exemption(db, mid, Y, "1-3", reason="生活困难", monthly="30")
    with pytest.raises(UserError, match="7月起正常每月应交10.00元.*应低于10.00元；免交请填0"):
        dues.set_exemption(db, mid, Y, "5-8", reason="生活困难", monthly="10")  # 10 is below May's 15, not July's
    assert dues.exemptions(db, mid, Y) == []
    dues.set_exemption(db, mid, Y, "1-6", reason="生活困难", monthly="12")
    assert dues.member_dues(db, mid, Y).due[:7] == [1200] * 6 + [1000]
    dues.set_exemption(db, unbased, Y, "1-12", reason="生活困难", monthly="5")  # no base yet: nothing to compare
