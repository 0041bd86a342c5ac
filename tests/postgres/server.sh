# A throwaway PostgreSQL server for the scripts that need a real one (sourced, not run): PostgreSQL installed from
# Debian when missing, initdb into a temporary folder (as the postgres user when run as root: the server refuses to
# run as root), listening on a Unix socket in that folder only, stopped and the folder removed when the script exits,
# also when it fails. A server that cannot start fails the script.
#   source tests/postgres/server.sh; [find_postgres SOURCE_DIR;] start_postgres SOURCE_DIR [INITDB_ARGS...]
# Then: $work (the folder, which is also the socket's host), $bin (PostgreSQL's binaries), as_postgres CMD...,
# load_demo_tables CSV_DIR (the demo retailer's generated CSV files into tables of the storage contract, docs/sql.md).

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Sets $bin, installing PostgreSQL first when it is missing.
find_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1; then
    bash "$1/.ci/install-deps" postgresql > /dev/null
  fi
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
}

start_postgres() {
  local source=$1
  shift
  find_postgres "$source"
  work=$(mktemp -d)
  chmod 755 "$work"
  [ "$(id -u)" -eq 0 ] && chown postgres "$work"
  trap stop_postgres EXIT
  as_postgres "$bin/initdb" -D "$work/data" -A trust -U postgres "$@" > "$work/initdb.log" 2>&1 ||
    { echo "FAIL: initdb did not run:"; cat "$work/initdb.log"; exit 1; }
  as_postgres "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories='$work' -c fsync=off" start > /dev/null ||
    { echo "FAIL: the PostgreSQL server did not start:"; cat "$work/server.log"; exit 1; }
}

stop_postgres() {
  as_postgres "$bin/pg_ctl" -D "$work/data" -m immediate stop > /dev/null 2>&1 || true
  rm -rf "$work"
}

# customers.csv of `segmint generate` in CSV_DIR (readable by the postgres user), and its orders.csv and
# page_views.csv where they are there, as the tables customers, orders and page_views, with the types of docs/sql.md's
# storage contract.
load_demo_tables() {
  local csv=$1
  local psql=(as_postgres "$bin/psql" -h "$work" -U postgres -d "${db:-postgres}" -v ON_ERROR_STOP=1 -qAt)
  "${psql[@]}" <<SQL
CREATE TABLE stage (customer_id text, email text, first_name text, age text, gender text, country text, city text,
  signup_date text, last_order_date text, last_login_at text, orders_90d text, lifetime_orders text, total_spend text,
  avg_order_value text, returns_90d text, loyalty_points text, email_opt_in text, sms_opt_in text, push_opt_in text,
  tier text, acquisition_channel text, preferred_category text, tags text, churn_score text);
\\copy stage FROM '$csv/customers.csv' CSV HEADER
CREATE TABLE customers AS SELECT customer_id::bigint, email, first_name, age::bigint, gender, country, city,
  signup_date::date, last_order_date::date, last_login_at::timestamptz, orders_90d::bigint, lifetime_orders::bigint,
  total_spend::double precision, avg_order_value::double precision, returns_90d::bigint, loyalty_points::bigint,
  email_opt_in::boolean, sms_opt_in::boolean, push_opt_in::boolean, tier, acquisition_channel, preferred_category,
  string_to_array(tags, '|') AS tags, churn_score::double precision FROM stage;
DROP TABLE stage;
SQL
  if [ -f "$csv/orders.csv" ]; then
    "${psql[@]}" <<SQL
CREATE TABLE orders (order_id bigint, customer_id bigint, ordered_at timestamptz, amount double precision,
  channel text);
\\copy orders FROM '$csv/orders.csv' CSV HEADER
SQL
  fi
  if [ -f "$csv/page_views.csv" ]; then
    "${psql[@]}" <<SQL
CREATE TABLE page_views (customer_id bigint, viewed_at timestamptz, url text);
\\copy page_views FROM '$csv/page_views.csv' CSV HEADER
SQL
  fi
}
