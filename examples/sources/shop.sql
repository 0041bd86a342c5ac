-- The customers and orders of examples/sources/schema.yaml in SQLite, under the storage contract of docs/sql.md:
-- int and bool as INTEGER, number as REAL, the rest as TEXT (dates and timestamps in ISO form, lists joined by |).
CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, email TEXT, signup_date TEXT, total_spend REAL,
                        email_opt_in INTEGER, tier TEXT NOT NULL, tags TEXT);
INSERT INTO customers VALUES
  (1, 'ana@example.com', '2024-03-01', 812.5, 1, 'gold', 'newsletter|vip'),
  (2, 'bo@example.com', '2025-07-15', 120.0, 0, 'silver', 'newsletter'),
  (3, NULL, '2026-01-02', 0.0, NULL, 'bronze', ''),
  (4, 'dee@example.com', '2023-11-30', 1530.25, 1, 'gold', NULL);
CREATE TABLE orders (customer_id INTEGER, ordered_at TEXT, amount REAL);
INSERT INTO orders VALUES
  (1, '2026-10-01T09:30:00Z', 300.0), (1, '2026-11-20T18:05:00Z', 512.5),
  (2, '2026-09-01T12:00:00Z', 120.0), (4, '2026-11-01T08:00:00Z', 1530.25),
  (9, '2026-11-02T10:00:00Z', 42.0);
