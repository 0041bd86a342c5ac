#pragma once
// The schema's `checks:` (docs/schema.md): conditions of the rule language that every customer keeps. They are parsed
// and checked here against the schema's columns, compiled like segments, evaluated over loaded tables (a row where one
// is FALSE is a data error) and handed to the prover as facts.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/diagnostic.h"
#include "data/table.h"
#include "engine/engine.h"
#include "schema/schema.h"
#include "semantic/catalog.h"

namespace segmint::engine {

// Segment k of `catalog` is check k of the schema with the rule `not (CONDITION)`: its members are the customers
// the check is FALSE for (TRUE and NULL pass, as with SQL's CHECK).
struct SchemaChecks {
    semantic::Catalog catalog;
    CompiledCatalog compiled;                    // no table statistics: it also runs on one row
    std::vector<std::vector<uint32_t>> columns;  // per check, the schema columns it reads, ascending
};

// Parses and checks every check of `schema`: one condition (bool) over its columns, with no segment, no `today` and
// no `now` (a fact does not depend on the as-of date). Errors go to `sink` at their place in the schema file; then
// nullptr. A schema without checks gives an empty SchemaChecks. `schema` must outlive the result.
std::shared_ptr<const SchemaChecks> compile_schema_checks(const schema::Schema& schema, DiagnosticSink& sink);

// The schema's checks compiled without reporting anything; nullptr when one has an error (a schema loaded through
// frontend::load_schema_file has none: it refuses them).
std::shared_ptr<const SchemaChecks> compile_schema_checks(const schema::Schema& schema);

struct CheckViolation {
    size_t check = 0;     // index in schema.checks
    uint64_t row = 0;     // the first row some check is FALSE for
    std::string message;  // "check `a <= b` is false for this customer: a=3, b=2"
};

// The first row of `table` (in row order; the first check of that row) for which a check is FALSE.
std::optional<CheckViolation> first_check_violation(const SchemaChecks& checks, const data::Table& table,
                                                    unsigned threads = 1);

// The schema's checks as a data::CsvOptions::check_rows hook (empty when the schema has none), so every table loaded
// with the schema's facts checked is checked for them too.
std::function<std::optional<std::pair<uint64_t, std::string>>(const data::Table&)> schema_row_check(
    const schema::Schema& schema, unsigned threads = 1);

}  // namespace segmint::engine
