#!/usr/bin/env python3
"""Event aggregates counted twice: by `segmint eval`, and by SQLite with GROUP BY over the same CSV rows.

Generated demo customers, orders and page views (`segmint generate --orders --page-views`) are loaded into an in-memory SQLite database by
Python's csv module, never by segmint's loader. Each rule below has its SQL written from docs/language.md ("Event
aggregates"): windows on the time column, no events giving 0 / FALSE / NULL, NULL values skipped, a customer a member
only where the rule is TRUE. Every segment's size must be the same both ways.
"""
import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

AS_OF = "2026-11-23"
NOW = AS_OF + "T00:00:00Z"  # `now` is midnight UTC of the as-of date; timestamps compare as ISO text


def days_before(days):
    import datetime
    day = datetime.date.fromisoformat(AS_OF) - datetime.timedelta(days=days)
    return day.isoformat() + "T00:00:00Z"


# name, rule, SQL condition over the per-customer aggregates of the `agg` subquery (NULL where SQL gives NULL).
CASES = [
    ("frequent", "count(orders within last 90 days) >= 5", "coalesce(n90, 0) >= 5"),
    ("agrees_with_profile", "count(orders within last 90 days) = orders_90d", "coalesce(n90, 0) = c.orders_90d"),
    ("big_web_spenders", 'sum(orders.amount within last 365 days where channel = "web") > 200',
     "coalesce(web365, 0) > 200"),
    ("first_time_buyers", "count(orders) = 1 and first(orders.ordered_at) within last 30 days",
     f"coalesce(n, 0) = 1 and first_at >= '{days_before(30)}' and first_at <= '{NOW}'"),
    ("lapsed", "exists(orders) and last(orders.ordered_at) < today - 180 days",
     f"coalesce(n, 0) > 0 and last_at < '{days_before(180)}'"),
    ("never_bought", "not exists(orders)", "coalesce(n, 0) = 0"),
    ("two_channels", "count_distinct(orders.channel) >= 2", "coalesce(channels, 0) >= 2"),
    ("store_average", 'avg(orders.amount where channel = "store") > 60', "store_avg > 60"),
    ("small_recent_order", "min(orders.amount within last 90 days) < 30", "min90 < 30"),
    ("big_last_order", "max(orders.amount) >= 150 and last(orders.channel) = \"app\"",
     "max_amount >= 150 and last_channel = 'app'"),
    ("no_recent_order", "not exists(orders within last 30 days)", "coalesce(n30, 0) = 0"),
    ("before_and_after", "count(orders before 2026-01-01) > count(orders after 2026-01-01)",
     "coalesce(n_before, 0) > coalesce(n_after, 0)"),
    ("pricing_browsers", 'exists(page_views within last 7 days where url contains "/pricing")',
     "coalesce(pricing7, 0) > 0"),
    ("varied_browsing", "count_distinct(page_views.url within last 7 days) >= 3", "coalesce(urls7, 0) >= 3"),
    ("checkouts_match_orders", 'count(page_views where url = "/checkout") = count(orders within last 30 days)',
     "coalesce(checkouts, 0) = coalesce(n30, 0)"),
]
# Rules every generated customer satisfies (the generator's promises, synthetic.h).
CONSISTENCY = ["agrees_with_profile", "checkouts_match_orders"]

AGGREGATES = f"""
SELECT customer_id,
  count(*) AS n,
  sum(ordered_at >= '{days_before(90)}' AND ordered_at <= '{NOW}') AS n90,
  sum(ordered_at >= '{days_before(30)}' AND ordered_at <= '{NOW}') AS n30,
  sum(CASE WHEN ordered_at >= '{days_before(365)}' AND ordered_at <= '{NOW}' AND channel = 'web'
      THEN amount END) AS web365,
  min(ordered_at) AS first_at,
  max(ordered_at) AS last_at,
  count(DISTINCT channel) AS channels,
  avg(CASE WHEN channel = 'store' THEN amount END) AS store_avg,
  min(CASE WHEN ordered_at >= '{days_before(90)}' AND ordered_at <= '{NOW}' THEN amount END) AS min90,
  max(amount) AS max_amount,
  sum(ordered_at < '2026-01-01T00:00:00Z') AS n_before,
  sum(ordered_at > '2026-01-01T00:00:00Z') AS n_after
FROM orders GROUP BY customer_id
"""

PAGE_VIEWS = f"""
SELECT customer_id,
  sum(viewed_at >= '{days_before(7)}' AND viewed_at <= '{NOW}' AND instr(url, '/pricing') > 0) AS pricing7,
  count(DISTINCT CASE WHEN viewed_at >= '{days_before(7)}' AND viewed_at <= '{NOW}' THEN url END) AS urls7,
  sum(url = '/checkout') AS checkouts
FROM page_views GROUP BY customer_id
"""

