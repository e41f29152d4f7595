"""The frozen bundle and the wheel: built from this checkout, they carry everything the program needs.

The bundle is built with installer/dangjian-desktop.spec, the same spec the Windows
installer uses, into a temporary folder (about a minute on 2 cores), then its own
`--selftest` must pass; a copy with a file taken out must fail naming that file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from dangjian_desktop import selftest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
STEP_NAMES = [name for name, _ in selftest.STEPS]
FONT = "resources/" + "/".join(selftest.BUNDLED_FONT)


def clean_env(tmp: Path, **changes) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QT_QPA_PLATFORM")}
    env.update(DANGJIAN_DATA_DIR=str(tmp / "data"), XDG_CONFIG_HOME=str(tmp / "config"),
               XDG_DATA_HOME=str(tmp / "xdg-data"), QT_QPA_PLATFORM="offscreen")
    env.update(changes)
    return env


def marks(stdout: str) -> dict[str, str]:
    """Step name -> its ✓/✗ line."""
    return {line[2:].split("：")[0]: line for line in stdout.splitlines() if line[:1] in ("✓", "✗")}


EXE = ".exe" if os.name == "nt" else ""


@contextmanager
def exclusive(lock_path: Path):
    """Hold an exclusive lock on a file (so that only one test worker builds the bundle)."""
    with open(lock_path, "a+b") as fh:
        if os.name == "nt":
            import msvcrt

            while True:
                try:
                    msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)  # blocks up to 10 s per try
                    break
                except OSError:
                    continue
        else:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    """The one-folder bundle, built once per test run even when several xdist workers need it."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this run's folder
    out = shared / "pyinstaller-bundle"
    folder = out / "dist" / "dangjian-desktop"
    with exclusive(shared / "pyinstaller-bundle.lock"):
        if not (out / "built").exists():
            started = time.monotonic()
            proc = subprocess.run(
                [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                 "--distpath", str(out / "dist"), "--workpath", str(out / "work"), "installer/dangjian-desktop.spec"],
                cwd=ROOT, capture_output=True, text=True, timeout=900)
            assert proc.returncode == 0, proc.stderr[-4000:]
            size = sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_symlink() and p.is_file())
            (out / "built").write_text(f"built in {time.monotonic() - started:.0f} s, {size / 2**20:.0f} MiB\n")
    print(f"\nbundle {(out / 'built').read_text().strip()}")
    return folder


def run_frozen(folder: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(folder / f"dangjian-desktop{EXE}"), *args], env=clean_env(tmp), cwd=tmp,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_frozen_selftest_passes(bundle, tmp_path):
    proc = run_frozen(bundle, tmp_path, "--selftest")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = marks(proc.stdout)
    assert list(lines) == STEP_NAMES
    assert all(line.startswith("✓ ") for line in lines.values())
    assert "清单中的" in lines["资源文件"]  # checked against the manifest written by the build


def test_frozen_bundle_finds_resources_inside_itself(bundle, tmp_path):
    proc = run_frozen(bundle, tmp_path, "--selftest")
    assert f"（{bundle / '_internal'}）" in marks(proc.stdout)["资源文件"]


def test_frozen_cli_creates_and_reads_a_database(bundle, tmp_path):
    db = tmp_path / "镇.sqlite"
    cli = str(bundle / f"dangjian{EXE}")
    env = clean_env(tmp_path)
    init = subprocess.run([cli, "--db", str(db), "init", "--name", "文城镇", "--level", "town"], env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert init.returncode == 0, init.stderr
    verify = subprocess.run([cli, "--db", str(db), "verify"], env=env, capture_output=True, text=True,
                            encoding="utf-8", timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_bundle_has_no_dangling_links(bundle):
    assert [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()] == []


def test_bundle_keeps_only_chinese_qt_catalogues(bundle):
    catalogues = sorted(p.name for p in bundle.rglob("*.qm"))
    assert "qtbase_zh_CN.qm" in catalogues
    assert [c for c in catalogues if not c.endswith("_zh_CN.qm")] == []


@pytest.fixture
def damaged_copy(bundle, tmp_path):
    """A copy of the bundle (hard links: instant, and removing a file leaves the original)."""
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy, symlinks=True, copy_function=os.link)
    return copy


@pytest.mark.parametrize("lost, failing_steps, named", [
    (FONT, {"资源文件", "PDF 与内置字体", "图形界面与中文", "图表"}, "WenQuanYiMicroHei-GB2312.ttf"),
    ("ui/new_database.ui", {"资源文件"}, "ui/new_database.ui"),
    ("resources/codes/ethnicity.json", {"资源文件"}, "resources/codes/ethnicity.json"),
    ("qtbase_zh_CN.qm", {"图形界面与中文"}, "qtbase_zh_CN.qm"),
])
def test_frozen_selftest_names_a_lost_file(damaged_copy, tmp_path, lost, failing_steps, named):
    if "/" in lost:
        victim = damaged_copy / "_internal" / lost
    else:
        [victim] = damaged_copy.rglob(lost)
    victim.unlink()
    proc = run_frozen(damaged_copy, tmp_path, "--selftest")
    assert proc.returncode == 1
    failed = {name: line for name, line in marks(proc.stdout).items() if line.startswith("✗ ")}
    assert set(failed) == failing_steps
    assert all(named in line for line in failed.values())


# ---- the wheel -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wheel_and_sources(tmp_path_factory) -> tuple[Path, Path]:
    """A wheel built from a copy of the sources (the build writes build/ and egg-info beside them)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("dangjian_desktop", "resources", "ui"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(tmp / "dist"), str(src)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [built] = (tmp / "dist").glob("dangjian_desktop-*.whl")
    return built, src


@pytest.fixture(scope="module")
def wheel(wheel_and_sources) -> Path:
    return wheel_and_sources[0]


def test_wheel_ships_every_resource_file(wheel_and_sources):
    wheel, src = wheel_and_sources
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"dangjian_desktop/_data/{rel}" for rel in selftest.build_manifest(src)["files"]}
    assert expected - names == set()
    assert f"dangjian_desktop/_data/{selftest.MANIFEST_NAME}" in names


def test_installed_wheel_passes_its_selftest(wheel, tmp_path):
    """The wheel unpacked as site-packages would hold it, away from the checkout."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = clean_env(tmp_path, PYTHONPATH=str(site))
    where = subprocess.run([sys.executable, "-c", "from dangjian_desktop.paths import app_root; print(app_root())"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert where.stdout.strip() == str(site / "dangjian_desktop" / "_data"), where.stderr
    proc = subprocess.run([sys.executable, "-m", "dangjian_desktop", "--selftest"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "清单中的" in marks(proc.stdout)["资源文件"]
