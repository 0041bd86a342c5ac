#!/usr/bin/env bash
# The DuckDB differential test of `segmint sql --dialect duckdb` (tests/sql/sql_duckdb_test.cpp) in a real DuckDB:
# DuckDB's Node package (@duckdb/node-api, a pinned version, from the npm registry) installed into CACHE_DIR (under
# the build folder, outside the source tree) when it is not there yet, and reused after; Debian's nodejs and npm
# installed when node is missing. The test's temporary files live in a folder removed on exit, also when the test
# fails. Then the command itself: `segmint sql --dialect duckdb` in each mode on tests/sql/duckdb_cli.seg over
# synthetic customers (`segmint generate`), run by DuckDB on the CSV file, must give `segmint eval`'s counts.
#   duckdb_differential.sh TEST_BINARY SOURCE_DIR CACHE_DIR SEGMINT [BOOST_TEST_ARGS...]
set -euo pipefail
test_binary=$1
source=$2
cache=$(realpath -m "$3")
segmint=$4
shift 4
package=@duckdb/node-api@1.5.6-r.1

source "$source/tests/npm/install_package.sh"
install_npm_package "$source" "$cache" "$package" @duckdb/node-api

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runner=$source/tests/sql/duckdb_runner.cjs

SEGMINT_DUCKDB_RUNNER=$runner SEGMINT_DUCKDB_MODULES=$cache/node_modules SEGMINT_DUCKDB_WORK=$work \
  "$test_binary" --run_test=sql_duckdb --log_level=message --report_level=short "$@"

# The command line: the SQL of each mode from `segmint sql`, run over the CSV file as the storage contract stores it.
"$segmint" generate --rows 3000 --seed 11 -o "$work/customers.csv" > "$work/generate.log" 2>&1 ||
  { cat "$work/generate.log"; exit 1; }
for mode in counts members views; do
  "$segmint" sql --dialect duckdb --mode $mode --as-of 2026-11-23 --schema "$source/specs/schema.yaml" \
    --specs "$source/tests/sql/duckdb_cli.seg" > "$work/$mode.sql"
done
"$segmint" eval --format json --as-of 2026-11-23 --schema "$source/specs/schema.yaml" \
  --specs "$source/tests/sql/duckdb_cli.seg" --data "$work/customers.csv" > "$work/eval.json"
node "$source/tests/sql/duckdb_cli_check.cjs" "$cache/node_modules" "$source/specs/schema.yaml" "$work/customers.csv" \
  "$work" "$work/eval.json"
