#!/usr/bin/env bash
# Install everything, then run openkyc on its embedded defaults (SQLite, encrypted media files
# and a generated development master key in ./data). Extra arguments go to `openkyc serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/openkyc serve "$@"
