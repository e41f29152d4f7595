"""Row ids (db/ids.py): 16 characters of lowercase base32hex for new rows; the 36-character UUID
text of rows made before stays, and a file with both forms works, verifies and travels to the
county unchanged in meaning."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from dangjian_desktop.db import Database, ids
from dangjian_desktop.db import local_ids
from dangjian_desktop.meetings import ledger as meetings_ledger
from dangjian_desktop.registry import add_member, update_member
from dangjian_desktop.registry.idcard import make

from exchange_util import dj, dj_json, small_town

ALPHABET = set("0123456789abcdefghijklmnopqrstuv")


def _well_formed(i: str) -> bool:
    return len(i) == 16 and set(i) <= ALPHABET


def test_new_ids_are_16_lowercase_base32hex_characters_and_distinct():
    made = [ids.new_id() for _ in range(20000)] + ids.new_ids(20000)
    assert all(_well_formed(i) for i in made)
    assert len(set(made)) == len(made)
    # 80 random bits: every character position takes every value of the alphabet.
    for k in range(16):
        assert {i[k] for i in made} == ALPHABET


def test_seeded_ids_repeat_for_a_seed_and_differ_between_seeds():
    a = [ids.seeded_id(random.Random(7)) for _ in range(3)]
    assert a[0] == a[1] == a[2] and _well_formed(a[0])
    rng = random.Random(7)
    run = [ids.seeded_id(rng) for _ in range(1000)]
    assert run[0] == a[0] and len(set(run)) == 1000
    assert ids.seeded_id(random.Random(8)) != a[0]


def test_serial_ids_sort_in_the_order_they_were_made_and_repeat_for_a_seed():
    gen = ids.SerialIds(random.Random(3))
    made = [gen() for _ in range(5000)]
    assert all(_well_formed(i) for i in made)
    assert made == sorted(made) and len(set(made)) == len(made)
    assert len({i[:11] for i in made}) == 1
    again = ids.SerialIds(random.Random(3))
    assert [again() for _ in range(5000)] == made
    other = ids.SerialIds(random.Random(4))
    assert not {other() for _ in range(5000)} & set(made)
    # Across the digits' carries (1,023 → 1,024, 2²⁰ − 1 → 2²⁰) the order holds.
    gen.n = (1 << 20) - 3
    near = [gen() for _ in range(6)]
    assert near == sorted(near) and int(near[-1][11:], 32) == (1 << 20) + 3


def test_serial_ids_draw_a_new_prefix_when_the_serial_numbers_run_out():
    gen = ids.SerialIds(random.Random(5))
    first = gen()
    gen.n = (1 << 25) - 2
    last = gen()
    assert last[:11] == first[:11] and last[11:] == "vvvvv"
    nxt = gen()
    assert nxt[:11] != first[:11] and nxt[11:] == "00001" and _well_formed(nxt)


def _old_form(monkeypatch):
    """What new_id made until ids were shortened: the text of a version 4 UUID."""
    for mod in (local_ids, ids, meetings_ledger):
        monkeypatch.setattr(mod, "new_id", lambda: str(uuid.uuid4()))
    monkeypatch.setattr(local_ids, "numbered", lambda conn: False)  # and no local ids
    import dangjian_desktop.db as db_pkg

    monkeypatch.setattr(db_pkg, "new_id", lambda: str(uuid.uuid4()))


def test_a_file_with_old_uuid_ids_gets_short_ids_verifies_and_merges_at_the_county(tmp_path, monkeypatch):
    with monkeypatch.context() as m:
        _old_form(m)
        town = small_town(tmp_path / "town.sqlite", "甲镇", seed=3)
    with Database.open(town, mode="read") as db:
        old = {r["id"] for r in db.query("SELECT id FROM member")}
        assert old and all(len(i) == 36 for i in old)
    with Database.open(town) as db:
        root = db.scalar("SELECT id FROM org WHERE parent_id IS NOT NULL LIMIT 1")
        new = add_member(db, {"name": "新党员", "ethnicity": "汉族", "id_number": make("140826", dt.date(1990, 1, 1), 5, True),
                              "join_date": "2024-07-01", "full_date": "2025-07-01", "category": "正式党员",
                              "phone": "13900001111"}, org_id=root, event_date="2024-07-01")
        assert local_ids.is_local(new)  # a row made now gets a local id (db/local_ids.py)
        assert db.verify() == []
    county = tmp_path / "county.sqlite"
    dj("--db", county, "init", "--name", "测试县", "--level", "county")
    dj("--db", county, "exchange", "invite", "--town", "甲镇", "--out", tmp_path / "inv")
    dj("--db", town, "exchange", "join", tmp_path / "inv")
    dj("--db", town, "exchange", "export", "--out", tmp_path / "p1.djx")
    assert dj_json("--db", county, "exchange", "import", tmp_path / "p1.djx", "--json")["status"] == "applied"

    def rows(path):
        with Database.open(path, mode="read") as db:
            return {r[0]: (r["name"], r["note"], r["rev"])
                    for r in db.query("SELECT coalesce(gid, id), name, note, rev FROM member")}

    with Database.open(town, mode="read") as db:
        new_gid = db.scalar("SELECT gid FROM member WHERE id = ?", (new,))
    assert rows(county) == rows(town) and set(rows(town)) == old | {new_gid}
    # Changes of a row of either form travel in the next package.
    old_one = sorted(old)[0]
    with Database.open(town) as db:
        update_member(db, old_one, {"note": "旧编号"})
        update_member(db, new, {"note": "新编号"})
    dj("--db", town, "exchange", "export", "--out", tmp_path / "p2.djx")
    out = dj_json("--db", county, "exchange", "import", tmp_path / "p2.djx", "--json")
    assert out["status"] == "applied" and out["tables"]["member"]["updated"] == 2
    assert rows(county) == rows(town)
    assert rows(county)[old_one][1] == "旧编号" and rows(county)[new_gid][1] == "新编号"
    assert dj("--db", county, "verify").returncode == 0 and dj("--db", town, "verify").returncode == 0
