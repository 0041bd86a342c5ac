#!/usr/bin/env bash
# The `\copy` recipe of docs/schema.md against a real PostgreSQL: a throwaway server (installed from Debian when
# missing, on a Unix socket in a temporary folder, stopped and removed on exit, also on failure) exports a customers
# table with `psql \copy ... CSV HEADER` — t/f booleans, timestamptz with a non-UTC session offset, text[] with quoted
# items, commas, quotes, backslashes, empty arrays and NULLs — and `segmint eval` on that file must count every
# segment as PostgreSQL's own query counts it.
#   psql_copy.sh SEGMINT_BINARY SOURCE_DIR
set -euo pipefail
segmint=$1
source=$2

# shellcheck source=server.sh
source "$source/tests/postgres/server.sh"
start_postgres "$source"
# Every session in India's time zone, so timestamptz values are written with +05:30.
psql() { as_postgres env PGTZ=Asia/Kolkata "$bin/psql" -h "$work" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

psql <<'SQL'
CREATE TABLE customers (
  customer_id bigint PRIMARY KEY, active boolean, seen_at timestamptz, local_at timestamp, tags text[]);
INSERT INTO customers
SELECT i,
       CASE WHEN i % 7 = 0 THEN NULL ELSE i % 3 = 0 END,
       CASE WHEN i % 11 = 0 THEN NULL ELSE timestamptz '2026-01-01 00:00:00+00' + (i * 3517) * interval '1 minute' END,
       timestamp '2026-03-01 12:00' + i * interval '37 minutes',
       CASE i % 9 WHEN 0 THEN NULL WHEN 1 THEN '{}'::text[]
         ELSE ARRAY(SELECT x FROM unnest(ARRAY['a b', 'x,y', 'q"q', 'back\slash', 'NULL', NULL, '{x}', 'plain'])
                    WITH ORDINALITY AS t(x, k) WHERE (i >> (k::int % 6)) % 2 = 1 OR k = i % 8 + 1) END
FROM generate_series(1, 3000) AS i;
SQL
psql -c "\\copy (SELECT customer_id, active, seen_at, local_at, array_remove(tags, NULL) AS tags FROM customers ORDER BY customer_id) TO '$work/customers.csv' CSV HEADER"

cat > "$work/schema.yaml" <<'YAML'
table: customers
key: customer_id
columns:
  customer_id: int
  active: bool
  seen_at: timestamp
  local_at: timestamp
  tags: list<string>
YAML
cat > "$work/rules.seg" <<'SEG'
segment is_active: active
segment inactive: not active
segment seen_late: seen_at >= 2026-06-01T00:00:00Z
segment never_seen: seen_at is null
segment local_late: local_at >= 2026-03-20T06:30:00Z
segment spaced: tags contains "a b"
segment comma: tags contains "x,y"
segment quoted: tags contains "q\"q"
segment backslash: tags contains "back\\slash"
segment null_text: tags contains "NULL"
segment braces: tags contains "{x}"
segment no_tags: tags is null
SEG
# The same segments in PostgreSQL's own terms (its three-valued logic: only TRUE counts).
psql > "$work/expected.txt" <<'SQL'
SELECT 'is_active,' || count(*) FILTER (WHERE active) FROM customers
UNION ALL SELECT 'inactive,' || count(*) FILTER (WHERE NOT active) FROM customers
UNION ALL SELECT 'seen_late,' || count(*) FILTER (WHERE seen_at >= '2026-06-01T00:00:00Z') FROM customers
UNION ALL SELECT 'never_seen,' || count(*) FILTER (WHERE seen_at IS NULL) FROM customers
UNION ALL SELECT 'local_late,' || count(*) FILTER (WHERE local_at >= '2026-03-20 06:30:00') FROM customers
UNION ALL SELECT 'spaced,' || count(*) FILTER (WHERE 'a b' = ANY(tags)) FROM customers
UNION ALL SELECT 'comma,' || count(*) FILTER (WHERE 'x,y' = ANY(tags)) FROM customers
UNION ALL SELECT 'quoted,' || count(*) FILTER (WHERE 'q"q' = ANY(tags)) FROM customers
UNION ALL SELECT 'backslash,' || count(*) FILTER (WHERE 'back\slash' = ANY(tags)) FROM customers
UNION ALL SELECT 'null_text,' || count(*) FILTER (WHERE 'NULL' = ANY(tags)) FROM customers
UNION ALL SELECT 'braces,' || count(*) FILTER (WHERE '{x}' = ANY(tags)) FROM customers
UNION ALL SELECT 'no_tags,' || count(*) FILTER (WHERE tags IS NULL) FROM customers;
SQL

"$segmint" eval "$work/rules.seg" --schema "$work/schema.yaml" --data "$work/customers.csv" --as-of 2026-11-23 \
  --format csv | tail -n +2 | cut -d, -f1,2 > "$work/actual.txt"
if ! diff "$work/expected.txt" "$work/actual.txt"; then
  echo "segmint's counts (right) differ from PostgreSQL's (left) on its own \\copy export; the file begins:"
  head -5 "$work/customers.csv"
  exit 1
fi
# Every form the recipe promises appears in the file, so the comparison above exercised them.
for form in ',t,' ',f,' '+05:30' '"{' ',{}' '\""' '\\' '""NULL""'; do
  grep -qF -- "$form" "$work/customers.csv" || { echo "the export has no \`$form\`"; head -5 "$work/customers.csv"; exit 1; }
done
zero=$(awk -F, '$2 == 0' "$work/actual.txt")
[ -z "$zero" ] || { echo "segments no customer is in (the data does not exercise them): $zero"; exit 1; }
echo "psql \\copy export of $(($(wc -l < "$work/customers.csv") - 1)) customers: $(wc -l < "$work/actual.txt") segment counts equal PostgreSQL's"
