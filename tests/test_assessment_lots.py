"""Cross-assessment by lot: a derangement from the seed, reproducible, never a town's own team."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment_util import county_db, new_round
from dangjian_desktop.assessment import current_lots, derangement, draw_lots, verify_lots
from dangjian_desktop.reports.lots import lots_pdf
from dangjian_desktop.errors import UserError

seeds = st.one_of(st.integers(min_value=0, max_value=10 ** 12).map(str),
                  st.text(alphabet="abcdefXYZ抽签种子-_", min_size=1, max_size=12).filter(lambda s: s.strip()))


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=2, max_value=30), seed=seeds)
def test_never_self_assigned_and_a_permutation(n, seed):
    towns = [f"镇{i}" for i in range(n)]
    pairs = derangement(seed, towns)
    assert [a for a, _ in pairs] == towns
    assert sorted(b for _, b in pairs) == sorted(towns)
    assert all(a != b for a, b in pairs)


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=2, max_value=30), seed=seeds)
def test_same_seed_same_result(n, seed):
    towns = [f"town-{i}" for i in range(n)]
    assert derangement(seed, towns) == derangement(seed, list(towns))


def test_different_seeds_give_different_draws():
    towns = [f"镇{i}" for i in range(12)]
    results = {tuple(derangement(str(s), towns)) for s in range(20)}
    assert len(results) > 15


def test_digit_seed_is_the_integer_seed():
    # "123" and 123 are the same seed, so a seed read out aloud reproduces the draw.
    towns = list("ABCDEFG")
    assert derangement("123", towns) == derangement(123, towns)


def test_one_town_cannot_draw():
    with pytest.raises(UserError, match="至少需要两个"):
        derangement("1", ["只有一个镇"])


def test_draw_is_stored_with_seed_and_reproducible(tmp_path):
    db = county_db(tmp_path / "c.sqlite", ["甲镇", "乙镇", "丙镇", "丁镇"])
    rid, _ = new_round(db)
    draw = draw_lots(db, rid, "20251201")
    stored = current_lots(db, rid)
    assert stored.seed == "20251201"
    assert stored.pairs == draw.pairs
    assert verify_lots(stored)
    assert all(a != b for a, b in stored.pairs)
    # Anyone can recompute it from the seed and the recorded town order.
    row = db.one("SELECT seed, result_json FROM round_lot WHERE round_id = ?", (rid,))
    data = json.loads(row["result_json"])
    assert [list(p) for p in derangement(row["seed"], [t[0] for t in data["towns"]])] == data["pairs"]
    db.close()


def test_a_tampered_result_does_not_verify(tmp_path):
    db = county_db(tmp_path / "c.sqlite", ["甲镇", "乙镇", "丙镇"])
    rid, _ = new_round(db)
    draw = draw_lots(db, rid, "7")
    draw.pairs = [(a, c) for (a, _), (_, c) in zip(draw.pairs, draw.pairs[1:] + draw.pairs[:1])]
    assert not verify_lots(draw)
    db.close()


def test_redraw_keeps_the_earlier_draw_and_uses_the_latest(tmp_path):
    db = county_db(tmp_path / "c.sqlite", ["甲镇", "乙镇", "丙镇"])
    rid, _ = new_round(db)
    draw_lots(db, rid, "1")
    draw_lots(db, rid, "2")
    assert current_lots(db, rid).seed == "2"
    assert db.scalar("SELECT count(*) FROM round_lot WHERE round_id = ?", (rid,)) == 2
    db.close()


def test_town_round_needs_no_lots(db):
    from assessment_util import add_branches

    add_branches(db)
    rid, _ = new_round(db)
    with pytest.raises(UserError, match="只涉及一个乡镇"):
        draw_lots(db, rid, "1")


def test_no_draw_after_review_started(tmp_path):
    from assessment_util import drive

    db = county_db(tmp_path / "c.sqlite", ["甲镇", "乙镇"], per_town=1)
    rid, branches = new_round(db)
    drive(db, branches[0].id, "审核")
    with pytest.raises(UserError, match="不能再抽签"):
        draw_lots(db, rid, "1")
    db.close()


def test_lots_pdf_names_every_pair_and_the_seed(tmp_path):
    from pypdf import PdfReader

    towns = ["甲镇", "乙镇", "丙镇", "丁镇", "戊镇"]
    db = county_db(tmp_path / "c.sqlite", towns, per_town=1)
    rid, _ = new_round(db)
    draw = draw_lots(db, rid, "4321")
    path = lots_pdf(db, rid, tmp_path / "lots.pdf")
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace(" ", "")
    assert "4321" in text
    names = draw.names()
    for a, b in draw.pairs:
        assert f"{names[a]}考核组" in text
    db.close()


def test_the_printed_record_shows_the_draw_time_as_the_clerk_writes_it(tmp_path):
    from dangjian_desktop import dates

    db = county_db(tmp_path / "c.sqlite", ["甲镇", "乙镇", "丙镇"])
    rid, _ = new_round(db)
    draw = draw_lots(db, rid, "7")
    line = draw.text().splitlines()[1]
    assert line.startswith(f"抽签时间：{dates.format_cn_time(draw.drawn_at)}  ")
    assert "T" not in line.split("抽签人")[0] and "+" not in line  # not 2026-12-07T20:47:00+00:00
    db.close()
