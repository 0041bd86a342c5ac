#pragma once
// Random well-typed rules (as source text) and random NULL-heavy tables over the test schema, for differential tests
// and fuzzing. Deterministic for a seed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/table.h"
#include "schema/schema.h"

namespace segmint::testing {

class Random {
public:
    explicit Random(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
    bool chance(int percent) { return below(100) < static_cast<uint64_t>(percent); }
    template <typename T>
    const T& pick(const std::vector<T>& items) {
        return items[below(items.size())];
    }

private:
    uint64_t state_;
};

// A catalog of `count` segments named s0.., each rule a random condition; later segments may refer to earlier ones.
std::string random_catalog(Random& random, size_t count, int max_depth);

// A catalog of `count` segments whose rules repeat a few random conditions, some made of the others: so conditions are
// shared across rules, and shared conditions contain shared conditions.
std::string random_composed_catalog(Random& random, size_t count, int max_depth);

// A table of the test schema with `rows` rows: skewed small values, boundary values (INT64 limits, month ends, empty
// strings), and many NULLs.
data::Table random_table(Random& random, const schema::Schema& schema, uint64_t rows);

// Random rows of the test schema's event tables (orders, page_views) for customers keyed 1..`customers`: each field
// as its CSV text (nullopt: NULL), timestamps ISO. Times lie around `now`, often on one of a few instants; values hold
// NULLs, INT64 extremes whose sums overflow and non-ASCII text; some customers have no events, and `orphans` events
// (of either table) have keys of no customer, which the loader leaves out and a database holds.
struct RandomEvents {
    using Row = std::vector<std::optional<std::string>>;
    std::vector<std::vector<Row>> tables;  // by index in the schema's events
    std::string csv(size_t table) const;   // with the header, as `--events` reads it
};
RandomEvents random_events(Random& random, const schema::Schema& schema, uint64_t customers, int64_t now);

// Gives `customers` the events of `events`, loaded from their CSV text.
void attach_events(data::Table& customers, const RandomEvents& events);

// A catalog of `rounds` times 22 rules over the aggregates of random_events' tables: every function over every column
// it takes, each with a random window and a random `where`.
std::string random_aggregate_catalog(Random& random, int rounds);

}  // namespace segmint::testing
