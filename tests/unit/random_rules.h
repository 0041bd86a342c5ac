#pragma once
// Random well-typed rules (as source text) and random NULL-heavy tables over the test schema, for differential tests
// and fuzzing. Deterministic for a seed.
#include <cstdint>
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
    const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }

private:
    uint64_t state_;
};

// A catalog of `count` segments named s0.., each rule a random condition; later segments may refer to earlier ones.
std::string random_catalog(Random& random, size_t count, int max_depth);

// A table of the test schema with `rows` rows: skewed small values, boundary values (INT64 limits, month ends, empty
// strings), and many NULLs.
data::Table random_table(Random& random, const schema::Schema& schema, uint64_t rows);

}  // namespace segmint::testing
