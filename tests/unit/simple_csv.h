#pragma once
// A deliberately plain CSV reader, the other side of the loader differential (csv_differential_test.cpp). Written from
// docs/schema.md ("Customer data (CSV)"), not from src/data: the whole text in memory, one record at a time,
// each field parsed by the most obvious code (no dictionaries, no batches, no deferred work, no threads), each value
// turned into canonical text. It accepts only what the differential's generator writes; anything else is a test bug.
#include <optional>
#include <string>
#include <vector>

#include "data/table.h"
#include "schema/schema.h"

namespace segmint::testing {

// One cell as canonical text, nullopt for NULL: int and date (days since 1970-01-01) and timestamp (microseconds
// since the epoch, UTC) as decimal integers, number as the C99 hex float (exact, -0 kept), bool as true/false,
// string and enum as their bytes, list<string> as "[count]" followed by each item preceded by a '\x1f'.
using Cell = std::optional<std::string>;
// Cells by column (schema order), then by row.
using CellTable = std::vector<std::vector<Cell>>;

// Reads `text` (header first) as rows of `schema`. Throws std::runtime_error on anything it does not understand.
CellTable simple_load_csv(const std::string& text, const schema::Schema& schema);

// The same canonical cells read back from a loaded table.
CellTable cells_of(const data::Table& table);

}  // namespace segmint::testing
