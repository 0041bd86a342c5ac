#pragma once
// Event tables in memory (docs/schema.md "Event data"): what customers did, any number of rows per customer. Each is
// a Table of its own whose rows are grouped by the customer they belong to, in the customer table's row order, and
// sorted by time within a customer, so one customer's events are one contiguous range that an aggregate reads in a
// single pass.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/csv_loader.h"
#include "data/table.h"
#include "schema/schema.h"

namespace segmint::data {

struct EventTable {
    Table table;  // columns as the schema's event table declares them
    // Customer row r's events are rows [offsets[r], offsets[r + 1]) of `table`; offsets has customer rows + 1 items
    // (no_events: a view of zeros that takes no memory until read).
    Array<uint64_t> offsets;
    uint64_t orphans = 0;           // events whose key names no customer: counted, left out
    std::string first_orphan_key;   // the first such event's key, as text
    uint64_t first_orphan_row = 0;  // and its row in the file's order (0-based, header not counted)
    // False for a table no file was given for (no_events): a run whose rules read it must say so, not count nothing.
    bool loaded = true;

    uint64_t begin(uint64_t customer) const { return offsets[customer]; }
    uint64_t end(uint64_t customer) const { return offsets[customer + 1]; }
};

// An event's time as one comparable number: days for a date column, microseconds for a timestamp column.
inline int64_t time_value(const Column& time, uint64_t row) {
    return time.type == schema::ColumnType::Date ? time.i32[row] : time.i64[row];
}

// Parallel to the customer schema's `events`: tables[i] holds the events of schema().events[i].
struct EventSet {
    std::vector<EventTable> tables;
};

// Groups loaded events by the customers of `customers`: events whose key names no customer are counted and left
// out; the rest are ordered by customer row, then by time (events at one time keep their order in the input).
// Every event must have its key and its time (load_events_csv reports either missing at its line).
// `threads` sort and gather in parallel (0 = one per core). Rows already in that order (a file exported by customer,
// then time) are moved, not copied.
EventTable group_events(Table events, const Table& customers, const schema::EventTable& definition,
                        unsigned threads = 1);

// No events for anyone, `loaded` false: what a run holds of an event table it was given no file for.
EventTable no_events(const Table& customers, const schema::EventTable& definition);

// Loads an event CSV file (the customer CSV format: data/csv_loader.h) of table `definition` and groups it by the
// customers of `customers`. An event without a key or without a time is an error at its line. The options' key
// check is turned off (a customer has many events); the facts of the event columns (not_null, min, max) are checked.
std::optional<EventTable> load_events_csv(const std::string& path, const Table& customers,
                                          const schema::EventTable& definition, CsvError* error,
                                          CsvOptions options = {});
std::optional<EventTable> load_events_csv_text(std::string_view text, const std::string& name, const Table& customers,
                                               const schema::EventTable& definition, CsvError* error,
                                               CsvOptions options = {});

}  // namespace segmint::data