# last(orders.channel): the channel of the latest order; among orders at one time, the smallest channel.
LAST_CHANNEL = """
SELECT o.customer_id, min(o.channel) AS last_channel FROM orders o
JOIN (SELECT customer_id, max(ordered_at) AS at FROM orders WHERE channel IS NOT NULL GROUP BY customer_id) m
  ON m.customer_id = o.customer_id AND m.at = o.ordered_at
WHERE o.channel IS NOT NULL GROUP BY o.customer_id
"""


def load(db, table, path, columns):
    with open(path, newline="") as f:
        rows = [[None if row[c] == "" else row[c] for c in columns] for row in csv.DictReader(f)]
    db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(columns))})", rows)
    return len(rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--segmint", required=True)
    parser.add_argument("--rows", type=int, default=6000)
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with tempfile.TemporaryDirectory(prefix="segmint-events-sqlite") as work:
        customers, orders = os.path.join(work, "customers.csv"), os.path.join(work, "orders.csv")
        page_views = os.path.join(work, "page_views.csv")
        subprocess.run([args.segmint, "generate", "--rows", str(args.rows), "--seed", "9", "-o", customers,
                        "--orders", orders, "--page-views", page_views], check=True, stderr=subprocess.DEVNULL)
        specs = os.path.join(work, "behaviour.seg")
        with open(specs, "w") as f:
            for name, rule, _ in CASES:
                f.write(f"segment {name}: {rule}\n")
        out = subprocess.run([args.segmint, "eval", specs, "--schema", os.path.join(root, "specs", "schema.yaml"),
                              "--data", customers, "--events", "orders=" + orders, "--events", "page_views=" + page_views, "--as-of", AS_OF, "--format",
                              "json"], check=True, capture_output=True, text=True).stdout
        counted = {s["name"]: s["count"] for s in json.loads(out)["segments"]}

        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, orders_90d INTEGER)")
        db.execute("CREATE TABLE orders (order_id INTEGER, customer_id INTEGER, ordered_at TEXT, amount REAL, "
                   "channel TEXT)")
        load(db, "customers", customers, ["customer_id", "orders_90d"])
        n_orders = load(db, "orders", orders, ["order_id", "customer_id", "ordered_at", "amount", "channel"])
        db.execute("CREATE TABLE page_views (customer_id INTEGER, viewed_at TEXT, url TEXT)")
        n_views = load(db, "page_views", page_views, ["customer_id", "viewed_at", "url"])
        # The per-customer aggregates once, as tables keyed by customer, so each rule is one join.
        db.execute("CREATE INDEX orders_by_customer ON orders (customer_id, ordered_at)")
        db.execute(f"CREATE TABLE agg AS {AGGREGATES}")
        db.execute(f"CREATE TABLE last_channel AS {LAST_CHANNEL}")
        db.execute(f"CREATE TABLE pv AS {PAGE_VIEWS}")
        db.execute("CREATE UNIQUE INDEX agg_key ON agg (customer_id)")
        db.execute("CREATE UNIQUE INDEX pv_key ON pv (customer_id)")
        db.execute("CREATE UNIQUE INDEX last_channel_key ON last_channel (customer_id)")
        failures = 0
        for name, _, condition in CASES:
            sql = ("SELECT count(*) FROM customers c LEFT JOIN agg a ON a.customer_id = c.customer_id "
                   "LEFT JOIN last_channel l ON l.customer_id = c.customer_id LEFT JOIN pv ON pv.customer_id = c.customer_id "
                   f"WHERE coalesce({condition}, 0)")
            expected = db.execute(sql).fetchone()[0]
            status = "ok" if expected == counted.get(name) else "MISMATCH"
            failures += status != "ok"
            print(f"{status:8} {name:22} segmint {counted.get(name)}  sqlite {expected}")
        for name in CONSISTENCY:
            if counted.get(name) != args.rows:
                rule = next(rule for case, rule, _ in CASES if case == name)
                print(f"MISMATCH {rule} holds for {counted.get(name)} of {args.rows} customers")
                failures += 1
        informative = sum(1 for name, _, _ in CASES if 0 < counted.get(name, 0) < args.rows)
        if informative < len(CASES) - len(CONSISTENCY):  # every rule but the consistency checks splits them
            print(f"only {informative} rules split the customers: the data tests too little")
            failures += 1
        print(f"{args.rows} customers, {n_orders} orders, {n_views} page views, {len(CASES)} rules, "
              f"{failures} mismatches")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
