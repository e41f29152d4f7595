#!/usr/bin/env bash
# Sets up everything the app and its tests need on Debian/Ubuntu: system packages for headless
# and on-screen Qt, a CJK font, a virtual environment in .venv and the pinned Python packages.
# Safe to run again: it skips what is done.
#
#   bash scripts/setup.sh                                   python3 (must be 3.11 or later)
#   PYTHON=/usr/bin/python3.12 bash scripts/setup.sh         another interpreter; rebuilds .venv
#   bash scripts/setup.sh --pdf-tools                       also poppler-utils (pdftotext, pdftoppm)
#
# Order: the interpreter's version is checked first (no apt, no sudo for a Python that cannot
# work), then system packages (waiting for another apt to finish), then .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

PDF_TOOLS=0
for arg in "$@"; do
  case $arg in
    --pdf-tools) PDF_TOOLS=1 ;;
    *) echo "setup.sh：未知参数 / unknown option: $arg（可用 / accepted: --pdf-tools）" >&2; exit 2 ;;
  esac
done

die() {
  printf '%s\n' "$@" >&2
  exit 1
}

# ---- the Python interpreter: 3.11 or later ---------------------------------------------------
# Only `PY -c CODE` is used to ask an interpreter anything.
py_version() { "$1" -c 'import sys; print("%d.%d.%d" % tuple(sys.version_info[:3]))' 2>/dev/null; }
py_recent() { "$1" -c 'import sys; sys.exit(0 if tuple(sys.version_info[:2]) >= (3, 11) else 1)' 2>/dev/null; }
# The full version string (build included) of a working .venv with pip; empty when there is none.
venv_build() { .venv/bin/python -c 'import sys, pip; print(sys.version)' 2>/dev/null || true; }

check_python() {
  local py=$1 version
  command -v "$py" >/dev/null 2>&1 || die \
    "找不到 Python 解释器“$py”。需要 Python 3.11 或更高版本。" \
    "Python interpreter '$py' not found. Python 3.11 or later is needed." \
    "指定解释器 / choose one:  PYTHON=/usr/bin/python3.12 bash scripts/setup.sh"
  version=$(py_version "$py") || die \
    "无法运行 Python 解释器“$py”。/ Could not run the Python interpreter '$py'."
  py_recent "$py" || die \
    "需要 Python 3.11 或更高版本，但“$py”是 Python $version。" \
    "Python 3.11 or later is needed; '$py' is Python $version." \
    "请安装较新的 Python，再用 PYTHON 指定它 / install a newer Python and choose it with PYTHON, e.g.:" \
    "  PYTHON=/usr/bin/python3.12 bash scripts/setup.sh" \
    "（Ubuntu 22.04：sudo apt-get install python3.11 python3.11-venv，然后 / then PYTHON=/usr/bin/python3.11）"
}

PY=""
checked=0
if [ -n "${PYTHON:-}" ]; then
  PY=$PYTHON
  check_python "$PY" && checked=1
elif [ -n "$(venv_build)" ] && py_recent .venv/bin/python; then
  : # a working .venv from an earlier run (perhaps made with PYTHON=…): keep it
else
  PY=python3
  # On a bare system python3 itself comes with python3-venv below; check it once installed.
  if command -v python3 >/dev/null 2>&1; then check_python python3 && checked=1; fi
fi

# ---- system packages ----------------------------------------------------------------------------
# "a|b": either package will do (Debian 13 / Ubuntu 24.04 renamed some libraries with a t64 suffix).
APT_PACKAGES=(
  # Qt, offscreen and on a desktop
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 "libglib2.0-0t64|libglib2.0-0"
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xinerama0
  # xvfb-run: tests/test_selftest.py runs the self-test on a virtual X display
  xvfb xauth
  # Chinese text in Qt's own dialogs
  fonts-wqy-microhei
  # objdump: PyInstaller reads shared libraries with it (tests/test_installer.py, scripts/build_bundle.sh)
  binutils
)
# Not used by any test: pdftotext for the acceptance checks (../shared/acceptance), pdftoppm to
# look at the PDFs the app prints. Installed with --pdf-tools.
OPTIONAL_PDF_PACKAGES=(poppler-utils)
[ "$PDF_TOOLS" = 1 ] && APT_PACKAGES+=("${OPTIONAL_PDF_PACKAGES[@]}")

