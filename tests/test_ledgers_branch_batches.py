"""The 台账 sub-pages over many branches read them together: every branch's committee structure
with one query (cadres.committee_structures, what a per-branch reading gives), the funds' member
counts of the branches listed."""

from __future__ import annotations

import datetime as dt

from dangjian_desktop.ledgers import cadres, funds
from dangjian_desktop.ledgers.common import age_on, branches
from dangjian_desktop.registry import add_committee_member, end_committee_member, start_term

from points_util import add_branch
from sql_trace import traced


def _reference(db, org_id: str, day: dt.date) -> tuple:
    rows = db.query("""SELECT m.birth_date, m.education FROM committee_member cm
                       JOIN committee_term ct ON ct.id = cm.term_id LEFT JOIN member m ON m.id = cm.member_id
                       WHERE ct.org_id = ? AND ct.ended_on IS NULL AND cm.end_date IS NULL""", (org_id,))
    ages = sorted((age_on(r["birth_date"], day) for r in rows), key=lambda a: (a is None, a))
    return len(rows), ages, sorted(r["education"] or "" for r in rows)


def test_committee_structures_of_many_branches_in_one_query(db):
    day = dt.date(2025, 6, 1)
    made = [add_branch(db, f"{name}党支部", n=5) for name in ("东村", "西村", "南村", "北村")]
    with db.transaction("测试：学历") as tx:
        for b in made:
            for k, mid in enumerate(b.members):
                tx.update("member", mid, {"education": ("大学本科", "普通高中", "初中", None, "中专")[k]})
    extra = add_committee_member(db, made[1].id, role="委员", start_date="2024-05-01", member_id=made[1].members[3])
    end_committee_member(db, extra, end_date="2025-01-31")  # left the committee
    add_committee_member(db, made[1].id, role="委员", start_date="2024-05-01", name="外来委员")  # not a member
    start_term(db, made[2].id, start_date="2025-03-01", years=3)  # a new election: no committee yet
    add_branch(db, "空党支部", n=0, secretary=False)
    rows = branches(db)
    with traced(db.conn) as statements:
        got = cadres.committee_structures(db, rows, as_of=day)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 2
    assert [s.org_id for s in got] == [r["id"] for r in rows]
    for s in got:
        size, ages, educations = _reference(db, s.org_id, day)
        assert (s.size, sorted(s.ages, key=lambda a: (a is None, a)), sorted(e or "" for e in s.educations)) == \
            (size, ages, educations), s.org_name
        one = cadres.committee_structure(db, s.org_id, as_of=day)
        assert one.to_dict() == s.to_dict()
    by_name = {s.org_name: s for s in got}
    assert by_name["东村党支部"].size == 2 and by_name["南村党支部"].size == 0 and by_name["空党支部"].size == 0
    assert by_name["西村党支部"].size == 3  # two of the branch (a third left), and one from outside the roster
    assert cadres.committee_structures(db, []) == []


def test_funds_count_the_members_of_the_branches_listed(db):
    made = [add_branch(db, f"{name}党支部", n=n, kind="机关") for name, n in (("东", 3), ("西", 5))]
    with db.transaction("测试：一名党员转出") as tx:
        tx.update("member", made[1].members[0], {"status": "已转出"})
    sums = {s.org_id: s.members for s in funds.summaries(db, 2025, org_id=made[1].id)}
    assert sums == {made[1].id: 4}
    every = {s.org_id: s.members for s in funds.summaries(db, 2025)}
    assert every[made[0].id] == 3 and every[made[1].id] == 4
