#!/usr/bin/env bash
# Install what the tests need, then run everything CI runs: format and lint (ruff), types
# (mypy --strict), the layer contracts (import-linter) and the whole suite on SQLite and on
# PostgreSQL, with the real Redis and a SeaweedFS S3 server the suite starts and stops itself.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
export PATH="$PWD/.venv/bin:$PATH"
export OPENKYC_DATA="${OPENKYC_DATA:-$(cd .. && pwd)/shared/data}"

need() {  # name host port how-to-start
  if ! (exec 3<>"/dev/tcp/$2/$3") 2>/dev/null; then
    echo "openkyc tests: $1 is not answering on $2:$3; start it with: $4" >&2
    exit 1
  fi
}
need PostgreSQL 127.0.0.1 5432 "pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"
need Redis 127.0.0.1 6379 "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''"

echo "== ruff format";   ruff format --check .
echo "== ruff check";    ruff check .
echo "== mypy --strict"; mypy
echo "== import-linter"; lint-imports
echo "== pytest (SQLite and PostgreSQL)"
set +e
pytest -q -p no:cacheprovider "$@"
status=$?
set -e
if [[ $status -eq 5 ]]; then echo "openkyc tests: pytest collected no tests" >&2; exit 1; fi
exit $status
