#pragma once
// The narrow hand-written baseline of docs/performance.md ("P1-P5"): P1-P5 as tight loops over copies of their
// columns in the narrowest types that hold the generated data (8-bit integers, 32-bit dates, 8- and 16-bit dictionary
// codes, booleans and NULLs as bits), 64 rows at a time into one word of bits, as a vectorized engine over narrow
// columns would run them. It is what the interpreter's speed is held against once columns are narrow; the
// per-row loop over the engine's own columns (benchmark.cpp's `hand`) stays the baseline for today's layout.
#include <cstdint>
#include <string>
#include <vector>

#include "data/table.h"

namespace segmint::bench {

class NarrowBaseline {
public:
    // Copies and narrows the columns P1-P5 read. The types are fixed here; a value that does not fit one (the
    // generator changed) throws std::runtime_error naming the column rather than measuring a wrong loop.
    explicit NarrowBaseline(const data::Table& table);

    // Members of predicate `index` (0 = P1 ... 4 = P5), `today` as days since the epoch.
    uint64_t count(size_t index, int32_t today) const;
    // Bytes of the narrowed columns P1-P5 read (values and validity), all predicates together.
    uint64_t byte_size() const;

private:
    template <typename T>
    struct Narrow {
        std::vector<T> values;
        std::vector<uint64_t> valid;  // one bit per row, as data::Bitmap's words
    };
    uint64_t p1(int32_t today) const;
    uint64_t p2() const;
    uint64_t p3() const;
    uint64_t p4() const;
    uint64_t p5() const;

    uint64_t rows_;
    Narrow<int8_t> orders_90d_, age_;
    Narrow<int32_t> last_order_date_, signup_date_;
    Narrow<double> total_spend_, avg_order_value_;
    Narrow<uint8_t> tier_, gender_, country_;
    Narrow<uint16_t> city_;
    std::vector<uint64_t> email_opt_in_;  // value bits; NULL rows 0
    std::vector<uint64_t> email_opt_in_valid_;
    std::vector<uint8_t> city_in_p3_, country_starts_u_, country_germany_;  // per dictionary code
    uint8_t gold_, platinum_, bronze_, other_;                              // enum codes
    int32_t may_2026_, jan_2025_;
};

}  // namespace segmint::bench
