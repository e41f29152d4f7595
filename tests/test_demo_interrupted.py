"""`dangjian demo` killed half-way leaves no half demo: running it again succeeds and gives the
complete demo office; the GUI's demo database is finished the same way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dangjian_desktop.db import Database
from dangjian_desktop.demo import ensure_demo_database, generate

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def dangjian(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "dangjian"), *args], capture_output=True, text=True, timeout=600, **kw)


def fingerprint(path: Path) -> dict:
    """Rows per table (the change log included) and the members' ids and names."""
    with Database.open(path, mode="read") as db:
        tables = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        counts = {t: db.scalar(f'SELECT count(*) FROM "{t}"') for t in tables}
        members = [tuple(r) for r in db.query("SELECT id, name FROM member ORDER BY id")]
        assert db.verify() == []
    return {"counts": counts, "members": members}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_demo_killed_half_way_runs_again_to_a_complete_office(tmp_path):
    path = tmp_path / "演示.sqlite"
    assert dangjian("--db", str(path), "init", "--name", "文城镇", "--level", "town").returncode == 0
    run = subprocess.Popen([str(BIN / "dangjian"), "--db", str(path), "demo", "--seed", "1"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        # The organisations and members are made first; kill once the next part has begun.
        for line in run.stdout:
            seen.append(line.strip())
            if len(seen) >= 2:
                break
        os.kill(run.pid, signal.SIGKILL)
    finally:
        run.wait()
    assert run.returncode == -signal.SIGKILL and not any(s.startswith("完成") for s in seen), seen

    again = dangjian("--db", str(path), "demo", "--seed", "1")
    assert again.returncode == 0, again.stderr
    assert "完成" in again.stdout

    reference = tmp_path / "参照.sqlite"
    assert dangjian("--db", str(reference), "init", "--name", "文城镇", "--level", "town").returncode == 0
    assert dangjian("--db", str(reference), "demo", "--seed", "1").returncode == 0
    resumed, whole = fingerprint(path), fingerprint(reference)
    assert resumed["members"] == whole["members"] and len(whole["members"]) > 100
    assert resumed["counts"] == whole["counts"]


def test_a_failing_demo_leaves_the_database_empty(db, monkeypatch):
    """Whatever stops it part-way (here the points part), nothing of the demo stays behind."""
    import dangjian_desktop.points.demo as points_demo

    before = db.scalar("SELECT count(*) FROM tx_log")

    def broken(*_a, **_kw):
        raise RuntimeError("stopped part-way")

    monkeypatch.setattr(points_demo, "populate", broken)
    with pytest.raises(RuntimeError):
        generate(db, seed=2)
    assert db.scalar("SELECT count(*) FROM member") == 0
    assert db.scalar("SELECT count(*) FROM org WHERE parent_id IS NOT NULL") == 0
    assert db.scalar("SELECT count(*) FROM tx_log") == before


def test_the_gui_demo_database_is_finished_when_its_making_was_cut_short(tmp_path):
    path = tmp_path / "演示数据.sqlite"
    Database.create(path).close()  # cut short before the office was set up
    assert ensure_demo_database(path, seed=1) is True
    with Database.open(path, mode="read") as db:
        assert db.local_office_id and db.scalar("SELECT count(*) FROM member") > 100
        members = db.scalar("SELECT count(*) FROM member")
    assert ensure_demo_database(path, seed=1) is False  # complete: left as it is
    with Database.open(path, mode="read") as db:
        assert db.scalar("SELECT count(*) FROM member") == members

