"""党费 for every member at once (ledgers.dues_year): the one-pass status against a plain per-member
reading of the rules on a seeded random town (bases changed mid-year, payments for one or several
months, early, late and in advance, exemptions, members joining or leaving mid-year, rows of other
years), in every scope; the year's rows read with one query each whatever the number of members."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from dangjian_desktop import dates
from dangjian_desktop.ledgers import dues
from dangjian_desktop.ledgers.common import ACTIVE_STATUSES, month_end, yuan
from dangjian_desktop.registry import change_status

from points_util import add_branch
from sql_trace import traced

Y = 2025
LEAVING = {"转出": "已转出", "出党": "已出党", "死亡": "已去世", "停止党籍": "停止党籍"}


def _day(rng: random.Random, year: int) -> str:
    return (dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))).isoformat()


def _town(db, seed: int) -> list:
    """Three branches of random members with a year of random dues rows; returns the branches."""
    rng = random.Random(seed)
    branches = [add_branch(db, f"{name}党支部", n=14, secretary=False) for name in ("东村", "西村", "南村")]
    members = [m for b in branches for m in b.members]
    with db.transaction("测试：入党日期与党费记录") as tx:
        for mid in members:
            r = rng.random()
            if r < 0.2:  # joined during the year (a day, or only the month known)
                joined = _day(rng, Y)
                tx.update("member", mid, {"join_date": joined[:7] if rng.random() < 0.3 else joined,
                                          "category": "预备党员", "full_date": None})
            elif r < 0.25:
                tx.update("member", mid, {"join_date": _day(rng, Y + 1)})  # not yet a member in Y
            owner = db.local_office_id
            if rng.random() < 0.8:
                starts = sorted(rng.sample(range(1, 13), rng.choice((1, 1, 1, 2, 3))))
                if rng.random() < 0.7:
                    starts[0] = 1
                for start in starts:
                    base = rng.choice((None, rng.randrange(50000, 1200000)))
                    tx.insert("dues_base", {"member_id": mid, "year": Y, "from_month": start, "rate_class": "在职",
                                            "base_fen": base, "monthly_fen": rng.choice((0, rng.randrange(20, 20000))),
                                            "fixed_on": f"{Y}-01-05", "note": "", "owner": owner})
            for _ in range(rng.choice((0, 1, 2, 4, 7))):
                a = rng.randrange(1, 13)
                b = min(12, a + rng.choice((0, 0, 0, 1, 2, 5, 11)))
                tx.insert("dues_payment", {"member_id": mid, "year": Y, "from_month": a, "to_month": b,
                                           "amount_fen": rng.randrange(1, 30000), "paid_on": _day(rng, Y),
                                           "receiver": "", "note": "", "owner": owner})
            if rng.random() < 0.15:
                a = rng.randrange(1, 13)
                tx.insert("dues_exemption", {"member_id": mid, "year": Y, "from_month": a,
                                             "to_month": rng.randrange(a, 13), "monthly_fen": rng.choice((0, 0, 50, 300)),
                                             "reason": "生活困难", "approved_by": "", "approved_on": None,
                                             "owner": owner})
            if rng.random() < 0.2:  # a row of another year, never counted in Y
                tx.insert("dues_payment", {"member_id": mid, "year": Y - 1, "from_month": 1, "to_month": 12,
                                           "amount_fen": 999, "paid_on": f"{Y - 1}-03-01", "receiver": "",
                                           "note": "", "owner": owner})
    for mid in rng.sample(members, 8):  # leaving during the year or before it
        event = rng.choice(list(LEAVING))
        joined = db.scalar("SELECT join_date FROM member WHERE id = ?", (mid,))
        day = _day(rng, rng.choice((Y, Y, Y - 1)))
        if day > joined and day <= dates.today().isoformat():
            change_status(db, mid, event=event, date=day)
    with db.transaction("测试：失联与无变动记录的转出") as tx:
        lost, silent = rng.sample([m for m in members if db.scalar(
            "SELECT status FROM member WHERE id = ?", (m,)) == "正常"], 2)
        tx.update("member", lost, {"status": "失联"})
        tx.update("member", silent, {"status": "已转出"})  # left without a dated event
    return branches


def _reference(db, member_id: str, year: int, as_of: dt.date) -> dict:
    """One member's year read straight from the rules, with its own queries."""
    m = db.one("SELECT * FROM member WHERE id = ?", (member_id,))
    joined = dates.parse_iso(m["join_date"], allow_month=True)
    first = 13 if joined.year > year else (joined.month if joined.year == year else 1)
    last = 12
    if m["status"] in LEAVING.values():
        left = db.scalar("SELECT max(event_date) FROM member_event WHERE member_id = ? AND to_status = ?",
                         (member_id, m["status"]))
        if left:
            d = dt.date.fromisoformat(left)
            last = 0 if d.year < year else (d.month if d.year == year else 12)
    member = [first <= k <= last for k in range(1, 13)]
    bases = db.query("SELECT * FROM dues_base WHERE member_id = ? AND year = ?", (member_id, year))
    due: list = [None] * 12
    for k in range(12):
        fixed = [b for b in bases if b["from_month"] <= k + 1]
        if member[k] and fixed:
            due[k] = max(fixed, key=lambda b: b["from_month"])["monthly_fen"]
    exempt = [False] * 12
    for e in db.query("SELECT * FROM dues_exemption WHERE member_id = ? AND year = ?", (member_id, year)):
        for k in range(e["from_month"] - 1, e["to_month"]):
            if member[k]:
                exempt[k] = True
                due[k] = e["monthly_fen"] if due[k] is None else min(due[k], e["monthly_fen"])
    paid, last_on = [0] * 12, [None] * 12
    for p in db.query("SELECT * FROM dues_payment WHERE member_id = ? AND year = ? ORDER BY paid_on, from_month, id",
                      (member_id, year)):
        span = range(p["from_month"] - 1, p["to_month"])
        owing = [k for k in span if member[k] and (due[k] is None or paid[k] < due[k])] if len(span) > 1 else []
        months = owing or list(span)  # a payment goes to its months still owing, else to all of them
        n = len(months)
        for i, k in enumerate(months):
            paid[k] += p["amount_fen"] // n + (1 if i < p["amount_fen"] % n else 0)
            last_on[k] = max(filter(None, (last_on[k], p["paid_on"])))
    ended = 12 if as_of.year > year else (0 if as_of.year < year else as_of.month - 1)
    owed = [k + 1 for k in range(ended) if due[k] is not None and paid[k] < due[k]]
    late = [k + 1 for k in range(ended) if due[k] and paid[k] >= due[k] and last_on[k]
            and last_on[k] > month_end(year, k + 1).isoformat()]
    unbased = [k + 1 for k in range(12) if member[k] and due[k] is None]
    return {"member_month": member, "due": due, "paid": paid, "exempt": exempt, "last_paid_on": last_on,
            "months_paid": [k + 1 for k in range(12) if paid[k] > 0 and (due[k] is None or paid[k] >= due[k])],
            "months_owed": owed, "late_months": late, "months_unbased": unbased,
            "months_exempt": [k + 1 for k in range(12) if exempt[k]],
            "arrears_fen": sum(due[k - 1] - paid[k - 1] for k in owed),
            "due_to_date_fen": sum(d for d in due[:ended] if d), "year_due_fen": sum(d for d in due if d),
            "paid_fen": sum(paid), "advance_fen": sum(paid[ended:]), "base_missing": bool(unbased),
            "on_time": not (owed or late or [k for k in unbased if k <= ended]),
            "rate_class": max(bases, key=lambda b: b["from_month"])["rate_class"] if bases else None}


