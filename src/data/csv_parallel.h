#pragma once
// The CSV load on several threads: the input cut at record boundaries, a range per thread, the tables joined in order
// (csv_parallel.cpp says why the result equals the serial load's). Internal to the data stage.
#include <cstdint>
#include <optional>
#include <string>

#include "data/csv_input.h"
#include "data/csv_loader.h"
#include "data/table.h"

namespace segmint::data::csv {

// The input cut into `threads` ranges, each parsed on a thread of its own (fewer when a thread cannot start: the ones
// that did take the rest); *workers receives how many threads parsed them. Nullopt when anything fails (bad input, a
// read error, out of memory): the caller then loads serially, which reports the first problem in the file exactly,
// whatever the cuts.
std::optional<Table> load_in_ranges(const Input& input, const std::string& path, const schema::Schema& schema,
                                    const CsvOptions& options, unsigned threads, unsigned* workers);

// Threads worth starting for `bytes` of input.
unsigned threads_for(const CsvOptions& options, uint64_t bytes);

}  // namespace segmint::data::csv
