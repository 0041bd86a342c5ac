#pragma once
// Deterministic synthetic customers of the demo retailer (specs/schema.yaml), for demos, tests and benchmarks.
//
// The same seed and row count give the same bytes on every platform: the generator uses its own PRNG
// (xoshiro256** seeded by splitmix64, one stream per row) and integer arithmetic only (no std:: distributions, no
// libm), and every date is relative to the fixed reference date kSyntheticAsOf, never the clock. Row k depends only
// on the seed and k, so a file of N rows is a prefix of a file of M > N rows.
//
// Output: RFC 4180 CSV with a header row, LF line ends, fields quoted only when they contain `,`, `"` or a line break
// (some cities and first names do). Empty field = NULL; a customer without tags has the empty list `""`.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <string_view>

#include "schema/schema.h"

namespace segmint::generate {

// Data are generated as of this day: orders and logins happen before it, signups end on 2026-11-01.
inline constexpr std::string_view kSyntheticAsOf = "2026-11-23";

// The columns the generator writes, in order, as the schema specs/schema.yaml declares them (a test keeps the two
// equal).
schema::Schema synthetic_schema();

// Receives the output in chunks of about 1 MiB; returns false to stop (a write error).
using ByteSink = std::function<bool(std::string_view bytes)>;

// The most rows `segmint generate` writes (about 200 GB of CSV).
inline constexpr uint64_t kMaxSyntheticRows = 1000000000;

// Writes the header and `rows` customers (customer_id 1..rows). Returns false when the sink fails.
bool write_synthetic_csv(const ByteSink& sink, uint64_t rows, uint64_t seed);

// The orders of the same customers, the event table `orders` of specs/schema.yaml: `order_id,customer_id,ordered_at,
// amount,channel`, by customer, then time (as an export sorted that way). They agree with the customers' columns: as
// of kSyntheticAsOf, count(orders within last 90 days) is orders_90d and last(orders.ordered_at) falls on
// last_order_date (a test checks both); the amounts of a customer who signed up before the 90 days sum to
// total_spend.
bool write_synthetic_orders_csv(const ByteSink& sink, uint64_t rows, uint64_t seed);
bool write_synthetic_orders_csv(std::FILE* out, uint64_t rows, uint64_t seed);

// Their page views, the event table `page_views` of specs/schema.yaml: `customer_id,viewed_at,url`, in the 30 days
// before kSyntheticAsOf. Every order of those days has a view of `/checkout` at the start of its day, so
// count(page_views where url = "/checkout") equals count(orders within last 30 days) (a test checks it); the rest is
// browsing, more for engaged customers, with `/pricing` among the pages.
bool write_synthetic_page_views_csv(const ByteSink& sink, uint64_t rows, uint64_t seed);
bool write_synthetic_page_views_csv(std::FILE* out, uint64_t rows, uint64_t seed);
bool write_synthetic_csv(std::FILE* out, uint64_t rows, uint64_t seed);
bool write_synthetic_csv(std::ostream& out, uint64_t rows, uint64_t seed);

}  // namespace segmint::generate
