"""The one test with a full demo town: a town holding years of data (members since decades,
finished rounds of earlier years, a year of meetings and points) joins and sends everything; and
an import killed with SIGKILL at any moment leaves the county as it was or fully merged."""

from __future__ import annotations

import os
import signal
import shutil
import subprocess
import sys
import time

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.exchange import ownership

from exchange_util import dj, dj_json

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo-exchange")
    town, county = tmp / "文城镇.sqlite", tmp / "county.sqlite"
    dj("--db", town, "init", "--name", "文城镇", "--level", "town")
    dj("--db", town, "demo", "--seed", "5")
    dj("--db", county, "init", "--name", "测试县", "--level", "county")
    dj("--db", county, "exchange", "invite", "--town", "文城镇", "--out", tmp / "inv")
    dj("--db", town, "exchange", "join", tmp / "inv")
    dj("--db", town, "exchange", "export", "--out", tmp / "p1")
    return tmp, town, county


def owned_counts(path, office_id):
    with Database.open(path, mode="read") as db:
        return {t: db.scalar(f'SELECT count(*) FROM "{t}" WHERE owner = ?', (office_id,))
                for t in ownership.travelling_tables(db.conn) if ownership.sent_by("town", t)}


def test_a_town_with_years_of_data_joins_and_sends_everything(demo):
    tmp, town, county = demo
    with Database.open(town, mode="read") as db:
        office = db.local_office_id
        years = {r[0] for r in db.query("SELECT DISTINCT substr(join_date, 1, 4) FROM member")}
        assert len(years) > 20 and db.scalar("SELECT count(*) FROM assessment_round") >= 3
    assert (tmp / "p1").stat().st_size * 5 < town.stat().st_size
    target = tmp / "county-years.sqlite"
    shutil.copy(county, target)
    res = dj_json("--db", target, "exchange", "import", tmp / "p1", "--json")
    assert res["status"] == "applied" and res["total"]["refused"] == 0
    assert owned_counts(target, office) == owned_counts(town, office)
    assert dj_json("--db", target, "stats", "--json")["members"] == dj_json("--db", town, "stats", "--json")["members"]
    assert dj("--db", target, "verify").returncode == 0
    # The town's own rounds, now at the county, are listed as the town's.
    listed = dj("--db", target, "rounds", "list").stdout.splitlines()
    assert listed and all("文城镇的" in line for line in listed), listed


def _state(path):
    with Database.open(path, mode="read") as db:
        assert db.verify() == [], "the database must verify after a kill"
        return db.scalar("SELECT count(*) FROM member"), db.scalar("SELECT count(*) FROM exchange_package")


def _import_and_kill(county, package, *, when) -> None:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "dangjian_desktop.cli", "--db", str(county), "exchange", "import",
                             str(package)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wal = county.with_name(county.name + "-wal")
    try:
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline and not when(wal):
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_9_during_import_leaves_the_county_as_before_or_fully_merged(demo):
    tmp, town, county = demo
    with Database.open(town, mode="read") as db:
        town_members = db.scalar("SELECT count(*) FROM member")
    outcomes = []
    for n in range(3):
        target = tmp / f"county-kill{n}.sqlite"
        shutil.copy(county, target)
        t0 = time.monotonic()
        if n == 0:  # while the unit of work writes: its pages spill into the WAL file
            def when(wal):
                return wal.exists() and wal.stat().st_size > 4_000_000
        else:  # at later moments, wherever the import is by then
            def when(wal, seconds=4 * n):
                return time.monotonic() - t0 > seconds
        _import_and_kill(target, tmp / "p1", when=when)
        state = _state(target)
        assert state in ((0, 0), (town_members, 1)), state
        outcomes.append(state)
        # Whatever happened, importing again completes the merge exactly once.
        dj("--db", target, "exchange", "import", tmp / "p1")
        assert _state(target) == (town_members, 1)
    assert outcomes[0] == (0, 0), "killed while writing: the county must be as before"
