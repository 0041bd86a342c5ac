#pragma once
// The CSV loader proper: reads a header and records from an Input into a Table, one buffer at a time, each field
// straight into its column. csv_record_loader.cpp holds the buffer, header and error handling; csv_records.cpp the
// per-record path (scanning, storing values, deferred interning). Internal to the data stage.
#include <atomic>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "data/csv_input.h"
#include "data/csv_loader.h"
#include "data/csv_scan.h"
#include "data/prefault.h"
#include "data/table.h"

namespace segmint::data::csv {

// What the threads of a parallel load share.
struct ParallelState {
    std::atomic<uint64_t> bytes_read{0};  // over all ranges, for progress reports
    std::atomic<bool> failed{false};      // a range failed: the others stop, the file is loaded serially
};

struct Slot {
    Column* column = nullptr;  // null: the field's column is not in the schema
    const schema::Column* definition = nullptr;
    // String column of mostly distinct values (ids, emails): its values are interned a few records later, after a
    // prefetch of their index slot (Dictionary::prefetch).
    bool defer_intern = false;
};

// A String value (or NULL) waiting to be interned. A deferred column's NULLs wait in the same queue as its values:
// each column's rows must be appended in record order.
struct PendingString {
    Column* column = nullptr;
    bool null = false;
    uint64_t hash = 0;
    std::string text;  // copied: the buffer may be refilled before the record ends
};

class Loader {
public:
    Loader(Input& input, std::string path, const schema::Schema& schema, const CsvOptions& options);

    // Loads the whole input.
    std::optional<Table> run(CsvError* error);

    // Reads the header alone (for the parallel load); returns the offset of the first byte after it.
    std::optional<uint64_t> run_header(CsvError* error);
    const std::vector<std::string>& header() const { return header_; }

    // Reads the records again only to find the lines where `rows` (sorted, 0-based) start; values are not stored.
    // For errors found in the finished table, such as a repeated key.
    std::vector<uint64_t> lines_of(std::vector<uint64_t> rows);

    // Reads records alone, from an input that starts at a record boundary after the header: `header` was read and
    // checked by run_header(). Counts the bytes it reads in *shared, stops early once another range has failed, and
    // sets shared->failed when it fails. Spare capacity is not trimmed: the columns are about to be joined. The
    // first range's table receives the others' rows: `bytes_after` (the input after this range) makes it reserve
    // room for them too, so the join appends in place instead of copying this range's columns to bigger arrays.
    std::optional<Table> run_records(const std::vector<std::string>& header, ParallelState* shared, CsvError* error,
                                     uint64_t bytes_after = 0);

    // Makes each column's size its row count and the table's rows final; trims spare capacity when asked.
    static void finish_columns(Table& table, const CsvOptions& options);

private:
    template <typename Result, typename Body>
    std::optional<Result> guarded(CsvError* error, const Body& body) {
        error_ = error;
        // Running out of memory (or of dictionary codes) is reported like bad input, never as an escaping exception.
        try {
            return body();
        } catch (const std::bad_alloc&) {
            fail(line_, 0, "out of memory after " + std::to_string(rows_) + " rows");
        } catch (const std::length_error& exception) {
            fail(line_, 0, std::string("too much data after ") + std::to_string(rows_) + " rows: " + exception.what());
        }
        return std::nullopt;
    }

    // Reads the first chunk and skips a UTF-8 byte-order mark, which is not part of the first header name.
    bool read_start();

    // ---- errors ----

    bool fail(uint64_t line, uint64_t field_index, std::string message);

    // field_index is 0-based here.
    bool fail_value(uint64_t line, size_t field_index, const std::string& expected, std::string_view text);

    bool fail_record_too_long(uint64_t field_index, bool in_quotes);

    // The column's `min` / `max` (schema facts, the proofs rely on them); false after reporting a value outside them.
    template <typename Value>
    bool within_bounds(size_t field_index, Value value, std::string_view text) {
        if (!options_.check_facts || slots_[field_index].definition->within_bounds(value)) return true;
        return fail_bound(field_index, text);
    }
    bool fail_bound(size_t field_index, std::string_view text);

    // ---- buffer ----

    // Keeps bytes from `keep_from` on, moves them to the front and reads more after them; grows the buffer only when
    // the kept bytes fill it (one field longer than the buffer). Fails when the current record is over the limit.
    bool refill(size_t keep_from, uint64_t field_index = 0, bool in_quotes = false);

