#!/usr/bin/env bash
# Builds the one-folder bundle (dist/dangjian-desktop/) with installer/dangjian-desktop.spec
# and runs its self-test. The same spec builds the Windows bundle (installer/BUILD-WINDOWS.md).
#   bash scripts/build_bundle.sh            build into build/ and dist/, then self-test
#   DIST=/tmp/d WORK=/tmp/w bash scripts/build_bundle.sh    elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

DIST=${DIST:-dist}
WORK=${WORK:-build}
start=$(date +%s)
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" installer/dangjian-desktop.spec
end=$(date +%s)
bundle="$DIST/dangjian-desktop"
echo "Built $bundle in $((end - start)) s, $(du -sh "$bundle" | cut -f1) on disk."

# The self-test runs on throw-away data; keep the user's data folder out of it.
selftest_data=$(mktemp -d)
trap 'rm -rf "$selftest_data"' EXIT
QT_QPA_PLATFORM=offscreen DANGJIAN_DATA_DIR="$selftest_data" "$bundle/dangjian-desktop" --selftest
