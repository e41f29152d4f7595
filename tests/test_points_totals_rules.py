"""Yearly totals: the per-item caps and exempt classes written into the totals query as a CASE on
the item (a town's catalogue) and looked up in a temp table (a county's many catalogues, over
totals.INLINE_RULES items) give the same results, each checked against known figures."""

from __future__ import annotations

import pytest

from dangjian_desktop.points import totals as totals_mod
from dangjian_desktop.points.batch import EntryDraft
from dangjian_desktop.points.ledger import add_entries
from dangjian_desktop.points.totals import set_exemption, totals

from points_util import YEAR, add_branch, simple_catalogue


@pytest.fixture(params=["inline", "looked_up"])
def rules(request, monkeypatch):
    if request.param == "looked_up":
        monkeypatch.setattr(totals_mod, "INLINE_RULES", 0)
    return request.param


def entries(db, member_id, item, n, *, points=None):
    add_entries(db, [EntryDraft(member_id, item.id, f"{YEAR}-03-{d + 1:02d}", points) for d in range(n)],
                title="test")


def test_caps_exemptions_and_detail(db, rules):
    b = add_branch(db, n=4, mobile=(3,))
    items = simple_catalogue(db)
    m = b.members
    entries(db, m[0], items["P2"], 6)    # 30 -> cap 20
    entries(db, m[0], items["M1"], 5)    # -10 -> cap -6
    entries(db, m[0], items["P4"], 7)    # 3.5, no cap
    entries(db, m[1], items["M1"], 2)    # -4, but exempt on request (年老体弱)
    entries(db, m[1], items["P4"], 6)    # 3, no cap
    set_exemption(db, m[1], YEAR, "年老体弱", "年老体弱，本人申请")
    entries(db, m[3], items["M1"], 2)    # mobile member: exempt
    entries(db, m[3], items["P2"], 1)    # 5
    got = {t.member_id: t for t in totals(db, YEAR, detail=True)}
    assert [(got[x].items, got[x].total) for x in m] == [(17.5, 77.5), (3, 63), (0, 60), (5, 65)]
    assert [(got[x].plus, got[x].minus) for x in m] == [(23.5, -6), (3, 0), (0, 0), (5, 0)]
    assert [t.items for t in totals(db, YEAR)] == [got[t.member_id].items for t in totals(db, YEAR)]
    assert "年老体弱" in got[m[1]].classes and "流动党员" in got[m[3]].classes


def test_a_year_without_items_gives_every_member_the_base_score(db, rules):
    b = add_branch(db, n=2)
    items = simple_catalogue(db)
    entries(db, b.members[0], items["P2"], 2)
    simple_catalogue(db, YEAR + 1, base=70, items=[])
    assert [(t.items, t.total) for t in totals(db, YEAR + 1)] == [(0, 70), (0, 70)]
    assert sorted(t.items for t in totals(db, YEAR)) == [0, 10]
