#pragma once
// Joins tables loaded from consecutive parts of one input (the parallel CSV load) into the table a single load of the
// whole input gives: rows in part order, and String and list<string> dictionary codes in first-seen order over all
// parts.
#include <vector>

#include "data/table.h"

namespace segmint::data {

// Appends the rows of parts[1..] to parts[0] and returns it. Every part has the same schema and finished rows
// (Table::finish_rows). Columns are joined on up to `threads` threads; each part's column is freed as soon as it is
// appended, so memory peaks near the size of one table plus a column per thread. Spare capacity is not trimmed
// (Column::trim_excess). Out of memory: std::bad_alloc, as from any allocation.
Table concatenate_tables(std::vector<Table>&& parts, unsigned threads = 1);

}  // namespace segmint::data
