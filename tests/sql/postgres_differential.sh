#!/usr/bin/env bash
# The PostgreSQL differential test of `segmint sql --dialect postgres` (tests/sql/sql_postgres_test.cpp) in a
# throwaway server: PostgreSQL installed from Debian when missing, initdb into a temporary folder (as the postgres
# user when run as root: the server refuses to run as root), the server listening on a Unix socket in that folder
# only, stopped and the folder removed on exit, also when the test fails. A server that cannot start fails the test.
#   postgres_differential.sh TEST_BINARY SOURCE_DIR [BOOST_TEST_ARGS...]
set -euo pipefail
test_binary=$1
source=$2
shift 2

# shellcheck source=../postgres/server.sh
source "$source/tests/postgres/server.sh"
# A UTF8 database (code points for length) whose default collation is ICU's English (where 'a' < 'B' and lower('É')
# is 'é'), so that a missing COLLATE "C" or an ASCII-only mapping left to lower() shows; the C.UTF-8 locale where the
# server has no ICU.
icu=()
find_postgres "$source"
"$bin/initdb" --help | grep -q -- '--locale-provider' && icu=(--locale-provider=icu --icu-locale=en-US)
start_postgres "$source" -E UTF8 --locale=C.UTF-8 "${icu[@]}"
SEGMINT_PG_HOST=$work "$test_binary" --run_test=sql_postgres --log_level=message --report_level=short "$@"
