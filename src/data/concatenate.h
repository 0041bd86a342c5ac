#pragma once
// Joins tables loaded from consecutive parts of one input (the parallel CSV load) into the table a single load of the
// whole input gives: rows in part order, and String and list<string> dictionary codes in first-seen order over all
// parts.
#include <vector>

#include "data/table.h"

namespace segmint::data {

// Appends the rows of parts[1..] to parts[0] and returns it. Every part has the same schema and finished rows
// (Table::finish_rows). Each part's column is freed as soon as it is appended, so memory peaks near the size of one
// table plus one column. Spare capacity is not trimmed (Column::trim_excess).
Table concatenate_tables(std::vector<Table>&& parts);

}  // namespace segmint::data
