"""scripts/setup.sh against stand-ins for python, dpkg-query, apt-get and apt-cache: the Python
version is checked before anything else, renamed (t64) packages count as installed, apt waits for
its lock, and a .venv made by another interpreter is rebuilt. Also: the PowerShell scripts carry
a BOM, without which Windows PowerShell 5.1 misreads their Chinese messages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

needs_bash = pytest.mark.skipif(sys.platform == "win32" or not shutil.which("bash") or not shutil.which("sha256sum"),
                                reason="setup.sh is the Debian/Ubuntu set-up")

# Every package setup.sh wants when nothing is missing (libglib under its pre-t64 name).
BASE_INSTALLED = """libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon-x11-0
libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0
libxcb-xinerama0 xvfb xauth fonts-wqy-microhei binutils""".split()

FAKES = {
    # A Python of the version in FAKE_PY_VERSION: `-c` runs the real interpreter with sys.version_info
    # patched (as the acceptance check's stand-in does); `-m venv DIR` makes DIR/bin/python (this
    # script, remembering its version); `-m pip` only logs.
    "fakepython": r"""#!/bin/bash
echo "python $*" >> "$FAKE_LOG"
ver=${FAKE_PY_VERSION}
[ -f "$(dirname "$0")/version" ] && ver=$(cat "$(dirname "$0")/version")
if [[ $1 == -c ]]; then
  IFS=. read -r a b c <<<"$ver"
  exec "$REAL_PY" -c "import sys; sys.version_info=($a,$b,$c,'final',0); sys.version='$ver (fake)'
$2"
fi
if [[ $1 == -m && $2 == venv ]]; then
  mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; echo "$ver" > "$3/bin/version"; exit 0
fi
if [[ $1 == -m && $2 == pip ]]; then exit 0; fi
exit 1
""",
    "dpkg-query": r"""#!/bin/bash
pkg=${@: -1}
grep -qx -- "$pkg" "$FAKE_INSTALLED" && { printf 'install ok installed'; exit 0; }
echo "dpkg-query: no packages found matching $pkg" >&2; exit 1
""",
    "apt-cache": r"""#!/bin/bash
grep -qx -- "${@: -1}" "$FAKE_KNOWN"
""",
    # The first `update` finds the lists locked by another apt, as on a CI machine's first boot.
    "apt-get": r"""#!/bin/bash
echo "apt-get $*" >> "$FAKE_LOG"
if [[ " $* " == *" update "* && ! -f "$FAKE_DIR/lock-seen" ]]; then
  touch "$FAKE_DIR/lock-seen"
  echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
  exit 100
fi
exit 0
""",
    "sleep": """#!/bin/bash\necho "sleep $*" >> "$FAKE_LOG"\n""",
    "sudo": """#!/bin/bash\nexec "$@"\n""",
}


@pytest.fixture
def project(tmp_path):
    """A copy of setup.sh in a project of its own, stand-ins first on PATH."""
    proj = tmp_path / "proj"
    (proj / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", proj / "scripts" / "setup.sh")
    (proj / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n', encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in FAKES.items():
        (bin_dir / name).write_text(text, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    (tmp_path / "installed").write_text("\n".join(BASE_INSTALLED) + "\n", encoding="utf-8")
    (tmp_path / "known").write_text("libglib2.0-0\npoppler-utils\n", encoding="utf-8")
    return proj


def run_setup(project: Path, version: str = "3.12.3", *args: str) -> subprocess.CompletedProcess:
    tmp = project.parent
    env = {**os.environ, "PATH": f"{tmp / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "PYTHON": str(tmp / "bin" / "fakepython"), "FAKE_PY_VERSION": version, "REAL_PY": sys.executable,
           "FAKE_LOG": str(tmp / "log"), "FAKE_DIR": str(tmp), "FAKE_INSTALLED": str(tmp / "installed"),
           "FAKE_KNOWN": str(tmp / "known")}
    return subprocess.run(["bash", "scripts/setup.sh", *args], cwd=project, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def log(project: Path) -> list[str]:
    path = project.parent / "log"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@needs_bash
def test_old_python_is_refused_first_naming_the_version_and_the_way_out(project):
    (project.parent / "installed").write_text("", encoding="utf-8")  # apt would be needed
    proc = run_setup(project, "3.10.12")
    assert proc.returncode != 0
    assert "3.11" in proc.stderr and "3.10.12" in proc.stderr
    assert "PYTHON=/usr/bin/python3.12 bash scripts/setup.sh" in proc.stderr
    assert not [line for line in log(project) if line.startswith("apt-get")]  # refused before apt
    assert not (project / ".venv").exists()


@needs_bash
def test_renamed_t64_package_counts_as_installed(project):
    installed = project.parent / "installed"
    for glib in ("libglib2.0-0", "libglib2.0-0t64"):
        names = [n for n in BASE_INSTALLED if n != "libglib2.0-0"] + [glib]
        installed.write_text("\n".join(names) + "\n", encoding="utf-8")
        proc = run_setup(project)
        assert proc.returncode == 0, proc.stderr
        assert not [line for line in log(project) if line.startswith("apt-get")], glib


@needs_bash
def test_missing_packages_wait_for_apts_lock_and_take_the_known_name(project):
    installed = project.parent / "installed"
    installed.write_text("\n".join(n for n in BASE_INSTALLED if n not in ("libglib2.0-0", "xauth")) + "\n",
                         encoding="utf-8")
    (project.parent / "known").write_text("libglib2.0-0t64\nxauth\n", encoding="utf-8")
    proc = run_setup(project)
    assert proc.returncode == 0, proc.stderr
    apt = [line for line in log(project) if line.startswith(("apt-get", "sleep"))]
    assert apt[0] == "apt-get -o DPkg::Lock::Timeout=600 update -qq"  # the lists were locked …
    assert apt[1].startswith("sleep ")  # … so it waited
    assert apt[2] == "apt-get -o DPkg::Lock::Timeout=600 update -qq"
    assert apt[3] == "apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends libglib2.0-0t64 xauth"
    assert "poppler-utils" not in "".join(apt)


@needs_bash
def test_pdf_tools_only_when_asked(project):
    proc = run_setup(project, "3.12.3", "--pdf-tools")
    assert proc.returncode == 0, proc.stderr
    assert [line for line in log(project) if "install" in line and line.startswith("apt-get")] == [
        "apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends poppler-utils"]


@needs_bash
def test_a_venv_made_by_another_interpreter_is_rebuilt(project):
    assert run_setup(project, "3.11.4").returncode == 0
    assert (project / ".venv" / "bin" / "version").read_text().strip() == "3.11.4"
    (project.parent / "log").unlink()
    proc = run_setup(project, "3.11.4")  # the same interpreter: nothing to do
    assert proc.returncode == 0 and not [line for line in log(project) if "-m venv" in line]
    proc = run_setup(project, "3.12.3")
    assert proc.returncode == 0, proc.stderr
    assert "Rebuilding .venv" in proc.stdout
    assert (project / ".venv" / "bin" / "version").read_text().strip() == "3.12.3"
    assert any("-m pip install" in line for line in log(project))  # the new .venv gets its packages


def test_powershell_scripts_with_chinese_text_have_a_bom():
    """Windows PowerShell 5.1 reads a .ps1 without a BOM in the ANSI code page."""
    for path in sorted(ROOT.glob("scripts/*.ps1")) + sorted(ROOT.glob("installer/*.ps1")):
        data = path.read_bytes()
        if any(b > 0x7F for b in data):
            assert data.startswith(b"\xef\xbb\xbf"), path.name
