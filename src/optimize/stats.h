#pragma once
// Column statistics the optimizer uses for cost and selectivity: gathered once from a loaded table.
#include <cstdint>
#include <vector>

#include "data/table.h"

namespace segmint::optimize {

struct ColumnStats {
    uint64_t null_count = 0;
    uint64_t distinct = 0;   // dictionary size for strings, enums and lists; 0 when unknown
    bool has_range = false;  // min/max below are set (int, number, date, timestamp)
    double min = 0;
    double max = 0;
};

struct TableStats {
    uint64_t rows = 0;
    std::vector<ColumnStats> columns;  // by schema index
};

// One pass over each column with a range whose loader did not find it already (data::Table::known_range), the
// columns shared out over `threads` threads (0: one per core).
TableStats gather_stats(const data::Table& table, unsigned threads = 1);

}  // namespace segmint::optimize
