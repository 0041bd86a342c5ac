#!/usr/bin/env bash
# `--source postgresql://` against a real PostgreSQL (docs/sources.md): a throwaway server (installed from Debian when
# missing, on a Unix socket in a temporary folder, stopped and removed on exit, also on failure) holds the demo
# retailer's generated customers, orders and page views under the storage contract (docs/sql.md), and eval, validate
# and overlap with `--source` must print what they print with `--data` on the CSV files; then edge values (unicode,
# quotes and line breaks, NULLs, empty arrays, doubles at full precision, sub-second timestamps, orphan events) in
# sessions whose PGTZ and PGDATESTYLE are not UTC and ISO; then each bad input an error naming the source (exit 2)
# and never the password.
#   sources.sh SEGMINT_BINARY SOURCE_DIR
set -euo pipefail
segmint=$1
source=$2

# shellcheck source=server.sh
source "$source/tests/postgres/server.sh"
start_postgres "$source" -E UTF8 --locale=C.UTF-8
psql() { as_postgres "$bin/psql" -h "$work" -U postgres -d "${db:-postgres}" -v ON_ERROR_STOP=1 -qAt "$@"; }
url() { echo "postgresql://postgres@/$1?host=$work"; }
fail() { echo "FAIL: $*"; exit 1; }
# Sessions that would print timestamps in India's time zone and dates in German style, were the session not set.
export PGTZ=Asia/Kolkata PGDATESTYLE=German

# ---- the demo data: generated CSV files, loaded into tables of the contract's types
mkdir "$work/csv"
"$segmint" generate --rows 3000 --seed 5 -o "$work/csv/customers.csv" --orders "$work/csv/orders.csv" \
  --page-views "$work/csv/page_views.csv" > /dev/null
chmod -R a+rX "$work/csv"
load_demo_tables "$work/csv"
csv="$work/csv/customers.csv --events orders=$work/csv/orders.csv --events page_views=$work/csv/page_views.csv"
for command in "eval --format csv" "validate" "overlap --format csv"; do
  # shellcheck disable=SC2086
  "$segmint" $command --project "$source/specs" --as-of 2026-11-23 --data $csv > "$work/expected.txt" 2>&1 ||
    [ "$command" = validate ] || fail "$command --data"
  "$segmint" $command --project "$source/specs" --as-of 2026-11-23 --source "$(url postgres)" \
    > "$work/actual.txt" 2>&1 || [ "$command" = validate ] || fail "$command --source: $(cat "$work/actual.txt")"
  diff "$work/expected.txt" "$work/actual.txt" > /dev/null ||
    fail "$command: --source (right) differs from --data (left): $(diff "$work/expected.txt" "$work/actual.txt" | head -20)"
done
echo "demo data: eval, validate and overlap read from PostgreSQL as from CSV ($(wc -l < "$work/csv/customers.csv") lines)"

# ---- docs/sql.md's walk-through: the views of every segment of specs/ that the dialect translates, created in
# PostgreSQL over those tables; each view holds as many keys as `segmint eval` counts
"$segmint" eval --project "$source/specs" --as-of 2026-11-23 --format csv --data $csv > "$work/counts.csv" 2> /dev/null
segments=()
for name in $(tail -n +2 "$work/counts.csv" | cut -d, -f1); do
  "$segmint" sql "$name" --project "$source/specs" --dialect postgres > /dev/null 2>&1 && segments+=("$name")
done
[ "${#segments[@]}" -ge 40 ] || fail "walk-through: only ${#segments[@]} segments of specs/ translate"
"$segmint" sql "${segments[@]}" --project "$source/specs" --as-of 2026-11-23 --dialect postgres --mode views \
  > "$work/views.sql"
psql < "$work/views.sql"
for name in "${segments[@]}"; do
  expected=$(grep "^$name," "$work/counts.csv" | cut -d, -f2)
  actual=$(psql -c "SELECT count(*) FROM \"segment_$name\"")
  [ "$expected" = "$actual" ] || fail "walk-through: view segment_$name holds $actual keys, eval counts $expected"
done
echo "walk-through: ${#segments[@]} views of specs/ in PostgreSQL hold eval's counts"

