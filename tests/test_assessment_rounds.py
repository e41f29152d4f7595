"""Rounds: a frozen scheme copy, the branches in scope, deadlines, lookup by id or year."""

from __future__ import annotations

import json

import pytest

from assessment_util import add_branches, county_db, new_round
from dangjian_desktop.assessment import rounds
from dangjian_desktop.errors import LockedError, UserError
from dangjian_desktop.schemes import copy_scheme, load_scheme, save_user_scheme


def test_round_gets_one_sheet_per_branch_in_self_assessment(db):
    add_branches(db)
    rid, branches = new_round(db)
    rnd = rounds.get_round(db, rid)
    assert rnd.branch_count == 6 and rnd.state == "自评"
    assert {b.state for b in branches} == {"自评"}
    assert rnd.title == "2025年度星级党组织评定"


@pytest.mark.parametrize("kinds, expected", [(["村"], 4), (["社区", "机关"], 2), ([], 6)])
def test_scope_by_kind(db, kinds, expected):
    add_branches(db)
    rid, branches = new_round(db, kinds=kinds)
    assert len(branches) == expected


def test_scope_by_town(tmp_path):
    db = county_db(tmp_path / "c.sqlite", ["甲镇", "乙镇", "丙镇"], per_town=2)
    town = db.scalar("SELECT id FROM office WHERE name = '乙镇'")
    rid, branches = new_round(db, town_ids=[town])
    assert [b.town for b in branches] == ["乙镇", "乙镇"]
    assert rounds.get_round(db, rid).scope["towns"] == ["乙镇"]
    db.close()


def test_scheme_is_frozen_into_the_round(db):
    add_branches(db)
    mine = copy_scheme(load_scheme("chuangxing"))
    mine.id, mine.name = "my-stars", "本镇星级评定"
    save_user_scheme(mine)
    rid, _ = new_round(db, scheme="my-stars")
    # The office later edits its scheme: the round keeps the copy it was created with.
    changed = copy_scheme(mine)
    changed.rating.levels[0].min = 95
    changed.name = "改过的方案"
    save_user_scheme(changed, overwrite=True)
    rnd = rounds.get_round(db, rid)
    assert rnd.scheme.rating.levels[0].min == 90
    assert rnd.scheme_name == "本镇星级评定"
    assert json.loads(db.scalar("SELECT scheme_json FROM assessment_round WHERE id = ?", (rid,)))["id"] == "my-stars"


@pytest.mark.parametrize("kw, message", [
    ({"scheme_id": "no-such-scheme"}, "方案"),
    ({"scheme_id": "chuangxing", "kinds": ["学校"]}, "类别"),
    ({"scheme_id": "chuangxing", "self_due": "2025-13-01"}, "不是有效日期"),
    ({"scheme_id": "chuangxing", "self_due": "2025-12-10", "initial_due": "2025-12-01"}, "依次"),
    ({"scheme_id": "chuangxing", "appeal_days": 0}, "申诉期"),
    ({"scheme_id": "chuangxing", "kinds": ["企业"]}, "没有党支部"),
])
def test_bad_rounds_are_refused(db, kw, message):
    add_branches(db)
    with pytest.raises(UserError, match=message):
        rounds.create_round(db, year=2025, **kw)
    assert db.scalar("SELECT count(*) FROM assessment_round") == 0


def test_duplicate_round_refused(db):
    add_branches(db)
    new_round(db)
    with pytest.raises(UserError, match="已有"):
        new_round(db)


def test_resolve_round_by_id_prefix_and_year(db):
    add_branches(db)
    rid, _ = new_round(db, year=2024)
    assert rounds.resolve_round(db, rid).id == rid
    assert rounds.resolve_round(db, rid[:8]).id == rid
    assert rounds.resolve_round(db, "2024").id == rid
    with pytest.raises(UserError, match="找不到"):
        rounds.resolve_round(db, "2023")


def test_resolve_ambiguous_year(db):
    add_branches(db)
    new_round(db, year=2025)
    new_round(db, year=2025, scheme="wuhua")
    with pytest.raises(UserError, match="2 个考核轮次"):
        rounds.resolve_round(db, "2025")


def test_list_rounds_newest_first_with_state(db):
    add_branches(db)
    new_round(db, year=2023)
    new_round(db, year=2025)
    listed = rounds.list_rounds(db)
    assert [r.year for r in listed] == [2025, 2023]
    assert {"id", "year", "scheme", "state"} <= set(listed[0].to_dict())


def test_delete_round_only_before_review(db):
    from assessment_util import drive

    add_branches(db)
    rid, branches = new_round(db)
    drive(db, branches[0].id, "初审")
    with pytest.raises(UserError, match="不能删除"):
        rounds.delete_round(db, rid)
    rid2, _ = new_round(db, year=2026)
    rounds.delete_round(db, rid2)
    assert db.get("assessment_round", rid2) is None
    assert db.verify() == []


def test_update_round_deadlines_and_lock(db):
    from assessment_util import drive

    add_branches(db, [("东岭村党支部", "村")])
    rid, branches = new_round(db)
    rounds.update_round(db, rid, self_due="2025-11-30", title="2025年度创星晋位评定")
    rnd = rounds.get_round(db, rid)
    assert (rnd.self_due, rnd.title) == ("2025-11-30", "2025年度创星晋位评定")
    drive(db, branches[0].id, "确定")
    with pytest.raises(LockedError):
        rounds.update_round(db, rid, title="再改")


def test_delete_round_removes_its_evidence_files(db, tmp_path):
    from dangjian_desktop.assessment import add_evidence

    add_branches(db, [("东岭村党支部", "村")])
    rid, (b,) = new_round(db)
    (tmp_path / "记录.pdf").write_bytes(b"%PDF-1.4 minutes")
    add_evidence(db, tmp_path / "记录.pdf", sheet_id=b.id, item_code="A")
    rounds.delete_round(db, rid)
    assert db.scalar("SELECT count(*) FROM attachment") == 0
    assert db.verify() == []


def test_a_scheme_with_resolved_warnings_can_start_a_round(db):
    """规范化 adds up past a section maximum (a warning with a stated resolution), not an error."""
    from dangjian_desktop.assessment import create_round, get_round
    from dangjian_desktop.registry import add_org
    from dangjian_desktop.schemes import load_scheme, validate

    assert validate(load_scheme("guifanhua"))  # the document's own inconsistency is reported
    root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
    add_org(db, parent_id=root, name="东村党支部", org_type="党支部", kind="村")
    rid = create_round(db, year=2026, scheme_id="guifanhua")
    assert get_round(db, rid).year == 2026
