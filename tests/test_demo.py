"""The demo office: repeatable, realistic, valid, with every branch kind and the planted warnings."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.demo import generate
from dangjian_desktop.registry import compute_warnings, init_office
from dangjian_desktop.registry.orgs import KINDS
from dangjian_desktop.registry.validation import validate_member

TODAY = dt.date(2026, 11, 22)


def make(tmp_path, name, seed, level="town", towns=None):
    db = Database.create(tmp_path / f"{name}.sqlite")
    init_office(db, name="文城镇" if level == "town" else "示范县", level=level)
    generate(db, seed=seed, towns=towns, today=TODAY)
    return db


def fingerprint(db):
    return db.query("SELECT id, name, id_number, org_id, join_date FROM member ORDER BY id")


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    db = make(tmp_path_factory.mktemp("demo"), "a", seed=5)
    yield db
    db.close()


def test_same_seed_gives_the_same_office(tmp_path, town):
    other = make(tmp_path, "b", seed=5)
    try:
        assert [tuple(r) for r in fingerprint(other)] == [tuple(r) for r in fingerprint(town)]
    finally:
        other.close()


def test_other_seed_gives_another_office(tmp_path, town):
    other = make(tmp_path, "c", seed=6)
    try:
        assert [tuple(r) for r in fingerprint(other)] != [tuple(r) for r in fingerprint(town)]
    finally:
        other.close()


def test_every_branch_kind_is_present(town):
    kinds = {r[0] for r in town.query("SELECT DISTINCT kind FROM org WHERE org_type = '党支部'")}
    assert kinds == set(KINDS)


def test_every_member_passes_the_registry_rules(town):
    for row in town.query("SELECT * FROM member"):
        _clean, err = validate_member(dict(row), today=TODAY)
        assert err == {}, (row["name"], err)


def test_the_planted_warnings_are_present(town):
    codes = {w.code for w in compute_warnings(town, TODAY)}
    assert {"term_expired", "term_due", "secretary_vacant", "committee_too_large", "too_few_members",
            "probation_overdue", "lost_contact", "group_leader_vacant"} <= codes


def test_change_log_is_complete(town):
    assert town.verify() == []