# ---- edge values, the same data in CSV and in PostgreSQL
cat > "$work/schema.yaml" <<'YAML'
table: people
key: id
columns:
  id: int
  name: string
  score: number
  vip: bool
  born: date
  seen_at: timestamp
  tier: {type: enum, values: [a, b]}
  tags: list<string>
events:
  orders:
    key: person
    time: at
    columns: {person: int, at: timestamp, amount: number}
YAML
cat > "$work/rules.seg" <<'SEG'
segment named: name is not null
segment empty_name: name = ""
segment unicode: name contains "ë"
segment exact: score = 0.1
segment huge: score > 1e308
segment vips: vip
segment young: born > 2000-01-01
segment subsecond: seen_at > 2025-12-31T23:59:59Z and seen_at < 2026-01-01T00:00:00Z
segment tier_a: tier = "a"
segment tagged: tags contains "x,y"
segment no_tags: length(tags) = 0
segment quoted: name contains "\"" and name contains "\n"
segment buyers: count(orders) >= 2
segment last_buy: last(orders.amount) = 5.5
segment no_score: score is null
SEG
printf '%s\n' 'id,name,score,vip,born,seen_at,tier,tags' \
  '1,Zoë,0.1,true,2001-02-03,2026-03-04T05:06:07Z,a,"x,y|z"' \
  '2,,,,,,,' \
  '3,"",1.7976931348623157e308,false,1999-12-31,2025-12-31T23:59:59.5Z,b,""' \
  '4,"say ""hi"", then' 'leave",2.5,1,2026-11-23,2026-06-01T00:00:00+05:30,a,x' > "$work/people.csv"
printf '%s\n' 'person,at,amount' '1,2026-01-01T00:00:00Z,5.5' '1,2025-01-01T00:00:00Z,6' '99,2026-01-01T00:00:00Z,1' \
  '4,2026-02-02T00:00:00Z,' > "$work/orders.csv"
psql <<'SQL'
CREATE DATABASE edges;
\connect edges
CREATE TYPE tier AS ENUM ('a', 'b');
CREATE TABLE people (id bigint, name text, score double precision, vip boolean, born date, seen_at timestamptz,
  tier text, tags text[]);
INSERT INTO people VALUES
  (1, 'Zoë', 0.1, true, '2001-02-03', '2026-03-04T05:06:07Z', 'a', ARRAY['x,y', 'z']),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, '', 1.7976931348623157e308, false, '1999-12-31', '2025-12-31T23:59:59.5Z', 'b', '{}'),
  (4, E'say "hi", then\nleave', 2.5, true, '2026-11-23', '2026-06-01T00:00:00+05:30', 'a', ARRAY['x']);
-- An enum column may be a PostgreSQL enum type (loaded, not pushed down: the SQL compares text COLLATE "C").
CREATE TABLE enum_people AS SELECT id, name, score, vip, born, seen_at, tier::tier AS tier, tags FROM people;
CREATE TABLE orders (person integer, at timestamptz, amount double precision);
INSERT INTO orders VALUES (1, '2026-01-01T00:00:00Z', 5.5), (1, '2025-01-01T00:00:00Z', 6),
  (99, '2026-01-01T00:00:00Z', 1), (4, '2026-02-02T00:00:00Z', NULL);
CREATE TABLE bad_types (id bigint, name text, score numeric, vip boolean, born date, seen_at timestamptz, tier text,
  tags text[]);
CREATE TABLE null_item (id bigint, name text, score double precision, vip boolean, born date, seen_at timestamptz,
  tier text, tags text[]);
INSERT INTO null_item (id, tags) VALUES (1, '{a}'), (2, ARRAY['a', NULL]);
CREATE ROLE nobody LOGIN;
SQL
specs="$work/rules.seg --schema $work/schema.yaml --as-of 2026-11-23"
for form in "--format csv" "--members named" "--members tier_a"; do
  # shellcheck disable=SC2086
  "$segmint" eval $specs $form --data "$work/people.csv" --events "orders=$work/orders.csv" > "$work/expected.txt" \
    2> /dev/null || fail "edges: eval $form --data"
  "$segmint" eval $specs $form --source "$(url edges)" > "$work/actual.txt" 2> "$work/err.txt" ||
    fail "edges: eval $form --source: $(cat "$work/err.txt")"
  diff "$work/expected.txt" "$work/actual.txt" > /dev/null ||
    fail "edges: eval $form: --source (right) differs from --data (left): $(diff "$work/expected.txt" "$work/actual.txt")"
