#pragma once
// `segmint overlap`'s results as text, JSON and CSV. Data in, bytes out; the command (cli/overlap_command.cpp)
// chooses the segments, computes the matrix and sends the text to stdout.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/overlap.h"
#include "common/diagnostic.h"
#include "report/write_text.h"
#include "scalar/scalar.h"

namespace segmint::report {

struct OverlapResult {
    uint64_t rows = 0;
    scalar::AsOf as_of;
    std::vector<std::string> names;  // the compared segments, in the matrix's order
    analysis::OverlapMatrix matrix;
};

// A heading, the matrix of counts (left out past 40 segments: too wide to read) and the `top` pairs by Jaccard.
void write_overlap_text(const OverlapResult& result, size_t top, const WriteText& write);
// One record per pair: a,b,count_a,count_b,intersection,jaccard,containment_a,containment_b.
void write_overlap_csv(const OverlapResult& result, const WriteText& write);
// {"version", "command", "rows", "as_of", "now", "segments": [{"name", "count"}], the diagnostics of `sink` (sorted by
// the caller), "pairs": [...]}. The pairs come last and are written a row of the matrix at a time: up to 2 million of
// them would make one document of hundreds of MB.
void write_overlap_json(const OverlapResult& result, const DiagnosticSink& sink, const WriteText& write);

}  // namespace segmint::report
