#!/usr/bin/env bash
# One command: set up (if needed) and start 党建台账.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/dangjian-desktop "$@"
