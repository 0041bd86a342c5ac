#pragma once
// Loads customer data from CSV into a columnar Table, streaming: the file is read in chunks and each field is parsed
// straight into its typed column array, so memory stays near the size of the finished columns.
//
// The format (docs/schema.md "Customer data (CSV)"):
// - RFC 4180: fields separated by `,`; a field may be quoted with `"`, inside which `""` is a quote and line breaks
//   are part of the value. A quote inside an unquoted field, or anything but `,`/end of line after a closing quote, is
//   an error. Records end with LF, CRLF or a lone CR; the last record needs no line break; a leading UTF-8 BOM is
//   skipped; empty lines are skipped (as Python's csv module and pandas do). Values are not trimmed.
// - The first record is the header. Names match schema columns exactly (case-sensitive); columns not in the schema are
//   ignored (their fields are not validated); a schema column missing from the header and duplicate header names are
//   errors. An empty file is an error ("no header"); a header alone gives an empty table.
// - An empty unquoted field is NULL. An empty quoted field `""` is the empty string for `string` columns, the empty
//   list for `list<string>` columns, and NULL for every other type (writers that quote everything emit `""` for NULL).
// - int: optional sign and decimal digits, 64-bit (overflow is an error). number: decimal or exponent notation;
//   NaN, infinities, values too large for a double (1e400) and nonzero values too small for one (1e-400) are errors,
//   as in the rule language; subnormals (4.9e-324) are values. bool: true/false, t/f (PostgreSQL; any case), 1/0. date:
//   YYYY-MM-DD, a day that exists. timestamp: ISO 8601 or PostgreSQL's text form (calendar::parse_timestamp), UTC
//   unless an offset is given. enum: exactly one of the schema's values (case-sensitive). list<string>: items separated
//   by `|`, kept verbatim (`a||b` has an empty middle item); a field that starts with `{` (or `[m:n]={`, refused) is
//   PostgreSQL's array literal (`{a,"b c"}`; NULL items, nested or malformed arrays are errors). string and list items
//   must be valid UTF-8.
// - A record longer than kMaxCsvRecordBytes is an error, found without buffering more than about that much.
// - The key column (the schema's `key`) must be set in every record and unique: an empty or repeated key is an error
//   at its line, naming the line that has the key first (CsvOptions::check_key).
// The first problem stops the load; its position is the physical line (line breaks inside quoted fields count) where
// the offending field or record starts, and the 1-based field index with the header's name for it.
//
// With CsvOptions::threads > 1 the records are parsed on several threads: the input is cut at record boundaries
// (found with a pass counting quotes, since quoted fields may hold line breaks), each range is parsed into its own
// columns and dictionaries, and the ranges are joined in order with dictionary codes remapped to first-seen order
// over the whole file. The table is the same as with one thread. When any range fails, the others stop and the file
// is loaded again on one thread, so an error is always reported as the serial loader reports it (a bad file costs up
// to one parallel pass more). A file is read up to the size it had when opened.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "data/table.h"
#include "schema/schema.h"

namespace segmint::data {

inline constexpr uint64_t kMaxCsvRecordBytes = uint64_t{16} << 20;  // 16 MiB per record (BAD_INPUTS 34)

struct CsvError {
    std::string path;
    uint64_t line = 0;        // 1-based physical line; 0 when the error is about the file as a whole
    uint64_t column = 0;      // 1-based field index within the record; 0 when not about one field
    std::string column_name;  // the header's name for that field, when known
    std::string message;      // the problem, naming the column and expected type where it applies

    // "path:line:column: error: message" (line and column left out when 0).
    std::string to_string() const;
};

// Called with the bytes read so far and the file's size (0 when unknown), at most once per progress_interval_bytes
// and once at the end.
using CsvProgress = std::function<void(uint64_t bytes_read, uint64_t total_bytes)>;

struct CsvOptions {
    size_t buffer_bytes = size_t{1} << 20;  // read chunk; grows only for a field longer than it
    uint64_t max_record_bytes = kMaxCsvRecordBytes;
    // Called on the calling thread only, also when the records are parsed on other threads.
    CsvProgress progress;
    uint64_t progress_interval_bytes = uint64_t{4} << 20;
    // Threads parsing records (0 = one per core); fewer when the input is small (min_bytes_per_thread).
    unsigned threads = 1;
    // Each thread gets at least this many bytes of input: below it, starting threads costs more than it saves.
    uint64_t min_bytes_per_thread = uint64_t{4} << 20;
    // When set, receives the number of threads that parsed the records: 1 after a serial load, including one redone
    // serially because a range failed (tests and the benchmark check which path ran).
    unsigned* threads_used = nullptr;
    // The schema's key column must name every customer once: an empty key or a key two records share is an error at
    // the record's line (data/keys.h). Fixture files, which check their keys against their YAML, turn it off.
    bool check_key = true;
    // The schema's facts hold in every record (the proofs rely on them): a `not_null: true` column has a value, and
    // a value keeps its column's `min` / `max`. Fixture files, whose customers give only the columns a test needs and
    // may try values outside the facts on purpose, turn it off.
    bool check_facts = true;
    // Columns give back their spare capacity when loaded (a copy of each). The event loader, which gathers the rows
    // into columns of their own right away (data/events.h), turns it off.
    bool trim_excess = true;
    // Int columns but the key are held in the fewest bytes their values need (Table::narrow_int_columns). The event
    // loader, whose columns are read at full width by the aggregates, turns it off.
    bool narrow_ints = true;
    // Their String and Enum columns but the key hold codes in 1 or 2 bytes where the dictionary fits
    // (Table::narrow_code_columns). The event loader, whose columns the aggregates read with 4-byte codes, turns it
    // off.
    bool narrow_codes = true;
    // A check of the whole loaded table (the schema's `checks:`, engine::schema_row_check; the event loader's key and
    // time): the row it returns, 0-based, becomes an error with its message at that record's line. It runs whatever
    // check_facts says (an event needs its key and time even in a fixture); callers that want no checks leave it unset.
    std::function<std::optional<std::pair<uint64_t, std::string>>(const Table&)> check_rows;
};

// Loads `path` (a regular file) as a table of `schema`. On failure returns nullopt and fills *error.
std::optional<Table> load_csv(const std::string& path, const schema::Schema& schema, CsvError* error,
                              const CsvOptions& options = {});

// The same from text in memory; `name` is used as the path in errors.
std::optional<Table> load_csv_text(std::string_view text, const std::string& name, const schema::Schema& schema,
                                   CsvError* error, const CsvOptions& options = {});

// Text that arrives while it loads (a database's COPY stream, sources/): `produce` runs on a thread of its own and
// hands the text over in pieces through its argument, while the calling thread parses the records as they arrive, so
// the load takes about as long as the slower of the two rather than their sum. The records are parsed on one thread
// (the text's size is not known in advance). When the load fails, *text receives the whole text, for messages that
// point into it. When produce returns false the load fails with error->message empty: produce reports its problem.
using CsvPieces = std::function<void(std::string piece)>;
std::optional<Table> load_csv_produced(const std::function<bool(const CsvPieces& write)>& produce,
                                       const std::string& name, const schema::Schema& schema, CsvError* error,
                                       const CsvOptions& options, std::string* text);

}  // namespace segmint::data
