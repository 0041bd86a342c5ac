#!/usr/bin/env bash
# segmint_sources_benchmark (docs/performance.md "Database sources") against a throwaway PostgreSQL server (the one of
# tests/postgres/server.sh: Unix socket in a temporary folder, stopped and removed on exit, also on failure) holding
# ROWS generated demo customers (default 1,000,000). Not part of the test suite: .ci/test runs it bounded.
#   postgres_benchmark.sh BUILD_DIR SOURCE_DIR [--rows N] [BENCHMARK_ARGS...]
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
shift 2
rows=1000000
if [ "${1:-}" = --rows ]; then
  rows=$2
  shift 2
fi
# shellcheck source=../postgres/server.sh
source "$source/tests/postgres/server.sh"
start_postgres "$source" -E UTF8 --locale=C.UTF-8
mkdir "$work/csv"
echo "generating $rows customers and loading them into PostgreSQL..." >&2
"$build/segmint" generate --rows "$rows" --seed 42 -o "$work/csv/customers.csv" > /dev/null
chmod -R a+rX "$work/csv"
load_demo_tables "$work/csv"
rm -rf "$work/csv"
as_postgres "$bin/psql" -h "$work" -U postgres -qAt -c "VACUUM ANALYZE customers" > /dev/null
"$build/segmint_sources_benchmark" --url "postgresql://postgres@/postgres?host=$work" --copy-file "$work/copy.csv" "$@"
