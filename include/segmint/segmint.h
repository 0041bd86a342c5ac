#pragma once
// Segmint's C++ API: load a customer schema, compile segment specs, load customer data, evaluate every segment, and
// read sizes and memberships; or evaluate one customer at a time against a whole catalog (Customer,
// CustomerEvaluator) for online use. No internal header leaks through this one; failures are reported as Problems or
// error strings, never thrown for bad input.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "segmint/version.h"  // SEGMINT_VERSION

namespace segmint {

// A problem in an input: a spec diagnostic, a schema error, or a file that cannot be read.
struct Problem {
    std::string file;
    uint32_t line = 0;     // 1-based; 0 when not about a place in the file
    uint32_t column = 0;   // 1-based, in code points
    bool is_error = true;  // false for warnings
    std::string code;      // "E101", "W001", ...; empty for unreadable files
    std::string message;
    std::string text;  // rendered as `segmint check` prints it (source line and caret included)
};

class Schema {
public:
    // From a YAML file, or from YAML text named `name` in messages. Null when the schema has errors.
    static std::shared_ptr<const Schema> load(const std::string& path, std::vector<Problem>* problems);
    static std::shared_ptr<const Schema> parse(const std::string& yaml, const std::string& name,
                                               std::vector<Problem>* problems);
    std::vector<std::string> column_names() const;

    struct Impl;
    std::shared_ptr<const Impl> impl;
};

class Catalog {
public:
    // Compiles every spec file (directories: every *.seg below them) against `schema`, with `today` = `as_of`
    // (YYYY-MM-DD; empty for today's UTC date). Null when any spec has an error; warnings are reported either way.
    static std::shared_ptr<const Catalog> compile(std::shared_ptr<const Schema> schema,
                                                  const std::vector<std::string>& paths, const std::string& as_of,
                                                  std::vector<Problem>* problems);
    // The same from spec text named `name` in messages.
    static std::shared_ptr<const Catalog> compile_text(std::shared_ptr<const Schema> schema, const std::string& text,
                                                       const std::string& name, const std::string& as_of,
                                                       std::vector<Problem>* problems);
    // Segment names, in the order of definition.
    std::vector<std::string> segments() const;
    std::string title(const std::string& segment) const;

    struct Impl;
    std::shared_ptr<const Impl> impl;
};

class Table {
public:
    // Loads CSV data (header row, columns typed by the schema). Null with a located message in *error on failure.
    static std::shared_ptr<const Table> load_csv(std::shared_ptr<const Schema> schema, const std::string& path,
                                                 std::string* error);
    // The same, with event tables: `events` maps an event table of the schema to its CSV file (as `segmint eval
    // --events NAME=FILE`). Event tables it does not name hold no events, and a catalog whose rules read one cannot
    // be evaluated over this table (evaluate() throws std::invalid_argument). Events whose key names no customer are
    // left out and counted (orphan_events).
    static std::shared_ptr<const Table> load_csv(std::shared_ptr<const Schema> schema, const std::string& path,
                                                 const std::map<std::string, std::string>& events, std::string* error);
    uint64_t rows() const;
    // How many events of event table `events` were left out because their key names no customer (0 for a table
    // not loaded, or not in the schema).
    uint64_t orphan_events(const std::string& events) const;

    struct Impl;
    std::shared_ptr<const Impl> impl;
};

// Membership of every segment of a catalog over one table.
class Result {
public:
    uint64_t rows() const;
    uint64_t count(const std::string& segment) const;  // 0 for an unknown segment
    bool contains(const std::string& segment, uint64_t row) const;
    // Rows (0-based positions in the table) that are members, ascending.
    std::vector<uint64_t> member_rows(const std::string& segment) const;

