"""Helpers for the exchange tests: small generated towns, the CLI as a clerk runs it, and a full
dump of a database to prove that a refused package changed nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from PIL import Image

from dangjian_desktop.db import Database
from dangjian_desktop.meetings.ledger import record_meeting
from dangjian_desktop.registry import add_member, add_org, init_office, start_term
from dangjian_desktop.registry.idcard import make
from dangjian_desktop.registry.orgs import add_committee_member

NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏"


def dj(*args, check: bool = True) -> subprocess.CompletedProcess:
    """The `dangjian` command in its own process (keys and data folders come from the test's env)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    r = subprocess.run([sys.executable, "-m", "dangjian_desktop.cli", *[str(a) for a in args]], capture_output=True,
                       text=True, env=env, timeout=300)
    if check:
        assert r.returncode == 0, f"{args}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def dj_json(*args):
    return json.loads(dj(*args).stdout)


def photo(path: Path, colour=(200, 30, 30)) -> Path:
    Image.new("RGB", (40, 30), colour).save(path, "JPEG")
    return path


def small_town(path: Path, name: str, *, seed: int = 1, branches: int = 2, members: int = 4,
               since: int = 2019) -> Path:
    """A town with `branches` branches of `members` members each (joined over several years), a
    committee, a meeting with attendance and a photo. ID numbers differ between seeds."""
    db = Database.create(path)
    try:
        init_office(db, name=name, level="town")
        root = db.scalar("SELECT id FROM org WHERE parent_id IS NULL")
        for b in range(branches):
            bid = add_org(db, parent_id=root, name=f"{name[:-1]}{'东西南北中'[b % 5]}村党支部", org_type="党支部", kind="村")
            ids = []
            for k in range(members):
                born = dt.date(1950, 1, 1) + dt.timedelta(days=(seed * 997) % 6000 + b * 101 + k * 13)
                ids.append(add_member(db, {
                    "name": NAMES[(seed * 7 + b * 5 + k) % len(NAMES)] + "一二三四五六七八九十"[k % 10] + name[0],
                    "ethnicity": "汉族", "id_number": make("140826", born, (seed + k) % 100, k % 2 == 0),
                    "join_date": f"{since + k % 5}-07-01", "full_date": f"{since + 1 + k % 5}-07-01",
                    "category": "正式党员", "phone": f"1390000{seed:02d}{b}{k:02d}"[:11]},
                    org_id=bid, event_date=f"{since + k % 5}-07-01"))
            start_term(db, bid, start_date="2024-03-01", years=3)
            add_committee_member(db, bid, role="书记", start_date="2024-03-01", member_id=ids[0])
            record_meeting(db, org_id=bid, meeting_type="支部党员大会", date="2025-03-10", topic="学习",
                           attendance={m: "出席" for m in ids}, photos=[photo(path.parent / f"p{seed}{b}.jpg")],
                           today=dt.date(2025, 12, 1))
    finally:
        db.close()
    return path


def dump(path: Path) -> dict:
    """Every row of every table (the change log, tx log and meta included), as text."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        out = {}
        for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
            out[t] = sorted(repr(tuple(r)) for r in conn.execute(f'SELECT * FROM "{t}"'))
        return out
    finally:
        conn.close()


def members(path: Path) -> int:
    return dj_json("--db", path, "stats", "--json")["members"]


def county_with_towns(tmp: Path, names: list[str], *, seeds=None) -> tuple[Path, dict[str, Path]]:
    """A county that invited the towns, towns that joined (CLI), nothing exchanged yet."""
    county = tmp / "county.sqlite"
    dj("--db", county, "init", "--name", "测试县", "--level", "county")
    # The county numbers its rows from elsewhere than the towns do (as a county that made rows of its
    # own would): a test that uses a town's id at the county, untranslated, finds no row or another.
    conn = sqlite3.connect(county)
    try:
        with conn:
            conn.execute("UPDATE local_id_counter SET next = next + 7000")
    finally:
        conn.close()  # the last connection: its write is in the main file (tests copy it)
    towns = {}
    for n, name in enumerate(names):
        path = small_town(tmp / f"town{n}.sqlite", name, seed=(seeds or range(1, 99))[n])
        dj("--db", county, "exchange", "invite", "--town", name, "--out", tmp / f"inv{n}")
        dj("--db", path, "exchange", "join", tmp / f"inv{n}")
        towns[name] = path
    return county, towns


def flip(src: Path, dst: Path, at: int, mask: int = 0x01) -> Path:
    data = bytearray(src.read_bytes())
    data[at] ^= mask
    dst.write_bytes(bytes(data))
    return dst


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(path).read_bytes())).pages)


# ---- the same row in two databases (each numbers its own rows: db/local_ids.py) -----------------------
def gid_of(db: Database, table: str, row_id: str) -> str:
    """The global id of a row of `db`."""
    from dangjian_desktop.db import local_ids

    gid = local_ids.global_of(db.conn, table, row_id)
    assert gid is not None, f"{table} {row_id} is not in {db.path.name}"
    return gid


def id_in(db: Database, table: str, gid: str) -> str | None:
    """The local id in `db` of the row whose global id is `gid` (None: `db` does not have it)."""
    from dangjian_desktop.db import local_ids

    return local_ids.local_of(db.conn, table, gid)


def there(src: Database, dst: Database, table: str, row_id: str) -> str | None:
    """The id in `dst` of the row that is `row_id` in `src`."""
    return id_in(dst, table, gid_of(src, table, row_id))
