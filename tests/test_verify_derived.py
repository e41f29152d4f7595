"""verify recomputes the points' per-member sums (points_entry_sum, not logged themselves) from the
entries: an edit of them behind the program's back changed a member's stars and the publicity
sheet while 检查数据 called the database sound."""

from __future__ import annotations

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.points.ledger import add_entry, delete_entry

from points_util import YEAR, add_branch, simple_catalogue
from test_seal import outside


@pytest.fixture
def with_points(db):
    b = add_branch(db, n=2)
    items = simple_catalogue(db)
    first = add_entry(db, b.members[0], items["P2"].id, f"{YEAR}-07-01")
    add_entry(db, b.members[0], items["P2"].id, f"{YEAR}-08-01")
    add_entry(db, b.members[1], items["P2"].id, f"{YEAR}-08-01")
    delete_entry(db, first)  # the triggers keep the sums through deletions too
    assert db.verify() == []
    path = db.path
    db.close()
    return path


@pytest.mark.parametrize("sql", [
    "UPDATE points_entry_sum SET points = -20 WHERE member_id = (SELECT member_id FROM points_entry_sum LIMIT 1)",
    "UPDATE points_entry_sum SET points = -20",
    "UPDATE points_entry_sum SET entries = entries + 1",
    "DELETE FROM points_entry_sum",
    "INSERT INTO points_entry_sum VALUES (2020, 'someone', 'something', 1, 50)",
])
def test_an_outside_edit_of_the_points_sums_is_found(with_points, sql):
    outside(with_points, sql)
    with Database.open(with_points, mode="read") as db:
        found = db.verify()
    assert any("积分小计与积分记录有" in p and "不一致" in p for p in found), found
