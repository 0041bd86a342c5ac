#pragma once
// SQL for the catalog (docs/sql.md): the rules as queries with the exact meaning `segmint eval` gives, for a table that
// follows the storage contract of the dialect. One generator over the IR (generator.cpp, query.cpp), one file per
// dialect with what it spells differently (dialect.h, sqlite.cpp). Anything a dialect cannot express exactly is
// refused with the construct and the dialect named, never approximated.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scalar/scalar.h"
#include "semantic/catalog.h"

namespace segmint::sql {

enum class Mode {
    Counts,   // one row, one column per segment (named after it) holding its size
    Members,  // a row per customer: the key, then one 0/1 (TRUE only) column per segment
    Views,    // CREATE VIEW segment_<name> AS SELECT key ... per segment
};
const char* mode_name(Mode mode);
std::optional<Mode> parse_mode(const std::string& text);

// Every dialect `segmint sql` knows by name, and whether it is translated yet.
const std::vector<std::string>& dialect_names();
bool is_known_dialect(const std::string& name);
bool is_implemented_dialect(const std::string& name);
std::vector<std::string> implemented_dialects();

// A construct a dialect does not translate (yet): `construct` says what ("timestamps", "event aggregates").
struct Refusal {
    std::string segment;    // the segment whose rule holds it
    std::string construct;  // what is not translated
    std::string dialect;
    // "segment `s` uses timestamps, which the sqlite dialect cannot translate exactly"
    std::string message() const;
};

class RefusedError : public std::runtime_error {
public:
    explicit RefusedError(Refusal refusal) : std::runtime_error(refusal.message()), refusal_(std::move(refusal)) {}
    const Refusal& refusal() const { return refusal_; }

private:
    Refusal refusal_;
};

struct QueryOptions {
    Mode mode = Mode::Counts;
    std::string table;  // the table to read (`schema.table` for another schema's); empty: the schema's `table`
};

class Dialect;

// The catalog's rules, lowered and optimized with the passes that keep the IR SQL can express (today/now resolved to
// literals once, constant folding, logic simplification; never the VM's dictionary lookups or shared conditions),
// each translated once.
class Generator {
public:
    // `dialect` must be implemented (is_implemented_dialect), else std::invalid_argument. `catalog` must outlive it.
    Generator(const semantic::Catalog& catalog, scalar::AsOf as_of, const std::string& dialect);
    ~Generator();
    Generator(const Generator&) = delete;
    Generator& operator=(const Generator&) = delete;

    // Why `segment` (catalog index) cannot be translated, itself or through a segment it refers to; nullopt when it
    // can (or when it has no rule: a segment with errors).
    std::optional<Refusal> refusal(uint32_t segment) const;
    // The SQL of `segments` (catalog indices, columns in this order). Throws RefusedError for the first refused one,
    // std::invalid_argument for a segment without a rule.
    std::string query(const std::vector<uint32_t>& segments, const QueryOptions& options) const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace segmint::sql