done
sed 's/^table: people/table: enum_people/' "$work/schema.yaml" > "$work/enum_schema.yaml"
"$segmint" eval "$work/rules.seg" --schema "$work/enum_schema.yaml" --as-of 2026-11-23 --format csv \
  --source "$(url edges)" > "$work/actual.txt" 2> /dev/null || fail "a PostgreSQL enum type for an enum column"
# shellcheck disable=SC2086
"$segmint" eval $specs --format csv --data "$work/people.csv" --events "orders=$work/orders.csv" 2> /dev/null |
  diff - "$work/actual.txt" > /dev/null || fail "a PostgreSQL enum type: the counts differ"
grep -q ",0$" "$work/actual.txt" && fail "a segment has no member: the edge data does not exercise it"
"$segmint" eval $specs --format csv --data "$work/people.csv" --events "orders=$work/orders.csv" 2> /dev/null |
  grep -q ",0$" &&
  fail "edges: a segment no row is in: $("$segmint" eval $specs --format csv --data "$work/people.csv" --events "orders=$work/orders.csv")"
grep -qF "table \`orders\`: 1 event names no customer" "$work/err.txt" || fail "no orphan warning: $(cat "$work/err.txt")"
echo "edge values: counts and members from PostgreSQL equal those from CSV"

# ---- --push-down: the counts query of `segmint sql --dialect postgres` run in the server, only the counts read back
grep -v -e subsecond -e buyers -e last_buy "$work/rules.seg" > "$work/plain.seg"
plain="$work/plain.seg --schema $work/schema.yaml --as-of 2026-11-23 --format csv"
# shellcheck disable=SC2086
"$segmint" eval $plain --data "$work/people.csv" --events "orders=$work/orders.csv" > "$work/expected.txt" 2> /dev/null
# shellcheck disable=SC2086
"$segmint" eval $plain --push-down --source "$(url edges)" > "$work/actual.txt" 2> "$work/err.txt" ||
  fail "--push-down: $(cat "$work/err.txt")"
diff "$work/expected.txt" "$work/actual.txt" > /dev/null ||
  fail "--push-down (right) differs from --data (left): $(diff "$work/expected.txt" "$work/actual.txt")"
echo "--push-down: the counts PostgreSQL computes equal eval's"

# ---- bad inputs: exit 2, the source named, the password never shown
expect_error() {  # WHAT URL TEXT [SCHEMA-SED [EVAL-OPTION]]
  local what=$1 url=$2 text=$3 option=${5:-}
  sed "${4:-}" "$work/schema.yaml" > "$work/schema_case.yaml"
  set +e
  # shellcheck disable=SC2086
  local rules=$work/rules.seg
  [ -z "$option" ] || rules=$work/plain.seg
  "$segmint" eval "$rules" --schema "$work/schema_case.yaml" --source "$url" $option \
    > /dev/null 2> "$work/err.txt"
  local code=$?
  set -e
  [ "$code" -eq 2 ] || fail "$what: exit $code, expected 2: $(cat "$work/err.txt")"
  grep -qF -- "$text" "$work/err.txt" || fail "$what: expected \`$text\` in: $(cat "$work/err.txt")"
  grep -qF "hunter2pw" "$work/err.txt" && fail "$what: the password is shown: $(cat "$work/err.txt")"
  echo "  $what: $(head -1 "$work/err.txt")"
}
secret="postgresql://postgres:hunter2pw@/edges?host=$work"
expect_error "missing table" "$secret" "postgresql://postgres:***@/edges?host=$work: no table \`peeple\`; did you mean \`people\`?" 's/^table: people/table: peeple/'
expect_error "missing column" "$(url edges)" "table \`people\` has no column \`nmae\` (the schema's string column); did you mean \`name\`?" 's/^  name: string/  name: string\n  nmae: string/'
expect_error "type mismatch" "$(url edges)" "table \`bad_types\`: column \`score\` is \`numeric\`, but the schema's type \`number\` is stored as DOUBLE PRECISION" 's/^table: people/table: bad_types/'
expect_error "enum type for a string" "$(url edges)" "column \`tier\` is \`tier\`, but the schema's type \`string\` is stored as TEXT" 's/^table: people/table: enum_people/; s/^  tier: {type: enum, values: \[a, b\]}/  tier: string/'
expect_error "NULL item" "$(url edges)" "table \`null_item\`, row 2: column \`tags\`: expected list<string> in PostgreSQL's array form" 's/^table: people/table: null_item/'
expect_error "refused connection" "postgresql://postgres:hunter2pw@/edges?host=$work&port=1" "postgresql://postgres:***@/edges?host=$work&port=1: cannot connect:"
expect_error "password parameter" "postgresql:///edges?host=$work&port=1&password=hunter2pw" "password=***"
expect_error "unknown database" "$(url nowhere)" "cannot connect:"
expect_error "query error" "postgresql://nobody@/edges?host=$work" "table \`people\`: permission denied for table people"
expect_error "query error, pushed down" "postgresql://nobody@/edges?host=$work" "permission denied for table people" \
  's/^table: people/table: people/' --push-down