def _expected_members(db, year: int, where: str = "", params: tuple = ()) -> set[str]:
    return {r[0] for r in db.query(
        f"""SELECT m.id FROM member m JOIN org o ON o.id = m.org_id
            WHERE (m.status IN (?, ?) OR m.id IN (SELECT member_id FROM dues_payment WHERE year = ?)
                   OR m.id IN (SELECT member_id FROM dues_base WHERE year = ?)) {where}""",
        (*ACTIVE_STATUSES, year, year, *params))}


@pytest.mark.parametrize("seed", [3, 11])
def test_status_matches_each_members_year_read_from_the_rules(db, seed):
    branches = _town(db, seed)
    assert db.scalar("SELECT count(*) FROM member WHERE status NOT IN ('正常', '失联')") >= 3
    for as_of in (dt.date(Y, 1, 1), dt.date(Y, 4, 30), dt.date(Y, 7, 1), dt.date(Y, 12, 31), dt.date(Y + 1, 1, 1)):
        data = dues.status(db, Y, as_of=as_of)
        assert {m.member_id for m in data.members} == _expected_members(db, Y)
        totals: dict[str, list[int]] = {}
        for md in data.members:
            ref = _reference(db, md.member_id, Y, as_of)
            got = {k: getattr(md, k) for k in ref}
            assert got == ref, (md.name, as_of)
            assert md.to_dict()["arrears"] == yuan(ref["arrears_fen"])
            if md.status in ACTIVE_STATUSES or any(ref["member_month"]):
                t = totals.setdefault(md.org_id, [0] * 8)
                for i, v in enumerate((1, not ref["base_missing"], ref["due_to_date_fen"], ref["year_due_fen"],
                                       ref["paid_fen"], ref["arrears_fen"], bool(ref["arrears_fen"]),
                                       ref["on_time"])):
                    t[i] += v
        for b in data.branches:
            assert [b.members, b.based, b.due_fen, b.year_due_fen, b.paid_fen, b.arrears_fen, b.in_arrears,
                    b.on_time] == totals.get(b.org_id, [0] * 8), b.org_name
        assert {b.org_id for b in data.branches} == {md.org_id for md in data.members}
    end = dt.date(Y + 1, 1, 1)
    whole = {m.member_id: m.to_dict() for m in dues.status(db, Y, as_of=end).members}
    one = dues.status(db, Y, org_id=branches[1].id, as_of=end)
    assert {m.member_id for m in one.members} == _expected_members(db, Y, "AND m.org_id = ?", (branches[1].id,))
    assert all(m.to_dict() == whole[m.member_id] for m in one.members)
    office = dues.status(db, Y, office_id=db.local_office_id, as_of=end)
    assert [m.to_dict() for m in office.members] == list(whole.values())
    some = [m for m in branches[2].members if m in whole][:3]
    assert {m.member_id for m in dues.status(db, Y, as_of=end, member_ids=some).members} == set(some)
    assert all(dues.member_dues(db, m, Y, as_of=end).to_dict() == whole[m] for m in some)


