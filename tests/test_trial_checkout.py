"""Following the README's 试用 steps in a fresh clone leaves `git status` clean: the database
made there, its lock file, its -wal/-shm and backups are all ignored, also while the GUI has it open."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _trial_steps() -> list[list[str]]:
    """The commands of the README's 试用 section, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## 试用", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    steps = [shlex.split(line.split("#", 1)[0]) for line in block.splitlines() if line.strip()]
    assert steps and all(s[0].startswith(".venv/bin/") for s in steps), steps
    return steps


def _script(name: str) -> Path:
    for candidate in (BIN / name, BIN / f"{name}.exe"):
        if candidate.exists():
            return candidate
    pytest.skip(f"{name} is not installed next to {sys.executable}")


@pytest.fixture
def clone(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    target = tmp_path / "checkout"
    _git("clone", "--quiet", str(ROOT), str(target), cwd=tmp_path)
    # The working tree's ignore rules, committed or not, are the ones under test.
    shutil.copyfile(ROOT / ".gitignore", target / ".gitignore")
    if _git("status", "--porcelain", cwd=target).strip():
        _git("add", ".gitignore", cwd=target)
        _git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "-m",
             "ignore rules of the working tree", cwd=target)
    assert _git("status", "--porcelain", cwd=target) == ""
    return target


def test_trial_steps_leave_the_checkout_clean(clone):
    steps = _trial_steps()
    gui = None
    try:
        for step in steps:
            command = [str(_script(step[0].removeprefix(".venv/bin/"))), *step[1:]]
            if step[0].endswith("dangjian-desktop"):
                db_file = clone / step[step.index("--db") + 1]
                gui = subprocess.Popen(command, cwd=clone)
                lock_file = db_file.with_name(db_file.name + ".lock")
                deadline = time.monotonic() + 90
                while str(gui.pid) not in (lock_file.read_text(encoding="utf-8") if lock_file.exists() else ""):
                    assert gui.poll() is None, "the GUI ended before it opened the database"
                    assert time.monotonic() < deadline, "the GUI did not open the database"
                    time.sleep(0.2)
                assert db_file.with_name(db_file.name + "-wal").exists()
            else:
                subprocess.run(command, cwd=clone, check=True, capture_output=True)
            made = {p.name for p in clone.iterdir()} - {".git"}
            assert any(name.endswith(".sqlite") for name in made)
            assert _git("status", "--porcelain", cwd=clone) == "", step
    finally:
        if gui is not None:
            gui.kill()  # a lock file naming a dead holder stays behind: ignored too
            gui.wait()
    assert _git("status", "--porcelain", cwd=clone) == ""
    # Backups made before a schema upgrade sit beside the database under a name of the same kind.
    (clone / "试用.before-v9.sqlite").write_bytes(b"")
    assert _git("status", "--porcelain", cwd=clone) == ""
