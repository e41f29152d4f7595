"""A new database (`init`, `exchange recover`) whose program is killed half-way leaves no file at
its path: creating it again works, and nothing half-made is taken for an older version's database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from exchange_util import county_with_towns, dj

# Runs the CLI in a process that kills itself (SIGKILL: nothing cleans up) at the n-th call of
# a function, as a power cut or the task manager would.
_KILLER = """
import os, signal, sys, importlib
mod, attr, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
m = importlib.import_module(mod)
*owners, name = attr.split(".")
for o in owners:
    m = getattr(m, o)
orig, calls = getattr(m, name), [0]
def killed(*a, **kw):
    calls[0] += 1
    if calls[0] == nth:
        os.kill(os.getpid(), signal.SIGKILL)
    return orig(*a, **kw)
setattr(m, name, killed)
from dangjian_desktop.cli import main
sys.exit(main(sys.argv[4:]))
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def killed_at(module: str, attr: str, nth: int, *args) -> None:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    r = subprocess.run([sys.executable, "-c", _KILLER, module, attr, str(nth), *map(str, args)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == -9, f"not killed: {r.returncode}\n{r.stdout}\n{r.stderr}"


def shown(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("module, attr, nth", [
    ("dangjian_desktop.db.migrations", "Migration.run", 3),  # half-way through the schema
    ("dangjian_desktop.registry", "init_office", 1),  # the schema made, the office not yet
])
def test_init_killed_half_way_leaves_no_database(tmp_path, module, attr, nth):
    path = tmp_path / "dangjian.sqlite"
    killed_at(module, attr, nth, "--db", path, "init", "--name", "文城镇", "--level", "town")
    assert not path.exists()
    assert [n for n in shown(tmp_path) if n != "dangjian.sqlite.lock"] == []
    dj("--db", path, "init", "--name", "文城镇", "--level", "town")
    assert "文城镇" in dj("--db", path, "stats").stdout
    assert dj("--db", path, "verify").returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".creating")] == []


def test_recover_killed_half_way_leaves_no_database(tmp_path):
    county, towns = county_with_towns(tmp_path, ["甲镇"])
    dj("--db", towns["甲镇"], "exchange", "export", "--out", tmp_path / "p1")
    dj("--db", county, "exchange", "import", tmp_path / "p1")
    out = dj("--db", county, "exchange", "invite", "--town", "甲镇", "--recovery", "--out", tmp_path / "rec").stdout
    code = re.search(r"恢复码：(\d{4}-\d{4}-\d{4})", out).group(1)
    new = tmp_path / "新电脑.sqlite"
    # The recovered rows written, the county's key not yet recorded.
    killed_at("dangjian_desktop.exchange.recovery", "record_key", 1,
              "--db", new, "exchange", "recover", tmp_path / "rec", "--code", code)
    assert not new.exists()
    out = dj("--db", new, "exchange", "recover", tmp_path / "rec", "--code", code).stdout
    assert "已从测试县的恢复数据包恢复甲镇的数据" in out
    assert dj("--db", new, "verify").returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".creating")] == []
