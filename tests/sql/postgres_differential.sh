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

if ! ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1; then
  bash "$source/.ci/install-deps" postgresql > /dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d)
chmod 755 "$work"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$work"
stop() {
  as_postgres "$bin/pg_ctl" -D "$work/data" -m immediate stop > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT

# A UTF8 database (code points for length) whose default collation is ICU's English (where 'a' < 'B' and lower('É')
# is 'é'), so that a missing COLLATE "C" or an ASCII-only mapping left to lower() shows; the C.UTF-8 locale where the
# server has no ICU.
icu=()
"$bin/initdb" --help | grep -q -- '--locale-provider' && icu=(--locale-provider=icu --icu-locale=en-US)
as_postgres "$bin/initdb" -D "$work/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 "${icu[@]}" \
  > "$work/initdb.log" 2>&1 ||
  { echo "FAIL: initdb did not run:"; cat "$work/initdb.log"; exit 1; }
as_postgres "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$work' -c fsync=off" start > /dev/null ||
  { echo "FAIL: the PostgreSQL server did not start:"; cat "$work/server.log"; exit 1; }

SEGMINT_PG_HOST=$work "$test_binary" --run_test=sql_postgres --log_level=message --report_level=short "$@"
