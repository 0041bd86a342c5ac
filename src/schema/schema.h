#pragma once
// The customer schema: the table's columns and their types, loaded from YAML (docs/schema.md).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"

namespace segmint::schema {

enum class ColumnType { Int, Number, String, Bool, Date, Timestamp, Enum, StringList };

// "int", "number", "string", "bool", "date", "timestamp", "enum", "list<string>".
const char* column_type_name(ColumnType type);

struct Column {
    std::string name;
    ColumnType type = ColumnType::String;
    std::vector<std::string> enum_values;  // for Enum, in declared order
    Span span;                             // the column's key in the schema file
    size_t index = 0;                      // position in Schema::columns
    // `not_null: true`: no customer has NULL here. Proofs rely on it (src/prove), so loaded data is checked for it
    // (data::first_null_in_not_null_column).
    bool not_null = false;
    // `min` / `max`: inclusive bounds of every non-NULL value, on int, number, date and timestamp columns. int, date
    // (days since 1970-01-01) and timestamp (microseconds) bounds are in *_whole, number bounds in *_number. Proofs
    // rely on them, so loaded data is checked for them as it is for not_null.
    std::optional<int64_t> min_whole, max_whole;
    std::optional<double> min_number, max_number;
    bool has_bounds() const { return min_whole || max_whole || min_number || max_number; }
    // Does a non-NULL value keep the bounds? (The one check of loaded data and of the prover's witnesses.)
    bool within_bounds(int64_t value) const {
        return (!min_whole || *min_whole <= value) && (!max_whole || value <= *max_whole);
    }
    bool within_bounds(double value) const {
        return (!min_number || *min_number <= value) && (!max_number || value <= *max_number);
    }

    // Index of an enum value, if it is one of this column's values (case-sensitive).
    std::optional<size_t> enum_index(std::string_view value) const;
};

// "`min: 0`", "`max: 130`" or "`min: 0, max: 130`" of a column with bounds, as the schema file could write them.
std::string bounds_text(const Column& column);

// One item of `checks:` (docs/schema.md): a condition of the rule language over the columns that every customer keeps
// (it is TRUE or NULL, never FALSE). engine::compile_schema_checks parses and checks it; loaded data is checked for it
// and proofs rely on it, as for not_null, min and max.
struct Check {
    std::string name;       // `name:`, or empty
    std::string condition;  // the YAML value
    Span span;              // the condition's scalar in the schema file (with its quotes)
    // The file holds the condition byte for byte from `offset` (a plain or quoted scalar without escapes or folded
    // lines), so an error in it can point at its column; otherwise errors point at the whole scalar.
    bool verbatim = false;
    uint32_t offset = 0;
};

struct Schema;

// One table of `events:` (docs/schema.md "Event tables"): what customers did, any number of rows per customer. Rules
// read it only through aggregates (`count(orders within last 90 days)`).
struct EventTable {
    std::string name;  // as rules name it: `count(orders)`
    Span span;         // its name's key in the schema file
    std::string key;   // the column naming the customer an event belongs to; it has the customer key's type
    std::string time;  // the date or timestamp column windows apply to; empty when the table has none
    std::vector<Column> columns;
    Span key_span, time_span;  // the values of `key:` and `time:`

    const Column* find(std::string_view name) const;
    const Column* time_column() const { return time.empty() ? nullptr : find(time); }
    std::vector<std::string> column_names() const;
};

struct Schema {
    std::shared_ptr<const Source> source;  // the YAML file, for locating columns in messages
    std::string table;
    std::string key;  // the key column (unique customer id)
    std::vector<Column> columns;
    std::vector<Check> checks;
    std::vector<EventTable> events;  // `events:`, in file order

    const Column* find(std::string_view name) const;
    std::vector<std::string> column_names() const;
    const EventTable* find_events(std::string_view name) const;
    std::vector<std::string> event_names() const;
};

// An event table as a table of its own (table = its name, its key and columns, no checks), the form loaders take.
Schema event_table_schema(const Schema& customers, const EventTable& events);

// Parses a schema from YAML text. On any error, reports diagnostics (with key path and line) and returns nullopt.
std::optional<Schema> load_schema(std::shared_ptr<const Source> source, DiagnosticSink& sink);

}  // namespace segmint::schema