    struct Impl;
    std::shared_ptr<const Impl> impl;
};

struct EvaluateOptions {
    unsigned threads = 1;    // 0 = all cores; the result does not depend on it
    bool reference = false;  // use the slow reference evaluator (for cross-checks)
};

// A catalog whose rules read an event table needs the table loaded with it (Table::load_csv with events); without it,
// std::invalid_argument.
Result evaluate(const Catalog& catalog, const Table& table, const EvaluateOptions& options = {});

// ---- One customer at a time -------------------------------------------------------------------------------------
//
//   auto evaluator = segmint::CustomerEvaluator(catalog);     // once: as-of is the catalog's
//   segmint::Customer customer(schema);                          // reusable: clear() and set again
//   customer.set("age", 34); customer.set("tier", "gold"); customer.set("last_order_date", "2026-11-02");
//   customer.set("tags", std::vector<std::string>{"running"}); customer.set_null("city");
//   segmint::CustomerMembership m;
//   if (!evaluator.evaluate(customer, &m, &error)) ...;          // m.segments: indexes into catalog->segments()
//
// Membership is exactly what evaluate() over a table holding the same row gives (a test checks it on thousands of
// generated customers). A warm evaluator allocates nothing per call once strings and lists have reached their
// largest size; see docs/performance.md for the time per customer.

// A calendar date for Customer::set (a string "YYYY-MM-DD" works as well).
struct Date {
    int year = 1970;
    unsigned month = 1;
    unsigned day = 1;
};

// One customer: a value per schema column, by name. Columns not set are NULL. A setter returns false, sets nothing
// and records the reason (error()) when the column is unknown, the value has the wrong type (an int for a string
// column), or the text is not valid for the column (a date that does not exist, a value outside an enum). Accepted:
//   int          int (number columns take ints too)      number  double or int
//   bool         bool                                    string  string
//   enum         one of its values, as a string          list<string>  std::vector<std::string>
//   date         "YYYY-MM-DD" or Date                    timestamp     ISO 8601 text ("2026-11-02T10:00:00Z") or Date
class Customer {
public:
    explicit Customer(std::shared_ptr<const Schema> schema);
    Customer(const Customer& other);
    Customer& operator=(const Customer& other);
    Customer(Customer&&) noexcept;
    Customer& operator=(Customer&&) noexcept;
    ~Customer();

    bool set(const std::string& column, int value) { return set(column, static_cast<long long>(value)); }
    bool set(const std::string& column, long value) { return set(column, static_cast<long long>(value)); }
    bool set(const std::string& column, long long value);
    bool set(const std::string& column, double value);
    bool set(const std::string& column, bool value);
    bool set(const std::string& column, const char* value) { return set(column, std::string(value)); }
    bool set(const std::string& column, const std::string& value);
    bool set(const std::string& column, const Date& value);
    bool set(const std::string& column, const std::vector<std::string>& items);
    bool set_null(const std::string& column);
    // Every column back to NULL and the error cleared; keeps the storage for the next customer.
    void clear();

    // The first setter failure since construction or clear(); empty when none. evaluate() refuses such a customer.
    const std::string& error() const;
    bool ok() const { return error().empty(); }

    struct Impl;
    std::unique_ptr<Impl> impl;
};

// Which segments one customer belongs to. Reuse one across calls: evaluate() overwrites it without reallocating.
struct CustomerMembership {
    std::vector<uint32_t> segments;  // indexes into Catalog::segments() of the segments the customer is in, ascending
    std::vector<uint8_t> member;     // by segment index: 1 = member, 0 = not
    bool contains(uint32_t segment) const { return segment < member.size() && member[segment]; }
};

struct CustomerEvaluatorOptions {
    bool reference = false;  // use the slow reference evaluator (for cross-checks)
};

// Evaluates single customers against every segment of a catalog, with the catalog's as-of (`today`, `now`). Create one
// per thread and keep it: construction prepares the per-row state once; evaluate() is then cheap. Not thread-safe.
// A catalog whose rules read event aggregates (`count(orders)`) needs event tables, which one customer does not have:
// the constructor throws std::invalid_argument.
class CustomerEvaluator {
public:
    explicit CustomerEvaluator(std::shared_ptr<const Catalog> catalog, const CustomerEvaluatorOptions& options = {});
    CustomerEvaluator(CustomerEvaluator&&) noexcept;
    CustomerEvaluator& operator=(CustomerEvaluator&&) noexcept;
    ~CustomerEvaluator();

    // Fills *out; false (and *error, when given) when the customer has a setter error or was built for a schema
    // with other columns than the catalog's.
    bool evaluate(const Customer& customer, CustomerMembership* out, std::string* error = nullptr);
    // Names of the segments a customer is in (allocates; evaluate() is the fast path).
    std::vector<std::string> segments_of(const Customer& customer, std::string* error = nullptr);
    // Segment names by index, as Catalog::segments().
    const std::vector<std::string>& segment_names() const;

    struct Impl;
    std::unique_ptr<Impl> impl;
};

}  // namespace segmint