def test_the_year_is_read_once_for_the_scope_and_each_month_list_filled_while_reading(db):
    """However many members, a fixed number of statements (no lists of ids in chunks), and every
    MemberDues comes with its month lists and state already computed."""
    b = add_branch(db, n=3, secretary=False)
    dues.set_base(db, b.members[0], Y, base=3000, rate_class="在职", fixed_on=f"{Y}-01-05")
    dues.record_payment(db, b.members[0], Y, "1-2", paid_on=f"{Y}-03-10")
    with db.transaction("测试：再添党员") as tx:
        for k in range(1200):
            tx.insert("member", {"org_id": b.id, "name": f"测{k}", "name_pinyin": f"ce{k:05d}",
                                 "name_initials": "c", "sex": "男", "ethnicity": "汉族", "birth_date": "1970-01-01",
                                 "id_number": f"X{k:017d}", "join_date": "2001-07-01", "category": "正式党员",
                                 "status": "正常", "owner": db.local_office_id})
    with traced(db.conn) as statements:
        data = dues.status(db, Y, office_id=db.local_office_id, as_of=dt.date(Y, 6, 1))
    assert len(data.members) == 1203
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 6 and not any("member_id IN (" in s for s in reads), reads
    first = next(m for m in data.members if m.member_id == b.members[0])
    for name in ("months_paid", "months_owed", "months_exempt", "months_unbased", "late_months", "arrears_fen",
                 "base_missing", "on_time"):
        assert all(_filled(m, name) for m in data.members), name
    assert first.months_paid == [1, 2] and first.late_months == [1, 2] and first.months_owed == [3, 4, 5]
    assert not first.on_time and first.arrears_fen == 3 * 1500


def _filled(md, name: str) -> bool:
    """Was the derived field set while reading (not derived now, on this first look)?"""
    try:
        object.__getattribute__(md, name)  # no __getattr__: an unset slot raises
    except AttributeError:
        return False
    return True


def _same(a, b) -> None:
    assert [m.to_dict() for m in a.members] == [m.to_dict() for m in b.members]
    assert [m.due for m in a.members] == [m.due for m in b.members]
    assert [x.to_dict() for x in a.branches] == [x.to_dict() for x in b.branches]