expect_error "bad URL" "postgresql://postgres:hunter2pw@[bad" "not a valid PostgreSQL URL"
# ---- libpq is opened at the first PostgreSQL source, not linked (src/sources/libpq.h): the program needs none of its
# libraries to start, and without it a source is an error that says what to install (exit 2). libpq is hidden by
# mounting an empty file over it in a mount namespace of the command's own.
needed=$(readelf -d "$segmint" | grep -F NEEDED) || fail "readelf found no NEEDED entries in $segmint"
if grep -qE 'libpq|libkrb5|libldap' <<< "$needed"; then
  fail "segmint is linked against libpq or its libraries: $needed"
fi
# ldconfig lives in /sbin, which a user's PATH may leave out; awk reads all of its output (no SIGPIPE under pipefail).
libpq_file=$({ ldconfig -p 2> /dev/null || /sbin/ldconfig -p; } | awk '$1 == "libpq.so.5" && !found { found = $NF } END { print found }')
[ -n "$libpq_file" ] || fail "no libpq.so.5 in ldconfig's cache, though the sources above connected through it"
# A mount namespace of its own: as root, or as a user in a user namespace of its own (unshare -r).
namespace=
if unshare -m true 2> /dev/null; then
  namespace="unshare -m"
elif unshare -rm true 2> /dev/null; then
  namespace="unshare -rm"
fi
if [ -n "$namespace" ]; then
  set +e
  $namespace sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$libpq_file" \
    "$segmint" eval "$work/rules.seg" --schema "$work/schema.yaml" --source "$(url edges)" > /dev/null 2> "$work/err.txt"
  code=$?
  set -e
  [ "$code" -eq 2 ] || fail "without libpq: exit $code, expected 2: $(cat "$work/err.txt")"
  grep -qF "PostgreSQL sources need libpq (Debian: apt-get install libpq5)" "$work/err.txt" ||
    fail "without libpq: $(cat "$work/err.txt")"
  echo "  without libpq: $(head -1 "$work/err.txt")"
else
  echo "  without libpq: NOT CHECKED (neither unshare -m nor unshare -rm is permitted here)"
fi
# ---- values the binary COPY (src/sources/postgres_binary.cpp) refuses, as the CSV loader refuses them printed as
# text: each an error at its row (exit 2), and the table exported as CSV in the session segmint sets up refused by
# --data as well
db=edges psql <<'SQL'
CREATE TABLE nan_score AS SELECT id, name, 'NaN'::float8 AS score, vip, born, seen_at, tier, tags FROM people;
CREATE TABLE negative_score AS SELECT id, name, -1.5::float8 AS score, vip, born, seen_at, tier, tags FROM people;
CREATE TABLE infinite_born AS SELECT id, name, score, vip, 'infinity'::date AS born, seen_at, tier, tags FROM people;
CREATE TABLE bc_born AS SELECT id, name, score, vip, '0044-03-15 BC'::date AS born, seen_at, tier, tags FROM people;
CREATE TABLE far_seen AS
  SELECT id, name, score, vip, born, '10000-01-01 00:00:00+00'::timestamptz AS seen_at, tier, tags FROM people;
CREATE TABLE other_tier AS SELECT id, name, score, vip, born, seen_at, 'c'::text AS tier, tags FROM people;
CREATE TABLE nested_tags AS
  SELECT id, name, score, vip, born, seen_at, tier, ARRAY[ARRAY['a', 'b']] AS tags FROM people;