# The interpreter's own venv support (Debian splits ensurepip into pythonX.Y-venv).
if [ -n "$PY" ]; then
  if ! command -v "$PY" >/dev/null 2>&1; then
    APT_PACKAGES+=(python3-venv)  # no python3 yet: this brings it
  elif ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    case $(command -v "$PY") in
      /usr/bin/*) APT_PACKAGES+=("python$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv") ;;
    esac
  fi
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for entry in "${APT_PACKAGES[@]}"; do
    ok=0
    IFS='|' read -ra alternatives <<<"$entry"
    for p in "${alternatives[@]}"; do installed "$p" && { ok=1; break; }; done
    [ "$ok" = 1 ] || missing+=("$entry")
  done
fi

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die \
      "需要安装系统软件包，但没有 root 权限也没有 sudo / system packages are missing and there is no sudo:" \
      "  ${missing[*]}"
    SUDO=(sudo)
  fi
  # Wait for another apt or dpkg (unattended upgrades, a CI image's own set-up) instead of failing:
  # DPkg::Lock::Timeout covers dpkg's lock-frontend; apt-get update's lists lock is retried here.
  apt_get() {
    local err deadline=$((SECONDS + 600))
    err=$(mktemp)
    while ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
          apt-get -o DPkg::Lock::Timeout=600 "$@" 2>"$err"; do
      cat "$err" >&2
      if grep -q "Could not get lock" "$err" && [ $SECONDS -lt $deadline ]; then
        echo "Another package manager holds apt's lock; trying again in 10 s (for up to 10 minutes) …"
        sleep 10
      else
        rm -f "$err"
        return 1
      fi
    done
    cat "$err" >&2
    rm -f "$err"
  }
  echo "Updating the package lists (waits for another apt or dpkg to finish, up to 10 minutes) …"
  apt_get update -qq || die "apt-get update 失败 / failed"
  # The first alternative this system knows (libglib2.0-0t64 on newer releases, else libglib2.0-0).
  wanted=()
  for entry in "${missing[@]}"; do
    IFS='|' read -ra alternatives <<<"$entry"
    pick=${alternatives[-1]}
    for p in "${alternatives[@]}"; do
      if apt-cache show "$p" >/dev/null 2>&1; then pick=$p; break; fi
    done
    wanted+=("$pick")
  done
  echo "Installing system packages: ${wanted[*]}"
  apt_get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null \
    || die "安装系统软件包失败 / installing system packages failed: ${wanted[*]}"
fi

# ---- the virtual environment ----------------------------------------------------------------------
if [ -n "$PY" ]; then
  [ "$checked" = 1 ] || check_python "$PY"  # python3 has just been installed
  want=$("$PY" -c 'import sys; print(sys.version)')
  have=$(venv_build)
  if [ -d .venv ] && [ "$have" != "$want" ]; then
    if [ -n "$have" ]; then
      echo "Rebuilding .venv: it was made by Python $(.venv/bin/python -c 'import sys; print(sys.version.split()[0])'), now $PY ($(py_version "$PY"))."
    else
      echo "Rebuilding .venv: it does not work (interpreter gone, or created half-way)."
    fi
    rm -rf .venv
  fi
  if [ ! -d .venv ]; then
    "$PY" -m venv .venv || {
      rm -rf .venv
      die "创建虚拟环境失败 / creating .venv with $PY failed." \
        "Debian/Ubuntu：请安装 / install python$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
    }
  fi
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip || die "升级 pip 失败 / upgrading pip failed"
  .venv/bin/python -m pip install -q -e ".[test,build]" \
    || die "安装 Python 依赖失败（见上文）/ installing the Python packages failed (see above)"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
