#pragma once
// What a dialect spells differently. The shared generator (generator.cpp) walks the IR and asks the dialect for each
// construct; every piece of SQL it returns is self-delimiting (a literal, a name, a call, a CASE, or parenthesized), so
// the generator never needs precedence. A construct the dialect cannot express exactly throws Unsupported, which the
// generator turns into a Refusal naming the construct and the dialect. Add a dialect as one more file like sqlite.cpp
// and one line in dialects.cpp.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ir/ir.h"
#include "scalar/scalar.h"

namespace segmint::sql {

// Thrown by a dialect (or the generator) for a construct it does not translate; `what()` names the construct.
class Unsupported : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Dialect {
public:
    virtual ~Dialect() = default;
    virtual const char* name() const = 0;

    // Names and literals.
    virtual std::string identifier(std::string_view name) const;  // "name", quotes doubled
    // A table name: `shop.customers` is table `customers` of schema `shop`, each part an identifier.
    virtual std::string table_name(std::string_view name) const;
    virtual std::string null_literal() const { return "NULL"; }
    virtual std::string bool_literal(bool value) const = 0;
    virtual std::string int_literal(int64_t value) const;
    virtual std::string number_literal(double value) const = 0;
    virtual std::string string_literal(std::string_view value) const = 0;
    virtual std::string date_literal(int32_t days) const = 0;

    // Arithmetic: int + - * and unary - are NULL on int64 overflow; % takes the dividend's sign and x % 0 is NULL;
    // number results that are not finite are NULL; x / 0 is NULL.
    virtual std::string int_arithmetic(ir::Op op, const std::string& a, const std::string& b) const = 0;
    virtual std::string int_negate(const std::string& a) const = 0;
    virtual std::string number_arithmetic(ir::Op op, const std::string& a, const std::string& b) const = 0;
    virtual std::string number_negate(const std::string& a) const = 0;
    virtual std::string int_to_number(const std::string& a) const = 0;

    // Comparisons of two operands of `type`; strings bytewise.
    virtual std::string compare(ir::Op op, ir::Type type, const std::string& a, const std::string& b) const = 0;
    // `a IN (items)` (items are literals of a's type, `has_null` adds NULL); never called with no items.
    virtual std::string in_set(ir::Type type, const std::string& a, const std::vector<std::string>& items,
                               bool has_null) const = 0;
    // contains, starts with, ends with, matches (RE2 partial match); `pattern_constant` is the pattern's text when it
    // is a literal.
    virtual std::string text_test(ir::Op op, const std::string& text, const std::string& pattern,
                                  const std::string* pattern_constant) const = 0;
    virtual std::string list_contains(const std::string& list, const std::string& item) const = 0;
    // How a rule (or an event aggregate) reads a list column; a dialect that cannot hold every list value refuses it.
    virtual std::string list_column(const std::string& column) const { return column; }

    // Functions (docs/language.md), their arguments already translated; `types` are the arguments' IR types.
    virtual std::string call(ir::Function function, const std::vector<ir::Type>& types,
                             const std::vector<std::string>& args, const scalar::AsOf& as_of) const = 0;
    // A date moved by `amount` days or months (clamped to the month's end), NULL outside 0001-01-01..9999-12-31.
    virtual std::string date_shift(ir::Op op, const std::string& date, int64_t amount) const = 0;

    // Timestamps: microseconds since 1970-01-01T00:00:00Z, within 0001-01-01..9999-12-31 (UTC). A dialect that does not
    // override these refuses them ("timestamps").
    virtual std::string timestamp_literal(int64_t micros) const;
    // A timestamp moved by `amount` microseconds (op Micros) or months (op Months: the UTC calendar, clamped to the
    // month's end), NULL outside the calendar.
    virtual std::string timestamp_shift(ir::Op op, const std::string& timestamp, int64_t amount) const;
    virtual std::string date_to_timestamp(const std::string& date) const;       // its midnight UTC
    virtual std::string timestamp_to_date(const std::string& timestamp) const;  // its UTC date
    // How a rule reads a timestamp column (a dialect may compute on another form than the stored one).
    virtual std::string timestamp_column(const std::string& column) const { return column; }

    // Event aggregates (query.cpp joins one table of them per event table, grouped by the customer key). A dialect
    // that does not say it translates them refuses them ("event aggregates").
    virtual bool translates_event_aggregates() const { return false; }
    // A value of `type` as MIN, MAX and DISTINCT must order and compare it: strings bytewise.
    virtual std::string ordered(ir::Type type, const std::string& value) const;
    // The aggregate of the smallest of `values` (of `type`, bool included: FALSE is the smaller).
    virtual std::string smallest(ir::Type type, const std::string& values) const;
    // The exact sum of int values: the aggregate expressions over `value` it needs, then, from the columns holding
    // them, the total (NULL outside int64) and the average (the exact total as a double, divided by `count`).
    virtual std::vector<std::string> int_sum_parts(const std::string& value) const;
    virtual std::string int_sum_total(const std::vector<std::string>& parts) const;
    virtual std::string int_sum_average(const std::vector<std::string>& parts, const std::string& count) const;

    // Throws Unsupported when `expression` (a rule, or an aggregate over events) nests deeper than the engine's parser
    // takes, wherever the queries place it.
    virtual void check_nesting(const std::string& expression) const { (void)expression; }

    // Membership: 1 where p is TRUE, else 0 (never NULL).
    virtual std::string true_only(const std::string& p) const = 0;
    // The sum of a 0/1 column (0 on an empty table).
    virtual std::string count_sum(const std::string& column) const = 0;
    // What follows a derived table in FROM: PostgreSQL before 16 requires an alias (" AS name").
    virtual std::string derived_table_alias() const { return ""; }
    // The longest identifier the engine keeps whole (0: no limit). Longer segment names are refused: cut, two names
    // could become one column.
    virtual size_t max_identifier_bytes() const { return 0; }
    // Whether quoted names that differ only in case name one thing (SQLite's tables, views and columns).
    virtual bool names_ignore_case() const { return false; }
    // The statement that makes `query` a view named `view` (an identifier already).
    virtual std::string view_statement(const std::string& view, const std::string& query) const;
};

// The dialect called `name`, or null when it is not implemented yet.
const Dialect* find_dialect(const std::string& name);

// The timestamps `t` (in the calendar) for which `t + amount` microseconds stays in the calendar: [*low, *high];
// false when there are none.
bool shift_keeps_calendar(int64_t amount, int64_t* low, int64_t* high);

// The SQL operator of an arithmetic or comparison op (`+`, `<>`, ...); std::logic_error for another op.
const char* symbol(ir::Op op);

// Shared spellings most dialects use.
std::string standard_logic(ir::Kind kind, const std::vector<std::string>& args);  // NOT, AND, OR

}  // namespace segmint::sql
