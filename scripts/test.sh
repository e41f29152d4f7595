#!/usr/bin/env bash
# One command: set up (if needed) and run the whole test suite, GUI tests offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
# --dist loadfile: a file's tests run in one process, in order (several files build one
# scenario step by step on a module-scoped fixture, e.g. tests/test_exchange_roundtrip.py).
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