    // Between buffers (about 5,000 records of a typical file): faults in the next pages of every growing array in
    // one system call each, instead of one page fault per page as the appends reach them (data/prefault.h).
    void prefault_ahead();

    void report_progress(bool final_call);

    // Skips empty lines before a record (as Python's csv module and pandas do). Returns false on a read error.
    bool skip_empty_lines();

    // Scans the next field of the current record, refilling as needed; reports quoting errors.
    bool next_field(Field* field, uint64_t field_index);

    // The field's content, with `""` turned into `"`.
    std::string_view content(const Field& field);

    // ---- header ----

    bool read_header();

    // Maps each header field to its schema column; every schema column must appear exactly once. Hash maps both
    // ways, so a header of a million fields costs linear time.
    bool map_header_to_schema();

    // ---- records ----

    bool read_records();

    // Reserves every column for the rows the rest of the file is likely to hold, so arrays grow once instead of
    // doubling (which would leave up to half of them unused). Untouched reserved pages cost no resident memory.
    void reserve_estimate(uint64_t data_start);

    static void append_null(Column& column);

    // Parses one field into its column.
    bool store(const Field& field, uint64_t field_index);

    // Queues a field of a deferred String column: appended (code and validity) by intern_pending() a few records
    // later, NULLs included, so the column's rows stay in record order.
    void defer(Column& column, bool null, std::string_view text);

    // Interns the deferred String values of the last records, in record and field order (each column gets one value
    // per record, so every dictionary still sees its values in first-seen order). Batches of kInternBatch records
    // give each value's prefetched index slot time to arrive; a failed record fails the whole load, so values of
    // the records before it need no flushing.
    void intern_pending();

    // Int columns and dictionary codes are held narrow while loading, when the options ask for narrow columns (not
    // the key's): each column's values go to its wide array (i64, i32) as they are parsed, and every
    // kRowsPerNarrowing records narrow_staged() moves them to the array of the fewest bytes that holds every value so
    // far (Int: from base 0; codes: for the dictionary's size), re-holding the earlier rows wider when a value needs
    // it. The wide arrays then never hold more than a few thousand rows: without this the load's peak held the
    // whole table at full width. A column that needs full width stays there and leaves the list.
    void start_narrowing();
    void narrow_staged();

    static constexpr uint64_t kRowsBeforeEstimate = 4096;
    static constexpr uint64_t kRowsPerNarrowing = 4096;  // the first narrowing comes before the estimate's reserve
    static constexpr size_t kInternBatch = 16;

    Input& input_;
    std::string path_;
    const schema::Schema& schema_;
    const CsvOptions& options_;
    Table table_;
    std::vector<PrefaultAhead> ahead_;  // one per array of for_each_filled_array, in visiting order
    std::vector<Column*> narrowing_;    // columns held narrow while loading (start_narrowing)
    CsvError* error_ = nullptr;

    std::vector<char> buffer_;
    size_t pos_ = 0;  // next byte to scan
    size_t end_ = 0;  // bytes [0, end_) of buffer_ hold input
    bool eof_ = false;
    uint64_t base_ = 0;  // file offset of buffer_[0]
    uint64_t bytes_read_ = 0;
    uint64_t last_progress_ = 0;
    ParallelState* shared_ = nullptr;  // set when this loader reads one range of a parallel load
    uint64_t bytes_after_ = 0;         // input after this range whose rows will be joined to this table

    uint64_t line_ = 1;  // physical line of pos_
    bool in_record_ = false;
    uint64_t record_start_ = 0;  // file offset where the current record starts
    uint64_t record_line_ = 1;
    uint64_t rows_ = 0;

    std::vector<std::string> header_;
    std::vector<Slot> slots_;             // per header field
    std::string scratch_;                 // unescaped quoted content, reused
    std::vector<PendingString> pending_;  // [0, pending_count_) wait for the end of the current record
    size_t pending_count_ = 0;
    size_t pending_records_ = 0;  // records since the last intern_pending()
    bool locate_only_ = false;    // lines_of(): records are split, not stored
    std::vector<uint64_t> wanted_rows_;
    size_t next_wanted_ = 0;
    std::vector<uint64_t> wanted_lines_;
};

}  // namespace segmint::data::csv
