#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, types, import layers, then pytest on SQLite
# and against a throwaway PostgreSQL cluster started here and removed on exit, then the
# container image's build and smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.local/bin:$PATH"

bash scripts/bootstrap.sh
bash scripts/system-deps.sh

echo "== ruff";        uv run ruff check src tests bench
echo "== ruff format"; uv run ruff format --check src tests bench
echo "== mypy";        uv run mypy
echo "== import layers"; uv run lint-imports

# shellcheck source=scripts/pg.sh
source scripts/pg.sh
pg_start
trap pg_stop EXIT
export ORDERBRIDGE_TEST_POSTGRES_URL="$PG_URL"

echo "== pytest"
uv run pytest -q -p no:cacheprovider "$@"

# The container image, built and smoke-tested through its entrypoint against the
# PostgreSQL above (docs/deploying.md). Part of the whole suite, not of a selection.
if [ $# -eq 0 ]; then
  echo "== container image"
  bash scripts/container.sh
fi