CREATE TABLE bounded_tags AS
  SELECT id, name, score, vip, born, seen_at, tier, '[0:1]={a,b}'::text[] AS tags FROM people;
CREATE TABLE bounded_matrix AS
  SELECT id, name, score, vip, born, seen_at, tier, '[0:0][1:2]={{a,b}}'::text[] AS tags FROM people;
CREATE TABLE empty_tier AS SELECT id, name, score, vip, born, seen_at, ''::text AS tier, tags FROM people;
CREATE TABLE twice AS SELECT * FROM people UNION ALL SELECT * FROM people WHERE id = 3;
CREATE TABLE no_key AS SELECT * FROM people UNION ALL SELECT NULL, name, score, vip, born, seen_at, tier, tags
  FROM people WHERE id = 1;
SQL
refused_both() {  # WHAT TABLE TEXT [SCHEMA-SED]
  local what=$1 table=$2 text=$3 edit=${4:-}
  [ -n "$edit" ] || edit="s/^table: people/table: $table/"
  expect_error "$what" "$(url edges)" "$text" "$edit"
  PGTZ=UTC PGDATESTYLE=ISO db=edges psql -c "SET extra_float_digits = 3" \
    -c "\\copy (SELECT * FROM $table) TO '$work/export.csv' CSV HEADER"
  local code=0
  "$segmint" eval "$work/rules.seg" --schema "$work/schema_case.yaml" --data "$work/export.csv" \
    --events "orders=$work/orders.csv" > /dev/null 2> "$work/err.txt" || code=$?
  [ "$code" -eq 2 ] || fail "$what: --data loads the table's CSV export (exit $code), --source refuses it"
}
refused_both "NaN" nan_score "table \`nan_score\`, row 1: column \`score\`: expected number (NaN and infinity"
refused_both "outside min" negative_score "row 1: column \`score\` is -1.5, outside its schema bounds \`min: 0\`" \
  's/^table: people/table: negative_score/; s/^  score: number/  score: {type: number, min: 0}/'
refused_both "NULL in not_null" people "row 2: column \`name\` is NULL, but the schema says it never is" \
  's/^  name: string/  name: {type: string, not_null: true}/'
refused_both "infinite date" infinite_born "column \`born\`: expected a date from 0001-01-01 to 9999-12-31"
refused_both "BC date" bc_born "column \`born\`: expected a date from 0001-01-01 to 9999-12-31"
refused_both "year 10000" far_seen "column \`seen_at\`: expected a timestamp from 0001-01-01 to 9999-12-31"
refused_both "enum value" other_tier "column \`tier\`: expected one of a, b, found \"c\""
refused_both "2-D array" nested_tags "column \`tags\`: expected list<string> in PostgreSQL's array form: a one-dim"
refused_both "array bounds" bounded_tags "expected list<string> in PostgreSQL's array form: an array without explicit"
refused_both "2-D array with bounds" bounded_matrix "column \`tags\`: expected list<string> in PostgreSQL's array"
refused_both "repeated key" twice "row 5: column \`id\`: key 3 is also the key in row 3"
refused_both "NULL key" no_key "row 5: column \`id\`: the key is NULL"
# An empty text in an enum column is NULL both ways (the CSV export writes it as `""`).
PGTZ=UTC PGDATESTYLE=ISO db=edges psql -c "\\copy (SELECT * FROM empty_tier) TO '$work/export.csv' CSV HEADER"
sed 's/^table: people/table: empty_tier/' "$work/schema.yaml" > "$work/schema_case.yaml"
"$segmint" eval "$work/rules.seg" --schema "$work/schema_case.yaml" --data "$work/export.csv" \
  --events "orders=$work/orders.csv" --format csv > "$work/expected.txt" 2> /dev/null
"$segmint" eval "$work/rules.seg" --schema "$work/schema_case.yaml" --source "$(url edges)" --format csv \
  > "$work/actual.txt" 2> /dev/null
diff "$work/expected.txt" "$work/actual.txt" > /dev/null ||
  fail "empty enum text: --source (right) differs from --data (left): $(diff "$work/expected.txt" "$work/actual.txt")"
grep -q "^tier_a,0," "$work/actual.txt" || fail "empty enum text: a customer is in tier_a: $(cat "$work/actual.txt")"
echo "postgres sources: all checks passed"