def test_a_refresh_reads_again_only_the_members_changed_and_equals_a_full_read(db):
    from dangjian_desktop.registry import add_member, idcard

    branches = _town(db, 5)
    end = dt.date(Y + 1, 1, 1)
    whole, one = dues.status(db, Y, as_of=end), dues.status(db, Y, org_id=branches[0].id, as_of=end)
    before = whole.to_dict()
    assert dues.refreshed(db, whole, as_of=end) is whole  # nothing written since
    active = [m.member_id for m in whole.members if m.status == "正常"]
    payer, moved = active[0], active[1]
    # One who had joined before the transfer out dated below (a 转出 may not precede joining).
    leaving = next(m for m in active[4:] if db.scalar("SELECT join_date FROM member WHERE id = ?", (m,)) < f"{Y}-10-15")
    dues.record_payment(db, payer, Y, "1-12", amount="88.88", paid_on=f"{Y}-12-31")
    with traced(db.conn) as statements:
        after_payment = dues.refreshed(db, whole, as_of=end)
    assert whole.to_dict() == before  # the earlier read is left as it was
    _same(after_payment, dues.status(db, Y, as_of=end))
    assert not any("ORDER BY o.office_id" in s and "m.id IN" not in s for s in statements)  # no full read
    target = next(b for b in branches if b.id != db.scalar("SELECT org_id FROM member WHERE id = ?", (moved,)))
    with db.transaction("测试：调整支部、删除缴费") as tx:
        tx.update("member", moved, {"org_id": target.id})
        for p in db.query("SELECT id FROM dues_payment WHERE year = ? LIMIT 3", (Y,)):
            tx.delete("dues_payment", p["id"])
        for e in db.query("SELECT id FROM dues_exemption WHERE year = ? LIMIT 1", (Y,)):
            tx.delete("dues_exemption", e["id"])
    dues.set_base(db, active[3], Y, base=8000, rate_class="在职", from_month=5, fixed_on=f"{Y}-05-01")
    change_status(db, leaving, event="转出", date=f"{Y}-10-15")
    newcomer = add_member(db, {"name": "新来者", "ethnicity": "汉族", "id_number": idcard.make(
        "140826", dt.date(1990, 5, 5), 3, True), "join_date": f"{Y}-06-01", "category": "预备党员"},
        org_id=branches[2].id, event_date=f"{Y}-06-01")
    dues.set_base(db, newcomer, Y, base=3000, rate_class="在职", from_month=6, fixed_on=f"{Y}-06-05")
    again = dues.refreshed(db, after_payment, as_of=end)
    _same(again, dues.status(db, Y, as_of=end))
    assert newcomer in {m.member_id for m in again.members}
    _same(dues.refreshed(db, one, as_of=end), dues.status(db, Y, org_id=branches[0].id, as_of=end))
    with db.transaction("测试：删除多名党员的缴费") as tx:  # more members than are looked up one by one
        for p in db.query("SELECT id FROM dues_payment WHERE year = ? AND member_id IN "
                          "(SELECT member_id FROM dues_payment GROUP BY member_id LIMIT 25)", (Y,)):
            tx.delete("dues_payment", p["id"])
    many = dues.refreshed(db, again, as_of=end)
    _same(many, dues.status(db, Y, as_of=end))
    again = many
    # Another day, or a renamed branch: read in full.
    _same(dues.refreshed(db, again, as_of=dt.date(Y, 6, 1)), dues.status(db, Y, as_of=dt.date(Y, 6, 1)))
    with db.transaction("测试：支部改名") as tx:
        tx.update("org", branches[1].id, {"name": "北村党支部"})
    renamed = dues.refreshed(db, again, as_of=end)
    _same(renamed, dues.status(db, Y, as_of=end))
    assert "北村党支部" in {b.org_name for b in renamed.branches}


def test_a_member_year_made_otherwise_derives_its_lists_on_first_use():
    from dangjian_desktop.ledgers.dues_year import MemberDues

    md = MemberDues("m", "张三", "o", "北村党支部", "正式党员", "正常", 2026, 11, [100] * 12, [100] * 9 + [0] * 3,
                    [True] * 12, [False] * 12, ["2026-01-05"] * 9 + [None] * 3)
    assert not _filled(md, "months_owed")
    assert md.months_owed == [10, 11] and md.arrears_fen == 200 and not md.on_time
    assert md.months_paid == list(range(1, 10)) and md.late_months == [] and not md.base_missing
    assert _filled(md, "months_owed")  # derived once
    assert not hasattr(md, "__dict__")  # slots: a prefecture's year is 294,000 of them
    with pytest.raises(AttributeError):
        md.no_such_field
