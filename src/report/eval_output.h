#pragma once
// `segmint eval`'s results as text, JSON and CSV: the table of segment sizes and the list of one segment's members.
// Data in, bytes out; the command (cli/eval_command.cpp) decides where they go.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "data/bitmap.h"
#include "data/table.h"
#include "report/write_text.h"
#include "scalar/scalar.h"
#include "semantic/catalog.h"

namespace segmint::report {

struct SegmentSize {
    std::string name;
    uint64_t count = 0;
    std::optional<std::string> title;
};

struct EvalSizes {
    uint64_t rows = 0;
    scalar::AsOf as_of;
    double load_seconds = 0;  // text only: how long loading and evaluating took
    double eval_seconds = 0;
    std::vector<SegmentSize> segments;  // in catalog order
};

// Each segment of the catalog with its member count (`counts` in catalog order).
std::vector<SegmentSize> segment_sizes(const semantic::Catalog& catalog, const std::vector<uint64_t>& counts);

// "N customers as of D (loaded in ..., evaluated in ...)", then a table: segment, customers, share, title.
std::string eval_sizes_text(const EvalSizes& sizes);
// segment,count,share (share with 6 decimals).
std::string eval_sizes_csv(const EvalSizes& sizes);
// {"version", "command": "eval", "rows", "as_of", "now", "segments": [{"name", "count", "share", "title"?}]}; the
// caller adds the run's diagnostics at its end.
nlohmann::ordered_json eval_sizes_json(const EvalSizes& sizes);

// The members of `segment` (the rows set in `members`) by the table's key: text, one key a line; csv, a one-column CSV
// with the key's name as header; json, {"version", "command", "segment", "as_of", "now", "count", "members": [KEY,
// ...]} closed by the diagnostics of `sink` (sorted by the caller). A string key with a comma, quote or line break is
// quoted as in CSV (RFC 4180) in text and csv, so a key can never read as two. Written in pieces of about 1 MiB; false
// when `write` failed.
bool write_members(const data::Table& table, const data::Bitmap& members, const std::string& segment,
                   scalar::AsOf as_of, const std::string& format, const DiagnosticSink& sink, const WriteText& write);

// With --format json and the members written to a file, stdout says what was written: {"version", "command",
// "segment", "as_of", "now", "count", "output"}; the caller adds the diagnostics.
nlohmann::ordered_json members_written_json(const std::string& segment, scalar::AsOf as_of, uint64_t count,
                                            const std::string& output);

}  // namespace segmint::report
